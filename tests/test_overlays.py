"""Regional editions: an overlay folder applied to the base (README: 地方版与单位版).

tests/fixtures/overlay is a good overlay of the base fixture (a new role, a changed role, a role that
does not apply, a changed procedure with a new step, a changed checklist item); each folder of
tests/fixtures/invalid-overlay breaks it in one way, with the exact report in expected.txt (and, for
an overlay written for an earlier edition of the base, that edition's data under editions/).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from macros.cli import PROJECT, default_site
from macros.errors import DataError
from macros.render.pages import Build
from macros.resolve import load_handbook
from macros.resolve.diff import format_changes
from macros.resolve.overlay import ADDED_LABEL, CHANGED_LABEL, NOT_APPLICABLE_LABEL, load_local_edition

from .conftest import FIXTURES, copy_data, poppler

BASE = FIXTURES / "base" / "data"
GOOD = FIXTURES / "overlay"
INVALID = FIXTURES / "invalid-overlay"
CASES = sorted(p.name for p in INVALID.iterdir())
EXAMPLE = PROJECT / "overlays" / "example-county"


def edition_folders(tmp_path: Path, case: str | None = None) -> tuple[Path, Path]:
    """The base fixture as tmp/data (with any earlier edition the case keeps, as tmp/editions/<n>/data)
    and the good overlay with the case's files on top as tmp/overlay."""
    data = copy_data(BASE, tmp_path / "data")
    overlay = copy_data(GOOD, tmp_path / "overlay", *([INVALID / case / "overlay"] if case else []))
    for kept in sorted((INVALID / case / "editions").glob("*/data")) if case else ():
        copy_data(BASE, tmp_path / "editions" / kept.parent.name / "data", kept)
    return data, overlay


def test_the_good_overlay_adds_changes_and_marks_entries(tmp_path):
    data, overlay = edition_folders(tmp_path)
    handbook, local = load_local_edition(data, overlay)
    assert (handbook.info.edition, handbook.info.date, handbook.info.compiler) == ("测试县版", "2026-03-01", "测试县纪委")
    assert handbook.info.title == load_handbook(BASE).info.title  # the manifest names none
    # A changed entry keeps its place among the base's; a new one comes after them.
    assert [role.id for role in handbook.roles][:3] == ["commission", "case-trial-office", "supervision-office"]
    assert handbook.roles[-1].id == "township-commission"
    assert handbook.role("case-trial-office").aliases == ("审理室",)
    procedure = handbook.procedure("sample")
    assert [step.id for step in procedure.steps] == ["receive", "review", "report", "close"]
    review = procedure.steps[1]
    assert review.time_limit.limit == "五个工作日内" and [r.id for r in review.roles] == ["township-commission"]
    # What the change touches cites the overlay's source besides the base's; what it leaves alone does not.
    assert [c.source.id for c in review.citations] == ["s900", "l001"]
    assert [c.source.id for c in review.time_limit.citations] == ["s900", "l001"]
    assert [c.source.id for c in procedure.steps[0].citations] == ["s900"]
    assert [c.source.id for c in procedure.steps[2].citations] == ["l001"]  # the new step: the change's own
    assert handbook.role("inspection-office") in handbook.roles  # not applicable, still there
    marks = {key: mark.status for key, mark in local.marks.items()}
    assert marks == {("角色", "township-commission"): ADDED_LABEL, ("来源", "l001"): ADDED_LABEL,
                     ("角色", "case-trial-office"): CHANGED_LABEL, ("程序", "sample"): CHANGED_LABEL,
                     ("清单", "sample-list"): CHANGED_LABEL, ("角色", "inspection-office"): NOT_APPLICABLE_LABEL}
    mark = local.mark_of(procedure)
    assert mark.reason == "本县办法规定的时限更短。" and [f"{c.source.id} {c.section.id}" for c in mark.citations] == ["l001 二"]
    assert format_changes(local.changes).split("\n") == [
        "角色",
        "  修改角色“案件审理室”（case-trial-office）：",
        "    增加别名“审理室”",
        "  角色“巡察办”（inspection-office）本地不适用：本县不设巡察办。",
        "  新增角色“乡镇纪委”（township-commission）",
        "程序",
        "  修改程序“示例程序”（sample）：",
        "    步骤“审理”的承办由“案件审理室”改为“乡镇纪委”",
        "    步骤“审理”的时限由“十个工作日内，自收到材料后起算”改为“五个工作日内，自收到材料后起算”",
        "    新增步骤“报告”",
        "清单",
        "  修改清单“示例清单”（sample-list）：",
        "    条目“已受理并登记”的内容由“已受理”改为“已受理并登记”",
        "来源",
        "  新增来源“测试县实施办法”（l001）",
        "合计：新增 2 个条目，删除 0 个，修改 3 个，本地不适用 1 个。",
    ]


