"""Stage 4b: the printed handbook, from a dedicated print document (not the website printed)."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import BuildError
from ..logs import LogCollector
from ..render import PRINT_DIR, Output, PrintLinker, cjk_number
from ..render.pages import Build
from ..resolve import model as m
from ..resolve.selftest import self_test
from .cache import PdfCache

# Chapter titles, the same in the handbook (numbered) and in course packs.
CHAPTER_TITLES = MappingProxyType({
    "roles": "角色与职责", "procedures": "工作程序", "checklists": "检查清单", "topics": "工作要点",
    "terms": "术语表", "sources": "来源文献", "documents": "文件目录",
})
# Chapters whose entries the handbook's table of contents lists one by one.
LISTED_IN_CONTENTS = frozenset({"procedures", "checklists"})


@dataclass(frozen=True)
class Chapter:
    title: str
    anchor: str
    # (group label or None, group anchor or None, entries): each entry through its own template
    groups: tuple[tuple[str | None, str | None, tuple], ...] = ()
    toc: tuple[tuple[str, str], ...] = ()


def chapters(handbook: m.Handbook, anchor: Callable[[object], str], course: m.Course | None = None) -> list[Chapter]:
    """The chapters of the handbook, or of a course pack (its modules only, unnumbered)."""
    result = []
    for kind, title in CHAPTER_TITLES.items():
        if course is None:
            entries = getattr(handbook, kind)
            title = f"第{cjk_number(len(result) + 1)}章　{title}"
        else:
            entries = getattr(course, kind, ())
        if not entries:
            continue
        if kind == "topics" and course is None:
            groups = tuple((label, f"category-{key}", handbook.topics_in(key)) for key, label in handbook.topic_categories)
            toc = tuple((label, anchor) for label, anchor, _entries in groups)
        elif kind == "terms" and course is None:  # as on the site: by initial, in pinyin order
            groups = tuple((initial, m.initial_anchor(initial), terms) for initial, terms in handbook.terms_by_initial())
            toc = ()
        else:
            groups = ((None, None, tuple(entries)),)
            toc = tuple((e.name, anchor(e)) for e in entries) if kind in LISTED_IN_CONTENTS else ()
        result.append(Chapter(title, f"chapter-{kind}", groups, toc if course is None else ()))
    return result


INDEX_CHAPTER = Chapter("术语索引", "chapter-index")


def _print_document(build: Build, template: str, stylesheet: str, present: set[str] | None = None, *,
                    chaptered: bool = False, **values: object) -> str:
    """A print document; a chaptered one (the handbook, a course pack) gets its chapters, whose
    contents link with the document's own anchors."""
    out = Output.for_print(build.handbook, present)
    if chaptered:
        values["chapters"] = chapters(build.handbook, out.anchor, values.get("course"))
    css = (PRINT_DIR / stylesheet).read_text(encoding="utf-8")
    return build.env.get_template(template).render(out=out, h=build.handbook, css=css, **values)


def print_html(build: Build) -> str:
    return _print_document(build, "handbook.html", "handbook.css", chaptered=True, index_chapter=INDEX_CHAPTER,
                           changed=build.changed_entries(), local_changed=build.local_entries())


def course_anchors(course: m.Course) -> set[str]:
    """The anchors a course pack contains; links to anything else go to the full handbook."""
    link = PrintLinker()
    entries = [*course.roles, *(d for r in course.roles for d in r.duties), *course.procedures,
               *(s for p in course.procedures for s in p.steps), *course.checklists,
               *(i for c in course.checklists for i in c.items), *course.terms, *course.topics]
    return {link.anchor(entry) for entry in entries}


def course_html(build: Build, course: m.Course, questions: list) -> str:
    present = course_anchors(course)
    return _print_document(build, "course_pack.html", "handbook.css", present, chaptered=True, course=course,
                           questions=questions)


def answers_html(build: Build, course: m.Course, questions: list) -> str:
    return _print_document(build, "answers.html", "handbook.css", set(), course=course, questions=questions)


def checklist_html(build: Build, checklist: m.Checklist) -> str:
    # A form stands alone: what it links to is in the handbook PDF beside it.
    return _print_document(build, "checklist_form.html", "checklist_form.css", set(), checklist=checklist)


# What goes into a records archive (the handbook and the checklist forms) is PDF/A-3, by default
# level A (settings.pdf_archival), which WeasyPrint writes tagged (structure tree, reading order,
# document language) with its XMP identification and an sRGB output intent. WeasyPrint makes one
# variant at a time, so PDF/UA is not claimed beside it; level A is the tagged form of PDF/A.

# How every document is written, besides its variant (part of each document's cache key).
WRITE_OPTIONS = MappingProxyType({"uncompressed_pdf": False})


