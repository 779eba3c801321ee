"""Typed records for the schema: strict checking of parsed YAML and the JSON Schema editors' tools read.

A small, strict counterpart of what the schema needs from a validation library, kept here because
building a library's validators took longer than loading and checking all the data. A record class
lists its fields as annotations (text, integers, true/false, a fixed set of words, lists, mappings,
other records, optionally empty); `model_validate` returns a frozen instance or raises ValidationError
with every error at once, each error a dict with the keys shape.py reads: type, loc, input, ctx.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

_REQUIRED: Any = ...  # a field's default when it has none: the field is required

Check = Callable[[object, tuple, list], object]  # (value, where, errors) -> the checked value


@dataclass(frozen=True)
class StringConstraints:
    pattern: str | None = None
    min_length: int | None = None
    strip_whitespace: bool = False


@dataclass(frozen=True)
class FieldInfo:
    """A field's default and its constraints, as written with Field(...)."""

    default: Any = _REQUIRED
    default_factory: Callable[[], Any] | None = None
    description: str | None = None
    min_length: int | None = None
    ge: int | None = None
    le: int | None = None
    string: StringConstraints | None = None  # a text's constraints, written in Annotated[str, ...]

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED and self.default_factory is None

    def make_default(self) -> Any:
        return self.default_factory() if self.default_factory else self.default


def Field(default: Any = _REQUIRED, *, default_factory: Callable[[], Any] | None = None,  # noqa: N802
          description: str | None = None, min_length: int | None = None, ge: int | None = None,
          le: int | None = None) -> Any:
    return FieldInfo(default, default_factory, description, min_length, ge, le)


class ValidationError(ValueError):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} validation error(s)")
        self._errors = errors

    def errors(self) -> list[dict]:
        return self._errors


def _error(errors: list, kind: str, loc: tuple, value: object, ctx: dict | None = None) -> None:
    errors.append({"type": kind, "loc": loc, "input": value, "ctx": ctx or {}, "msg": _MESSAGES[kind].format(**(ctx or {}))})


_MESSAGES = types.MappingProxyType({
    "missing": "Field required",
    "extra_forbidden": "Extra inputs are not permitted",
    "model_type": "Input should be a mapping",
    "dict_type": "Input should be a valid dictionary",
    "list_type": "Input should be a valid list",
    "string_type": "Input should be a valid string",
    "int_type": "Input should be a valid integer",
    "bool_type": "Input should be a valid boolean",
    "string_too_short": "String should have at least {min_length} character",
    "too_short": "Should have at least {min_length} item",
    "string_pattern_mismatch": "String should match pattern '{pattern}'",
    "literal_error": "Input should be {expected}",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than_equal": "Input should be less than or equal to {le}",
})


class Record:
    """Base of the schema's records: unknown keys are errors, values are never converted, instances
    are frozen. Field checks are compiled on first use, once the module's names all exist."""

    model_fields: ClassVar[dict[str, FieldInfo]]
    _checks: ClassVar[dict[str, Check] | None] = None

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}))
        for name in cls.__dict__.get("__annotations__", {}):
            written = cls.__dict__.get(name, _REQUIRED)
            fields[name] = written if isinstance(written, FieldInfo) else FieldInfo(default=written)
            if name in cls.__dict__:
                delattr(cls, name)
        cls.model_fields = fields
        cls._checks = None

    def __init__(self, **values: object):
        self.__dict__.update(vars(type(self).model_validate(values)))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), *vars(self).values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    def __iter__(self):
        return iter(vars(self).items())

    @classmethod
    def model_validate(cls, value: object) -> Record:
        errors: list[dict] = []
        record = _record_check(cls)(value, (), errors)
        if errors:
            raise ValidationError(errors)
        return record

    @classmethod
    def field_checks(cls) -> dict[str, Check]:
        if cls._checks is None:
            hints = cls.field_types()
            cls._checks = {name: _check_for(hints[name], info) for name, info in cls.model_fields.items()}
        return cls._checks

    @classmethod
    def field_types(cls) -> dict[str, Any]:
        """Each field's annotation, names resolved in the record's module."""
        hints = typing.get_type_hints(cls, include_extras=True)  # each class's names in its own module
        return {name: hints[name] for name in cls.model_fields}

    @classmethod
    def model_json_schema(cls) -> dict:
        definitions: dict[str, dict] = {}
        schema = _record_schema(cls, definitions)
        if definitions:
            schema["$defs"] = definitions
        return schema


