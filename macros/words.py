"""Finding many words in Chinese text at once (no word boundaries to split on)."""

from __future__ import annotations

import re


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
    """For each text, the words that occur in it (overlapping ones included).

    Two ways of looking give the same answer at different costs: a compiled trie regex scans fast
    but takes long to compile for many words (a third of a second for ten thousand); looking up the
    pieces of text costs almost nothing to set up but more per character. One edited file among
    many is looked up; a whole folder's prose is scanned.
    """
    if not words or not texts:
        return [set() for _ in texts]
    if sum(map(len, texts)) < _LOOK_UP_BELOW * sum(map(len, words)):
        lengths = sorted({len(word) for word in words})
        heads = {word[:2] for word in words}
        return [_looked_up(words, lengths, heads, text) for text in texts]
    scanner = _Scanner(words)
    return [scanner.words_in(text) for text in texts]


# Characters of text per character of the words below which looking up beats compiling (measured).
_LOOK_UP_BELOW = 20


def _looked_up(words: set[str], lengths: list[int], heads: set[str], text: str) -> set[str]:
    """The words in text, found by looking up the piece of every length (of the words' lengths) at
    each place where the first two characters could begin one (heads: the words' first two)."""
    found: set[str] = set()
    for start in range(len(text)):
        if text[start : start + 2] in heads or text[start] in heads:
            found.update(piece for length in lengths if (piece := text[start : start + length]) in words)
    return found


class _Scanner:
    """One compiled pattern for many texts, and the words each longest match begins with (the
    same matches recur from text to text, so each is taken apart once)."""

    def __init__(self, words: set[str]):
        self.words = words
        self.pattern = longest_word_pattern(words)
        self.longest = max(map(len, words))
        self.lengths = sorted({len(word) for word in words})
        self.prefixes: dict[str, list[str]] = {}

    def words_in(self, text: str) -> set[str]:
        """The words that occur in text, in one pass over it (testing each word with `in` would
        scan the whole text once per word: quadratic as the handbook grows).

        The regex reports the longest word at each place it stops. Any other occurrence of a word
        starts inside one of those matches (where the scan stood, the word itself would have
        matched), so the other words are looked for only in short windows around them.
        """
        windows = {text[m.start() : m.end() + self.longest - 1] for m in self.pattern.finditer(text)}
        found: set[str] = set()
        for longest_here in self._longest_starting_anywhere("\0".join(windows)):
            found.update(self._prefix_words(longest_here))
        return found

    def _longest_starting_anywhere(self, text: str) -> set[str]:
        """The longest word at each place one starts, overlaps included."""
        longest_here: set[str] = set()
        match = self.pattern.search(text)
        while match:
            longest_here.add(match.group())
            match = self.pattern.search(text, match.start() + 1)
        return longest_here

    def _prefix_words(self, found: str) -> list[str]:
        """The words a match begins with: itself and those of its prefixes that are words."""
        known = self.prefixes.get(found)
        if known is None:
            known = self.prefixes[found] = [found[:n] for n in self.lengths if n <= len(found) and found[:n] in self.words]
        return known
