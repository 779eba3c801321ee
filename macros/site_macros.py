"""mkdocs-macros adapter: wires engine functions into the pages' Jinja. No logic lives here."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .cache import current_handbook
from .publish import build_stamp
from .render import Context, Linker, pages
from .render.terms import mark_terms

# The handbook each build's plugin instance resolved in define_env, for on_post_page_macros.
_BUILD_HANDBOOK: dict[int, object] = {}


def define_env(env) -> None:
    data_dir = Path(env.project_dir) / env.conf["extra"]["handbook_data"]

    # Resolved once per build (define_env runs again on each rebuild of `serve`), not per page:
    # checking the data folder for changes on every macro call grows with pages × files.
    handbook = current_handbook(data_dir)
    _BUILD_HANDBOOK.clear()  # builds in one process (serve) run one after another
    _BUILD_HANDBOOK[id(env)] = handbook

    def context() -> Context:
        depth = env.page.file.src_uri.count("/") if env.page else 0
        return Context(handbook, Linker(depth))

    env.variables["handbook"] = handbook.info
    env.variables["build_stamp"] = build_stamp(Path(env.project_dir), handbook.info.date)

    # Page macros that take an id: (macro name, page renderer, lookup on the Handbook).
    for name, finder in (("procedure_page", "procedure"), ("role_page", "role"), ("checklist_page", "checklist"),
                         ("course_page", "course"), ("topic_page", "topic"), ("reading_path", "role")):
        env.macro(_entry_page(getattr(pages, name), finder, context), name)

    for name in ("role_list", "procedure_list", "checklist_list", "glossary", "source_list", "topics", "coverage",
                 "responsibility_matrix", "time_limits", "course_list"):
        env.macro(_listing(getattr(pages, name), context), name)

    @env.macro
    def pdf_link(label: str = "下载 PDF 手册") -> str:
        href = Linker(env.page.file.src_uri.count("/")).asset("pdf/handbook.pdf")
        return f'<a class="md-button md-button--primary hb-pdf" href="{href}" download>{label}</a>'


def _entry_page(render_page, finder: str, context):
    def macro(entry_id: str) -> str:
        ctx = context()
        return render_page(ctx, getattr(ctx.handbook, finder)(entry_id))

    return macro


def _listing(render_page, context):
    def macro() -> str:
        return render_page(context())

    return macro


def on_post_page_macros(env) -> None:
    """Mark glossary terms, then end every page with its sources, the edition and the build date."""
    handbook = _BUILD_HANDBOOK[id(env)]
    env.markdown = mark_terms(env.markdown, handbook.terms)
    cited = set(re.findall(r"sources\.html#source-([a-z0-9-]+)", env.markdown))
    sources = [source for source in handbook.sources if source.id in cited]
    link = Linker(env.page.file.src_uri.count("/"))
    listed = "；".join(f'<a href="{link.source(s)}">{escape(s.id)} {escape(s.title)}</a>' for s in sources)
    info = handbook.info
    env.markdown += (
        '\n\n<div class="hb-page-footer" data-search-exclude>'
        f'<p>本页出处：{listed or "本页为导读，不直接引用来源；各条目出处见其所在页面。"}</p>'
        f"<p>{escape(info.title)} · {escape(info.edition)} · 数据日期 {escape(info.date)} · "
        f"生成于 {escape(env.variables['build_stamp'])}</p></div>\n"
    )
