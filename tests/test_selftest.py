"""The self-test generator (macros/resolve/selftest.py) and the question banks made from it
(macros/export/): honest questions, at least ten a course, and files a learning platform imports,
the same bytes from the same data."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from macros.export.moodle import moodle_xml
from macros.export.xlsx import COLUMNS, SHEET_NAME, question_rows, question_sheet
from macros.resolve.selftest import (
    CHOICE,
    INFERRED_OR_OPEN,
    MIN_QUESTIONS,
    TRUE_FALSE,
    TRUE_FALSE_OPTIONS,
    normalised,
    self_test,
)

HOSTILE = "</text><script>alert(1)</script>&amp;{{ 7*7 }}"


@pytest.fixture(scope="module")
def tests(handbook) -> dict[str, list]:
    return {course.id: self_test(course, handbook) for course in handbook.courses}


def test_every_course_has_at_least_ten_questions_of_both_kinds_in_all(tests):
    assert {course: len(questions) for course, questions in tests.items() if len(questions) < MIN_QUESTIONS} == {}
    kinds = {q.kind for questions in tests.values() for q in questions}
    assert kinds == {CHOICE, TRUE_FALSE}


def test_the_same_data_gives_the_same_questions(handbook, tests):
    assert all(self_test(course, handbook) == tests[course.id] for course in handbook.courses)
    # and the right answer is not always in the same place
    places = {q.correct for questions in tests.values() for q in questions if q.kind == CHOICE}
    assert places == {0, 1, 2, 3}


def test_no_option_repeats_the_answer_or_another_option(tests):
    for questions in tests.values():
        for q in questions:
            same = [normalised(option) for option in q.options]
            assert len(set(same)) == len(same), q.text
            assert 3 <= len(q.options) <= 4 if q.kind == CHOICE else q.options == TRUE_FALSE_OPTIONS


def test_no_question_asks_what_the_source_leaves_open(handbook, tests):
    """No actor of a step the source leaves unassigned or the handbook infers, nothing 来源未…."""
    for questions in tests.values():
        for q in questions:
            for text in (q.text, *q.options):
                assert not INFERRED_OR_OPEN.search(text), (q.text, text)
            if q.key.endswith("/who"):
                assert q.about.roles and not q.about.roles_inferred, q.key
    asked = {q.key for questions in tests.values() for q in questions}
    for procedure in handbook.procedures:
        for step in procedure.steps:
            if step.unassigned or step.roles_inferred:
                assert f"{procedure.id}/{step.id}/who" not in asked


def test_distractors_are_of_the_same_kind_as_the_answer(handbook, tests):
    roles = {role.name: role for role in handbook.roles}
    limits = {limit.limit for procedure in handbook.procedures for limit in
              (*(s.time_limit for s in procedure.steps if s.time_limit), procedure.frequency) if limit}
    limits |= {duty.frequency.limit for duty in handbook.duties if duty.frequency}
    items = {item.name for topic in handbook.topics for item in topic.items}
    definitions = {term.definition for term in handbook.terms}
    for questions in tests.values():
        for q in questions:
            if q.kind != CHOICE:
                continue
            wrong = [option for n, option in enumerate(q.options) if n != q.correct]
            if q.key.endswith("/who"):
                step = q.about
                assert q.answer in {role.name for role in step.roles}
                family = _family((*step.roles, *step.approved_by))
                # a role that plays no part in the step, nor a body above or below one that does
                assert not {roles[option].id for option in wrong} & family, q.text
                # the procedure's own other roles come first
                own = [role.name for role in step.procedure.roles if role.id not in family]
                assert sum(option in own for option in wrong) == min(len(own), len(wrong)), q.text
            elif q.key.endswith("/limit"):
                assert set(q.options) <= limits and q.answer == q.about.time_limit.limit
            elif q.key.startswith("topic/"):
                assert set(q.options) <= items and q.answer in {item.name for item in q.about.items}
                assert not set(wrong) & {item.name for item in q.about.items}
            else:
                assert q.key.startswith("term/") and set(q.options) <= definitions
                assert q.answer == q.about.definition


def _family(roles) -> set[str]:
    """The roles, every body above them and every one below."""
    found = set()
    for role in roles:
        up = role
        while up is not None:
            found.add(up.id)
            up = up.parent
        below = list(role.children)
        while below:
            child = below.pop()
            found.add(child.id)
            below.extend(child.children)
    return found


def test_a_limit_with_the_same_numbers_is_the_same_limit(handbook, tests):
    """'每月' and '每月一次' say the same (every 1 个月): one is never a distractor for the other."""
    by_text = {}
    for procedure in handbook.procedures:
        for step in procedure.steps:
            if step.time_limit and step.time_limit.computable:
                by_text[step.time_limit.limit] = step.time_limit
    for questions in tests.values():
        for q in (q for q in questions if q.key.endswith("/limit")):
            answer = q.about.time_limit
            for option in q.options:
                other = by_text.get(option)
                if other is not None and other is not answer and answer.computable:
                    assert (other.kind, other.amount, other.unit) != (answer.kind, answer.amount, answer.unit), option


def test_true_false_questions_are_right_both_ways(tests):
    answers = {q.answer for questions in tests.values() for q in questions if q.kind == TRUE_FALSE}
    assert answers == set(TRUE_FALSE_OPTIONS)


def test_answers_name_their_basis_and_a_proposal_s_standing(handbook, tests):
    for questions in tests.values():
        for q in questions:
            assert q.citations and q.basis
            proposal = [c.source for c in q.citations if c.source.standing == "proposal"]
            assert list(q.proposals) == list(dict.fromkeys(proposal))
            for source in q.proposals:
                assert f"依据：{source.standing_brief}" in q.explanation
            if not proposal:
                assert "依据：" not in q.explanation
            assert q.explanation.startswith(f"正确答案：{q.answer.rstrip('。')}。")


# -- the question banks ------------------------------------------------------------------------------


def moodle_questions(data: bytes) -> list[ET.Element]:
    quiz = ET.fromstring(data)
    assert quiz.tag == "quiz"
    return quiz.findall("question")


@pytest.mark.parametrize("course_id", ["new-cadres", "stationed-groups"])
def test_moodle_xml_has_what_moodle_requires(handbook, tests, course_id):
    course = handbook.course(course_id)
    data = moodle_xml(handbook, course, tests[course_id])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    category, *questions = moodle_questions(data)
    assert category.get("type") == "category"
    assert category.findtext("category/text") == f"$course$/top/{handbook.info.title}：{course.name}"
    assert len(questions) == len(tests[course_id])
    for element, q in zip(questions, tests[course_id], strict=True):
        assert element.get("type") == ("multichoice" if q.kind == CHOICE else "truefalse")
        assert element.findtext("name/text").startswith(f"{q.number:02d} ")
        assert element.find("questiontext").get("format") == "html"
        assert element.findtext("questiontext/text") == f"<p>{q.text}</p>"
        assert q.basis.split("；")[0] in element.findtext("generalfeedback/text")
        assert element.findtext("defaultgrade") == "1"
        answers = element.findall("answer")
        for answer in answers:
            assert answer.find("text") is not None
            assert answer.findtext("feedback/text")
        fractions = [answer.get("fraction") for answer in answers]
        assert sorted(fractions) == ["0"] * (len(answers) - 1) + ["100"]
        if q.kind == CHOICE:
            assert element.findtext("single") == "true"
            assert element.findtext("shuffleanswers") in ("true", "false")
            assert element.findtext("answernumbering") == "ABCD"
            assert [answer.findtext("text") for answer in answers] == list(q.options)
            assert answers[q.correct].get("fraction") == "100"
        else:
            assert [answer.findtext("text") for answer in answers] == ["true", "false"]
            assert answers[0 if q.answer == "正确" else 1].get("fraction") == "100"


def test_moodle_ids_fit_and_a_slash_in_a_name_is_no_new_category(handbook, tests):
    from macros.export.moodle import IDNUMBER_LENGTH, _idnumber

    long = "x" * 150
    assert len(_idnumber(long)) == IDNUMBER_LENGTH and _idnumber(long) != _idnumber(long[:-1] + "y")
    course = dataclasses.replace(handbook.course("stationed-groups"), name="派驻/纪检组")
    category = moodle_questions(moodle_xml(handbook, course, tests["stationed-groups"]))[0]
    assert category.findtext("category/text").endswith("：派驻//纪检组")


def sheet_rows(data: bytes) -> list[list[str]]:
    """Read an .xlsx back as its rows of text, as a platform reads it (the parts Excel writes)."""
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        assert any(o.get("PartName") == "/xl/workbook.xml" for o in types)
        rels = ET.fromstring(archive.read("_rels/.rels"))
        assert rels[0].get("Target") == "xl/workbook.xml"
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        assert [s.get("name") for s in workbook.iterfind("s:sheets/s:sheet", ns)] == [SHEET_NAME]
        strings = [si.findtext("s:t", namespaces=ns) for si in
                   ET.fromstring(archive.read("xl/sharedStrings.xml")).iterfind("s:si", ns)]
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        ET.fromstring(archive.read("xl/styles.xml"))
    rows = []
    for number, row in enumerate(sheet.iterfind("s:sheetData/s:row", ns), start=1):
        assert row.get("r") == str(number)
        cells = [""] * len(COLUMNS)
        for cell in row.iterfind("s:c", ns):
            column, line = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r")).groups()
            assert line == str(number) and cell.get("t") == "s"
            cells[ord(column) - ord("A")] = strings[int(cell.findtext("s:v", namespaces=ns))]
        rows.append(cells)
    return rows


def test_xlsx_reads_back_as_the_template_s_columns(handbook, tests):
    """The header of 考试宝's import template, word for word; one question a row, the answer as a letter."""
    header = ["题干（必填）", "题型 （必填）", "选项 A", "选项 B", "选项 C", "选项 D", "选项E\n(勿删)", "选项F\n(勿删)",
              "选项G\n(勿删)", "选项H\n(勿删)", "正确答案\n（必填）", "解析\n（勿删）", "章节\n（勿删）", "难度"]
    for course in handbook.courses:
        questions = tests[course.id]
        rows = sheet_rows(question_sheet(questions, handbook.info.date))
        assert rows[0] == list(COLUMNS) == header
        assert rows[1:] == [list(row) for row in question_rows(questions)[1:]]
        for row, q in zip(rows[1:], questions, strict=True):
            assert row[0] == q.text
            answer = "ABCD"[q.correct]
            assert row[10] == answer and row[2 + q.correct] == q.answer and row[6:10] == [""] * 4
            if q.kind == CHOICE:
                assert row[1] == "单选题" and all(row[2:6])
            else:
                assert row[1] == "判断题" and row[2:6] == [*TRUE_FALSE_OPTIONS, "", ""] and answer in "AB"
            assert row[11] == q.explanation and row[12] == q.about_label and row[13] == ""


