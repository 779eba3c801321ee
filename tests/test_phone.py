"""Pages read on a phone (390 px wide) and print cleanly, checked in headless Chromium (Debian's)."""

from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
PRINT = {"width": 460, "height": 900}  # narrower than the accident swimlane (504 px), like a page

# One page of every kind; add a path here for each new kind of page.
PAGES = [
    "index.html",
    "start.html",
    "procedures/accident-investigation.html",
    "roles/supervision-office.html",
    "checklists/accident-accountability.html",
    "glossary.html",
    "matrix.html",
    "time-limits.html",
    "topics/index.html",
    "topics/facts-stationed-2015.html",
    "courses/new-cadres.html",
    "coverage.html",
    "sources.html",
    "roles/index.html",
    "procedures/index.html",
    "checklists/index.html",
    "courses/index.html",
]

# Cells allowed to be narrower than 4em. On phones the checklist table (checklist_body.html,
# checklist.css) turns each row into a card whose first two cells are a gutter holding the checkbox
# and the item number: one control or a number, never text that could wrap.
NARROW_BY_DESIGN = [".hb-checklist-table td.hb-tick", ".hb-checklist-table td:nth-child(2)"]

OVERFLOW = """() => [document.documentElement, document.body].map(e => [e.scrollWidth, e.clientWidth])"""

