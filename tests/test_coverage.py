"""Coverage of the sources: every outlined section is cited by some item, or excused with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.cli import PROJECT

SEEDS = PROJECT.parent / "shared" / "seeds"


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


@pytest.mark.skipif(not SEEDS.is_dir(), reason="来源文件只在开发环境的 ../shared/seeds/ 中")
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


@pytest.mark.skipif(not SEEDS.is_dir(), reason="来源文件只在开发环境的 ../shared/seeds/ 中")
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
