"""Stage 2a: check each loaded file against the schema, with messages in the editors' language."""

from __future__ import annotations

import contextlib
import datetime
from types import MappingProxyType

from ..errors import Problem, did_you_mean
from ..load import LoadedFile
from ..records import Record, ValidationError
from .schema import ID_PATTERN, DataFile

_TYPE_NAMES = MappingProxyType({
    str: "文本",
    int: "整数",
    float: "数字",
    bool: "true/false",
    list: "列表",
    dict: "映射",
    type(None): "空值",
    datetime.date: "日期",
    datetime.datetime: "日期时间",
})


def check_shape(
    files: list[LoadedFile],
) -> tuple[list[tuple[LoadedFile, DataFile]], list[Problem], dict[str, set[str]]]:
    """Validate every file entry by entry.

    Returns the typed content without the entries that failed, the problems, and the ids of
    the failed entries per kind, so that references to them are not reported a second time.
    """
    good: list[tuple[LoadedFile, DataFile]] = []
    problems: list[Problem] = []
    broken: dict[str, set[str]] = {}
    for loaded in files:
        try:
            good.append((loaded, DataFile.model_validate(loaded.data)))
            continue
        except ValidationError as exc:
            errors = exc.errors()
        problems.extend(_problem(loaded, error) for error in errors)
        if not isinstance(loaded.data, dict):
            continue
        kept, kept_indices = _without_failed_entries(loaded.data, errors, broken)
        with contextlib.suppress(ValidationError):  # every problem in it is already reported
            good.append((loaded.without_entries(kept_indices), DataFile.model_validate(kept)))
    return good, problems, broken


def _without_failed_entries(
    data: dict, errors: list[dict], broken: dict[str, set[str]]
) -> tuple[dict, dict[str, list[int]]]:
    """The data without its failed entries, and the original index of each kept entry per kind.

    The ids of failed entries go into `broken`: references to them are not reported again, and
    hints may still suggest them.
    """
    failed_keys = {error["loc"][0] for error in errors if len(error["loc"]) < 2}
    failed_entries = {tuple(error["loc"][:2]) for error in errors if len(error["loc"]) >= 2}
    kept = {}
    kept_indices: dict[str, list[int]] = {}
    for key, value in data.items():
        if key in failed_keys:
            continue
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if (key, index) in failed_entries and isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    broken.setdefault(key, set()).add(entry["id"])
            kept_indices[key] = [index for index in range(len(value)) if (key, index) not in failed_entries]
            value = [value[index] for index in kept_indices[key]]
        elif (key,) in {loc[:1] for loc in failed_entries}:
            broken.setdefault(key, set())
            continue
        kept[key] = value
    return kept, kept_indices


def check_model(loaded: LoadedFile, model: type[Record], value: object,
                at: tuple = ()) -> tuple[Record | None, list[Problem]]:
    """Validate one value of a file (at the node path `at`) against a model other than a whole data
    file's, such as an overlay's manifest: (the model, []) or (None, the problems, located and said
    as for a data file)."""
    try:
        return model.model_validate(value), []
    except ValidationError as exc:
        return None, [_problem(loaded, error, model, at) for error in exc.errors()]


def _problem(loaded: LoadedFile, error: dict, root: type[Record] = DataFile, at: tuple = ()) -> Problem:
    """The problem a validation error says; `root` is the model validated, standing at `at` in the file."""
    inner = tuple(error["loc"])
    loc = (*at, *inner)
    kind = error["type"]
    value = error.get("input")
    name = _field_name(loc)
    if kind == "extra_forbidden":
        line, column = loaded.where(loc, key=True)
        fields = _fields_at(inner[:-1], root)
        return Problem(loaded.path, line, column, f"未知字段 '{loc[-1]}'。", did_you_mean(str(loc[-1]), fields)
                       or f"这里可用的字段有：{'、'.join(fields)}。")
    if kind == "missing":
        line, column = loaded.where(loc[:-1])
        return Problem(loaded.path, line, column, f"缺少必填字段 '{loc[-1]}'。", "")
    line, column = loaded.where(loc)
    if not inner and root is DataFile and kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(loaded.path, line, column, f"文件顶层应是映射（键: 值），这里是{_type_name(value)}。",
                       "参照其他数据文件的开头写法。")
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
        return Problem(loaded.path, line, column, f"{name} '{value}' 不是合格的标识。",
                       "标识只能用小写英文字母、数字和连字符，以字母开头，如 case-trial-office。")
    if kind == "string_pattern_mismatch":
        return Problem(loaded.path, line, column, f"{name} '{value}' 格式不对。", "日期写成带引号的 \"2026-11-22\"。")
    if kind in ("string_too_short", "too_short"):
        return Problem(loaded.path, line, column, f"{name}不能为空。", "")
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ").split(", ")
        return Problem(loaded.path, line, column, f"{name} 的值 '{value}' 不在可选范围内（{'、'.join(expected)}）。",
                       did_you_mean(str(value), expected))
    expected = _expected(kind)
    if expected:
        hint = "给这段文本加上引号。" if expected == "文本" else ""
        return Problem(loaded.path, line, column, f"{name} 应是{expected}，这里是{_type_name(value)}。", hint)
    return Problem(loaded.path, line, column, f"{name}：{error['msg']}。", "")


def _expected(kind: str) -> str:
    return {
        "string_type": "文本",
        "list_type": "列表（每项以“- ”开头）",
        "model_type": "映射（键: 值）",
        "model_attributes_type": "映射（键: 值）",
        "dict_type": "映射（键: 值）",
        "bool_type": "true 或 false",
        "int_type": "整数",
    }.get(kind, "")


def _type_name(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _field_name(loc: tuple) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return f"字段 '{names[-1]}'" if names else "这一项"


def _fields_at(loc: tuple, root: type[Record] = DataFile) -> list[str]:
    """The field names allowed at a path inside a data file (or inside a value of another model), for hints."""
    model: type[Record] = root
    for part in loc:
        if isinstance(part, int):
            continue
        inner = _model_in(model.field_types()[part])
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: object) -> type[Record] | None:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
