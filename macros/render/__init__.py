"""Stage 3: render resolved objects to HTML fragments and Markdown pages.

One template per kind of entry serves the site and every print document; the Output passed to
it says what differs (where links point, how headings are written, the medium).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import jinja2
import markupsafe

from ..errors import BuildError
from ..numbers import cjk_number
from ..resolve import model as m
from ..resolve.selftest import bank_path, self_test
from .diagrams import swimlane_svg

TEMPLATES = Path(__file__).parent / "templates"
# The print documents (handbook, course pack, answers, checklist form) and their stylesheets.
PRINT_DIR = Path(__file__).parent / "print"


# The page folder of each kind of entry that has a site page of its own (search data, nav, links).
PAGE_FOLDERS = MappingProxyType({
    m.Role: "roles", m.Procedure: "procedures", m.Checklist: "checklists", m.Topic: "topics", m.Course: "courses",
    m.Term: "terms",
})
# Entries shown inside another page on the site: the page that holds them.
_HOLDERS = MappingProxyType({
    m.Step: lambda step: step.procedure, m.Duty: lambda duty: duty.role,
    m.ChecklistItem: lambda item: item.checklist,
})
# The sources page also holds 文件目录, the documents the sources name.
_LISTING_PAGES = MappingProxyType({m.Source: "sources.html", m.Document: "sources.html"})
_ANCHOR_PREFIXES = MappingProxyType({
    m.Role: "role", m.Duty: "duty", m.Procedure: "procedure", m.Step: "step", m.Checklist: "checklist",
    m.ChecklistItem: "item", m.Term: "term", m.Source: "source", m.Topic: "topic", m.Course: "course",
    m.Document: "document",
})


def anchor(entry: object) -> str:
    """The one anchor scheme: the element id of an entry on the page (or in the document) that holds it."""
    prefix = _ANCHOR_PREFIXES.get(type(entry))
    if prefix is None:
        raise BuildError(f"无法链接到 {type(entry).__name__} 类的条目。")
    return f"{prefix}-{entry.id}"


class Linker:
    """Where an entry lives on the site, as a URL relative to the page being rendered."""

    medium = "site"

    def __init__(self, page_dir_depth: int = 0):
        self.base = "../" * page_dir_depth

    def anchor(self, entry: object) -> str:
        return anchor(entry)

    def link(self, entry: object) -> str:
        kind = type(entry)
        if kind in PAGE_FOLDERS:
            return f"{self.base}{PAGE_FOLDERS[kind]}/{entry.id}.html"
        if kind in _HOLDERS:
            return f"{self.link(_HOLDERS[kind](entry))}#{self.anchor(entry)}"
        if kind in _LISTING_PAGES:
            return f"{self.base}{_LISTING_PAGES[kind]}#{self.anchor(entry)}"
        raise BuildError(f"无法链接到 {kind.__name__} 类的条目。")

    def asset(self, path: str) -> str:
        return f"{self.base}{path}"


class PrintLinker(Linker):
    """Links inside one print document. Steps and checklist items are qualified by what holds them
    (one document holds many). For an excerpt (a course pack), anchors that are not in it point into
    the full handbook PDF instead."""

    medium = "print"

    def __init__(self, present: set[str] | None = None, handbook_pdf: str = "../handbook.pdf"):
        super().__init__()
        self.present = present
        self.handbook_pdf = handbook_pdf

    def anchor(self, entry: object) -> str:
        if isinstance(entry, (m.Step, m.ChecklistItem)):  # their ids are unique only where they are
            return f"{_HOLDERS[type(entry)](entry).id}-{anchor(entry)}"
        return anchor(entry)

    def link(self, entry: object) -> str:
        if isinstance(entry, m.Course):
            # courses are documents of their own, never an anchor inside another print document
            raise BuildError(f"打印文档中无法链接到课程 '{entry.id}'。")
        target = self.anchor(entry)
        if self.present is None or target in self.present:
            return f"#{target}"
        return f"{self.handbook_pdf}#{target}"

    def asset(self, path: str) -> str:
        raise BuildError(f"打印文档中无法链接到网站文件 '{path}'。")


def groupby_source(mentions) -> list[tuple[m.Topic | m.Term, list[m.Mention]]]:
    """Mentions grouped by the topic or term they are in, in order of first appearance."""
    groups: dict[int, tuple[m.Topic | m.Term, list[m.Mention]]] = {}
    for mention in mentions:
        groups.setdefault(id(mention.source), (mention.source, []))[1].append(mention)
    return list(groups.values())


def _help(text: str) -> dict:
    return {"help": text}


@dataclass(frozen=True)
class Output:
    """What every template receives besides the entries it renders: what differs between the site
    and a print document, explicitly. Each field is documented here and used by the templates
    (tests/test_site.py checks both)."""

    handbook: m.Handbook = field(metadata=_help("the resolved handbook (info, lists of entries)"))
    medium: str = field(metadata=_help("'site' (a page of the website) or 'print' (a PDF document)"))
    link: Callable[[object], str] = field(metadata=_help("URL of any entry from the page being rendered"))
    anchor: Callable[[object], str] = field(metadata=_help("element id of an entry where it is shown"))
    asset: Callable[[str], str] = field(metadata=_help("URL of a site file (PDFs); refused in print"))
    heading: Callable[..., markupsafe.Markup] = field(
        metadata=_help("heading(text, level, entry=None, anchor=None): a Markdown heading on the site (for "
                       "its table of contents and search sections), an <hN id> in print"))
    cited: list = field(metadata=_help("citations recorded while rendering, in order (the site's page footer)"))
    cite: Callable[[tuple], tuple] = field(metadata=_help("cite(citations): records and returns them"))
    label_end: markupsafe.Markup = field(metadata=_help(
        "what closes a <dt> label: on the site a 「：」 hidden on screen, for screen readers and for search "
        "snippets (承办：纪检监察室 rather than 承办 纪检监察室); nothing in print"))

    @classmethod
    def using(cls, handbook: m.Handbook, linker: Linker) -> Output:
        cited: list[m.Citation] = []

        def heading(text: str, level: int, entry: object = None, anchor: str | None = None) -> markupsafe.Markup:
            target = anchor or (linker.anchor(entry) if entry is not None else None)
            if linker.medium == "site":
                attrs = f" {{#{target}}}" if target else ""
                return markupsafe.Markup(f"\n\n{'#' * level} {md_text(text)}{attrs}\n\n")
            attrs = f' id="{html.escape(target)}"' if target else ""
            return markupsafe.Markup(f"<h{level}{attrs}>{unorphaned(text)}</h{level}>")

        def cite(citations: tuple) -> tuple:
            cited.extend(citations)
            return citations

        label_end = markupsafe.Markup('<span class="hb-sep">：</span>' if linker.medium == "site" else "")
        return cls(handbook, linker.medium, linker.link, linker.anchor, linker.asset, heading, cited, cite, label_end)

    @classmethod
    def for_site(cls, handbook: m.Handbook, page_dir_depth: int = 0) -> Output:
        return cls.using(handbook, Linker(page_dir_depth))

    @classmethod
    def for_print(cls, handbook: m.Handbook, present: set[str] | None = None) -> Output:
        return cls.using(handbook, PrintLinker(present))


def environment() -> jinja2.Environment:
    """The templates' environment (made once per build by its owner: macros/engine.py)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, PRINT_DIR]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cjk_number"] = cjk_number
    env.filters["unorphaned"] = unorphaned
    env.filters["as_prose"] = as_prose
    env.globals["unassigned_label"] = m.UNASSIGNED_LABEL
    env.globals["cited_sources"] = m.cited_sources
    env.globals["initial_anchor"] = m.initial_anchor
    env.globals["parts"] = dict(zip(m.PARTS, ("lead", "approve", "take"), strict=True))
    env.filters["groupby_source"] = groupby_source
    env.globals["self_test"] = self_test
    env.globals["bank_path"] = bank_path

    env.globals["swimlane"] = lambda procedure: markupsafe.Markup(swimlane_svg(procedure))
    return env


