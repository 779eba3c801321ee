"""Material's main stylesheet, cut to the rules this site's pages can use.

Material's stylesheet carries every feature of the theme: code highlighting, content tabs,
annotations, blog posts, version selectors, right-to-left layouts, a dozen kinds of admonition with
their icons. The handbook uses few of them, and the stylesheet is a third of what a reader downloads
for a page (23 of about 70 KB gzipped). After MkDocs has written the site, the build keeps a rule
only if every class its selector needs occurs in the built pages (a `class` attribute) or in the
site's scripts (which add classes as they run: search results, tooltips, the back-to-top button),
and a `[dir=…]` selector only if a page has that direction. Custom properties (`--md-…`) that
nothing reads any more, and animations that nothing runs, go too. No list of Material's features is
kept here: after an upgrade of Material the same reading of the built pages applies to its new
stylesheet, and tests/test_theme_css.py compares every element's computed style, on screens, phones
and in print, with the untouched stylesheet.

The result is written under a name that carries its own content hash (nginx keeps files in
assets/stylesheets/ for 30 days, deploy/nginx-handbook.conf): a later build whose pages use another
class gets another name. Every page is pointed at it; the untouched file is removed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError

STYLESHEETS = Path("assets") / "stylesheets"
# What a page and a script say about the classes, directions and custom properties in use. (The
# attribute patterns also match data-class= and data-dir=, which only keeps more: they start with
# the attribute's name so that the scan of a large site stays quick.)
_CLASS_ATTRIBUTE = re.compile(r"""class=(?:"([^"]*)"|'([^']*)')""")
_DIR_ATTRIBUTE = re.compile(r"""dir=["']?([\w-]+)""")
_CUSTOM_PROPERTY = re.compile(r"--[A-Za-z_][\w-]*")
_WORD = re.compile(r"[A-Za-z_][\w-]*")
# Parts of a selector.
_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_ATTRIBUTE = re.compile(r"""\[\s*([\w-]+)\s*(?:[~|^$*]?=\s*("[^"]*"|'[^']*'|[^\]\s]*)\s*[is]?\s*)?\]""")
# Functional pseudo-classes whose arguments are selectors: one of them need be possible (:is), or
# none matters (:not matches elements without it).
_FUNCTIONAL = re.compile(r":(is|where|matches|-webkit-any|-moz-any|not|has)\(")
# At-rules whose block holds rules (pruned inside); any other block (@keyframes, @font-face, @page)
# is kept whole, except an animation nothing runs.
_GROUPING = re.compile(r"@(?:media|supports|layer|container|document|-moz-document)\b")


@dataclass
class Usage:
    """What the built site uses: class names (and every word of its scripts, which may name a class
    in a string), values of the dir attribute, and custom properties named outside this stylesheet."""

    classes: set[str] = field(default_factory=set)
    directions: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)

    def read_page(self, html: str) -> None:
        for match in _CLASS_ATTRIBUTE.finditer(html):
            self.classes.update((match.group(1) or match.group(2) or "").split())
        self.directions.update(_DIR_ATTRIBUTE.findall(html))
        # (a page names no custom property: style attributes and elements are refused by the
        # site's Content-Security-Policy, and tests/test_site.py finds none)

    def read_script(self, text: str) -> None:
        # A script adds a class by name ("md-search-result__item", classList.add("js")): any word
        # of it may be one. Directions are read from pages only: Material's script reads dir, it
        # never sets it.
        self.classes.update(_WORD.findall(text))
        self.properties.update(_CUSTOM_PROPERTY.findall(text))

    def read_stylesheet(self, text: str) -> None:
        """Another stylesheet of the site (handbook.css): the custom properties it reads."""
        self.properties.update(_CUSTOM_PROPERTY.findall(text))


# -- reading CSS ---------------------------------------------------------------------------------

_SPECIAL = re.compile(r"""["'{};,()\[\]]|/\*""")


