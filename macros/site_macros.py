"""mkdocs-macros adapter: wires engine functions into the pages' Jinja. No logic lives here."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .cache import current_handbook
from .render import Context, Linker, pages


def define_env(env) -> None:
    data_dir = Path(env.project_dir) / env.conf["extra"]["handbook_data"]

    def context() -> Context:
        depth = env.page.file.src_uri.count("/") if env.page else 0
        return Context(current_handbook(data_dir), Linker(depth))

    env.variables["handbook"] = current_handbook(data_dir).info

    @env.macro
    def procedure_page(procedure_id: str) -> str:
        ctx = context()
        return pages.procedure_page(ctx, ctx.handbook.procedure(procedure_id))

    @env.macro
    def role_page(role_id: str) -> str:
        ctx = context()
        return pages.role_page(ctx, ctx.handbook.role(role_id))

    @env.macro
    def checklist_page(checklist_id: str) -> str:
        ctx = context()
        return pages.checklist_page(ctx, ctx.handbook.checklist(checklist_id))

    for name in ("role_list", "procedure_list", "checklist_list", "glossary", "source_list", "topics", "coverage"):
        env.macro(_listing(getattr(pages, name), context), name)

    @env.macro
    def pdf_link(label: str = "下载 PDF 手册") -> str:
        href = Linker(env.page.file.src_uri.count("/")).asset("pdf/handbook.pdf")
        return f'<a class="md-button md-button--primary hb-pdf" href="{href}" download>{label}</a>'


def _listing(render_page, context):
    def macro() -> str:
        return render_page(context())

    return macro


def on_post_page_macros(env) -> None:
    """Every page ends with the handbook's edition and date."""
    info = env.variables["handbook"]
    env.markdown += (
        f'\n\n<p class="hb-edition">{escape(info.title)} · {escape(info.edition)} · {escape(info.date)}</p>\n'
    )
