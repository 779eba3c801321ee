"""The parse cache as an editor meets it: a warm `check` says exactly what a cold one says, only sooner.

Nothing here measures time: what is checked is that a warm run reads only the files that changed,
and that its handbook and every message are those of a run without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from macros import cli, load, processors
from macros.diff import diff_handbooks
from macros.errors import DataError
from macros.facts import FACTS, check_folder
from macros.parse_cache import SUFFIX, ParseCache
from macros.quality import quality_report
from macros.resolve import load_handbook
from macros.schema import DataFile

from .conftest import FIXTURES, PROJECT, copy_data
from .test_editor_errors import CASES, broken_data

KINDS = ("roles", "duties", "procedures", "checklists", "terms", "topics", "courses", "sources", "reviews")


class Parsed:
    """The files parsed from YAML during a test, by the name shown to editors, in order. Kept in a
    file, so that the forked copies that read files for `check` (processors.Helper) count too."""

    def __init__(self, log: Path):
        self.log = log
        self.clear()

    def record(self, shown: str) -> None:
        with self.log.open("a", encoding="utf-8") as out:
            out.write(shown + "\n")

    def clear(self) -> None:
        self.log.write_text("", encoding="utf-8")

    def names(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def __iter__(self):
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __eq__(self, other: object) -> bool:
        return self.names() == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.names())


@pytest.fixture
def parsed(monkeypatch, tmp_path) -> Parsed:
    """The files parsed from YAML during the test."""
    names = Parsed(tmp_path / "parsed.log")
    real = load.load_bytes

    def counting(raw: bytes, shown: str):
        names.record(shown)
        return real(raw, shown)

    monkeypatch.setattr(load, "load_bytes", counting)
    return names


def counts(handbook) -> dict[str, int]:
    return {kind: len(getattr(handbook, kind)) for kind in KINDS}


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob(f"*{SUFFIX}"))


def yaml_files(data: Path) -> list[Path]:
    return sorted(data.rglob("*.yaml"))


# -- a warm run is a cold run, only without parsing ---------------------------------------------


def test_a_warm_check_gives_the_same_handbook_as_a_cold_one(tmp_path, parsed):
    data = PROJECT / "data"
    cold = load_handbook(data)
    load_handbook(data, cache_dir=tmp_path / "cache")
    parsed.clear()
    warm = load_handbook(data, cache_dir=tmp_path / "cache")
    assert parsed == []  # every file came from the cache
    assert diff_handbooks(cold, warm) == []
    assert counts(warm) == counts(cold)
    assert vars(warm.info) == vars(cold.info)  # entities compare by identity
    assert quality_report(check_folder(data, cache_dir=tmp_path / "cache")) == quality_report(check_folder(data))


def test_a_cached_file_is_exactly_the_validated_file(tmp_path):
    data = FIXTURES / "base" / "data"
    load_handbook(data, cache_dir=tmp_path / "cache")
    cache = ParseCache(tmp_path / "cache")
    for path in yaml_files(data):
        raw = path.read_bytes()
        fresh, problems = load.load_bytes(raw, path.name)
        assert problems == []
        assert cache.get(raw) == DataFile.model_validate(fresh.data), path


def test_an_edited_file_is_read_again_and_the_change_shows(tmp_path, parsed):
    data = copy_data(PROJECT / "data", tmp_path / "data")
    cache_dir = tmp_path / "cache"
    before = load_handbook(data, cache_dir=cache_dir)
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 省纪委省监察厅", "name: 省纪委监委", 1),
                     encoding="utf-8")
    parsed.clear()
    after = load_handbook(data, cache_dir=cache_dir)
    assert parsed == ["data/roles.yaml"]
    assert {r.id: r.name for r in before.roles}["provincial-commission"] == "省纪委省监察厅"
    assert {r.id: r.name for r in after.roles}["provincial-commission"] == "省纪委监委"
    assert diff_handbooks(load_handbook(data), after) == []


def test_the_cache_is_shared_by_identical_files_wherever_they_are(tmp_path, parsed):
    """An entry is named by the bytes, not the path: a copy of the data (another edition, a
    branch's work tree) is not parsed again."""
    cache_dir = tmp_path / "cache"
    load_handbook(copy_data(FIXTURES / "base" / "data", tmp_path / "one"), cache_dir=cache_dir)
    parsed.clear()
    load_handbook(copy_data(FIXTURES / "base" / "data", tmp_path / "two"), cache_dir=cache_dir)
    assert parsed == []


# -- a damaged or stale cache costs time, never a wrong answer --------------------------------------


def checksummed(payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest() + payload


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "not a pickle", "other content",
                                    "not a data file"])
