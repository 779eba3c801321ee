"""Compare two editions of the data: what was added, removed and changed, in the readers' words.

Ids are the identity: an entry whose name changed is a change of its name, never a removal plus an
addition. Steps are matched by id within their procedure, checklist items within their checklist,
sections within their source; topic items have no ids and are matched by name, then by position.

References are compared by the ids they point to and shown by the names they point to, so renaming a
role is reported once, on the role, and not again on every step it carries out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import model as m

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# A regional edition keeps a base entry it does not apply, marked, with the reason in `new`
# (resolve/overlay.py): never a removal, since the entry stays in the handbook.
NOT_APPLICABLE = "not-applicable"

# Labels of long items (checklist items are sentences) are cut to this many characters.
LABEL_LIMIT = 20


@dataclass(frozen=True)
class Change:
    """One difference between two editions, in one entry of the handbook.

    `part` names the step, item or section the change is in ('步骤“审理”'), or is None when it
    concerns the entry itself; `field` is the label of the changed field, or None when the entry
    (or part) as a whole was added or removed.
    """

    kind: str
    entry_id: str
    entry_name: str
    what: str
    field: str | None = None
    old: str = ""
    new: str = ""
    part: str | None = None
    part_id: str | None = None

    @property
    def entry_key(self) -> tuple[str, str]:
        """(kind, id): ids are unique within a kind only. Pages find theirs as (entry.noun, entry.id)."""
        return (self.kind, self.entry_id)

    @property
    def text(self) -> str:
        """The change as one Chinese sentence; changes inside an entry are said relative to it."""
        if self.what == NOT_APPLICABLE:
            return f"本地不适用：{self.new}"
        verb = "新增" if self.what == ADDED else "删除"
        if self.field is None:
            return f"{verb}{self.part}" if self.part else f"{verb}{self.kind}{m.quoted(self.entry_name)}（{self.entry_id}）"
        subject = self.part or ""
        if not self.old:
            return f"{subject}增加{self.field}{m.quoted(self.new)}"
        if not self.new:
            return f"{subject}删去{self.field}{m.quoted(self.old)}"
        return f"{subject}{'的' if subject else ''}{self.field}由{m.quoted(self.old)}改为{m.quoted(self.new)}"


# A field as readers see it: what is compared (ids for references) and the text shown.
Value = tuple[object, str]
Field = tuple[str, Callable[[Any], Value]]


def _plain(value: str | int | None) -> Value:
    text = "" if value is None else str(value)
    return text, text


def _listed(values: Sequence[str]) -> Value:
    return tuple(values), "、".join(values)


def _name(entry: Any) -> str:
    """An entry's name as its page heads it (duties and steps have titles, terms their term)."""
    for attribute in ("name", "term", "title"):
        if getattr(entry, attribute, None):
            return getattr(entry, attribute)
    return entry.id


def _named(entries: Sequence[Any]) -> Value:
    """References: compared by id, shown by name."""
    present = [entry for entry in entries if entry is not None]
    return tuple(entry.id for entry in present), "、".join(_name(entry) for entry in present)


def _cited(citations: Sequence[m.Citation]) -> Value:
    keys = tuple((c.source.id, c.section.id) for c in citations)
    return keys, "、".join(f"{source} {section}" for source, section in keys)


def _own_cited(citations: Sequence[m.Citation], owner_citations: Sequence[m.Citation]) -> Value:
    """A step's or item's citations, compared only where they differ from its owner's: a step
    without citations of its own shows its procedure's, whose change is reported once, on the
    procedure."""
    key, text = _cited(citations)
    return (None if key == _cited(owner_citations)[0] else key), text


def _time_limit(limit: m.TimeLimit | None) -> Value:
    return _plain(limit.text if limit else None)


def _flag(flag: bool) -> Value:
    return flag, "有" if flag else "无"


