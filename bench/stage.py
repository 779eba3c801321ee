"""One measured stage of the build, run in its own process so that its peak memory is its own.

    python -m bench.stage site DATA WORK            build the site; keep its staged (finished) pages
    python -m bench.stage plain-mkdocs WORK         plain `mkdocs build` of that saved Markdown
    python -m bench.stage pdf DATA WORK             every PDF (handbook, forms, course packs), filling a cache
    python -m bench.stage pdf-serial DATA WORK      every PDF in one process (build -j 1), no cache
    python -m bench.stage pdf-rebuild DATA WORK     every PDF again from that cache: unchanged, then one word changed
    python -m bench.stage handbook-pdf DATA WORK    the handbook PDF alone; save its print HTML
    python -m bench.stage handbook-pdf-untagged DATA WORK   the same as untagged PDF/A-3b
    python -m bench.stage plain-weasyprint WORK     plain WeasyPrint render of that saved HTML (same PDF/A variant)

Prints one JSON object: the stage's own seconds (imports excluded) and what it produced.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _build(data: Path):
    """The build of the data as `python -m macros build` makes it."""
    from macros.render.pages import Build
    from macros.resolve import load_handbook

    handbook = load_handbook(data)
    return Build(handbook, handbook.info.date)


def stage_site(data: Path, work: Path) -> dict:
    """The site; its staged pages (finished Markdown) are kept for the plain-MkDocs comparison."""
    import shutil

    from mkdocs.utils.yaml import yaml_load

    from macros.site import build_site, expand_nav

    build = _build(data)
    started = time.perf_counter()
    build_site(build, PROJECT, work / "stage", work / "site")
    seconds = time.perf_counter() - started
    plain_docs = work / "plain-docs"
    shutil.rmtree(plain_docs, ignore_errors=True)
    shutil.copytree(work / "stage" / "docs", plain_docs)
    nav = expand_nav(yaml_load((PROJECT / "mkdocs.yml").read_bytes())["nav"], build.handbook, build.settings.nav_entry_limit)
    (work / "plain-nav.json").write_text(json.dumps(nav, ensure_ascii=False), encoding="utf-8")
    return {"seconds": seconds, "pages": len(list((work / "site").rglob("*.html")))}


def stage_plain_mkdocs(work: Path) -> dict:
    """The project's mkdocs.yml (same theme, search and Markdown settings) without the macros plugin."""
    import re

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\n  - macros:\n(    .*\n)+", "\n", text)
    text = text.replace("custom_dir: overrides", f"custom_dir: {PROJECT / 'overrides'}")
    config_file = work / "plain-mkdocs.yml"
    config_file.write_text(text, encoding="utf-8")
    nav = json.loads((work / "plain-nav.json").read_text(encoding="utf-8"))
    # Loading the configuration (theme, plugins) is part of `mkdocs build`, as it is of the site stage.
    started = time.perf_counter()
    config = load_config(config_file=str(config_file), nav=nav, docs_dir=str(work / "plain-docs"),
                         site_dir=str(work / "plain-site"))
    build(config)
    return {"seconds": time.perf_counter() - started, "pages": len(list((work / "plain-site").rglob("*.html")))}


def stage_pdf(data: Path, work: Path) -> dict:
    import weasyprint  # noqa: F401 - imported before the clock starts, as in the plain render

    from macros.pdf import build_pdfs
    from macros.pdf.cache import PdfCache

    build = _build(data)
    started = time.perf_counter()
    written = build_pdfs(build, work / "pdf", PdfCache.at(work / "pdf-cache"))
    return {"seconds": time.perf_counter() - started, "files": len(written)}


def stage_pdf_serial(data: Path, work: Path) -> dict:
    """Every PDF in this one process (build -j 1), without a cache: the yardstick for laying out
    several at once."""
    import weasyprint  # noqa: F401 - imported before the clock starts

    from macros.pdf import build_pdfs

    build = _build(data)
    started = time.perf_counter()
    written = build_pdfs(build, work / "pdf-serial", jobs=1)
    return {"seconds": time.perf_counter() - started, "files": len(written)}


def stage_pdf_rebuild(data: Path, work: Path) -> dict:
    """Two rebuilds on the cache the pdf stage filled: with nothing changed, and after a one-word
    change in one procedure's first step (every document that prints it is laid out again)."""
    import shutil

    import weasyprint  # noqa: F401 - imported before the clock starts

    from macros.pdf import build_pdfs
    from macros.pdf.cache import PdfCache

    result = {}
    build = _build(data)
    for label, edition in (("unchanged", build), ("one_word", _build(_one_word_changed(data, work, build)))):
        cache = PdfCache.at(work / "pdf-cache")
        shutil.rmtree(work / "pdf-again", ignore_errors=True)
        started = time.perf_counter()
        build_pdfs(edition, work / "pdf-again", cache)
        result[label] = {"seconds": time.perf_counter() - started,
                         "rendered": [p.relative_to(work / "pdf-again").as_posix() for p in cache.rendered],
                         "reused": len(cache.reused)}
    return result


def _one_word_changed(data: Path, work: Path, build) -> Path:
    import shutil

    step = build.handbook.procedures[0].steps[0]
    edited = work / "data-one-word"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(data, edited)
    for path in edited.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if step.action in text:
            path.write_text(text.replace(step.action, f"{step.action}（改）", 1), encoding="utf-8")
            return edited
    raise SystemExit(f"没有找到步骤“{step.title}”的做法")


def stage_handbook_pdf(data: Path, work: Path, variant: str | None = None) -> dict:
    import weasyprint  # noqa: F401 - imported before the clock starts, as in the plain render

    from macros.pdf import print_html, write_pdf

    build = _build(data)
    started = time.perf_counter()
    html = print_html(build)
    write_pdf(html, work / "handbook.pdf", variant or build.settings.pdf_archival)
    seconds = time.perf_counter() - started
    (work / "handbook.html").write_text(html, encoding="utf-8")
    return {"seconds": seconds, "pages": pdf_pages(work / "handbook.pdf")}


def stage_handbook_pdf_untagged(data: Path, work: Path) -> dict:
    """The same handbook as PDF/A-3b: archival but without the structure tree of level A."""
    return stage_handbook_pdf(data, work, "pdf/a-3b")


def stage_plain_weasyprint(work: Path) -> dict:
    import weasyprint

    from macros.render import PRINT_DIR
    from macros.settings import Settings

    html = (work / "handbook.html").read_text(encoding="utf-8")
    started = time.perf_counter()
    weasyprint.HTML(string=html, base_url=str(PRINT_DIR)).write_pdf(work / "plain.pdf", pdf_variant=Settings().pdf_archival)
    return {"seconds": time.perf_counter() - started, "pages": pdf_pages(work / "plain.pdf")}


def main(argv: list[str]) -> None:
    stage, *paths = argv
    functions = {"site": stage_site, "plain-mkdocs": stage_plain_mkdocs, "pdf": stage_pdf, "pdf-rebuild": stage_pdf_rebuild,
                 "pdf-serial": stage_pdf_serial,
                 "handbook-pdf": stage_handbook_pdf, "handbook-pdf-untagged": stage_handbook_pdf_untagged,
                 "plain-weasyprint": stage_plain_weasyprint}
    result = functions[stage](*map(Path, paths))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
