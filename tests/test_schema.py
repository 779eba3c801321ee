"""The JSON Schema that editors' tools use: generated from the model, never edited by hand."""

from __future__ import annotations

import json

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
        literal = next(arg for arg in (info.annotation, *typing.get_args(info.annotation))
                       if typing.get_origin(arg) is typing.Literal)
        values = typing.get_args(literal)
        assert values == tuple(table), field
        assert labels.described(table) in info.description, field
        assert labels.described(table) in readme, field
    assert model.TOPIC_CATEGORY_LABELS is labels.TOPIC_CATEGORY_LABELS
    assert model.ROLE_KIND_LABELS is labels.ROLE_KIND_LABELS
