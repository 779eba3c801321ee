"""Glossary tooltips: wrap every occurrence of a glossary term in <abbr title="definition">.

Python-Markdown's abbr extension relies on word boundaries, which do not exist between Chinese
characters; this marks terms in the page source instead, leaving headings, links, code, tags
and diagrams untouched."""

from __future__ import annotations

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


class GlossaryMarker:
    """One regex for all terms and aliases of a build, the longest winning so that 两个责任 wins
    over 责任; made once per build and used for every page."""

    def __init__(self, terms: tuple[m.Term, ...]):
        self.words = {word: term for term in terms for word in term.names if len(word) > 1}
        self.pattern = longest_word_pattern(list(self.words)) if self.words else None

    def mark(self, source: str) -> str:
        if self.pattern is None:
            return source

        def wrap(match: re.Match) -> str:
            term = self.words[match.group(0)]
            title = html.escape(f"{term.term}：{term.definition}", quote=True)
            return f'<abbr class="hb-term" title="{title}">{match.group(0)}</abbr>'

        out, last = [], 0
        for protected in _PROTECTED.finditer(source):
            out.append(self.pattern.sub(wrap, source[last : protected.start()]))
            out.append(protected.group(0))
            last = protected.end()
        out.append(self.pattern.sub(wrap, source[last:]))
        return "".join(out)
