"""`make bench`: build speed at 1×, 10× and 100× the data, overhead against plain MkDocs and plain
WeasyPrint, peak memory, and what a reader downloads and waits for. Prints one table; asserts nothing.

    python -m bench.run [--full] [--work DIR]

--full also builds the site and the PDFs at 100× (a long run: thousands of pages).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .generate import generate

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
QUERIES = ["事故调查", "函询", "责任追究组", "巡察准备", "容错纠错", "派驻", "诫勉谈话", "室组地"]


@dataclass
class Run:
    wall: float
    peak_mb: float
    result: dict = field(default_factory=dict)


def measure(*args: str) -> Run:
    """Run a command; its wall time, its own peak memory (from wait4) and the JSON it prints."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=PROJECT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if process.returncode:
            sys.exit(f"基准测试中的命令失败：{' '.join(args)}\n{stdout}\n{err.read().decode('utf-8', 'replace')}")
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    result = json.loads(last) if last.startswith("{") else {}
    return Run(wall, usage.ru_maxrss / 1024, result)


def stage(name: str, *paths: Path) -> Run:
    return measure(PYTHON, "-m", "bench.stage", name, *map(str, paths))


def check_seconds(data: Path, repeat: int = 3) -> Run:
    """`python -m macros check` as an editor runs it (interpreter start included); best of three."""
    runs = [measure(PYTHON, "-m", "macros", "--data", str(data), "check") for _ in range(repeat)]
    return min(runs, key=lambda r: r.wall)


def alias_bomb_seconds() -> float:
    from macros.load import load_file

    bomb = PROJECT / "tests" / "fixtures" / "invalid" / "alias-bomb" / "data" / "terms.yaml"
    started = time.process_time()
    _, problems = load_file(bomb, "terms.yaml")
    assert problems, "别名炸弹没有被拒绝"
    return time.process_time() - started


def data_size(data: Path) -> dict:
    from macros.resolve import load_handbook

    handbook = load_handbook(data)
    return {"roles": len(handbook.roles), "procedures": len(handbook.procedures),
            "steps": sum(len(p.steps) for p in handbook.procedures), "terms": len(handbook.terms),
            "bytes": sum(p.stat().st_size for p in data.rglob("*.yaml"))}


# Reader side ------------------------------------------------------------------------------------

def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def page_weights(site: Path) -> list[int]:
    """Bytes (gzip) a reader fetches for each page: its HTML, stylesheets and scripts, without
    the search index and the search worker, which load only when searching."""
    weights = []
    sizes: dict[Path, int] = {}
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue
        html = page.read_text(encoding="utf-8")
        total = gz(page)
        for ref in re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html):
            asset = (page.parent / ref.split("?")[0]).resolve()
            if asset not in sizes:
                sizes[asset] = gz(asset)
            total += sizes[asset]
        weights.append(total)
    return weights


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


FIRST_RESULT = """
new MutationObserver((_, observer) => {
  if (document.querySelector(".md-search-result__item")) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

QUERY = """async (query) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  return await new Promise(resolve => {
    const started = performance.now();
    new MutationObserver((_, observer) => {
      if (list.querySelector(".md-search-result__item")) {
        observer.disconnect();
        resolve(performance.now() - started);
      }
    }).observe(list, {childList: true, subtree: true});
    input.value = query;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keyup", {key: "Enter", bubbles: true}));
  });
}"""


def search_timings(site: Path) -> tuple[float, list[float]]:
    """In headless Chromium: ms from navigation to the first result of a ?q= search (index
    download and build included), then ms per later query, from keystroke to results."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.add_init_script(FIRST_RESULT)
            page.goto(base + "index.html?q=" + "%E5%87%BD%E8%AF%A2")
            page.wait_for_function("window.__firstResult", timeout=60000)
            first = page.evaluate("window.__firstResult")
            latencies = []
            for query in QUERIES * 3:
                # Clear first, so that every query is a change the search reacts to.
                page.evaluate("() => { const i = document.querySelector('.md-search__input'); i.value = ''; }")
                latencies.append(page.evaluate(QUERY, query))
            browser.close()
    finally:
        server.shutdown()
    return first, latencies


# Report -----------------------------------------------------------------------------------------

def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}" if value and base else "—"


