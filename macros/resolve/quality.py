"""A data-quality report for editors: things that are valid but probably unfinished."""

from __future__ import annotations

import datetime as dt
import re

from . import model as m
from .deadlines import schedule_reminder, work_calendar
from .words import longest_word_pattern

# Notes that say a source states no time limit for a procedure (so its absence is deliberate).
NO_LIMIT_MARKERS = ("未规定时限", "未说明时限")


def quality_report(handbook: m.Handbook, today: dt.date | None = None) -> list[str]:
    """The report for a resolved handbook, entries in the handbook's order; with today's date, also
    whether next year's holiday schedule is due (the only line that depends on the clock)."""
    lines: list[str] = []
    reminder = today and schedule_reminder(work_calendar(handbook.holiday_years), today)
    if reminder:
        lines.append(reminder)
    date = handbook.info.date
    overdue = [f"{review.entry.label}（{review.review_by}）" for review in handbook.reviews if review.overdue]
    if overdue:
        lines.append(f"复核期限早于本版日期 {date}、待复核的条目（{len(overdue)}）：{'、'.join(overdue)}")
    idle = [role.name for role in handbook.roles if not (role.steps or role.duties or role.children)]
    if idle:
        lines.append(f"既不办理任何步骤、也没有职责和下级的角色（{len(idle)}）：{'、'.join(idle)}")
    mentioned = words_in(prose_of(handbook), {name for term in handbook.terms for name in term.names})
    unused = [term.term for term in handbook.terms if not mentioned.intersection(term.names)]
    if unused:
        lines.append(f"定义了但正文中没有出现的术语（{len(unused)}）：{'、'.join(unused)}")
    unlimited = [procedure.name for procedure in handbook.procedures if _unlimited(procedure)]
    if unlimited:
        lines.append(f"没有时限、也没有注明“来源未规定时限”的程序（{len(unlimited)}），请对照来源核实："
                     f"{'、'.join(unlimited)}")
    unassigned = [f"{procedure.name}·{step.title}" for procedure in handbook.procedures for step in procedure.steps
                  if step.unassigned]
    if unassigned:
        lines.append(f"来源未明确承办角色的步骤（{len(unassigned)}，已显示为“{m.UNASSIGNED_LABEL}”）：{'、'.join(unassigned)}")
    gaps = [duty.title for duty in handbook.duties if duty.source_gap]
    gaps += [topic.name for topic in handbook.topics if topic.source_gap]
    if gaps:
        lines.append(f"来源只提到、未列明内容的条目（{len(gaps)}，已在数据中注明）：{'、'.join(gaps)}")
    return lines


def prose_of(handbook: m.Handbook) -> str:
    """The running text a term is expected to appear in (not the glossary itself)."""
    entries = (*handbook.roles, *handbook.duties, *handbook.procedures, *handbook.checklists, *handbook.topics)
    return "\n".join(text for entry in entries for text in entry.texts)


def words_in(text: str, words: set[str]) -> set[str]:
    """Every word that occurs in text, overlapping ones included, in one pass: at each place the
    longest word starting there is found, and the words it begins with occur there too."""
    pattern = longest_word_pattern(words)
    if pattern is None:
        return set()
    found: set[str] = set()
    # A lookahead matches at every place, so words that begin inside another one are found too.
    for match in re.finditer(f"(?=({pattern.pattern}))", text):
        longest = match.group(1)
        found.update(longest[:end] for end in range(1, len(longest) + 1) if longest[:end] in words)
    return found


def _unlimited(procedure: m.Procedure) -> bool:
    """No step has a time limit, and no note says the source gives none."""
    return not procedure.time_limited_steps and not any(
        marker in note for note in procedure.notes for marker in NO_LIMIT_MARKERS)