@dataclass
class Node:
    """A statement (@charset; block None), a rule (declarations), a grouping at-rule (children), or
    another at-rule kept whole (raw block)."""

    prelude: str
    declarations: list[str] | None = None
    children: list[Node] | None = None
    block: str | None = None

    def css(self) -> str:
        if self.declarations is not None:
            return f"{self.prelude}{{{';'.join(self.declarations)}}}"
        if self.children is not None:
            return f"{self.prelude}{{{''.join(child.css() for child in self.children)}}}"
        return self.prelude if self.block is None else f"{self.prelude}{{{self.block}}}"


def _scan(text: str, i: int, stops: str) -> int:
    """The index of the first character of stops at bracket depth 0 from i, skipping strings and
    comments (len(text) when there is none)."""
    depth = 0
    while (found := _SPECIAL.search(text, i)) is not None:
        char, i = found.group(), found.start()
        if char in "\"'":
            i = _string_end(text, i)
            continue
        if char == "/*":
            i = text.index("*/", i + 2) + 2
            continue
        if depth == 0 and char in stops:
            return i
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        i += 1
    return len(text)


def _string_end(text: str, i: int) -> int:
    quote, i = text[i], i + 1
    while text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def parse(css: str) -> list[Node]:
    nodes, i = [], 0
    while i < len(css):
        end = _scan(css, i, "{;}")
        prelude = re.sub(r"/\*.*?\*/", "", css[i:end], flags=re.S).strip()
        if end == len(css) or css[end] in ";}":
            if prelude:
                nodes.append(Node(prelude + (";" if end < len(css) and css[end] == ";" else "")))
            i = end + 1
            continue
        close = _scan(css, end + 1, "}")
        block = css[end + 1 : close]
        if _GROUPING.match(prelude):
            nodes.append(Node(prelude, children=parse(block)))
        elif prelude.startswith("@"):
            nodes.append(Node(prelude, block=block))
        else:
            nodes.append(Node(prelude, declarations=[d for d in split_top_level(block, ";") if d.strip()]))
        i = close + 1
    return nodes


def split_top_level(text: str, separator: str) -> list[str]:
    """text split at each separator outside brackets and strings."""
    parts, start = [], 0
    while (at := _scan(text, start, separator)) < len(text):
        parts.append(text[start:at])
        start = at + 1
    parts.append(text[start:])
    return parts


