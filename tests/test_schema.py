"""The JSON Schema that editors' tools use: generated from the model, never edited by hand."""

from __future__ import annotations

import json

import pytest
import yaml

from macros.cli import PROJECT
from macros.validate.schema import json_schema_text


def test_checked_in_schema_matches_the_model():
    checked_in = (PROJECT / "schema" / "data.schema.json").read_text(encoding="utf-8")
    assert checked_in == json_schema_text(), "数据模型已改变：运行 make schema 并提交 schema/data.schema.json"


def test_every_data_file_references_the_schema():
    for path in sorted((PROJECT / "data").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        depth = len(path.relative_to(PROJECT / "data").parts) - 1
        assert first == f"# yaml-language-server: $schema={'../' * (depth + 1)}schema/data.schema.json", path


def test_schema_accepts_real_data_shapes():
    schema = json.loads(json_schema_text())
    allowed = set(schema["properties"])
    for path in sorted((PROJECT / "data").rglob("*.yaml")):
        assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) <= allowed, path


def test_each_enumeration_has_one_label_table_that_schema_model_and_readme_share():
    """The values a field takes and their labels live in macros/labels.py only: the schema's allowed
    values and help, the model's labels and the README's lists all come from (or match) it."""
    import typing

    from macros import labels
    from macros.cli import PROJECT
    from macros.resolve import model
    from macros.validate import schema

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    fields = {"kind": schema.Role, "standing": schema.Source, "system": schema.Procedure, "category": schema.Topic}
    for field, table in labels.ENUMERATIONS.items():
        info = fields[field].model_fields[field]
        annotation = fields[field].field_types()[field]
        literal = next(arg for arg in (annotation, *typing.get_args(annotation))
                       if typing.get_origin(arg) is typing.Literal)
        values = typing.get_args(literal)
        assert values == tuple(table), field
        assert labels.described(table) in info.description, field
        assert labels.described(table) in readme, field
    assert model.TOPIC_CATEGORY_LABELS is labels.TOPIC_CATEGORY_LABELS
    assert model.ROLE_KIND_LABELS is labels.ROLE_KIND_LABELS


def test_records_are_strict_and_report_every_error_at_once():
    """The schema's records convert nothing (a true is not an integer, a number is not text), strip
    text before checking it is not empty, apply an optional field's bounds to its value, and list
    every missing, unknown and wrong field of a mapping in one error."""
    from macros.records import ValidationError
    from macros.validate.schema import TimeLimit

    limit = TimeLimit.model_validate({"limit": "  十个工作日内 ", "amount": 10, "unit": "工作日"})
    assert (limit.limit, limit.amount, limit.kind) == ("十个工作日内", 10, "within")
    with pytest.raises(AttributeError):
        limit.amount = 11
    with pytest.raises(ValidationError) as caught:
        TimeLimit.model_validate({"limit": "  ", "amount": True, "unit": "周", "kind": 1, "extra": 0})
    assert [(error["type"], error["loc"]) for error in caught.value.errors()] == [
        ("string_too_short", ("limit",)), ("literal_error", ("kind",)), ("int_type", ("amount",)),
        ("literal_error", ("unit",)), ("extra_forbidden", ("extra",))]
    with pytest.raises(ValidationError) as caught:
        TimeLimit.model_validate({"amount": 0})
    assert [(error["type"], error["loc"]) for error in caught.value.errors()] == [
        ("missing", ("limit",)), ("greater_than_equal", ("amount",))]
