"""A fast reader for the plain subset of YAML that the data files are written in.

PyYAML builds a Python object for every event and node of a document before a single value is
made; on 23 MB of data that is most of a check's time. The data files use a small part of YAML:
block mappings with plain keys, block lists (indented under their key or not), plain scalars
(continued on deeper lines or not), one-line quoted scalars, one-line flow lists and mappings,
and folded or literal block scalars. This module reads exactly that part, with one regular
expression over the whole text and a few comparisons a line, straight into plain values.

It never decides anything PyYAML would decide differently: whatever it does not recognise with
certainty (a tab, an anchor, an alias, a tag, an escape or a line break in a quoted scalar, a
scalar on the line below its key, a duplicate key, anything that could be an error) makes read()
return None, and the file is read by PyYAML as before (load.read_with_pyyaml), which also reports
every problem and its position. A value it does return is the one PyYAML returns for the same
text; tests/test_yaml_reading.py compares the two on the data and on thousands of slipped copies.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# Characters that only PyYAML is trusted with: tabs, a carriage return on its own and the other
# line breaks YAML knows (NEL, LS, PS), a byte order mark, and what YAML does not allow at all.
# (Named as the few ranges they are: the complement, written as its wide ranges, takes ten times
# as long to compile, on every start.)
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# One line: its indentation, the dash of a list item, a plain key with its colon, and the rest.
# (Possessive: every part after the indentation is optional and the rest takes anything, so the
# first way through is the match and giving back characters never finds another; 10% quicker.)
_LINE = re.compile(r"^( *+)(-(?: ++|$))?(?:([A-Za-z_][A-Za-z0-9_-]*+):(?: ++|$))?(.*+)", re.MULTILINE)
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
# A first character that makes a value something other than a plain scalar (or an error).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# A plain scalar inside a flow collection: no indicator first, then nothing that could end it or
# mean something else there (a colon only separates a key from its value).
_FLOW_SCALAR = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ][^:?,\[\]{}#]*")
_BLOCK_HEADERS = frozenset((">", "|", ">-", "|-"))

_STR = "tag:yaml.org,2002:str"
_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.SafeLoader("")
# The first characters of the plain scalars PyYAML might read as something other than text.
_RESOLVED_FIRST = frozenset(_RESOLVERS)
_UNRESOLVED = object()


class _NotPlain(Exception):
    """The text leaves the subset this module reads."""


def read(text: str, max_nodes: int) -> dict | None:
    """The plain value of a document whose top level is a mapping, or None when the document
    leaves the subset (or counts more than max_nodes nodes, as load.py counts them)."""
    if "\r" in text:
        # Windows line ends: YAML reads CR LF as one line break, the same as LF
        text = text.replace("\r\n", "\n")
    if _OUTSIDE.search(text):
        return None
    reader = _Reader(text)
    try:
        value = reader.document()
    except _NotPlain:
        return None
    if not value or reader.nodes > max_nodes:
        return None  # no key at all (an empty file), or too many nodes
    return value


class _Reader:
    """Reads a document line by line; `next` is the index of the first line not yet read, for the
    scalars that take more than their own line."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _LINE.findall(text)  # one per line
        self.count = len(self.tokens)
        self.next = 0
        self.nodes = 1  # the document's own mapping; document() adds the block nodes it reads
        self._lines: list[str] | None = None
        self.text_keys: set[str] = set()  # keys PyYAML reads as text (a file uses a few dozen)

    def line(self, index: int) -> str:
        """A whole line as written, for the rare scalars that span lines."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[index]

    def document(self) -> dict:
        """The top-level mapping. One pass over the lines, with the block collections that are
        still open on a stack: a line standing less deep than the innermost one closes it, and
        a key or dash with nothing after it opens a collection on the next line, or means null.

        This is the loop every line of every file goes through, so the common lines (a key or a
        dash with a one-line plain scalar) are handled here without a call; everything rarer is
        a method of its own."""
        tokens, count, text_keys = self.tokens, self.count, self.text_keys
        resolved: dict[str, object] = {}
        nodes = 0
        root: dict = {}
        open_blocks: list[tuple[int, Any, bool]] = []  # the enclosing ones, outermost first
        # The innermost open collection, the column its lines stand at, and whether it is a list
        # written at its key's own indentation (closed by the next line there without a dash).
        block: Any = root
        indent, indentless = 0, False
        # A key or dash with no value on its line: where the value goes, and the owner's column.
        waiting: Any = None
        target: Any = None
        slot: object = None
        owner_indent = 0
        under_key = False
        index = 0
        while index < count:
            spaces, dash, key, rest = tokens[index]
            index += 1
            # (taken once: indexing a string that is not Latin-1 makes a new one-character string)
            first = rest[0] if rest else ""
            if not (dash or key or (first and first != "#")):
                continue  # blank, or a comment
            depth = len(spaces)
            if waiting is not None:
                if depth > owner_indent or (under_key and dash and depth == owner_indent):
                    if not (dash or key):
                        raise _NotPlain  # a scalar on the line below its key
                    opened: Any = [] if dash else {}
                    waiting[slot] = opened
                    open_blocks.append((indent, block, indentless))
                    indent, block, indentless = depth, opened, depth == owner_indent
                waiting = None  # otherwise the value stays null
            while depth < indent or (indentless and depth == indent and not dash):
                indent, block, indentless = open_blocks.pop()
            if depth != indent:
                raise _NotPlain  # deeper than the lines of its block
            if dash:
                if block.__class__ is not list:
                    raise _NotPlain
                nodes += 1
                if key:
                    item: dict = {}
                    block.append(item)
                    open_blocks.append((indent, block, indentless))
                    indent, block, indentless = depth + len(dash), item, False
                else:
                    target, slot, column = block, len(block), depth
                    block.append(None)
            elif not key or block.__class__ is not dict:
                raise _NotPlain
            if key:
                if key in block or (key not in text_keys and not self.is_text_key(key)):
                    raise _NotPlain  # a duplicate, or a key PyYAML reads as true, false or null
                nodes += 2
                target, slot, column = block, key, indent
            if not first or first == "#":
                target[slot] = None  # null, unless a block follows
                waiting, owner_indent, under_key = target, column, bool(key)
                continue
            if first in _INDICATORS:
                self.next = index
                target[slot] = self.scalar(rest, column)
                index = self.next
                continue
            # a plain scalar, perhaps continued on the lines below (unless a comment ends its line)
            # ("#" is rare in the data's text, and finding one character is quicker)
            comment = rest.find(" #") if "#" in rest else -1
            text = rest[:comment] if comment >= 0 else rest
            # (_plain_line, written out: a call for every line of text costs more than its checks)
            if text[-1] == " ":
                text = text.rstrip(" ")
            if ":" in text and (": " in text or text[-1] == ":"):
                raise _NotPlain
            if comment < 0 and index < count:  # (a comment ends the text)
                following = tokens[index]
                if len(following[0]) > column or not (following[1] or following[2] or following[3]):
                    self.next = index
                    text = self.continued(text, column)
                    index = self.next
            # (the text's first character: a line's rest never begins with a space, and is stripped on the right only)
            if first in _RESOLVED_FIRST:
                # ids and names recur throughout a file; PyYAML's resolvers decide each text once
                value = resolved.get(text, _UNRESOLVED)
                if value is _UNRESOLVED:
                    value = resolved[text] = _typed(text)
                target[slot] = value
            else:
                target[slot] = text
        self.nodes += nodes
        return root

    def is_text_key(self, key: str) -> bool:
        if _typed(key) is not key:
            return False
        self.text_keys.add(key)
        return True

    def scalar(self, rest: str, indent: int) -> object:
        """A value that starts with an indicator, after a key or dash at `indent`."""
        first = rest[0]
        if first in "[{":
            return self.flow(rest)
        if first == '"':
            return self.double_quoted(rest)
        if first == "'":
            return self.single_quoted(rest)
        if first in "|>":
            return self.block_scalar(rest, indent)
        raise _NotPlain

    def continued(self, text: str, indent: int) -> str:
        """A plain scalar's first line with the lines that continue it."""
        blanks = 0
        index = self.next
        while index < self.count:
            line = self.line(index)
            content = line.lstrip(" ")
            index += 1
            if not content:
                blanks += 1
                continue
            if len(line) - len(content) <= indent or content[0] == "#":
                break
            if content[0] in _INDICATORS or " #" in content:
                raise _NotPlain
            text += ("\n" * blanks if blanks else " ") + _plain_line(content)
            blanks = 0
            self.next = index
        return text

    def flow(self, rest: str) -> list | dict:
        """A flow list or mapping written on one line, its items plain scalars or flow collections."""
        value, end = self.flow_collection(rest, 0)
        _end_of_line(rest[end:])
        return value

    def flow_collection(self, text: str, start: int) -> tuple[list | dict, int]:
        """The collection whose bracket stands at `start`, and where its text ends."""
        closing = "]" if text[start] == "[" else "}"
        result: list | dict = [] if closing == "]" else {}
        index = _after_spaces(text, start + 1)
        if text[index:index + 1] == closing:
            return result, index + 1
        while True:
            if closing == "]":
                value, index = self.flow_node(text, index)
                result.append(value)
            else:
                key, index = self.flow_node(text, index)
                if not isinstance(key, str) or key in result or text[index:index + 2] != ": ":
                    raise _NotPlain
                result[key], index = self.flow_node(text, _after_spaces(text, index + 2))
            index = _after_spaces(text, index)
            separator = text[index:index + 1]
            if separator == closing:
                return result, index + 1
            if separator != ",":
                raise _NotPlain
            index = _after_spaces(text, index + 1)

    def flow_node(self, text: str, start: int) -> tuple[object, int]:
        self.nodes += 1
        if text[start:start + 1] in ("[", "{"):
            return self.flow_collection(text, start)
        match = _FLOW_SCALAR.match(text, start)
        if match is None:
            raise _NotPlain
        return _typed(match.group().rstrip(" ")), match.end()

    def double_quoted(self, rest: str) -> str:
        end = rest.find('"', 1)
        if end < 0 or "\\" in rest[:end]:
            raise _NotPlain  # continued on the next line, or an escape
        _end_of_line(rest[end + 1:])
        return rest[1:end]

    def single_quoted(self, rest: str) -> str:
        match = _SINGLE_QUOTED.match(rest)
        if match is None:
            raise _NotPlain
        _end_of_line(rest[match.end():])
        return match.group(1).replace("''", "'")

    def block_scalar(self, rest: str, indent: int) -> str:
        """A folded (>) or literal (|) scalar whose lines all stand at one indentation, with no
        blank line before the first; clipped, or stripped with -."""
        comment = rest.find(" #")
        header = (rest if comment < 0 else rest[:comment]).rstrip(" ")
        if header not in _BLOCK_HEADERS:
            raise _NotPlain
        index = self.next
        parts: list[str] = []
        column = -1
        while index < self.count:
            line = self.line(index)
            content = line.lstrip(" ")
            depth = len(line) - len(content)
            if column < 0:
                if not content or depth <= indent:
                    raise _NotPlain
                column = depth
            if not line:
                parts.append("")
            elif depth < column and content:
                break
            elif depth != column or not content:
                raise _NotPlain  # a deeper line, or a blank line holding spaces
            else:
                parts.append(content)
            index += 1
        if column < 0:
            raise _NotPlain  # nothing below the header
        while parts[-1] == "":
            parts.pop()
        last = self.next + len(parts) - 1
        self.next = index
        text = _folded(parts) if header[0] == ">" else "\n".join(parts)
        if header[-1] != "-" and last + 1 < self.count:
            text += "\n"  # clip: the last line's own line break, when it has one
        return text


