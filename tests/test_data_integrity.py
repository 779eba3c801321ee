"""The real data: every reference resolves, and the slice of content is faithful to its sources."""

from __future__ import annotations

import pytest

from macros.cli import PROJECT
from macros.errors import DataError
from macros.resolve import load_handbook


def test_the_data_folder_has_no_problems():
    """Gathers every problem in data/ and fails once, listing them all (file:line:col: what)."""
    try:
        handbook = load_handbook(PROJECT / "data")
    except DataError as exc:  # pragma: no cover - shown only when the data is broken
        pytest.fail("data/ 中有问题：\n" + exc.report(), pytrace=False)
    assert handbook.procedures and handbook.roles


def _raw_entries(kind: str) -> list[dict]:
    """The entries of one kind as written in the YAML files, before resolving."""
    import yaml

    found = []
    for path in sorted((PROJECT / "data").rglob("*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8")).get(kind, [])
    return found


def test_every_step_reference_resolves_to_what_the_data_names(handbook):
    """Each step's actors, approvers and following steps, as resolved, are exactly the ids the YAML
    writes, in order: no reference is dropped, swapped or invented on the way."""
    raw_steps = {(p["id"], step["id"]): step for p in _raw_entries("procedures") for step in p["steps"]}
    resolved = {(p.id, step.id): step for p in handbook.procedures for step in p.steps}
    assert resolved.keys() == raw_steps.keys()
    wrong = []
    for key, step in resolved.items():
        raw = raw_steps[key]
        written = (raw.get("roles", []), raw.get("approved_by", []), [n["step"] for n in raw.get("next", [])])
        found = ([r.id for r in step.roles], [r.id for r in step.approved_by], [t.step.id for t in step.next])
        if found != written:
            wrong.append(f"{key}: {found} != {written}")
    assert wrong == []


def test_every_checklist_item_points_where_the_data_says(handbook):
    raw_items = {(c["id"], item["id"]): item for c in _raw_entries("checklists") for item in c["items"]}
    wrong = []
    for checklist in handbook.checklists:
        for item in checklist.items:
            raw = raw_items[(checklist.id, item.id)]
            found = (item.procedure and item.procedure.id, item.step and item.step.id, item.duty and item.duty.id)
            if found != (raw.get("procedure"), raw.get("step"), raw.get("duty")):
                wrong.append(f"{checklist.id}/{item.id}: {found}")
    assert wrong == []


def test_every_item_is_cited(handbook):
    uncited = [
        f"{kind}:{item.id}"
        for kind, items in (("role", handbook.roles), ("procedure", handbook.procedures),
                            ("checklist", handbook.checklists), ("term", handbook.terms))
        for item in items
        if not item.citations
    ]
    uncited += [f"step:{p.id}/{s.id}" for p in handbook.procedures for s in p.steps if not s.citations]
    assert uncited == []


def test_accident_investigation_has_the_ten_steps_of_mechanism_12(handbook):
    procedure = handbook.procedure("accident-investigation")
    assert len(procedure.steps) == 10
    assert {c.label for c in procedure.citations} == {"000_60fa0169b544a5ab.txt 四(五)12"}
    assert procedure.steps[0].lead.name == "纪检监察室"
    assert procedure.steps[2].lead.name == "责任追究组"
    assert [r.name for r in procedure.steps[5].roles] == ["纪检监察室", "案件审理室"]
    # The source states no time limit for this mechanism; none may be invented.
    assert procedure.time_limited_steps == ()


def test_inspection_tour_has_the_six_stages(handbook):
    procedure = handbook.procedure("inspection-tour")
    assert [s.title for s in procedure.steps] == [
        "巡察准备", "巡察了解", "报告巡察情况", "反馈巡察意见", "组织整改督查", "立卷归案",
    ]


def test_back_references_are_consistent(handbook):
    for role in handbook.roles:
        for step in role.steps:
            assert role in step.roles or role in step.approved_by
        for child in role.children:
            assert child.parent is role


def test_quality_report_names_unfinished_items():
    from macros.resolve.quality import quality_report

    from .conftest import FIXTURES

    report = quality_report(load_handbook(FIXTURES / "base" / "data"))
    assert any(line.startswith("既不办理任何步骤") and "派驻纪检组" in line for line in report)
    assert any(line.startswith("定义了但正文中没有出现的术语") and "三转" in line for line in report)
    assert not any("示例程序" in line for line in report)  # it has a time limit


def test_quality_report_finds_terms_as_a_plain_search_would(handbook):
    """The search finds exactly the words that `in` finds, including words that only occur inside
    or overlapping a longer one, or are one character long."""
    from macros.resolve.quality import prose_of, words_in

    words = {word for t in handbook.terms for word in t.names} | {"两个", "个责任", "任追", "不存在的词", "纪"}
    for text in (prose_of(handbook), "", "纪"):
        assert words_in(text, words) == {word for word in words if word in text}
    assert words_in("发出函询通知书", {"函询", "函询通知", "询通", "知书", "知书面"}) == {"函询", "函询通知", "询通", "知书"}


def test_benchmark_data_is_valid_and_cross_referenced(tmp_path, handbook):
    """`make bench` measures synthetic data made from the real data; it must be as valid and as
    connected as the real data, only larger."""
    from bench.generate import generate

    bigger = load_handbook(generate(PROJECT / "data", tmp_path / "data", 3))
    assert len(bigger.roles) == 3 * len(handbook.roles)
    assert sum(len(p.steps) for p in bigger.procedures) == 3 * sum(len(p.steps) for p in handbook.procedures)
    copy = next(p for p in bigger.procedures if p.id == "clue-handling-k3")
    assert copy.lead.id == "supervision-office-k3"
    assert all(role.id.endswith("-k3") for step in copy.steps for role in step.roles)


def test_no_summary_breaks_off_at_a_colon(handbook):
    """A summary is also shown alone (the glossary, an entry's 相关要点, the lists of topics), so it
    may not end on 「：」 as if what follows were part of it."""
    entries = (*handbook.roles, *handbook.procedures, *handbook.topics, *handbook.terms)
    broken_off = [entry.id for entry in entries
                  if (getattr(entry, "summary", None) or getattr(entry, "definition", "")).rstrip().endswith(("：", ":"))]
    assert broken_off == []
