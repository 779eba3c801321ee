"""The printed handbook, checked with poppler's tools."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from bench.stage import pdf_pages
from tests.conftest import (
    DOUBLED_PUNCTUATION,
    FIXTURES,
    copy_data,
    pdf_body_text,
    pdf_outline,
    poppler,
    squash,
)


@pytest.fixture(scope="module")
def pdf(built_site):
    return built_site / "pdf" / "handbook.pdf"


def test_every_font_is_embedded_and_simplified_chinese(pdf):
    out = poppler("pdffonts", pdf)
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        fields = row.split()
        name, emb = fields[0], fields[-5]
        assert emb == "yes", row
        assert "CJK-SC" in name, row


def test_step_texts_are_in_the_pdf(pdf, handbook):
    text = pdf_body_text(pdf, handbook.info.title)
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
    outline = pdf_outline(pdf)
    for chapter in ("第一章　角色与职责", "第二章　工作程序", "第三章　检查清单", "第四章　工作要点", "第五章　术语表", "第六章　来源文献",
                    "第七章　文件目录", "术语索引"):
        assert chapter in outline
    for procedure in handbook.procedures:
        assert procedure.name in outline


def test_table_of_contents_has_page_numbers(pdf):
    first_pages = poppler("pdftotext", pdf, "-f", "2", "-l", "2", "-layout")
    assert "目录" in first_pages
    assert re.search(r"第二章\s+工作程序\s*\.+\s*\d+", first_pages)


def test_same_data_gives_identical_bytes(tmp_path, handbook):
    """Laid out twice in one process, a tagged document comes out the same: nothing carries over
    from one layout to the next. (That every PDF of a build is the same from another process, place
    and time, the handbook included, is tested in test_offline.py.)"""
    from macros.pdf import course_html, write_pdf
    from macros.render.pages import Build
    from macros.resolve.selftest import self_test

    course = handbook.course("stationed-groups")
    html = course_html(Build(handbook, handbook.info.date), course, self_test(course, handbook))
    write_pdf(html, tmp_path / "a.pdf", "pdf/a-3a")
    write_pdf(html, tmp_path / "b.pdf", "pdf/a-3a")
    assert pdf_pages(tmp_path / "a.pdf") > 3
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def pdf_text(path) -> str:
    return squash(poppler("pdftotext", path, "-raw"))


def assert_fonts_embedded_sc(path) -> None:
    out = poppler("pdffonts", path)
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" and "CJK-SC" in row.split()[0] for row in rows), out


def first_line_box(path: Path, text: str, page: int = 1) -> tuple[float, float, float, float]:
    """Where poppler finds the first line of a text on a page, in points: (x0, y0, x1, y1)."""
    layout = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                            capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', layout)
    found = [tuple(map(float, box)) for *box, word in words if len(word) >= 2 and text.startswith(word)]
    assert found, f"{text} not on page {page} of {path.name}"
    return found[0]


def grey_levels(path: Path, box: tuple[float, float, float, float], page: int = 1) -> list[int]:
    """The grey level of every pixel of a box on the page as poppler draws it (72 dpi: a pixel is a point)."""
    pgm = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "72", "-gray", str(path)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    width, pixels = int(header.group(1)), pgm[header.end():]
    x0, y0, x1, y1 = (round(v) for v in box)
    return [pixels[y * width + x] for y in range(y0, y1) for x in range(x0, x1)]


def test_cover_titles_can_be_seen(built_site, handbook):
    """The cover's title is drawn in a colour that stands out from the cover (it once came out red on red)."""
    covers = [(built_site / "pdf" / "handbook.pdf", handbook.info.title)]
    covers += [(built_site / "pdf" / "courses" / f"{course.id}.pdf", course.name) for course in handbook.courses]
    for path, title in covers:
        levels = grey_levels(path, first_line_box(path, title))
        assert max(levels) - min(levels) > 100, f"{path.name}: the title {title} does not stand out"


