"""Checklist pages keep ticks, notes and sign-off fields in the browser (docs/assets/checklist.js),
in real headless Chromium (Debian's /usr/bin/chromium), and print as a filled-in form."""

from __future__ import annotations

import html
import re

import pytest

from macros.render import Output
from macros.render.pages import Build

from .conftest import open_page, under_shipped_policy

CHECKLIST = "accident-accountability"
PAGE = f"checklists/{CHECKLIST}.html"
KEY_PREFIX = "/handbook/hb-checklist:"

STORED = f"""() => Object.keys(localStorage).filter(k => k.startsWith("{KEY_PREFIX}")).sort()"""


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    return open_page(context)


@pytest.fixture(scope="module")
def checklist(handbook):
    return next(c for c in handbook.checklists if c.id == CHECKLIST)


def tick(page, number: int):
    return page.get_by_role("checkbox", name=re.compile(f"^第 {number} 项："))


def note(page, number: int):
    return page.get_by_role("textbox", name=f"第 {number} 项备注", exact=True)


def status(page) -> str:
    return page.locator(".hb-checklist-status").inner_text()


def fill_in(page):
    tick(page, 1).check()
    tick(page, 3).check()
    note(page, 3).fill("方案已报批，<b>待批示</b>")
    page.get_by_label("检查人").fill("张三")
    page.get_by_label("日期").fill("2026-11-23")


def test_ticks_notes_and_sign_off_survive_a_reload(page, served_site, checklist, handbook):
    page.goto(served_site + PAGE)
    total = len(checklist.items)
    assert status(page) == f"已完成 0/{total} 项，勾选和备注会自动保存在本浏览器"
    fill_in(page)
    assert status(page) == f"已完成 2/{total} 项，已保存在本浏览器"

    page.reload()
    assert tick(page, 1).is_checked() and tick(page, 3).is_checked()
    assert not tick(page, 2).is_checked()
    assert note(page, 3).input_value() == "方案已报批，<b>待批示</b>"
    assert note(page, 1).input_value() == ""
    assert page.get_by_label("检查人").input_value() == "张三"
    assert page.get_by_label("日期").input_value() == "2026-11-23"
    assert status(page) == f"已完成 2/{total} 项，已保存在本浏览器"
    # The note is text, never markup.
    assert page.locator(".hb-checklist b").count() == 0

    # One key per site path, edition and checklist.
    assert page.evaluate(STORED) == [f"{KEY_PREFIX}{handbook.info.edition}:{CHECKLIST}"]
    assert page.errors == []


def test_a_tap_on_an_item_s_text_ticks_it_and_the_box_is_large_enough(page, served_site, checklist):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served_site + PAGE)
    page.locator("label", has_text=checklist.items[1].text).click()
    assert tick(page, 2).is_checked() and not tick(page, 1).is_checked()
    box = tick(page, 1).bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    assert status(page).startswith(f"已完成 1/{len(checklist.items)} 项")


def test_checklists_show_a_basis_column_only_where_an_item_has_a_basis(built_site, handbook):
    """依据 links an item to its step, procedure or duty; a checklist none of whose items has one
    has no such column (it was an empty column down the whole form)."""
    for listed in handbook.checklists:
        page = (built_site / "checklists" / f"{listed.id}.html").read_text(encoding="utf-8")
        based = any(item.procedure or item.duty for item in listed.items)
        assert ('<th class="hb-basis">依据</th>' in page) == based, listed.id
        assert page.count('<td class="hb-basis">') == (len(listed.items) if based else 0), listed.id
    assert any(not any(item.procedure or item.duty for item in c.items) for c in handbook.checklists)


def test_status_is_announced_politely_and_follows_ticks(page, served_site, checklist):
    page.goto(served_site + PAGE)
    line = page.locator(".hb-checklist-status")
    assert line.get_attribute("role") == "status" and line.get_attribute("aria-live") == "polite"
    for number in (2, 4, 5):
        tick(page, number).check()
    assert status(page).startswith(f"已完成 3/{len(checklist.items)} 项")
    tick(page, 4).uncheck()
    assert status(page).startswith(f"已完成 2/{len(checklist.items)} 项")
    assert page.errors == []


def test_a_new_edition_starts_clean(page, served_site, handbook):
    page.goto(served_site + PAGE)
    fill_in(page)
    old_key = f"{KEY_PREFIX}{handbook.info.edition}:{CHECKLIST}"
    assert page.evaluate(STORED) == [old_key]

    # The same page as the next edition will publish it.
    current = f'data-edition="{html.escape(handbook.info.edition)}"'

    def next_edition(route):
        response = route.fetch()
        body = response.text()
        assert current in body
        route.fulfill(response=response, body=body.replace(current, 'data-edition="第 2 版"'))

    page.route(f"**/{PAGE}", next_edition)
    page.reload()
    assert page.locator(".hb-checklist").get_attribute("data-edition") == "第 2 版"
    assert not tick(page, 1).is_checked() and not tick(page, 3).is_checked()
    assert note(page, 3).input_value() == ""
    assert page.get_by_label("检查人").input_value() == ""
    assert status(page).startswith("已完成 0/")
    # The old edition's state is gone, not merely hidden: nothing could show or clear it any more.
    assert page.evaluate(STORED) == []
    tick(page, 2).check()
    assert page.evaluate(STORED) == [f"{KEY_PREFIX}第 2 版:{CHECKLIST}"]
    assert page.errors == []