def test_a_damaged_cache_entry_is_ignored_and_rewritten(tmp_path, parsed, damage):
    data = FIXTURES / "base" / "data"
    cache_dir = tmp_path / "cache"
    cold = load_handbook(data)
    load_handbook(data, cache_dir=cache_dir)
    for entry in entries(cache_dir):
        stored = entry.read_bytes()
        entry.write_bytes({
            "truncated": stored[: len(stored) // 2],
            "flipped byte": stored[:-1] + bytes([stored[-1] ^ 0xFF]),
            "empty": b"",
            "not a pickle": checksummed(b"garbage"),
            # a valid pickle of a valid value, but not what was written: only the checksum tells
            "other content": stored[:32] + pickle.dumps(DataFile()),
            "not a data file": checksummed(pickle.dumps({"roles": []})),
        }[damage])
    parsed.clear()
    warm = load_handbook(data, cache_dir=cache_dir)
    assert len(parsed) == len(yaml_files(data))  # every entry was refused
    assert diff_handbooks(cold, warm) == []
    parsed.clear()
    load_handbook(data, cache_dir=cache_dir)
    assert parsed == []  # and written again


def test_entries_of_other_code_are_not_used(tmp_path, parsed, monkeypatch):
    """A change to the code that reads or validates files changes every entry's name."""
    data = FIXTURES / "base" / "data"
    cache_dir = tmp_path / "cache"
    load_handbook(data, cache_dir=cache_dir)
    monkeypatch.setattr("macros.parse_cache.code_version", lambda contents: b"another version of the code")
    parsed.clear()
    load_handbook(data, cache_dir=cache_dir)
    assert len(parsed) == len(yaml_files(data))


def test_a_temporary_file_left_by_an_interrupted_write_is_harmless(tmp_path):
    data = FIXTURES / "base" / "data"
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    left = cache_dir / ".interrupted.tmp"
    left.write_bytes(b"half an entry")
    os.utime(left, (0, 0))  # long ago: its writer is gone
    assert diff_handbooks(load_handbook(data), load_handbook(data, cache_dir=cache_dir)) == []
    assert not left.exists()


def test_the_cache_folder_stays_bounded(tmp_path):
    data = FIXTURES / "base" / "data"
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    for number in range(500):
        old = cache_dir / f"{number:040x}{SUFFIX}"
        old.write_bytes(b"an entry of an edition long gone")
        os.utime(old, (number, number))
    load_handbook(data, cache_dir=cache_dir)
    files = len(yaml_files(data))
    kept = entries(cache_dir)
    assert len(kept) <= 4 * files + 32
    cache = ParseCache(cache_dir)
    assert all(cache.get(path.read_bytes()) is not None for path in yaml_files(data))  # this run's survive
    assert cache_dir / f"{499:040x}{SUFFIX}" in kept and cache_dir / f"{0:040x}{SUFFIX}" not in kept


# -- problems: reported exactly as without the cache, and never cached ------------------------------


@pytest.mark.parametrize("case", CASES)
def test_every_broken_fixture_gives_the_same_report_with_a_warm_cache(tmp_path, case):
    data = broken_data(tmp_path, case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    reports = []
    for _ in range(2):  # the first run fills the cache, the second uses it
        with pytest.raises(DataError) as caught:
            load_handbook(data, cache_dir=tmp_path / "cache")
        reports.append(caught.value.report())
    assert reports == [expected, expected]


def test_a_file_with_problems_is_not_cached(tmp_path, parsed):
    data = broken_data(tmp_path, "bad-kind")
    cache_dir = tmp_path / "cache"
    for _ in range(2):
        parsed.clear()
        with pytest.raises(DataError) as caught:
            load_handbook(data, cache_dir=cache_dir)
    broken = {problem.path for problem in caught.value.problems}
    assert broken and set(parsed) == broken  # read again on the second run; the others were not
    cache = ParseCache(cache_dir)
    for path in yaml_files(data):
        shown = path.relative_to(data.parent).as_posix()
        assert (cache.get(path.read_bytes()) is None) == (shown in broken), shown


def test_a_problem_in_a_cached_file_is_located_in_that_file(tmp_path):
    """Removing a role from one file breaks references in files that were cached: their lines and
    columns are found by reading those files again, as if there were no cache."""
    data = copy_data(PROJECT / "data", tmp_path / "data")
    cache_dir = tmp_path / "cache"
    load_handbook(data, cache_dir=cache_dir)
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("id: commission-leadership", "id: leaders", 1),
                     encoding="utf-8")
    with pytest.raises(DataError) as uncached:
        load_handbook(data)
    with pytest.raises(DataError) as cached:
        load_handbook(data, cache_dir=cache_dir)
    assert cached.value.report() == uncached.value.report()
    assert {p.path for p in cached.value.problems} - {"data/roles.yaml"}  # problems in cached files too


# -- the command line ------------------------------------------------------------------------------


def test_check_uses_the_build_cache_unless_told_not_to(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "CACHE", tmp_path / "cache")
    data = FIXTURES / "base" / "data"
    assert cli.main(["--data", str(data), "--no-cache", "check"]) == 0
    uncached = capsys.readouterr().out
    assert not (tmp_path / "cache").exists()
    assert cli.main(["--data", str(data), "check"]) == 0
    assert cli.main(["--data", str(data), "check"]) == 0
    assert capsys.readouterr().out == uncached * 2
    # check keeps each file's facts (facts.py), the form it judges a folder from
    assert len(list((tmp_path / "cache" / "parse").glob(f"*{FACTS.suffix}"))) == len(yaml_files(data))


def test_both_caches_keep_their_folders_bounded_and_leave_young_temporaries(tmp_path):
    """Unused entries go oldest first once a cache holds more than a few runs' worth; a temporary
    file is removed only when it is old enough to have been left by a killed run."""
    import os
    import time

    from macros.parse_cache import ALLOWANCE
    from macros.pdf_cache import KEEP_BEYOND_LAST_BUILD, PdfCache

    def fill(folder: Path, suffix: str, count: int) -> list[str]:
        folder.mkdir()
        names = [f"{n:04d}{suffix}" for n in range(count)]
        for age, name in enumerate(reversed(names)):  # 0000 is the oldest
            (folder / name).write_bytes(b"x")
            os.utime(folder / name, (time.time() - 10 * age,) * 2)
        return names

    pdfs = fill(tmp_path / "pdf", ".pdf", 10)
    (tmp_path / "pdf" / ".old.tmp").write_bytes(b"")
    os.utime(tmp_path / "pdf" / ".old.tmp", (time.time() - 7200,) * 2)
    (tmp_path / "pdf" / ".young.tmp").write_bytes(b"")
    cache = PdfCache(tmp_path / "pdf", used={"0009"})
    cache.prune()
    kept = sorted(p.name for p in (tmp_path / "pdf").iterdir())
    assert kept == [".young.tmp", *pdfs[-1 - KEEP_BEYOND_LAST_BUILD:]]

    pickles = fill(tmp_path / "parse", SUFFIX, 4 * 1 + ALLOWANCE + 1)
    cache = ParseCache(tmp_path / "parse")
    cache.used = {pickles[-1]}
    cache.prune()
    assert sorted(p.name for p in (tmp_path / "parse").iterdir()) == pickles[-(2 * 1 + ALLOWANCE):]


# -- check judges a folder from each file's kept facts ---------------------------------------------


def report_of(data: Path, cache_dir: Path | None) -> list[str]:
    folder = check_folder(data, cache_dir=cache_dir)
    return [str(len(folder.ids(kind))) for kind in KINDS[:-1]] + quality_report(folder)


def test_a_warm_check_reads_only_the_edited_file_and_says_what_a_cold_one_says(tmp_path, parsed):
    data = copy_data(PROJECT / "data", tmp_path / "data")
    cache_dir = tmp_path / "cache"
    report_of(data, cache_dir)
    parsed.clear()
    assert report_of(data, cache_dir) == report_of(data, None)
    parsed.clear()
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 省纪委省监察厅", "name: 省纪委监委", 1),
                     encoding="utf-8")
    warm = report_of(data, cache_dir)
    assert parsed == ["data/roles.yaml"]
    assert warm == report_of(data, None)


