"""Chinese search and page rendering in real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from macros.cli import PROJECT


def search(page, base_url: str, query: str) -> list[str]:
    """Run a query through Material's search in the browser (its ?q= deep link fills the search
    field once the index is ready, so the test does not race the worker)."""
    page.goto(f"{base_url}index.html?q={quote(query)}")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
    # one link per result (a result is a page; its sections' links are not further results)
    return page.eval_on_selector_all(".md-search-result__item > a:first-of-type",
                                     "els => els.map(e => e.getAttribute('href'))")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("事故调查", "procedures/accident-investigation.html"),
        ("责任追究组", "roles/accountability-team.html"),
        ("巡察准备", "procedures/inspection-tour.html"),
        ("函询", "procedures/inquiry-letter.html"),
        ("诫勉谈话", "procedures/admonition-talks.html"),
        ("容错纠错", "procedures/fault-tolerance.html"),
        ("销账", "terms/five-accounts.html"),
        ("派驻", "roles/stationed-group.html"),
        ("室组地", "terms/room-group-region.html"),  # a term lands on its own page
    ],
)
def test_chinese_query_finds_the_right_page(page, served_site, query, expected):
    hrefs = search(page, served_site, query)
    assert any(expected in href for href in hrefs[:5]), hrefs[:5]


def test_a_broad_question_counts_the_pages_it_lists_as_the_most_relevant(page, served_site):
    """The worker loads at most MOST_PAGES pages for a question, so the line above the results does
    not claim that the pages it counts are all the pages that match."""
    worker = (PROJECT / "docs" / "assets" / "javascripts" / "workers" / "handbook-search.js").read_text(encoding="utf-8")
    most_pages = int(re.search(r"const MOST_PAGES = (\d+)", worker)[1])
    search(page, served_site, "纪委")
    meta = page.locator(".md-search-result__meta").inner_text().strip()
    shown = page.eval_on_selector_all(".md-search-result__item", "els => els.length")
    counted = re.fullmatch(r"(\d+) 个最相关的结果", meta)
    assert counted, meta
    assert 1 < int(counted[1]) <= most_pages and shown <= int(counted[1])


def test_results_carry_no_invisible_characters(page, served_site):
    """The index keeps jieba's cuts as zero-width spaces; a reader who copies a result's title or
    text must not copy them along."""
    search(page, served_site, "函询")
    shown = page.eval_on_selector_all(".md-search-result__item", "els => els.map(e => e.textContent)")
    assert shown and "函询" in "".join(shown)
    assert not any("\u200b" in text for text in shown)


def test_procedure_page_renders_without_console_errors_under_a_sub_path(page, served_site):
    page.goto(served_site + "procedures/accident-investigation.html")
    assert page.locator("h1").first.inner_text().rstrip("¶") == "重大生产安全责任事故参与调查处置"
    assert page.locator("#step-transfer-for-trial").count() == 1
    assert page.errors == []


def test_glossary_tooltip_appears_on_a_procedure_page(page, served_site):
    page.goto(served_site + "procedures/clue-handling.html")
    term = page.locator("abbr.hb-term").first
    assert term.get_attribute("title").startswith(term.inner_text() + "：")
    assert page.locator("h1 abbr, h2 abbr, a abbr").count() == 0
    term.hover()
    page.wait_for_selector(".md-tooltip2, .md-tooltip", state="attached", timeout=5000)
    assert page.errors == []


def test_pages_render_without_console_errors(page, served_site, handbook):
    paths = ["index.html", "start.html", "matrix.html", "time-limits.html", "glossary.html", "topics/index.html",
             "coverage.html", "checklists/accident-accountability.html", "roles/supervision-office.html"]
    for path in paths:
        page.goto(served_site + path)
        assert page.locator("h1").count() >= 1, path
    assert page.errors == []


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PAGE_KINDS = ["index.html", "start.html", "procedures/accident-investigation.html", "roles/supervision-office.html",
              "checklists/accident-accountability.html", "glossary.html", "matrix.html", "time-limits.html",
              "courses/new-cadres.html", "coverage.html", "topics/index.html", "topics/case-quality-standard.html",
              "roles/index.html", "procedures/index.html"]


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_no_serious_accessibility_violations(page, served_site, path):
    assert AXE.exists(), "axe-core 未安装：make test 会用 npm ci 安装它"
    page.goto(served_site + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}（{v['impact']}）：{v['help']} — {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)
