"""Scripts and stylesheets that serve one kind of content, linked only from the pages that hold it.

Material links every `extra_css` and `extra_javascript` file of mkdocs.yml into every page, so a
term's page would download the checklist form's script and the deadline calculator, which it never
runs (a third of a page's weight once the theme's own files are counted out). The engine writes
every page finished, so the stage can see what each one holds: it lists the assets the page needs
in the page's front matter (`extra_css`, `extra_javascript`, as in mkdocs.yml, for that page only),
and overrides/main.html links them after the site-wide ones. (Material's navigation.instant, which
swaps pages without loading them, would skip a page's own assets: it stays off.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class PageAsset:
    """Files (paths below docs/) that a page needs when its finished HTML matches `holds`."""

    holds: re.Pattern
    css: tuple[str, ...] = ()
    js: tuple[str, ...] = ()


# Each pattern is the mark the render templates put on the element its script drives or its
# stylesheet lays out (the script itself looks the element up by the same mark).
PAGE_ASSETS = (
    # the checklist form the site keeps in the browser (checklist.html: data-edition on the site only)
    PageAsset(re.compile(r'<div class="hb-checklist"[^>]* data-edition="'),
              css=("assets/checklist.css",), js=("assets/checklist.js",)),
    # the deadline calculator beside a computable time limit (deadline.html)
    PageAsset(re.compile(r'<span class="hb-deadline"'), js=("assets/deadline.js",)),
    # the self-test on a course page (selftest.html)
    PageAsset(re.compile(r'<form class="hb-selftest"'), css=("assets/selftest.css",), js=("assets/selftest.js",)),
    # the hint above a swimlane or table wider than the screen (swimlane.html, matrix.html)
    PageAsset(re.compile(r"<p [^>]*data-scroll-hint"), js=("assets/scroll-hint.js",)),
)

_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


def page_assets(html: str) -> dict[str, list[str]]:
    """The front-matter keys listing the assets a finished page needs (none: an empty dict)."""
    needed = [asset for asset in PAGE_ASSETS if asset.holds.search(html)]
    meta = {"extra_css": [p for a in needed for p in a.css], "extra_javascript": [p for a in needed for p in a.js]}
    return {key: paths for key, paths in meta.items() if paths}


def with_front_matter(text: str, meta: dict) -> str:
    """The page with these keys added to its front matter (made when it has none)."""
    if not meta:
        return text
    found = _FRONT_MATTER.match(text)
    merged = (yaml.safe_load(found.group(1)) or {}) if found else {}
    for key, value in meta.items():
        # a page's own list (a hand-written page may name assets too) is kept, and added to
        merged[key] = [*merged[key], *value] if isinstance(value, list) and key in merged else value
    body = text[found.end():] if found else text
    # JSON is YAML, and writes the data's Chinese and any path exactly as it is
    return f"---\n{json.dumps(merged, ensure_ascii=False, sort_keys=True)}\n---\n{body}"