def _rules(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        if node.children is not None:
            yield from _rules(node.children)
        elif node.declarations is not None:
            yield node


def _closing_parenthesis(text: str, opening: int) -> int:
    return _scan(text, opening + 1, ")")


# -- deciding --------------------------------------------------------------------------------------

def possible(selector: str, usage: Usage) -> bool:
    """Whether the selector can match an element of the site: each class it needs is in use, and
    each direction it needs; a :not() never rules a selector out."""
    rest, i = [], 0
    while found := _FUNCTIONAL.search(selector, i):
        end = _closing_parenthesis(selector, found.end() - 1)
        if found.group(1) != "not" and not any(possible(alternative.strip(), usage)
                                                 for alternative in split_top_level(selector[found.end() : end], ",")):
            return False
        rest.append(selector[i : found.start()])
        i = end + 1
    rest.append(selector[i:])
    plain = "".join(rest)
    for name, value in _ATTRIBUTE.findall(plain):
        if name == "dir" and value and value.strip("\"'") not in usage.directions:
            return False
    return all(name in usage.classes for name in _CLASS.findall(_ATTRIBUTE.sub("", plain)))


def pruned(nodes: list[Node], usage: Usage) -> list[Node]:
    """The rules, and selectors of a rule, that can match an element of the site."""
    kept = []
    for node in nodes:
        if node.children is not None:
            children = pruned(node.children, usage)
            if children:
                kept.append(Node(node.prelude, children=children))
        elif node.declarations is not None:
            selectors = [s for s in split_top_level(node.prelude, ",") if possible(s.strip(), usage)]
            if selectors:
                kept.append(Node(",".join(selectors), declarations=node.declarations))
        else:
            kept.append(node)
    return kept


def _property(declaration: str) -> str:
    return declaration.split(":", 1)[0].strip()


def without_unread_properties(nodes: list[Node], usage: Usage) -> list[Node]:
    """Declarations of custom properties that nothing reads left out (again and again: a property
    may be read only by one that goes), then rules left empty, then animations nothing runs."""
    while True:
        read = set(usage.properties)
        for rule in _rules(nodes):
            for declaration in rule.declarations:
                read.update(re.findall(r"var\(\s*(--[\w-]+)", declaration))
        unread = {name for rule in _rules(nodes) for d in rule.declarations
                  if (name := _property(d)).startswith("--") and name not in read}
        if not unread:
            break
        for rule in _rules(nodes):
            rule.declarations = [d for d in rule.declarations if _property(d) not in unread]
    return _without_animations(_without_empty(nodes))


def _without_empty(nodes: list[Node]) -> list[Node]:
    kept = []
    for node in nodes:
        if node.children is not None:
            node = Node(node.prelude, children=_without_empty(node.children))
            if not node.children:
                continue
        elif node.declarations is not None and not node.declarations:
            continue
        kept.append(node)
    return kept


_KEYFRAMES = re.compile(r"@(?:-webkit-)?keyframes\s+([\w-]+)")


def _without_animations(nodes: list[Node]) -> list[Node]:
    running = {word for rule in _rules(nodes) for d in rule.declarations if "animation" in _property(d)
               for word in _WORD.findall(d.split(":", 1)[-1])}
    return [node for node in nodes if not (found := _KEYFRAMES.match(node.prelude)) or found.group(1) in running]


def pruned_stylesheet(css: str, usage: Usage) -> str:
    return "".join(node.css() for node in without_unread_properties(pruned(parse(css), usage), usage))


# -- the site --------------------------------------------------------------------------------------

def theme_stylesheet(site_dir: Path) -> Path:
    """Material's main stylesheet in the built site (its name carries a hash)."""
    found = sorted((site_dir / STYLESHEETS).glob("main.*.min.css"))
    if len(found) != 1:
        raise BuildError(f"在生成的网站中应恰好找到一个 Material 主样式表 {STYLESHEETS.as_posix()}/main.*.min.css，"
                         f"实际找到 {len(found)} 个。升级或重装 mkdocs-material 后，请按 README“维护”一节核对。")
    return found[0]


def site_usage(pages: Iterable[str], scripts: Iterable[str], stylesheets: Iterable[str]) -> Usage:
    usage = Usage()
    for html in pages:
        usage.read_page(html)
    for text in scripts:
        usage.read_script(text)
    for text in stylesheets:
        usage.read_stylesheet(text)
    return usage


def slim_theme_stylesheet(site_dir: Path) -> Path:
    """Replace Material's main stylesheet in the built site by the rules its pages can use, under a
    name of its own, and point every page at it. Returns the new file."""
    original = theme_stylesheet(site_dir)
    pages = sorted(site_dir.rglob("*.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    assets = site_dir / "assets"
    scripts = (path.read_text(encoding="utf-8") for path in sorted(assets.rglob("*.js")))
    stylesheets = (path.read_text(encoding="utf-8") for path in sorted(assets.rglob("*.css")) if path != original)
    css = pruned_stylesheet(original.read_text(encoding="utf-8"), site_usage(texts.values(), scripts, stylesheets))
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:8]
    slim = original.with_name(f"main.{digest}.min.css")
    slim.write_text(css, encoding="utf-8")
    link, slim_link = f'stylesheets/{original.name}"', f'stylesheets/{slim.name}"'
    for page, html in texts.items():
        if link in html:
            page.write_text(html.replace(link, slim_link), encoding="utf-8")
    original.unlink()
    original.with_name(original.name + ".map").unlink(missing_ok=True)  # maps the untouched file only
    return slim
