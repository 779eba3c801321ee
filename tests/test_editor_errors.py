"""What an editor sees when the data is broken: every problem, with file, line, column and a hint."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from macros.errors import DataError
from macros.resolve import load_handbook

from .conftest import FIXTURES, copy_data

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir())


def broken_data(tmp_path: Path, case: str) -> Path:
    return copy_data(FIXTURES / "base" / "data", tmp_path / "data", FIXTURES / "invalid" / case / "data")


def test_base_fixture_is_valid_and_whole():
    """Every broken fixture is this folder with one file changed: it must itself be valid, with the
    kinds of entry the fixtures break."""
    handbook = load_handbook(FIXTURES / "base" / "data")
    assert handbook.info.title and handbook.sources and handbook.roles
    assert handbook.procedure("sample").steps and handbook.checklists and handbook.terms


@pytest.mark.parametrize("case", CASES)
def test_bad_data_gives_exact_messages(tmp_path, case):
    data = broken_data(tmp_path, case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(DataError) as caught:
        load_handbook(data)
    assert caught.value.report() == expected


@pytest.mark.parametrize("case", CASES)
def test_check_command_prints_the_same_report_and_no_traceback(tmp_path, capsys, case):
    """`python -m macros check` is the build's own loading: the same report, on stderr, exit 1."""
    from macros.cli import main

    data = broken_data(tmp_path, case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert main(["--data", str(data), "check"]) == 1
    captured = capsys.readouterr()
    assert captured.err == expected + "\n"
    assert captured.out == "" and "Traceback" not in captured.err


def test_alias_bomb_is_refused_quickly(tmp_path, monkeypatch):
    """The reader stops at its node limit instead of expanding the 10^9 nodes the file describes:
    each alias adds its anchor's size, and only the refusal walks the graph, up to the limit.
    Bounded work is asserted here; `make bench` reports how long the refusal takes."""
    from macros import load

    data = broken_data(tmp_path, "alias-bomb")
    read = {"values": 0}
    value = load._Reader.value

    def counting_value(self, event):
        read["values"] += 1
        return value(self, event)
    monkeypatch.setattr(load._Reader, "value", counting_value)
    started = time.process_time()
    with pytest.raises(DataError):
        load_handbook(data)
    assert 0 < read["values"] < 1000  # the file's own hundred-odd nodes, not the 10^9 the aliases describe
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


def test_failed_build_leaves_previous_site_untouched(tmp_path, builder):
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


def test_failure_after_validation_also_leaves_site_untouched(tmp_path, monkeypatch, builder):
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


def _cli(capsys, *argv: str) -> tuple[int, str]:
    from macros.cli import main

    status = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def test_a_data_file_linking_outside_the_folder_is_refused(tmp_path, capsys):
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    (data / "secrets.yaml").symlink_to("/etc/passwd")
    status, err = _cli(capsys, "--data", str(data), "check")
    assert status == 1
    assert err.startswith("data/secrets.yaml:1:1: 这个数据文件是指向数据目录之外的链接（/etc/passwd），已拒绝读取。")
    assert "root:" not in err


def test_a_data_file_that_cannot_be_read_is_reported_with_the_rest(tmp_path, capsys):
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    (data / "folder.yaml").mkdir()
    status, err = _cli(capsys, "--data", str(data), "check")
    assert status == 1 and err.startswith("data/folder.yaml:1:1: 无法读取这个文件（Is a directory）。")


def test_an_output_folder_that_cannot_be_written_is_a_message_not_a_traceback(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    status, err = _cli(capsys, "--data", str(FIXTURES / "base" / "data"), "build", "--site", str(tmp_path / "a-file" / "site"))
    assert status == 1 and err.startswith("生成失败，site/ 保持不变：无法写入")


def test_the_engine_s_own_limits_are_build_errors(tmp_path):
    """What an operator can meet in the engine itself (a theme without its search worker, a number
    past what the headings can write) is one of the family, with a Chinese message."""
    from macros.errors import BuildError
    from macros.render import cjk_number
    from macros.site.search import material_worker

    with pytest.raises(BuildError, match="检索线程脚本"):
        material_worker(tmp_path)
    with pytest.raises(BuildError, match="序号 10000 超出了中文数字能写的范围"):
        cjk_number(10000)


def test_build_settings_come_from_mkdocs_yml_and_are_checked(tmp_path):
    """What an operator may set lives in mkdocs.yml (extra: handbook:), under a schema."""
    from macros.errors import BuildError
    from macros.settings import Settings, read_settings

    from .conftest import PROJECT

    assert read_settings(PROJECT / "mkdocs.yml") == Settings()
    config = tmp_path / "mkdocs.yml"
    config.write_text("extra:\n  handbook:\n    pdf_archival: pdf/a-2b\n    nav_limit: 3\n    pdf_jobs: 0\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        read_settings(config)
    assert str(caught.value) == (
        "mkdocs.yml 中 extra: handbook: 的设置有误：pdf_archival（只能是 pdf/a-3a、pdf/a-3b）；"
        "pdf_jobs（应是不小于 1 的整数）；nav_limit（没有这项设置）。可写的设置有：nav_entry_limit、pdf_archival、pdf_jobs。")
    config.write_text("site_name: x\n", encoding="utf-8")
    assert read_settings(config) == Settings()
