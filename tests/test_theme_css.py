"""Material's stylesheet, cut to what the site uses (macros/site/theme.py), styles every element as
the untouched one does: each page of the list is opened twice in Chromium, once as built and once
with Material's own stylesheet served in place of the cut one, and every element's computed style
(and its ::before and ::after) is compared, on a desktop, on a phone, in print, with the search
dialog showing results and with a glossary tooltip open. It also checks the cut itself, on CSS
written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.site import theme

PAGES = [
    "index.html",
    "procedures/accident-investigation.html",
    "roles/supervision-office.html",
    "checklists/accident-accountability.html",
    "terms/room-group-region.html",
    "glossary.html",
    "matrix.html",
    "time-limits.html",
    "topics/index.html",
    "courses/new-cadres.html",
]
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every element of the page (with its ::before and ::after): each computed property's value, in the
# order of the names it sends. Custom properties (--md-…) are left out: they style nothing themselves, what they
# set shows in the properties that read them, and those that nothing reads are what the cut removes.
# A pseudo-element with no content is not drawn, so its content alone is compared. The same style
# recurs on many elements: each distinct one is sent once, and elements refer to it by number.
STYLES = """() => {
  const names = Array.from(getComputedStyle(document.documentElement)).filter(name => !name.startsWith("--"));
  const table = new Map();
  const number = text => {
    if (!table.has(text)) table.set(text, table.size);
    return table.get(text);
  };
  const style = (element, pseudo) => {
    const computed = getComputedStyle(element, pseudo);
    if (pseudo && (computed.content === "none" || computed.content === "normal")) return number(computed.content);
    return number(names.map(name => computed.getPropertyValue(name)).join("\\u0001"));
  };
  const elements = [...document.querySelectorAll("*")].map(element => [
    `${element.tagName}.${element.className.baseVal ?? element.className}`,
    style(element), style(element, "::before"), style(element, "::after")]);
  return { names, styles: [...table.keys()], elements };
}"""
SEPARATOR = "\u0001"


def untouched_stylesheet() -> str:
    return _material_stylesheet().read_text(encoding="utf-8")


def _material_stylesheet() -> Path:
    import material

    found = sorted((Path(material.__file__).parent / "templates" / theme.STYLESHEETS).glob("main.*.min.css"))
    assert len(found) == 1, found
    return found[0]


def styles(browser, url: str, viewport: dict, media: str, original: str | None, action=None) -> dict:
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    if original is not None:
        page.route("**/assets/stylesheets/main.*.min.css",
                   lambda route: route.fulfill(body=original, content_type="text/css; charset=utf-8"))
    page.emulate_media(media=media)
    page.goto(url)
    # the search dialog's line changes when the search worker is ready: measured after that
    page.wait_for_function("""() => {
      const config = JSON.parse(document.getElementById("__config").textContent);
      const meta = document.querySelector(".md-search-result__meta");
      return !meta || meta.textContent.trim() === config.translations["search.result.placeholder"];
    }""")
    if action:
        action(page)
    try:
        return page.evaluate(STYLES)
    finally:
        context.close()


def differences(cut: dict, whole: dict) -> list[str]:
    if cut["names"] != whole["names"]:
        return ["两次计算的属性不同"]
    if len(cut["elements"]) != len(whole["elements"]):
        return [f"{len(cut['elements'])} 个元素，而用原样式表时 {len(whole['elements'])} 个"]
    found = []
    for a, b in zip(cut["elements"], whole["elements"], strict=True):
        if a[0] != b[0]:
            found.append(f"{a[0]}，而用原样式表时为 {b[0]}")
            continue
        for part, one, other in zip(("", "::before", "::after"), a[1:], b[1:], strict=True):
            ours, theirs = cut["styles"][one].split(SEPARATOR), whole["styles"][other].split(SEPARATOR)
            if ours != theirs:
                changed = [f"{name}: {x!r} / {y!r}" for name, x, y in zip(cut["names"], ours, theirs, strict=False) if x != y]
                found.append(f"{a[0]}{part}: {(changed or [f'{ours} / {theirs}'])[:6]}")
    return found


def search(page) -> None:
    page.locator("input.md-search__input:visible, .md-header__button[for=__search]:visible").first.click()
    page.locator("input.md-search__input").fill("函询")
    page.locator("input.md-search__input").press("End")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
    # on a narrow screen Material locks the page's scrolling once the search is open, a moment after
    # the results: measured after that, whichever stylesheet is in use
    page.wait_for_function("() => window.innerWidth >= 960 || document.body.hasAttribute('data-md-scrolllock')")


def tooltip(page) -> None:
    term = page.locator("abbr.hb-term").first
    term.scroll_into_view_if_needed()
    term.hover()
    page.wait_for_selector(".md-tooltip2, .md-tooltip", state="attached", timeout=5000)


CASES = [(path, "desktop", DESKTOP, "screen", None) for path in PAGES]
CASES += [(path, "phone", PHONE, "screen", None) for path in PAGES]
CASES += [(path, "print", DESKTOP, "print", None) for path in PAGES[:4]]
CASES += [("procedures/accident-investigation.html", "search", DESKTOP, "screen", search),
          ("index.html", "phone search", PHONE, "screen", search),
          ("procedures/accident-investigation.html", "tooltip", DESKTOP, "screen", tooltip)]


@pytest.mark.parametrize(("path", "label", "viewport", "media", "action"), CASES,
                         ids=[f"{case[1]}:{case[0]}" for case in CASES])
def test_the_cut_stylesheet_styles_every_element_as_materials_does(browser, served_site, path, label, viewport,
                                                                   media, action):
    cut = styles(browser, served_site + path, viewport, media, None, action)
    whole = styles(browser, served_site + path, viewport, media, untouched_stylesheet(), action)
    assert differences(cut, whole) == []


def test_the_site_links_the_cut_stylesheet_and_not_materials(built_site):
    cut = theme.theme_stylesheet(built_site)
    assert cut.name != _material_stylesheet().name
    assert len(cut.read_bytes()) < 0.7 * len(_material_stylesheet().read_bytes())
    for page in (built_site / "index.html", built_site / "terms" / "room-group-region.html"):
        assert f"stylesheets/{cut.name}\"" in page.read_text(encoding="utf-8")


USED = theme.Usage(classes={"md-nav", "md-nav__link", "js"}, directions={"ltr"}, properties={"--md-read-by-script"})


@pytest.mark.parametrize(("css", "kept"), [
    (".md-nav{color:red}.md-tabs{color:blue}", ".md-nav{color:red}"),
    (".md-nav,.md-tabs .md-nav{margin:0}", ".md-nav{margin:0}"),
    # a :not() never rules a selector out; :is() needs one possible alternative
    (".md-nav:not(.md-tabs){margin:0}", ".md-nav:not(.md-tabs){margin:0}"),
    (":is(.md-tabs,.md-nav) a{margin:0}:is(.md-tabs,.md-banner) a{margin:1px}", ":is(.md-tabs,.md-nav) a{margin:0}"),
    ("[dir=rtl] .md-nav{left:0}[dir=ltr] .md-nav{right:0}", "[dir=ltr] .md-nav{right:0}"),
    # attribute values are not classes
    ('.md-nav [href$=".pdf"]{margin:0}', '.md-nav [href$=".pdf"]{margin:0}'),
    ("@media screen{.md-tabs{margin:0}}@media print{.md-nav{margin:0}}", "@media print{.md-nav{margin:0}}"),
    # custom properties nothing reads go, also those read only by ones that go
    (":root{--a:1;--b:var(--a);--c:2;--md-read-by-script:3}.md-nav{margin:var(--c)}",
     ":root{--c:2;--md-read-by-script:3}.md-nav{margin:var(--c)}"),
    ("@keyframes spin{to{rotate:1turn}}@keyframes fade{to{opacity:0}}.md-nav{animation:spin 1s}.md-tabs{animation:fade 1s}",
     "@keyframes spin{to{rotate:1turn}}.md-nav{animation:spin 1s}"),
    ('@charset "UTF-8";.js .md-nav{content:"}{;"}', '@charset "UTF-8";.js .md-nav{content:"}{;"}'),
])
def test_the_cut_keeps_what_can_match_and_what_is_read(css, kept):
    assert theme.pruned_stylesheet(css, USED) == kept
