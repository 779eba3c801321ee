"""The site's pages, finished: Markdown whose headings are Markdown (so they reach the table of
contents and the search sections) and whose content is HTML from the entry templates, with glossary
terms marked and the page's sources and edition in a footer. The site generator only assembles them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from html import escape
from types import MappingProxyType

import jinja2
import markupsafe

from ..resolve import model as m
from ..resolve.deadlines import WorkCalendar, work_calendar
from ..resolve.diff import ADDED, EDITION_CHANGES_TITLE, Change, changes_by_entry, entries_by_key
from ..resolve.overlay import ADDED_LABEL, CHANGED_LABEL, LOCAL_DIFFERENCES_TITLE, LocalEdition, LocalMark
from ..settings import Settings
from . import Output, environment, render
from .terms import GlossaryMarker

# The template of each kind of entry, and the name it knows the entry by.
ENTRY_TEMPLATES = MappingProxyType({
    m.Role: "role", m.Duty: "duty", m.Procedure: "procedure", m.Step: "step", m.Checklist: "checklist",
    m.Term: "term", m.Topic: "topic", m.Source: "source", m.Course: "course", m.Document: "document",
})


DEFAULT_SETTINGS = Settings()


class Build:
    """What one build owns: the handbook, the template environments and the glossary pattern. It is
    passed explicitly to whatever renders; nothing about a build is kept at module level."""

    def __init__(self, handbook: m.Handbook, stamp: str, changes: Sequence[Change] = (),
                 settings: Settings = DEFAULT_SETTINGS, local: LocalEdition | None = None):
        self.handbook = handbook
        self.stamp = stamp
        self.settings = settings  # what the operator set in mkdocs.yml (extra: handbook:)
        # What changed since the previous edition (empty for a first edition): a page, a chapter,
        # and a mark on every changed entry.
        self.changes = tuple(changes)
        self.changed = changes_by_entry(self.changes)
        # A regional edition (an overlay applied to the base; None for the base itself): what it
        # differs by, as a page, a chapter and a mark on every entry it adds, changes or does not apply.
        self.local = local
        self.local_changed = changes_by_entry(local.changes) if local else {}
        self.env = environment()
        self.env.globals["show"] = self.show
        self.env.globals["changes_of"] = self.changes_of
        self.env.globals["changes_title"] = EDITION_CHANGES_TITLE
        self.env.globals["local"] = local
        self.env.globals["local_title"] = LOCAL_DIFFERENCES_TITLE
        self.env.globals["local_marks"] = self.local_marks
        self.env.globals["local_tag"] = self.local_tag
        self.glossary = GlossaryMarker(handbook.terms)
        # Hand-written pages are Markdown with macro calls; `{#` starts Markdown attribute lists there,
        # so Jinja comments are written {%# … #%} (the convention of mkdocs-macros in mkdocs.yml).
        self.page_env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True,
                                           comment_start_string="{%#", comment_end_string="#%}")

    def changes_of(self, *entries: object) -> list[Change]:
        """This edition's changes to the entries (an entry and its duties, say), in report order."""
        return [change for entry in entries for change in self.changed.get((entry.noun, entry.id), ())]

    def changed_entries(self, changed: dict | None = None) -> list[tuple[object | None, list[Change]]]:
        """Each changed entry (None when it was removed) with its changes, in report order: since the
        previous edition, or those given (a regional edition's differences from its base)."""
        present = entries_by_key(self.handbook)
        return [(present.get(key), changes) for key, changes in (self.changed if changed is None else changed).items()]

    def changes_page(self) -> str:
        out = Output.for_site(self.handbook, 0)
        heading = out.heading(EDITION_CHANGES_TITLE, 1, anchor="edition-changes")
        return self.finish(out, heading + self.fragment(out, "changes.html", changed=self.changed_entries()))

    def local_entries(self) -> list[tuple[object | None, list[Change]]]:
        """A regional edition's differences from its base, entry by entry (none for the base)."""
        return self.changed_entries(self.local_changed) if self.local else []

    def local_page(self) -> str:
        """The 本地差异 page: the same list as 本版修订说明, with each entry's local status and citations."""
        out = Output.for_site(self.handbook, 0)
        heading = out.heading(LOCAL_DIFFERENCES_TITLE, 1, anchor="local-differences")
        return self.finish(out, heading + self.fragment(out, "changes.html", changed=self.local_entries(),
                                                        for_local=True))

    def local_marks(self, *entries: object) -> list[tuple[object, LocalMark, list[Change]]]:
        """The entries a regional edition added, changed or does not apply, each with its mark and
        (for a change) what changed; nothing for the base."""
        if self.local is None:
            return []
        marked = [(entry, self.local.mark_of(entry)) for entry in entries]
        return [(entry, mark, self.local_changed.get((entry.noun, entry.id), [])) for entry, mark in marked if mark]

    def local_tag(self, entry: object) -> markupsafe.Markup:
        """The mark after an entry's name in a list (本地补充, 本地修改, 本地不适用), or nothing; a step
        of a changed procedure is marked when the overlay added or changed it (a reader who lands on
        the step from a search or a link sees it at once)."""
        mark = self.local.mark_of(entry) if self.local else None
        if isinstance(entry, m.Step) and self.local:
            parts = [c for c in self.local_changed.get((entry.procedure.noun, entry.procedure.id), ())
                     if c.part_id == entry.id]
            mark = parts and LocalMark(ADDED_LABEL if parts[0].what == ADDED else CHANGED_LABEL, ())
        if not mark:
            return markupsafe.Markup("")
        return markupsafe.Markup(' <span class="hb-local-tag hb-local-{}">{}</span>').format(mark.css, mark.status)

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The official calendar the deadline calculator counts on (made once per build)."""
        return work_calendar(self.handbook.holiday_years)

    def calendar_script(self) -> str:
        """The calendar as a script the calculator loads (a script, not JSON: it must work from file://)."""
        return ("// Generated by `python -m macros build` from data/calendar.yaml and chinese-calendar; do not edit.\n"
                f"self.__hbCalendar = {self.calendar.as_json()};\n")

    def show(self, out: Output, entry: object, level: int = 1) -> markupsafe.Markup:
        """An entry through its template, its heading at `level`."""
        name = ENTRY_TEMPLATES[type(entry)]
        return markupsafe.Markup(self.env.get_template(f"{name}.html").render(out=out, h=self.handbook, level=level,
                                                                               **{name: entry}))

    def fragment(self, out: Output, template: str, **values: object) -> markupsafe.Markup:
        return markupsafe.Markup(render(self.env, template, out, **values))

    # -- whole pages ------------------------------------------------------------

    def entry_page(self, entry: object, page_dir_depth: int = 1) -> str:
        out = Output.for_site(self.handbook, page_dir_depth)
        return self.finish(out, self.fragment(out, "entries.html", entries=[entry], level=1))

    def written_page(self, source: str, page_dir_depth: int) -> str:
        """A page of docs/: its macro calls expanded (see `macros`), then finished like any page."""
        out = Output.for_site(self.handbook, page_dir_depth)
        text = self.page_env.from_string(source).render(handbook=self.handbook.info, build_stamp=self.stamp,
                                                        **self.macros(out))
        return self.finish(out, text)

    def finish(self, out: Output, markdown: str) -> str:
        """Mark glossary terms, then end the page with its sources, the edition and the build."""
        sources = m.cited_sources(out.cited)  # in the order the page first cites them, as on paper
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
            "glossary": lambda: self.fragment(out, "glossary.html", groups=h.terms_by_initial()),
            "source_list": lambda: self.fragment(out, "entries.html", entries=h.sources),
            # 文件目录 on the sources page, under its own heading (level 2): one entry per document.
            "document_list": lambda: self.fragment(out, "entries.html", entries=h.documents, level=3),
            "coverage": lambda: markupsafe.Markup("").join(
                out.heading(f"{s.id}　{s.title}", 2, anchor=f"coverage-{s.id}")
                + self.fragment(out, "coverage_table.html", source=s) for s in h.sources),
            "responsibility_matrix": lambda: self.fragment(out, "matrix.html", leads=[p.lead for p in h.procedures]),
            "time_limits": lambda: self.fragment(out, "time_limits.html", calendar=self.calendar),
            "reading_path": lambda role_id: self.fragment(out, "reading_path.html", role=h.role(role_id),
                                                          terms=terms_for(h, h.role(role_id))),
            "local_notice": lambda: self.fragment(out, "local_notice.html") if self.local else markupsafe.Markup(""),
            "pdf_link": lambda label="下载 PDF 手册": markupsafe.Markup(
                f'<a class="md-button md-button--primary hb-pdf" href="{out.asset("pdf/handbook.pdf")}" download>'
                f"{escape(label)}</a>"),
        }


def terms_for(handbook: m.Handbook, role: m.Role) -> tuple[m.Term, ...]:
    """Glossary terms that occur in what the role reads: its summary, duties and procedures."""
    text = "".join(t for entry in (role, *role.duties, *role.procedures) for t in entry.texts)
    return tuple(t for t in handbook.terms if any(word in text for word in t.names))
