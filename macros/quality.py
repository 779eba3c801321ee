"""A data-quality report for editors: things that are valid but probably unfinished."""

from __future__ import annotations

from . import model as m

# Notes that say a source states no time limit for a procedure (so its absence is deliberate).
NO_LIMIT_MARKERS = ("未规定时限", "未说明时限")


def quality_report(handbook: m.Handbook) -> list[str]:
    lines: list[str] = []
    idle = [r.name for r in handbook.roles if not r.steps and not r.duties and not r.children]
    if idle:
        lines.append(f"既不办理任何步骤、也没有职责和下级的角色（{len(idle)}）：{'、'.join(idle)}")
    text = _texts(handbook)
    unused = [t.term for t in handbook.terms if not any(word in text for word in (t.term, *t.aliases))]
    if unused:
        lines.append(f"定义了但正文中没有出现的术语（{len(unused)}）：{'、'.join(unused)}")
    unlimited = [
        p.name for p in handbook.procedures
        if not p.time_limited_steps and not any(marker in note for note in p.notes for marker in NO_LIMIT_MARKERS)
    ]
    if unlimited:
        lines.append(f"没有时限、也没有注明“来源未规定时限”的程序（{len(unlimited)}），请对照来源核实："
                     f"{'、'.join(unlimited)}")
    gaps = [d.title for d in handbook.duties if d.source_gap] + [t.name for t in handbook.topics if t.source_gap]
    if gaps:
        lines.append(f"来源只提到、未列明内容的条目（{len(gaps)}，已在数据中注明）：{'、'.join(gaps)}")
    return lines


def _texts(handbook: m.Handbook) -> str:
    parts: list[str] = []
    for role in handbook.roles:
        parts += [role.summary or ""]
    for duty in handbook.duties:
        parts += [duty.title, duty.detail or ""]
    for procedure in handbook.procedures:
        parts += [procedure.summary, procedure.trigger or "", *procedure.notes]
        for step in procedure.steps:
            parts += [step.title, step.action, *step.notes, step.condition or ""]
    for checklist in handbook.checklists:
        parts += [checklist.purpose, *(item.text for item in checklist.items)]
    for topic in handbook.topics:
        parts += [topic.name, topic.summary or "", *(f"{i.name}{i.detail or ''}" for i in topic.items)]
    return "\n".join(parts)