def _following(step: m.Step) -> Value:
    """Where the flow goes, as written: explicit next steps, the end, or '' (on to the next step)."""
    if step.end:
        return "end", "流程在此结束"
    key = tuple((t.step.id, t.when) for t in step.next)
    return key, "；".join(t.step.title + (f"（{t.when}）" if t.when else "") for t in step.next)


def _item_target(item: m.ChecklistItem) -> Value:
    if item.procedure is None:
        return _plain(None)
    key = (item.procedure.id, item.step.id if item.step else None)
    return key, item.procedure.name + (f"：{item.step.title}" if item.step else "")


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT] + "…"


def _match_by_key(old_keys: Sequence[str], new_keys: Sequence[str]) -> dict[int, int]:
    """New position → old position of the part with the same key. Each old part is matched once:
    topic item names, unlike ids, may repeat."""
    old_positions: dict[str, list[int]] = {}
    for index, key in enumerate(old_keys):
        old_positions.setdefault(key, []).append(index)
    return {index: old_positions[key].pop(0) for index, key in enumerate(new_keys) if old_positions.get(key)}


def _match_by_name_then_position(old_names: Sequence[str], new_names: Sequence[str]) -> dict[int, int]:
    """Topic items have no ids: the same name is the same item; an item left over in the same
    position as a left-over old item is that item renamed."""
    pairs = _match_by_key(old_names, new_names)
    unmatched_old = set(range(len(old_names))) - set(pairs.values())
    for index in range(len(new_names)):
        if index not in pairs and index in unmatched_old:
            pairs[index] = index
    return pairs


@dataclass(frozen=True)
class _Parts:
    """The parts an entry is made of (steps, items, sections), each compared field by field."""

    noun: str
    of: Callable[[Any], Sequence[Any]]
    key: Callable[[Any], str]
    label: Callable[[Any], str]
    fields: tuple[Field, ...]
    match: Callable[[Sequence[str], Sequence[str]], dict[int, int]] = _match_by_key

    def named(self, part: Any) -> str:
        return f"{self.noun}{m.quoted(_short(self.label(part)))}"


@dataclass(frozen=True)
class _Kind:
    noun: str
    entries: Callable[[m.Handbook], Sequence[Any]]
    fields: tuple[Field, ...]
    parts: _Parts | None = None


STEP_FIELDS: tuple[Field, ...] = (
    ("名称", lambda s: _plain(s.title)),
    ("承办", lambda s: _named(s.roles) if s.roles else ((), m.UNASSIGNED_LABEL)),
    ("审批", lambda s: _named(s.approved_by)),
    ("适用情形", lambda s: _plain(s.condition)),
    ("工作内容", lambda s: _plain(s.action)),
    ("形成文书", lambda s: _listed(s.documents)),
    ("时限", lambda s: _time_limit(s.time_limit)),
    ("后续", _following),
    ("注", lambda s: _listed(s.notes)),
    ("出处", lambda s: _own_cited(s.citations, s.procedure.citations)),
)

CHECKLIST_ITEM_FIELDS: tuple[Field, ...] = (
    ("内容", lambda i: _plain(i.text)),
    ("对应程序", _item_target),
    ("对应职责", lambda i: _named([i.duty])),
    ("出处", lambda i: _own_cited(i.citations, i.checklist.citations)),
)

TOPIC_ITEM_FIELDS: tuple[Field, ...] = (
    ("名称", lambda i: _plain(i.name)),
    ("说明", lambda i: _plain(i.detail)),
)

SECTION_FIELDS: tuple[Field, ...] = (
    ("标题", lambda s: _plain(s.heading)),
    ("不收录理由", lambda s: _plain(s.excluded)),
)

# The documents an entry rests on (文件目录), a field of every kind that may name them.
DOCUMENTS_FIELD: Field = ("相关文件", lambda e: _named(e.documents))

