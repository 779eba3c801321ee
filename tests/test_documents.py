"""文件目录: every document the sources name by its title, on the sources page and in the handbook PDF,
linked from the entries that rest on it and found by search under its title."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from macros.render import Linker, anchor

from .conftest import FIXTURES, copy_data, pdf_body_text, pdf_outline, squash


class _Anchors(HTMLParser):
    """Element ids and, for each, the text of the heading that carries it; and every link."""

    def __init__(self):
        super().__init__()
        self.headings: dict[str, str] = {}
        self.links: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag) and "id" in attrs:
            self._open = attrs["id"]
            self.headings[self._open] = ""
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = None

    def handle_data(self, data):
        if self._open:
            self.headings[self._open] += data


def parsed(path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_entry_that_rests_on_a_document_is_listed_on_it(handbook):
    resting = [e for kind in ("procedures", "duties", "checklists", "topics", "terms")
               for e in getattr(handbook, kind) if e.documents]
    assert len(resting) >= 20
    for entry in resting:
        for document in entry.documents:
            assert entry in document.referenced_by, (entry.id, document.id)
    assert sum(len(d.referenced_by) for d in handbook.documents) == sum(len(e.documents) for e in resting)


def test_the_sources_page_lists_every_document_under_its_own_anchor(built_site, handbook):
    page = parsed(built_site / "sources.html")
    assert page.headings["documents"].startswith("文件目录")
    ids = list(page.headings)
    for document in handbook.documents:
        assert page.headings[anchor(document)].startswith(f"《{document.title}》"), document.id
    # in the order of the data, after the five sources
    positions = [ids.index(anchor(d)) for d in handbook.documents]
    assert positions == sorted(positions) and positions[0] > ids.index(anchor(handbook.sources[-1]))
    text = re.sub(r"<[^>]+>", "", (built_site / "sources.html").read_text(encoding="utf-8"))
    issued = handbook.document("full-coverage-plan")
    assert f"制发：{issued.issuer}" in text and f"时间：{issued.date}" in text
    assert "编者注（非来源内容）" in text


def test_entries_link_to_their_documents_and_back(built_site, handbook):
    link = Linker(0)
    for document in handbook.documents:
        target = link.link(document)
        assert target == f"sources.html#{anchor(document)}"
        for entry in document.referenced_by:
            page = built_site / link.link(entry).split("#")[0]
            links = parsed(page).links
            depth = "../" if "/" in link.link(entry).split("#")[0] else ""
            assert f"{depth}{target}" in links, (entry.id, document.id)
            assert link.link(entry) in parsed(built_site / "sources.html").links, (document.id, entry.id)
    procedure = (built_site / "procedures" / "clue-handling.html").read_text(encoding="utf-8")
    assert "相关文件" in procedure and "《问题线索排查流程图》" in procedure


def test_the_handbook_pdf_has_a_chapter_of_documents(built_site, handbook):
    pdf = built_site / "pdf" / "handbook.pdf"
    text = pdf_body_text(pdf, handbook.info.title)
    chapter = text[text.index("第七章文件目录", text.index("第七章文件目录") + 1):]  # past the contents
    for document in handbook.documents:
        assert squash(f"《{document.title}》") in chapter, document.id
        assert squash(document.governs) in chapter, document.id
    outline = pdf_outline(pdf)
    assert "第七章　文件目录" in outline


def test_a_course_pack_links_documents_into_the_handbook(handbook):
    """A course pack holds no 文件目录: its links to documents point into the handbook PDF beside it."""
    from macros.pdf import course_anchors, course_html
    from macros.render.pages import Build
    from macros.resolve.selftest import self_test

    course = next(c for c in handbook.courses if any(t.documents for t in c.terms))
    assert not {anchor(d) for d in handbook.documents} & course_anchors(course)
    html = course_html(Build(handbook, "x"), course, self_test(course, handbook))
    document = next(d for t in course.terms for d in t.documents)
    assert f'href="../handbook.pdf#{anchor(document)}"' in html


def test_a_changed_document_is_reported(tmp_path):
    from macros.resolve import load_handbook
    from macros.resolve.diff import diff_handbooks, format_changes

    old = load_handbook(FIXTURES / "base" / "data")
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    documents = data / "documents.yaml"
    documents.write_text(documents.read_text(encoding="utf-8").replace("issuer: 测试单位", "issuer: 另一单位"),
                         encoding="utf-8")
    terms = data / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("    documents: [sample-rules]\n", ""), encoding="utf-8")
    report = format_changes(diff_handbooks(old, load_handbook(data)))
    assert "修改文件“《示例工作规则》”（sample-rules）：\n    制发由“测试单位”改为“另一单位”" in report
    assert "删去相关文件“《示例工作规则》”" in report


@pytest.fixture(scope="module")
def search_page(browser, served_site):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{served_site}index.html?q=%E5%87%BD%E8%AF%A2")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=30000)
    yield page
    context.close()


@pytest.mark.parametrize("title", ["中国共产党巡视工作条例", "《巡视工作条例》", "关于进一步规范和加强容错纠错工作的实施办法",
                                   "落实责任追究制度分工细则", "中国纪检监察报"])
def test_search_finds_a_document_by_its_title(search_page, handbook, title):
    from .test_search_questions import top_results

    document = next(d for d in handbook.documents if d.title == title.strip("《》"))
    target = f"sources.html#{anchor(document)}"
    results = top_results(search_page, title)
    assert any(target in result["locations"] for result in results), [r["title"] for r in results]
