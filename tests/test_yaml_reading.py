"""The data files mean what YAML says they mean, whichever of the two readers reads them.

`plain_yaml` reads the plain subset the data is written in, quickly; PyYAML (`load.read_with_pyyaml`)
reads everything else and reports every problem. The fast reader must either give exactly PyYAML's
value or leave the file to PyYAML: never a value of its own.
"""

from __future__ import annotations

import random

import pytest
import yaml

from bench.generate import generate
from macros import load, plain_yaml
from macros.cli import PROJECT

DATA_FILES = sorted((PROJECT / "data").rglob("*.yaml"))


def pyyaml_value(text: str) -> object:
    """PyYAML's value for a document, or a word for why there is none (never equal to a value)."""
    try:
        value, problems = load.read_with_pyyaml(text, "x.yaml")
    except Exception as exc:  # noqa: BLE001 - a crash is also an answer the fast reader must not give
        return f"<crash {type(exc).__name__}>"
    return "<problems>" if problems else value


def same(fast: object, slow: object) -> bool:
    """Equal, types included (1 == True and 1 == 1.0 in Python, not in the data)."""
    return repr(fast) == repr(slow)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.relative_to(PROJECT).as_posix())
def test_every_data_file_is_read_fast_and_means_the_same(path):
    text = path.read_text(encoding="utf-8")
    fast = plain_yaml.read(text, load.MAX_NODES)
    assert fast is not None, "the fast reader left a data file of the handbook to PyYAML"
    assert same(fast, pyyaml_value(text))


def test_files_written_by_pyyaml_are_read_fast(tmp_path):
    """The benchmark's data, as PyYAML writes it: lists under their key's own indentation and long
    text wrapped onto several lines."""
    generate(PROJECT / "data", tmp_path / "data", 3)
    written = sorted((tmp_path / "data" / "synthetic").glob("*.yaml"))
    assert written
    for path in written:
        text = path.read_text(encoding="utf-8")
        fast = plain_yaml.read(text, load.MAX_NODES)
        assert fast is not None, path.name
        assert same(fast, pyyaml_value(text)), path.name


READ_FAST = {
    "plain text and comments": "a: 文本 # 注释\n# 整行注释\nb:   两边有空格   \nc: a#b\n",
    "typed scalars": "a: 12\nb: true\nc: null\nd: ~\ne: 1.5\nf: 2026-11-22\ng: 1:30\nh: 0o17\ni: yes\nj:\nk: '12'\n",
    "quoted": "a: \"2026-11-22\"\nb: 'it''s'\nc: \"a # b\" # 注释\nd: ''\n",
    "flow": "a: [x, y z, 3]\nb: {source: s000, section: 四(五)12}\nc: [{a: 1, b: [x]}, {}]\nd: []\n",
    "lists": "a:\n  - x\n  - id: y\n    n: 1\n  -\n    - z\nb:\n- indentless\n- id: q\nc: 1\n",
    "continued plain text": "a: 第一行\n  第二行\n\n  第三段\nb:\n  - 项\n    接着\nc: 一\n\n  二\n",
    "folded and literal": "a: >\n  一\n  二\n\n  三\nb: |\n  一\n  二\n\nc: >-\n  x\n  # 不是注释\nd: |-\n  y\n",
    "last line without a line end": "a: >\n  x",
    "windows line ends": "a: 1\r\nb: >\r\n  x\r\n  y\r\nc: [p, q]\r\n",
}

LEFT_TO_PYYAML = {
    "a tab": "a:\tx\n",
    "an anchor and an alias": "a: &x 1\nb: *x\n",
    "a tag": "a: !!str 1\n",
    "a duplicate key": "a: 1\na: 2\n",
    "a key that is true": "yes: 1\n",
    "a colon inside a value": "a: b: c\n",
    "a document marker": "---\na: 1\n",
    "an escape": "a: \"x\\ty\"\n",
    "a quoted text over two lines": "a: \"x\n  y\"\n",
    "a flow list over two lines": "a: [x,\n  y]\n",
    "a deeper line in a block scalar": "a: >\n  x\n    y\n",
    "a kept block scalar": "a: |+\n  x\n\n",
    "a value on the line below its key": "a:\n  text\n",
    "a list at the top": "- a\n",
    "a list opened on a list item's line": "a:\n  - - x\n",
    "a carriage return on its own": "a: x\rb: y\n",
    "a merge key": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "a misindented key": "a:\n  b: 1\n   c: 2\n",
    "an empty file": "# 只有注释\n",
}


@pytest.mark.parametrize("text", READ_FAST.values(), ids=READ_FAST.keys())
def test_the_plain_subset_is_read_fast_and_means_the_same(text):
    fast = plain_yaml.read(text, load.MAX_NODES)
    assert fast is not None
    assert same(fast, pyyaml_value(text))


@pytest.mark.parametrize("text", LEFT_TO_PYYAML.values(), ids=LEFT_TO_PYYAML.keys())
def test_the_rest_of_yaml_is_left_to_pyyaml(text):
    assert plain_yaml.read(text, load.MAX_NODES) is None


