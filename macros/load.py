"""Stage 1: read the YAML files of a data folder into plain values, keeping where each value stands.

Every problem found while reading is collected; nothing here raises on bad input.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import yaml

from .errors import Problem

# An alias bomb is a few lines that expand to millions of nodes; real data has a few thousand.
MAX_NODES = 200_000

Location = tuple[int, int]
NodePath = tuple[str | int, ...]
# A node's start: PyYAML's mark (line and column counted from 0), or a location already worked out.
Marks = dict[NodePath, "yaml.Mark | Location"]
_STR = "tag:yaml.org,2002:str"


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
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc, shown)]
    if node is None:
        return None, [Problem(shown, 1, 1, "文件是空的。", "删除这个文件，或写入数据。")]
    builder = _Builder(shown)
    data = builder.build(node)
    if builder.problems:
        return None, builder.problems
    return LoadedFile(shown, data, text=text), []


def _compose(text: str) -> yaml.Node | None:
    """The node graph of a document, by libyaml when present.

    A document libyaml refuses is composed again by the pure-Python parser, whose messages the
    editor-facing translations in _YAML_MESSAGES were written for.
    """
    if hasattr(yaml, "CSafeLoader"):
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


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


class _Builder:
    """Turns a composed YAML node graph into plain Python values, collecting what it refuses."""

    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")
        self.too_big = False

    def build(self, node: yaml.Node) -> object:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if not self.too_big:
                self.too_big = True
                self._problem(
                    node,
                    f"文件展开后超过 {MAX_NODES} 个节点（可能是别名 *名称 层层嵌套造成的“别名炸弹”），已拒绝读取。",
                    "不要用别名复制大段内容；直接写出需要的数据。",
                )
            return None
        if node.tag == _STR:
            # most nodes: what the constructor would return, without its bookkeeping (an explicit
            # !!str lands here too, and means what quoting means)
            return node.value
        if node.tag != self._implicit_tag(node):
            self._problem(node, f"不支持 YAML 标签（{_short_tag(node.tag)}）。",
                          "删去以 ! 开头的标签，直接写出文本、数字、列表或映射。")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child) for child in node.value if not self.too_big]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self._problem(node, f"不支持的 YAML 写法（{exc.problem}）。", "只写普通的文本、数字、列表和映射。")
            return None

    def _implicit_tag(self, node: yaml.Node) -> str:
        """The tag the node would have without an explicit one (such tags can construct objects)."""
        if isinstance(node, yaml.MappingNode):
            return "tag:yaml.org,2002:map"
        if isinstance(node, yaml.SequenceNode):
            return "tag:yaml.org,2002:seq"
        plain = node.style in (None, "")  # libyaml marks a plain scalar with "", PyYAML with None
        return self.constructor.resolve(yaml.ScalarNode, node.value, (plain, False))

    def _mapping(self, node: yaml.MappingNode) -> dict:
        result: dict = {}
        first_seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if self.too_big:
                break
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "不支持 YAML 合并键“<<”。", "直接写出需要的键。")
                continue
            key = self.build(key_node)
            if not isinstance(key, str):
                self._problem(key_node, f"键必须是文本，这里是 {key!r}。", "给键加上引号，或改用英文标识。")
                continue
            if key in first_seen:
                self._problem(
                    key_node,
                    f"键 '{key}' 在同一映射中重复出现（第一次在第 {first_seen[key]} 行）。",
                    "删除或合并重复的键；YAML 只会保留最后一个，前面的内容会悄悄丢失。",
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node)
        return result

    def _problem(self, node: yaml.Node, message: str, hint: str) -> None:
        line, column = _location(node)
        self.problems.append(Problem(self.shown, line, column, message, hint))


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _location(node: yaml.Node) -> Location:
    return _line_and_column(node.start_mark)


def _line_and_column(mark: yaml.Mark | Location) -> Location:
    return mark if isinstance(mark, tuple) else (mark.line + 1, mark.column + 1)