# The kinds of entry in the order the report lists them, each with the fields readers see.
KINDS: tuple[_Kind, ...] = (
    _Kind(m.Role.noun, lambda h: h.roles, (
        ("名称", lambda r: _plain(r.name)),
        ("类别", lambda r: _plain(r.kind_label)),
        ("上级", lambda r: _named([r.parent])),
        ("简介", lambda r: _plain(r.summary)),
        ("别名", lambda r: _listed(r.aliases)),
        ("出处", lambda r: _cited(r.citations)),
    )),
    _Kind(m.Duty.noun, lambda h: h.duties, (
        ("名称", lambda d: _plain(d.title)),
        ("所属角色", lambda d: _named([d.role])),
        ("内容", lambda d: _plain(d.detail)),
        ("来源缺漏说明", lambda d: _plain(d.source_gap)),
        ("频次", lambda d: _time_limit(d.frequency)),
        DOCUMENTS_FIELD,
        ("出处", lambda d: _cited(d.citations)),
    )),
    _Kind(m.Procedure.noun, lambda h: h.procedures, (
        ("名称", lambda p: _plain(p.name)),
        ("简介", lambda p: _plain(p.summary)),
        ("工作体系", lambda p: _plain(p.system and m.PROCEDURE_SYSTEM_LABELS[p.system])),
        ("牵头", lambda p: _named([p.lead])),
        ("启动条件", lambda p: _plain(p.trigger)),
        ("频次", lambda p: _time_limit(p.frequency)),
        ("配套清单", lambda p: _named(p.checklists)),
        DOCUMENTS_FIELD,
        ("注", lambda p: _listed(p.notes)),
        ("出处", lambda p: _cited(p.citations)),
    ), _Parts("步骤", lambda p: p.steps, lambda s: s.id, lambda s: s.title, STEP_FIELDS)),
    _Kind(m.Checklist.noun, lambda h: h.checklists, (
        ("名称", lambda c: _plain(c.name)),
        ("用途", lambda c: _plain(c.purpose)),
        ("使用角色", lambda c: _named(c.roles)),
        ("来源所称项数", lambda c: _plain(c.stated_count)),
        ("来源缺漏说明", lambda c: _plain(c.source_gap)),
        ("得分栏", lambda c: _flag(c.score)),
        DOCUMENTS_FIELD,
        ("出处", lambda c: _cited(c.citations)),
    ), _Parts("条目", lambda c: c.items, lambda i: i.id, lambda i: i.text, CHECKLIST_ITEM_FIELDS)),
    _Kind(m.Term.noun, lambda h: h.terms, (
        ("名称", lambda t: _plain(t.term)),
        ("释义", lambda t: _plain(t.definition)),
        ("别名", lambda t: _listed(t.aliases)),
        ("编者注", lambda t: _plain(t.editorial_note)),
        ("相关术语", lambda t: _named(t.related)),
        DOCUMENTS_FIELD,
        ("出处", lambda t: _cited(t.citations)),
    )),
    _Kind(m.Topic.noun, lambda h: h.topics, (
        ("名称", lambda t: _plain(t.name)),
        ("类别", lambda t: _plain(t.category_label)),
        ("别名", lambda t: _listed(t.aliases)),
        ("简介", lambda t: _plain(t.summary)),
        ("时间", lambda t: _plain(t.date)),
        ("地点", lambda t: _plain(t.place)),
        ("来源所称项数", lambda t: _plain(t.stated_count)),
        ("来源缺漏说明", lambda t: _plain(t.source_gap)),
        ("相关角色", lambda t: _named(t.roles)),
        ("相关程序", lambda t: _named(t.procedures)),
        DOCUMENTS_FIELD,
        ("出处", lambda t: _cited(t.citations)),
    ), _Parts("条目", lambda t: t.items, lambda i: i.name, lambda i: i.name, TOPIC_ITEM_FIELDS,
              _match_by_name_then_position)),
    _Kind(m.Course.noun, lambda h: h.courses, (
        ("名称", lambda c: _plain(c.name)),
        ("对象", lambda c: _plain(c.audience)),
        ("学习目标", lambda c: _listed(c.objectives)),
        ("所选角色", lambda c: _named(c.roles)),
        ("所选程序", lambda c: _named(c.procedures)),
        ("所选清单", lambda c: _named(c.checklists)),
        ("所选术语", lambda c: _named(c.terms)),
        ("所选要点", lambda c: _named(c.topics)),
        ("讨论题", lambda c: _listed(c.questions)),
        ("出处", lambda c: _cited(c.citations)),
    )),
    _Kind(m.Document.noun, lambda h: h.documents, (
        ("名称", lambda d: _plain(d.title)),
        ("制发", lambda d: _plain(d.issuer)),
        ("时间", lambda d: _plain(d.date)),
        ("内容", lambda d: _plain(d.governs)),
        ("编者注", lambda d: _plain(d.editorial_note)),
        ("出处", lambda d: _cited(d.citations)),
    )),
    _Kind(m.Source.noun, lambda h: h.sources, (
        ("标题", lambda s: _plain(s.title)),
        ("文件", lambda s: _plain(s.file)),
        ("类型", lambda s: _plain(s.kind)),
        ("发布单位", lambda s: _plain(s.origin)),
        ("时间", lambda s: _plain(s.date)),
        ("地方", lambda s: _plain(s.place)),
        ("性质", lambda s: _plain(s.standing_label)),
    ), _Parts("章节", lambda s: s.sections, lambda s: s.id, lambda s: s.id, SECTION_FIELDS)),
)


