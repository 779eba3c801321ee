"""Stage 1: read the YAML files of a data folder into plain values, keeping where each value stands.

Every problem found while reading is collected; nothing here raises on bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import yaml

from .errors import Problem

# An alias bomb is a few lines that expand to millions of nodes; real data has a few thousand.
MAX_NODES = 200_000

Location = tuple[int, int]
NodePath = tuple[str | int, ...]
# A node's start: PyYAML's mark (line and column counted from 0), or a location already worked out.
Marks = dict[NodePath, "yaml.Mark | Location"]
_STR = "tag:yaml.org,2002:str"
T = TypeVar("T")


class LoadedFile:
    """One data file: its parsed value, and the line/column of every node in it."""

    def __init__(self, path: str, data: object, value_marks: Marks | None = None, key_marks: Marks | None = None,
                 kept_indices: dict[str, list[int]] | None = None, *, text: str = ""):
        self.path = path  # as shown to editors, e.g. data/roles.yaml
        self.data = data
        # For a file whose failed entries were left out: kind -> original index of each kept entry.
        self.kept_indices = kept_indices or {}
        # Where each node starts: given (a piece an overlay made), or found by composing the text
        # again the first time a position is asked for. A valid file is never asked; and holding
        # every file's node graph (a hundred thousand nodes at ten times the data) makes each later
        # garbage collection walk it, which costs more than reading the files.
        self._marks = (value_marks, key_marks) if value_marks is not None else None
        self._text = text

    @property
    def value_marks(self) -> Marks:
        return self._positions()[0]

    @property
    def key_marks(self) -> Marks:
        return self._positions()[1]

    def _positions(self) -> tuple[Marks, Marks]:
        if self._marks is None:
            self._marks = _marks_of(_compose(self._text))
        return self._marks

    def without_entries(self, kept_indices: dict[str, list[int]]) -> LoadedFile:
        """The same file, for its data with some list entries left out: paths into the shorter lists
        still find the entries' own lines (also when this file already stood for part of its lists,
        as a piece of a file an overlay cut up does)."""
        composed = {kind: [self.kept_indices[kind][i] for i in kept] if kind in self.kept_indices else kept
                    for kind, kept in kept_indices.items()}
        return self.piece(self.data, {**self.kept_indices, **composed})

    def piece(self, data: object, kept_indices: dict[str, list[int]]) -> LoadedFile:
        """Part of this file (per kind, the original index of each entry it keeps), positioned as in
        this file; the positions are still found only when a problem asks for them."""
        part = LoadedFile(self.path, data, kept_indices=kept_indices, text=self._text)
        part._marks = self._marks
        return part

    def where(self, loc: NodePath, *, key: bool = False) -> Location:
        """The best location for a node path: the key itself, the value, or the nearest parent."""
        if len(loc) >= 2 and loc[0] in self.kept_indices and isinstance(loc[1], int):
            loc = (loc[0], self.kept_indices[loc[0]][loc[1]], *loc[2:])
        if key and loc in self.key_marks:
            return _line_and_column(self.key_marks[loc])
        for end in range(len(loc), -1, -1):
            part = loc[:end]
            if part in self.value_marks:
                return _line_and_column(self.value_marks[part])
        return (1, 1)


def _marks_of(document: yaml.Node | None) -> tuple[Marks, Marks]:
    """(value marks, key marks) of every node path of a document the builder accepted, whose keys
    are therefore all plain text and unique."""
    value_marks: Marks = {}
    key_marks: Marks = {}

    def walk(node: yaml.Node, path: NodePath) -> None:
        value_marks.setdefault(path, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_marks[(*path, key_node.value)] = key_node.start_mark
                walk(value_node, (*path, key_node.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                walk(child, (*path, index))

    if document is not None:
        walk(document, ())
    return value_marks, key_marks


# Known PyYAML scanner/parser messages, said in the editors' language.
_YAML_MESSAGES = MappingProxyType({
    "found character '\\t' that cannot start any token": (
        "这里有制表符（Tab），YAML 只能用空格缩进。",
        "把 Tab 换成空格；建议在编辑器中设置“用空格代替 Tab”。",
    ),
    "mapping values are not allowed here": (
        "这里不能出现“键: 值”。",
        "检查缩进是否与上一行对齐；文本中含有“: ”时请给整段文本加引号。",
    ),
    "could not find expected ':'": ("缺少冒号“:”。", "每个键后面要有“: ”（冒号加空格）。"),
    "did not find expected key": ("缩进不一致，这里找不到预期的键。", "同一层级的键必须左对齐。"),
    "did not find expected '-' indicator": (
        "缩进不一致，这里应是列表项“- ”。",
        "同一列表的各项必须左对齐。",
    ),
    "expected <block end>, but found '<block mapping start>'": (
        "缩进不一致。",
        "同一层级的键必须左对齐。",
    ),
    "expected <block end>, but found '<block sequence start>'": (
        "缩进不一致。",
        "同一列表的各项必须左对齐。",
    ),
    "found unexpected end of stream": ("文件意外结束。", "检查引号或括号是否成对。"),
})


def load_folder(data_dir: Path, display_root: Path | None = None) -> tuple[list[LoadedFile], list[Problem]]:
    """Read every *.yaml file under data_dir, in a stable order."""
    files: list[LoadedFile] = []
    problems: list[Problem] = []
    inside = data_dir.resolve()
    for path, shown in data_files(data_dir, display_root):
        if not path.resolve().is_relative_to(inside):
            problems.append(Problem(shown, 1, 1, f"这个数据文件是指向数据目录之外的链接（{path.resolve()}），已拒绝读取。",
                                    "把文件本身放进数据目录，不要用链接。"))
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(shown, 1, 1, f"无法读取这个文件（{exc.strerror}）。", "检查文件的权限。"))
            continue
        loaded, found = load_bytes(raw, shown)
        problems.extend(found)
        if loaded is not None:
            files.append(loaded)
    return files, problems


def data_files(data_dir: Path, display_root: Path | None = None) -> list[tuple[Path, str]]:
    """Every data file under data_dir in the handbook's order, with the name editors see
    (relative to display_root, by default the folder that holds data_dir)."""
    display_root = display_root or data_dir.parent
    paths = sorted(data_dir.rglob("*.yaml")) + sorted(data_dir.rglob("*.yml"))
    return [(path, path.relative_to(display_root).as_posix()) for path in paths]


def load_bytes(raw: bytes, shown: str) -> tuple[LoadedFile | None, list[Problem]]:
    """Parse one file's bytes; return (None, problems) when they cannot be used at all."""
    text, problem = _decode(raw, shown)
    if problem:
        return None, [problem]
    try:
        data, problems = _read(text, shown)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc, shown)]
    if problems:
        return None, problems
    return LoadedFile(shown, data, text=text), []