def _folded(parts: list[str]) -> str:
    """Lines joined by spaces, where a run of n blank lines between two lines becomes n line breaks."""
    text = parts[0]
    blanks = 0
    for part in parts[1:]:
        if not part:
            blanks += 1
            continue
        text += "\n" * blanks if blanks else " "
        text += part
        blanks = 0
    return text


def _plain_line(text: str) -> str:
    """One line of a plain scalar, without the spaces around it; a colon that would make it a key
    (an error in a value) is left to PyYAML."""
    if text[-1] == " ":
        text = text.rstrip(" ")
    # (":" is rare in the data's text, and finding one character is quicker)
    if ":" in text and (": " in text or text[-1] == ":"):
        raise _NotPlain
    return text


def _after_spaces(text: str, index: int) -> int:
    while text[index:index + 1] == " ":
        index += 1
    return index


def _end_of_line(tail: str) -> None:
    """After a closed scalar or collection only spaces may follow, then perhaps a comment."""
    stripped = tail.lstrip(" ")
    if stripped and (stripped[0] != "#" or stripped == tail):
        raise _NotPlain


def _typed(text: str) -> object:
    """A plain scalar's value: text, unless PyYAML's implicit resolvers read it as something else."""
    for tag, regexp in _RESOLVERS.get(text[:1], ()):
        if regexp.match(text):
            if tag == _STR:
                return text
            try:
                return _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, text), deep=True)
            except Exception:  # noqa: BLE001 - PyYAML's path decides what such a value means
                raise _NotPlain from None
    return text
