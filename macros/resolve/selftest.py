"""Self-test questions generated from the data of a course: one generator for the course pack, its
answer key, the course page's self-test and the question banks (Moodle XML, .xlsx), so that all four
hold the same questions.

Nothing is invented: every answer is a field of the cited data, and every wrong option (distractor)
is another value of the same kind from the data (another role of the procedure, another time limit,
another item of a list of the same category, another term's definition), which the data does not
give for this question. A question whose answer the source leaves open is not asked: a step without
a named actor (来源未明确承办), actors the handbook infers (（编者推断）), a time limit or definition the
source does not state. Choices are deterministic (a CRC of the question and option), so that the
same data gives the same questions, options and order everywhere.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import MappingProxyType

from ..numbers import cjk_number
from . import model as m

# What sameness ignores: everything but letters and digits (spaces, punctuation, symbols).
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")

CHOICE, TRUE_FALSE = "choice", "truefalse"
KIND_LABELS = MappingProxyType({CHOICE: "单选题", TRUE_FALSE: "判断题"})
LETTERS = "ABCD"
TRUE_FALSE_OPTIONS = ("正确", "错误")
# A course needs at least this many questions for a self-test worth taking (tests hold every course to it).
MIN_QUESTIONS = 10
# Where the build writes each course's question banks inside the site (the course page links them).
BANK_FOLDER = "download/questions"
BANK_SUFFIXES = (".xml", ".xlsx")
# What a source says when it leaves something open: such a value is never an answer.
OPEN = "来源未"
# Anything a question must not state as known: an open value, an actor the handbook infers.
INFERRED_OR_OPEN = re.compile(f"{OPEN}|{re.escape(m.INFERRED_LABEL)}")
# Topic categories whose items are the members of a named list (二十四字方针's six, the four 不…而不…),
# besides any topic whose source states how many items it has.
LIST_CATEGORIES = frozenset({"accountability", "standard", "principle", "relationship", "mode"})


@dataclass(frozen=True)
class Question:
    number: int
    key: str  # what is asked, stable across editions while the data stays (Moodle's idnumber)
    kind: str  # CHOICE or TRUE_FALSE
    text: str
    options: tuple[str, ...]  # for TRUE_FALSE: TRUE_FALSE_OPTIONS
    correct: int  # index into options
    about: object  # the step, topic or term the answer rests on (its link on the site)
    fact: str  # what the data says there, whole, shown with the answer ('' when the answer says it all)
    citations: tuple[m.Citation, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def answer(self) -> str:
        return self.options[self.correct]

    @property
    def letter(self) -> str:
        """The answer's letter (A for 正确 in a true/false question), as the answer keys and the
        question banks write it."""
        return LETTERS[self.correct]

    @property
    def lettered(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(LETTERS, self.options, strict=False)) if self.kind == CHOICE else ()

    @property
    def basis(self) -> str:
        return "；".join(f"{c.source.id} {c.section.id}" for c in self.citations)

    @property
    def about_label(self) -> str:
        return about_label(self.about)

    @property
    def proposals(self) -> tuple[m.Source, ...]:
        """The cited sources whose content is a proposal, not a rule in force: a reader is told so."""
        return tuple(s for s in m.cited_sources(self.citations) if s.standing == "proposal")

    @property
    def explanation(self) -> str:
        """The explanation in one plain line, for the question banks (the pages draw the same parts in
        HTML). The right answer by its text, not its letter: a learning platform may shuffle options."""
        cited = "；".join(f"{c.source.id} {c.section.id}（{c.section.heading}）" for c in self.citations)
        parts = [f"正确答案：{self.answer}", self.fact, f"见：{self.about_label}", f"出处：{cited}"]
        parts = [part for part in parts if part]
        parts += [f"依据：{source.standing_brief}" for source in self.proposals]
        return "。".join(part.rstrip("。") for part in parts) + "。"


def about_label(entry: m.Step | m.Topic | m.Term) -> str:
    """The entry an answer rests on, in words: a step with its procedure, 要点“…”, 术语“…”."""
    if isinstance(entry, m.Step):
        return step_label(entry)
    return f"{entry.noun}{m.quoted(entry.term if isinstance(entry, m.Term) else entry.name)}"


def step_label(step: m.Step) -> str:
    return f"{m.quoted(step.procedure.name)}第{cjk_number(step.number)}步{m.quoted(step.title)}"


def bank_path(course: m.Course, suffix: str) -> str:
    """A course's question bank inside the site: download/questions/<course>.xml or .xlsx."""
    return f"{BANK_FOLDER}/{course.id}{suffix}"