def write_pdf(html: str, target: Path, variant: str | None = None) -> None:
    """Render with WeasyPrint; any warning it logs (a missing glyph, bad CSS) fails the build."""
    import weasyprint  # imported here: loading Pango is slow and `check` does not need it

    target.parent.mkdir(parents=True, exist_ok=True)
    with LogCollector("weasyprint") as collector, page_references_remembered():
        weasyprint.HTML(string=html, base_url=str(PRINT_DIR)).write_pdf(target, pdf_variant=variant,
                                                                         **WRITE_OPTIONS)
    if collector.messages:
        target.unlink(missing_ok=True)
        raise BuildError("PDF 生成时出现警告（视为错误）：\n" + "\n".join(collector.messages))


@contextmanager
def page_references_remembered() -> Iterator[None]:
    """While a document is written, pydyf's list of page references is made once per page count.

    pydyf 0.13 builds the list of every page's reference each time it is asked, and WeasyPrint asks
    once per element it tags: quadratic in the pages, a sixth of the time of the tagged handbook. Pages
    are only ever appended, so the count says whether the list is still current; the bytes written
    are the same (tested)."""
    import pydyf

    original = pydyf.PDF.page_references
    if not isinstance(original, property):  # a later pydyf that changed this needs no help
        yield
        return

    def remembered(pdf: pydyf.PDF) -> tuple:
        count = len(pdf.pages["Kids"])
        known = pdf.__dict__.get("_remembered_page_references")
        if known is None or known[0] != count:
            known = pdf.__dict__["_remembered_page_references"] = (count, original.fget(pdf))
        return known[1]

    pydyf.PDF.page_references = property(remembered)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


def build_pdfs(build: Build, pdf_dir: Path, cache: PdfCache | None = None, jobs: int | None = None) -> list[Path]:
    """The handbook, one fill-in form per checklist and per procedure, and per course its pack and
    answer key; a document whose inputs are unchanged since a build the cache remembers is reused,
    the others are laid out by up to `jobs` processes at once (default: one per processor)."""
    cache = cache or PdfCache(None)
    handbook = build.handbook
    archival = build.settings.pdf_archival
    documents = {pdf_dir / "handbook.pdf": (print_html(build), archival)}
    for checklist in (*handbook.checklists, *handbook.procedure_forms):
        documents[pdf_dir / "checklists" / f"{checklist.id}.pdf"] = (checklist_html(build, checklist), archival)
    for course in handbook.courses:
        questions = self_test(course, handbook)
        documents[pdf_dir / "courses" / f"{course.id}.pdf"] = (course_html(build, course, questions), None)
        documents[pdf_dir / "courses" / f"{course.id}-answers.pdf"] = (answers_html(build, course, questions), None)
    edition = f"{handbook.info.edition} {handbook.info.date}"
    keys = {target: cache.key(html, f"{variant} {sorted(WRITE_OPTIONS.items())}", edition)
            for target, (html, variant) in documents.items()}
    pending = [(target, html, variant) for target, (html, variant) in documents.items()
               if not cache.reuse(keys[target], target)]
    render_documents(pending, jobs or build.settings.pdf_jobs or available_processors())
    for target, _html, _variant in pending:
        cache.keep(keys[target], target)
    cache.prune()
    return list(documents)


def render_documents(pending: list[tuple[Path, str, str | None]], jobs: int) -> None:
    """Lay out each (target, html, variant), several at once when there are processors for it.

    Workers are fresh interpreters (spawned, not forked): a fork would share the build's pages
    copy-on-write until the first collection touched them all. The handbook comes first, so the
    longest document starts at once and the short ones share out the other processors. A warning in
    any document fails the build, as in one process; so does a worker that dies (most often killed
    for want of memory), with the advice to lay out one document at a time.
    """
    if jobs <= 1 or len(pending) <= 1:
        for target, html, variant in pending:
            _write_and_free(html, target, variant)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(pending)), mp_context=context) as pool:
        futures = [pool.submit(_write_and_free, html, target, variant) for target, html, variant in pending]
        try:
            for future in futures:
                future.result()
        except BrokenProcessPool as exc:
            raise BuildError("排版 PDF 的进程意外退出（多半是内存不足被系统终止）。"
                             "可以用 `python -m macros build -j 1` 一次只排一份 PDF。") from exc
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _write_and_free(html: str, target: Path, variant: str | None) -> None:
    write_pdf(html, target, variant)
    # A laid-out document is a large web of cycles; free it before laying out the next, or the
    # peak memory can hold two documents (a quarter more for the build, measured).
    gc.collect()


def available_processors() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than exist)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
