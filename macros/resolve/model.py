"""The resolved handbook: immutable objects whose references are objects, not strings.

Renderers receive these objects and never look anything up by id. Back-references
(a role's steps, a procedure's steps) are filled in by resolve.py and frozen afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from ..labels import (
    NO_SYSTEM_LABEL,
    PROCEDURE_SYSTEM_LABELS,
    ROLE_KIND_LABELS,
    SOURCE_STANDING_LABELS,
    TOPIC_CATEGORY_LABELS,
)


class _Entity:
    """Short reprs: the objects reference each other in cycles. `noun` names the kind of entry for
    readers (角色, 程序…) wherever an entry is labelled: links, the coverage page, messages."""

    noun: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a reader may use for the entry (entries with aliases add them)."""
        return (self.name,)

    @property
    def label(self) -> str:
        """A reader's name for the entry with its kind: 角色：巡察组 (a topic gives its category)."""
        name = getattr(self, "name", None) or getattr(self, "title", None) or getattr(self, "term", "")
        return f"{getattr(self, 'category_label', self.noun)}：{name}"

    def __repr__(self) -> str:
        key = getattr(self, "id", None) or getattr(self, "title", "")
        return f"{type(self).__name__}({key!r})"


# Compared by identity, with _Entity's short repr; frozen: only resolve.py fills in the references
# that point forward or back, with object.__setattr__, while it assembles the handbook.
_entity = dataclass(frozen=True, eq=False, repr=False)


def quoted(text: str) -> str:
    """A name or value in quotation marks; the marks inside it become single ones, as Chinese nests
    them (“‘室组’联动监督……”, not ““室组”联动监督……”)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


# Shown wherever a step's actor would be, when the source does not name one.
UNASSIGNED_LABEL = "来源未明确承办"
# After the actors of a step the source does not name, where the handbook infers them from elsewhere.
INFERRED_LABEL = "（编者推断）"

# The parts a role plays in a step or procedure, strongest first (a step's first role leads it).
PART_LEAD, PART_APPROVE, PART_TAKE = PARTS = ("牵头", "审批", "参与")

# None (a procedure that names no system) comes last.
PROCEDURE_SYSTEM_LABELS = MappingProxyType({**PROCEDURE_SYSTEM_LABELS, None: NO_SYSTEM_LABEL})


@_entity
class Section(_Entity):
    id: str
    heading: str
    excluded: str | None
    source: Source = field(repr=False, default=None)  # type: ignore[assignment]


@_entity
class Source(_Entity):
    noun = "来源"
    id: str
    file: str
    title: str
    kind: str
    origin: str
    date: str
    place: str | None = None
    standing: str | None = None
    sections: tuple[Section, ...] = ()

    @property
    def standing_label(self) -> str | None:
        return SOURCE_STANDING_LABELS.get(self.standing)

    @property
    def year(self) -> str | None:
        """The first four-digit year the source's date names, or None."""
        found = re.search(r"(19|20)\d{2}", self.date)
        return found.group() if found else None

    @property
    def standing_brief(self) -> str:
        """Where, when and what kind of text in one line, for wherever a reader acts on an item:
        s000，云南省约 2015 年的调研报告：调研报告提出的建议，不是已施行的规定. A year the source's
        date gives as approximate (约, inferred from the text) stays approximate."""
        place = self.place or ""
        approximate = self.date.lstrip().startswith("约")
        year = (f"约 {self.year} 年" if approximate else f" {self.year} 年") if self.year else ""
        standing = f"：{self.standing_label}" if self.standing else ""
        return f"{self.id}，{place}{year}{'的' if place or year else ''}{self.kind}{standing}"


@_entity
class Document(_Entity):
    """A document a source names by its title (《…》), as the 文件目录 lists it. What rests on it
    (`referenced_by`: procedures, duties, checklists, terms, topics) is filled in by resolve."""

    noun = "文件"
    id: str
    title: str
    issuer: str | None
    date: str | None
    governs: str
    editorial_note: str | None = None
    citations: tuple[Citation, ...] = ()
    referenced_by: tuple[object, ...] = ()

    @property
    def name(self) -> str:
        """The title in book-title marks, as a reader cites a document."""
        return f"《{self.title}》"


