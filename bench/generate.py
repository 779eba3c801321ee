"""Synthetic but valid handbook data at N times the real data, for the benchmark.

Copy k (k = 2..N) of every document, role, duty, procedure, checklist, term, topic and course gets ids with
the suffix `-k<k>` and names marked “（样本k）”; its references are rewritten to the same copy, so
every copy is a complete, cross-referenced handbook of its own. Copy 1 is the real data, so the
fixed pages in docs/ still find the ids they name. Sources and citations are shared.
"""

from __future__ import annotations

import argparse
import copy
import shutil
from pathlib import Path

import yaml

KINDS = ("documents", "roles", "duties", "procedures", "checklists", "terms", "topics", "courses")
# Fields that hold ids of entries or steps; everything else is text and is left alone.
ID_FIELDS = {"id", "parent", "role", "roles", "approved_by", "owner", "lead", "checklists", "procedure", "duty",
             "related", "procedures", "terms", "topics", "step", "documents"}
# (a step's `documents` are papers it produces, in words: no id matches them, so they stay as written)
NAME_FIELDS = ("name", "term", "title")


def read_data(data_dir: Path) -> dict[str, list[dict]]:
    """All entries of the real data, by kind (plain PyYAML: the real data is known to be valid)."""
    entries: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for path in sorted(data_dir.rglob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in KINDS:
            entries[kind] += document.get(kind, [])
    return entries


def known_ids(entries: dict[str, list[dict]]) -> set[str]:
    ids = {entry["id"] for kind in KINDS for entry in entries[kind]}
    for procedure in entries["procedures"]:
        ids |= {step["id"] for step in procedure.get("steps", [])}
    return ids


def renamed(value, ids: set[str], suffix: str, field: str | None = None):
    """A deep copy of value with every id in an id field given the suffix."""
    if isinstance(value, dict):
        return {key: renamed(item, ids, suffix, key) for key, item in value.items()}
    if isinstance(value, list):
        return [renamed(item, ids, suffix, field) for item in value]
    if field in ID_FIELDS and isinstance(value, str) and value in ids:
        return value + suffix
    return value


def copy_of(entries: dict[str, list[dict]], ids: set[str], k: int) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for kind in KINDS:
        result[kind] = []
        for entry in entries[kind]:
            clone = renamed(copy.deepcopy(entry), ids, f"-k{k}")
            for name in NAME_FIELDS:
                if isinstance(clone.get(name), str):
                    clone[name] += f"（样本{k}）"
            result[kind].append(clone)
    return result


def generate(data_dir: Path, out: Path, factor: int) -> Path:
    """Write data at `factor` times the real size into out/ (replacing it) and return out."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(data_dir, out)
    entries = read_data(data_dir)
    ids = known_ids(entries)
    for k in range(2, factor + 1):
        document = copy_of(entries, ids, k)
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)
        (out / "synthetic").mkdir(exist_ok=True)
        (out / "synthetic" / f"copy-{k:03d}.yaml").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="生成 N 倍于真实数据的合成数据（用于基准测试）")
    parser.add_argument("factor", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    generate(args.data, args.out, args.factor)


if __name__ == "__main__":
    main()