def title_lines(path: Path, title: str) -> list[str]:
    """The lines of page 1 that together spell the title, as poppler lays them out."""
    lines = [line.strip() for line in poppler("pdftotext", path, "-f", "1", "-l", "1", "-layout").splitlines()]
    for start in range(len(lines)):
        spelled = ""
        for end in range(start, len(lines)):
            spelled += lines[end]
            if not title.startswith(spelled):
                break
            if spelled == title:
                return lines[start : end + 1]
    raise AssertionError(f"{path.name}: {title} not found on page 1")


def test_no_cover_title_leaves_one_character_alone_on_its_last_line(built_site, handbook):
    """A title that wraps keeps its last two characters together (联合办案实务 once ended on 务 alone)."""
    covers = [(built_site / "pdf" / "handbook.pdf", handbook.info.title)]
    covers += [(built_site / "pdf" / "courses" / f"{course.id}.pdf", course.name) for course in handbook.courses]
    covers += [(built_site / "pdf" / "courses" / f"{course.id}-answers.pdf", f"{course.name}：自测题答案")
               for course in handbook.courses]
    wrapped = 0
    for path, title in covers:
        lines = title_lines(path, title)
        wrapped += len(lines) > 1
        assert len(lines[-1]) > 1, f"{path.name}: {lines}"
    assert wrapped  # at least one title wraps, or this would prove nothing


def test_a_printed_heading_keeps_its_last_two_characters_together():
    from macros.render import unorphaned

    assert unorphaned("联合办案<实务>") == '联合办案&lt;实<span class="hb-keep">务&gt;</span>'
    assert unorphaned("目录") == '<span class="hb-keep">目录</span>'


def test_each_swimlane_is_on_one_page_with_its_heading_and_caption(pdf, handbook):
    """A tall swimlane once left its heading alone on one page and its caption on the next."""
    pages = poppler("pdftotext", pdf, "-layout").split("\f")
    for procedure in handbook.procedures:
        caption = squash(f"{procedure.name}：每一列是一个角色")
        holding = [page for page in pages if caption in squash(page)]
        assert len(holding) == 1, procedure.id
        page = squash(holding[0])
        assert "泳道图" in page and page.index("泳道图") < page.index(caption), procedure.id
        assert squash(procedure.steps[-1].title) in page, procedure.id  # the figure's last box


def test_every_checklist_is_an_a4_form(built_site, handbook):
    for checklist in handbook.checklists:
        path = built_site / "pdf" / "checklists" / f"{checklist.id}.pdf"
        assert_fonts_embedded_sc(path)
        text = pdf_text(path)
        assert squash(checklist.name) in text and "检查人" in text and "日期" in text
        assert squash(handbook.info.edition) in text and "出处" in text
        for item in checklist.items:
            assert squash(item.text) in text
        # a form on paper says which documents its short citations (s000 ...) name
        for citation in (*checklist.citations, *(c for item in checklist.items for c in item.citations)):
            assert squash(f"{citation.source.id}{citation.source.title}（{citation.source.file}）") in text
        info = poppler("pdfinfo", path)
        assert "595.276 x 841.89" in info  # A4


def test_course_packs_and_answer_keys(built_site, handbook):
    from macros.resolve.selftest import self_test

    for course in handbook.courses:
        pack = built_site / "pdf" / "courses" / f"{course.id}.pdf"
        answers = built_site / "pdf" / "courses" / f"{course.id}-answers.pdf"
        assert_fonts_embedded_sc(pack)
        text = pdf_text(pack)
        for part in (course.name, "学习目标", "讨论题", "自测题", *course.objectives, *course.questions):
            assert squash(part) in text, part
        for procedure in course.procedures:
            for step in procedure.steps:
                assert squash(step.action) in text
        key = pdf_text(answers)
        questions = self_test(course, handbook)
        assert questions
        for question in questions:
            assert squash(question.text) in text
            for letter, option in question.lettered:  # the pack gives the options, as the page does
                assert squash(f"{letter}．{option}") in text, option
            answer = f"{question.letter}．{question.answer}" if question.lettered else question.answer
            assert squash(f"正确答案：{answer}") in key
            assert squash(f"见：{question.about_label}") in key
            for source in question.proposals:
                assert squash(f"依据：{source.standing_brief}") in key