@_entity
class Citation(_Entity):
    source: Source
    section: Section

    @property
    def label(self) -> str:
        return f"{self.source.file} {self.section.id}"


def cited_sources(*citation_lists: tuple[Citation, ...]) -> tuple[Source, ...]:
    """The sources some citations name, once each, in order of first appearance."""
    seen: dict[str, Source] = {}
    for citations in citation_lists:
        for citation in citations:
            seen.setdefault(citation.source.id, citation.source)
    return tuple(seen.values())


@_entity
class Role(_Entity):
    noun = "角色"
    id: str
    name: str
    kind: str
    summary: str | None
    aliases: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    parent: Role | None = None
    children: tuple[Role, ...] = ()
    duties: tuple[Duty, ...] = ()
    steps: tuple[Step, ...] = ()
    checklists: tuple[Checklist, ...] = ()

    @property
    def kind_label(self) -> str:
        return ROLE_KIND_LABELS[self.kind]

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the role goes by: its name, then its aliases."""
        return (self.name, *self.aliases)

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        seen: dict[str, Procedure] = {}
        for step in self.steps:
            seen.setdefault(step.procedure.id, step.procedure)
        return tuple(seen.values())

    @property
    def texts(self) -> tuple[str, ...]:
        """The entry's own prose (one place says what an entry's text is: glossary use, reading paths)."""
        return (self.summary or "",)


@_entity
class Duty(_Entity):
    noun = "职责"
    id: str
    title: str
    detail: str | None
    source_gap: str | None
    citations: tuple[Citation, ...] = ()
    role: Role = None  # type: ignore[assignment]
    frequency: TimeLimit | None = None
    documents: tuple[Document, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.title, self.detail or "")


@_entity
class TimeLimit(_Entity):
    limit: str
    counts_from: str | None
    on_expiry: str | None
    kind: str = "within"
    amount: int | None = None
    unit: str | None = None
    citations: tuple[Citation, ...] = ()  # what the limit rests on: its step's or entry's citations

    @property
    def sources(self) -> tuple[Source, ...]:
        return cited_sources(self.citations)

    @property
    def computable(self) -> bool:
        """Whether a due date can be worked out from a start date: the source gives a number and a unit."""
        return self.amount is not None and self.unit is not None

    @property
    def period(self) -> str:
        """The computable part in words: 十个工作日内 → '10 个工作日内', 每月 → '每 1 个月一次'."""
        amount = f"{self.amount} {'个' if self.unit == '工作日' else ''}{self.unit}"
        return {"within": f"{amount}内", "every": f"每 {amount}一次", "at-least-every": f"至少每 {amount}一次"}[self.kind]

    @property
    def text(self) -> str:
        """The whole limit in one line, as every page, form and self-test states it."""
        parts = [self.limit + (f"，自{self.counts_from}起算" if self.counts_from else "")]
        if self.on_expiry:
            parts.append(f"逾期：{self.on_expiry}")
        return "；".join(parts)


@_entity
class Transition(_Entity):
    step: Step
    when: str | None


@_entity
class Step(_Entity):
    noun = "步骤"
    id: str
    number: int
    title: str
    action: str
    documents: tuple[str, ...]
    time_limit: TimeLimit | None
    condition: str | None
    end: bool
    notes: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    roles: tuple[Role, ...] = ()
    approved_by: tuple[Role, ...] = ()
    next: tuple[Transition, ...] = ()
    roles_inferred: bool = False
    procedure: Procedure = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def lead(self) -> Role | None:
        """The first acting role, or None where the source does not say who acts."""
        return self.roles[0] if self.roles else None

    @property
    def unassigned(self) -> bool:
        return not self.roles

    @property
    def roles_marker(self) -> str:
        """What follows the actors wherever they are shown: the inferred label, or ''."""
        return INFERRED_LABEL if self.roles_inferred and self.roles else ""

    @property
    def following(self) -> tuple[Transition, ...]:
        """Where the flow goes after this step: its explicit next steps; without them the step that
        follows in the list, unless this one ends the flow or is the last."""
        if self.next:
            return self.next
        steps = self.procedure.steps
        if self.end or self.number == len(steps):
            return ()
        return (Transition(steps[self.number], None),)  # (numbered from 1: the one after this)

    @property
    def who(self) -> str:
        """Who acts, and who approves: 'A、B（审批：C）', or the unassigned label."""
        text = "、".join(role.name for role in self.roles) + self.roles_marker or UNASSIGNED_LABEL
        if self.approved_by:
            text += f"（审批：{'、'.join(role.name for role in self.approved_by)}）"
        return text

    def part_of(self, role: Role) -> str:
        """The part a role plays in this step: 牵头 > 审批 > 参与, or ''."""
        if role is self.lead:
            return PART_LEAD
        if role in self.approved_by:
            return PART_APPROVE
        return PART_TAKE if role in self.roles else ""

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.title, self.action, *self.notes, self.condition or "")


@_entity
class Procedure(_Entity):
    noun = "程序"
    id: str
    name: str
    summary: str
    trigger: str | None
    notes: tuple[str, ...]
    system: str | None = None
    frequency: TimeLimit | None = None
    citations: tuple[Citation, ...] = ()
    lead: Role = None  # type: ignore[assignment]
    steps: tuple[Step, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    documents: tuple[Document, ...] = ()  # what it rests on (a step's `documents` are papers it produces)

    @property
    def roles(self) -> tuple[Role, ...]:
        """Every role acting or approving in the procedure, in order of first appearance."""
        seen: dict[str, Role] = {}
        for step in self.steps:
            for role in (*step.roles, *step.approved_by):
                seen.setdefault(role.id, role)
        return tuple(seen.values())

    def part_of(self, role: Role) -> str:
        """The strongest part a role plays in the procedure (its lead role leads it), or ''."""
        if role is self.lead:
            return PART_LEAD
        parts = {step.part_of(role) for step in self.steps}
        return next((part for part in PARTS if part in parts), "")

    @property
    def time_limited_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.time_limit)

    @property
    def texts(self) -> tuple[str, ...]:
        """Its summary, trigger and notes, and the text of every step."""
        return (self.summary, self.trigger or "", *self.notes, *(t for step in self.steps for t in step.texts))


@_entity
class ChecklistItem(_Entity):
    noun = "清单条目"
    id: str
    number: int
    text: str
    citations: tuple[Citation, ...] = ()
    procedure: Procedure | None = None
    step: Step | None = None
    duty: Duty | None = None
    checklist: Checklist = field(repr=False, default=None)  # type: ignore[assignment]



@_entity
class Checklist(_Entity):
    noun = "清单"
    id: str
    name: str
    purpose: str
    stated_count: int | None = None
    source_gap: str | None = None
    score: bool = False
    citations: tuple[Citation, ...] = ()
    roles: tuple[Role, ...] = ()
    items: tuple[ChecklistItem, ...] = ()
    documents: tuple[Document, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.purpose, *(item.text for item in self.items))

    @property
    def has_basis(self) -> bool:
        """Whether some item is based on a procedure (or one of its steps) or a duty: the form's
        依据 column, which would otherwise be empty from top to bottom."""
        return any(item.procedure or item.duty for item in self.items)


@_entity
class Term(_Entity):
    noun = "术语"
    id: str
    term: str
    definition: str
    aliases: tuple[str, ...]
    editorial_note: str | None = None
    citations: tuple[Citation, ...] = ()
    related: tuple[Term, ...] = ()
    documents: tuple[Document, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every form of the term: the term, then its aliases."""
        return (self.term, *self.aliases)


