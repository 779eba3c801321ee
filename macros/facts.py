"""`check` from what each file says on its own, so that a file an editor did not touch is not read again.

A file's facts are everything the check needs of it: the ids it defines, the ids it names, the
sections and steps it defines and names, its role parents, and what the quality report lists.
They come from the file alone (read, validated and resolved by itself, see resolve_alone), so they
are kept in the parse cache under the file's bytes, like its validated content is for `build`.

The whole folder is then judged from the facts: every name defined, no id twice, no parent cycle,
one handbook block. This decides only *whether* the data is valid. Whenever anything is wrong,
in one file or between files, the full loader reads the whole folder again and reports, so an
editor's messages always come from one place (resolve.py), with every line and hint as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import load
from .collector import collector_paused
from .errors import HandbookError
from .model import KIND_NAMES, RECORD_FORM_SUFFIX
from .parse_cache import Contents, ParseCache
from .processors import Helper, shared_out
from .words import word_finder

KINDS = tuple(KIND_NAMES)  # in the order the handbook lists them
# Notes that say a source states no time limit for a procedure (so its absence is deliberate).
NO_LIMIT_MARKERS = ("未规定时限", "未说明时限")


@dataclass
class FileFacts:
    """What one valid file defines, names and contributes to the quality report, in its own order."""

    ids: dict[str, list[str]]
    steps: int
    info_date: str | None
    references: dict[str, set[str]]
    sections: set[tuple[str, str]]
    cited_sections: set[tuple[str, str]]
    step_ids: set[tuple[str, str]]
    named_steps: set[tuple[str, str]]
    parents: dict[str, str]
    # for the quality report, in the order the handbook lists the entries
    reviews: dict[str, list[tuple[str, str]]]  # kind -> (label, review date)
    role_names: list[str]
    busy_roles: set[str]  # roles this file gives a step, a duty or a child
    term_names: list[tuple[str, tuple[str, ...]]]
    unlimited: list[str]
    unassigned: list[str]
    gaps: dict[str, list[str]]  # duties, topics -> titles
    # The prose the quality report looks for terms in, encoded: kept as bytes, it loads from the
    # cache at copying speed, and is decoded only when the set of term words changed.
    prose: bytes
    # The term words found in text, for the set of words with this digest (it depends on all files).
    mentions: tuple[bytes, frozenset[str]] = (b"", frozenset())


FACTS = Contents(".facts", ("load.py", "plain_yaml.py", "shape.py", "schema.py", "resolve.py", "model.py", "facts.py", "words.py",
                            "parse_cache.py"), "facts.FileFacts")


class UnsoundCheck(HandbookError):
    """The facts found nothing wrong, yet the full loader did: a bug in this module, not in the data."""


@dataclass
class FolderFacts:
    """The facts of every file of a data folder, in the handbook's order, with each file's bytes."""

    files: list[FileFacts] = field(default_factory=list)
    sources: list[bytes] = field(default_factory=list)
    cached: list[bool] = field(default_factory=list)  # whether each file's facts came from the cache
    mentioned: set[str] = field(default_factory=set)  # the term words some file's prose holds

    def ids(self, kind: str) -> list[str]:
        return [entry_id for facts in self.files for entry_id in facts.ids[kind]]

    def entries(self, name: str, kind: str) -> list:
        return [item for facts in self.files for item in getattr(facts, name)[kind]]

    def all(self, name: str) -> list:
        return [item for facts in self.files for item in getattr(facts, name)]

    @property
    def info_date(self) -> str:
        return next(facts.info_date for facts in self.files if facts.info_date is not None)

    @property
    def step_count(self) -> int:
        return sum(facts.steps for facts in self.files)

    def consistent(self) -> bool:
        """Whether the files fit together: what the full resolver checks across files."""
        if sum(facts.info_date is not None for facts in self.files) != 1:
            return False
        defined = {kind: set(self.ids(kind)) for kind in KINDS}
        if any(len(defined[kind]) != len(self.ids(kind)) for kind in KINDS):
            return False  # an id defined twice
        if any(not facts.references[kind] <= defined[kind] for facts in self.files for kind in KINDS):
            return False
        if not set(self.all("cited_sections")) <= set(self.all("sections")):
            return False
        if not set(self.all("named_steps")) <= set(self.all("step_ids")):
            return False
        forms = {checklist_id.removesuffix(RECORD_FORM_SUFFIX) for checklist_id in defined["checklists"]
                 if checklist_id.endswith(RECORD_FORM_SUFFIX)}
        return not forms & defined["procedures"] and not _has_parent_cycle(self.all_parents())

    def all_parents(self) -> dict[str, str]:
        return {role: parent for facts in self.files for role, parent in facts.parents.items()}

    def term_words(self) -> set[str]:
        return {word for facts in self.files for _, names in facts.term_names for word in names}

    def find_mentions(self) -> None:
        """Every term word that occurs in some file's prose; files whose mentions were found for
        another set of words (a term was added, renamed or removed) are searched again."""
        words = self.term_words()
        digest = _digest_of(words)
        stale = [facts for facts in self.files if facts.mentions[0] != digest]
        sizes = [len(facts.prose) for facts in stale]
        find = word_finder(words)

        def found_in(share: Sequence[FileFacts]) -> list[frozenset[str]]:
            return [frozenset(find(facts.prose.decode())) for facts in share]

        # One share per processor: each share builds its own table of windows seen (see words.py),
        # and a fork of this process, now holding every file's facts, costs more than one for reading.
        found = shared_out(found_in, stale, sizes, PARALLEL_ABOVE, shares_per_processor=1)
        for facts, words_found in zip(stale, found, strict=True):
            facts.mentions = (digest, words_found)
        self.mentioned = {word for facts in self.files for word in facts.mentions[1]}


def check_folder(data_dir: Path, display_root: Path | None = None, cache_dir: Path | None = None) -> FolderFacts:
    """The facts of a valid data folder; raise DataError listing every problem otherwise.

    With a cache_dir (the parse cache's folder), a file whose bytes were checked before is not
    read again.
    """
    cache = ParseCache(cache_dir, FACTS) if cache_dir is not None else None
    with collector_paused():
        # With a cache, most files have kept facts, and the few that have none are read by a copy
        # forked now: importing what reads and validates a file (pydantic and the schema) takes
        # longer than finding which files changed and loading the others' facts, done here meanwhile.
        helper = Helper.start(_ready_to_read) if cache is not None else None
        try:
            folder = _folder_facts(data_dir, display_root, cache, helper)
        finally:
            if helper is not None:
                helper.stop()  # (when something went wrong before its result was taken)
    if folder is None or not folder.consistent():
        _report_problems(data_dir, display_root, cache_dir)
    kept = [facts.mentions for facts in folder.files]
    folder.find_mentions()
    if cache is not None:
        for raw, facts, cached, before in zip(folder.sources, folder.files, folder.cached, kept, strict=True):
            if not cached or facts.mentions != before:
                cache.put(raw, facts)
        cache.prune()
    return folder


def _folder_facts(data_dir: Path, display_root: Path | None, cache: ParseCache | None,
                  helper: Helper | None = None) -> FolderFacts | None:
    """Every file's facts, or None when a file has a problem of its own. The files without an
    entry in the cache are read by the helper, when there is one and they are few."""
    folder = FolderFacts()
    shown_names = []
    for path, shown in load.data_files(data_dir, display_root):
        folder.sources.append(path.read_bytes())
        shown_names.append(shown)
    names = [cache.name(raw) if cache is not None else "" for raw in folder.sources]
    held = [cache is not None and cache.holds(name) for name in names]
    unheld = [index for index, kept in enumerate(held) if not kept]
    to_read = [(folder.sources[index], shown_names[index]) for index in unheld]
    if helper is not None and (not to_read or sum(len(raw) for raw, _ in to_read) > PARALLEL_ABOVE):
        helper.stop()  # nothing to read, or enough to share out among all processors
        helper = None
    if helper is not None:
        helper.send(to_read)
    folder.files = [cache.read(name) if kept else None for name, kept in zip(names, held, strict=True)]
    folder.cached = [facts is not None for facts in folder.files]
    made = helper.result() if helper is not None else None
    if made is None:
        made = _facts_of_each(to_read)
    late = [index for index, kept in enumerate(held) if kept and folder.files[index] is None]
    made += _facts_of_each([(folder.sources[index], shown_names[index]) for index in late])  # damaged entries
    for index, facts in zip([*unheld, *late], made, strict=True):
        if facts is None:
            return None
        folder.files[index] = facts
    return folder


# Above this much data to read (or prose to search), the work is shared out among one process per
# processor (it is all processor work; 23 MB take about 5 s to read and validate in one process).
PARALLEL_ABOVE = 2_000_000


def _ready_to_read() -> Callable[[Sequence[tuple[bytes, str]]], list[FileFacts | None]]:
    """What makes the facts of files, with the modules it needs imported (most of a warm check's time)."""
    from . import resolve, shape  # noqa: F401

    return _facts_of_files


def _facts_of_files(files: Sequence[tuple[bytes, str]]) -> list[FileFacts | None]:
    return [_facts_of(raw, shown) for raw, shown in files]


def _facts_of_each(files: list[tuple[bytes, str]]) -> list[FileFacts | None]:
    """The facts of each (bytes, name shown), in order. Shared out among forked processes, which
    start with every module imported and every file's bytes in memory: the facts are those of the
    bytes the cache names them by, even if a file changes meanwhile."""
    if not files:
        return []
    facts_of_files = _ready_to_read()  # before forking, so the copies start with it imported
    return shared_out(facts_of_files, files, [len(raw) for raw, _ in files], PARALLEL_ABOVE)


def _report_problems(data_dir: Path, display_root: Path | None, cache_dir: Path | None) -> None:
    from .resolve import load_handbook

    load_handbook(data_dir, display_root, cache_dir)  # raises DataError with every message
    raise UnsoundCheck(f"内部错误：{data_dir} 的逐文件校验发现问题，完整校验却没有发现。请把这份数据报告给维护者。")


def _facts_of(raw: bytes, shown: str) -> FileFacts | None:
    """The facts of one file, or None when it has a problem of its own (read, shape or content)."""
    from .resolve import resolve_alone
    from .shape import check_shape

    loaded, problems = load.load_bytes(raw, shown)
    if problems or loaded is None:
        return None
    typed, problems, _ = check_shape([loaded])
    if problems:
        return None
    data = typed[0][1]
    resolver = resolve_alone(loaded, data)
    if resolver.problems:
        return None
    objects = resolver.objects
    raw_entries = {kind: [entry.raw for entry in resolver.entries[kind].values()] for kind in KINDS}
    procedures = raw_entries["procedures"]
    busy = {role for step in _steps(procedures) for role in (*step.roles, *step.approved_by)}
    busy |= {duty.role for duty in raw_entries["duties"]}
    busy |= {role.parent for role in raw_entries["roles"] if role.parent}
    prose = (*objects["roles"].values(), *objects["duties"].values(), *objects["procedures"].values(),
             *objects["checklists"].values(), *objects["topics"].values())
    return FileFacts(
        ids={kind: list(resolver.entries[kind]) for kind in KINDS},
        steps=sum(len(procedure.steps) for procedure in objects["procedures"].values()),
        info_date=data.handbook.date if data.handbook is not None else None,
        references=resolver.references,
        sections={(source.id, section.id) for source in objects["sources"].values() for section in source.sections},
        cited_sections=resolver.cited_sections,
        step_ids={(procedure.id, step.id) for procedure in objects["procedures"].values() for step in procedure.steps},
        named_steps=resolver.named_steps,
        parents={role.id: role.parent for role in raw_entries["roles"] if role.parent},
        reviews=_reviews_by_kind(resolver),
        role_names=[role.name for role in objects["roles"].values()],
        busy_roles=busy,
        term_names=[(term.term, term.names) for term in objects["terms"].values()],
        unlimited=[procedure.name for procedure in objects["procedures"].values() if _unlimited(procedure)],
        unassigned=[f"{procedure.name}·{step.title}" for procedure in procedures for step in procedure.steps
                    if not step.roles],
        gaps={"duties": [duty.title for duty in raw_entries["duties"] if duty.source_gap],
              "topics": [topic.name for topic in raw_entries["topics"] if topic.source_gap]},
        prose="\n".join(text for entry in prose for text in entry.texts).encode(),
    )


def _reviews_by_kind(resolver) -> dict[str, list[tuple[str, str]]]:
    """The entries with a review date, per kind: the handbook lists reviews kind by kind."""
    kind_of = {id(entry): kind for kind in KINDS for entry in resolver.objects[kind].values()}
    reviews: dict[str, list[tuple[str, str]]] = {kind: [] for kind in KINDS}
    for review in resolver.reviews:
        if review.review_by:
            reviews[kind_of[id(review.entry)]].append((review.entry.label, review.review_by))
    return reviews


def _steps(procedures: Iterable) -> Iterable:
    return (step for procedure in procedures for step in procedure.steps)


def _unlimited(procedure) -> bool:
    """No step has a time limit, and no note says the source gives none."""
    return not procedure.time_limited_steps and not any(
        marker in note for note in procedure.notes for marker in NO_LIMIT_MARKERS)


def _has_parent_cycle(parents: dict[str, str]) -> bool:
    for role in parents:
        seen = {role}
        current = parents.get(role)
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = parents.get(current)
    return False


def _digest_of(words: set[str]) -> bytes:
    return hashlib.sha256("\0".join(sorted(words)).encode()).digest()
