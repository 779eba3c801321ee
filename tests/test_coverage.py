"""Coverage of the sources: every outlined section is cited by some item, or excused with a reason."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

# The project folder (this file is tests/test_coverage.py), whatever module layout the engine has.
PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT.parent / "shared" / "seeds"
# The sources sit beside the project (../shared/seeds/), in development and in CI alike; a user's
# copy of the project has no sources, and the copy tests then skip.
SEEDS_MISSING = f"来源文件不在 {SEEDS}（项目目录旁的 shared/seeds/）：无法与来源比对"


def test_every_outlined_section_is_cited_or_excused(handbook):
    uncovered = [
        f"{source.id} {section.id}（{section.heading}）"
        for source in handbook.sources
        for section in source.sections
        if not section.excluded and not handbook.citing(section)
    ]
    assert uncovered == []


def test_coverage_page_lists_citing_items(built_site):
    page = (built_site / "coverage.html").read_text(encoding="utf-8")
    assert "机制 12：重大生产安全责任事故参与调查处置" in page
    assert "hb-uncovered" not in page
    assert "不收录：转载网站的页眉页脚" in page


# The top-level section markers each seed uses, and the outline ids they must appear in.
SEED_MARKERS = {
    "s000": (r"^([一二三四])、", lambda m: m),
    "s001": (r"^‘([壹贰叁肆伍陆柒捌玖])’", lambda m: m),
    "s002": (r"^\s+强化(系统观念|统筹协调|机制保障|队伍建设)", lambda m: "一二三四"[
        ["系统观念", "统筹协调", "机制保障", "队伍建设"].index(m)]),
    "s003": (r"^(完善民生领域|探索构建联动|创新建立整改|健全干部担当|开展重点村|深入开展全员培训)", lambda m: "一二三四五六"[
        ["完善民生领域", "探索构建联动", "创新建立整改", "健全干部担当", "开展重点村", "深入开展全员培训"].index(m)]),
    "s004": (r"^(问题为导向|行动更有力|担当摆首位|聚焦主业主责)", lambda m: "一二三四"[
        ["问题为导向", "行动更有力", "担当摆首位", "聚焦主业主责"].index(m)]),
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_outline_matches_the_seed_files(handbook):
    """Every top-level section found in a seed file has a section in the outline."""
    missing = []
    for source in handbook.sources:
        text = (SEEDS / source.file).read_text(encoding="utf-8")
        pattern, to_id = SEED_MARKERS[source.id]
        found = {to_id(m.group(1)) for line in text.splitlines() if (m := re.match(pattern, line))}
        assert found, f"{source.id}: 没有找到任何章节标记"
        outlined = {section.id for section in source.sections}
        for marker in sorted(found):
            if not any(section_id.startswith(marker) for section_id in outlined):
                missing.append(f"{source.id} {marker}")
    assert missing == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_mechanisms_of_seed_000_are_all_outlined(handbook):
    text = (SEEDS / "000_60fa0169b544a5ab.txt").read_text(encoding="utf-8")
    numbers = re.findall(r"^(\d+)\. ?建立健全", text, flags=re.MULTILINE)
    source = next(s for s in handbook.sources if s.id == "s000")
    outlined = {section.id for section in source.sections}
    assert [f"四(五){n}" for n in numbers if f"四(五){n}" not in outlined] == []
    assert len(numbers) == 13


def test_build_never_reads_the_shared_folder():
    """A user's machine has no ../shared/: nothing in the engine may point there."""
    for path in (PROJECT / "macros").rglob("*.py"):
        assert "shared/" not in Path(path).read_text(encoding="utf-8"), path


# Strings the data may share with a source word for word: names of documents, bodies, named lists
# and slogans carry over; clauses and sentences are written anew (tests/copy_allowlist.yaml).
COPY_RUN = 20
# No data string, allowlisted or not, may share this many characters with a source.
COPY_RUN_NEVER = 30
# The title of a document the sources name is quoted exactly as they write it, whatever its length
# (a reader looks it up by that title): the one field the copy check leaves alone. Whether each title
# is really a source's, and every source's title is listed, is checked below.
EXACT_TITLE = re.compile(r"^documents\[\d+\]\.title$")