def entries_by_key(handbook: m.Handbook) -> dict[tuple[str, str], Any]:
    """Every entry the report covers, under the key its changes carry (Change.entry_key)."""
    return {(kind.noun, entry.id): entry for kind in KINDS for entry in kind.entries(handbook)}


def diff_handbooks(old: m.Handbook, new: m.Handbook) -> list[Change]:
    """Every difference from old to new: by kind in the order of KINDS, then in the new edition's
    order of entries, with the removed ones after in the old edition's order."""
    changes: list[Change] = []
    upkeep = _upkeep_fields(old, new)
    for kind in KINDS:
        changes += _diff_kind(kind, kind.entries(old), kind.entries(new), upkeep)
    return changes


def _upkeep_fields(old: m.Handbook, new: m.Handbook) -> tuple[Field, ...]:
    """Who keeps an entry up to date and by when it is to be checked again. They are the handbook's
    (handbook.reviews), not the entry's, so each entry is looked up in the edition it belongs to."""

    def of(entry: Any, attribute: str) -> Any:
        review = old.review_of(entry) or new.review_of(entry)
        return getattr(review, attribute) if review else None

    return (
        ("维护角色", lambda e: _named([of(e, "owner")])),
        ("复核期限", lambda e: _plain(of(e, "review_by"))),
    )


def _diff_kind(kind: _Kind, old_entries: Sequence[Any], new_entries: Sequence[Any],
               upkeep: tuple[Field, ...]) -> list[Change]:
    old_by_id = {entry.id: entry for entry in old_entries}
    new_ids = {entry.id for entry in new_entries}
    changes: list[Change] = []
    for entry in new_entries:
        before = old_by_id.get(entry.id)
        if before is None:
            changes.append(Change(kind.noun, entry.id, _name(entry), ADDED))
        else:
            changes += _diff_entry(kind, before, entry, upkeep)
    changes += [Change(kind.noun, entry.id, _name(entry), REMOVED) for entry in old_entries if entry.id not in new_ids]
    return changes


def _diff_entry(kind: _Kind, old: Any, new: Any, upkeep: tuple[Field, ...]) -> list[Change]:
    change = partial(Change, kind.noun, new.id, _name(new))
    fields = kind.fields + upkeep
    changes = [change(CHANGED, label, before, after) for label, before, after in _field_changes(fields, old, new)]
    if kind.parts:
        changes += _diff_parts(kind.parts, old, new, change)
    return changes


