"""Readers cannot be harmed by the data, and an interrupted build leaves the published site whole."""

from __future__ import annotations

import pytest

from macros.cli import PROJECT, build_all

from .conftest import FIXTURES, copy_data, poppler

HOSTILE = "</title><script>alert(1)</script>{{ 7*7 }}审理室"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, builder):
    root = tmp_path_factory.mktemp("hostile")
    data = copy_data(FIXTURES / "base" / "data", root / "data")
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 案件审理室", f"name: '{HOSTILE}'"),
                     encoding="utf-8")
    documents = data / "documents.yaml"
    documents.write_text(documents.read_text(encoding="utf-8").replace("title: 示例工作规则", f"title: '{HOSTILE}'"),
                         encoding="utf-8")
    site = root / "site"
    assert build_all(data, site) == 0
    return site


def test_markup_in_data_is_text_in_pages_and_svg(hostile_site):
    role = (hostile_site / "roles" / "case-trial-office.html").read_text(encoding="utf-8")
    procedure = (hostile_site / "procedures" / "sample.html").read_text(encoding="utf-8")
    for page in (role, procedure):
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    svg = procedure[procedure.index('class="hb-swimlane"') : procedure.index("</svg>", procedure.index('class="hb-swimlane"'))]
    assert "&lt;/title&gt;" in svg and "<script" not in svg  # the SVG has a <title> of its own


def test_markup_in_a_document_title_is_text_where_it_is_listed_and_linked(hostile_site):
    """A document's title lands in a heading of 文件目录 and in the links of the entries that rest on
    it: text in both."""
    for page in ("sources.html", "terms/three-shifts.html"):
        text = (hostile_site / page).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, page
        assert "《&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text, page
        assert "49审理室" not in text, page


def test_jinja_in_data_is_never_evaluated(hostile_site):
    role = (hostile_site / "roles" / "case-trial-office.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in role
    assert "49审理室" not in role


def test_markup_in_data_is_text_in_the_pdf(hostile_site):
    text = poppler("pdftotext", hostile_site / "pdf" / "handbook.pdf", "-raw")
    assert HOSTILE in text.replace("\n", "")


def test_interrupted_build_leaves_site_whole(tmp_path, monkeypatch, builder):
    import macros.pdf

    site = tmp_path / "site"
    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    assert build_all(data, site) == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(macros.pdf, "build_pdfs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_all(data, site)
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "site"]  # the stage is gone too


@pytest.mark.usefixtures("builder")
def test_pages_outside_a_collapsed_navigation_stay_escaped(tmp_path):
    """Above the nav entry limit (settings.nav_entry_limit) a section lists only its index; its pages then take their titles from
    the page itself, which must stay text too."""
    from macros import site
    from macros.render.pages import Build
    from macros.resolve import load_handbook
    from macros.settings import Settings

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 案件审理室", f"name: '{HOSTILE}'"),
                     encoding="utf-8")
    documents = data / "documents.yaml"
    documents.write_text(documents.read_text(encoding="utf-8").replace("title: 示例工作规则", f"title: '{HOSTILE}'"),
                         encoding="utf-8")
    out = tmp_path / "site"
    handbook = load_handbook(data)
    site.build_site(Build(handbook, handbook.info.date, settings=Settings(nav_entry_limit=0)), PROJECT, tmp_path / "stage", out)
    role = (out / "roles" / "case-trial-office.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in role and "49审理室" not in role
    title = role[role.index("<title>") : role.index("</title>")]
    assert "&lt;/title&gt;&lt;script&gt;" in title
    index = (out / "roles" / "index.html").read_text(encoding="utf-8")
    nav = index[index.index('<nav class="md-nav md-nav--primary"') : index.index("</nav>")]
    assert "case-trial-office.html" not in nav  # not in the navigation …
    assert 'href="../roles/case-trial-office.html"' in index  # … but listed on the section's index page
