"""The built website: pages from the data, working links, nothing loaded from outside."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from macros.cli import PROJECT
from macros.render import anchor
from macros.render.pages import Build
from macros.resolve.model import UNASSIGNED_LABEL

from .conftest import DOUBLED_PUNCTUATION


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.refs.append((tag, attrs[name]))


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_home_and_generated_pages_exist(built_site, handbook):
    assert (built_site / "index.html").exists()
    for procedure in handbook.procedures:
        assert (built_site / "procedures" / f"{procedure.id}.html").exists()
    for role in handbook.roles:
        assert (built_site / "roles" / f"{role.id}.html").exists()
    for checklist in handbook.checklists:
        assert (built_site / "checklists" / f"{checklist.id}.html").exists()


def test_no_page_doubles_its_punctuation(built_site):
    doubled = []
    for page in html_pages(built_site):
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        doubled += [f"{page.relative_to(built_site)}: {text[m.start() - 12:m.end() + 4]}"
                    for m in DOUBLED_PUNCTUATION.finditer(text)]
    assert doubled == []


def test_sentences_run_on_and_clauses_take_a_semicolon():
    from markupsafe import Markup

    from macros.render import as_prose

    assert as_prose(["县级纪委也将增设。", "政治依据：……", "“两规”", "见“三转”。”", "末"]) == \
        "县级纪委也将增设。政治依据：……；“两规”；见“三转”。”末"
    assert as_prose(["a<b", Markup("<abbr>c</abbr>")]) == "a&lt;b；<abbr>c</abbr>"  # text escaped, markup kept
    assert as_prose([]) == ""


def test_pages_declare_simplified_chinese(built_site):
    assert {parse(page).lang for page in html_pages(built_site)} == {"zh-CN"}


# What a reader sees or hears of an element besides its text: a tooltip, a screen reader's label.
ENGLISH_WORDS = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([A-Za-z][A-Za-z ]+)"')


def test_tooltips_and_labels_are_in_chinese(built_site):
    """No English left by the theme or the Markdown extensions (the heading links said "Permanent link")."""
    english = {(page.relative_to(built_site).as_posix(), words) for page in html_pages(built_site)
               for words in ENGLISH_WORDS.findall(page.read_text(encoding="utf-8"))}
    assert sorted(english) == []


def test_procedure_page_lists_steps_in_order_with_roles_and_anchors(built_site, handbook):
    procedure = handbook.procedure("accident-investigation")
    page = built_site / "procedures" / "accident-investigation.html"
    text = page.read_text(encoding="utf-8")
    parsed = parse(page)
    positions = []
    for step in procedure.steps:
        assert anchor(step) in parsed.ids
        positions.append(text.index(f'id="{anchor(step)}"'))
        assert step.action in re.sub(r"</?abbr[^>]*>", "", text)  # glossary terms are marked in it
    assert positions == sorted(positions)
    assert ("a", "../roles/accountability-team.html") in parsed.refs
    assert "来源未规定" in text
    # a step without a document says so as one without a time limit does, not with an empty cell
    assert not any(step.documents for step in procedure.steps[6:7])
    assert '<td data-label="形成文书"></td>' not in text
    assert '<td data-label="形成文书" class="hb-card-none">—</td>' in text


def test_page_footer_lists_sources_in_the_order_the_page_cites_them(built_site):
    """The footer and a printed form list a page's sources alike: in the order of first citation."""
    checked = 0
    for page in sorted(built_site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        body, _, footer = text.partition('<div class="hb-page-footer"')
        cited = re.findall(r'<p class="hb-cite"[^>]*>出处：(.*?)</p>', body)
        first_cited = list(dict.fromkeys(re.findall(r"#source-(s\d+)", "".join(cited))))
        listed = re.findall(r"#source-(s\d+)", footer.split("</div>")[0])
        assert listed == first_cited, page.relative_to(built_site)
        checked += len(first_cited) > 1
    assert checked > 10  # pages that cite several sources, where the order shows


def test_search_snippets_keep_labels_apart_from_their_values(built_site, handbook):
    """The search index flattens a step's facts: a label (承办, 审批, 工作内容) must not run into the
    value before or after it, or a result reads 承办纪检监察室审批委厅领导. Each label ends with a
    「：」 that is in the page for this (and for screen readers) but hidden on screen, so a result
    reads 承办：纪检监察室 审批：委厅领导."""
    from macros.site.search import search_documents

    steps = [doc for doc in search_documents(built_site) if "#step-" in doc["location"]]
    assert steps
    for doc in steps:
        text = doc["text"].replace("\u200b", "")
        assert re.search(r"(^|\s)承办：\S", text), doc["location"]
        assert not re.search(r"\S(审批|工作内容)：", text), doc["location"]
    step = handbook.procedure("clue-handling").steps[3]
    text = next(doc["text"] for doc in steps if doc["location"] == f"procedures/clue-handling.html#{anchor(step)}")
    text = text.replace("\u200b", "")
    assert text.startswith(f"承办：{step.roles[0].name} 审批：{step.approved_by[0].name} 工作内容：")
    assert f" 形成文书：{step.documents[0]} 时限：{step.time_limit.limit}" in text
    role_page = (built_site / "roles" / "supervision-office.html").read_text(encoding="utf-8")
    assert '<span class="hb-sep">：</span></dt><dd>' in role_page


def test_the_not_found_page_speaks_chinese_and_leads_home(built_site):
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page and "Not found" not in page
    assert "<h1>找不到这个页面</h1>" in page and '<a href="/index.html">首页</a>' in page


def test_internal_links_resolve(built_site):
    """No broken link anywhere: every local href/src points at a file, and every #anchor exists."""
    broken = []
    parsed: dict[Path, _Links] = {}  # each page parsed once, whether it links or is linked to

    def parsed_page(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    # MkDocs writes 404.html with root-absolute links (it cannot know the sub-path it will be served under).
    for page in (p for p in html_pages(built_site) if p.name != "404.html"):
        for _tag, ref in parsed_page(page).refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {ref}")
                continue
            if (parts.fragment and target.suffix == ".html"
                    and unquote(parts.fragment) not in parsed_page(target).ids):
                broken.append(f"{page.relative_to(built_site)}: {ref}（锚点不存在）")
    assert broken == []


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
                      re.IGNORECASE)


def test_nothing_is_loaded_from_outside(built_site):
    """The intranet has no internet: no external font, script, stylesheet or image."""
    offenders = []
    for path in built_site.rglob("*"):
        if path.suffix in (".html", ".css"):
            for match in EXTERNAL.finditer(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(f"{path.relative_to(built_site)}: {match.group(0)}")
    assert offenders == []
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in index and "fonts.gstatic" not in index


class _InlineCode(HTMLParser):
    """Inline script, event-handler attributes and style attributes: what the intranet's
    Content-Security-Policy refuses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append(f"<script> 在 {self.getpos()}")
        for name in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}= 在 {self.getpos()}")


def test_pages_hold_no_inline_script_or_style(built_site):
    offenders = []
    for path in html_pages(built_site):
        parser = _InlineCode()
        parser.feed(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(built_site)}: {found}" for found in parser.found]
    assert offenders == []


def linked_assets(page: Path) -> set[str]:
    html = page.read_text(encoding="utf-8")
    return {Path(ref).name for ref in re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)}


PAGE_ASSETS = {"checklist.css", "checklist.js", "deadline.js", "scroll-hint.js"}


def test_a_page_links_the_scripts_and_stylesheets_of_what_it_holds_and_no_others(built_site):
    """The checklist form's, the calculator's and the wide-table hint's files load where those are
    (macros/site/assets.py): a term's page needs none of them."""
    expected = {
        "checklists/accident-accountability.html": {"checklist.css", "checklist.js"},
        "procedures/clue-handling.html": {"deadline.js", "scroll-hint.js"},
        "time-limits.html": {"deadline.js"},
        "matrix.html": {"scroll-hint.js"},
        "terms/room-group-region.html": set(),
        "index.html": set(),
    }
    for path, assets in expected.items():
        assert linked_assets(built_site / path) & PAGE_ASSETS == assets, path


def test_front_matter_is_made_or_added_to():
    from macros.site.assets import with_front_matter

    assert with_front_matter("# 标题\n", {}) == "# 标题\n"
    assert with_front_matter("# 标题\n", {"extra_javascript": ["assets/deadline.js"]}) == \
        '---\n{"extra_javascript": ["assets/deadline.js"]}\n---\n# 标题\n'
    written = "---\nhide: [toc]\nextra_javascript: [assets/own.js]\n---\n# 标题\n"
    assert with_front_matter(written, {"extra_javascript": ["assets/deadline.js"]}) == \
        '---\n{"extra_javascript": ["assets/own.js", "assets/deadline.js"], "hide": ["toc"]}\n---\n# 标题\n'


def test_search_index_is_segmented_chinese(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    from macros.site.search import search_documents

    text = " ".join(doc["text"] + " " + doc["title"] for doc in search_documents(built_site))
    # jieba puts zero-width spaces between words; domain words from the data stay whole.
    tokens = set(re.split(r"[\s\u200b]+", text))
    for word in ("责任追究组", "案件审理室", "纪检监察室", "事故调查组"):
        assert word in tokens, word


def test_home_page_links_the_pdf(built_site):
    parsed = parse(built_site / "index.html")
    assert ("a", "pdf/handbook.pdf") in parsed.refs
    assert (built_site / "pdf" / "handbook.pdf").exists()


def test_yaml_text_is_escaped(tmp_path):
    """Text from YAML is data: markup in it is shown, never executed."""
    from macros.resolve import load_handbook

    from .conftest import FIXTURES, copy_data

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: 案件审理室", "name: '<script>alert(1)</script>审理室'"),
                     encoding="utf-8")
    handbook = load_handbook(data)
    build = Build(handbook, "2026-01-01")
    out = build.entry_page(handbook.role("case-trial-office")) + build.entry_page(handbook.procedure("sample"))
    assert "<script>" not in out
    assert "&lt;script&gt;alert" in out


def test_swimlane_has_a_lane_per_lead_role_and_a_box_per_step(built_site, handbook):
    for procedure in handbook.procedures:
        page = (built_site / "procedures" / f"{procedure.id}.html").read_text(encoding="utf-8")
        start = page.index('<svg xmlns="http://www.w3.org/2000/svg" class="hb-swimlane"')
        svg = page[start : page.index("</svg>", start)]
        assert svg.count('class="hb-swimlane-step"') == len(procedure.steps)
        for step in procedure.steps:
            assert f'data-step="{step.id}"' in svg
            assert (step.lead.name if step.lead else UNASSIGNED_LABEL)[:11] in svg


# In a swimlane as Chromium draws it: texts closer than 2 px to each other, texts outside their step's
# box, and arrows that run through a text. A text's height is the ideographic em box (0.88 em above
# the baseline, 0.12 below), which the glyphs fill; getBBox would give the font's whole line height.
SWIMLANE_CLASHES = """svg => {
  const glyphs = t => {
    const size = parseFloat(t.getAttribute("font-size") || svg.getAttribute("font-size"));
    const y = parseFloat(t.getAttribute("y")), box = t.getBBox();
    return {x0: box.x, x1: box.x + box.width, y0: y - 0.88 * size, y1: y + 0.12 * size,
            name: [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("")};
  };
  const texts = [...svg.querySelectorAll("text")].map(glyphs);
  const near = (a, b, gap) => a.x0 < b.x1 + gap && b.x0 < a.x1 + gap && a.y0 < b.y1 + gap && b.y0 < a.y1 + gap;
  const clashes = [];
  texts.forEach((a, i) => texts.slice(i + 1).forEach(b => { if (near(a, b, 2)) clashes.push(a.name + " / " + b.name); }));
  for (const step of svg.querySelectorAll("g.hb-swimlane-step")) {
    const r = step.querySelector("rect").getBBox();
    for (const t of [...step.querySelectorAll("text")].map(glyphs)) {
      if (t.x0 < r.x || t.x1 > r.x + r.width || t.y0 < r.y || t.y1 > r.y + r.height) clashes.push("outside its box: " + t.name);
    }
  }
  for (const path of svg.querySelectorAll("path[marker-end]")) {
    for (let along = 0; along <= path.getTotalLength(); along += 1) {
      const p = path.getPointAtLength(along);
      const hit = texts.find(t => p.x > t.x0 && p.x < t.x1 && p.y > t.y0 && p.y < t.y1);
      if (hit) { clashes.push("arrow through " + hit.name); break; }
    }
  }
  return clashes;
}"""


def test_swimlane_texts_and_arrows_never_run_into_each_other(page, served_site, handbook):
    """Seen at 2x in Chromium, a box's second title line touched its 协同 line and arrows ran through
    the branch labels."""
    clashes = {}
    for procedure in handbook.procedures:
        page.goto(f"{served_site}procedures/{procedure.id}.html")
        found = page.locator("svg.hb-swimlane").evaluate(SWIMLANE_CLASHES)
        if found:
            clashes[procedure.id] = found
    assert clashes == {}


def test_swimlane_text_is_escaped():
    from macros.render.diagrams import swimlane_svg, wrap
    from macros.resolve import load_handbook

    from .conftest import FIXTURES

    handbook = load_handbook(FIXTURES / "base" / "data")
    svg = swimlane_svg(handbook.procedure("sample"))
    assert svg.count("<g ") == 3 and "需要审理时" in svg
    assert wrap("一二三四五六七八九十", 4, 2) == ["一二三四", "五六七…"]


def _handbook_with_sample_step(tmp_path, written_as: str):
    """The fixture data with the sample procedure's review step's roles line written otherwise."""
    from macros.resolve import load_handbook

    from .conftest import FIXTURES, copy_data

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    sample = data / "procedures" / "sample.yaml"
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace("roles: [case-trial-office]", written_as, 1), encoding="utf-8")
    return load_handbook(data), data


def test_an_inferred_actor_is_marked_in_every_medium(tmp_path):
    """A step whose actors the handbook infers (roles_inferred) carries the same mark on its page, in
    the step table, the swimlane, the role page, the record form and the self-test answer."""
    from macros.render.diagrams import swimlane_svg
    from macros.resolve.model import INFERRED_LABEL, procedure_form

    handbook, _ = _handbook_with_sample_step(tmp_path, "roles: [case-trial-office]\n        roles_inferred: true")
    procedure = handbook.procedure("sample")
    step = next(s for s in procedure.steps if s.roles_inferred)
    build = Build(handbook, "2026-01-01")
    assert build.entry_page(procedure).count(INFERRED_LABEL) == 3  # the step table, the swimlane, the step
    assert INFERRED_LABEL in swimlane_svg(procedure)
    assert build.entry_page(handbook.role("case-trial-office")).count(INFERRED_LABEL) == 1
    assert step.who.startswith(f"案件审理室{INFERRED_LABEL}")  # what the record form and the self-test print
    assert sum(INFERRED_LABEL in item.text for item in procedure_form(procedure).items) == 1


def test_a_step_whose_source_names_no_actor_says_so_and_gets_its_own_lane(tmp_path):
    from macros.render.diagrams import swimlane_svg
    from macros.resolve import load_handbook
    from macros.resolve.quality import quality_report

    handbook, data = _handbook_with_sample_step(tmp_path, "roles: []")
    procedure = handbook.procedure("sample")
    step = next(s for s in procedure.steps if s.unassigned)
    assert step.lead is None and handbook.role("case-trial-office") not in procedure.roles
    page = Build(handbook, "2026-01-01").entry_page(procedure)
    assert page.count(UNASSIGNED_LABEL) == 3  # the step table, the swimlane and the step itself
    svg = swimlane_svg(procedure)
    assert svg.count('<rect x="') - svg.count("hb-swimlane-step") == 2  # two lanes: the office and the unnamed
    assert f">{UNASSIGNED_LABEL[:11]}</text>" in svg
    assert any(line.startswith("来源未明确承办角色的步骤（1") for line in quality_report(load_handbook(data)))


def test_time_limit_table_lists_every_stated_limit(built_site, handbook):
    page = (built_site / "time-limits.html").read_text(encoding="utf-8")
    for procedure in handbook.procedures:
        for step in procedure.time_limited_steps:
            assert step.time_limit.limit in page
            assert f"{procedure.id}.html#{anchor(step)}" in page
    assert "十个工作日内" in page and "视为没有不同意见" in page


def test_responsibility_matrix(built_site):
    page = (built_site / "matrix.html").read_text(encoding="utf-8")
    assert "责任追究组" in page and "牵头" in page and "审批" in page


def test_involvement_ranks_lead_over_approval(handbook):
    accident = handbook.procedure("accident-investigation")
    assert accident.part_of(handbook.role("accountability-team")) == "牵头"
    assert accident.part_of(handbook.role("commission-leadership")) == "审批"
    assert accident.part_of(handbook.role("case-trial-office")) == "参与"
    assert accident.part_of(handbook.role("inspection-team")) == ""


def test_a_role_that_leads_and_approves_a_step_is_shown_as_leading_it_everywhere(tmp_path):
    """The matrix and the role page agree: 牵头 ranks over 审批 in a step as in a procedure."""
    handbook, _ = _handbook_with_sample_step(tmp_path, "roles: [case-trial-office]\n        approved_by: [case-trial-office]")
    role = handbook.role("case-trial-office")
    step = next(s for s in handbook.procedure("sample").steps if role in s.approved_by)
    assert step.lead is role and step.part_of(role) == "牵头"
    page = Build(handbook, "2026-01-01").entry_page(role)
    assert f"{step.title}</a>（牵头）" in page


def test_every_page_shows_sources_edition_and_build_date(built_site, handbook):
    for page in html_pages(built_site):
        if page.name == "404.html":
            continue
        text = page.read_text(encoding="utf-8")
        assert "hb-page-footer" in text, page
        assert handbook.info.edition in text and "生成于" in text, page
    procedure = (built_site / "procedures" / "accident-investigation.html").read_text(encoding="utf-8")
    assert "本页出处：<a href=\"../sources.html#source-s000\">" in procedure
    # inline citations name the source by its short id, which the footer spells out; its title and
    # file are the link's tooltip
    source = next(s for s in handbook.sources if s.id == "s000")
    assert (f'出处：<a href="../sources.html#source-s000" title="{source.title}（{source.file}）">s000</a> 四(五)12'
            in procedure)
    assert f">{source.file}</a>" not in procedure


def test_glossary_terms_are_marked_but_not_in_headings_or_links():
    from macros.render.terms import GlossaryMarker
    from macros.resolve import load_handbook

    from .conftest import FIXTURES

    terms = load_handbook(FIXTURES / "base" / "data").terms
    source = "## 三转与两个责任\n\n<p>推进三转，落实两个责任。<a href=\"x\">三转</a></p>\n\n`三转`"
    out = GlossaryMarker(terms).mark(source)
    assert out.startswith("## 三转与两个责任\n")
    assert out.count('<abbr class="hb-term"') == 2
    assert '<a href="x">三转</a>' in out and "`三转`" in out
    assert '>两个责任</abbr>' in out  # the longest term wins over a shorter one inside it


def test_a_term_is_not_marked_inside_its_own_glossary_entry():
    """On the glossary, a tooltip on the term's own name would only repeat the definition being read."""
    from macros.render.terms import GlossaryMarker
    from macros.resolve import load_handbook

    from .conftest import FIXTURES

    terms = load_handbook(FIXTURES / "base" / "data").terms
    source = ('<div class="hb-term" data-term="three-shifts">\n<p>三转，指两个责任之外的三转。</p>\n'
              '<div class="hb-note"><p>又作三转</p></div>\n<p>三转</p>\n</div>\n<p>三转</p>')
    out = GlossaryMarker(terms).mark(source)
    own, after = out.rsplit("</div>", 1)
    assert "三转</abbr>" not in own and own.count("三转") == 4
    assert own.count(">两个责任</abbr>") == 1  # another term is marked as anywhere else
    assert after.count(">三转</abbr>") == 1  # after the entry, marked again


def test_longest_word_pattern_prefers_the_longest_word_at_each_place():
    from macros.resolve.words import longest_word_pattern

    pattern = longest_word_pattern({"责任", "两个责任", "责任追究", "a.b", "责"})
    assert pattern.findall("两个责任与责任追究和责任，责；a.b axb") == ["两个责任", "责任追究", "责任", "责", "a.b"]
    assert longest_word_pattern(set()) is None


def test_glossary_is_in_pinyin_order_under_its_initials(built_site, handbook):
    """A reader looks a term up by how it sounds: one group per initial, A to Z, each term once under
    the initial of its first syllable, and a row of initials that leads to every group. The glossary
    is the index: each term links to a page of its own, which holds its definition."""
    from macros.resolve.model import OTHER_INITIAL

    page = (built_site / "glossary.html").read_text(encoding="utf-8")
    initials = re.findall(r'<h2 id="initial-([a-z]+)"', page)
    letters = [i for i in initials if i != "other"]
    # Terms that begin with a digit (365, 13+N) have a group of their own, after Z.
    assert initials == [*sorted(letters), "other"] and len(letters) >= 10
    row = re.search(r'<nav class="hb-initials" aria-label="按拼音首字母查找">(.*?)</nav>', page).group(1)
    assert re.findall(r'<a href="#initial-([a-z]+)">([^<]+)</a>', row) == [
        (i, OTHER_INITIAL if i == "other" else i.upper()) for i in initials]
    order = re.findall(r'<a href="terms/([\w-]+)\.html" data-term="\1">', page)
    assert order == [t.id for _initial, terms in handbook.terms_by_initial() for t in terms]
    assert sorted(order) == sorted(t.id for t in handbook.terms)
    # Each group holds the terms that begin with its initial, in the order of their syllables.
    group_of = {}
    for initial, body in re.findall(r'<h2 id="initial-([a-z]+)"(.*?)(?=<h2 |$)', page, re.DOTALL):
        group_of.update((term_id, initial) for term_id in re.findall(r'data-term="([\w-]+)"', body))
    name = {t.term: t.id for t in handbook.terms}
    assert [group_of[name[t]] for t in ("回头看", "三转", "一案双查", "留置", "澄清正名", "365")] == [
        "h", "s", "y", "l", "c", "other"]
    place = {term_id: n for n, term_id in enumerate(order)}
    assert place[name["三不"]] < place[name["三个代表"]] < place[name["三转"]]  # san bu, san ge, san zhuan
    assert place[name["一案三报告"]] < place[name["一案双查"]]  # yi an san, yi an shuang


def test_pinyin_order_reads_each_characters_usual_reading():
    import os

    from macros.resolve.words import pinyin_order

    assert pinyin_order(["三重一大", "回头看", "3 个课堂", "ABC 监督"]) == [
        ("S", ("san", "zhong", "yi", "da", "三重一大")),
        ("H", ("hui", "tou", "kan", "回头看")),
        ("", ("3 ", "ge", "ke", "tang", "3 个课堂")),
        ("A", ("abc ", "jian", "du", "ABC 监督")),
    ]
    assert "PYPINYIN_NO_PHRASES" not in os.environ  # the setting made for loading it is not left behind


def test_terms_that_begin_with_no_letter_come_last_in_their_own_group(tmp_path):
    from macros.resolve import load_handbook
    from macros.resolve.model import OTHER_INITIAL, initial_anchor

    from .conftest import FIXTURES, copy_data

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    terms = data / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("term: 三转", "term: 3 转"), encoding="utf-8")
    groups = load_handbook(data).terms_by_initial()
    assert groups[-1][0] == OTHER_INITIAL and [t.term for t in groups[-1][1]] == ["3 转"]
    assert initial_anchor(OTHER_INITIAL) == "initial-other" and initial_anchor("S") == "initial-s"