def seconds(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description="手册生成的基准测试")
    parser.add_argument("--full", action="store_true", help="100× 时也生成网站和 PDF（耗时很长）")
    parser.add_argument("--work", type=Path, default=PROJECT / "build" / "bench")
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    built = (1, 10, 100) if args.full else (1, 10)
    rows = {}
    for factor in (1, 10, 100):
        data = generate(PROJECT / "data", work / f"data-{factor}x", factor)
        out = work / f"out-{factor}x"
        out.mkdir()
        row = {"size": data_size(data), "check": check_seconds(data)}
        if factor in built:
            print(f"… {factor}× 网站", file=sys.stderr, flush=True)
            row["site"] = stage("site", data, out)
            row["plain"] = stage("plain-mkdocs", out)
            print(f"… {factor}× PDF", file=sys.stderr, flush=True)
            row["pdf"] = stage("pdf", data, out)
        rows[factor] = row

    print("… 手册 PDF 与纯 WeasyPrint", file=sys.stderr, flush=True)
    ours = stage("handbook-pdf", work / "data-1x", work / "out-1x")
    plain = stage("plain-weasyprint", work / "out-1x")
    print("… 浏览器检索", file=sys.stderr, flush=True)
    site = work / "out-1x" / "site"
    weights = page_weights(site)
    index_gz = gz(site / "search" / "search_index.json")
    first, latencies = search_timings(site)
    bomb = alias_bomb_seconds()

    one = rows[1]
    lines = ["", "## 规模（同一台机器、同一次运行）", "",
             "| 规模 | 角色 | 程序 | 步骤 | 术语 | YAML | check (s) | ×1× | 网站 (s) | ×1× | 峰值内存 (MB) | PDF 全部 (s) | ×1× | 峰值内存 (MB) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for factor, row in rows.items():
        size, site_run, pdf_run = row["size"], row.get("site"), row.get("pdf")
        lines.append(
            f"| {factor}× | {size['roles']} | {size['procedures']} | {size['steps']} | {size['terms']} "
            f"| {size['bytes'] / 1e6:.1f} MB | {seconds(row['check'].wall)} | {ratio(row['check'].wall, one['check'].wall)} "
            f"| {seconds(site_run.result['seconds'] if site_run else None)} "
            f"| {ratio(site_run.result['seconds'] if site_run else None, one['site'].result['seconds'])} "
            f"| {f'{site_run.peak_mb:.0f}' if site_run else '—'} "
            f"| {seconds(pdf_run.result['seconds'] if pdf_run else None)} "
            f"| {ratio(pdf_run.result['seconds'] if pdf_run else None, one['pdf'].result['seconds'])} "
            f"| {f'{pdf_run.peak_mb:.0f}' if pdf_run else '—'} |")
    if not args.full:
        lines.append("\n100× 的网站和 PDF 未生成（加 --full：`make bench BENCH_ARGS=--full`）。")
    lines += ["", "## 相对纯 MkDocs 的开销（相同页面、主题与检索设置，不用宏）", "",
              "| 规模 | 本项目网站 (s) | 纯 MkDocs (s) | 倍数 |", "|---|---|---|---|"]
    for factor, row in rows.items():
        if "site" in row:
            ours_s, plain_s = row["site"].result["seconds"], row["plain"].result["seconds"]
            lines.append(f"| {factor}× | {ours_s:.2f} | {plain_s:.2f} | {ours_s / plain_s:.2f} |")
    pages = ours.result["pages"]
    lines += ["", "## PDF 手册（1×）", "",
              "| | 页数 | 秒 | 页/秒 | 峰值内存 (MB) |", "|---|---|---|---|---|",
              f"| 本项目（组装打印 HTML + WeasyPrint + 警告检查） | {pages} | {ours.result['seconds']:.2f} "
              f"| {pages / ours.result['seconds']:.1f} | {ours.peak_mb:.0f} |",
              f"| 纯 WeasyPrint（同一份打印 HTML） | {plain.result['pages']} | {plain.result['seconds']:.2f} "
              f"| {plain.result['pages'] / plain.result['seconds']:.1f} | {plain.peak_mb:.0f} |",
              f"\n本项目 / 纯 WeasyPrint：{ours.result['seconds'] / plain.result['seconds']:.2f}"]
    lines += ["", "## 读者一侧（1×）", "",
              f"- 每页下载量（HTML + CSS + JS，gzip，不含检索索引）：中位数 {statistics.median(weights) / 1024:.1f} KB，"
              f"最大 {max(weights) / 1024:.1f} KB（{len(weights)} 页）",
              f"- 检索索引（gzip）：{index_gz / 1024:.1f} KB",
              f"- 首次检索（从打开页面到出现第一条结果，含下载与建立索引）：{first:.0f} ms",
              f"- 之后每次检索（从输入到出现结果，{len(latencies)} 次）：中位数 {statistics.median(latencies):.1f} ms，"
              f"最大 {max(latencies):.1f} ms",
              "", "## 其他", "",
              f"- 别名炸弹被拒绝用时（CPU）：{bomb * 1000:.0f} ms"]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