def test_xlsx_is_the_same_bytes_from_the_same_data(handbook, tests):
    course = handbook.course("new-cadres")
    first = question_sheet(tests[course.id], handbook.info.date)
    again = question_sheet(self_test(course, handbook), handbook.info.date)
    assert first == again
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(info.filename for info in infos)
        year, month, day = (int(part) for part in handbook.info.date.split("-"))
        assert {info.date_time for info in infos} == {(year, month, day, 0, 0, 0)}
    assert moodle_xml(handbook, course, tests[course.id]) == moodle_xml(handbook, course, self_test(course, handbook))


def test_text_from_the_data_stays_text_in_the_banks(handbook, tests):
    """Markup in a question reaches the learner as text: HTML-escaped, then XML-escaped, in Moodle; a
    shared string in the sheet. Characters XML cannot hold are dropped, never written."""
    course = handbook.course("stationed-groups")
    question = dataclasses.replace(tests[course.id][0], text=HOSTILE + "\x0b",
                                   options=(HOSTILE, *tests[course.id][0].options[1:]))
    data = moodle_xml(handbook, course, [question])
    assert b"<script>" not in data and b"\x0b" not in data
    element = moodle_questions(data)[1]
    assert element.findtext("questiontext/text") == "<p>&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;{{ 7*7 }}</p>"
    assert element.findall("answer")[0].findtext("text") == "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;{{ 7*7 }}"
    rows = sheet_rows(question_sheet([question], handbook.info.date))
    assert rows[1][0] == HOSTILE and rows[1][2] == HOSTILE


