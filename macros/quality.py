"""A data-quality report for editors: things that are valid but probably unfinished."""

from __future__ import annotations

import re

from . import model as m
from .words import longest_word_pattern

# Notes that say a source states no time limit for a procedure (so its absence is deliberate).
NO_LIMIT_MARKERS = ("未规定时限", "未说明时限")


def quality_report(handbook: m.Handbook) -> list[str]:
    lines: list[str] = []
    overdue = [f"{r.entry.label}（{r.review_by}）" for r in handbook.reviews if r.overdue]
    if overdue:
        lines.append(f"复核期限早于本版日期 {handbook.info.date}、待复核的条目（{len(overdue)}）：{'、'.join(overdue)}")
    idle = [r.name for r in handbook.roles if not r.steps and not r.duties and not r.children]
    if idle:
        lines.append(f"既不办理任何步骤、也没有职责和下级的角色（{len(idle)}）：{'、'.join(idle)}")
    present = words_present({w for t in handbook.terms for w in t.names}, _texts(handbook))
    unused = [t.term for t in handbook.terms if not present.intersection(t.names)]
    if unused:
        lines.append(f"定义了但正文中没有出现的术语（{len(unused)}）：{'、'.join(unused)}")
    unlimited = [
        p.name for p in handbook.procedures
        if not p.time_limited_steps and not any(marker in note for note in p.notes for marker in NO_LIMIT_MARKERS)
    ]
    if unlimited:
        lines.append(f"没有时限、也没有注明“来源未规定时限”的程序（{len(unlimited)}），请对照来源核实："
                     f"{'、'.join(unlimited)}")
    unassigned = [f"{s.procedure.name}·{s.title}" for p in handbook.procedures for s in p.steps if s.unassigned]
    if unassigned:
        lines.append(f"来源未明确承办角色的步骤（{len(unassigned)}，已显示为“{m.UNASSIGNED_LABEL}”）：{'、'.join(unassigned)}")
    gaps = [d.title for d in handbook.duties if d.source_gap] + [t.name for t in handbook.topics if t.source_gap]
    if gaps:
        lines.append(f"来源只提到、未列明内容的条目（{len(gaps)}，已在数据中注明）：{'、'.join(gaps)}")
    return lines


def words_present(words: set[str], text: str) -> set[str]:
    """The words that occur in text, in one pass over it (testing each word with `in` would scan
    the whole text once per word: quadratic as the handbook grows).

    The regex reports the longest word at each place it stops. Any other occurrence of a word
    starts inside one of those matches (where the scan stood, the word itself would have
    matched), so the other words are looked for only in short windows around them.
    """
    if not words:
        return set()
    longest = max(map(len, words))
    pattern = longest_word_pattern(words)
    windows: set[str] = set()
    for match in pattern.finditer(text):
        windows.add(text[match.start() : match.end() + longest - 1])
    return _words_starting_anywhere(pattern, "\0".join(windows), words)


def _words_starting_anywhere(pattern: re.Pattern, text: str, words: set[str]) -> set[str]:
    """Every word that starts anywhere in text, overlaps included. The pattern gives the longest
    word at each place one starts; the shorter words starting there are its prefixes."""
    longest_here: set[str] = set()
    match = pattern.search(text)
    while match:
        longest_here.add(match.group())
        match = pattern.search(text, match.start() + 1)
    lengths = {len(word) for word in words}
    return {found[:length] for found in longest_here for length in lengths if length <= len(found)} & words


def _texts(handbook: m.Handbook) -> str:
    entries = (*handbook.roles, *handbook.duties, *handbook.procedures, *handbook.checklists, *handbook.topics)
    return "\n".join(text for entry in entries for text in entry.texts)