def render(env: jinja2.Environment, template: str, out: Output, **values: object) -> str:
    """Render a template for a site page; whitespace between tags is removed so Markdown keeps each
    HTML part as one block (headings stand on lines of their own between them)."""
    text = env.get_template(template).render(out=out, h=out.handbook, **values)
    return re.sub(r">\s*\n\s*<", "><", text).strip()


def unorphaned(text: str) -> markupsafe.Markup:
    """Text for a printed heading whose last two characters stay on one line, so that a heading that
    wraps never leaves one character alone on its last line (WeasyPrint has no `text-wrap`)."""
    return markupsafe.Markup('{}<span class="hb-keep">{}</span>').format(text[:-2], text[-2:])


# What ends a sentence, and what may still follow that mark at the end of a text (closing quotes, brackets).
_SENTENCE_ENDS = frozenset("。！？")
_CLOSERS = "”’」』）"


def as_prose(texts: Iterable[str]) -> markupsafe.Markup:
    """Texts one after another as a paragraph reads them: after a text that ends its sentence the
    next simply follows, after any other a 「；」 (never 「。；」). Each text is escaped unless it is
    already markup."""
    joined = markupsafe.Markup("")
    separator = ""
    for text in texts:
        joined += separator
        joined += text
        separator = "" if str(text).rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS else "；"
    return joined


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: str) -> str:
    """Plain text for a Markdown heading or list: HTML-escaped and Markdown-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
