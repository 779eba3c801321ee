"""Stage 4a: the website. Stages docs/ plus one generated page per role, procedure and checklist,
then runs MkDocs on it. Reads the project's mkdocs.yml; never writes to docs/ or site/."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import material
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.utils.yaml import yaml_load

from ..errors import BuildError
from ..logs import LogCollector
from ..render.pages import Build
from ..resolve import model as m
from ..resolve.diff import EDITION_CHANGES_TITLE
from ..resolve.overlay import LOCAL_DIFFERENCES_TITLE
from .assets import page_assets, with_front_matter
from .macros import BUILD_KEY
from .search import jieba_taught, query_data_script, split_search_index
from .theme import slim_theme_stylesheet

THEME_DIR = Path(material.__file__).parent / "templates"


@dataclass(frozen=True)
class Generated:
    """A folder of generated pages: the nav entry '<folder>/index.md' in mkdocs.yml becomes a section
    holding the index and one page per entry, in groups (None: one ungrouped list)."""

    groups: Callable[[m.Handbook], tuple[tuple[str | None, tuple]]]
    title: Callable[[object], str]
    # Roles, procedures and topics are what a newcomer searches for; rank them above pages that merely
    # mention them.
    boost: int
    # The nav entry of mkdocs.yml that stands for the section (None: '<folder>/index.md').
    index: str | None = None

    def index_page(self, folder: str) -> str:
        return self.index or f"{folder}/index.md"

    def entries(self, handbook: m.Handbook) -> list:
        return [entry for _label, group in self.groups(handbook) for entry in group]


GENERATED = MappingProxyType({
    "roles": Generated(lambda h: h.roles_by_kind(), lambda r: r.name, 3),
    "procedures": Generated(lambda h: h.procedures_by_system(), lambda p: p.name, 3),
    "checklists": Generated(lambda h: h.checklists_by_origin(), lambda c: c.name, 1),
    "topics": Generated(lambda h: h.topics_by_category(), lambda t: t.name, 2),
    "courses": Generated(lambda h: ((None, h.courses),), lambda c: c.name, 1),
    # A page per term, so that a search about a term lands on it; glossary.md is their index.
    "terms": Generated(lambda h: h.terms_by_initial(), lambda t: t.term, 1, index="glossary.md"),
})
# The page of this edition's changes (only when the data names a previous edition).
CHANGES_PAGE = "changes.md"
# The page of a regional edition's differences from its base (only in an overlay's build).
LOCAL_PAGE = "local-differences.md"


def stage_docs(build: Build, docs_dir: Path, stage: Path) -> None:
    """Write the finished pages into stage: every page of docs/ with its macros expanded, one page
    per role, procedure, checklist, topic and course, and the search data. Other files are copied."""
    if stage.exists():
        shutil.rmtree(stage)
    for src in sorted(docs_dir.rglob("*")):
        target = stage / src.relative_to(docs_dir)
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".md":
            depth = len(src.relative_to(docs_dir).parts) - 1
            target.write_text(finished(build.written_page(src.read_text(encoding="utf-8"), depth)), encoding="utf-8")
        else:
            shutil.copy2(src, target)
    # A record form repeats its procedure's steps: searching it would only push other answers down.
    forms = set(map(id, build.handbook.procedure_forms))
    for folder, section in GENERATED.items():
        (stage / folder).mkdir(parents=True, exist_ok=True)
        for entry in section.entries(build.handbook):
            search = {"exclude": True} if id(entry) in forms else {"boost": section.boost}
            (stage / folder / f"{entry.id}.md").write_text(finished(build.entry_page(entry), search=search),
                                                           encoding="utf-8")
    if build.changes:
        (stage / CHANGES_PAGE).write_text(finished(build.changes_page()), encoding="utf-8")
    if build.local:
        (stage / LOCAL_PAGE).write_text(finished(build.local_page()), encoding="utf-8")
    # The calendar as data (assets/calendar.json) and as the script the calculator loads, which also
    # works from a folder opened without a server (file://), where a page cannot fetch JSON.
    (stage / "assets" / "calendar.json").write_text(build.calendar.as_json() + "\n", encoding="utf-8")
    (stage / "assets" / "calendar.js").write_text(build.calendar_script(), encoding="utf-8")
    workers = stage / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True, exist_ok=True)
    (workers / "search-data.js").write_text(query_data_script(build.handbook, THEME_DIR), encoding="utf-8")


def finished(page: str, **meta: object) -> str:
    """A finished page with its front matter: the given keys and the assets its content needs."""
    return with_front_matter(page, {**meta, **page_assets(page)})


def nav_title(text: str) -> str:
    """A title from the data, safe in the theme's HTML (not autoescaped) and in mkdocs-macros,
    which renders page titles as Jinja: markup is escaped and braces become entities."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def expand_nav(nav: list, handbook: m.Handbook, nav_entry_limit: int) -> list:
    """Replace the index entry of each generated folder ('title: <folder>/index.md', or the one the
    folder names) by a full section. A section with more entries than nav_entry_limit lists only
    its index page (which lists them all): every page of a section carries the section's entries
    (navigation.prune leaves out the other sections'), so a full one would make each page, and the
    build, grow with the square of the section."""
    folders = {section.index_page(folder): folder for folder, section in GENERATED.items()}
    result = []
    for item in nav:
        (title, target), = item.items() if isinstance(item, dict) else ((None, item),)
        folder = folders.get(target) if isinstance(target, str) else None
        groups = nav_groups(GENERATED[folder], folder, handbook, nav_entry_limit) if folder is not None else []
        # An index that is not '<folder>/index.md' stays a plain page when it has nothing under it:
        # as a section the theme would show it as a folder holding one page of the same name.
        if folder is not None and (groups or GENERATED[folder].index is None):
            result.append({title: [target, *groups]})
        else:
            result.append(item)
    return result


