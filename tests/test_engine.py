"""The engine's shape, as a maintainer relies on it: one template per kind of entry, a documented
output context, no state kept between builds, and pages that need nothing from MkDocs plugins."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import logging
import re
import types
from pathlib import Path, PurePath
from types import MappingProxyType

import pytest

from macros.cli import PROJECT
from macros.records import Record
from macros.render import Output
from macros.render.pages import ENTRY_TEMPLATES

MACROS = PROJECT / "macros"
TEMPLATE_DIRS = (MACROS / "render" / "templates", MACROS / "render" / "print")


def template_texts() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for d in TEMPLATE_DIRS for p in sorted(d.glob("*.html")))


def test_every_output_field_is_documented_and_used():
    """Like datasette's template contexts: a field nobody documents or nobody uses is an error."""
    used_in = template_texts() + "".join((MACROS / "render" / name).read_text(encoding="utf-8")
                                         for name in ("pages.py", "__init__.py"))
    for f in dataclasses.fields(Output):
        assert f.metadata.get("help"), f"Output.{f.name} 没有说明"
        assert re.search(rf"\bout\.{f.name}\b", used_in), f"Output.{f.name} 没有模板或页面使用"


def test_one_template_per_kind_of_entry_serves_site_and_print():
    texts = {p.name: p.read_text(encoding="utf-8") for d in TEMPLATE_DIRS for p in d.glob("*.html")}
    for name in ENTRY_TEMPLATES.values():
        assert f"{name}.html" in texts, name
        assert f"{name}_body.html" not in texts  # no second template for the same entry
    # the print documents show entries only through them (show), never by assembling their parts
    for document in ("handbook.html", "course_pack.html", "checklist_form.html"):
        assert "show(out," in texts[document], document
        for part in ("step_table.html", "procedure_intro", "role_body", "<h2", "<h3"):
            assert part not in texts[document], (document, part)


# What a module may hold at its top level: values nobody can change (a tuple or a read-only mapping
# only when all it holds is immutable too), and the module's functions, classes and logger.
_IMMUTABLE = (str, int, float, bool, bytes, type(None), type(...), frozenset, re.Pattern, type, types.FunctionType,
              types.BuiltinFunctionType, types.WrapperDescriptorType, types.ModuleType, types.GenericAlias,
              PurePath, logging.Logger)