def test_start_page_gives_a_reading_path_per_role(built_site):
    page = (built_site / "start.html").read_text(encoding="utf-8")
    assert page.count('class="hb-reading-path"') == 7
    assert "roles/stationed-group.html" in page and "procedures/accident-investigation.html" in page


def test_cjk_numbers_read_as_written_chinese():
    from macros.render import cjk_number

    cases = {1: "一", 10: "十", 12: "十二", 20: "二十", 99: "九十九", 100: "一百", 101: "一百零一",
             110: "一百一十", 999: "九百九十九", 1005: "一千零五", 1010: "一千零一十"}
    assert {n: cjk_number(n) for n in cases} == cases


def test_print_links_refuse_what_a_pdf_cannot_hold(handbook):
    import pytest

    from macros.errors import BuildError
    from macros.render import PrintLinker

    link = PrintLinker()
    assert link.link(handbook.roles[0]) == f"#role-{handbook.roles[0].id}"
    for target in (lambda: link.link(handbook.courses[0]), lambda: link.asset("pdf/handbook.pdf"),
                   lambda: link.link(handbook.info)):
        with pytest.raises(BuildError):
            target()


def test_a_build_leaves_jiebas_dictionary_as_it_found_it(handbook):
    """jieba's dictionary belongs to the process: a build that left its words behind would change
    how the next build (other data) cuts its text, and the same data would not give the same index."""
    import jieba

    from macros.site.search import domain_words, jieba_taught

    jieba.dt.check_initialized()
    before = (dict(jieba.dt.FREQ), jieba.dt.total)
    word = max(domain_words(handbook), key=len)
    with jieba_taught(handbook):
        assert jieba.lcut(word) == [word]
    assert (jieba.dt.FREQ, jieba.dt.total) == before