# The glossary's group for terms that begin with neither a Chinese character nor a letter.
OTHER_INITIAL = "其他"




@_entity
class TopicItem(_Entity):
    name: str
    detail: str | None

    @property
    def id(self) -> str:
        return self.name


@_entity
class Topic(_Entity):
    noun = "要点"
    id: str
    name: str
    category: str
    summary: str | None
    items: tuple[TopicItem, ...]
    date: str | None
    place: str | None
    source_gap: str | None
    aliases: tuple[str, ...] = ()
    stated_count: int | None = None
    citations: tuple[Citation, ...] = ()
    roles: tuple[Role, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    documents: tuple[Document, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def category_label(self) -> str:
        return TOPIC_CATEGORY_LABELS[self.category]

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.name, self.summary or "", *(f"{i.name}{i.detail or ''}" for i in self.items))


@_entity
class Mention(_Entity):
    """A place that names an entry: a topic's item or summary (item None), or a term's definition."""

    source: Topic | Term
    item: TopicItem | None = None

    @property
    def text(self) -> str:
        if isinstance(self.source, Term):
            return self.source.definition
        if self.item is None:
            return self.source.summary or ""
        return f"{self.item.name}：{self.item.detail}" if self.item.detail else self.item.name


@_entity
class Course(_Entity):
    noun = "课程"
    id: str
    name: str
    audience: str
    objectives: tuple[str, ...]
    questions: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    roles: tuple[Role, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    terms: tuple[Term, ...] = ()
    topics: tuple[Topic, ...] = ()

    @property
    def content_sources(self) -> tuple[Source, ...]:
        """The sources of what the course teaches (its entries, their steps, duties and items), once
        each: a trainer must know which of it is one province's proposal and which a city's practice.
        The course's own citation (the training scheme it follows) is not among them."""
        entries = (*self.roles, *(d for r in self.roles for d in r.duties), *self.procedures,
                   *(s for p in self.procedures for s in p.steps), *self.checklists,
                   *(i for c in self.checklists for i in c.items), *self.terms, *self.topics)
        return cited_sources(*(entry.citations for entry in entries))


def review_overdue(review_by: str | None, edition_date: str | None) -> bool:
    """An entry is due for review when its date is before the edition's date (never the clock's:
    output stays reproducible). Both are ISO dates, which compare as text."""
    return bool(review_by and edition_date and review_by < edition_date)


@_entity
class Review(_Entity):
    """Who keeps an entry up to date and by when it is to be checked again."""

    entry: object
    owner: Role | None
    review_by: str | None
    overdue: bool  # review_overdue()


@_entity
class Info(_Entity):
    title: str
    subtitle: str | None
    edition: str
    date: str
    compiler: str | None
    previous_edition: str | None = None


@_entity
class HolidayYear(_Entity):
    """One year's schedule of public holidays as the State Council's notice sets it: every day off
    (weekends inside a holiday included) and every weekend day worked instead (调休), by name."""

    year: int
    notice: str
    number: str | None
    published: str
    days_off: MappingProxyType  # date -> festival name
    workdays: MappingProxyType  # date -> festival name (the holiday the day is worked for)

    @property
    def origin(self) -> str:
        number = f"（{self.number}）" if self.number else ""
        return f"{self.notice}{number}，{self.published} 发布"


@_entity
class Handbook(_Entity):
    """Everything the renderers need, resolved and checked."""

    info: Info
    sources: tuple[Source, ...]
    documents: tuple[Document, ...]
    roles: tuple[Role, ...]
    duties: tuple[Duty, ...]
    procedures: tuple[Procedure, ...]
    checklists: tuple[Checklist, ...]
    terms: tuple[Term, ...]
    topics: tuple[Topic, ...]
    courses: tuple[Course, ...]
    reviews: tuple[Review, ...] = ()
    holiday_years: tuple[HolidayYear, ...] = ()  # the schedules data/calendar.yaml holds

    def review_of(self, entry: object) -> Review | None:
        return self._reviews.get(id(entry))

    @cached_property
    def _reviews(self) -> dict[int, Review]:
        return {id(review.entry): review for review in self.reviews}

    def owned_by(self, role: Role) -> tuple[object, ...]:
        """The entries a role keeps up to date."""
        return tuple(review.entry for review in self.reviews if review.owner is role)

    def role(self, role_id: str) -> Role:
        return _find(self.roles, role_id, "角色")

    def procedure(self, procedure_id: str) -> Procedure:
        return _find(self.procedures, procedure_id, "程序")

    def checklist(self, checklist_id: str) -> Checklist:
        return _find((*self.checklists, *self.procedure_forms), checklist_id, "清单")

    def checklists_by_origin(self) -> tuple[tuple[str, tuple[Checklist, ...]], ...]:
        """The sources' own checklists, then the record forms made from the procedures."""
        groups = (("来源中的清单", self.checklists), ("程序办理记录表", self.procedure_forms))
        return tuple((label, entries) for label, entries in groups if entries)

    @cached_property
    def procedure_forms(self) -> tuple[Checklist, ...]:
        """One record form per procedure, made from its steps, never written by hand."""
        return tuple(procedure_form(procedure) for procedure in self.procedures)

    def document(self, document_id: str) -> Document:
        return _find(self.documents, document_id, "文件")

    def term(self, term_id: str) -> Term:
        return _find(self.terms, term_id, "术语")

    def course(self, course_id: str) -> Course:
        return _find(self.courses, course_id, "课程")

    def topic(self, topic_id: str) -> Topic:
        return _find(self.topics, topic_id, "要点")

    def roles_by_kind(self) -> tuple[tuple[str, tuple[Role, ...]], ...]:
        """(kind label, roles) in the order of ROLE_KIND_LABELS; kinds without roles are left out."""
        return _grouped(self.roles, ROLE_KIND_LABELS, lambda role: role.kind)

    def procedures_by_system(self) -> tuple[tuple[str, tuple[Procedure, ...]], ...]:
        """(system label, procedures) in the order of PROCEDURE_SYSTEM_LABELS; empty systems left out."""
        return _grouped(self.procedures, PROCEDURE_SYSTEM_LABELS, lambda procedure: procedure.system)

    def topics_by_category(self) -> tuple[tuple[str, tuple[Topic, ...]], ...]:
        return _grouped(self.topics, TOPIC_CATEGORY_LABELS, lambda topic: topic.category)

    def terms_by_initial(self) -> tuple[tuple[str, tuple[Term, ...]], ...]:
        """(initial, terms) in pinyin order, as a dictionary orders them: the glossary and the
        printed index are looked up by how a term sounds, not by where it came from."""
        return self._terms_by_initial

    @cached_property
    def _terms_by_initial(self) -> tuple[tuple[str, tuple[Term, ...]], ...]:
        from .words import pinyin_order

        # Terms that begin with neither a Chinese character nor a letter come last, as in a dictionary.
        ordered = sorted(zip(pinyin_order([t.term for t in self.terms]), self.terms, strict=True),
                         key=lambda pair: (not pair[0][0], pair[0][1]))
        groups: dict[str, list[Term]] = {}
        for (initial, _key), term in ordered:
            groups.setdefault(initial or OTHER_INITIAL, []).append(term)
        return tuple((initial, tuple(terms)) for initial, terms in groups.items())

    def topics_in(self, category: str) -> tuple[Topic, ...]:
        return tuple(topic for topic in self.topics if topic.category == category)

    @property
    def topic_categories(self) -> tuple[tuple[str, str], ...]:
        """(category, label) pairs that have topics, in the schema's order."""
        present = {topic.category for topic in self.topics}
        return tuple((key, label) for key, label in TOPIC_CATEGORY_LABELS.items() if key in present)

    def citing(self, section: Section) -> tuple[object, ...]:
        """Every item whose citations (or its steps' citations) name this section, in data order."""
        return self._items_by_section.get(id(section), ())

    @cached_property
    def _items_by_section(self) -> dict[int, tuple[object, ...]]:
        # Built once: the coverage page asks for every section of every source.
        index: dict[int, dict[int, object]] = {}
        for item in (*self.roles, *self.duties, *self.procedures, *self.checklists, *self.terms, *self.topics,
                     *self.courses, *self.documents):
            cited = list(item.citations)
            for step in getattr(item, "steps", ()):
                cited += step.citations
            for citation in cited:
                index.setdefault(id(citation.section), {})[id(item)] = item
        return {key: tuple(items.values()) for key, items in index.items()}

    def mentions_of(self, entry: Role | Term | Procedure) -> tuple[Mention, ...]:
        """Topic items and summaries, and term definitions, that name a role or term (by name or
        alias), and topics that refer to the entry explicitly: the facts about a thing that the data
        holds elsewhere."""
        return self._mentions.get(id(entry), ())

    @cached_property
    def _mentions(self) -> dict[int, tuple[Mention, ...]]:
        from .words import longest_word_pattern

        named: dict[str, list[object]] = {}
        for entry in (*self.roles, *self.terms):
            for word in entry.names:
                named.setdefault(word, []).append(entry)
        pattern = longest_word_pattern({word for word in named if len(word) > 1})
        index: dict[int, dict[tuple[int, int], Mention]] = {}

        def add(entry: object, mention: Mention) -> None:
            if entry is not mention.source:
                key = (id(mention.source), id(mention.item))
                index.setdefault(id(entry), {}).setdefault(key, mention)

        mentions: list[Mention] = []
        for topic in self.topics:
            for explicit in (*topic.roles, *topic.procedures):
                add(explicit, Mention(topic))
            mentions += [Mention(topic), *(Mention(topic, item) for item in topic.items)]
        mentions += [Mention(term) for term in self.terms]
        for mention in mentions if pattern else ():
            # One pass per text; the longest name wins where names overlap (单独派驻纪检组, not 派驻纪检组).
            for match in pattern.finditer(mention.text):
                for entry in named[match.group()]:
                    add(entry, mention)
        return {key: tuple(mentions.values()) for key, mentions in index.items()}


def initial_anchor(initial: str) -> str:
    """The anchor of a group of the glossary (initial-a …), the same on the site and on paper."""
    return "initial-other" if initial == OTHER_INITIAL else f"initial-{initial.lower()}"


def _grouped(items, labels, key):
    groups: dict[object, list] = {k: [] for k in labels}
    for item in items:
        groups[key(item)].append(item)
    return tuple((labels[k], tuple(group)) for k, group in groups.items() if group)


def _find(items, wanted: str, kind: str):
    """Look up by id for page adapters (docs/*.md name entries by id); unknown ids are page errors."""
    for item in items:
        if item.id == wanted:
            return item
    from ..errors import BuildError, did_you_mean

    hint = did_you_mean(wanted, [item.id for item in items])
    raise BuildError(f"页面引用的{kind} '{wanted}' 未定义。{hint}")


# The data file's key for each kind of entry, and the readers' name for it, in the handbook's order.
KIND_NAMES = MappingProxyType({
    key: cls.noun for key, cls in (
        ("sources", Source), ("documents", Document), ("roles", Role), ("duties", Duty), ("procedures", Procedure),
        ("checklists", Checklist), ("terms", Term), ("topics", Topic), ("courses", Course))
})


# A procedure's record form is the checklist '<procedure id>-record'.
RECORD_FORM_SUFFIX = "-record"


def procedure_form(procedure: Procedure) -> Checklist:
    """A form to record how a procedure was carried out: one row per step with who acts, the
    documents it produces and its time limit, as the data states them."""
    form = Checklist(
        f"{procedure.id}{RECORD_FORM_SUFFIX}", f"{procedure.name}：办理记录表",
        "逐步记录本程序的办理情况：每一步由谁承办、形成哪些文书、有什么时限，办完打勾并备注。"
        "本表由程序的步骤数据自动生成，内容与程序页相同。",
        citations=procedure.citations, roles=(procedure.lead,))
    items = tuple(
        ChecklistItem(step.id, step.number, _record_line(step), step.citations, procedure, step, None, form)
        for step in procedure.steps)
    object.__setattr__(form, "items", items)
    return form


def _record_line(step: Step) -> str:
    documents = "、".join(step.documents) or "来源未列明"
    limit = step.time_limit.text if step.time_limit else "来源未规定"
    condition = f"（{step.condition}）" if step.condition else ""
    return f"{step.title}{condition}。承办：{step.who}；形成文书：{documents}；时限：{limit}"
