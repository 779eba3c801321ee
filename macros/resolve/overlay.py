"""Regional editions: a base handbook with an overlay folder applied, and what differs from the base.

An overlay folder has the layout of data/ (any subset of it) and a manifest, overlay.yaml. In its
lists an entry with a new id adds itself (本地补充); an entry with a base id and `change:` changes the
fields it names (本地修改); an entry with a base id and `not_applicable:` keeps the base entry, marked
本地不适用 with the reason. Whatever the overlay writes cites at least one of its own sources.

The overlay is applied to the values read from the files, before validation: the result is a list
of files like a data folder's, which the base's own checks validate and resolve, so overlay data
follows the rules of base data and says its problems in the same words. An entry the overlay changes
becomes one merged entry whose positions point into the overlay file, and it keeps its place among
the base's entries (the base file is cut into pieces around it), so every problem names the overlay's
line and the handbook's order stays the base's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from ..errors import DataError, Problem, did_you_mean
from ..load import LoadedFile, Location, NodePath, load_bytes, load_folder
from ..records import Field
from ..validate.schema import Cites, Date, Id, Strict, Text
from ..validate.shape import check_model
from . import model as m
from . import resolve_files
from .diff import (
    ADDED,
    CHANGED,
    KINDS,
    NOT_APPLICABLE,
    Change,
    change_counts,
    changes_by_entry,
    diff_handbooks,
)

MANIFEST_FILE = "overlay.yaml"
MANIFEST_KEY = "overlay"
ADDED_LABEL, CHANGED_LABEL, NOT_APPLICABLE_LABEL = "本地补充", "本地修改", "本地不适用"
LOCAL_DIFFERENCES_TITLE = "本地差异"

# The parts of an entry a change merges by id (the others are replaced whole), and the fields a new
# part must have: a part with an id the base entry lacks and without them is a misspelt base part.
_PARTS = MappingProxyType({"procedures": ("steps", "步骤", ("title", "action")),
                           "checklists": ("items", "条目", ("text",))})


class Manifest(Strict):
    """overlay.yaml: which edition this is, and which edition of the base it was written for."""

    name: Text = Field(description="本地版的单位或地方，如 某某县纪委监委")
    edition: Text = Field(description="本地版的版次，如 某某县版 2027 年第 1 版")
    date: Date = Field(description="本地版的日期，写成带引号的 \"2027-01-15\"")
    base_edition: Text = Field(description="本地版依据的基础版版次，照基础版 data/handbook.yaml 的 edition 写")
    title: Text | None = Field(None, description="手册标题（不写则沿用基础版的标题）")
    subtitle: Text | None = Field(None, description="副标题（不写则沿用基础版的）")
    compiler: Text | None = Field(None, description="编写单位（不写则用 name）")


class Patch(Strict):
    """A base entry changed: the fields under `change` replace the base's (steps and checklist items
    are matched by id), on the authority of the overlay's own sources."""

    id: Id
    change: Annotated[dict[str, Any], Field(min_length=1, description="要改的字段及其本地的值")]
    reason: Text | None = Field(None, description="为什么本地与基础版不同（可不写）")
    cite: Cites


class Omission(Strict):
    """A base entry that does not apply locally: it stays listed, marked, with the reason."""

    id: Id
    not_applicable: Text = Field(description="本地不适用的理由")
    cite: Cites


@dataclass(frozen=True)
class LocalMark:
    """What an overlay did to one entry: its status (本地补充, 本地修改, 本地不适用), the overlay's
    citations for it, and the reason it gives (a change's reason, or why the entry does not apply)."""

    status: str
    citations: tuple[m.Citation, ...]
    reason: str | None = None

    @property
    def css(self) -> str:
        return {ADDED_LABEL: "added", CHANGED_LABEL: "changed", NOT_APPLICABLE_LABEL: "not-applicable"}[self.status]