def _record_check(cls: type[Record]) -> Check:
    def check(value: object, loc: tuple, errors: list) -> object:
        if not isinstance(value, dict):
            _error(errors, "model_type", loc, value)
            return None
        before = len(errors)
        values = {}
        for name, check_field in cls.field_checks().items():
            if name in value:
                values[name] = check_field(value[name], (*loc, name), errors)
            elif cls.model_fields[name].required:
                _error(errors, "missing", (*loc, name), value)
            else:
                values[name] = cls.model_fields[name].make_default()
        for key in value:
            if key not in cls.model_fields:
                _error(errors, "extra_forbidden", (*loc, key), value[key])
        if len(errors) > before:
            return None
        record = object.__new__(cls)
        record.__dict__.update(values)
        return record
    return check


def _check_for(annotation: Any, info: FieldInfo) -> Check:
    """The check of a field: its type's, with the constraints written in Field(...) or Annotated."""
    annotation, info = _unwrap(annotation, info)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):  # X | None: the field's constraints are X's
        inner = _check_for(next(arg for arg in args if arg is not type(None)), info)
        return lambda value, loc, errors: None if value is None else inner(value, loc, errors)
    if origin is typing.Literal:
        return _literal_check(args)
    if origin is list:
        return _sized(_list_check(_check_for(args[0], FieldInfo())), info.min_length)
    if origin is dict or annotation is dict:
        return _sized(_typed(dict, "dict_type"), info.min_length)
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return _record_check(annotation)
    if annotation is bool:
        return _typed(bool, "bool_type")
    if annotation is int:
        return _int_check(info.ge, info.le)
    if annotation is str:
        return _text_check(info)
    if annotation is Any:
        return lambda value, loc, errors: value
    raise TypeError(f"unsupported field type {annotation!r}")


