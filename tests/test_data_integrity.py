"""The real data: every reference resolves, and the slice of content is faithful to its sources."""

from __future__ import annotations

import pytest

from macros.cli import PROJECT
from macros.errors import DataError
from macros.resolve import load_handbook


def test_all_references_resolve():
    """Gathers every problem in data/ and fails once, listing them all (file:line:col: what)."""
    try:
        load_handbook(PROJECT / "data")
    except DataError as exc:  # pragma: no cover - shown only when the data is broken
        pytest.fail("data/ 中有问题：\n" + exc.report(), pytrace=False)


def test_every_step_has_acting_roles_that_exist(handbook):
    roles = set(map(id, handbook.roles))
    problems = [
        f"{p.id}/{s.id}: {r!r}"
        for p in handbook.procedures
        for s in p.steps
        for r in (*s.roles, *s.approved_by)
        if id(r) not in roles
    ]
    assert problems == []


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
    from macros.facts import check_folder
    from macros.quality import quality_report

    from .conftest import FIXTURES

    report = quality_report(check_folder(FIXTURES / "base" / "data"))
    assert any(line.startswith("既不办理任何步骤") and "派驻纪检组" in line for line in report)
    assert any(line.startswith("定义了但正文中没有出现的术语") and "三转" in line for line in report)
    assert not any("示例程序" in line for line in report)  # it has a time limit


@pytest.mark.parametrize("key_length", [1, 2, 4, 9])
def test_quality_report_finds_terms_as_a_plain_search_would(handbook, monkeypatch, key_length):
    """The search finds exactly the words that `in` finds, including words that only occur inside
    or overlapping a longer one, or are one character long, whatever the length of the words'
    first characters its pattern holds."""
    from macros import words as w

    monkeypatch.setattr(w, "_KEY_LENGTH", key_length)
    words = {word for t in handbook.terms for word in t.names} | {"两个", "个责任", "任追", "不存在的词", "纪"}
    entries = (*handbook.roles, *handbook.duties, *handbook.procedures, *handbook.checklists, *handbook.topics)
    texts = [text for entry in entries for text in entry.texts] + ["", "纪"]
    assert w.words_in_each(words, texts) == [{word for word in words if word in text} for text in texts]
    assert w.words_in_each({"函询", "函询通知", "询通", "知书", "知书面"}, ["发出函询通知书"]) == [
        {"函询", "函询通知", "询通", "知书"}]


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
