"""Finding many words in Chinese text at once (no word boundaries to split on), and putting words
in the order of a Chinese dictionary (by pinyin)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable


def longest_word_pattern(words: set[str] | list[str]) -> re.Pattern | None:
    """A regex matching, at any position, the longest of the words that starts there.

    Built as a trie (共享前缀只写一次), so the work per position depends on the words' length,
    not their number: a plain alternation of all words would make marking and the quality report
    quadratic as the handbook grows.
    """
    trie: dict = {}
    for word in words:
        if word:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[""] = {}
    return re.compile(_trie_regex(trie)) if trie else None


def _trie_regex(node: dict) -> str:
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A word may end here: the longer continuation is tried first (greedy), this one is the fallback.
    return f"(?:{body})?" if "" in node else body


def words_in_each(words: set[str], texts: list[str]) -> list[set[str]]:
    """For each text, the words that occur in it (overlapping ones included)."""
    find = word_finder(words)
    return [find(text) for text in texts]


def word_finder(words: set[str]) -> Callable[[str], set[str]]:
    """What finds the words in a text (one setting-up for many texts)."""
    return _Scanner(words).words_in if words else lambda text: set()


class _Scanner:
    """One compiled pattern for many texts: of the words' first few characters (their keys), not
    of the whole words, since compiling takes long for a large pattern (a tenth of a second for
    ten thousand words) and a key already stops the scan only where a word may begin."""

    def __init__(self, words: set[str]):
        self.words = words
        self.longest = max(map(len, words))
        lengths_by_key: dict[str, set[int]] = {}
        for word in words:
            lengths_by_key.setdefault(word[:_KEY_LENGTH], set()).add(len(word))
        self.pattern = longest_word_pattern(list(lengths_by_key))
        # Where a key is the longest one that matches, the words there begin with it or with one
        # of the shorter keys it begins with: the lengths of all of those are tried.
        self.lengths = {key: sorted({length for end in range(1, len(key) + 1)
                                     for length in lengths_by_key.get(key[:end], ())})
                        for key in lengths_by_key}
        self.in_window: dict[str, tuple[str, ...]] = {}  # the same windows recur from text to text

    def words_in(self, text: str) -> set[str]:
        """The words that occur in text, in one pass over it (testing each word with `in` would
        scan the whole text once per word: quadratic as the handbook grows).

        The scan stops at the longest key at each place it stands. A key that starts inside one of
        those matches was passed over, so each match's window reaches as far as a word beginning
        anywhere inside it can; keys are then looked for at every place in the windows alone.
        """
        found: set[str] = set()
        for window in {text[m.start() : m.end() + self.longest - 1] for m in self.pattern.finditer(text)}:
            known = self.in_window.get(window)
            if known is None:
                known = self.in_window[window] = self._words_in_window(window)
            found.update(known)
        return found

    def _words_in_window(self, window: str) -> tuple[str, ...]:
        """The words that begin at any place in window (and end inside it)."""
        words = self.words
        found = []
        match = self.pattern.search(window)
        while match:
            start = match.start()
            found.extend(piece for length in self.lengths[match.group()]
                         if (piece := window[start : start + length]) in words)
            match = self.pattern.search(window, start + 1)
        return tuple(found)


# How many first characters of a word the scan's pattern holds (measured: shorter keys stop the scan
# at more places that begin no word, longer ones make a larger pattern).
_KEY_LENGTH = 4


def pinyin_order(texts: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each text's initial (A–Z, or '' for a text that does not begin with a Chinese character or a
    Latin letter) and its sort key: the toneless pinyin of its characters, then the text itself, so
    that texts read alike still keep one order."""
    readings = _pinyin_reader()
    result = []
    for text in texts:
        syllables = tuple(syllable.lower() for syllable in readings(text))
        first = syllables[0][:1].upper() if syllables else ""
        result.append((first if "A" <= first <= "Z" else "", (*syllables, text)))
    return result


def _pinyin_reader() -> Callable[[str], list[str]]:
    # pypinyin decides when it is first imported whether to load its table of phrase readings (about
    # 400,000 phrases): without it, it loads in a quarter of the time, and an alphabetical order needs
    # only each character's usual reading. The setting is restored at once, since it is process-wide.
    previous = os.environ.get("PYPINYIN_NO_PHRASES")
    os.environ["PYPINYIN_NO_PHRASES"] = "1"
    try:
        from pypinyin import lazy_pinyin
    finally:
        if previous is None:
            del os.environ["PYPINYIN_NO_PHRASES"]
        else:
            os.environ["PYPINYIN_NO_PHRASES"] = previous
    return lazy_pinyin