def test_self_test_answers_come_from_the_data(handbook):
    from macros.resolve.selftest import self_test

    questions = self_test(handbook.course("new-cadres"), handbook)
    clue = handbook.procedure("clue-handling")
    reply = next(s for s in clue.steps if s.id == "written-reply")
    limit_q = next(q for q in questions if "书面回复不同意见" in q.text and "时限" in q.text)
    assert limit_q.answer.startswith(reply.time_limit.limit)
    assert limit_q.basis == "s000 四(五)8"


def test_self_test_nests_quotation_marks_as_chinese_does(handbook):
    from macros.resolve.selftest import self_test

    texts = [q.text for course in handbook.courses for q in self_test(course, handbook)]
    assert any("“‘室组’联动监督" in text for text in texts)
    assert not any("““" in text or "””" in text for text in texts)


def test_handbook_has_an_index_of_terms_with_page_numbers(pdf, handbook):
    """Each term, with the other names it goes by, then leader dots and its page number: read in
    content order, so that an entry that wraps (a long list of other names) is still one entry."""
    pages = poppler("pdftotext", pdf, "-raw").split("\f")
    index = squash("".join(pages[next(n for n, page in enumerate(pages) if page.lstrip().startswith("术语索引")):]))
    for term in handbook.terms:
        entry = f"{term.term}（又作{'、'.join(term.aliases)}）" if term.aliases else term.term
        assert re.search(re.escape(squash(entry)) + r"\.{2,}\d+", index), term.term


def test_the_index_and_the_glossary_chapter_are_in_pinyin_order(pdf, handbook):
    """On paper as on the site: the terms under their initials, A to Z, as in a dictionary."""
    groups = handbook.terms_by_initial()
    text = poppler("pdftotext", pdf, "-raw")
    # The index is the last chapter (in content order a page's running header may come last).
    pages = text.split("\f")
    index = squash("".join(pages[next(n for n, page in enumerate(pages) if page.lstrip().startswith("术语索引")):]))
    places = [index.find(f"{t.term}（又作" if t.aliases else t.term) for _initial, terms in groups for t in terms]
    assert -1 not in places and places == sorted(places)
    for initial, terms in groups:  # each initial stands before its first term
        assert re.search(re.escape(initial + terms[0].term), index), initial
    # The glossary chapter's bookmarks: each initial, then its terms.
    outline = pdf_outline(pdf)
    chapter = outline[outline.index("第五章　术语表") + 1 : outline.index("第六章　来源文献")]
    assert chapter == [name for initial, terms in groups for name in (initial, *(t.term for t in terms))]


def test_site_links_checklist_and_course_pdfs(built_site, handbook):
    for checklist in handbook.checklists:
        page = (built_site / "checklists" / f"{checklist.id}.html").read_text(encoding="utf-8")
        assert f'href="../pdf/checklists/{checklist.id}.pdf"' in page
    for course in handbook.courses:
        page = (built_site / "courses" / f"{course.id}.html").read_text(encoding="utf-8")
        assert f'href="../pdf/courses/{course.id}.pdf"' in page
        assert f'href="../pdf/courses/{course.id}-answers.pdf"' in page


