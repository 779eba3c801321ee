"""`python -m macros diff`: what changed between two editions of the data, said in the readers' words.

The fixture pair tests/fixtures/editions/{old,new}/data starts from the base fixture; the new edition
renames a role, lengthens a step's time limit, adds a step, removes a term, changes citations, adds a
checklist item and renames a topic item. expected.txt is the whole report.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from macros.cli import PROJECT
from macros.resolve import load_handbook
from macros.resolve.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    Change,
    changes_by_entry,
    diff_handbooks,
    format_changes,
)

from .conftest import FIXTURES, copy_data, poppler

EDITIONS = FIXTURES / "editions"
OLD, NEW = EDITIONS / "old" / "data", EDITIONS / "new" / "data"


def run_macros(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *map(str, args)], cwd=PROJECT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_report_lists_every_change_field_by_field():
    result = run_macros("diff", OLD, NEW)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (EDITIONS / "expected.txt").read_text(encoding="utf-8")


def test_identical_folders_print_no_change():
    result = run_macros("diff", OLD, OLD)
    assert (result.returncode, result.stdout, result.stderr) == (0, "无变化\n", "")


def test_new_folder_defaults_to_the_data_folder():
    # The default is data/, or the folder --data names; the real data is not used, others edit it.
    result = run_macros("--data", NEW, "diff", OLD)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EDITIONS / "expected.txt").read_text(encoding="utf-8")


def test_broken_folder_gives_the_located_report_and_exit_1(tmp_path):
    broken = copy_data(NEW, tmp_path / "data", EDITIONS / "broken" / "data")
    result = run_macros("diff", OLD, broken)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"新版数据（{broken}）有问题：\n")
    assert result.stderr.endswith((EDITIONS / "broken" / "expected.txt").read_text(encoding="utf-8"))


def test_renamed_role_is_one_change_not_a_removal_and_an_addition():
    changes = diff_handbooks(load_handbook(OLD), load_handbook(NEW))
    about_role = [c for c in changes if c.entry_key == ("角色", "supervision-office")]
    assert [(c.what, c.field, c.old, c.new) for c in about_role] == [(CHANGED, "名称", "纪检监察室", "监督检查室")]
    # Its steps refer to it by id: they did not change, and do not repeat the rename.
    assert not [c for c in changes if c.field in ("承办", "牵头", "使用角色")]


def test_change_says_a_step_field_as_readers_read_it():
    change = Change("程序", "clue-handling", "问题线索处置", CHANGED, "时限", "十个工作日内", "十五个工作日内",
                    part="步骤“书面回复不同意见”", part_id="written-reply")
    assert change.text == "步骤“书面回复不同意见”的时限由“十个工作日内”改为“十五个工作日内”"


def test_reverse_diff_removes_what_was_added():
    old, new = load_handbook(OLD), load_handbook(NEW)
    forward, backward = diff_handbooks(old, new), diff_handbooks(new, old)
    flipped = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED}
    assert sorted((c.entry_key, c.field or "", flipped[c.what]) for c in forward) == sorted(
        (c.entry_key, c.field or "", c.what) for c in backward)
    texts = [c.text for c in backward]
    assert "删除步骤“复核”" in texts
    assert "删除条目“已审理”" in texts
    assert "新增术语“两个责任”（two-responsibilities）" in texts


def test_changes_by_entry_is_keyed_by_the_entry_noun_and_id():
    new = load_handbook(NEW)
    by_entry = changes_by_entry(diff_handbooks(load_handbook(OLD), new))
    procedure = new.procedure("sample")
    assert [c.text for c in by_entry[(procedure.noun, procedure.id)]] == [
        "简介由“用于测试的程序。”改为“用于测试两版比较的程序。”",
        "步骤“审理”的时限由“十个工作日内，自收到材料后起算”改为“十五个工作日内，自收到材料后起算”",
        "新增步骤“复核”",
        "步骤“办结”的出处由“s900 二”改为“s900 一”",
    ]
    # Changes inside a procedure name their step, for the page's anchor #step-<id>.
    assert [c.part_id for c in by_entry[(procedure.noun, procedure.id)]] == [None, "review", "recheck", "close"]


def edited_copy(target: Path, file: str, edit: Callable[[dict], None]) -> Path:
    """A copy of the old edition with one data file edited as a document."""
    data = copy_data(OLD, target)
    path = data / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def report_lines(old: Path, new: Path) -> list[str]:
    return format_changes(diff_handbooks(load_handbook(old), load_handbook(new))).split("\n")


def test_steps_that_changed_places_report_the_new_order(tmp_path):
    def swap(document: dict) -> None:
        steps = document["procedures"][0]["steps"]
        steps[1], steps[2] = steps[2], steps[1]  # 受理 → 办结, 审理: both still reachable from 受理

    data = edited_copy(tmp_path / "data", "procedures/sample.yaml", swap)
    assert report_lines(OLD, data) == [
        "程序",
        "  修改程序“示例程序”（sample）：",
        "    步骤顺序由“受理、审理、办结”改为“受理、办结、审理”",
        "合计：新增 0 个条目，删除 0 个，修改 1 个。",
    ]


def test_who_keeps_an_entry_and_its_review_date_are_compared(tmp_path):
    """Owners and review dates live in handbook.reviews, not on the entries; a new owner, a moved
    review date and an entry that gains both are changes like any other field's."""

    def with_upkeep(name: str, upkeep: dict[str, dict]) -> Path:
        def add(document: dict) -> None:
            for role in document["roles"]:
                role.update(upkeep.get(role["id"], {}))

        return edited_copy(tmp_path / name, "roles.yaml", add)

    before = with_upkeep("before", {"case-trial-office": {"owner": "commission", "review_by": "2026-06-30"}})
    after = with_upkeep("after", {"case-trial-office": {"owner": "supervision-office", "review_by": "2026-12-31"},
                                  "commission": {"review_by": "2027-01-31"}})
    assert report_lines(before, after) == [
        "角色",
        "  修改角色“纪委”（commission）：",
        "    增加复核期限“2027-01-31”",
        "  修改角色“案件审理室”（case-trial-office）：",
        "    维护角色由“纪委”改为“纪检监察室”",
        "    复核期限由“2026-06-30”改为“2026-12-31”",
        "合计：新增 0 个条目，删除 0 个，修改 2 个。",
    ]


