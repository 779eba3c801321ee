"""The JSON Schema that editors' tools use: generated from the model, never edited by hand."""

from __future__ import annotations

import json

import yaml

from macros.cli import PROJECT
from macros.schema import json_schema_text


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