def test_course_pdf_is_reproducible(tmp_path, handbook):
    from macros.pdf import course_html, write_pdf
    from macros.render.pages import Build
    from macros.resolve.selftest import self_test

    course = handbook.course("stationed-groups")
    html = course_html(Build(handbook, handbook.info.date), course, self_test(course, handbook))
    write_pdf(html, tmp_path / "a.pdf")
    write_pdf(html, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_remembering_page_references_writes_the_same_tagged_bytes(tmp_path, handbook, monkeypatch):
    """The speed-up around pydyf's page references changes nothing in the file it writes."""
    import contextlib

    import macros.pdf
    from macros.pdf import course_html, write_pdf
    from macros.render.pages import Build
    from macros.resolve.selftest import self_test

    course = handbook.course("stationed-groups")
    html = course_html(Build(handbook, handbook.info.date), course, self_test(course, handbook))
    write_pdf(html, tmp_path / "remembered.pdf", "pdf/a-3a")
    monkeypatch.setattr(macros.pdf, "page_references_remembered", contextlib.nullcontext)
    write_pdf(html, tmp_path / "as-pydyf.pdf", "pdf/a-3a")
    assert pdf_pages(tmp_path / "as-pydyf.pdf") > 3
    assert (tmp_path / "remembered.pdf").read_bytes() == (tmp_path / "as-pydyf.pdf").read_bytes()


def test_missing_glyph_fails_the_pdf(tmp_path):
    """A character no installed font has must not print as an empty box: the build stops."""
    from macros.errors import BuildError
    from macros.pdf import write_pdf

    with pytest.raises(BuildError, match="U\\+E000"):
        write_pdf('<html lang="zh-CN"><p>测试\ue000</p></html>', tmp_path / "g.pdf")
    assert not (tmp_path / "g.pdf").exists()


def test_parallel_layout_writes_the_same_bytes_and_stops_on_a_warning(tmp_path, handbook):
    """Several PDFs laid out at once give the files one process gives; a warning in any of them
    fails the whole build, as in one process."""
    from macros.errors import BuildError
    from macros.pdf import checklist_html, render_documents
    from macros.render.pages import Build

    build = Build(handbook, handbook.info.date)
    forms = [(f"{c.id}.pdf", checklist_html(build, c)) for c in handbook.checklists[:3]]
    render_documents([(tmp_path / "one" / name, html, "pdf/a-3a") for name, html in forms], jobs=1)
    render_documents([(tmp_path / "many" / name, html, "pdf/a-3a") for name, html in forms], jobs=2)
    for name, _html in forms:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "many" / name).read_bytes()

    broken = [*((tmp_path / "broken" / name, html, "pdf/a-3a") for name, html in forms),
              (tmp_path / "broken" / "g.pdf", '<html lang="zh-CN"><p>测试\ue000</p></html>', None)]
    with pytest.raises(BuildError, match="U\\+E000"):
        render_documents(broken, jobs=2)
    assert not (tmp_path / "broken" / "g.pdf").exists()


def test_a_layout_process_that_dies_fails_the_build_with_advice(tmp_path, handbook):
    """What an editor sees when the system kills a worker (say for want of memory): a message, not
    a traceback of the process pool."""
    import multiprocessing
    import signal
    import threading

    from macros.errors import BuildError
    from macros.pdf import print_html, render_documents
    from macros.render.pages import Build

    html = print_html(Build(handbook, handbook.info.date))
    pending = [(tmp_path / f"{n}.pdf", html, "pdf/a-3a") for n in range(2)]

    def kill_the_workers() -> None:
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    killer = threading.Timer(3, kill_the_workers)
    killer.start()
    try:
        with pytest.raises(BuildError, match="-j 1"):
            render_documents(pending, jobs=2)
    finally:
        killer.cancel()


def test_no_line_starts_with_closing_punctuation_and_none_is_doubled(built_site):
    offenders = []
    for path in sorted((built_site / "pdf").rglob("*.pdf")):
        lines = poppler("pdftotext", path, "-raw").splitlines()
        offenders += [f"{path.name}: {line}" for line in lines if line and line[0] in "，。、；：！？）」』”’》"]
        text = "".join(lines)
        offenders += [f"{path.name}: {text[m.start() - 12:m.end() + 4]}" for m in DOUBLED_PUNCTUATION.finditer(text)]
    assert offenders == []


def test_entries_may_reuse_step_and_item_ids_of_other_entries(tmp_path):
    """Step ids are unique within a procedure and item ids within a checklist only; in the one
    handbook PDF their anchors must still be distinct (WeasyPrint warns of a twice-defined anchor,
    which fails the build). The benchmark's generator makes such data: two copies of every entry."""
    from bench.generate import generate
    from macros.pdf import print_html, write_pdf
    from macros.render.pages import Build
    from macros.resolve import load_handbook


    data = generate(FIXTURES / "base" / "data", tmp_path / "data", 2)
    handbook = load_handbook(data)
    assert len(handbook.checklists) == 2
    assert handbook.checklists[0].items[0].id == handbook.checklists[1].items[0].id
    write_pdf(print_html(Build(handbook, handbook.info.date)), tmp_path / "handbook.pdf")


