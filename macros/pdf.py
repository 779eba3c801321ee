"""Stage 4b: the printed handbook, from a dedicated print document (not the website printed)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .errors import BuildError
from .render import Context, PrintLinker, environment

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
    ]


def print_html(handbook: m.Handbook) -> str:
    ctx = Context(handbook, PrintLinker())
    css = (PRINT_DIR / "handbook.css").read_text(encoding="utf-8")
    template = environment().get_template("handbook.html")
    return template.render(ctx=ctx, h=handbook, link=ctx.link, css=css, chapters=chapters(handbook))


def write_pdf(html: str, target: Path) -> None:
    """Render with WeasyPrint; any warning it logs (a missing glyph, bad CSS) fails the build."""
    import weasyprint  # imported here: loading Pango is slow and `check` does not need it

    target.parent.mkdir(parents=True, exist_ok=True)
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        weasyprint.HTML(string=html, base_url=str(PRINT_DIR)).write_pdf(target, uncompressed_pdf=False)
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        target.unlink(missing_ok=True)
        raise BuildError("PDF 生成时出现警告（视为错误）：\n" + "\n".join(collector.messages))


def build_pdfs(handbook: m.Handbook, pdf_dir: Path) -> list[Path]:
    target = pdf_dir / "handbook.pdf"
    write_pdf(print_html(handbook), target)
    return [target]


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