# Visible td/th in the content narrower than 4em (4 × its own font size), with what they hold.
NARROW_CELLS = """(allowed) => {
  const narrow = [];
  for (const cell of document.querySelectorAll('.md-content td, .md-content th')) {
    if (!cell.checkVisibility() || allowed.some(s => cell.matches(s))) continue;
    const width = cell.getBoundingClientRect().width;
    const min = 4 * parseFloat(getComputedStyle(cell).fontSize);
    if (width < min) narrow.push(`${cell.closest('table').className} ${cell.tagName} `
                                 + `「${cell.textContent.trim().slice(0, 12)}」 ${width.toFixed(0)} < ${min.toFixed(0)} px`);
  }
  return narrow;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_on_a_phone(phone, served_site, path):
    phone.goto(served_site + path)
    (doc_scroll, doc_width), (body_scroll, body_width) = phone.evaluate(OVERFLOW)
    assert doc_scroll <= doc_width, f"页面横向溢出：{doc_scroll} > {doc_width} px"
    assert body_scroll <= body_width, f"页面横向溢出：{body_scroll} > {body_width} px"
    # The matrix has no scroll box on phones (one card per role), so its cells are all measured;
    # its header row is not displayed there. test_matrix_headers_are_horizontal_on_a_desktop
    # measures the header row where it is shown.
    assert phone.evaluate(NARROW_CELLS, NARROW_BY_DESIGN) == []


def test_step_table_is_one_labelled_card_per_step_on_a_phone(phone, served_site):
    phone.goto(served_site + "procedures/accident-investigation.html")
    row = phone.locator(".hb-step-table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "flex"
    labels = row.evaluate("""tr => [...tr.querySelectorAll('td[data-label]')].filter(td => td.checkVisibility())
                                  .map(td => getComputedStyle(td, '::before').content)""")
    assert labels[:2] == ['"承办"', '"形成文书"']
    assert phone.locator(".hb-step-table thead").is_hidden()


def test_matrix_is_one_card_per_role_on_a_phone(phone, served_site):
    phone.goto(served_site + "matrix.html")
    card = phone.locator(".hb-matrix tbody tr").filter(has_text="纪检监察室").first
    parts = card.evaluate("""tr => [...tr.querySelectorAll('td a')].map(a =>
                                 a.textContent + getComputedStyle(a, '::after').content)""")
    assert '牵头"重大生产安全责任事故参与调查处置"' in parts
    assert card.locator("td:empty").first.is_hidden()


def test_swimlane_scrolls_in_its_own_box_at_natural_size(phone, served_site):
    phone.goto(served_site + "procedures/accident-investigation.html")
    svg = phone.locator("svg.hb-swimlane")
    natural = float(svg.get_attribute("width"))
    assert svg.evaluate("s => s.getBoundingClientRect().width") == pytest.approx(natural, abs=1)
    box = phone.locator(".hb-swimlane-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'")
    assert box.evaluate("b => b.getBoundingClientRect().right") <= PHONE["width"]


def test_a_hint_says_when_a_figure_or_table_runs_off_the_side(browser, served_site):
    """Shown only while the box holding it is narrower than what it holds (docs/assets/scroll-hint.js)."""
    seen = {}
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for path in ("procedures/accident-investigation.html", "procedures/clue-handling.html", "matrix.html"):
            page.goto(served_site + path)
            hint = page.locator(".hb-scroll-hint")
            assert hint.count() == 1
            seen[name, path] = hint.is_visible()
        context.close()
    assert seen == {
        ("phone", "procedures/accident-investigation.html"): True,  # three lanes, 504 px
        ("phone", "procedures/clue-handling.html"): False,  # two lanes fit
        ("phone", "matrix.html"): False,  # one card per role
        ("desktop", "procedures/accident-investigation.html"): False,
        ("desktop", "procedures/clue-handling.html"): False,
        ("desktop", "matrix.html"): True,  # 18 procedures across
    }


def test_matrix_headers_are_horizontal_on_a_desktop(browser, served_site):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_site + "matrix.html")
    assert page.evaluate(NARROW_CELLS, []) == []  # at least four characters to a line
    heads = page.eval_on_selector_all(".hb-matrix thead th", """ths => ths.map(th => {
        const s = getComputedStyle(th);
        return [s.position, s.writingMode];
    })""")
    assert heads and all(h == ["sticky", "horizontal-tb"] for h in heads), heads
    assert page.evaluate("getComputedStyle(document.querySelector('.hb-matrix tbody th')).position") == "sticky"
    context.close()


def test_printing_a_procedure_page_shows_the_content_only(browser, served_site):
    context = browser.new_context(viewport=PRINT)
    page = context.new_page()
    page.goto(served_site + "procedures/accident-investigation.html")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search",
                   ".md-footer", ".headerlink"):
        shown = page.eval_on_selector_all(chrome, "els => els.filter(e => e.checkVisibility()).length")
        assert shown == 0, chrome
    body, content = page.evaluate("""[document.body, document.querySelector('.md-content')]
                                     .map(e => e.getBoundingClientRect().width)""")
    assert content == pytest.approx(body, abs=1)
    svg = page.evaluate("document.querySelector('svg.hb-swimlane').getBoundingClientRect().width")
    assert svg <= content  # scaled to the page, only in print
    assert page.evaluate("getComputedStyle(document.querySelector('.md-typeset td a')).textDecorationLine") == "underline"
    context.close()


def test_the_sidebar_fits_one_screen_on_a_desktop(browser, served_site, handbook):
    """Groups are collapsed until opened, so on every page kind, and on a page deep inside the
    largest group, the navigation is no longer than the window."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    largest = max((group for _label, group in handbook.roles_by_kind()), key=len)
    too_long = []
    for path in [*PAGES, f"roles/{largest[-1].id}.html", f"procedures/{handbook.procedures[-1].id}.html"]:
        page.goto(served_site + path)
        # where the last entry ends, clipped or not (the sidebar scrolls when it is too long)
        bottom = page.evaluate("""() => {
            const entries = document.querySelectorAll('.md-sidebar--primary .md-nav__link');
            const shown = [...entries].filter(e => e.checkVisibility({checkVisibilityCSS: true, checkOpacity: true}) && e.getBoundingClientRect().height > 0);
            return Math.max(...shown.map(e => e.getBoundingClientRect().bottom));
        }""")
        if bottom > DESKTOP["height"]:
            too_long.append(f"{path}: {bottom:.0f} px")
    context.close()
    assert too_long == [], too_long
