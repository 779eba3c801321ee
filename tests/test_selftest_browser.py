"""The self-test on each course page (docs/assets/selftest.js), in Debian's Chromium: scored on
handing in, each answer shown with its basis, 重新测试 and a result sheet that prints on its own;
nothing sent, nothing stored, under the site's Content-Security-Policy; and the question banks the
build writes beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.export.moodle import moodle_xml
from macros.export.xlsx import question_sheet
from macros.resolve.selftest import bank_path, self_test

from .conftest import open_page, under_shipped_policy
from .test_search_browser import AXE

COURSE = "new-cadres"


def course_page(course_id: str) -> str:
    return f"courses/{course_id}.html"


def answer_all(page, right: bool) -> None:
    """Choose the right option of every question, or a wrong one."""
    page.evaluate("""right => document.querySelectorAll("fieldset.hb-q").forEach(q => {
        const answer = Number(q.dataset.answer);
        const radios = q.querySelectorAll("input[type=radio]");
        radios[right ? answer : (answer + 1) % radios.length].click();
    })""", right)


def hand_in(page) -> str:
    page.get_by_role("button", name="交卷评分", exact=True).click()
    return page.locator(".hb-selftest-result").inner_text()


@pytest.mark.parametrize("course_id", ["new-cadres", "inspection-staff", "stationed-groups",
                                       "room-group-region-joint-work", "case-quality-safety"])
def test_all_right_scores_100_and_all_wrong_0(page, served_site, handbook, course_id):
    page.goto(served_site + course_page(course_id))
    total = len(self_test(handbook.course(course_id), handbook))
    answer_all(page, right=True)
    result = hand_in(page)
    assert "得分：100 分" in result and f"共 {total} 题：答对 {total} 题，答错 0 题，未答 0 题" in result
    assert page.locator(".hb-q--right").count() == total
    page.get_by_role("button", name="重新测试", exact=True).click()
    answer_all(page, right=False)
    result = hand_in(page)
    assert "得分：0 分" in result and f"答对 0 题，答错 {total} 题" in result
    assert page.locator(".hb-q--wrong").count() == total
    assert page.errors == []


def test_each_answer_shows_the_right_one_its_basis_and_a_proposal_s_standing(page, served_site, built_site, handbook):
    course = handbook.course(COURSE)
    questions = self_test(course, handbook)
    page.goto(served_site + course_page(COURSE))
    assert page.locator(".hb-q-feedback:visible").count() == 0  # nothing given away before handing in
    page.locator("fieldset.hb-q").first.locator("input[type=radio]").nth(questions[0].correct).check()
    result = hand_in(page)
    assert f"未答 {len(questions) - 1} 题" in result and "答错和未答的题：第 2 题" in result
    for q in questions:
        fieldset = page.locator(f"#course-{COURSE}-q{q.number}")
        feedback = fieldset.locator(".hb-q-feedback")
        assert feedback.is_visible()
        text = feedback.inner_text()
        assert text.startswith("回答正确。" if q.number == 1 else "未作答。"), text
        assert f"正确答案：{q.letter + '．' if q.kind == 'choice' else ''}{q.answer}" in text
        assert "（正确答案）" in fieldset.locator("label").nth(q.correct).inner_text() or q.number == 1
        assert ("依据：" in text) == bool(q.proposals), q.text
        for source in q.proposals:
            assert source.standing_brief in text
        # the basis links to the step, topic or term the answer rests on, which is there
        href = feedback.locator(".hb-q-about a").get_attribute("href")
        target, _, anchor = href.partition("#")
        linked = (built_site / "courses" / target).resolve()
        assert linked.is_file(), href
        if anchor:
            assert f'id="{anchor}"' in linked.read_text(encoding="utf-8"), href
    assert page.errors == []


def test_focus_goes_to_the_score_and_retry_starts_afresh(page, served_site):
    page.goto(served_site + course_page(COURSE))
    answer_all(page, right=True)
    hand_in(page)
    assert page.evaluate("document.activeElement.classList.contains('hb-selftest-result')")
    # answers are locked once handed in
    assert page.locator("fieldset.hb-q[disabled]").count() == page.locator("fieldset.hb-q").count()
    page.get_by_role("button", name="重新测试", exact=True).click()
    assert page.locator("input[type=radio]:checked").count() == 0
    assert page.locator(".hb-q-feedback:visible, .hb-selftest-result:visible, .hb-q-mark").count() == 0
    assert page.get_by_role("button", name="交卷评分", exact=True).is_visible()
    assert not page.get_by_role("button", name="重新测试", exact=True).is_visible()
    assert page.evaluate("document.activeElement.type") == "radio"
    assert page.errors == []


def test_every_option_has_a_label_and_every_question_a_legend(page, served_site, handbook):
    course = handbook.course(COURSE)
    page.goto(served_site + course_page(COURSE))
    for q in self_test(course, handbook)[:8]:
        group = page.get_by_role("group", name=re.compile(re.escape(q.text)))
        assert group.count() == 1, q.text
        for option in q.options:
            assert group.get_by_role("radio", name=option, exact=False).count() >= 1, option
    assert page.errors == []


def test_handing_in_sends_and_keeps_nothing(page, served_site):
    requests = []
    page.goto(served_site + course_page(COURSE))
    page.wait_for_load_state("networkidle")  # the page's own assets and the search worker's start
    url = page.url
    page.on("request", lambda request: requests.append(request.url))
    answer_all(page, right=False)
    page.keyboard.press("Enter")  # an Enter in the form must not submit it anywhere either
    hand_in(page)
    page.get_by_role("button", name="重新测试", exact=True).click()
    assert requests == [] and page.url == url
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.errors == []


def test_the_result_sheet_prints_on_its_own(page, served_site):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(served_site + course_page(COURSE))
    answer_all(page, right=True)
    hand_in(page)
    page.get_by_role("button", name="打印成绩单", exact=True).click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".hb-course", ".hb-selftest-tools",
                     ".hb-selftest-banks", "button"):
        hidden = page.locator(selector).evaluate_all("els => els.every(e => !e.checkVisibility())")
        assert hidden, f"打印成绩单时仍显示 {selector}"
    for selector in ("h1", f"#course-{COURSE}-self-test", ".hb-selftest-result", ".hb-q-feedback", ".hb-page-footer"):
        assert page.locator(selector).first.is_visible(), selector
    # after the dialog the whole page prints again, as Ctrl+P would
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(".hb-course").is_visible()
    assert page.errors == []


def test_the_self_test_works_under_the_content_security_policy(browser, served_site):
    context = browser.new_context()
    under_shipped_policy(context)
    page = open_page(context)
    page.goto(served_site + course_page(COURSE))
    answer_all(page, right=True)
    assert "得分：100 分" in hand_in(page)
    page.get_by_role("button", name="重新测试", exact=True).click()
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
    context.close()


def test_no_serious_accessibility_violations_after_handing_in(page, served_site):
    page.goto(served_site + course_page(COURSE))
    answer_all(page, right=False)
    page.locator("fieldset.hb-q").first.locator("input[type=radio]").first.check()
    hand_in(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}（{v['impact']}）：{v['help']} — {v['nodes'][0]['target']}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(serious)


def test_banks_are_linked_and_built_as_generated(built_site, handbook):
    """The files the build wrote are the bytes the generator gives (rendered again here: same data,
    same bytes), and the course page links them."""
    for course in handbook.courses:
        questions = self_test(course, handbook)
        page = (built_site / course_page(course.id)).read_text(encoding="utf-8")
        for suffix, content in ((".xml", moodle_xml(handbook, course, questions)),
                                (".xlsx", question_sheet(questions, handbook.info.date))):
            path = bank_path(course, suffix)
            assert (built_site / path).read_bytes() == content, path
            assert f'href="../{path}" download' in page


def test_the_quiz_stays_out_of_the_search_index(built_site, handbook):
    from macros.site.search import search_documents

    texts = " ".join(f"{doc['title']} {doc['text']}" for doc in search_documents(built_site)
                     if doc["location"].startswith("courses/"))
    for course in handbook.courses:
        for q in self_test(course, handbook):
            assert q.text not in texts, q.text
    assert "自测题" in texts  # the section itself is found


def test_offline_copy_scores_from_the_folder(page, built_site, tmp_path, handbook):
    """Unzipped and opened from its folder (file://): the questions are in the page, no fetch needed."""
    import zipfile

    from macros.publish.bundle import FOLDER, ZIP_PATH

    with zipfile.ZipFile(built_site / ZIP_PATH) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / f"{FOLDER}-{handbook.info.date}"
    page.goto((folder / course_page(COURSE)).as_uri())
    answer_all(page, right=True)
    assert "得分：100 分" in hand_in(page)
    for suffix in (".xml", ".xlsx"):
        assert (folder / bank_path(handbook.course(COURSE), suffix)).is_file()
    assert page.errors == []


def test_site_has_the_script_and_style(built_site):
    page = (built_site / course_page(COURSE)).read_text(encoding="utf-8")
    assert 'src="../assets/selftest.js"' in page and 'href="../assets/selftest.css"' in page
    assert Path(built_site / "assets" / "selftest.js").is_file()
