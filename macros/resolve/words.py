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
