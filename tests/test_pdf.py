"""The printed handbook, checked with poppler's tools."""

from __future__ import annotations

import re
import subprocess

import pytest


@pytest.fixture(scope="module")
def pdf(built_site):
    return built_site / "pdf" / "handbook.pdf"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_font_is_embedded_and_simplified_chinese(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        fields = row.split()
        name, emb = fields[0], fields[-5]
        assert emb == "yes", row
        assert "CJK-SC" in name, row


def test_step_texts_are_in_the_pdf(pdf, handbook):
    text = squash(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                 check=True).stdout)
    missing = [
        f"{p.id}/{s.id}"
        for p in handbook.procedures
        for s in p.steps
        if squash(s.title) not in text or squash(s.action) not in text
    ]
    assert missing == []
    for checklist in handbook.checklists:
        for item in checklist.items:
            assert squash(item.text) in text


def test_outline_has_chapters_and_procedures(pdf, handbook):
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    outline = re.findall(r"<item[^>]*>([^<]+)</item>", xml)
    for chapter in ("第一章　角色与职责", "第二章　工作程序", "第三章　检查清单", "第四章　工作要点", "第五章　术语表", "第六章　来源文献"):
        assert chapter in outline
    for procedure in handbook.procedures:
        assert procedure.name in outline


def test_table_of_contents_has_page_numbers(pdf):
    first_pages = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                                 capture_output=True, text=True, check=True).stdout
    assert "目录" in first_pages
    assert re.search(r"第二章\s+工作程序\s*\.+\s*\d+", first_pages)


def test_same_data_gives_identical_bytes(tmp_path, handbook):
    from macros.pdf import print_html, write_pdf

    html = print_html(handbook)
    write_pdf(html, tmp_path / "a.pdf")
    write_pdf(html, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