def _read(text: str, shown: str) -> tuple[object, list[Problem]]:
    """A document's value and what the reader refused in it."""
    return _by_libyaml(lambda loader: _Reader(loader, text, shown).document())


def _compose(text: str) -> yaml.Node | None:
    """The node graph of a document (for positions, asked for only when there is a problem)."""
    return _by_libyaml(lambda loader: yaml.compose(text, Loader=loader))


def _by_libyaml(parse: Callable[[type[yaml.SafeLoader]], T]) -> T:
    """parse(loader) with libyaml's loader when present. A document libyaml refuses is parsed
    again by the pure-Python parser, whose messages the editor-facing translations in
    _YAML_MESSAGES were written for."""
    if hasattr(yaml, "CSafeLoader"):
        try:
            return parse(yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return parse(yaml.SafeLoader)


def _decode(raw: bytes, shown: str) -> tuple[str, Problem | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "", Problem(
            shown, 1, 1, "文件以 BOM（字节顺序标记）开头。", "在编辑器中另存为“UTF-8（无 BOM）”。"
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return "", Problem(
            shown,
            line,
            column,
            "文件不是 UTF-8 编码（可能被保存成了 GBK/GB2312）。",
            "在编辑器中另存为“UTF-8（无 BOM）”。",
        )


def _yaml_problem(exc: yaml.MarkedYAMLError, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    for key, (message, hint) in _YAML_MESSAGES.items():
        if problem.startswith(key):
            return Problem(shown, line, column, message, hint)
    if "while scanning a quoted scalar" in context:
        return Problem(shown, line, column, "引号没有闭合。", "检查这一段文本两端的引号是否成对。")
    if "found undefined alias" in problem or "found undefined alias" in context:
        return Problem(shown, line, column, "使用了未定义的别名（*名称）。", "先用 &名称 定义，再用 *名称 引用。")
    detail = f"{context}：{problem}" if context else problem
    return Problem(shown, line, column, f"YAML 语法错误（{detail}）。", "对照相邻几行检查缩进与标点。")


_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _TooBig(Exception):
    """The document expands past MAX_NODES."""


class _Reader:
    """Builds plain Python values straight from the parser's events, collecting what it refuses.

    Events rather than PyYAML's node graph: a graph of a hundred thousand nodes made the garbage
    collector walk it again and again while it grew, which cost more than parsing. Nodes are
    counted as an alias expands them, so an alias bomb is refused (and located where expanding
    it would cross the limit) before any later stage walks its shared values.
    """

    def __init__(self, loader: type[yaml.SafeLoader], text: str, shown: str):
        self.text = text
        self.loader = loader(text)
        self.shown = shown
        self.problems: list[Problem] = []
        self.nodes = 0
        # anchor -> (value, expanded node count or None while its own content is being read, mark)
        self.anchors: dict[str, tuple[object, int | None, yaml.Mark]] = {}

    def document(self) -> tuple[object, list[Problem]]:
        get = self.loader.get_event
        try:
            get()  # stream start
            start = get()
            if isinstance(start, yaml.StreamEndEvent):  # no document at all, not even a null one
                return None, [Problem(self.shown, 1, 1, "文件是空的。", "删除这个文件，或写入数据。")]
            try:
                value = self.value(get())
            except _TooBig:
                return None, [*self.problems, self._too_big()]
            get()  # document end
            extra = get()
            if not isinstance(extra, yaml.StreamEndEvent):
                raise yaml.composer.ComposerError("expected a single document in the stream", start.start_mark,
                                                  "but found another document", extra.start_mark)
            return value, self.problems
        finally:
            self.loader.dispose()

    def value(self, event: yaml.Event) -> object:
        self._count(1)
        kind = type(event)
        if kind is yaml.AliasEvent:
            return self._alias(event)
        before = self.nodes
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {event.anchor!r}; first occurrence", self.anchors[event.anchor][2],
                    "second occurrence", event.start_mark)
            self.anchors[event.anchor] = (None, None, event.start_mark)
        if kind is yaml.ScalarEvent:
            value = self._scalar(event)
        elif event.tag not in (None, "!", _MAP if kind is yaml.MappingStartEvent else _SEQ):
            self._refuse_tag(event, event.tag)
            self._skip_content()
            value = None
        elif kind is yaml.MappingStartEvent:
            value = self._mapping()
        else:
            value = self._sequence()
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.nodes - before + 1, event.start_mark)
        return value

    def _count(self, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise _TooBig

    def _alias(self, event: yaml.AliasEvent) -> object:
        if event.anchor not in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        value, nodes, _ = self.anchors[event.anchor]
        if nodes is None:  # an alias inside its own anchor's content: it expands without end
            raise _TooBig
        self._count(nodes - 1)  # the alias stands for the anchored node, counted once already
        return value

    def _scalar(self, event: yaml.ScalarEvent) -> object:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._implicit_tag(event.value, event.implicit[0])
        elif tag != _STR and tag != self._implicit_tag(event.value, event.style in (None, "")):
            # an explicit tag can construct objects; only one meaning what the text means anyway passes
            self._refuse_tag(event, tag)
            return None
        if tag == _STR:  # most scalars: what the constructor would return, without its bookkeeping
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self._problem(event, f"不支持的 YAML 写法（{exc.problem}）。", "只写普通的文本、数字、列表和映射。")
            return None

    def _implicit_tag(self, value: str, plain: bool) -> str:
        """The tag a scalar has without an explicit one: a plain one may be a number, a date, null..."""
        if not plain or (value and value[0] not in self.loader.yaml_implicit_resolvers):
            return _STR
        return self.loader.resolve(yaml.ScalarNode, value, (True, False))

    def _mapping(self) -> dict:
        result: dict = {}
        first_seen: dict[str, int] = {}
        get = self.loader.get_event
        while not isinstance(key_event := get(), yaml.MappingEndEvent):
            # the merge key is the one plain scalar "<<" (PyYAML's resolver gives that alone its tag)
            if (isinstance(key_event, yaml.ScalarEvent) and key_event.value == "<<" and key_event.tag is None
                    and key_event.implicit[0]):
                self._problem(key_event, "不支持 YAML 合并键“<<”。", "直接写出需要的键。")
                self._skip(get())
                continue
            key = self.value(key_event)
            if not isinstance(key, str):
                self._problem(key_event, f"键必须是文本，这里是 {key!r}。", "给键加上引号，或改用英文标识。")
                self._skip(get())
                continue
            if key in first_seen:
                self._problem(
                    key_event,
                    f"键 '{key}' 在同一映射中重复出现（第一次在第 {first_seen[key]} 行）。",
                    "删除或合并重复的键；YAML 只会保留最后一个，前面的内容会悄悄丢失。",
                )
                self._skip(get())
                continue
            first_seen[key] = key_event.start_mark.line + 1
            result[key] = self.value(get())
        return result

    def _sequence(self) -> list:
        items = []
        get = self.loader.get_event
        while not isinstance(event := get(), yaml.SequenceEndEvent):
            items.append(self.value(event))
        return items

    def _skip(self, event: yaml.Event) -> None:
        """Pass over a value that is not read (its key was refused)."""
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._skip_content()

    def _skip_content(self) -> None:
        depth = 1
        while depth:
            event = self.loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1

    def _too_big(self) -> Problem:
        """The problem for an expansion past the limit, at the node where expanding the document in
        order (each mapping's key, then its value) first crosses it."""
        node = _node_past_limit(_compose(self.text))
        line, column = _location(node)
        return Problem(self.shown, line, column,
                       f"文件展开后超过 {MAX_NODES} 个节点（可能是别名 *名称 层层嵌套造成的“别名炸弹”），已拒绝读取。",
                       "不要用别名复制大段内容；直接写出需要的数据。")

    def _refuse_tag(self, event: yaml.Event, tag: str) -> None:
        self._problem(event, f"不支持 YAML 标签（{_short_tag(tag)}）。", "删去以 ! 开头的标签，直接写出文本、数字、列表或映射。")

    def _problem(self, event: yaml.Event, message: str, hint: str) -> None:
        line, column = _line_and_column(event.start_mark)
        self.problems.append(Problem(self.shown, line, column, message, hint))


def _node_past_limit(root: yaml.Node) -> yaml.Node:
    """The node at which an in-order expansion of the graph passes MAX_NODES (aliases are shared nodes)."""
    pending = [root]
    seen = 0
    while True:
        node = pending.pop()
        seen += 1
        if seen > MAX_NODES:
            return node
        if isinstance(node, yaml.MappingNode):
            pending.extend(child for pair in reversed(node.value) for child in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _location(node: yaml.Node) -> Location:
    return _line_and_column(node.start_mark)


def _line_and_column(mark: yaml.Mark | Location) -> Location:
    return mark if isinstance(mark, tuple) else (mark.line + 1, mark.column + 1)