@dataclass(frozen=True)
class LocalEdition:
    """An overlay applied to its base: whose edition it is, what it did to each entry (keyed by
    (entry.noun, entry.id), as Change.entry_key), and every difference from the base, field by field."""

    name: str
    folder: str
    base_edition: str
    marks: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    changes: tuple[Change, ...] = ()

    def mark_of(self, entry: object) -> LocalMark | None:
        return self.marks.get((getattr(entry, "noun", ""), getattr(entry, "id", "")))

    def summary(self) -> str:
        counts = change_counts(self.changes)
        return (f"本地补充 {counts[ADDED]} 个条目，本地修改 {counts[CHANGED]} 个，"
                f"本地不适用 {counts[NOT_APPLICABLE]} 个")


@dataclass
class _Written:
    """An entry of the overlay (a new one, a change or an omission) and where it was written."""

    kind: str
    index: int
    file: LoadedFile
    raw: dict

    @property
    def loc(self) -> NodePath:
        return (self.kind, self.index)

    def at(self, *more: str | int, key: bool = False) -> tuple[str, int, int]:
        line, column = self.file.where((*self.loc, *more), key=key)
        return self.file.path, line, column

    @property
    def noun(self) -> str:
        return m.KIND_NAMES[self.kind]


@dataclass
class _Overlay:
    """The overlay folder read: its manifest, what it adds, changes and marks, and its problems."""

    manifest: Manifest | None = None
    manifest_file: LoadedFile | None = None
    pieces: list[LoadedFile] = field(default_factory=list)  # its own new entries, by file
    added: list[_Written] = field(default_factory=list)
    patches: list[tuple[_Written, Patch]] = field(default_factory=list)
    omissions: list[tuple[_Written, Omission]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: tuple[str, int, int], message: str, hint: str = "") -> None:
        self.problems.append(Problem(*where, message, hint))


def load_local_edition(data_dir: Path, overlay_dir: Path) -> tuple[m.Handbook, LocalEdition]:
    """The handbook of the edition an overlay folder makes of the base data folder, and what it
    differs by; raise DataError listing every problem of either, located in the file that has it."""
    data_dir, overlay_dir = data_dir.absolute(), overlay_dir.absolute()
    display = data_dir.parent
    overlay_display = display if overlay_dir.is_relative_to(display) else overlay_dir.parent
    if not overlay_dir.is_dir():
        raise DataError([Problem(overlay_dir.relative_to(overlay_display).as_posix(), 1, 1,
                                 f"找不到本地版目录 {overlay_dir}。", "--overlay 写本地版目录的路径，如 overlays/example-county。")])
    base_files, base_load_problems = load_folder(data_dir, display)
    base, base_problems = resolve_files(base_files, base_load_problems, data_dir, display)
    overlay_files, overlay_load_problems = load_folder(overlay_dir, overlay_display)
    if base is None:  # the base is checked on its own: an overlay cannot be applied to broken data
        raise DataError([*base_problems, *overlay_load_problems])

    base_entries = _entries_of(base_files)
    overlay = _read_overlay(overlay_files, base_entries, overlay_dir, overlay_display)
    manifest_piece = _manifest_piece(overlay, base)
    merged_pieces: dict[tuple[str, str, int], LoadedFile] = {}
    for written, patch in overlay.patches:
        base_file, base_index = base_entries[written.kind][patch.id]
        piece = _merged_entry(written, patch, base_file.data[written.kind][base_index], overlay)
        merged_pieces[(base_file.path, written.kind, base_index)] = piece
    files = [*([manifest_piece] if manifest_piece else [])]
    for loaded in base_files:
        files += _cut_around(loaded, merged_pieces, drop_handbook=manifest_piece is not None)
    files += overlay.pieces
    handbook, problems = resolve_files(files, overlay_load_problems, data_dir, display)
    problems += overlay.problems
    problems += _local_citation_problems(overlay, files)
    if overlay.manifest is not None:
        problems += _base_edition_problems(overlay, base, data_dir)
    if handbook is None or problems:
        raise DataError(problems)
    return handbook, _local_edition(overlay, overlay_dir, base, handbook)