def _archival_problems(path: Path) -> list[str]:
    """What can be checked of PDF/A-3a here (a records office runs veraPDF; see README)."""
    import pikepdf

    problems = []
    with pikepdf.open(path) as pdf:
        problems += [f"qpdf: {problem}" for problem in pdf.check_pdf_syntax()]
        meta = pdf.open_metadata()
        if meta.get("pdfaid:part") != "3" or meta.get("pdfaid:conformance") != "A":
            problems.append(f"XMP 中没有 PDF/A-3a 标识：{meta.get('pdfaid:part')} {meta.get('pdfaid:conformance')}")
        if not meta.get("dc:title"):
            problems.append("XMP 中没有标题")
        intents = pdf.Root.get("/OutputIntents") or []
        if not any(str(intent.get("/S")) == "/GTS_PDFA1" for intent in intents):
            problems.append("没有 PDF/A 输出意图（OutputIntent）")
        if not (pdf.Root.get("/MarkInfo") and pdf.Root.MarkInfo.get("/Marked")) or "/StructTreeRoot" not in pdf.Root:
            problems.append("不是带标签的 PDF（无 MarkInfo/StructTreeRoot）")
        if str(pdf.Root.get("/Lang")) != "zh-CN":
            problems.append(f"文档语言不是 zh-CN：{pdf.Root.get('/Lang')}")
        if "/Encrypt" in pdf.trailer:
            problems.append("加密了（PDF/A 不允许）")
    fonts = poppler("pdffonts", path).splitlines()[2:]
    problems += [f"字体未嵌入：{line}" for line in fonts if line.split()[-5] != "yes"]
    return problems


def test_the_handbook_and_the_forms_are_archival_pdfs(built_site, handbook):
    """PDF/A-3a (tagged): identification in XMP, sRGB output intent, every font embedded, structure
    tree and language, a clean qpdf check; the course packs stay plain PDFs."""
    archival = [built_site / "pdf" / "handbook.pdf", *sorted((built_site / "pdf" / "checklists").glob("*.pdf"))]
    assert len(archival) == 1 + len(handbook.checklists) + len(handbook.procedures)
    assert {str(path.name): _archival_problems(path) for path in archival} == {path.name: [] for path in archival}


def test_the_archival_check_can_fail(tmp_path):
    from macros.pdf import write_pdf

    write_pdf('<html lang="en"><title>x</title><p>plain</p></html>', tmp_path / "plain.pdf")
    problems = _archival_problems(tmp_path / "plain.pdf")
    assert any("PDF/A-3a" in p for p in problems) and any("标签" in p for p in problems)


def test_a_changed_step_lays_out_again_exactly_the_pdfs_that_show_it(tmp_path, builder, capsys):
    """Incremental PDFs: the second build reuses every document whose print HTML did not change.
    (The base fixture, whose three PDFs lay out in seconds: the handbook, a checklist form and the
    procedure's record form.)"""
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    cache = tmp_path / "cache"
    assert builder(data, tmp_path / "before", cache) == 0
    path = data / "procedures" / "sample.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 受理\n", "title: 接收线索\n"), encoding="utf-8")
    capsys.readouterr()
    assert builder(data, tmp_path / "after", cache) == 0

    # A step's title is printed in the handbook and in its procedure's record form, not in the checklist.
    expected = {"handbook.pdf", "checklists/sample-record.pdf"}
    before, after = tmp_path / "before" / "pdf", tmp_path / "after" / "pdf"
    names = sorted(p.relative_to(before).as_posix() for p in before.rglob("*.pdf"))
    assert names == sorted(p.relative_to(after).as_posix() for p in after.rglob("*.pdf"))
    assert len(names) > len(expected)
    differing = {name for name in names if (before / name).read_bytes() != (after / name).read_bytes()}
    assert differing == expected
    summary = capsys.readouterr().out
    assert f"PDF：排版 {len(expected)} 份（" in summary and f"沿用未变的 {len(names) - len(expected)} 份" in summary
    for name in expected:
        assert "接收线索" in pdf_text(after / name)
    assert "受理" not in pdf_text(after / "checklists" / "sample-record.pdf")
