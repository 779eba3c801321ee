"""Stage 4b: the printed handbook, from a dedicated print document (not the website printed)."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .errors import BuildError, LogCollector
from .render import Context, PrintLinker, environment
from .selftest import self_test

PRINT_DIR = Path(__file__).parent / "print"


@dataclass(frozen=True)
class Chapter:
    title: str
    anchor: str
    entries: tuple[tuple[str, str], ...] = ()


def chapters(handbook: m.Handbook) -> list[Chapter]:
    """The table of contents: chapters, and procedures within their chapter."""
    return [
        Chapter("第一章　角色与职责", "chapter-roles"),
        Chapter("第二章　工作程序", "chapter-procedures",
                tuple((p.name, f"procedure-{p.id}") for p in handbook.procedures)),
        Chapter("第三章　检查清单", "chapter-checklists",
                tuple((c.name, f"checklist-{c.id}") for c in handbook.checklists)),
        Chapter("第四章　工作要点", "chapter-topics",
                tuple((label, f"category-{key}") for key, label in handbook.topic_categories)),
        Chapter("第五章　术语表", "chapter-terms"),
        Chapter("第六章　来源文献", "chapter-sources"),
        Chapter("术语索引", "chapter-index"),
    ]


def _print_document(handbook: m.Handbook, template: str, stylesheet: str, linker: PrintLinker | None = None,
                    **values: object) -> str:
    ctx = Context(handbook, linker or PrintLinker())
    css = (PRINT_DIR / stylesheet).read_text(encoding="utf-8")
    return environment().get_template(template).render(ctx=ctx, h=handbook, link=ctx.link, css=css, **values)


def print_html(handbook: m.Handbook) -> str:
    # Ordered by code point: terms sharing a first character stand together.
    index_terms = sorted(handbook.terms, key=lambda t: t.term)
    return _print_document(handbook, "handbook.html", "handbook.css", chapters=chapters(handbook),
                           index_terms=index_terms)


def course_anchors(course: m.Course) -> set[str]:
    """The anchors a course pack contains; links to anything else go to the full handbook."""
    anchors = {f"role-{r.id}" for r in course.roles} | {f"duty-{d.id}" for r in course.roles for d in r.duties}
    anchors |= {f"procedure-{p.id}" for p in course.procedures}
    anchors |= {f"{p.id}-{s.anchor}" for p in course.procedures for s in p.steps}
    anchors |= {f"checklist-{c.id}" for c in course.checklists} | {f"term-{t.id}" for t in course.terms}
    return anchors | {f"topic-{t.id}" for t in course.topics}


def course_html(handbook: m.Handbook, course: m.Course) -> str:
    return _print_document(handbook, "course.html", "handbook.css", PrintLinker(course_anchors(course)),
                           course=course, questions=self_test(course))


def answers_html(handbook: m.Handbook, course: m.Course) -> str:
    return _print_document(handbook, "answers.html", "handbook.css", PrintLinker(set()), course=course,
                           questions=self_test(course))


def checklist_html(handbook: m.Handbook, checklist: m.Checklist) -> str:
    return _print_document(handbook, "checklist_form.html", "checklist_form.css", checklist=checklist)


def write_pdf(html: str, target: Path) -> None:
    """Render with WeasyPrint; any warning it logs (a missing glyph, bad CSS) fails the build."""
    import weasyprint  # imported here: loading Pango is slow and `check` does not need it

    target.parent.mkdir(parents=True, exist_ok=True)
    with LogCollector("weasyprint") as collector:
        weasyprint.HTML(string=html, base_url=str(PRINT_DIR)).write_pdf(target, uncompressed_pdf=False)
    if collector.messages:
        target.unlink(missing_ok=True)
        raise BuildError("PDF 生成时出现警告（视为错误）：\n" + "\n".join(collector.messages))


def build_pdfs(handbook: m.Handbook, pdf_dir: Path) -> list[Path]:
    """The handbook, one fill-in form per checklist, and per course its pack and answer key."""
    documents = {pdf_dir / "handbook.pdf": print_html(handbook)}
    for checklist in handbook.checklists:
        documents[pdf_dir / "checklists" / f"{checklist.id}.pdf"] = checklist_html(handbook, checklist)
    for course in handbook.courses:
        documents[pdf_dir / "courses" / f"{course.id}.pdf"] = course_html(handbook, course)
        documents[pdf_dir / "courses" / f"{course.id}-answers.pdf"] = answers_html(handbook, course)
    for target, html in documents.items():
        write_pdf(html, target)
        # A laid-out document is a large web of cycles; free it before laying out the next, or the
        # peak memory can hold two documents (a quarter more for the build, measured).
        gc.collect()
    return list(documents)