def _field_changes(fields: Sequence[Field], old: Any, new: Any) -> list[tuple[str, str, str]]:
    """(label, old text, new text) of each field whose value changed. Both must differ: what is
    compared (a reference's id) and what readers see (its name)."""
    found = []
    for label, value in fields:
        (old_key, old_text), (new_key, new_text) = value(old), value(new)
        if old_key != new_key and old_text != new_text:
            found.append((label, old_text, new_text))
    return found


def _diff_parts(parts: _Parts, old: Any, new: Any, change: Callable[..., Change]) -> list[Change]:
    old_parts, new_parts = parts.of(old), parts.of(new)
    pairs = parts.match([parts.key(p) for p in old_parts], [parts.key(p) for p in new_parts])
    changes = _order_change(parts, old_parts, new_parts, pairs, change)
    for index, part in enumerate(new_parts):
        where = {"part": parts.named(part), "part_id": parts.key(part)}
        if index not in pairs:
            changes.append(change(ADDED, **where))
            continue
        for label, before, after in _field_changes(parts.fields, old_parts[pairs[index]], part):
            changes.append(change(CHANGED, label, before, after, **where))
    kept = set(pairs.values())
    changes += [change(REMOVED, part=parts.named(part), part_id=parts.key(part))
                for index, part in enumerate(old_parts) if index not in kept]
    return changes


def _order_change(parts: _Parts, old_parts: Sequence[Any], new_parts: Sequence[Any], pairs: dict[int, int],
                  change: Callable[..., Change]) -> list[Change]:
    """The parts' order, reported only when parts present in both editions changed places: an added
    or removed part is already reported on its own."""
    old_positions = [pairs[index] for index in sorted(pairs)]
    if old_positions == sorted(old_positions):
        return []
    order = ["、".join(_short(parts.label(p)) for p in side) for side in (old_parts, new_parts)]
    return [change(CHANGED, f"{parts.noun}顺序", *order)]


def changes_by_entry(changes: Sequence[Change]) -> dict[tuple[str, str], list[Change]]:
    """The changes of each entry, keyed by (kind, id) — (entry.noun, entry.id) — in report order."""
    grouped: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.entry_key, []).append(change)
    return grouped


def format_changes(changes: Sequence[Change]) -> str:
    """The report for the terminal: by kind, then by entry, one change a line; '无变化' when none."""
    if not changes:
        return "无变化"
    lines: list[str] = []
    kind = None
    for (entry_kind, _), entry_changes in changes_by_entry(changes).items():
        if entry_kind != kind:
            kind = entry_kind
            lines.append(kind)
        first = entry_changes[0]
        if first.what == NOT_APPLICABLE:
            lines.append(f"  {first.kind}{m.quoted(first.entry_name)}（{first.entry_id}）{first.text}")
            continue
        if first.part is None and first.field is None:
            lines.append(f"  {first.text}")
            continue
        lines.append(f"  修改{first.kind}{m.quoted(first.entry_name)}（{first.entry_id}）：")
        lines += [f"    {change.text}" for change in entry_changes]
    lines.append(_summary(changes))
    return "\n".join(lines)


def _summary(changes: Sequence[Change]) -> str:
    counts = change_counts(changes)
    summary = f"合计：新增 {counts[ADDED]} 个条目，删除 {counts[REMOVED]} 个，修改 {counts[CHANGED]} 个"
    return summary + (f"，本地不适用 {counts[NOT_APPLICABLE]} 个。" if counts[NOT_APPLICABLE] else "。")


def change_counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many entries were added, removed, changed (or marked not applicable), each counted once."""
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0, NOT_APPLICABLE: 0}
    for entry_changes in changes_by_entry(changes).values():
        first = entry_changes[0]
        whole = first.part is None and first.field is None
        counts[first.what if whole else CHANGED] += 1
    return counts


EDITION_CHANGES_TITLE = "本版修订说明"