def test_every_character_pyyaml_treats_specially_is_left_to_it():
    """Over all of Unicode: the fast reader steps aside for each character PyYAML refuses, and for
    those it reads as something besides text (a tab, the line breaks other than LF, a byte order
    mark); any other character it reads itself."""
    special = {"\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff"}
    refused_by_pyyaml = yaml.reader.Reader.NON_PRINTABLE
    for code in range(0x110000):
        char = chr(code)
        expected = char in special or refused_by_pyyaml.match(char) is not None
        assert (plain_yaml._OUTSIDE.match(char) is not None) == expected, hex(code)


def test_a_file_over_the_node_limit_is_left_to_pyyaml():
    text = "a:\n" + "".join(f"  - {n}\n" for n in range(50))
    assert plain_yaml.read(text, 53) is not None  # the mapping, its key, the list and its 50 items
    assert plain_yaml.read(text, 52) is None


# What an editor's slip can add: indicators, spaces, line breaks, and text YAML reads as something else.
SLIPS = ("\r\n", "\r", " ", "  ", "-", "- ", ":", ": ", "#", " #", "\n", "\n  ", "'", '"', "[", "]", "{", "}",
         ",", ", ", ">", "|", ">-", "&a ", "*a", "!", "?", "x", "中", "1", "0", "yes", "null", "~", "\\", "%", "@",
         "<<", "=", "\n\n", "2026-11-22", "\n- ", "\n  - ", "  - ", ".", "\t", "…", "e3", "0x1f", ".inf", "1:30",
         "  x: y", "\n      ", "'a''b'")


def slipped(text: str, rng: random.Random) -> str:
    """The text with one to three slips: an insertion, a deletion, or a line indented, dedented or repeated."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        roll = rng.random()
        if roll < 0.55:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(SLIPS) + text[at:]
        elif roll < 0.7:
            at = rng.randrange(len(text) or 1)
            text = text[:at] + text[at + rng.choice((1, 2, 3)):]
        else:
            lines = text.split("\n")
            index = rng.randrange(len(lines))
            roll = rng.random()
            if roll < 0.4:
                lines[index] = " " * rng.choice((1, 2, 4)) + lines[index]
            elif roll < 0.8:
                lines[index] = lines[index][rng.choice((1, 2)):]
            else:
                lines.insert(index, rng.choice(lines))
            text = "\n".join(lines)
    return text


def excerpt(text: str, rng: random.Random) -> str:
    """Forty lines of a data file, from a top-level line or anywhere, sometimes nested under a key."""
    lines = text.split("\n")
    tops = [index for index, line in enumerate(lines) if line[:1] not in (" ", "#", "")] or [0]
    start = rng.choice(tops) if rng.random() < 0.7 else rng.randrange(max(1, len(lines) - 40))
    part = lines[start:start + 40]
    if rng.random() < 0.5:
        part = ["k:", *("  " + line for line in part)]
    return "\n".join(part) + rng.choice(("\n", "", "\n\n"))


def test_slips_in_the_data_never_make_the_readers_disagree(tmp_path):
    """Thousands of slipped copies of pieces of the data (as editors write it, as PyYAML writes it,
    and the examples above): whenever the fast reader gives a value, it is PyYAML's, and a copy
    PyYAML finds a problem in is always left to it."""
    rng = random.Random(20261123)
    written = generate(PROJECT / "data", tmp_path / "data", 2) / "synthetic" / "copy-002.yaml"
    texts = [path.read_text(encoding="utf-8") for path in [*DATA_FILES, written]]
    texts += [*READ_FAST.values(), *LEFT_TO_PYYAML.values()] * 4
    accepted = 0
    for _ in range(20_000):
        text = slipped(excerpt(rng.choice(texts), rng), rng)
        fast = plain_yaml.read(text, load.MAX_NODES)
        if fast is None:
            continue
        accepted += 1
        assert same(fast, pyyaml_value(text)), text
    assert accepted > 2_000  # the comparison covered a real share of the copies


def test_the_handbook_data_loads_the_same_either_way(monkeypatch):
    """The whole folder through load_folder, fast and with the fast reader switched off."""
    fast, _ = load.load_folder(PROJECT / "data")
    monkeypatch.setattr(plain_yaml, "read", lambda text, max_nodes: None)
    slow, _ = load.load_folder(PROJECT / "data")
    assert [(f.path, repr(f.data)) for f in fast] == [(f.path, repr(f.data)) for f in slow]


@pytest.mark.parametrize("name", ["roles.yaml", "procedures/clue-handling.yaml", "topics.yaml"])
def test_both_readers_count_nodes_alike(name):
    """The node limit (against alias bombs) means the same number in both readers."""
    text = (PROJECT / "data" / name).read_text(encoding="utf-8")
    builder = load._Builder(name)
    builder.build(load._compose(text), ())
    assert plain_yaml.read(text, builder.nodes) is not None
    assert plain_yaml.read(text, builder.nodes - 1) is None