# A `check` run in a process of its own, saying afterwards whether it imported pydantic.
CHECK_AND_SAY_WHAT_IT_IMPORTED = (
    "import sys; from pathlib import Path; from macros.cli import check; "
    "check(Path(sys.argv[1]), Path(sys.argv[2])); print('pydantic imported:', 'pydantic' in sys.modules)"
)


def test_a_warm_check_leaves_the_validating_to_a_forked_copy(tmp_path):
    """Importing pydantic and the schema is most of a warm check's time: a check of files checked
    before does without it, and a file that changed is read by a copy forked at the start, which
    imports them while this process loads the other files' kept facts. What it reports is the same."""
    data = copy_data(PROJECT / "data", tmp_path / "data")
    cache_dir = tmp_path / "cache"

    def check_alone() -> list[str]:
        done = subprocess.run([sys.executable, "-c", CHECK_AND_SAY_WHAT_IT_IMPORTED, str(data), str(cache_dir)],
                              cwd=PROJECT, capture_output=True, text=True, check=True)
        return done.stdout.splitlines()

    # With one processor there is no copy: the check reads the files itself.
    read_here = f"pydantic imported: {processors.available_processors() < 2}"
    cold = check_alone()
    assert cold == [*report_lines_of(data), read_here]
    assert check_alone() == [*cold[:-1], "pydantic imported: False"]
    terms = data / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("term: 三转\n", "term: 三转体\n", 1), encoding="utf-8")
    edited = check_alone()
    assert edited == [*report_lines_of(data), read_here]
    assert any("三转体" in line for line in edited)