def test_clear_asks_then_empties_everything(page, served_site):
    page.goto(served_site + PAGE)
    fill_in(page)
    clear = page.get_by_role("button", name="清空", exact=True)

    page.once("dialog", lambda dialog: dialog.dismiss())
    clear.click()
    assert tick(page, 1).is_checked() and page.evaluate(STORED) != []

    messages: list[str] = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    clear.click()
    assert messages and "清空" in messages[0]
    assert page.locator(".hb-checklist input[type=checkbox]:checked").count() == 0
    assert note(page, 3).input_value() == "" and page.get_by_label("检查人").input_value() == ""
    assert status(page).startswith("已清空。已完成 0/")
    assert page.evaluate(STORED) == []

    page.reload()
    assert page.locator(".hb-checklist input[type=checkbox]:checked").count() == 0
    assert note(page, 3).input_value() == ""
    assert page.get_by_label("日期").input_value() == ""
    assert page.errors == []


def test_another_tab_sees_the_changes(context, served_site):
    first, second = open_page(context), open_page(context)
    first.goto(served_site + PAGE)
    second.goto(served_site + PAGE)
    tick(first, 6).check()
    note(first, 6).fill("已呈报")
    second.wait_for_function("document.querySelectorAll('.hb-checklist input:checked').length === 1")
    assert tick(second, 6).is_checked() and note(second, 6).input_value() == "已呈报"
    assert first.errors == [] and second.errors == []


def test_print_shows_the_filled_form_and_sign_off_only(page, served_site):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(served_site + PAGE)
    fill_in(page)
    page.get_by_role("button", name="打印本表", exact=True).click()
    assert page.evaluate("window.__printed") == 1

    for label in ("事项名称", "检查人", "复核人", "日期"):
        assert page.get_by_label(label).is_visible(), label
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer",
                     ".hb-checklist-tools", ".hb-downloads", "button"):
        hidden = page.locator(selector).evaluate_all("els => els.every(e => !e.checkVisibility())")
        assert hidden, f"打印时仍显示 {selector}"
    assert page.locator(".hb-checklist-table").is_visible()
    assert tick(page, 3).is_visible() and tick(page, 3).is_checked()
    # Printed fields show their whole text, not a cut-off input box.
    assert page.locator("tr[data-item] .hb-print-value:visible").all_inner_texts() == ["方案已报批，<b>待批示</b>"]
    signoff = page.locator(".hb-checklist-signoff")
    assert signoff.is_visible()
    text = signoff.inner_text()
    for label in ("事项名称", "检查人", "复核人", "日期"):
        assert label in text
    assert "张三" in text and "2026 年 11 月 23 日" in text
    assert page.errors == []


def test_without_storage_ticks_still_work_and_the_page_says_so(context, served_site, checklist):
    """Private modes and some file:// pages refuse to store anything."""
    context.add_init_script("""Storage.prototype.setItem = function () {
        throw new DOMException("refused", "QuotaExceededError"); };""")
    page = open_page(context)
    page.goto(served_site + PAGE)
    tick(page, 1).check()
    note(page, 1).fill("记一笔")
    assert tick(page, 1).is_checked()
    assert status(page).startswith(f"已完成 1/{len(checklist.items)} 项。无法保存")
    page.reload()
    assert not tick(page, 1).is_checked()
    assert page.errors == []


def test_checklist_works_under_the_content_security_policy(context, served_site):
    """The shipped policy forbids inline scripts and styles: using the checklist must trip none."""
    under_shipped_policy(context)
    page = open_page(context)
    page.goto(served_site + PAGE)
    fill_in(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="清空", exact=True).click()
    assert status(page).startswith("已清空。")
    page.emulate_media(media="print")
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_every_field_has_a_name_with_its_item_number(page, served_site, checklist):
    page.goto(served_site + PAGE)
    for item in checklist.items:
        assert tick(page, item.number).count() == 1, item.number
        assert note(page, item.number).count() == 1, item.number
    assert page.locator(".hb-checklist button:not([type=button])").count() == 0
    assert page.errors == []


def test_print_medium_keeps_the_plain_form(handbook):
    """The PDFs use the same template: box spans, no fields, no buttons, no browser state."""
    build = Build(handbook, handbook.info.date)
    for checklist in handbook.checklists:
        text = build.show(Output.for_print(handbook), checklist, 2)
        assert text.count('<span class="hb-box"></span>') == len(checklist.items)
        assert text.count('<td class="hb-line">') == 4  # sign-off lines to fill in by hand
        for web_only in ("<input", "<button", "<fieldset", "data-edition", "data-item", "hidden", "md-button"):
            assert web_only not in text, web_only


def test_without_any_storage_access_the_checklist_still_works(context, served_site, checklist):
    """Where merely reading window.localStorage throws (some file:// pages, storage blocked by policy)."""
    context.add_init_script("""Object.defineProperty(window, "localStorage", {
        get() { throw new DOMException("storage refused", "SecurityError"); } });""")
    page = context.new_page()
    stacks: list[str] = []
    page.on("pageerror", lambda exc: stacks.append(exc.stack or str(exc)))
    page.goto(served_site + PAGE)
    tick(page, 2).check()
    note(page, 2).fill("记一笔")
    assert status(page).startswith(f"已完成 1/{len(checklist.items)} 项。无法保存")
    # The theme's own palette script may trip over the missing storage; this one must not.
    assert [s for s in stacks if "checklist.js" in s] == [], stacks