def test_the_course_page_draws_the_same_questions(handbook, tests):
    """The page's form, in the site medium, holds each generated question with its options in order."""
    from macros.render.pages import Build

    build = Build(handbook, handbook.info.date)
    for course in handbook.courses:
        page = build.entry_page(course)
        form = page[page.index('<form class="hb-selftest"') : page.index("</form>")]
        assert "<abbr" not in form  # a term's tooltip would give the answer away
        legends = re.findall(r"<legend>.*?［(.+?)］</span>(.*?)</legend>", form)
        assert legends == [(q.kind_label, _escaped(q.text)) for q in tests[course.id]]
        for q in tests[course.id]:
            fieldset = form[form.index(f'id="course-{course.id}-q{q.number}"') :]
            fieldset = fieldset[: fieldset.index("</fieldset>")]
            assert f'data-answer="{q.correct}"' in fieldset
            assert [_unlettered(label) for label in re.findall(r"<label [^>]*>(.*?)</label>", fieldset)] == [
                _escaped(option) for option in q.options]


def _escaped(text: str) -> str:
    import markupsafe

    return str(markupsafe.escape(text))


def _unlettered(label: str) -> str:
    return re.sub(r'^<span class="hb-q-letter">[A-D]．</span>', "", label)


THIN_COURSE = """courses:
  - id: thin
    name: 薄课程
    audience: 测试
    objectives: [测试]
    procedures: [sample]
    terms: [three-shifts]
    questions: [测试]
    cite:
      - {source: s900, section: 一}
"""


def test_check_names_a_course_too_thin_for_ten_questions(tmp_path, capsys):
    """Too little content with stated answers gives too few questions: make check says which course,
    so that a trainer adds content rather than hand-made questions."""
    from macros.cli import check

    from .conftest import FIXTURES, copy_data

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    (data / "courses.yaml").write_text(THIN_COURSE, encoding="utf-8")
    assert check(data) == 0
    out = capsys.readouterr().out
    assert re.search(r"课程“薄课程”（thin）只能生成 \d 道自测题，少于 10 道", out), out
