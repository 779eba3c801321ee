"""The site's pages, finished: Markdown whose headings are Markdown (so they reach the table of
contents and the search sections) and whose content is HTML from the entry templates, with glossary
terms marked and the page's sources and edition in a footer. The site generator only assembles them.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from types import MappingProxyType

import jinja2
import markupsafe

from .. import model as m
from . import Output, environment, render
from .terms import GlossaryMarker

# The template of each kind of entry, and the name it knows the entry by.
ENTRY_TEMPLATES = MappingProxyType({
    m.Role: "role", m.Duty: "duty", m.Procedure: "procedure", m.Step: "step", m.Checklist: "checklist",
    m.Term: "term", m.Topic: "topic", m.Source: "source", m.Course: "course",
})


class Build:
    """What one build owns: the handbook, the template environments and the glossary pattern. It is
    passed explicitly to whatever renders; nothing about a build is kept at module level."""

    def __init__(self, handbook: m.Handbook, stamp: str):
        self.handbook = handbook
        self.stamp = stamp
        self.env = environment()
        self.env.globals["show"] = self.show
        self.glossary = GlossaryMarker(handbook.terms)
        # Hand-written pages are Markdown with macro calls; `{#` starts Markdown attribute lists there,
        # so Jinja comments are written {%# … #%} (the convention of mkdocs-macros in mkdocs.yml).
        self.page_env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True,
                                           comment_start_string="{%#", comment_end_string="#%}")

    def show(self, out: Output, entry: object, level: int = 1) -> markupsafe.Markup:
        """An entry through its template, its heading at `level`."""
        name = ENTRY_TEMPLATES[type(entry)]
        text = self.env.get_template(f"{name}.html").render(out=out, h=self.handbook, level=level, **{name: entry})
        return markupsafe.Markup(text)

    def fragment(self, out: Output, template: str, **values: object) -> markupsafe.Markup:
        return markupsafe.Markup(render(self.env, template, out, **values))

    # -- whole pages ------------------------------------------------------------

    def entry_page(self, entry: object, page_dir_depth: int = 1) -> str:
        out = Output.for_site(self.handbook, page_dir_depth)
        return self.finish(out, render(self.env, f"{ENTRY_TEMPLATES[type(entry)]}.html", out, level=1,
                                       **{ENTRY_TEMPLATES[type(entry)]: entry}))

    def written_page(self, source: str, page_dir_depth: int) -> str:
        """A page of docs/: its macro calls expanded (see `macros`), then finished like any page."""
        out = Output.for_site(self.handbook, page_dir_depth)
        text = self.page_env.from_string(source).render(handbook=self.handbook.info, build_stamp=self.stamp,
                                                        **self.macros(out))
        return self.finish(out, text)

    def finish(self, out: Output, markdown: str) -> str:
        """Mark glossary terms, then end the page with its sources, the edition and the build."""
        cited = {citation.source.id for citation in out.cited}
        sources = [source for source in self.handbook.sources if source.id in cited]
        listed = "；".join(f'<a href="{out.link(s)}">{escape(s.id)} {escape(s.title)}</a>' for s in sources)
        info = self.handbook.info
        return (
            f"{self.glossary.mark(markdown).strip()}\n\n"
            '<div class="hb-page-footer" data-search-exclude>'
            f'<p>本页出处：{listed or "本页为导读，不直接引用来源；各条目出处见其所在页面。"}</p>'
            f"<p>{escape(info.title)} · {escape(info.edition)} · 数据日期 {escape(info.date)} · "
            f"生成于 {escape(self.stamp)}</p></div>\n"
        )

    # -- the macros a page of docs/ may call ---------------------------------------

    def macros(self, out: Output) -> dict[str, Callable[..., markupsafe.Markup]]:
        """Page macros by name; each returns finished HTML (Markdown headings between its parts)."""
        h = self.handbook

        def listing(groups, template: str, anchor: str) -> markupsafe.Markup:
            return markupsafe.Markup("").join(
                out.heading(label, 2, anchor=f"{anchor}-{n}") + self.fragment(out, template, entries=entries)
                for n, (label, entries) in enumerate(groups, start=1))

        return {
            "role_list": lambda: listing(h.roles_by_kind(), "role_list.html", "kind"),
            "procedure_list": lambda: listing(h.procedures_by_system(), "procedure_list.html", "system"),
            "topics": lambda: listing(h.topics_by_category(), "topic_list.html", "category"),
            "checklist_list": lambda: listing(h.checklists_by_origin(), "checklist_list.html", "origin"),
            "course_list": lambda: self.fragment(out, "course_list.html", courses=h.courses),
            "glossary": lambda: self.fragment(out, "entries.html", entries=h.terms),
            "source_list": lambda: self.fragment(out, "entries.html", entries=h.sources),
            "coverage": lambda: markupsafe.Markup("").join(
                out.heading(f"{s.id}　{s.title}", 2, anchor=f"coverage-{s.id}")
                + self.fragment(out, "coverage_table.html", source=s) for s in h.sources),
            "responsibility_matrix": lambda: self.fragment(out, "matrix.html", owners=[p.owner for p in h.procedures]),
            "time_limits": lambda: self.fragment(out, "time_limits.html"),
            "reading_path": lambda role_id: self.fragment(out, "reading_path.html", role=h.role(role_id),
                                                          terms=terms_for(h, h.role(role_id))),
            "pdf_link": lambda label="下载 PDF 手册": markupsafe.Markup(
                f'<a class="md-button md-button--primary hb-pdf" href="{out.asset("pdf/handbook.pdf")}" download>'
                f"{escape(label)}</a>"),
        }


def terms_for(handbook: m.Handbook, role: m.Role) -> tuple[m.Term, ...]:
    """Glossary terms that occur in what the role reads: its summary, duties and procedures."""
    text = "".join(t for entry in (role, *role.duties, *role.procedures) for t in entry.texts)
    return tuple(t for t in handbook.terms if any(word in text for word in t.names))
