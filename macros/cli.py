"""Command line: `python -m macros check|build|serve`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .errors import BuildError, DataError

PROJECT = Path(__file__).resolve().parent.parent
# PDFs laid out by earlier builds, reused when nothing that decides them changed (pdf_cache.py).
# Under build/, so git ignores it and `make clean` removes it.
CACHE = PROJECT / "build" / "cache"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description="纪检监察干部工作手册：校验、生成、预览")
    parser.add_argument("--data", type=Path, default=PROJECT / "data", help="数据目录（默认 data/）")
    parser.add_argument("--overlay", type=Path, default=None, metavar="DIR",
                        help="本地版目录（如 overlays/example-county）：校验、生成以 --data 为基础版、加上本地版的这一版"
                             "（生成到 site-<目录名>/）")
    parser.add_argument("--no-cache", action="store_true",
                        help="不沿用 build/cache/ 中上次排好的 PDF，每份都重新排版（结果相同，只是更慢）")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="只校验数据")
    build = commands.add_parser("build", help="校验数据，生成网站和 PDF，成功后替换 site/")
    build.add_argument("--site", type=Path, default=None,
                       help="输出目录（默认 site/；有 --overlay 时默认 site-<本地版目录名>/）")
    build.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="同时排版几份 PDF（默认取 mkdocs.yml 的 extra.handbook.pdf_jobs，没写则每个处理器一份；内存紧张时用 1）")
    commands.add_parser("schema", help="根据数据模型重新生成 schema/data.schema.json 和 overlay.schema.json（供编辑器提示）")
    serve = commands.add_parser("serve", help="本地预览（不生成 PDF）")
    serve.add_argument("--addr", default="127.0.0.1:8000")
    diff = commands.add_parser("diff", help="比较两版数据，列出新增、删除和修改的条目")
    diff.add_argument("old", type=Path, metavar="OLD_DATA_DIR", help="旧版数据目录")
    diff.add_argument("new", type=Path, nargs="?", metavar="NEW_DATA_DIR", help="新版数据目录（默认 data/ 或 --data 所指）")
    args = parser.parse_args(argv)
    cache_dir = None if args.no_cache else CACHE
    try:
        if args.command == "check":
            return check(args.data, overlay=args.overlay)
        if args.command == "build":
            site = args.site or default_site(args.overlay)
            return build_all(args.data, site, cache_dir, args.jobs, overlay=args.overlay)
        if args.command == "schema":
            return write_schema(PROJECT / "schema")
        if args.command == "diff":
            return diff_editions(args.old, args.new or args.data)
        from .site.preview import serve_preview

        return serve_preview(PROJECT, args.data, args.addr, lambda loaded: compose_build(*loaded, args.data),
                             load=lambda: load_edition(args.data, args.overlay), watched=[args.overlay] if args.overlay else [])
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"生成失败，site/ 保持不变：{exc}", file=sys.stderr)
        return 1



def default_site(overlay: Path | None) -> Path:
    """Where a build goes unless told: site/ for the base, site-<folder>/ for a regional edition, so
    that building one edition never replaces another's site."""
    return PROJECT / ("site" if overlay is None else f"site-{overlay.absolute().name}")


def load_edition(data_dir: Path, overlay: Path | None = None):
    """(handbook, local edition): the base data's handbook and None, or with an overlay folder the
    regional edition it makes of the base (checked against the base) and what it differs by."""
    if overlay is None:
        from .resolve import load_handbook

        return load_handbook(data_dir), None
    from .resolve.overlay import load_local_edition

    return load_local_edition(data_dir, overlay)


def check(data_dir: Path, today: dt.date | None = None, overlay: Path | None = None) -> int:
    """Validate the data and print the quality report: the build's own loading, nothing more."""
    from .resolve.quality import quality_report
    from .resolve.selftest import thin_courses

    handbook, local = load_edition(data_dir, overlay)
    if local is not None:
        print(f"本地版“{handbook.info.edition}”（{local.name}）依据基础版“{local.base_edition}”，校验通过："
              f"{local.summary()}。")
    steps = sum(len(procedure.steps) for procedure in handbook.procedures)
    print(
        f"数据校验通过：{len(handbook.roles)} 个角色，{len(handbook.duties)} 项职责，"
        f"{len(handbook.procedures)} 个程序（{steps} 步），"
        f"{len(handbook.checklists)} 份清单，{len(handbook.terms)} 个术语，{len(handbook.topics)} 个要点，"
        f"{len(handbook.courses)} 个课程，文件目录中 {len(handbook.documents)} 份文件。"
    )
    report = quality_report(handbook, today or dt.date.today()) + thin_courses(handbook)
    if report:
        print("\n数据质量提示（不影响生成，供编辑核对）：")
        print("\n".join(f"- {line}" for line in report))
    return 0