# -- reading the overlay ------------------------------------------------------------------


def _entries_of(files: list[LoadedFile]) -> dict[str, dict[str, tuple[LoadedFile, int]]]:
    """Every entry of a (valid) data folder: kind -> id -> (file, index in its list)."""
    found: dict[str, dict[str, tuple[LoadedFile, int]]] = {kind: {} for kind in m.KIND_NAMES}
    for loaded in files:
        for kind in m.KIND_NAMES:
            for index, raw in enumerate(_list_at(loaded.data, kind)):
                if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    found[kind].setdefault(raw["id"], (loaded, index))
    return found


def _list_at(data: object, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _read_overlay(files: list[LoadedFile], base_entries: dict, overlay_dir: Path, display: Path) -> _Overlay:
    overlay = _Overlay()
    for loaded in files:
        if not isinstance(loaded.data, dict):
            overlay.pieces.append(loaded)  # the shape check says what is wrong with it
            continue
        kept: dict[str, Any] = {}
        kept_indices: dict[str, list[int]] = {}
        for key, value in loaded.data.items():
            if key == MANIFEST_KEY:
                _read_manifest(overlay, loaded, value)
            elif key == "handbook":
                line, column = loaded.where(("handbook",), key=True)
                overlay.problem((loaded.path, line, column), "本地版不写 handbook:。",
                                f"本地版的名称、版次和日期写在 {MANIFEST_FILE} 的 {MANIFEST_KEY}: 下。")
            elif key in m.KIND_NAMES and isinstance(value, list):
                indices = _read_entries(overlay, loaded, key, value, base_entries[key])
                kept[key] = [value[index] for index in indices]
                kept_indices[key] = indices
            else:
                kept[key] = value  # unknown keys and calendars: checked as in any data file
        if kept:
            overlay.pieces.append(loaded.piece(kept, kept_indices))
    if overlay.manifest_file is None and overlay.manifest is None:
        shown = (overlay_dir / MANIFEST_FILE).relative_to(display).as_posix()
        overlay.problem((shown, 1, 1), "缺少本地版说明。",
                        f"新建 {MANIFEST_FILE}，在 {MANIFEST_KEY}: 下写明 name、edition、date 和 base_edition。")
    return overlay


def _read_manifest(overlay: _Overlay, loaded: LoadedFile, value: object) -> None:
    if overlay.manifest_file is not None:
        line, column = loaded.where((MANIFEST_KEY,), key=True)
        overlay.problem((loaded.path, line, column), f"本地版说明（{MANIFEST_KEY}:）重复。",
                        f"只在 {overlay.manifest_file.path} 中保留一份。")
        return
    overlay.manifest_file = loaded
    overlay.manifest, problems = check_model(loaded, Manifest, value, (MANIFEST_KEY,))
    overlay.problems += problems


def _read_entries(overlay: _Overlay, loaded: LoadedFile, kind: str, entries: list,
                  base: dict[str, tuple[LoadedFile, int]]) -> list[int]:
    """Sort one list of an overlay file into changes, omissions and new entries; the indices of the
    new entries (which go on to be checked as any data file's)."""
    new: list[int] = []
    instructed: dict[str, _Written] = {}
    for index, raw in enumerate(entries):
        written = _Written(kind, index, loaded, raw if isinstance(raw, dict) else {})
        local = isinstance(raw, dict) and ("change" in raw or "not_applicable" in raw)
        entry_id = raw.get("id") if isinstance(raw, dict) else None
        if not local:
            if isinstance(entry_id, str) and entry_id in base:
                path, line = base[entry_id][0].path, base[entry_id][0].where((kind, base[entry_id][1], "id"))[0]
                overlay.problem(written.at("id"), f"{written.noun}标识 '{entry_id}' 是基础版的{written.noun}（{path}:{line}）。",
                                "要修改它，只写 id、change:（要改的字段）和 cite:；要标为本地不适用，写 id、"
                                "not_applicable:（理由）和 cite:；本地新增的条目换一个基础版没有的标识。")
                continue
            new.append(index)
            overlay.added.append(written)
            continue
        if "change" in raw and "not_applicable" in raw:
            overlay.problem(written.at("not_applicable", key=True), "同一条目既写了 change:，又写了 not_applicable:。",
                            "本地修改写 change:，本地不适用写 not_applicable:，二者只留其一。")
            continue
        model = Patch if "change" in raw else Omission
        instruction, problems = check_model(loaded, model, raw, written.loc)
        overlay.problems += problems
        if instruction is None:
            continue
        if kind == "sources":
            overlay.problem(written.at("id"), f"基础版的来源 '{instruction.id}' 不能修改或标为本地不适用。",
                            "来源是基础版依据的文件；本地依据的文件作为新的来源写在本地版的 sources.yaml 中。")
            continue
        if instruction.id not in base:
            verb = "修改" if model is Patch else "标为不适用"
            overlay.problem(written.at("id"), f"本地版要{verb}的{written.noun} '{instruction.id}' 不在基础版中。",
                            did_you_mean(instruction.id, base) or f"基础版的{written.noun}标识见 data/ 中的文件。")
            continue
        if instruction.id in instructed:
            first = instructed[instruction.id]
            overlay.problem(written.at("id"), f"本地版对{written.noun} '{instruction.id}' 写了两处。",
                            f"已在 {first.file.path}:{first.at('id')[1]} 写过；把两处合成一处。")
            continue
        instructed[instruction.id] = written
        if model is Patch:
            overlay.patches.append((written, instruction))
        else:
            overlay.omissions.append((written, instruction))
    return new


def _manifest_piece(overlay: _Overlay, base: m.Handbook) -> LoadedFile | None:
    """The edition's handbook information, from the manifest (positions in the manifest), with the
    base's title where the manifest names none; None while the manifest is missing or wrong."""
    manifest, loaded = overlay.manifest, overlay.manifest_file
    if manifest is None or loaded is None:
        return None
    info = {"title": manifest.title or base.info.title, "edition": manifest.edition, "date": manifest.date,
            "compiler": manifest.compiler or manifest.name}
    if manifest.subtitle or base.info.subtitle:
        info["subtitle"] = manifest.subtitle or base.info.subtitle
    value_marks = _moved(loaded.value_marks, (MANIFEST_KEY,), ("handbook",))
    key_marks = _moved(loaded.key_marks, (MANIFEST_KEY,), ("handbook",))
    return LoadedFile(loaded.path, {"handbook": info}, value_marks, key_marks)


def _moved(marks: dict[NodePath, Location], old: NodePath, new: NodePath) -> dict[NodePath, Location]:
    """The marks under the path `old`, as if written under `new`."""
    return {(*new, *path[len(old):]): mark for path, mark in marks.items() if path[:len(old)] == old}


# -- applying changes -------------------------------------------------------------------------


def _merged_entry(written: _Written, patch: Patch, base_raw: dict, overlay: _Overlay) -> LoadedFile:
    """A base entry with a change applied, as a one-entry file whose positions are the overlay's:
    what the change wrote is found on its own line, the rest on the line of the change's id."""
    kind, loaded = written.kind, written.file
    merged = copy.deepcopy(base_raw)
    change = written.raw["change"]
    # (path in the overlay file, path in the merged entry, whether the nodes under it move too)
    moves: list[tuple[NodePath, NodePath, bool]] = [(written.loc, (kind, 0), False),
                                                    ((*written.loc, "id"), (kind, 0, "id"), True)]
    parts = _PARTS.get(kind)
    for key, value in change.items():
        at = (*written.loc, "change", key)
        if key in ("id", "cite"):
            what = "标识" if key == "id" else "出处"
            overlay.problem(written.at("change", key, key=True), f"change: 中不能改{what}（{key}）。",
                            "本地修改的依据写在与 change: 同级的 cite: 中。" if key == "cite" else
                            "要换标识，就把它作为本地新增的条目来写，并把基础版的这一条标为本地不适用。")
            continue
        if parts and key == parts[0] and isinstance(value, list):
            merged[key], part_moves = _merged_parts(written, patch, merged, value, overlay)
            moves.append((at, (kind, 0, key), False))
            moves += [((*at, n), (kind, 0, key, index), True) for n, index in part_moves]
            continue
        merged[key] = value
        moves.append((at, (kind, 0, key), True))
    base_cites = base_raw.get("cite") if isinstance(base_raw.get("cite"), list) else []
    merged["cite"] = [*base_cites, *written.raw["cite"]]
    moves.append(((*written.loc, "cite"), (kind, 0, "cite"), False))
    moves += [((*written.loc, "cite", n), (kind, 0, "cite", len(base_cites) + n), True) for n in range(len(patch.cite))]
    value_marks: dict[NodePath, Location] = {(): loaded.where(()), (kind,): loaded.where((kind,))}
    key_marks: dict[NodePath, Location] = {}
    for old, new, subtree in moves:
        for marks, moved in ((loaded.value_marks, value_marks), (loaded.key_marks, key_marks)):
            if subtree:
                moved.update(_moved(marks, old, new))
            elif old in marks:
                moved[new] = marks[old]
    return LoadedFile(loaded.path, {kind: [merged]}, value_marks, key_marks)


def _merged_parts(written: _Written, patch: Patch, merged: dict, changed: list,
                  overlay: _Overlay) -> tuple[list, list[tuple[int, int]]]:
    """A procedure's steps or a checklist's items with the change's parts applied: a part with a base
    id changes that part's fields; one with a new id is added (after the part `after:` names, or at
    the end). Parts the change leaves alone keep the base's citations; parts it touches cite the
    change's sources as well. The moves: (index in the change, index in the result)."""
    key, noun, required = _PARTS[written.kind]
    entry_cites = merged.get("cite") if isinstance(merged.get("cite"), list) else []
    result = [copy.deepcopy(part) for part in merged.get(key, [])]
    for part in result:  # pinned: the entry's own citations now include the change's
        if isinstance(part, dict) and not part.get("cite"):
            part["cite"] = list(entry_cites)
    base_ids = [part.get("id") for part in result if isinstance(part, dict)]
    placed: dict[int, object] = {}
    for n, part in enumerate(changed):
        at = ("change", key, n)
        part_id = part.get("id") if isinstance(part, dict) else None
        if not isinstance(part_id, str):
            placed[n] = part
            result.append(part)  # without an id: the shape check says so, on its line
            continue
        fields = {name: value for name, value in part.items() if name != "after"}
        own_cites = fields.pop("cite", None)
        local_cites = own_cites if isinstance(own_cites, list) and own_cites else list(written.raw["cite"])
        if part_id in base_ids:
            if "after" in part:
                overlay.problem(written.at(*at, "after", key=True), f"after 只用于新增的{noun}；'{part_id}' 是基础版已有的{noun}。",
                                f"删去 after；基础版{noun}的顺序不能在本地版中改动。")
            target = next(p for p in result if isinstance(p, dict) and p.get("id") == part_id)
            target.update(fields)
            target["cite"] = [*target.get("cite", []), *local_cites]
            placed[n] = target
            continue
        if not all(name in part for name in required):
            overlay.problem(written.at(*at, "id"),
                            f"本地版修改的{noun} '{part_id}' 不在基础版{written.noun} '{patch.id}' 中。",
                            did_you_mean(part_id, [i for i in base_ids if isinstance(i, str)])
                            or f"要新增{noun}，写出完整的{noun}（至少 {'、'.join(required)}）。")
            continue
        new_part = {**fields, "cite": local_cites}
        after = part.get("after")
        ids = [p.get("id") for p in result if isinstance(p, dict)]
        if after is None:
            result.append(new_part)
        elif after in ids:
            result.insert(ids.index(after) + 1, new_part)
        else:  # left out: placed anywhere else it would only add problems of its place
            overlay.problem(written.at(*at, "after"), f"after 指向的{noun} '{after}' 不在{written.noun} '{patch.id}' 中。",
                            did_you_mean(str(after), [i for i in ids if isinstance(i, str)]))
            continue
        placed[n] = new_part
    moves = [(n, next(i for i, p in enumerate(result) if p is part)) for n, part in placed.items()]
    return result, moves


def _cut_around(loaded: LoadedFile, merged: dict[tuple[str, str, int], LoadedFile],
                drop_handbook: bool) -> list[LoadedFile]:
    """A base file as pieces: its entries up to a changed one, the changed one merged (from the
    overlay), and so on, so that each kind keeps the base's order. Without the handbook information
    when the overlay's manifest gives the edition's."""
    data = loaded.data
    if not isinstance(data, dict):
        return [loaded]
    changed = sorted((kind, index) for path, kind, index in merged if path == loaded.path)
    if not changed and not (drop_handbook and "handbook" in data):
        return [loaded]
    pieces: list[LoadedFile] = []
    cursor: dict[str, int] = {}
    for kind, index in changed:
        run = list(range(cursor.get(kind, 0), index))
        if run:
            pieces.append(loaded.piece({kind: [data[kind][i] for i in run]}, {kind: run}))
        pieces.append(merged[(loaded.path, kind, index)])
        cursor[kind] = index + 1
    rest: dict[str, Any] = {}
    kept: dict[str, list[int]] = {}
    for key, value in data.items():
        if key == "handbook" and drop_handbook:
            continue
        if key in cursor:
            kept[key] = list(range(cursor[key], len(value)))
            value = [value[i] for i in kept[key]]
        rest[key] = value
    if rest:
        pieces.append(loaded.piece(rest, kept))
    return pieces


# -- checks against the base --------------------------------------------------------------------


def _cite_lists(value: object, path: NodePath = ()) -> Iterator[tuple[NodePath, list]]:
    """Every `cite:` list written in a value, with its path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "cite" and isinstance(inner, list):
                yield (*path, key), inner
            else:
                yield from _cite_lists(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _cite_lists(inner, (*path, index))


def _local_citation_problems(overlay: _Overlay, files: list[LoadedFile]) -> list[Problem]:
    """Everything the overlay adds or changes cites one of its own sources; and what an omission
    cites must exist (it is not part of any entry the resolver checks)."""
    local = {w.raw["id"] for w in overlay.added if w.kind == "sources" and isinstance(w.raw.get("id"), str)}
    sections = _sections(files)
    problems = []
    written = [*overlay.added, *(w for w, _ in overlay.patches), *(w for w, _ in overlay.omissions)]
    for entry in written:
        if entry.kind == "sources":
            continue
        for path, cites in _cite_lists(entry.raw):
            named = {cite.get("source") for cite in cites if isinstance(cite, dict)}
            if cites and not named & local:
                listed = "、".join(sorted(local))
                problems.append(Problem(*entry.at(*path, key=True), "本地版写的出处至少要有一条本地来源。",
                                        f"本地来源是本地版 sources.yaml 中的来源（{listed}）；基础版的来源可以同时列出。"
                                        if local else "先在本地版的 sources.yaml 中写明本地依据的文件（如本地的实施办法），再引用它。"))
    for entry, omission in overlay.omissions:
        for n, cite in enumerate(omission.cite):
            if cite.source not in sections:
                problems.append(Problem(*entry.at("cite", n, "source"), f"出处引用的来源 '{cite.source}' 未定义。",
                                        did_you_mean(cite.source, sections)))
            elif cite.section not in sections[cite.source]:
                problems.append(Problem(*entry.at("cite", n, "section"),
                                        f"出处引用的章节 '{cite.section}' 不在来源 '{cite.source}' 的章节目录中。",
                                        did_you_mean(cite.section, sections[cite.source])))
    return problems


def _sections(files: list[LoadedFile]) -> dict[str, list[str]]:
    """Every source's section ids, from the values read (the sources may not resolve yet)."""
    found: dict[str, list[str]] = {}
    for loaded in files:
        for source in _list_at(loaded.data, "sources"):
            if isinstance(source, dict) and isinstance(source.get("id"), str):
                found[source["id"]] = [s.get("id") for s in _list_at(source, "sections") if isinstance(s, dict)]
    return found


def _base_edition_problems(overlay: _Overlay, base: m.Handbook, data_dir: Path) -> list[Problem]:
    """An overlay written for another edition of the base: said at its manifest, and, when the
    project keeps that edition's data, each changed or omitted entry the base changed since."""
    manifest, loaded = overlay.manifest, overlay.manifest_file
    if manifest.base_edition == base.info.edition:
        return []
    where = (loaded.path, *loaded.where((MANIFEST_KEY, "base_edition")))
    said = f"本地版写明依据基础版“{manifest.base_edition}”，现在的基础版是“{base.info.edition}”。"
    then = f"逐条核对后，把 base_edition 改为“{base.info.edition}”。"
    old_dir = _kept_edition(data_dir, base, manifest.base_edition)
    if old_dir is None:
        return [Problem(*where, said + f"项目中没有保留“{manifest.base_edition}”的数据，无法列出两版之间的变化。",
                        "核对本地版修改和标为不适用的每个条目在新的基础版中是否仍然成立；" + then)]
    from . import load_handbook

    try:
        old = load_handbook(old_dir, display_root=old_dir.parent)
    except DataError:
        return [Problem(*where, said + f"保留的“{manifest.base_edition}”数据（{old_dir}）有错误，无法列出两版之间的变化。",
                        "核对本地版修改和标为不适用的每个条目在新的基础版中是否仍然成立；" + then)]
    underneath = changes_by_entry(diff_handbooks(old, base))
    problems = []
    for written, instruction in [*overlay.patches, *overlay.omissions]:
        changes = underneath.get((written.noun, instruction.id))
        if changes:
            verb = "修改" if isinstance(instruction, Patch) else "标为不适用"
            problems.append(Problem(*written.at("id"),
                                    f"本地版{verb}的{written.noun} '{instruction.id}'，基础版从“{manifest.base_edition}”到"
                                    f"“{base.info.edition}”改动了它：{'；'.join(change.text for change in changes)}。",
                                    f"核对这处本地{'修改' if verb == '修改' else '不适用'}在新的基础版中是否仍然需要、是否要随之调整。"))
    count = f"下面列出的 {len(problems)} 个条目在两版之间有变化，又被本地版修改或标为不适用；" if problems else \
        "两版之间的变化没有涉及本地版修改或标为不适用的条目；"
    return [Problem(*where, said, count + then), *problems]


def _kept_edition(data_dir: Path, base: m.Handbook, edition: str) -> Path | None:
    """The folder of an earlier edition of the base kept in the project (the previous editions the
    data names, and editions/*/data beside it) whose handbook.yaml names that edition, or None."""
    candidates: list[Path] = []
    folder, info = data_dir, base.info
    while info is not None and info.previous_edition:
        folder = (folder / info.previous_edition).resolve()
        if folder in candidates:  # editions that name each other: followed once
            break
        candidates.append(folder)
        info = _edition_info(folder)
    candidates += sorted((data_dir.parent / "editions").glob("*/data"))
    for candidate in candidates:
        found = _edition_info(candidate)
        if found is not None and found.edition == edition:
            return candidate
    return None


def _edition_info(folder: Path) -> m.Info | None:
    """The handbook information of a data folder, read from its handbook.yaml alone (cheaply)."""
    try:
        loaded, _ = load_bytes((folder / "handbook.yaml").read_bytes(), "handbook.yaml")
    except OSError:
        return None
    raw = loaded.data.get("handbook") if loaded is not None and isinstance(loaded.data, dict) else None
    if not isinstance(raw, dict) or not isinstance(raw.get("edition"), str):
        return None
    return m.Info(raw.get("title", ""), None, raw["edition"], str(raw.get("date", "")), None,
                  raw.get("previous_edition") if isinstance(raw.get("previous_edition"), str) else None)


# -- what the edition differs by ----------------------------------------------------------------


def _local_edition(overlay: _Overlay, overlay_dir: Path, base: m.Handbook, handbook: m.Handbook) -> LocalEdition:
    local_sources = {w.raw["id"] for w in overlay.added if w.kind == "sources"}
    sections = {source.id: {s.id: m.Citation(source, s) for s in source.sections} for source in handbook.sources}

    def citations(cites) -> tuple[m.Citation, ...]:
        return tuple(sections[c.source][c.section] for c in cites)

    present = {(kind, entry.id): entry for kind in m.KIND_NAMES for entry in getattr(handbook, kind)}
    marks: dict[tuple[str, str], LocalMark] = {}
    for written in overlay.added:
        entry = present.get((written.kind, written.raw.get("id")))
        if entry is not None:
            own = tuple(c for c in getattr(entry, "citations", ()) if c.source.id in local_sources)
            marks[(entry.noun, entry.id)] = LocalMark(ADDED_LABEL, own)
    for written, patch in overlay.patches:
        marks[(written.noun, patch.id)] = LocalMark(CHANGED_LABEL, citations(patch.cite), patch.reason)
    not_applicable = []
    for written, omission in overlay.omissions:
        marks[(written.noun, omission.id)] = LocalMark(NOT_APPLICABLE_LABEL, citations(omission.cite),
                                                       omission.not_applicable)
        entry = present[(written.kind, omission.id)]
        not_applicable.append(Change(written.noun, entry.id, _name(entry), NOT_APPLICABLE, new=omission.not_applicable))
    # A change cannot touch citations (only add its own, which its mark shows): a changed entry's or
    # part's 出处 differs from the base's only by the change's own sources, so it is not listed again.
    changed = {(written.noun, patch.id) for written, patch in overlay.patches}
    differences = [change for change in diff_handbooks(base, handbook)
                   if not (change.entry_key in changed and change.field == "出处")]
    return LocalEdition(overlay.manifest.name, overlay_dir.name, base.info.edition, MappingProxyType(marks),
                        _in_report_order([*differences, *not_applicable], handbook))


def _name(entry: Any) -> str:
    return next(getattr(entry, a) for a in ("name", "term", "title", "id") if getattr(entry, a, None))


def _in_report_order(changes: list[Change], handbook: m.Handbook) -> tuple[Change, ...]:
    """By kind in the diff's order, then in the handbook's order of entries (a stable sort keeps each
    entry's changes in the diff's order)."""
    order = {(kind.noun, entry.id): (k, n) for k, kind in enumerate(KINDS)
             for n, entry in enumerate(kind.entries(handbook))}
    return tuple(sorted(changes, key=lambda change: order.get(change.entry_key, (len(KINDS), 0))))


def json_schema_text() -> str:
    """The JSON Schema of an overlay's files (schema/overlay.schema.json, for editors' tools): a data
    file's, where each list may also hold changes and omissions, with the manifest instead of handbook:."""
    import json

    from ..validate.schema import DataFile

    schema = DataFile.model_json_schema()
    definitions = schema["$defs"]
    for model in (Manifest, Patch, Omission):
        own = model.model_json_schema()
        definitions.update(own.pop("$defs", {}))
        definitions[f"Overlay{model.__name__}"] = own
    properties = schema["properties"]
    del properties["handbook"]
    for kind in m.KIND_NAMES:
        entry = properties[kind]["items"]
        properties[kind]["items"] = {"anyOf": [entry, {"$ref": "#/$defs/OverlayPatch"}, {"$ref": "#/$defs/OverlayOmission"}]}
    properties[MANIFEST_KEY] = {"$ref": "#/$defs/OverlayManifest",
                                "description": f"本地版说明（写在 {MANIFEST_FILE} 中）"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "纪检监察干部工作手册本地版数据文件"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
