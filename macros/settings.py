"""What an operator may set for a build, read from mkdocs.yml (`extra: handbook:`) and checked
against a schema: settings are never edited in the engine's source."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from .errors import BuildError
from .records import Field, Record, ValidationError


class Settings(Record):
    """The build settings an operator may write in mkdocs.yml."""

    nav_entry_limit: int = Field(
        100, ge=0, description="一个栏目的条目超过这个数时，左侧导航只列栏目首页（首页上仍列出全部条目）")
    pdf_archival: Literal["pdf/a-3a", "pdf/a-3b"] = Field(
        "pdf/a-3a", description="手册和清单表格的归档规范：pdf/a-3a 带标签（读屏软件可读），pdf/a-3b 不带标签、排版快一成到两成")
    pdf_jobs: int | None = Field(
        None, ge=1, description="同时排版几份 PDF（不写则每个处理器一份；内存紧张时写 1）；命令行的 -j 优先")


def read_settings(config_file: Path) -> Settings:
    """The settings under `extra: handbook:` in mkdocs.yml; the defaults where it says nothing."""
    from mkdocs.utils.yaml import yaml_load

    with config_file.open(encoding="utf-8") as text:
        config = yaml_load(text) or {}
    raw = (config.get("extra") or {}).get("handbook") or {}
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, error['loc']))}（{_said(error)}）" for error in exc.errors())
        fields = "、".join(Settings.model_fields)
        raise BuildError(f"{config_file.name} 中 extra: handbook: 的设置有误：{problems}。可写的设置有：{fields}。") from exc


def _said(error: dict) -> str:
    """A schema error in the operator's words."""
    if error["type"] == "extra_forbidden":
        return "没有这项设置"
    if error["type"] == "literal_error":
        return "只能是 " + error["ctx"]["expected"].replace("'", "").replace(" or ", "、")
    if error["type"] == "greater_than_equal":
        return f"应是不小于 {error['ctx']['ge']} 的整数"
    if error["type"] == "int_type":
        return "应是整数"
    return error["msg"]