def test_the_preview_shows_an_entry_added_while_it_runs(tmp_path):
    """`make serve` restages when data/ changes: a role added while serving gets its page and its
    place in the roles index; broken data is reported and the last good preview stays up. Stopped,
    it removes its staged pages."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from .conftest import copy_data

    data = copy_data(PROJECT / "data", tmp_path / "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    temp = tmp_path / "temp"  # where the preview stages its pages
    temp.mkdir()
    server = subprocess.Popen([sys.executable, "-m", "macros", "--data", str(data), "serve", "--addr", f"127.0.0.1:{port}"],
                              cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(temp)})

    def fetch(path: str) -> str | None:
        try:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return None

    def wait_for(path: str, text: str, seconds: float = 120) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page = fetch(path)
            if page and text in page:
                return page
            assert server.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
            time.sleep(0.5)
        pytest.fail(f"{path} 没有出现“{text}”：\n" + (tmp_path / "serve.log").read_text(encoding="utf-8"))

    try:
        wait_for("/roles/index.html", "角色与职责")
        roles = data / "roles.yaml"
        roles.write_text(roles.read_text(encoding="utf-8") + "  - id: preview-role\n    name: 预览新增角色\n    kind: body\n"
                         "    cite:\n      - {source: s000, section: 引言}\n", encoding="utf-8")
        wait_for("/roles/preview-role.html", "预览新增角色")
        wait_for("/roles/index.html", "预览新增角色")
        roles.write_text(roles.read_text(encoding="utf-8").replace("kind: body\n    cite:\n      - {source: s000, section: 引言}\n",
                                                                   "kind: bodyy\n    cite:\n      - {source: s000, section: 引言}\n"),
                         encoding="utf-8")
        wait_for("/roles/preview-role.html", "预览新增角色")  # still served
        deadline = time.monotonic() + 60
        while "bodyy" not in (tmp_path / "serve.log").read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "data/roles.yaml" in (tmp_path / "serve.log").read_text(encoding="utf-8")
        assert list(temp.glob("handbook-preview-*")), "预览没有把页面放在临时目录里"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    # stopped as a service manager stops it (SIGTERM), it leaves nothing behind
    assert server.returncode == 0, (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert not list(temp.glob("handbook-preview-*"))


def test_every_procedure_has_a_record_form_made_from_its_steps(built_site, handbook):
    """A form per procedure, derived from the step data (never a hand-written copy): one row per step
    with who acts, the documents and the time limit; on the site and as an A4 PDF."""
    for procedure in handbook.procedures:
        form = handbook.checklist(f"{procedure.id}-record")
        assert [item.step for item in form.items] == list(procedure.steps)
        page = re.sub(r"</?abbr[^>]*>", "", (built_site / "checklists" / f"{form.id}.html").read_text(encoding="utf-8"))
        for step in procedure.steps:
            assert step.who in page
            for document in step.documents:
                assert document in page
            assert (step.time_limit.text if step.time_limit else "时限：来源未规定") in page
        assert (built_site / "pdf" / "checklists" / f"{form.id}.pdf").is_file()
        procedure_page = (built_site / "procedures" / f"{procedure.id}.html").read_text(encoding="utf-8")
        assert f'href="../checklists/{form.id}.html"' in procedure_page


def test_an_entry_past_its_review_date_says_so_and_its_owner_lists_it(tmp_path):
    """Review dates are compared with the edition's date in handbook.yaml, never with the clock."""
    from macros.resolve import load_handbook
    from macros.resolve.quality import quality_report

    from .conftest import FIXTURES, copy_data

    data = copy_data(FIXTURES / "base" / "data", tmp_path / "data")
    roles = data / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace(
        "    name: 案件审理室\n", "    name: 案件审理室\n    owner: commission\n    review_by: \"2025-12-31\"\n", 1).replace(
        "    name: 纪检监察室\n", "    name: 纪检监察室\n    owner: commission\n    review_by: \"2026-01-01\"\n", 1),
        encoding="utf-8")
    handbook = load_handbook(data)
    build = Build(handbook, handbook.info.date)
    overdue = build.entry_page(handbook.role("case-trial-office"))
    assert "待复核" in overdue and "复核期限 2025-12-31 早于本版日期 2026-01-01" in overdue
    current = build.entry_page(handbook.role("supervision-office"))
    assert "待复核" not in current and "复核期限：2026-01-01" in current
    owner = build.entry_page(handbook.role("commission"))
    assert "负责维护的条目" in owner and 'href="../roles/case-trial-office.html"' in owner
    assert any(line.startswith("复核期限早于本版日期 2026-01-01、待复核的条目（1）：角色：案件审理室（2025-12-31）")
               for line in quality_report(load_handbook(data)))