def diff_editions(old_dir: Path, new_dir: Path) -> int:
    """Print what changed from one data folder to another; exit 1 only when either has problems."""
    from .resolve.diff import diff_handbooks, format_changes

    editions = [_load_edition("旧版", old_dir), _load_edition("新版", new_dir)]
    if None in editions:
        return 1
    print(format_changes(diff_handbooks(*editions)))
    return 0


def _load_edition(label: str, data_dir: Path):
    """The handbook in data_dir, or None after reporting its problems: both folders are checked, and
    the heading says which one, since both report their files as data/…."""
    from .resolve import load_handbook

    try:
        return load_handbook(data_dir)
    except DataError as exc:
        print(f"{label}数据（{data_dir}）有问题：\n{exc.report()}", file=sys.stderr)
        return None


def write_schema(folder: Path) -> int:
    """The JSON Schemas of data files and of an overlay's files, for editors' tools."""
    from .resolve.overlay import json_schema_text as overlay_schema
    from .validate.schema import json_schema_text

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("data.schema.json", json_schema_text()), ("overlay.schema.json", overlay_schema())):
        (folder / name).write_text(text, encoding="utf-8")
        print(f"已写入 {folder / name}")
    return 0


def build_all(data_dir: Path, site_dir: Path, cache_dir: Path | None = None, jobs: int | None = None,
              overlay: Path | None = None) -> int:
    """Check, render and publish; with cache_dir=None every file is read and every PDF rendered afresh;
    jobs: how many PDFs are laid out at once (default: one per processor); overlay: the folder of a
    regional edition to build instead of the base."""
    from .resolve.deadlines import schedule_reminder

    handbook, local = load_edition(data_dir, overlay)
    build = compose_build(handbook, local, data_dir)
    try:
        pdf_summary = _render_and_publish(build, site_dir, cache_dir, jobs)
    except OSError as exc:  # the output folder or the cache cannot be written: the operator's to fix
        raise BuildError(f"无法写入 {exc.filename or site_dir}（{exc.strerror}）。") from exc
    print(f"已生成：{site_dir}/index.html 与 {site_dir}/pdf/handbook.pdf（{pdf_summary}）")
    reminder = schedule_reminder(build.calendar, dt.date.today())
    if reminder:
        print(f"提示：{reminder}")
    return 0


def compose_build(handbook, local, data_dir: Path):
    """The Build of a handbook: stamped with the project's commit, and showing what changed since the
    edition the data names as its previous one (whose folder is loaded here, before rendering), or,
    for a regional edition (local), what it differs by from its base."""
    from .publish import build_stamp
    from .render.pages import Build
    from .resolve import edition_changes
    from .settings import read_settings

    return Build(handbook, build_stamp(PROJECT, handbook.info.date), edition_changes(handbook, data_dir),
                 read_settings(PROJECT / "mkdocs.yml"), local)


def _render_and_publish(build, site_dir: Path, cache_dir: Path | None, jobs: int | None) -> str:
    """The site and the PDFs made in a stage beside site_dir, then swapped in; what the PDF cache did."""
    import shutil
    import tempfile

    from .export import write_question_banks
    from .pdf import build_pdfs
    from .pdf.cache import PdfCache
    from .publish import publish
    from .publish.bundle import write_offline_zip
    from .site import build_site

    # A stage of its own beside the target: builds running at once (tests, a preview, an editor's
    # build) never share it, and the final rename stays on one file system, so it is atomic.
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.stage-", dir=site_dir.parent))
    try:
        new_site = stage / "site"
        build_site(build, PROJECT, stage, new_site)
        pdf_cache = PdfCache.at(cache_dir and cache_dir / "pdf")
        build_pdfs(build, new_site / "pdf", pdf_cache, jobs)
        pdf_summary = pdf_cache.summary(new_site / "pdf")
        write_question_banks(build.handbook, new_site)
        write_offline_zip(new_site, build.handbook.info.date)
        publish(new_site, site_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return pdf_summary
