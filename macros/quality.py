"""A data-quality report for editors: things that are valid but probably unfinished."""

from __future__ import annotations

from .facts import KINDS, FolderFacts
from .model import UNASSIGNED_LABEL, review_overdue


def quality_report(folder: FolderFacts) -> list[str]:
    """The report for a checked folder (facts.check_folder), entries in the handbook's order."""
    lines: list[str] = []
    date = folder.info_date
    reviews = [review for kind in KINDS for review in folder.entries("reviews", kind)]
    overdue = [f"{label}（{review_by}）" for label, review_by in reviews if review_overdue(review_by, date)]
    if overdue:
        lines.append(f"复核期限早于本版日期 {date}、待复核的条目（{len(overdue)}）：{'、'.join(overdue)}")
    busy = {role for facts in folder.files for role in facts.busy_roles}
    idle = [name for role, name in zip(folder.ids("roles"), folder.all("role_names"), strict=True) if role not in busy]
    if idle:
        lines.append(f"既不办理任何步骤、也没有职责和下级的角色（{len(idle)}）：{'、'.join(idle)}")
    unused = [term for term, names in folder.all("term_names") if not folder.mentioned.intersection(names)]
    if unused:
        lines.append(f"定义了但正文中没有出现的术语（{len(unused)}）：{'、'.join(unused)}")
    unlimited = folder.all("unlimited")
    if unlimited:
        lines.append(f"没有时限、也没有注明“来源未规定时限”的程序（{len(unlimited)}），请对照来源核实："
                     f"{'、'.join(unlimited)}")
    unassigned = folder.all("unassigned")
    if unassigned:
        lines.append(f"来源未明确承办角色的步骤（{len(unassigned)}，已显示为“{UNASSIGNED_LABEL}”）：{'、'.join(unassigned)}")
    gaps = folder.entries("gaps", "duties") + folder.entries("gaps", "topics")
    if gaps:
        lines.append(f"来源只提到、未列明内容的条目（{len(gaps)}，已在数据中注明）：{'、'.join(gaps)}")
    return lines
