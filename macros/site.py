"""Stage 4a: the website. Stages docs/ plus one generated page per role, procedure and checklist,
then runs MkDocs on it. Reads the project's mkdocs.yml; never writes to docs/ or site/."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import material
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.utils.yaml import yaml_load

from . import model as m
from .errors import BuildError, LogCollector
from .search import jieba_taught, query_data_script

THEME_DIR = Path(material.__file__).parent / "templates"


@dataclass(frozen=True)
class Generated:
    """A folder of generated pages: the nav entry '<folder>/index.md' in mkdocs.yml becomes a section
    holding the index and one page per entry, in groups (None: one ungrouped list)."""

    macro: str
    groups: Callable[[m.Handbook], tuple[tuple[str | None, tuple]]]
    title: Callable[[object], str]
    # Roles, procedures and topics are what a newcomer searches for; rank them above pages that merely
    # mention them.
    boost: int

    def entries(self, handbook: m.Handbook) -> list:
        return [entry for _label, group in self.groups(handbook) for entry in group]


GENERATED = {
    "roles": Generated("role_page", lambda h: h.roles_by_kind(), lambda r: r.name, 3),
    "procedures": Generated("procedure_page", lambda h: h.procedures_by_system(), lambda p: p.name, 3),
    "checklists": Generated("checklist_page", lambda h: ((None, h.checklists),), lambda c: c.name, 1),
    "topics": Generated("topic_page", lambda h: h.topics_by_category(), lambda t: t.name, 2),
    "courses": Generated("course_page", lambda h: ((None, h.courses),), lambda c: c.name, 1),
}
# A section with more entries than this lists only its index page in the navigation (the index
# lists them all): Material writes the whole navigation into every page, so a full one would make
# each page, and the build, grow with the square of the handbook.
NAV_ENTRY_LIMIT = 100


def stage_docs(handbook: m.Handbook, docs_dir: Path, stage: Path, *, link: bool = False) -> None:
    """Copy (or symlink, for live preview) docs/ into stage and add the generated pages."""
    if stage.exists():
        shutil.rmtree(stage)
    for src in sorted(docs_dir.rglob("*")):
        target = stage / src.relative_to(docs_dir)
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:
            target.symlink_to(src.resolve())
        else:
            shutil.copy2(src, target)
    for folder, section in GENERATED.items():
        (stage / folder).mkdir(parents=True, exist_ok=True)
        for entry in section.entries(handbook):
            front_matter = f"---\nsearch:\n  boost: {section.boost}\n---\n"
            page = f"{front_matter}{{{{ {section.macro}('{entry.id}') }}}}\n"
            (stage / folder / f"{entry.id}.md").write_text(page, encoding="utf-8")
    workers = stage / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True, exist_ok=True)
    (workers / "search-data.js").write_text(query_data_script(handbook, THEME_DIR), encoding="utf-8")


def nav_title(text: str) -> str:
    """A title from the data, safe in the theme's HTML (not autoescaped) and in mkdocs-macros,
    which renders page titles as Jinja: markup is escaped and braces become entities."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def expand_nav(nav: list, handbook: m.Handbook) -> list:
    """Replace each 'title: <folder>/index.md' entry of a generated folder by a full section."""
    result = []
    for item in nav:
        (title, target), = item.items() if isinstance(item, dict) else ((None, item),)
        folder = target.split("/")[0] if isinstance(target, str) and target.endswith("/index.md") else None
        if folder in GENERATED:
            result.append({title: [target, *nav_groups(GENERATED[folder], folder, handbook)]})
        else:
            result.append(item)
    return result


def nav_groups(section: Generated, folder: str, handbook: m.Handbook) -> list:
    """The section's pages, as sub-sections per group (collapsed in the theme until opened)."""
    if len(section.entries(handbook)) > NAV_ENTRY_LIMIT:
        return []
    nav: list = []
    for label, entries in section.groups(handbook):
        pages = [{nav_title(section.title(e)): f"{folder}/{e.id}.md"} for e in entries]
        nav += pages if label is None else [{nav_title(label): pages}]
    return nav


def build_site(handbook: m.Handbook, data_dir: Path, project: Path, stage: Path, site_dir: Path) -> None:
    """Build the site into site_dir (strict: any warning fails the build)."""
    config_file = project / "mkdocs.yml"
    docs = stage / "docs"
    stage_docs(handbook, project / "docs", docs)
    config = site_config(handbook, data_dir, config_file, docs_dir=str(docs), site_dir=str(site_dir), strict=True)
    with LogCollector("mkdocs") as warnings, jieba_taught(handbook):
        try:
            mkdocs_build(config)
        except (Abort, ConfigurationError) as exc:
            raise BuildError(f"网站生成失败：{exc}") from exc
        except SystemExit as exc:  # mkdocs-macros exits on a page error (on_error_fail)
            raise BuildError("网站生成失败：页面中的宏出错（见上方日志）。") from exc
    if warnings.messages:
        raise BuildError("网站生成时出现警告（严格模式视为错误）：\n" + "\n".join(warnings.messages))


def site_config_overrides(handbook: m.Handbook, data_dir: Path, config_file: Path) -> dict:
    """Settings that differ from mkdocs.yml: the expanded nav and the data folder for the pages' macros."""
    with config_file.open("rb") as fd:
        raw = yaml_load(fd)
    extra = {**raw.get("extra", {}), "handbook_data": str(data_dir.resolve())}
    return {"nav": expand_nav(raw["nav"], handbook), "extra": extra}


def site_config(handbook: m.Handbook, data_dir: Path, config_file: Path, **settings):
    overrides = site_config_overrides(handbook, data_dir, config_file)
    return load_config(config_file=str(config_file), **overrides, **settings)
