"""Stage 2b: turn validated files into one Handbook, resolving every reference.

All problems are gathered in one pass; the Handbook is returned only when there are none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import BuildError, DataError, Problem, did_you_mean
from ..load import LoadedFile, NodePath, load_folder
from ..validate import schema as s
from ..validate.shape import check_shape
from . import model as m
from .diff import Change, diff_handbooks
from .model import KIND_NAMES


def load_handbook(data_dir: Path, display_root: Path | None = None) -> m.Handbook:
    """Load, validate and resolve a data folder; raise DataError listing every problem."""
    files, problems = load_folder(data_dir, display_root)
    handbook, problems = resolve_files(files, problems, data_dir, display_root or data_dir.parent)
    if handbook is None:
        raise DataError(problems)
    return handbook


def resolve_files(files: list[LoadedFile], load_problems: list[Problem], data_dir: Path,
                  display: Path) -> tuple[m.Handbook | None, list[Problem]]:
    """Validate and resolve the files read from a data folder (or composed from a base and an
    overlay, resolve/overlay.py): the handbook, or None, and every problem found."""
    # A file that could not be read at all may define any id: references are then not
    # checked, rather than reported as undefined by the dozen.
    references_checkable = not load_problems
    typed, shape_problems, broken = check_shape(files)
    problems = [*load_problems, *shape_problems]
    resolver = _Resolver(typed, broken, display=display, data_dir=data_dir, check_references=references_checkable)
    handbook = resolver.resolve()
    problems += resolver.problems
    return (None if problems or handbook is None else handbook), problems


def _first_occurrences(raw_steps: list) -> list[tuple[int, Any]]:
    """(index, step) for each step id's first occurrence; later duplicates are reported elsewhere."""
    first: dict[str, tuple[int, Any]] = {}
    for index, raw in enumerate(raw_steps):
        first.setdefault(raw.id, (index, raw))
    return list(first.values())


@dataclass
class _Entry:
    """A raw entry with where it was written."""

    raw: Any
    file: LoadedFile
    loc: NodePath

    def at(self, *more: str | int, key: bool = False) -> tuple[str, int, int]:
        line, column = self.file.where((*self.loc, *more), key=key)
        return self.file.path, line, column


# Fills a field of a frozen object while the handbook is being assembled (the builtin itself, not a
# function calling it: it runs a hundred thousand times on large data).
_set = object.__setattr__


