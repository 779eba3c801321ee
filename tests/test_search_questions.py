"""Questions as newcomers type them, run through the site's search box in Chromium: the answer must
be in the text of the first three results for at least 95% of them (tests/search_questions.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .test_search_browser import CHROMIUM, FLAGS

QUESTIONS = yaml.safe_load((Path(__file__).parent / "search_questions.yaml").read_text(encoding="utf-8"))["questions"]
REQUIRED_SHARE = 0.95


def top_results(page, query: str, count: int = 3) -> list[str]:
    """Type a query into the open search dialog; the visible text of the first results."""
    page.evaluate("document.querySelector('.md-search-result__list').innerHTML = ''")
    field = page.locator("input.md-search__input")
    field.fill(query)
    field.press("End")  # Material reads the field on keyup
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
    page.wait_for_timeout(50)  # the first items arrive together; let them all render
    items = page.locator(".md-search-result__item")
    # the index keeps jieba's cuts as zero-width spaces, which a reader does not see
    return [items.nth(i).inner_text().replace("\u200b", "") for i in range(min(count, items.count()))]


@pytest.fixture(scope="module")
def search_page(served_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # the deep link opens the dialog once the index is ready
        page.goto(f"{served_site}index.html?q=%E5%87%BD%E8%AF%A2")
        page.wait_for_selector(".md-search-result__item", state="attached", timeout=30000)
        page.errors = errors
        yield page
        browser.close()


def test_the_question_set_is_large_and_well_formed():
    assert len(QUESTIONS) >= 40
    for question in QUESTIONS:
        assert set(question) >= {"q", "expect", "where", "source"}, question
        assert 2 <= len(question["expect"]) <= 20, question


def test_newcomers_questions_find_their_answer_in_the_first_three_results(search_page):
    misses = []
    for question in QUESTIONS:
        texts = top_results(search_page, question["q"])
        if not any(question["expect"] in text.replace("\n", "") for text in texts):
            firsts = " | ".join(text.split("\n", 1)[0] for text in texts)
            misses.append(f"{question['q']} → 应含“{question['expect']}”（{question['where']}），前三条：{firsts}")
    hits = len(QUESTIONS) - len(misses)
    print(f"\n{hits}/{len(QUESTIONS)} 个问题的答案在前三条结果中")
    assert hits >= REQUIRED_SHARE * len(QUESTIONS), f"{hits}/{len(QUESTIONS)}：\n" + "\n".join(misses)
    assert search_page.errors == []
