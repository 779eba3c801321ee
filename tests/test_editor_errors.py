"""What an editor sees when the data is broken: every problem, with file, line, column and a hint."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from macros.errors import DataError
from macros.facts import check_folder
from macros.resolve import load_handbook

from .conftest import FIXTURES, copy_data

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir())


def broken_data(tmp_path: Path, case: str) -> Path:
    return copy_data(FIXTURES / "base" / "data", tmp_path / "data", FIXTURES / "invalid" / case / "data")


def test_base_fixture_is_valid():
    load_handbook(FIXTURES / "base" / "data")


@pytest.mark.parametrize("case", CASES)
def test_bad_data_gives_exact_messages(tmp_path, case):
    data = broken_data(tmp_path, case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(DataError) as caught:
        load_handbook(data)
    assert caught.value.report() == expected


@pytest.mark.parametrize("case", CASES)
def test_check_reports_exactly_what_the_full_loader_reports(tmp_path, case):
    """`check` judges a folder from each file's facts and leaves every message to the full loader:
    it must refuse every broken fixture (several are valid file by file and wrong only together),
    with the same report, whether the unchanged files' facts come from a warm cache or not."""
    data = broken_data(tmp_path, case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    cache = tmp_path / "cache"
    check_folder(FIXTURES / "base" / "data", cache_dir=cache)  # the base files' facts, kept
    for cache_dir in (None, cache, cache):
        with pytest.raises(DataError) as caught:
            check_folder(data, cache_dir=cache_dir)
        assert caught.value.report() == expected


def test_alias_bomb_is_refused_quickly(tmp_path, monkeypatch):
    """The loader stops at its node limit instead of expanding the 10^9 nodes the file describes.
    Bounded work is asserted here; `make bench` reports how long the refusal takes."""
    from macros import load

    data = broken_data(tmp_path, "alias-bomb")
    visited = {"marking": 0}

    def counting(kind, builder):
        build = builder.build

        def counting_build(self, node, *path):
            visited[kind] += 1
            return build(self, node, *path)
        monkeypatch.setattr(builder, "build", counting_build)

    # The fast reader leaves aliases to PyYAML, whose builder walks the nodes and locates the problem.
    counting("marking", load._Builder)
    started = time.process_time()
    with pytest.raises(DataError):
        load_handbook(data)
    for kind, count in visited.items():
        assert 0 < count <= load.MAX_NODES + 1000, kind  # not the 10^9 the aliases describe
    # A generous CPU-time safety net (not wall-clock); measured at about 0.3 s.
    assert time.process_time() - started < 5


def test_check_command_fails_with_messages_on_stderr(tmp_path):
    data = broken_data(tmp_path, "unknown-role")
    result = subprocess.run([sys.executable, "-m", "macros", "--data", str(data), "check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "data/procedures/sample.yaml:19:17: 步骤 'review' 的角色引用的角色 'case-office' 未定义。" in result.stderr
    assert "你是不是想写 'case-trial-office'？" in result.stderr


def test_check_command_passes_on_good_data():
    result = subprocess.run([sys.executable, "-m", "macros", "--data", str(FIXTURES / "base" / "data"), "check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "数据校验通过" in result.stdout


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    from macros.cli import build_all

    site = tmp_path / "site"
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    assert build_all(data, site) == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    broken = broken_data(tmp_path / "second", "unknown-role")
    with pytest.raises(DataError):
        build_all(broken, site)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert (site / "index.html").exists() and (site / "pdf" / "handbook.pdf").exists()


def test_failure_after_validation_also_leaves_site_untouched(tmp_path, monkeypatch):
    import macros.pdf
    from macros.cli import build_all
    from macros.errors import BuildError

    site = tmp_path / "site"
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    assert build_all(data, site) == 0
    before = sorted(p.relative_to(site) for p in site.rglob("*"))

    def failing_pdf(*args, **kwargs):
        raise BuildError("模拟 PDF 失败")

    monkeypatch.setattr(macros.pdf, "build_pdfs", failing_pdf)
    with pytest.raises(BuildError):
        build_all(data, site)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_check_and_the_full_loader_agree_on_many_small_breakages(tmp_path):
    """Random edits of the real data of the kinds editors make by accident (an id swapped for
    another, a line lost): `check` passes exactly when the full loader does, with the same report,
    while the facts of the untouched files come from the cache."""
    import random
    import re
    import shutil

    from .conftest import PROJECT

    cache = tmp_path / "cache"
    check_folder(PROJECT / "data", cache_dir=cache)
    files = sorted((PROJECT / "data").rglob("*.yaml"))
    ids = sorted({m for f in files for m in re.findall(r"\bid: ([a-z][a-z0-9-]+)", f.read_text(encoding="utf-8"))})
    chance = random.Random(20261123)
    verdicts = set()
    for trial in range(80):
        data = tmp_path / f"data-{trial}"
        shutil.copytree(PROJECT / "data", data)
        target = chance.choice(sorted(data.rglob("*.yaml")))
        lines = target.read_text(encoding="utf-8").split("\n")
        places = [n for n, line in enumerate(lines) if any(i in line for i in ids)]
        if places and chance.random() < 0.7:  # an id somewhere in the file becomes another id
            n = chance.choice(places)
            old = chance.choice([i for i in ids if i in lines[n]])
            lines[n] = lines[n].replace(old, chance.choice(ids), 1)
        else:  # a line is lost
            del lines[chance.randrange(len(lines))]
        target.write_text("\n".join(lines), encoding="utf-8")
        try:
            load_handbook(data)
            full = None
        except DataError as exc:
            full = exc.report()
        try:
            check_folder(data, cache_dir=cache)
            checked = None
        except DataError as exc:
            checked = exc.report()
        assert checked == full, (target.name, trial)
        verdicts.add(full is None)
    assert verdicts == {True, False}  # both outcomes were exercised