class _Resolver:
    def __init__(self, typed: list[tuple[LoadedFile, s.DataFile]], broken: dict[str, set[str]], display: Path,
                 data_dir: Path, check_references: bool = True):
        self.typed = typed
        self.broken = broken
        self.check_references = check_references
        self.problems: list[Problem] = []
        self.data_label = data_dir.relative_to(display).as_posix() if data_dir.is_relative_to(display) else str(
            data_dir
        )
        self.entries: dict[str, dict[str, _Entry]] = {kind: {} for kind in KIND_NAMES}
        self.objects: dict[str, dict[str, Any]] = {kind: {} for kind in KIND_NAMES}
        self.reviews: tuple[m.Review, ...] = ()
        self.holiday_years: tuple[m.HolidayYear, ...] = ()

    # -- problems -----------------------------------------------------------------

    def problem(self, where: tuple[str, int, int], message: str, hint: str = "") -> None:
        self.problems.append(Problem(*where, message, hint))

    def ref(self, kind: str, wanted: str | None, entry: _Entry, path: tuple, context: str) -> Any:
        """The object a reference names, or None (and a problem) when it names nothing."""
        if wanted is None:
            return None
        found = self.objects[kind].get(wanted)
        if found is None and self.check_references and wanted not in self.broken.get(kind, ()):
            known = [*self.objects[kind], *sorted(self.broken.get(kind, ()))]  # an entry that failed still counts
            self.problem(entry.at(*path), f"{context}引用的{KIND_NAMES[kind]} '{wanted}' 未定义。",
                         did_you_mean(wanted, known))
        return found

    def refs(self, kind: str, wanted: list[str], entry: _Entry, path: tuple, context: str) -> tuple:
        """The objects a list of references names, in order, without those that name nothing."""
        if not wanted:
            return ()  # (most lists are empty: approvers, related terms, a topic's roles)
        objects = self.objects[kind]
        found = tuple([obj for one in wanted if (obj := objects.get(one)) is not None])
        if len(found) < len(wanted):
            for i, one in enumerate(wanted):
                self.ref(kind, one, entry, (*path, i), context)  # reports each that names nothing
        return found

    # -- the pass ---------------------------------------------------------------

    def resolve(self) -> m.Handbook | None:
        info = self.link()
        self.fill_back_references()
        if info is None or self.problems:
            return None
        return m.Handbook(
            info=info,
            **{kind: tuple(self.objects[kind].values()) for kind in KIND_NAMES},
            reviews=self.reviews,
            holiday_years=self.holiday_years,
        )

    def link(self) -> m.Info | None:
        """Every entry made and linked to what it names, and every problem found; the handbook's
        information. (What names a role, listed on the role, is filled in by resolve.)"""
        info = self.collect_info()
        self.collect_entries()
        self.create_objects()
        citations = self.citation_resolver()
        self.link_documents(citations)
        self.link_roles(citations)
        self.link_duties(citations)
        self.link_procedures(citations)
        self.link_checklists(citations)
        self.link_terms(citations)
        self.link_topics(citations)
        self.link_courses(citations)
        self.check_stated_counts()
        self.check_form_ids()
        self.reviews = self.collect_reviews(info)
        self.holiday_years = self.collect_holiday_years()
        return info

    def collect_info(self) -> m.Info | None:
        found = [(loaded, data.handbook) for loaded, data in self.typed if data.handbook is not None]
        if not found and ("handbook" in self.broken or not self.check_references):
            return None  # its problem is already reported
        if not found:
            if self.typed:
                self.problem((f"{self.data_label}/handbook.yaml", 1, 1), "缺少手册信息（handbook: 标题、版次、日期）。",
                             "新建 data/handbook.yaml，写入 handbook: 下的 title、edition、date。")
            else:
                self.problem((self.data_label, 1, 1), "数据目录里没有可用的 YAML 文件。", "")
            return None
        for loaded, _ in found[1:]:
            self.problem((loaded.path, *loaded.where(("handbook",), key=True)), "手册信息（handbook:）重复。",
                         f"只在 {found[0][0].path} 中保留一份。")
        raw = found[0][1]
        return m.Info(raw.title, raw.subtitle, raw.edition, raw.date, raw.compiler, raw.previous_edition)

    def collect_entries(self) -> None:
        for loaded, data in self.typed:
            for kind in KIND_NAMES:
                for index, raw in enumerate(getattr(data, kind)):
                    entry = _Entry(raw, loaded, (kind, index))
                    first = self.entries[kind].get(raw.id)
                    if first is not None:
                        path, line, _ = first.at("id")
                        self.problem(entry.at("id"), f"{KIND_NAMES[kind]}标识 '{raw.id}' 重复。",
                                     f"已在 {path}:{line} 定义过；每个标识只能用一次。")
                        continue
                    self.entries[kind][raw.id] = entry

    def create_objects(self) -> None:
        """Objects without references first, so references can point anywhere, cycles included."""
        makers: dict[str, Callable[[Any], Any]] = {
            "sources": lambda r: m.Source(r.id, r.file, r.title, r.kind, r.origin, r.date, r.place, r.standing),
            "documents": lambda r: m.Document(r.id, r.title, r.issuer, r.date, r.governs, r.editorial_note),
            "roles": lambda r: m.Role(r.id, r.name, r.kind, r.summary, tuple(r.aliases)),
            "duties": lambda r: m.Duty(r.id, r.title, r.detail, r.source_gap),
            "procedures": lambda r: m.Procedure(r.id, r.name, r.summary, r.trigger, tuple(r.notes), r.system),
            "checklists": lambda r: m.Checklist(r.id, r.name, r.purpose, r.stated_count, r.source_gap, r.score),
            "terms": lambda r: m.Term(r.id, r.term, r.definition, tuple(r.aliases), r.editorial_note),
            "topics": lambda r: m.Topic(r.id, r.name, r.category, r.summary,
                                        tuple(m.TopicItem(i.name, i.detail) for i in r.items), r.date, r.place,
                                        r.source_gap, tuple(r.aliases), r.stated_count),
            "courses": lambda r: m.Course(r.id, r.name, r.audience, tuple(r.objectives), tuple(r.questions)),
        }
        for kind, make in makers.items():
            for entry_id, entry in self.entries[kind].items():
                self.objects[kind][entry_id] = make(entry.raw)
        for source_id, entry in self.entries["sources"].items():
            source = self.objects["sources"][source_id]
            sections = []
            seen: set[str] = set()
            for index, raw in enumerate(entry.raw.sections):
                if raw.id in seen:
                    self.problem(entry.at("sections", index, "id"), f"来源 '{source_id}' 的章节 '{raw.id}' 重复。", "")
                    continue
                seen.add(raw.id)
                sections.append(m.Section(raw.id, raw.heading, raw.excluded, source))
            _set(source, "sections", tuple(sections))

    def citation_resolver(self) -> Callable[[list[s.Cite], _Entry, tuple], tuple[m.Citation, ...]]:
        # One Citation per section, shared by every entry that cites it (they are immutable).
        citations = {
            source.id: {section.id: m.Citation(source, section) for section in source.sections}
            for source in self.objects["sources"].values()
        }

        def resolve(cites: list[s.Cite], entry: _Entry, path: tuple = ()) -> tuple[m.Citation, ...]:
            result = []
            for index, cite in enumerate(cites):
                sections = citations.get(cite.source)
                found = sections.get(cite.section) if sections is not None else None
                if found is not None:
                    result.append(found)
                elif sections is not None:
                    self.problem(entry.at(*path, "cite", index, "section"),
                                 f"出处引用的章节 '{cite.section}' 不在来源 '{cite.source}' 的章节目录中。",
                                 did_you_mean(cite.section, sections)
                                 or f"先在 sources.yaml 中为 {cite.source} 补上这一章节。")
                else:
                    self.ref("sources", cite.source, entry, (*path, "cite", index, "source"), "出处")
            return tuple(result)

        return resolve

    def link_documents(self, cite) -> None:
        for document_id, entry in self.entries["documents"].items():
            _set(self.objects["documents"][document_id], "citations", cite(entry.raw.cite, entry))

    def documents(self, entry: _Entry, context: str) -> tuple[m.Document, ...]:
        """The documents an entry rests on (its `documents` list), each an entry of 文件目录."""
        return self.refs("documents", entry.raw.documents, entry, ("documents",), context)

    def link_roles(self, cite) -> None:
        for role_id, entry in self.entries["roles"].items():
            role = self.objects["roles"][role_id]
            _set(role, "citations", cite(entry.raw.cite, entry))
            _set(role, "parent", self.ref("roles", entry.raw.parent, entry, ("parent",), f"角色 '{role_id}' 的上级"))
        for role_id, entry in self.entries["roles"].items():
            if self._in_parent_cycle(self.objects["roles"][role_id]):
                self.problem(entry.at("parent"), f"角色 '{role_id}' 的上级关系构成循环。", "检查 parent 字段。")

    @staticmethod
    def _in_parent_cycle(role: m.Role) -> bool:
        seen = {id(role)}
        current = role.parent
        while current is not None:
            if id(current) in seen:
                return True
            seen.add(id(current))
            current = current.parent
        return False

    def link_duties(self, cite) -> None:
        for duty_id, entry in self.entries["duties"].items():
            duty = self.objects["duties"][duty_id]
            _set(duty, "citations", cite(entry.raw.cite, entry))
            _set(duty, "role", self.ref("roles", entry.raw.role, entry, ("role",), f"职责 '{duty_id}' "))
            _set(duty, "frequency", self.time_limit(entry.raw.frequency, entry, ("frequency",), duty.citations))
            _set(duty, "documents", self.documents(entry, f"职责 '{duty_id}' "))

    def link_procedures(self, cite) -> None:
        for procedure_id, entry in self.entries["procedures"].items():
            procedure = self.objects["procedures"][procedure_id]
            raw: s.Procedure = entry.raw
            _set(procedure, "citations", cite(raw.cite, entry))
            _set(procedure, "frequency", self.time_limit(raw.frequency, entry, ("frequency",), procedure.citations))
            _set(procedure, "lead", self.ref("roles", raw.lead, entry, ("lead",), f"程序 '{procedure_id}' 的牵头角色"))
            _set(procedure, "checklists", self.refs("checklists", raw.checklists, entry, ("checklists",),
                                                    f"程序 '{procedure_id}' "))
            _set(procedure, "documents", self.documents(entry, f"程序 '{procedure_id}' "))
            steps = self._make_steps(procedure, entry, cite)
            _set(procedure, "steps", tuple(steps.values()))
            self._link_steps(procedure, entry, steps)
            self._check_reachable(procedure, entry, steps)

    def time_limit(self, raw: s.TimeLimit | None, entry: _Entry, path: tuple,
                   citations: tuple[m.Citation, ...]) -> m.TimeLimit | None:
        """A time limit; a computable one (amount and unit) needs both, and one that runs within a
        period needs the event it counts from."""
        if raw is None:
            return None
        if (raw.amount is None) != (raw.unit is None):
            given, missing = ("amount", "unit") if raw.unit is None else ("unit", "amount")
            self.problem(entry.at(*path, given, key=True), f"时限“{raw.limit}”写了 {given}，没有写 {missing}。",
                         "可计算的时限要同时写数量 amount 和单位 unit；来源没有给出数量时两者都不写。")
        elif raw.amount is not None and raw.kind == "within" and raw.counts_from is None:
            self.problem(entry.at(*path, "amount", key=True), f"可计算的时限“{raw.limit}”没有写起算点 counts_from。",
                         "写明从什么事件起算（来源没有写明时，去掉 amount 和 unit，只保留文字）。")
        return m.TimeLimit(raw.limit, raw.counts_from, raw.on_expiry, raw.kind, raw.amount, raw.unit, citations)

    def _make_steps(self, procedure: m.Procedure, entry: _Entry, cite) -> dict[str, m.Step]:
        steps: dict[str, m.Step] = {}
        for index, raw in enumerate(entry.raw.steps):
            if raw.id in steps:
                self.problem(entry.at("steps", index, "id"), f"程序 '{procedure.id}' 中步骤标识 '{raw.id}' 重复。", "")
                continue
            citations = cite(raw.cite, entry, ("steps", index)) if raw.cite else procedure.citations
            time_limit = self.time_limit(raw.time_limit, entry, ("steps", index, "time_limit"), citations)
            steps[raw.id] = m.Step(raw.id, len(steps) + 1, raw.title, raw.action, tuple(raw.documents), time_limit,
                                   raw.condition, raw.end, tuple(raw.notes), citations,
                                   roles_inferred=raw.roles_inferred, procedure=procedure)
        return steps

    def _link_steps(self, procedure: m.Procedure, entry: _Entry, steps: dict[str, m.Step]) -> None:
        for index, raw in _first_occurrences(entry.raw.steps):
            step = steps[raw.id]
            path = ("steps", index)
            context = f"步骤 '{raw.id}' 的"
            _set(step, "roles", self.refs("roles", raw.roles, entry, (*path, "roles"), context + "角色"))
            _set(step, "approved_by", self.refs("roles", raw.approved_by, entry, (*path, "approved_by"),
                                                context + "审批角色"))
            transitions = []
            for n, nxt in enumerate(raw.next):
                target = steps.get(nxt.step)
                if target is None:
                    self.problem(entry.at(*path, "next", n, "step"),
                                 f"步骤 '{raw.id}' 的后续步骤 '{nxt.step}' 不在程序 '{procedure.id}' 中。",
                                 did_you_mean(nxt.step, steps))
                    continue
                transitions.append(m.Transition(target, nxt.when))
            if raw.end and raw.next:
                self.problem(entry.at(*path, "end", key=True), f"步骤 '{raw.id}' 既标明结束（end），又写了后续步骤（next）。",
                             "二者只留其一。")
            _set(step, "next", tuple(transitions))

    def _check_reachable(self, procedure: m.Procedure, entry: _Entry, steps: dict[str, m.Step]) -> None:
        """Every step must be reachable from the first, and from every step the flow must be able to end.

        A step without `next` leads to the following step; the last step, or one marked `end`, ends it.
        """
        ordered = list(steps.values())
        successors = {step.id: [t.step for t in step.following] for step in ordered}
        reached = self._closure(ordered[:1], successors)
        predecessors: dict[str, list[m.Step]] = {step.id: [] for step in ordered}
        for step in ordered:
            for target in successors[step.id]:
                predecessors[target.id].append(step)
        terminals = [step for step in ordered if not successors[step.id]]
        can_end = self._closure(terminals, predecessors)
        for index, raw in _first_occurrences(entry.raw.steps):
            if raw.id not in reached:
                self.problem(entry.at("steps", index, "id"),
                             f"程序 '{procedure.id}' 的步骤 '{raw.id}' 从第一步出发无法到达。",
                             "检查前面步骤的 next 与 end；没有 next 的步骤会接着走向下一步。")
            elif raw.id not in can_end:
                self.problem(entry.at("steps", index, "id"),
                             f"程序 '{procedure.id}' 的步骤 '{raw.id}' 陷入循环，走不到流程结束。",
                             "给循环中的某一步加上通向循环之外的 next，或标明 end: true。")

    @staticmethod
    def _closure(start: list[m.Step], edges: dict[str, list[m.Step]]) -> set[str]:
        seen: set[str] = set()
        pending = list(start)
        while pending:
            step = pending.pop()
            if step.id not in seen:
                seen.add(step.id)
                pending.extend(edges[step.id])
        return seen

    def link_checklists(self, cite) -> None:
        for checklist_id, entry in self.entries["checklists"].items():
            checklist = self.objects["checklists"][checklist_id]
            raw: s.Checklist = entry.raw
            _set(checklist, "citations", cite(raw.cite, entry))
            _set(checklist, "roles", self.refs("roles", raw.roles, entry, ("roles",), f"清单 '{checklist_id}' "))
            _set(checklist, "documents", self.documents(entry, f"清单 '{checklist_id}' "))
            items, seen = [], set()
            for index, item in enumerate(raw.items):
                path = ("items", index)
                if item.id in seen:
                    self.problem(entry.at(*path, "id"), f"清单 '{checklist_id}' 中条目标识 '{item.id}' 重复。", "")
                    continue
                seen.add(item.id)
                context = f"清单条目 '{item.id}' "
                procedure = self.ref("procedures", item.procedure, entry, (*path, "procedure"), context)
                step = self._item_step(item, procedure, entry, path)
                duty = self.ref("duties", item.duty, entry, (*path, "duty"), context)
                citations = cite(item.cite, entry, path) if item.cite else checklist.citations
                items.append(m.ChecklistItem(item.id, len(items) + 1, item.text, citations, procedure, step, duty, checklist))
            _set(checklist, "items", tuple(items))

    def _item_step(self, item: s.ChecklistItem, procedure: m.Procedure | None, entry: _Entry, path) -> m.Step | None:
        if item.step is None:
            return None
        if item.procedure is None:
            self.problem(entry.at(*path, "step", key=True), f"清单条目 '{item.id}' 写了步骤却没有写所属程序。",
                         "加上 procedure: 程序标识。")
            return None
        if procedure is None:
            return None
        for step in procedure.steps:
            if step.id == item.step:
                return step
        self.problem(entry.at(*path, "step"), f"清单条目 '{item.id}' 引用的步骤 '{item.step}' 不在程序 '{procedure.id}' 中。",
                     did_you_mean(item.step, [step.id for step in procedure.steps]))
        return None

    def link_terms(self, cite) -> None:
        for term_id, entry in self.entries["terms"].items():
            term = self.objects["terms"][term_id]
            _set(term, "citations", cite(entry.raw.cite, entry))
            _set(term, "related", self.refs("terms", entry.raw.related, entry, ("related",), f"术语 '{term_id}' "))
            _set(term, "documents", self.documents(entry, f"术语 '{term_id}' "))

    def link_topics(self, cite) -> None:
        for topic_id, entry in self.entries["topics"].items():
            topic = self.objects["topics"][topic_id]
            _set(topic, "citations", cite(entry.raw.cite, entry))
            _set(topic, "roles", self.refs("roles", entry.raw.roles, entry, ("roles",), f"要点 '{topic_id}' "))
            _set(topic, "procedures", self.refs("procedures", entry.raw.procedures, entry, ("procedures",),
                                                f"要点 '{topic_id}' "))
            _set(topic, "documents", self.documents(entry, f"要点 '{topic_id}' "))

    def link_courses(self, cite) -> None:
        for course_id, entry in self.entries["courses"].items():
            course = self.objects["courses"][course_id]
            _set(course, "citations", cite(entry.raw.cite, entry))
            for kind in ("roles", "procedures", "checklists", "terms", "topics"):
                _set(course, kind, self.refs(kind, getattr(entry.raw, kind), entry, (kind,), f"课程 '{course_id}' "))

    def check_stated_counts(self) -> None:
        """A list whose source states how many it has must have that many, unless source_gap says the
        source gives the number without all the items."""
        for kind, noun in (("topics", "要点"), ("checklists", "清单")):
            for entry_id, entry in self.entries[kind].items():
                raw = entry.raw
                if raw.stated_count is None or raw.source_gap or raw.stated_count == len(raw.items):
                    continue
                self.problem(entry.at("stated_count"),
                             f"{noun} '{entry_id}' 写明来源所说的数目是 {raw.stated_count}，实际列了 {len(raw.items)} 条。",
                             "补齐或删去多余的条目；来源只说了数目而没有列全时，写 source_gap 说明。")

    def collect_reviews(self, info: m.Info | None) -> tuple[m.Review, ...]:
        """Owners and review dates; an entry is overdue when its date is before the edition's date."""
        reviews = []
        for kind, entries in self.entries.items():
            for entry_id, entry in entries.items():
                raw = entry.raw
                if kind == "sources" or (raw.owner is None and raw.review_by is None):
                    continue
                owner = self.ref("roles", raw.owner, entry, ("owner",), f"{KIND_NAMES[kind]} '{entry_id}' 的维护角色")
                if raw.review_by is not None:
                    try:
                        dt.date.fromisoformat(raw.review_by)
                    except ValueError:
                        self.problem(entry.at("review_by"), f"复核期限 '{raw.review_by}' 不是有效的日期。",
                                     "写成带引号的 \"年-月-日\"，如 \"2027-06-30\"。")
                        continue
                overdue = m.review_overdue(raw.review_by, info.date if info else None)
                reviews.append(m.Review(self.objects[kind][entry_id], owner, raw.review_by, overdue))
        return tuple(reviews)

    def collect_holiday_years(self) -> tuple[m.HolidayYear, ...]:
        """Each year's holiday schedule, whole: every festival of the notice present, every date a
        real date of that year, listed once, and never both a day off and a working day."""
        years: dict[int, m.HolidayYear] = {}
        first_seen: dict[int, _Entry] = {}
        for loaded, data in self.typed:
            for index, raw in enumerate(data.holiday_years):
                entry = _Entry(raw, loaded, ("holiday_years", index))
                if raw.year in first_seen:
                    path, line, _ = first_seen[raw.year].at("year")
                    self.problem(entry.at("year"), f"{raw.year} 年的放假安排重复。", f"已在 {path}:{line} 写过；每年只写一份。")
                    continue
                first_seen[raw.year] = entry  # located only if the year comes again
                year = self.holiday_year(raw, entry)
                if year is not None:
                    years[raw.year] = year
        return tuple(years[year] for year in sorted(years))

    def holiday_year(self, raw: s.HolidayYear, entry: _Entry) -> m.HolidayYear | None:
        before = len(self.problems)
        days_off: dict[dt.date, str] = {}
        workdays: dict[dt.date, str] = {}
        where: dict[dt.date, str] = {}  # the festival that first listed a date
        for index, holiday in enumerate(raw.holidays):
            path = ("holidays", index)
            first = self.day_of(raw.year, holiday.first_off, entry, (*path, "first_off"))
            last = self.day_of(raw.year, holiday.last_off, entry, (*path, "last_off"))
            listed = []
            if first and last:
                if last < first:
                    self.problem(entry.at(*path, "last_off"), f"{holiday.name}放假的最后一天 {last} 早于第一天 {first}。",
                                 "first_off 写第一天，last_off 写最后一天。")
                listed = [(first + dt.timedelta(days=n), (*path, "first_off"), days_off)
                          for n in range((last - first).days + 1)]
            for n, text in enumerate(holiday.workdays):
                day = self.day_of(raw.year, text, entry, (*path, "workdays", n))
                if day:
                    listed.append((day, (*path, "workdays", n), workdays))
            for day, at, into in listed:
                if day in where:
                    festivals = "、".join(dict.fromkeys((where[day], holiday.name)))
                    if (day in days_off) == (into is days_off):
                        message = f"日期 {day} 在 {raw.year} 年的安排中出现了两次（{festivals}）。"
                    else:
                        message = f"{day} 既是放假日，又是调休上班日（{festivals}）。"
                    self.problem(entry.at(*at), message, "每一天只能写一次：要么放假，要么调休上班。")
                    continue
                where[day] = holiday.name
                into[day] = holiday.name
        named = {part for holiday in raw.holidays for part in holiday.name.split("、")}
        missing = [festival for festival in s.FESTIVALS if festival not in named]
        if missing:
            self.problem(entry.at("holidays", key=True), f"{raw.year} 年的放假安排不完整，缺少：{'、'.join(missing)}。",
                         "一年的安排要整年照通知写全七个节日，或者整年不写（不写的年份按周一至周五推算）。")
        if len(self.problems) > before:
            return None
        return m.HolidayYear(raw.year, raw.notice, raw.number, raw.published,
                             MappingProxyType(dict(sorted(days_off.items()))), MappingProxyType(dict(sorted(workdays.items()))))

    def day_of(self, year: int, text: str, entry: _Entry, path: tuple) -> dt.date | None:
        """The date a schedule lists, which must exist and fall in the schedule's year."""
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            self.problem(entry.at(*path), f"'{text}' 不是有效的日期。", "写成带引号的 \"年-月-日\"，如 \"2027-02-10\"。")
            return None
        if day.year != year:
            self.problem(entry.at(*path), f"{day} 不在 {year} 年内。",
                         f"{year} 年的安排只写 {year} 年的日子；跨年的放假日写在它所在年份的安排中。")
            return None
        return day

    def check_form_ids(self) -> None:
        """Each procedure has a generated record form, the checklist '<procedure id>-record'."""
        for checklist_id, entry in self.entries["checklists"].items():
            procedure_id = checklist_id.removesuffix(m.RECORD_FORM_SUFFIX)
            if procedure_id != checklist_id and procedure_id in self.entries["procedures"]:
                self.problem(entry.at("id"), f"清单标识 '{checklist_id}' 与程序 '{procedure_id}' 自动生成的办理记录表重名。",
                             f"换一个标识；以 {m.RECORD_FORM_SUFFIX} 结尾的标识留给程序的办理记录表。")

    def fill_back_references(self) -> None:
        roles = list(self.objects["roles"].values())
        by_role: dict[int, dict[str, list]] = {id(r): {"children": [], "duties": [], "steps": [], "checklists": []}
                                               for r in roles}
        for role in roles:
            if role.parent is not None:
                by_role[id(role.parent)]["children"].append(role)
        for duty in self.objects["duties"].values():
            if duty.role is not None:
                by_role[id(duty.role)]["duties"].append(duty)
        for procedure in self.objects["procedures"].values():
            for step in procedure.steps:
                for role in dict.fromkeys((*step.roles, *step.approved_by)):
                    by_role[id(role)]["steps"].append(step)
        for checklist in self.objects["checklists"].values():
            for role in checklist.roles:
                by_role[id(role)]["checklists"].append(checklist)
        for role in roles:
            for name, values in by_role[id(role)].items():
                _set(role, name, tuple(values))
        referenced: dict[int, list] = {id(document): [] for document in self.objects["documents"].values()}
        for kind in ("procedures", "duties", "checklists", "topics", "terms"):
            for entry in self.objects[kind].values():
                for document in entry.documents:
                    referenced[id(document)].append(entry)
        for document in self.objects["documents"].values():
            _set(document, "referenced_by", tuple(referenced[id(document)]))


def edition_changes(handbook: m.Handbook, data_dir: Path) -> list[Change]:
    """What changed since the edition the data names as its previous one (none for a first edition).
    The previous edition is a data folder kept beside the data (see README: 版次与修订说明)."""
    from . import load_handbook

    if handbook.info.previous_edition is None:
        return []
    previous = (data_dir / handbook.info.previous_edition).resolve()
    if not previous.is_dir():
        raise BuildError(f"handbook.yaml 中的上一版数据目录 '{handbook.info.previous_edition}' 不存在（{previous}）。")
    return diff_handbooks(load_handbook(previous, display_root=previous.parent), handbook)