# -- the generator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    key: str
    kind: str
    text: str
    answer: str
    distractors: tuple[str, ...]  # for TRUE_FALSE: () (true statement) or one (its answer is 错误)
    about: object
    fact: str
    citations: tuple[m.Citation, ...]


def self_test(course: m.Course, handbook: m.Handbook, same: Sameness | None = None) -> list[Question]:
    """The course's questions, in the order of its content: each procedure's steps, then its topics,
    then its terms. Other entries of the handbook may supply distractors where the course's own are too few.
    `same` carries the texts already compared from one course to the next."""
    same = Sameness() if same is None else same
    drafts = [*_step_questions(course, handbook, same), *_topic_questions(course, handbook, same),
              *_term_questions(course, handbook, same)]
    drafts = [draft for draft in drafts if not INFERRED_OR_OPEN.search(draft.text + draft.answer)]
    return [_finished(number, draft) for number, draft in enumerate(drafts, start=1)]


def thin_courses(handbook: m.Handbook) -> list[str]:
    """A line for each course whose content gives fewer than MIN_QUESTIONS questions (make check's
    data quality hints): the remedy is more content with stated answers, never hand-made questions."""
    lines = []
    same = Sameness()
    for course in handbook.courses:
        count = len(self_test(course, handbook, same))
        if count < MIN_QUESTIONS:
            lines.append(f"课程“{course.name}”（{course.id}）只能生成 {count} 道自测题，少于 {MIN_QUESTIONS} 道："
                         "可多选写明了承办角色或时限的程序、来源列全了成员的要点、有释义的术语")
    return lines


def _finished(number: int, draft: _Draft) -> Question:
    if draft.kind == TRUE_FALSE:
        return Question(number, draft.key, TRUE_FALSE, draft.text, TRUE_FALSE_OPTIONS, 1 if draft.distractors else 0,
                        draft.about, draft.fact, draft.citations)
    options = tuple(sorted((draft.answer, *draft.distractors), key=lambda option: _rank(draft.key, option)))
    return Question(number, draft.key, CHOICE, draft.text, options, options.index(draft.answer), draft.about,
                    draft.fact, draft.citations)


def _rank(key: str, text: str) -> int:
    """A fixed pseudo-random order (not Python's hash, which changes between runs)."""
    return zlib.crc32(f"{key}\n{text}".encode())


