"""Where, when and what kind of text a source is, wherever a reader may act on what it says: one line
per cited source (Source.standing_brief, through render/templates/standing_brief.html) on every kind
of entry, on the site and on paper, and beside the self-test answers that rest on a proposal."""

from __future__ import annotations

import re

from macros.resolve.selftest import self_test

from .conftest import poppler, squash

# What a reader must not miss: s000 is one province's proposal of 2015, not a rule in force.
PROPOSAL = "依据：s000，云南省约 2015 年的调研报告：调研报告提出的建议，不是已施行的规定"


def standing_line(source) -> str:
    return f"依据：{source.standing_brief}"


def page_text(path) -> str:
    return re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))


def test_the_line_reads_where_when_and_what_kind(handbook):
    assert standing_line(handbook.sources[0]) == PROPOSAL


def _entries_of_each_kind(handbook):
    """One entry of each kind a reader acts on that cites s000, and the site page that shows it."""
    from_s000 = [*handbook.roles, *handbook.procedures, *handbook.checklists, *handbook.procedure_forms,
                 *handbook.topics, *handbook.terms]
    chosen = {}
    for entry in from_s000:
        if any(c.source.id == "s000" for c in entry.citations):
            chosen.setdefault(type(entry).__name__ + ("-form" if entry in handbook.procedure_forms else ""), entry)
    return chosen


def test_every_kind_of_entry_page_shows_the_standing_of_its_sources(built_site, handbook):
    from macros.render import Linker

    link = Linker(0)
    chosen = _entries_of_each_kind(handbook)
    assert set(chosen) == {"Role", "Procedure", "Checklist", "Checklist-form", "Topic", "Term"}
    for kind, entry in chosen.items():
        assert PROPOSAL in page_text(built_site / link.link(entry)), (kind, entry.id)
    # a term from a city's practice says so, not that it is a proposal
    term = next(t for t in handbook.terms if {c.source.id for c in t.citations} == {"s003"})
    text = page_text(built_site / link.link(term))
    assert standing_line(handbook.sources[3]) in text and PROPOSAL not in text


def test_a_course_page_names_the_standing_of_everything_it_teaches(built_site, handbook):
    course = handbook.course("new-cadres")
    text = page_text(built_site / "courses" / f"{course.id}.html")
    assert "内容的来源与性质" in text
    for source in course.content_sources:
        if source.standing:
            assert standing_line(source) in text, source.id
    assert {s.id for s in course.content_sources} >= {"s000", "s003"}


def test_the_standing_is_not_searched(built_site):
    """Like a citation, the line speaks of the source: its words would make every page seem to answer."""
    from macros.site.search import search_documents

    texts = [doc["text"].replace("\u200b", "") for doc in search_documents(built_site)]
    assert not any(PROPOSAL[:12] in text for text in texts)


def test_the_handbook_pdf_shows_the_standing_on_every_kind(built_site, handbook):
    text = squash(poppler("pdftotext", built_site / "pdf" / "handbook.pdf"))
    practice = handbook.sources[3]
    assert practice.standing == "practice"
    line = squash(standing_line(practice))
    printed = [*handbook.roles, *handbook.procedures, *handbook.checklists, *handbook.topics, *handbook.terms]
    resting = [e for e in printed if any(c.source is practice for c in e.citations)]
    assert {type(e).__name__ for e in resting} == {"Role", "Procedure", "Checklist", "Topic", "Term"}
    assert text.count(line) >= len(resting)


def test_course_packs_and_answers_show_the_standing(built_site, handbook):
    course = handbook.course("new-cadres")
    pack = squash(poppler("pdftotext", built_site / "pdf" / "courses" / f"{course.id}.pdf"))
    assert "内容的来源与性质" in pack and squash(PROPOSAL) in pack
    key = poppler("pdftotext", built_site / "pdf" / "courses" / f"{course.id}-answers.pdf")
    questions = self_test(course, handbook)
    on_proposal = [q for q in questions if q.proposals]
    elsewhere = [q for q in questions if not q.proposals]
    assert on_proposal and elsewhere
    # once per answer that rests on the proposal, and never beside one that does not
    assert squash(key).count(squash(PROPOSAL)) == len(on_proposal)


def test_the_new_cadres_course_does_not_teach_a_proposal_as_a_rule(handbook):
    course = handbook.course("new-cadres")
    question = next(q for q in course.questions if "十个工作日" in q)
    assert "2015 年" in question and "建议" in question and "没有说它是否已作为规定施行" in question