def _plain(text: str) -> str:
    """The text as compared: NFKC (full and half width alike), without whitespace, punctuation or symbols."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")


def _data_strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _data_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _data_strings(item, f"{path}[{index}]")


def _windows(seed_texts: list[str], run: int) -> set[str]:
    return {text[i : i + run] for text in map(_plain, seed_texts) for i in range(len(text) - run + 1)}


def copied_strings(data_dir: Path, seed_texts: list[str], allowed: set[str], run: int = COPY_RUN) -> list[str]:
    """Every data string sharing `run` or more consecutive characters with a source (punctuation,
    whitespace and width ignored), unless the whole string is allowed."""
    import yaml

    windows = _windows(seed_texts, run)
    found = []
    for path in sorted(data_dir.rglob("*.yaml")):
        for where, value in _data_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            text = _plain(value)
            if text in allowed or EXACT_TITLE.match(where):
                continue
            shared = next((text[i : i + run] for i in range(len(text) - run + 1) if text[i : i + run] in windows), None)
            if shared:
                found.append(f"{path.relative_to(data_dir)} {where}: …{shared}…")
    return found


def _allowed() -> set[str]:
    import yaml

    return {_plain(s) for s in yaml.safe_load((Path(__file__).parent / "copy_allowlist.yaml").read_text("utf-8"))}


def _seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_no_data_string_copies_a_source_clause():
    assert copied_strings(PROJECT / "data", _seeds(), _allowed()) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_no_data_string_copies_a_long_run_even_if_allowed():
    assert copied_strings(PROJECT / "data", _seeds(), set(), COPY_RUN_NEVER) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_every_allowlisted_string_is_still_in_the_data():
    import yaml

    in_data = {_plain(value) for path in (PROJECT / "data").rglob("*.yaml")
               for _, value in _data_strings(yaml.safe_load(path.read_text(encoding="utf-8")))}
    assert sorted(_allowed() - in_data) == []


def test_the_copy_check_finds_a_copied_clause(tmp_path):
    (tmp_path / "x.yaml").write_text("terms:\n- definition: 前言一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑\n", "utf-8")
    source = "无关。一二三四五六七八九十甲乙丙丁\n戊己庚辛壬癸子丑寅卯。"
    assert copied_strings(tmp_path, [source], set()) == [
        "x.yaml terms[0].definition: …一二三四五六七八九十甲乙丙丁戊己庚辛壬癸…"]
    assert copied_strings(tmp_path, [source], {"前言一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑"}) == []


def test_the_copy_check_ignores_punctuation_and_width(tmp_path):
    # The data's punctuation differs from the source's, and the source writes some digits full width.
    (tmp_path / "x.yaml").write_text("terms:\n- definition: 甲乙丙丁，戊己庚辛（壬癸）子丑寅卯、辰巳午未申酉12\n", "utf-8")
    source = "甲乙丙丁、戊己庚辛“壬癸”子丑寅卯；辰巳午未申酉１２。"
    assert copied_strings(tmp_path, [source], set()) == [
        "x.yaml terms[0].definition: …甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉…"]


def _titles_in_seeds() -> dict[str, set[str]]:
    """Every title in book-title marks in the sources, NFKC-normalized (the sources write some
    brackets half width), with the ids of the sources that name it."""
    found: dict[str, set[str]] = {}
    for index, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        for title in re.findall(r"《([^》]+)》", path.read_text(encoding="utf-8")):
            found.setdefault(unicodedata.normalize("NFKC", title), set()).add(f"s{index:03d}")
    return found


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_the_list_of_documents_holds_every_title_the_sources_name(handbook):
    """文件目录: one entry per title the sources write in 《》, the title as they write it, cited to
    (at least) each source that names it."""
    in_seeds = _titles_in_seeds()
    listed = {unicodedata.normalize("NFKC", d.title): d for d in handbook.documents}
    assert sorted(set(in_seeds) - set(listed)) == []
    assert sorted(set(listed) - set(in_seeds)) == []
    assert len(handbook.documents) == len(in_seeds) == 27
    uncited = [f"{title}：{sorted(sources - {c.source.id for c in listed[title].citations})}"
               for title, sources in in_seeds.items() if sources - {c.source.id for c in listed[title].citations}]
    assert uncited == []