def report_lines_of(data: Path) -> list[str]:
    """What `check` prints of a data folder, checked without the cache, in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.check(data)
    return out.getvalue().splitlines()


def test_renaming_a_term_is_seen_in_the_prose_of_files_that_were_not_read_again(tmp_path, parsed):
    """Which terms the prose mentions depends on every file's terms: a file's kept mentions are
    for one set of term words, and are looked for again when that set changes."""
    data = copy_data(PROJECT / "data", tmp_path / "data")
    cache_dir = tmp_path / "cache"
    before = report_of(data, cache_dir)
    assert not any(line.startswith("定义了但正文中没有出现的术语") and "三转体" in line for line in before)
    terms = data / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("term: 三转\n", "term: 三转体\n", 1), encoding="utf-8")
    parsed.clear()
    warm = report_of(data, cache_dir)
    assert parsed == ["data/terms.yaml"]
    assert any(line.startswith("定义了但正文中没有出现的术语") and "三转体" in line for line in warm)
    assert warm == report_of(data, None)
    parsed.clear()
    assert report_of(data, cache_dir) == warm and parsed == []  # the new mentions were kept


@pytest.mark.parametrize("damage", ["truncated", "not a pickle", "other content"])
def test_damaged_facts_are_ignored(tmp_path, parsed, damage):
    data = FIXTURES / "base" / "data"
    cache_dir = tmp_path / "cache"
    cold = report_of(data, None)
    report_of(data, cache_dir)
    for entry in (cache_dir).glob(f"*{FACTS.suffix}"):
        stored = entry.read_bytes()
        entry.write_bytes({
            "truncated": stored[: len(stored) // 2],
            "not a pickle": checksummed(b"garbage"),
            "other content": checksummed(pickle.dumps(DataFile())),
        }[damage])
    parsed.clear()
    assert report_of(data, cache_dir) == cold
    assert len(parsed) == len(yaml_files(data))


def test_facts_that_refuse_valid_data_are_a_loud_bug_not_a_silent_pass(monkeypatch):
    """The full loader has the last word: if the facts found a problem it does not find, check
    stops with an internal error instead of passing or inventing a message."""
    from macros.facts import FolderFacts, UnsoundCheck

    monkeypatch.setattr(FolderFacts, "consistent", lambda self: False)
    with pytest.raises(UnsoundCheck):
        check_folder(FIXTURES / "base" / "data")


def test_files_shared_out_among_processes_give_the_same_check(tmp_path):
    """Large data is read by one process per processor; forced here on small data (and on a
    machine with one processor), in a process of its own as the command line runs it."""
    import subprocess
    import sys

    script = """if True:
        import os, sys
        from pathlib import Path
        from macros import cli, facts, processors
        facts.PARALLEL_ABOVE = 0
        processors.available_processors = lambda: 2
        made_in = Path(sys.argv[1])
        (made_in / "main").write_text(str(os.getpid()))
        made = facts._facts_of
        def recorded(raw, shown):
            (made_in / f"{os.getpid()}-{shown.replace('/', '_')}").touch()
            return made(raw, shown)
        facts._facts_of = recorded
        sys.exit(cli.main(sys.argv[2:]))
    """
    for data, code in ((PROJECT / "data", 0), (broken_data(tmp_path, "several-problems"), 1)):
        made_in = tmp_path / f"made-{code}"
        made_in.mkdir()
        args = ["--no-cache", "--data", str(data), "check"]
        shared = subprocess.run([sys.executable, "-c", script, str(made_in), *args],
                                capture_output=True, text=True, cwd=PROJECT, check=False)
        alone = subprocess.run([sys.executable, "-m", "macros", *args],
                               capture_output=True, text=True, cwd=PROJECT, check=False)
        assert shared.returncode == alone.returncode == code, shared.stderr
        assert (shared.stdout, shared.stderr) == (alone.stdout, alone.stderr)
        main = (made_in / "main").read_text()
        made = [name.name for name in made_in.iterdir() if name.name != "main"]
        assert len(made) == len(yaml_files(data))
        assert main not in {name.split("-")[0] for name in made}  # every file read in a worker


def test_work_shared_out_among_forked_copies_comes_back_whole_and_in_order(monkeypatch):
    """Each share (cut by size) is done by a forked copy, and if a copy fails its share is done
    again here: either way the results are those of doing it all in one process, in order."""
    import os

    from macros import processors

    monkeypatch.setattr(processors, "available_processors", lambda: 3)
    # Earlier tests leave threads running (servers, the browser's); the work forked here takes no lock.
    monkeypatch.setattr(processors.threading, "active_count", lambda: 1)
    parent = os.getpid()
    items = list(range(10))
    sizes = [1, 1, 1, 1, 1, 1, 1, 1, 1, 9]  # the last item alone weighs as much as the others

    def where(share):
        return [(item, os.getpid(), len(share)) for item in share]

    done = processors.shared_out(where, items, sizes, threshold=0)
    assert [item for item, _, _ in done] == items
    assert parent not in {pid for _, pid, _ in done}
    assert len({pid for _, pid, _ in done}) > 2  # several shares per processor, a copy for each
    assert done[-1][2] == 1  # the heavy item is a share on its own

    def failing_in_a_copy(share):
        if os.getpid() != parent and 9 in share:
            raise RuntimeError("this copy fails")
        return [item * 2 for item in share]

    assert processors.shared_out(failing_in_a_copy, items, sizes, threshold=0) == [item * 2 for item in items]
    assert processors.shared_out(where, items, sizes, threshold=100) == [(item, parent, 10) for item in items]


def test_a_helper_gets_ready_before_its_work_is_sent_and_sends_back_what_it_made(monkeypatch, tmp_path):
    """A helper copy is forked before its items are known; items larger than a pipe holds are
    sent without waiting for it; a helper that fails gives None (the work is then done here); one
    not needed is stopped, and nothing is left running."""
    monkeypatch.setattr(processors, "available_processors", lambda: 2)
    monkeypatch.setattr(processors.threading, "active_count", lambda: 1)
    parent = os.getpid()

    def get_ready():
        (tmp_path / "ready").write_text(str(os.getpid()))
        return lambda items: [(len(item), os.getpid()) for item in items]

    helper = processors.Helper.start(get_ready)
    items = [b"x" * 300_000, b"", b"y" * 5]  # more than a pipe holds (64 KiB on Linux)
    helper.send(items)
    done = helper.result()
    assert [length for length, _ in done] == [300_000, 0, 5]
    assert {pid for _, pid in done} == {int((tmp_path / "ready").read_text())} != {parent}

    def failing():
        raise RuntimeError("cannot get ready")

    helper = processors.Helper.start(failing)
    helper.send(items)
    assert helper.result() is None

    helper = processors.Helper.start(get_ready)
    pid = helper.copy.pid
    helper.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: not left running

    monkeypatch.setattr(processors, "available_processors", lambda: 1)
    assert processors.Helper.start(get_ready) is None  # it would only take turns with this process


def test_a_check_that_fails_before_its_helper_is_needed_leaves_no_copy_behind(tmp_path, monkeypatch):
    """A data file that vanishes between listing and reading fails the check as before; the helper
    forked for it is stopped, not left waiting for items that never come."""
    from macros import facts

    monkeypatch.setattr(processors, "available_processors", lambda: 2)
    monkeypatch.setattr(processors.threading, "active_count", lambda: 1)
    started: list[processors.Helper] = []
    real_start = processors.Helper.start.__func__

    def recorded(cls, get_ready):
        started.append(real_start(cls, get_ready))
        return started[-1]

    monkeypatch.setattr(processors.Helper, "start", classmethod(recorded))
    data = copy_data(PROJECT / "data", tmp_path / "data")
    listed = list(load.data_files(data, None))
    listed[-1][0].unlink()
    monkeypatch.setattr(facts.load, "data_files", lambda *_: iter(listed))
    with pytest.raises(FileNotFoundError):
        check_folder(data, cache_dir=tmp_path / "cache")
    assert len(started) == 1 and started[0] is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0].copy.pid, os.WNOHANG)  # reaped


def test_interrupted_sharing_leaves_no_copy_at_work(monkeypatch, tmp_path):
    """Ctrl-C while the copies work stops them all, rather than leaving them to finish unseen."""
    import os
    import signal
    import time

    from macros import processors

    monkeypatch.setattr(processors, "available_processors", lambda: 2)
    monkeypatch.setattr(processors.threading, "active_count", lambda: 1)

    def slow(share):
        (tmp_path / str(os.getpid())).touch()
        time.sleep(30)
        return list(share)

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 2)
    try:
        with pytest.raises(KeyboardInterrupt):
            processors.shared_out(slow, list(range(8)), [1] * 8, threshold=0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    copies = [int(path.name) for path in tmp_path.iterdir()]
    assert 0 < len(copies) <= 2  # one at a time per processor
    for pid in copies:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