def test_text_files_have_reproducible_precompressed_copies(built_site):
    """Every text file over 1 KB has a .gz beside it for gzip_static: the same bytes gzip gives at
    level 9 with no name and a zero time in its header, and the original's modification time."""
    import gzip

    from macros.publish.compress import LEVEL, MIN_BYTES, TEXT_SUFFIXES

    texts = [p for p in built_site.rglob("*") if p.suffix in TEXT_SUFFIXES and p.stat().st_size > MIN_BYTES]
    assert len(texts) > 100
    for path in texts:
        packed = path.with_name(path.name + ".gz")
        assert packed.is_file(), path
        data = packed.read_bytes()
        assert data[:3] == b"\x1f\x8b\x08" and data[3] & 0x08 == 0 and data[4:8] == b"\0\0\0\0", packed
        assert data == gzip.compress(path.read_bytes(), compresslevel=LEVEL, mtime=0), packed
        assert packed.stat().st_mtime_ns == path.stat().st_mtime_ns, packed
    small = [p for p in built_site.rglob("*") if p.suffix in TEXT_SUFFIXES and p.stat().st_size <= MIN_BYTES]
    assert not any(p.with_name(p.name + ".gz").exists() for p in small if p.name != "sitemap.xml")


def test_each_term_has_a_page_of_its_own(built_site, handbook):
    """A search about a term lands on its page: its name as the page's heading, its definition, and
    its own names left unmarked there (no tooltip repeating what is being read)."""
    import html

    for term in handbook.terms:
        page = (built_site / "terms" / f"{term.id}.html").read_text(encoding="utf-8")
        assert f'<h1 id="term-{term.id}">' in page, term.id
        # (other terms inside the definition carry their tooltips)
        assert html.escape(term.definition, quote=False) in re.sub(r"<[^>]+>", "", page), term.id
        body = page.split('<div class="hb-term"', 1)[1].split("</div>", 1)[0]
        assert f'title="{html.escape(term.term, quote=True)}：' not in body, term.id
    # Other pages link a term to its page, and still carry its tooltip.
    procedure = (built_site / "procedures" / "clue-handling.html").read_text(encoding="utf-8")
    assert 'abbr class="hb-term"' in procedure
    assert "glossary.html#term-" not in "".join(p.read_text(encoding="utf-8") for p in built_site.rglob("*.html"))