def _immutable(value: object) -> bool:
    if isinstance(value, tuple):
        return all(map(_immutable, value))
    if isinstance(value, MappingProxyType):
        return all(_immutable(key) and _immutable(item) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dataclass_params__.frozen and all(
            _immutable(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, Record):  # frozen by construction
        return all(_immutable(v) for v in dict(value).values())
    return isinstance(value, _IMMUTABLE) or type(value).__module__ == "typing"  # a type alias


def _mutable_module_state(path: Path, module: types.ModuleType) -> list[str]:
    """Every name the module assigns at its top level whose value, as imported, can be changed
    (a dict, a list, an object with attributes: a cache in disguise), and every cached function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path.name
    found = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                if hasattr(module, name) and not _immutable(getattr(module, name)):
                    found.append(f"{where}:{node.lineno} {name}")
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                name = ast.unparse(decorator)
                if re.match(r"(functools\.)?(cache|lru_cache)\b", name):
                    found.append(f"{where}:{node.lineno} @{name}")
        if isinstance(node, ast.Global):
            found.append(f"{where}:{node.lineno} global")
    return found


def _module_of(path: Path) -> types.ModuleType:
    name = ".".join(path.relative_to(PROJECT).with_suffix("").parts).removesuffix(".__init__")
    return importlib.import_module(name)


def test_no_module_level_mutable_state():
    """The build object owns what a build needs (handbook, templates, glossary pattern); modules hold
    only constants, so two builds in one process (a preview, the tests) cannot see each other."""
    found = [hit for path in sorted(MACROS.rglob("*.py")) for hit in _mutable_module_state(path, _module_of(path))]
    assert found == []


def test_the_state_check_finds_module_state(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("import functools\nclass Box: pass\nA = {}\nB: list = []\nC = (1,)\nD = Box()\n"
                      "E = (1, [2])\n@functools.lru_cache\ndef f(): pass\n")
    spec = importlib.util.spec_from_file_location("sample_state", sample)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [hit.split(":")[1] for hit in _mutable_module_state(sample, module)] == [
        "3 A", "4 B", "6 D", "7 E", "9 @functools.lru_cache"]


def _articles(site: Path) -> dict[str, str]:
    bodies = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        start = text.find('<article class="md-content__inner md-typeset">')
        if start >= 0:
            bodies[page.relative_to(site).as_posix()] = text[start : text.index("</article>", start)]
    return bodies


def test_plain_mkdocs_without_the_macros_plugin_builds_the_same_pages(built_site, tmp_path):
    """No handbook logic is left in MkDocs plugin events: the engine's staged pages built by plain
    MkDocs, with no macros plugin at all, give the same page bodies as the production build."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    from macros.publish import build_stamp
    from macros.render.pages import Build
    from macros.resolve import load_handbook
    from macros.site import expand_nav, stage_docs

    handbook = load_handbook(PROJECT / "data")
    stage = tmp_path / "docs"
    stage_docs(Build(handbook, build_stamp(PROJECT, handbook.info.date)), PROJECT / "docs", stage)
    with (PROJECT / "mkdocs.yml").open("rb") as fd:
        raw = yaml_load(fd)
    plugins = [p for p in raw["plugins"] if not (isinstance(p, dict) and "macros" in p)]
    assert len(plugins) == len(raw["plugins"]) - 1
    config = load_config(config_file=str(PROJECT / "mkdocs.yml"), plugins=plugins, nav=expand_nav(raw["nav"], handbook, 100),
                         docs_dir=str(stage), site_dir=str(tmp_path / "site"), strict=True)
    mkdocs_build(config)
    plain, production = _articles(tmp_path / "site"), _articles(built_site)
    assert sorted(plain) == sorted(production) and len(plain) > 100
    assert [page for page in plain if plain[page] != production[page]] == []


@pytest.mark.parametrize("kind", sorted(t.__name__ for t in ENTRY_TEMPLATES))
def test_site_and_print_show_an_entry_from_the_same_template(handbook, kind):
    """The same entry through its template in both media: the same text, only links and markup differ."""
    from macros.render.pages import Build

    build = Build(handbook, handbook.info.date)
    entry = next(e for e in _all_entries(handbook) if type(e).__name__ == kind)
    site = build.show(Output.for_site(handbook, 1), entry, 2)
    printed = build.show(Output.for_print(handbook), entry, 2)

    def words(html: str) -> list[str]:
        html = re.sub(r'<span class="hb-keep">([^<]*)</span>', r"\1", html)  # a printed heading's end: one word
        html = re.sub(r'<p class="hb-scroll-hint"[^>]*>[^<]*</p>', "", html)  # the screen's 左右滑动 hint
        text = re.sub(r"<[^>]+>|\{#[^}]*\}|#+ |\\\\", " ", html)
        return re.findall(r"[\u4e00-\u9fff]{2,}", text)

    site_words, print_words = words(site), words(printed)
    # the site adds its form tools to checklists and downloads to courses; all that prints is on the site
    assert set(print_words) <= set(site_words), set(print_words) - set(site_words)
    if kind not in ("Checklist", "Course"):
        assert site_words == print_words


def _all_entries(handbook):
    for kind in ("roles", "duties", "procedures", "checklists", "terms", "topics", "sources", "courses", "documents"):
        yield from getattr(handbook, kind)
    for procedure in handbook.procedures:
        yield from procedure.steps


def _entity_classes() -> list[type]:
    from macros.resolve import model

    return [cls for cls in vars(model).values()
            if isinstance(cls, type) and issubclass(cls, model._Entity) and dataclasses.is_dataclass(cls)]


@pytest.mark.parametrize("cls", _entity_classes(), ids=lambda cls: cls.__name__)
def test_an_entity_is_made_as_its_fields_say_and_stays_frozen(cls):
    """An entry takes its fields in order with their defaults and cannot be changed afterwards:
    only the resolve stage fills in references, while it assembles the handbook."""
    import inspect

    fields = dataclasses.fields(cls)
    parameters = list(inspect.signature(cls).parameters.values())
    assert [(p.name, p.default) for p in parameters] == [
        (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default) for f in fields]
    values = {f.name: object() for f in fields}
    made = cls(**values)
    assert all(getattr(made, name) is value for name, value in values.items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, fields[0].name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(made, fields[0].name)


# The stages in the order data flows through them; a module may import only from its own stage,
# an earlier one, or the shared modules (errors, labels, logs, numbers, settings). site, pdf and export are
# outputs of one stage and do not import each other.
STAGES = {"load": 1, "validate": 2, "resolve": 3, "render": 4, "site": 5, "pdf": 5, "export": 5, "publish": 6,
          "cli": 7, "__main__": 7}
SHARED = {"errors", "labels", "logs", "numbers", "records", "settings", "__init__"}


def _engine_imports() -> list[tuple[str, str]]:
    """(importing module's stage part, imported module's stage part) for every import inside macros/."""
    found = []
    for path in sorted(MACROS.rglob("*.py")):
        parts = path.relative_to(MACROS).with_suffix("").parts
        package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = list(parts[:-1])[: len(parts) - node.level] if node.level > 1 else list(parts[:-1])
                target = [*base, *(node.module.split(".") if node.module else [])]
                targets = [target] if node.module else [[*base, alias.name] for alias in node.names]
                for one in targets:
                    found.append(((package or parts)[0], one[0] if one else "__init__"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("macros"):
                found.append(((package or parts)[0], node.module.split(".")[1]))
    return found


def test_imports_follow_the_flow_of_data():
    against = [f"{source} → {target}" for source, target in _engine_imports()
               if target not in SHARED and (source in SHARED or STAGES[target] > STAGES[source]
                                            or (source != target and STAGES[target] == STAGES[source] == 5))]
    assert against == []
    assert len(_engine_imports()) > 40  # the walk sees the engine's imports