def nav_groups(section: Generated, folder: str, handbook: m.Handbook, nav_entry_limit: int) -> list:
    """The section's pages, as sub-sections per group (collapsed in the theme until opened)."""
    if len(section.entries(handbook)) > nav_entry_limit:
        return []
    nav: list = []
    for label, entries in section.groups(handbook):
        pages = [{nav_title(section.title(e)): f"{folder}/{e.id}.md"} for e in entries]
        nav += pages if label is None else [{nav_title(label): pages}]
    return nav


def build_site(build: Build, project: Path, stage: Path, site_dir: Path) -> None:
    """Build the site into site_dir (strict: any warning fails the build)."""
    config_file = project / "mkdocs.yml"
    docs = stage / "docs"
    stage_docs(build, project / "docs", docs)
    config = site_config(build, config_file, docs_dir=str(docs), site_dir=str(site_dir), strict=True)
    with LogCollector("mkdocs") as warnings, jieba_taught(build.handbook):
        try:
            mkdocs_build(config)
        except (Abort, ConfigurationError) as exc:
            raise BuildError(f"网站生成失败：{exc}") from exc
        except SystemExit as exc:  # mkdocs-macros exits on an error in a page that opted in (on_error_fail)
            raise BuildError("网站生成失败：页面中的宏出错（见上方日志）。") from exc
    if warnings.messages:
        raise BuildError("网站生成时出现警告（严格模式视为错误）：\n" + "\n".join(warnings.messages))
    split_search_index(site_dir, build.handbook)
    slim_theme_stylesheet(site_dir)


def site_config_overrides(build: Build, config_file: Path) -> dict:
    """Settings that differ from mkdocs.yml: the navigation with one entry per generated page, and
    the build, whose macros the mkdocs-macros adapter registers."""
    with config_file.open("rb") as fd:
        raw = yaml_load(fd)
    nav = expand_nav(raw["nav"], build.handbook, build.settings.nav_entry_limit)
    if build.changes:  # right after the home page: what a returning reader looks for first
        nav.insert(1, {EDITION_CHANGES_TITLE: CHANGES_PAGE})
    overrides = {}
    if build.local:  # first of all: what makes this edition the unit's own
        nav.insert(1, {LOCAL_DIFFERENCES_TITLE: LOCAL_PAGE})
        overrides["site_name"] = nav_title(build.handbook.info.title)
    return {"nav": nav, "extra": {**raw.get("extra", {}), BUILD_KEY: build}, **overrides}


def site_config(build: Build, config_file: Path, **settings):
    return load_config(config_file=str(config_file), **site_config_overrides(build, config_file), **settings)
