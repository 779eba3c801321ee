"""Glossary tooltips: wrap every occurrence of a glossary term in <abbr title="definition">.

Python-Markdown's abbr extension relies on word boundaries, which do not exist between Chinese
characters; this marks terms in the page source instead, leaving headings, links, code, tags
and diagrams untouched."""

from __future__ import annotations

import functools
import html
import re

from .. import model as m
from ..words import longest_word_pattern

# Spans whose text must not change: headings, links, code, diagrams, existing abbrs, and any tag.
_PROTECTED = re.compile(
    r"^#{1,6} [^\n]*$"
    r"|<(a|abbr|code|pre|svg|script|style|title|h[1-6])\b.*?</\1\s*>"
    r"|<[^>]*>"
    r"|\[[^\]]*\]\([^)]*\)"
    r"|`[^`\n]*`",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)


@functools.lru_cache(maxsize=4)
def term_pattern(terms: tuple[m.Term, ...]) -> tuple[re.Pattern | None, dict[str, m.Term]]:
    """One regex for all terms and aliases, the longest winning so that 两个责任 wins over 责任.

    Cached: every page of a build asks for the same handbook's terms."""
    words = {word: term for term in terms for word in term.names if len(word) > 1}
    if not words:
        return None, {}
    return longest_word_pattern(list(words)), words


def mark_terms(source: str, terms: tuple[m.Term, ...]) -> str:
    pattern, words = term_pattern(terms)
    if pattern is None:
        return source

    def wrap(match: re.Match) -> str:
        term = words[match.group(0)]
        title = html.escape(f"{term.term}：{term.definition}", quote=True)
        return f'<abbr class="hb-term" title="{title}">{match.group(0)}</abbr>'

    out, last = [], 0
    for protected in _PROTECTED.finditer(source):
        out.append(pattern.sub(wrap, source[last : protected.start()]))
        out.append(protected.group(0))
        last = protected.end()
    out.append(pattern.sub(wrap, source[last:]))
    return "".join(out)
