"""Glossary tooltips: wrap every occurrence of a glossary term in <abbr title="definition">.

Python-Markdown's abbr extension relies on word boundaries, which do not exist between Chinese
characters; this marks terms in the page source instead, leaving headings, links, code, tags
and diagrams untouched."""

from __future__ import annotations

import html
import re

from ..resolve import model as m
from ..resolve.words import longest_word_pattern

# Spans whose text must not change: headings, links, code, diagrams, existing abbrs, and any tag;
# and forms (a course's self-test): a term's tooltip would give away the answer to a question on it.
_PROTECTED = re.compile(
    r"^#{1,6} [^\n]*$"
    r"|<(a|abbr|code|pre|svg|script|style|title|h[1-6]|form)\b.*?</\1\s*>"
    r"|<[^>]*>"
    r"|\[[^\]]*\]\([^)]*\)"
    r"|`[^`\n]*`",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)


# A term's own entry on the glossary page (term.html): its own names are left unmarked there, where
# a tooltip would only repeat the definition being read.
_TERM_ENTRY = re.compile(r'<div class="hb-term" data-term="([^"]+)">')
_DIV = re.compile(r"<(/?)div\b")


class GlossaryMarker:
    """One regex for all terms and aliases of a build, the longest winning so that 两个责任 wins
    over 责任; made once per build and used for every page."""

    def __init__(self, terms: tuple[m.Term, ...]):
        self.words = {word: term for term in terms for word in term.names if len(word) > 1}
        self.by_id = {term.id: term for term in terms}
        self.pattern = longest_word_pattern(list(self.words)) if self.words else None

    def mark(self, source: str) -> str:
        if self.pattern is None:
            return source
        out, last = [], 0
        for entry in _TERM_ENTRY.finditer(source):
            if entry.start() < last:
                continue  # inside the entry before (entries do not nest)
            end = _end_of_div(source, entry.end())
            out.append(self._marked(source[last : entry.start()], None))
            out.append(self._marked(source[entry.start() : end], self.by_id.get(entry.group(1))))
            last = end
        out.append(self._marked(source[last:], None))
        return "".join(out)

    def _marked(self, source: str, own: m.Term | None) -> str:
        """The terms in source wrapped, outside protected spans, except the names of `own`."""

        def wrap(match: re.Match) -> str:
            term = self.words[match.group(0)]
            if term is own:
                return match.group(0)
            title = html.escape(f"{term.term}：{term.definition}", quote=True)
            return f'<abbr class="hb-term" title="{title}">{match.group(0)}</abbr>'

        out, last = [], 0
        for protected in _PROTECTED.finditer(source):
            out.append(self.pattern.sub(wrap, source[last : protected.start()]))
            out.append(protected.group(0))
            last = protected.end()
        out.append(self.pattern.sub(wrap, source[last:]))
        return "".join(out)


def _end_of_div(source: str, start: int) -> int:
    """Where the div opened just before `start` closes (the end of the text if it never does)."""
    depth = 1
    for tag in _DIV.finditer(source, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return source.index(">", tag.end()) + 1
    return len(source)
