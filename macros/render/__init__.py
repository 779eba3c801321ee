"""Stage 3: render resolved objects to HTML fragments and Markdown pages.

The same partial templates serve the site and the print document; a Linker decides
where links point (site pages or anchors inside the one print document).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from .. import model as m
from ..errors import BuildError

TEMPLATES = Path(__file__).parent / "templates"


LINKABLE = frozenset({"role", "procedure", "step", "checklist", "duty", "term", "source", "topic", "course"})


class Linker:
    """Where an object lives, as a URL relative to the page being rendered."""

    for_print = False

    def __init__(self, page_dir_depth: int = 0):
        self.base = "../" * page_dir_depth

    def role(self, role: m.Role) -> str:
        return f"{self.base}roles/{role.id}.html"

    def procedure(self, procedure: m.Procedure) -> str:
        return f"{self.base}procedures/{procedure.id}.html"

    def step(self, step: m.Step) -> str:
        return f"{self.procedure(step.procedure)}#{step.anchor}"

    def checklist(self, checklist: m.Checklist) -> str:
        return f"{self.base}checklists/{checklist.id}.html"

    def duty(self, duty: m.Duty) -> str:
        return f"{self.role(duty.role)}#duty-{duty.id}"

    def term(self, term: m.Term) -> str:
        return f"{self.base}glossary.html#term-{term.id}"

    def source(self, source: m.Source) -> str:
        return f"{self.base}sources.html#source-{source.id}"

    def topic(self, topic: m.Topic) -> str:
        return f"{self.base}topics/{topic.id}.html"

    def course(self, course: m.Course) -> str:
        return f"{self.base}courses/{course.id}.html"

    def item(self, item: object) -> str:
        """Link to any citable item (used by the coverage page)."""
        kind = type(item).__name__.lower()
        if kind not in LINKABLE:
            raise BuildError(f"无法链接到 {type(item).__name__} 类的条目。")
        return getattr(self, kind)(item)

    def asset(self, path: str) -> str:
        return f"{self.base}{path}"


class PrintLinker(Linker):
    """Links inside one print document. For an excerpt (a course pack), anchors that are not in it
    point into the full handbook PDF instead."""

    for_print = True

    def __init__(self, present: set[str] | None = None, handbook_pdf: str = "../handbook.pdf"):
        super().__init__()
        self.present = present
        self.handbook_pdf = handbook_pdf

    def _to(self, anchor: str) -> str:
        if self.present is None or anchor in self.present:
            return f"#{anchor}"
        return f"{self.handbook_pdf}#{anchor}"

    def role(self, role: m.Role) -> str:
        return self._to(f"role-{role.id}")

    def procedure(self, procedure: m.Procedure) -> str:
        return self._to(f"procedure-{procedure.id}")

    def step(self, step: m.Step) -> str:
        return self._to(f"{step.procedure.id}-{step.anchor}")

    def checklist(self, checklist: m.Checklist) -> str:
        return self._to(f"checklist-{checklist.id}")

    def duty(self, duty: m.Duty) -> str:
        return self._to(f"duty-{duty.id}")

    def term(self, term: m.Term) -> str:
        return self._to(f"term-{term.id}")

    def source(self, source: m.Source) -> str:
        return self._to(f"source-{source.id}")

    def topic(self, topic: m.Topic) -> str:
        return self._to(f"topic-{topic.id}")

    def course(self, course: m.Course) -> str:
        # courses are documents of their own, never an anchor inside another print document
        raise BuildError(f"打印文档中无法链接到课程 '{course.id}'。")

    def asset(self, path: str) -> str:
        raise BuildError(f"打印文档中无法链接到网站文件 '{path}'。")


def item_label(item: object) -> str:
    """A reader's name for any citable item: its kind and its title."""
    kind = {"Role": "角色", "Duty": "职责", "Procedure": "程序", "Checklist": "清单", "Term": "术语",
            "Course": "课程"}.get(
        type(item).__name__)
    if isinstance(item, m.Topic):
        kind = item.category_label
    name = getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "term", "")
    return f"{kind}：{name}"


def groupby_source(mentions) -> list[tuple[m.Topic | m.Term, list[m.Mention]]]:
    """Mentions grouped by the topic or term they are in, in order of first appearance."""
    groups: dict[int, tuple[m.Topic | m.Term, list[m.Mention]]] = {}
    for mention in mentions:
        groups.setdefault(id(mention.source), (mention.source, []))[1].append(mention)
    return list(groups.values())


@dataclass(frozen=True)
class Context:
    """What every partial receives: the handbook and a linker for the output it is part of."""

    handbook: m.Handbook
    link: Linker


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, Path(__file__).parent.parent / "print"]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cjk_number"] = cjk_number
    env.filters["item_label"] = item_label
    env.globals["unassigned_label"] = m.UNASSIGNED_LABEL
    env.globals["cited_sources"] = m.cited_sources
    env.filters["groupby_source"] = groupby_source
    from ..diagrams import swimlane_svg  # diagrams uses cjk_number from this module

    env.globals["swimlane"] = lambda procedure: markupsafe.Markup(swimlane_svg(procedure))
    return env


def render(template: str, ctx: Context, **values: object) -> str:
    """Render a partial; whitespace between tags is removed so Markdown keeps it as one HTML block."""
    text = environment().get_template(template).render(ctx=ctx, h=ctx.handbook, link=ctx.link, **values)
    return re.sub(r">\s*\n\s*<", "><", text).strip()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: str) -> str:
    """Plain text for a Markdown heading or list: HTML-escaped and Markdown-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


_DIGITS = "零一二三四五六七八九"


def cjk_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十, 100 -> 一百, 105 -> 一百零五, 110 -> 一百一十 (for 第N步 and
    chapter numbers; up to 9999)."""
    if not 0 <= n < 10000:
        raise ValueError(f"cjk_number: {n} is out of range")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out = ""
    zero = False  # a skipped place between two digits is read as one 零
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero else "") + _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out