@pytest.mark.parametrize("case", CASES)
def test_bad_overlay_gives_exact_messages(tmp_path, case):
    data, overlay = edition_folders(tmp_path, case)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(DataError) as caught:
        load_local_edition(data, overlay)
    assert caught.value.report() == expected


@pytest.mark.parametrize("case", ["unknown-change", "other-base-edition-kept"])
def test_check_command_reports_a_bad_overlay_as_the_loader_does(tmp_path, capsys, case):
    from macros.cli import main

    data, overlay = edition_folders(tmp_path, case)
    assert main(["--data", str(data), "--overlay", str(overlay), "check"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert captured.out == "" and "Traceback" not in captured.err


def test_a_broken_base_is_reported_before_the_overlay_is_applied(tmp_path):
    data, overlay = edition_folders(tmp_path)
    (data / "roles.yaml").write_text((data / "roles.yaml").read_text(encoding="utf-8").replace("kind: body", "kind: bodyy", 1),
                                     encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_local_edition(data, overlay)
    assert [p.path for p in caught.value.problems] == ["data/roles.yaml"]


def test_a_missing_overlay_folder_is_said_plainly(tmp_path):
    data, _ = edition_folders(tmp_path)
    with pytest.raises(DataError) as caught:
        load_local_edition(data, tmp_path / "nowhere")
    assert caught.value.report().startswith(f"nowhere:1:1: 找不到本地版目录 {tmp_path / 'nowhere'}。")


def test_an_earlier_edition_is_found_through_previous_edition_too(tmp_path):
    """The base names its previous edition's folder (as 本版修订说明 does); an overlay written for it
    is compared with that folder even when it is not under editions/."""
    data, overlay = edition_folders(tmp_path, "other-base-edition-kept")
    (tmp_path / "editions").rename(tmp_path / "archive")
    info = data / "handbook.yaml"
    info.write_text(info.read_text(encoding="utf-8") + "  previous_edition: ../archive/0/data\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_local_edition(data, overlay)
    assert len(caught.value.problems) == 3
    assert "基础版从“测试版（第 0 版）”到“测试版”改动了它：名称由“审理室”改为“案件审理室”" in caught.value.report()


def test_the_example_overlay_checks_clean():
    result = subprocess.run([sys.executable, "-m", "macros", "--overlay", str(EXAMPLE), "check"], cwd=PROJECT,
                            capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("本地版“示例县版 2027 年第 1 版（示例）”（示例县纪委监委（虚构示例））依据基础版")


def test_the_example_is_labelled_fictional_wherever_it_names_itself():
    handbook, local = load_local_edition(PROJECT / "data", EXAMPLE)
    assert "示例" in local.name and "示例" in handbook.info.edition and "示例" in handbook.info.title
    for entry in handbook.sources:
        if local.mark_of(entry):
            assert "虚构示例" in entry.title and "虚构示例" in entry.origin


def test_each_edition_builds_into_its_own_folder_by_default():
    assert default_site(None) == PROJECT / "site"
    assert default_site(EXAMPLE) == PROJECT / "site-example-county"
    shown = subprocess.run(["make", "-n", "build", "OVERLAY=overlays/example-county", "SITE=/tmp/x"], cwd=PROJECT,
                           capture_output=True, text=True, check=True).stdout
    assert "-m macros --overlay overlays/example-county build --site /tmp/x" in shown
    shown = subprocess.run(["make", "-n", "check", "OVERLAY=overlays/example-county"], cwd=PROJECT,
                           capture_output=True, text=True, check=True).stdout
    assert "-m macros --overlay overlays/example-county check" in shown


def test_entry_pages_carry_the_marks_and_the_base_carries_none(tmp_path):
    data, overlay = edition_folders(tmp_path)
    handbook, local = load_local_edition(data, overlay)
    build = Build(handbook, "2026-03-01", local=local)
    page = build.entry_page(handbook.procedure("sample"))
    assert CHANGED_LABEL in page and "步骤“审理”的时限由“十个工作日内，自收到材料后起算”改为“五个工作日内" in page
    assert "修改理由：本县办法规定的时限更短。" in page and "l001</a> 二（程序）" in page
    # The steps the change touched say so themselves: a reader may land on one from a search.
    steps = re.findall(r'data-step="([a-z-]+)"><p class="hb-local-step"> <span class="hb-local-tag [a-z-]+">(\w+)</span>', page)
    assert steps == [("review", CHANGED_LABEL), ("report", ADDED_LABEL)]
    assert f'<p class="hb-label">{NOT_APPLICABLE_LABEL}</p><p>本条目在测试县纪委不适用：本县不设巡察办。</p>' in \
        build.entry_page(handbook.role("inspection-office"))
    assert ADDED_LABEL in build.entry_page(handbook.role("township-commission"))
    differences = build.local_page()
    assert differences.index("角色：案件审理室") < differences.index("程序：示例程序") < differences.index("来源：测试县实施办法")
    base = load_handbook(BASE)
    plain = Build(base, "2026-01-01")
    pages = [plain.entry_page(entry) for entry in (*base.roles, *base.procedures, *base.checklists)]
    assert not any("hb-local" in page or "本地" in page for page in pages)


def test_overlay_text_is_escaped(tmp_path):
    data, overlay = edition_folders(tmp_path)
    roles = overlay / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("本县不设巡察办。", "<script>alert(1)</script>{{ 7*7 }}"),
                     encoding="utf-8")
    handbook, local = load_local_edition(data, overlay)
    build = Build(handbook, "2026-03-01", local=local)
    for page in (build.entry_page(handbook.role("inspection-office")), build.local_page()):
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in page


# -- the example built (slow: a site and its PDFs) ----------------------------------------------------


@pytest.fixture(scope="module")
def overlay_site(tmp_path_factory, builder, build_cache, built_site) -> Path:
    """The example overlay built into a folder of its own, with the PDF cache of the base's build
    (built_site is asked for first, so the cache holds the base's documents when this one builds)."""
    site = tmp_path_factory.mktemp("overlay") / "site-example-county"
    assert builder(PROJECT / "data", site, build_cache, overlay=EXAMPLE) == 0
    return site


def _text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_the_example_site_lists_its_differences_and_marks_its_entries(overlay_site):
    _handbook, local = load_local_edition(PROJECT / "data", EXAMPLE)
    page = (overlay_site / "local-differences.html").read_text(encoding="utf-8")
    for change in local.changes:
        assert change.text.replace(" ", "") in _text(page).replace("&ldquo;", "“"), change.text
    home = (overlay_site / "index.html").read_text(encoding="utf-8")
    assert 'href="local-differences.html"' in home and "本手册是示例县纪委监委（虚构示例）的本地版" in _text(home)
    assert "<title>纪检监察干部工作手册（示例县版）</title>" in home
    listing = (overlay_site / "procedures" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="hb-local-tag hb-local-not-applicable">{NOT_APPLICABLE_LABEL}</span>' in listing
    assert (overlay_site / "procedures" / "township-clue-report.html").exists()
    assert (overlay_site / "pdf" / "checklists" / "township-clue-report-record.pdf").exists()


def test_the_pdf_has_a_chapter_of_the_local_differences(overlay_site):
    """After the contents, a 本地差异 chapter lists every difference, field by field, with the
    overlay's citations; the changed procedure's own pages in the PDF carry the mark."""
    _handbook, local = load_local_edition(PROJECT / "data", EXAMPLE)
    text = poppler("pdftotext", overlay_site / "pdf" / "handbook.pdf")
    assert re.search(r"目录\n本地差异 \.+ \d+\n第一章", text)  # first in the contents
    start = text.index("\f本地差异")  # the pages after the contents, up to the first chapter's
    chapter = re.sub(r"\s+", "", text[start:text.index("\f第一章", start)])
    assert "是示例县纪委监委（虚构示例）的本地版" in chapter
    for change in local.changes:
        assert re.sub(r"\s+", "", change.text) in chapter, change.text
    for label in (ADDED_LABEL, CHANGED_LABEL, NOT_APPLICABLE_LABEL):
        assert label in chapter
    assert "出处：l001三（对乡镇纪委线索处置的监督）" in chapter
    assert "修改理由：示例县的实施办法把书面回复的时限定为七个工作日" in chapter


def test_an_overlay_page_in_chromium(page, overlay_site):
    """From the folder (file://), as a county's cadre opens the offline copy: the mark stands at the top
    of the changed procedure, readable, and nothing on the page fails."""
    from .test_search_browser import AXE

    page.goto((overlay_site / "procedures" / "clue-handling.html").as_uri())
    mark = page.locator(".hb-local.hb-local-changed")
    assert mark.count() == 1 and mark.is_visible()
    assert mark.locator(".hb-label").inner_text() == CHANGED_LABEL
    assert "七个工作日内" in mark.inner_text() and "l001" in mark.inner_text()
    box = mark.bounding_box()
    heading = page.locator("article h1").bounding_box()
    assert box["y"] > heading["y"] and box["y"] < page.locator("#procedure-clue-handling-overview").bounding_box()["y"]
    assert page.errors == []
    page.goto((overlay_site / "local-differences.html").as_uri())
    assert page.locator(".hb-changed-entries > li").count() == len({c.entry_key for c in
                                                                     load_local_edition(PROJECT / "data", EXAMPLE)[1].changes})
    page.locator(".hb-changed-entries a", has_text="程序：片区州市联席会议").click()
    assert page.locator(".hb-local.hb-local-not-applicable").is_visible()
    assert page.errors == []
    # axe last: it asks for the stylesheets, which a page opened from file:// may not read, and those
    # refusals are reported whenever they arrive
    page.goto((overlay_site / "procedures" / "clue-handling.html").as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_base_build_is_unchanged_by_an_overlay_build(overlay_site, built_site, builder, build_cache, tmp_path,
                                                         capsys):
    """Building an edition leaves the base alone, and the PDF cache serves both: after the overlay's
    build the base builds again from the cache alone, into the same pages, and so does the overlay."""
    capsys.readouterr()
    again = tmp_path / "site"
    assert builder(PROJECT / "data", again, build_cache) == 0
    assert "（PDF：排版 0 份，" in capsys.readouterr().out
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("*.html"))
    assert pages == sorted(p.relative_to(again) for p in again.rglob("*.html"))
    assert [p for p in pages if (built_site / p).read_bytes() != (again / p).read_bytes()] == []
    assert not (again / "local-differences.html").exists()
    # taken from the cache, the PDFs are the base's to the byte
    assert (again / "pdf" / "handbook.pdf").read_bytes() == (built_site / "pdf" / "handbook.pdf").read_bytes()
    assert builder(PROJECT / "data", tmp_path / "site-example-county", build_cache, overlay=EXAMPLE) == 0
    assert "（PDF：排版 0 份，" in capsys.readouterr().out


def test_checked_in_overlay_schema_matches_the_model_and_overlay_files_use_it():
    from macros.resolve.overlay import json_schema_text

    checked_in = (PROJECT / "schema" / "overlay.schema.json").read_text(encoding="utf-8")
    assert checked_in == json_schema_text(), "本地版的数据模型已改变：运行 make schema 并提交 schema/overlay.schema.json"
    for path in sorted((PROJECT / "overlays").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        depth = len(path.relative_to(PROJECT).parts) - 1
        assert first == f"# yaml-language-server: $schema={'../' * depth}schema/overlay.schema.json", path
