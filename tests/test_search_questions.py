"""Questions as newcomers type them, run through the site's search box in Chromium: for at least 95%
of them (tests/search_questions.yaml) the answer is in the first three results, that is in the text
they show or in the page sections they link to (what a reader sees, or reaches with one click).
Sections folded away under "N more on this page" do not count."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

QUESTIONS = yaml.safe_load((Path(__file__).parent / "search_questions.yaml").read_text(encoding="utf-8"))["questions"]
REQUIRED_SHARE = 0.95


def plain(html: str) -> str:
    # the index keeps jieba's cuts as zero-width spaces, which a reader does not see
    return re.sub(r"<[^>]*>", "", html).replace("\u200b", "").replace("\n", "")


def section_texts(site: Path) -> dict[str, str]:
    """Search location (page or page#section) -> the text of that part of the page."""
    from macros.site.search import search_documents

    docs = search_documents(site)
    return {doc["location"]: plain(f"{doc['title']} {doc['text']}") for doc in docs}


def top_results(page, query: str, count: int = 3) -> list[dict]:
    """Type a query into the open search dialog; for each of the first results, its visible text and
    the search locations of its visible links."""
    page.evaluate("document.querySelector('.md-search-result__list').innerHTML = ''")
    field = page.locator("input.md-search__input")
    field.fill(query)
    field.press("End")  # Material reads the field on keyup
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
    page.wait_for_timeout(50)  # the first items arrive together; let them all render
    results = page.eval_on_selector_all(".md-search-result__item", """(items, count) => items.slice(0, count)
        .map(item => ({
          text: item.innerText,
          links: [...item.querySelectorAll(':scope > a.md-search-result__link')].map(a => a.href),
          title: (item.querySelector('h1') || item).innerText,
        }))""", count)
    for result in results:
        result["text"] = plain(result["text"])
        result["title"] = plain(result["title"])
        result["locations"] = [location(href) for href in result.pop("links")]
    return results


def location(href: str) -> str:
    """The search location of a result link: its path below the site, and its anchor."""
    parts = urlsplit(href)
    path = parts.path.split("/handbook/", 1)[-1].split("/site/", 1)[-1]
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def answers(result: dict, expect: str, sections: dict[str, str]) -> bool:
    return expect in result["text"] or any(expect in sections.get(loc, "") for loc in result["locations"])


@pytest.fixture(scope="module")
def search_page(browser, served_site):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # the deep link opens the dialog once the index is ready
    page.goto(f"{served_site}index.html?q=%E5%87%BD%E8%AF%A2")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=30000)
    page.errors = errors
    yield page
    context.close()


def test_the_question_set_is_large_and_well_formed():
    assert len(QUESTIONS) >= 40
    for question in QUESTIONS:
        assert set(question) >= {"q", "expect", "where", "source"}, question
        assert 2 <= len(question["expect"]) <= 20, question


def test_every_expected_answer_is_still_in_the_data():
    """An answer reworded in data/ (an audit's fix) leaves its question unanswerable: reword the
    question set's expect with it."""
    from macros.cli import PROJECT

    data = "".join(path.read_text(encoding="utf-8") for path in sorted((PROJECT / "data").rglob("*.yaml")))
    assert [q["expect"] for q in QUESTIONS if q["expect"] not in data] == []


def test_newcomers_questions_find_their_answer_in_the_first_three_results(search_page, built_site):
    sections = section_texts(built_site)
    misses = []
    for question in QUESTIONS:
        results = top_results(search_page, question["q"])
        if not any(answers(result, question["expect"], sections) for result in results):
            firsts = " | ".join(result["title"] for result in results)
            misses.append(f"{question['q']} → 应含“{question['expect']}”（{question['where']}），前三条：{firsts}")
    hits = len(QUESTIONS) - len(misses)
    print(f"\n{hits}/{len(QUESTIONS)} 个问题的答案在前三条结果中", *misses, sep="\n")  # pytest -s shows them
    assert hits >= REQUIRED_SHARE * len(QUESTIONS), f"{hits}/{len(QUESTIONS)}：\n" + "\n".join(misses)
    assert search_page.errors == []


def test_every_alias_finds_its_entry(search_page, handbook):
    """Any name the data gives a role or a term, typed alone, leads to that entry in the first three
    results (as a result or one of its shown sections)."""
    from macros.render import Linker

    link = Linker(0)
    cases = [(alias, link.link(role)) for role in handbook.roles for alias in role.aliases]
    cases += [(alias, link.link(term)) for term in handbook.terms for alias in term.aliases]
    misses = [f"{alias} → {target}" for alias, target in cases
              if not any(target in result["locations"] for result in top_results(search_page, alias))]
    assert cases and misses == [], misses