def normalised(text: str) -> str:
    """Text as compared for sameness: NFKC (full and half width alike), without spaces, punctuation
    or symbols, case-folded. Two options the same after this are the same option."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).casefold())


class Sameness(dict):
    """Texts as compared for sameness (`normalised`), each worked out once: every question compares
    its candidates with the same roles, lists and definitions of the handbook."""

    def __missing__(self, text: str) -> str:
        self[text] = key = normalised(text)
        return key


def _pick(key: str, tiers: Iterable[Iterable[tuple[str, str]]], taken: set[str], count: int = 3,
          usable: Callable[[str], bool] = bool) -> tuple[str, ...]:
    """Up to `count` options from (text, sameness key) candidates, the first tier first, each tier in
    the question's fixed order; none the same as another or as anything in `taken` (the answer), and
    each `usable` (asked only of the candidates reached: a test against the answer costs more than
    putting every candidate in order)."""
    picked: list[str] = []
    taken = set(taken)
    for tier in tiers:
        for text, same in sorted(tier, key=lambda candidate: _rank(key, candidate[0])):
            if len(picked) == count:
                return tuple(picked)
            if same not in taken and not INFERRED_OR_OPEN.search(text) and usable(text):
                taken.add(same)
                picked.append(text)
    return tuple(picked)


def _truth(key: str) -> bool:
    """Whether a true/false question states the fact (or its false counterpart): fixed per question."""
    return _rank(key, "truth") % 2 == 0


# -- steps: who acts, who approves, what time limit ------------------------------------------------


def _related(roles: Iterable[m.Role]) -> set[str]:
    """The roles themselves, their parents and the bodies under them: a distractor from this family
    (单独派驻纪检组 for 派驻纪检组, 分管领导 for 委厅领导) could be read as right."""
    related: set[str] = set()

    def below(role: m.Role) -> Iterator[m.Role]:
        for child in role.children:
            yield child
            yield from below(child)

    for role in roles:
        related.add(role.id)
        parent = role.parent
        while parent is not None:
            related.add(parent.id)
            parent = parent.parent
        related.update(child.id for child in below(role))
    return related


def _role_tiers(step: m.Step, course: m.Course, same: Sameness) -> list[list[tuple[str, str]]]:
    """Other roles of the step's procedure, then the course's roles and those of its procedures."""
    related = _related((*step.roles, *step.approved_by))
    names = {same[name] for role in (*step.roles, *step.approved_by) for name in role.names}

    def usable(roles: Iterable[m.Role]) -> list[tuple[str, str]]:
        return [(role.name, same[role.name]) for role in roles
                if role.id not in related and not names & {same[n] for n in role.names}]

    others = [*course.roles, *(role for procedure in course.procedures for role in procedure.roles)]
    return [usable(step.procedure.roles), usable(others)]


def _step_questions(course: m.Course, handbook: m.Handbook, same: Sameness) -> Iterator[_Draft]:
    limits = _all_time_limits(course, handbook)
    for procedure in course.procedures:
        asked_actors = _steps_to_ask_who(procedure)
        for step in procedure.steps:
            if step in asked_actors:
                yield from _actor_question(step, course, same)
            if step.approved_by:
                yield from _approval_question(step, course, same)
            if step.time_limit and OPEN not in step.time_limit.text:
                yield from _time_limit_question(step, limits, same)


def _steps_to_ask_who(procedure: m.Procedure) -> list[m.Step]:
    """The steps whose actors the source names (not inferred). When one and the same set of roles does
    every such step, once is enough: nine questions with one answer teach nothing."""
    named = [step for step in procedure.steps if step.roles and not step.roles_inferred]
    if len({tuple(role.id for role in step.roles) for step in named}) == 1:
        return named[:1]
    return named


def _actor_question(step: m.Step, course: m.Course, same: Sameness) -> Iterator[_Draft]:
    key = f"{step.procedure.id}/{step.id}/who"
    label = step_label(step)
    lead = step.lead.name
    distractors = _pick(key, _role_tiers(step, course, same), {same[r.name] for r in step.roles})
    fact = f"承办：{step.who}"
    several = len(step.roles) > 1
    if len(distractors) >= 2:
        text = f"下列哪一个角色参与承办{label}？" if several else f"{label}由谁承办？"
        yield _Draft(key, CHOICE, text, lead, distractors, step, fact, step.citations)
    elif distractors:
        true = _truth(key)
        role = lead if true else distractors[0]
        text = f"{role}参与承办{label}。" if several else f"{label}由{role}承办。"
        yield _Draft(key, TRUE_FALSE, text, "", () if true else distractors[:1], step, fact, step.citations)


def _approval_question(step: m.Step, course: m.Course, same: Sameness) -> Iterator[_Draft]:
    """A true/false question: the step is approved by a role the data names, or by another role of
    the procedure that plays no part in it (the step's actors are left out: they may well review it)."""
    key = f"{step.procedure.id}/{step.id}/approval"
    taken = {same[r.name] for r in (*step.roles, *step.approved_by)}
    others = _pick(key, _role_tiers(step, course, same)[:1], taken, count=1)
    true = _truth(key) or not others
    approver = sorted(step.approved_by, key=lambda role: _rank(key, role.name))[0].name
    role = approver if true else others[0]
    fact = f"审批：{'、'.join(r.name for r in step.approved_by)}"
    yield _Draft(key, TRUE_FALSE, f"{step_label(step)}须报{role}审批。", "", () if true else others, step, fact,
                 step.citations)


def _limit_key(limit: m.TimeLimit, same: Sameness) -> str:
    """Two limits are the same when their numbers are ('每月' and '每月一次': every 1 个月), else by text."""
    if limit.computable:
        return f"{limit.kind}:{limit.amount}:{limit.unit}"
    return same[limit.limit]


def _all_time_limits(course: m.Course, handbook: m.Handbook) -> list[m.TimeLimit]:
    """The limits of the course's procedures, then those of the whole handbook (steps, procedures'
    and duties' frequencies), none the source leaves open."""
    found: list[m.TimeLimit] = []
    procedures = [*course.procedures, *handbook.procedures]
    for procedure in procedures:
        found += [step.time_limit for step in procedure.steps if step.time_limit]
        if procedure.frequency:
            found.append(procedure.frequency)
    found += [duty.frequency for duty in handbook.duties if duty.frequency]
    return [limit for limit in found if OPEN not in limit.limit]


def _time_limit_question(step: m.Step, limits: list[m.TimeLimit], same: Sameness) -> Iterator[_Draft]:
    """Distractors: other limits of the same kind (within a time, or every so often) first, those
    with numbers before those in words, then limits of the other kind."""
    limit = step.time_limit
    key = f"{step.procedure.id}/{step.id}/limit"
    periodic = limit.kind != "within"

    def tier(same_kind: bool, numbered: bool) -> list[tuple[str, str]]:
        return [(other.limit, _limit_key(other, same)) for other in limits
                if (other.kind != "within") == (periodic == same_kind) and other.computable == numbered]

    tiers = [tier(True, True), tier(True, False), tier(False, True), tier(False, False)]
    distractors = _pick(key, tiers, {_limit_key(limit, same), same[limit.limit]})
    if len(distractors) < 2:
        return
    start = f"自{limit.counts_from}起算，" if limit.counts_from else ""
    yield _Draft(key, CHOICE, f"{start}{step_label(step)}的时限是？", limit.limit, distractors, step,
                 f"时限：{limit.text}", step.citations)


# -- topics: the members of a named list -----------------------------------------------------------


def _listed(topic: m.Topic) -> bool:
    """A topic whose items are the members of a list the source names and gives whole."""
    return (bool(topic.items) and not topic.source_gap
            and (topic.stated_count is not None or topic.category in LIST_CATEGORIES))


def _alike(text: str, members: set[str], same: Sameness) -> bool:
    """Whether a candidate is, or holds, or is held in a member of the list (通报 and 通报批评)."""
    key = same[text]
    return any(key in member or member in key for member in members)


def _topic_questions(course: m.Course, handbook: m.Handbook, same: Sameness) -> Iterator[_Draft]:
    lists = [topic for topic in (*course.topics, *handbook.topics) if _listed(topic)]
    for topic in course.topics:
        if _listed(topic):
            yield from _member_questions(topic, course, lists, same)


def _member_questions(topic: m.Topic, course: m.Course, lists: list[m.Topic], same: Sameness) -> Iterator[_Draft]:
    """Which option is a member of the list (choice), and whether one is (true/false)."""
    members = {same[item.name] for item in topic.items}
    in_course_ids = {other.id for other in course.topics}

    def tier(same_category: bool, in_course: bool) -> list[tuple[str, str]]:
        return [(item.name, same[item.name]) for other in lists if other is not topic
                and (other.category == topic.category) == same_category and (other.id in in_course_ids) == in_course
                for item in other.items]

    def unlike(text: str) -> bool:
        return not _alike(text, members, same)

    key = f"topic/{topic.id}"
    # Lists of the same category first (the course's own before the rest), then any other list.
    tiers = [tier(True, True), tier(True, False), tier(False, True), tier(False, False)]
    items = sorted((item.name for item in topic.items), key=lambda name: _rank(key, name))
    name = m.quoted(topic.name)
    fact = f"来源列出的{name}：{'；'.join(item.name for item in topic.items)}"
    distractors = _pick(key, tiers, members, usable=unlike)
    if len(distractors) >= 2:
        yield _Draft(key, CHOICE, f"下列哪一项是来源列出的{name}之一？", items[0], distractors, topic, fact,
                     topic.citations)
    key = f"topic/{topic.id}/member"
    false = _pick(key, tiers, members, count=1, usable=unlike)
    true = _truth(key) or not false
    member = items[1 % len(items)] if true else false[0]
    yield _Draft(key, TRUE_FALSE, f"来源列出的{name}包括{m.quoted(member)}。", "", () if true else false, topic,
                 fact, topic.citations)


# -- terms: what a term means ------------------------------------------------------------------------


def _defined(term: m.Term) -> bool:
    return not term.definition.startswith(OPEN)


def _term_questions(course: m.Course, handbook: m.Handbook, same: Sameness) -> Iterator[_Draft]:
    def names(definition: str, term: m.Term) -> bool:
        """Whether a definition names `term` (by any of its names)."""
        return any(same[name] in same[definition] for name in term.names)

    # A definition naming its own term gives itself away, as an option or as the question.
    plain = [[other for other in terms if _defined(other) and not names(other.definition, other)]
             for terms in (course.terms, handbook.terms)]
    for term in course.terms:
        if not _defined(term) or names(term.definition, term):
            continue
        key = f"term/{term.id}"
        tiers = [[(other.definition, same[other.definition]) for other in terms if other is not term] for terms in plain]
        distractors = _pick(key, tiers, {same[term.definition]},
                            usable=lambda definition, term=term: not names(definition, term))
        if len(distractors) >= 2:
            yield _Draft(key, CHOICE, f"下列哪一项是对{m.quoted(term.term)}的解释？", term.definition, distractors,
                         term, "", term.citations)  # the answer is the definition itself: nothing to add