def _unwrap(annotation: Any, info: FieldInfo) -> tuple[Any, FieldInfo]:
    """The bare type of Annotated[type, ...], with its metadata merged under what Field(...) says."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return annotation, info
    merged: dict[str, Any] = {}
    for extra in annotation.__metadata__:
        if isinstance(extra, FieldInfo):
            merged.update({k: v for k, v in vars(extra).items() if v not in (None, _REQUIRED)})
        elif isinstance(extra, StringConstraints):
            merged["string"] = extra
    merged.update({k: v for k, v in vars(info).items() if v not in (None, _REQUIRED)})
    return annotation.__origin__, FieldInfo(**merged)


def _typed(kind: type, error: str) -> Check:
    def check(value: object, loc: tuple, errors: list) -> object:
        if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
            return value
        _error(errors, error, loc, value)
        return None
    return check


def _sized(check: Check, min_length: int | None) -> Check:
    if not min_length:
        return check

    def sized(value: object, loc: tuple, errors: list) -> object:
        checked = check(value, loc, errors)
        if isinstance(value, (list, dict)) and len(value) < min_length:
            _error(errors, "too_short", loc, value, {"min_length": min_length})
        return checked
    return sized


def _list_check(item: Check) -> Check:
    def check(value: object, loc: tuple, errors: list) -> object:
        if not isinstance(value, list):
            _error(errors, "list_type", loc, value)
            return None
        return [item(entry, (*loc, index), errors) for index, entry in enumerate(value)]
    return check


def _literal_check(options: tuple) -> Check:
    expected = " or ".join(filter(None, [", ".join(map(repr, options[:-1])), repr(options[-1])]))

    def check(value: object, loc: tuple, errors: list) -> object:
        if isinstance(value, str) and value in options:
            return value
        _error(errors, "literal_error", loc, value, {"expected": expected})
        return None
    return check


def _int_check(ge: int | None, le: int | None) -> Check:
    def check(value: object, loc: tuple, errors: list) -> object:
        if type(value) is not int:
            _error(errors, "int_type", loc, value)
            return None
        if ge is not None and value < ge:
            _error(errors, "greater_than_equal", loc, value, {"ge": ge})
        elif le is not None and value > le:
            _error(errors, "less_than_equal", loc, value, {"le": le})
        return value
    return check


def _text_check(info: FieldInfo) -> Check:
    string = info.string or StringConstraints()
    pattern = re.compile(string.pattern) if string.pattern else None

    def check(value: object, loc: tuple, errors: list) -> object:
        if not isinstance(value, str):
            _error(errors, "string_type", loc, value)
            return None
        if string.strip_whitespace:
            value = value.strip()
        if string.min_length and len(value) < string.min_length:
            _error(errors, "string_too_short", loc, value, {"min_length": string.min_length})
        elif pattern and not pattern.search(value):
            _error(errors, "string_pattern_mismatch", loc, value, {"pattern": string.pattern})
        return value
    return check


# ---- JSON Schema, in the layout editors' tools already read (schema/*.schema.json) ----

def _record_schema(cls: type[Record], definitions: dict[str, dict]) -> dict:
    hints = cls.field_types()
    properties = {name: _field_schema(name, hints[name], info, definitions) for name, info in cls.model_fields.items()}
    schema: dict[str, Any] = {"additionalProperties": False, "properties": properties, "title": cls.__name__,
                              "type": "object"}
    if cls.__dict__.get("__doc__"):
        schema["description"] = inspect.cleandoc(cls.__doc__)
    required = [name for name, info in cls.model_fields.items() if info.required]
    if required:
        schema["required"] = required
    return schema


def _field_schema(name: str, annotation: Any, info: FieldInfo, definitions: dict[str, dict]) -> dict:
    annotation, info = _unwrap(annotation, info)
    schema = _type_schema(annotation, info, definitions)
    # a record (or an optional one) is titled by its own definition, as editors' tools expect
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    if not any(isinstance(arg, type) and issubclass(arg, Record)
               for arg in (annotation, *(typing.get_args(annotation) if union else ()))):
        schema["title"] = name.replace("_", " ").title()
    if info.description:
        schema["description"] = info.description
    if info.default is not _REQUIRED:
        schema["default"] = info.default
    return schema


def _type_schema(annotation: Any, info: FieldInfo, definitions: dict[str, dict]) -> dict:
    annotation, info = _unwrap(annotation, info)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):  # the field's constraints are X's; its description is not
        inner = next(arg for arg in args if arg is not type(None))
        inner_annotation, inner_info = _unwrap(inner, dataclasses.replace(info, description=None))
        member = _type_schema(inner_annotation, inner_info, definitions)
        if inner_info.description:
            member["description"] = inner_info.description
        return {"anyOf": [member, {"type": "null"}]}
    if origin is typing.Literal:
        return {"enum": list(args), "type": "string"}
    if origin is list:
        schema = {"items": _type_schema(args[0], FieldInfo(), definitions), "type": "array"}
        return {**schema, "minItems": info.min_length} if info.min_length else schema
    if origin is dict or annotation is dict:
        schema = {"additionalProperties": True, "type": "object"}
        return {**schema, "minProperties": info.min_length} if info.min_length else schema
    if isinstance(annotation, type) and issubclass(annotation, Record):
        if annotation.__name__ not in definitions:
            definitions[annotation.__name__] = {}  # taken before its fields refer back to it
            definitions[annotation.__name__] = _record_schema(annotation, definitions)
        return {"$ref": f"#/$defs/{annotation.__name__}"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        bounds = {"minimum": info.ge, "maximum": info.le}
        return {**{k: v for k, v in bounds.items() if v is not None}, "type": "integer"}
    string = info.string or StringConstraints()
    schema = {"type": "string"}
    if string.min_length:
        schema["minLength"] = string.min_length
    if string.pattern:
        schema["pattern"] = string.pattern
    return schema