def test_no_changes_format_as_no_change():
    assert format_changes([]) == "无变化"
    handbook = load_handbook(Path(OLD))
    assert diff_handbooks(handbook, load_handbook(OLD)) == []


def test_a_build_with_a_previous_edition_shows_the_changes_on_the_site_and_in_the_pdf(tmp_path, builder):
    """The data names its previous edition: the site gets a 本版修订说明 page (in the navigation),
    each changed entry's page says 本版有修改 with its changes, and the handbook PDF a chapter.
    (The base fixture: the whole build, PDFs included, takes seconds.)"""
    old = copy_data(FIXTURES / "base" / "data", tmp_path / "editions" / "1" / "data")
    new = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    procedure = old / "procedures" / "sample.yaml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace("limit: 十个工作日内", "limit: 十五个工作日内"),
                         encoding="utf-8")
    roles = old / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 案件审理室", "name: 审理室"), encoding="utf-8")
    info = new / "handbook.yaml"
    info.write_text(info.read_text(encoding="utf-8") + "  previous_edition: ../editions/1/data\n", encoding="utf-8")

    site = tmp_path / "site"
    assert builder(new, site, tmp_path / "cache") == 0
    page = (site / "changes.html").read_text(encoding="utf-8")
    limit_change = "步骤“审理”的时限由“十五个工作日内"
    assert limit_change in page and "名称由“审理室”改为“案件审理室”" in page
    assert 'href="changes.html"' in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    procedure_page = (site / "procedures" / "sample.html").read_text(encoding="utf-8")
    assert "本版有修改" in procedure_page and limit_change in procedure_page
    assert "本版有修改" not in (site / "roles" / "supervision-office.html").read_text(encoding="utf-8")
    text = poppler("pdftotext", site / "pdf" / "handbook.pdf")
    assert "本版修订说明" in text and "十五个工作日内" in text


def test_a_first_edition_shows_nothing_of_this(built_site):
    assert not (built_site / "changes.html").exists()
    pages = [p.read_text(encoding="utf-8") for p in built_site.rglob("*.html")]
    assert not any("本版有修改" in page or "本版修订说明" in page for page in pages)


def test_a_previous_edition_that_is_not_there_stops_the_build(tmp_path):
    import shutil

    import pytest

    from macros.cli import main
    from macros.errors import BuildError
    from macros.resolve import edition_changes, load_handbook

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "base" / "data", data)
    info = data / "handbook.yaml"
    info.write_text(info.read_text(encoding="utf-8") + "  previous_edition: ../editions/1/data\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        edition_changes(load_handbook(data), data)
    assert str(caught.value) == (f"handbook.yaml 中的上一版数据目录 '../editions/1/data' 不存在（{tmp_path / 'editions/1/data'}）。")
    site = tmp_path / "site"
    assert main(["--data", str(data), "build", "--site", str(site)]) == 1 and not site.exists()
