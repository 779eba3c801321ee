"""`make bench`: build speed at 1×, 10× and 100× the data, overhead against plain MkDocs and plain
WeasyPrint, peak memory, and what a reader downloads and waits for. Prints one table; asserts nothing.

    python -m bench.run [--full] [--work DIR]

--full also builds the site at 100× (about 6,000 pages: four more minutes and 1 GB here). The PDFs
are built at 1× and 10× only: the 100× handbook would be some 7,000 pages for one WeasyPrint run.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .generate import generate

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
# How many times each compared pair of stages runs, in turn, for a ratio taken round by round.
ROUNDS = 7
QUERIES = ["事故调查", "函询", "责任追究组", "巡察准备", "容错纠错", "派驻", "诫勉谈话", "室组地"]


@dataclass
class Run:
    wall: float
    peak_mb: float
    result: dict = field(default_factory=dict)


# Python as an editor runs it: with its compiled modules kept in __pycache__ (some sandboxes and CI
# images turn that off, which adds the compiling of every module of ours to each run).
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(*args: str) -> Run:
    """Run a command; its wall time, its own peak memory (from wait4) and the JSON it prints."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=PROJECT, env=ENVIRONMENT)
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


def cold_check(data: Path) -> Run:
    """`python -m macros check` as an editor runs it (interpreter start included)."""
    return measure(PYTHON, "-m", "macros", "--data", str(data), "check")


def check_seconds(data: Path, repeat: int = 3) -> Run:
    """The check, best of three."""
    return min((cold_check(data) for _ in range(repeat)), key=lambda r: r.wall)


def alias_bomb_seconds() -> float:
    from macros.load import load_bytes

    bomb = PROJECT / "tests" / "fixtures" / "invalid" / "alias-bomb" / "data" / "terms.yaml"
    started = time.process_time()
    _, problems = load_bytes(bomb.read_bytes(), "terms.yaml")
    assert problems, "别名炸弹没有被拒绝"
    return time.process_time() - started


# A fixed amount of pure-Python work that runs no code of this project: how fast the machine is
# while the checks are timed. Its speed swings by a quarter within an hour, so seconds from two runs
# compare only through this.
REFERENCE_YAML = "".join(f"- id: entry-{i}\n  name: 条目{i}\n  items: [a, b, {i}]\n" for i in range(300))


def reference_seconds(repeat: int = 3) -> float:
    """CPU time of PyYAML's pure-Python loader on a fixed text, best of `repeat`."""
    import yaml

    times = []
    for _ in range(repeat):
        started = time.process_time()
        yaml.load(REFERENCE_YAML, Loader=yaml.SafeLoader)  # noqa: S506 (the safe loader)
        times.append(time.process_time() - started)
    return min(times)


def reference_line(rows: dict) -> str:
    figures = []
    for factor, row in rows.items():
        before, after = row["reference"]
        figures.append(f"{factor}× {before * 1000:.0f} / {after * 1000:.0f} ms")
    return ("- 机器快慢参照（不运行本项目代码的固定工作量：PyYAML 的纯 Python 读取器读一份固定文本，CPU 时间三次取最短；"
            "机器越慢越大）：测 check 之前 / 之后 " + "；".join(figures))


def data_size(data: Path) -> dict:
    from macros.resolve import load_handbook

    handbook = load_handbook(data)
    return {"roles": len(handbook.roles), "procedures": len(handbook.procedures),
            "steps": sum(len(p.steps) for p in handbook.procedures), "terms": len(handbook.terms),
            "bytes": sum(p.stat().st_size for p in data.rglob("*.yaml"))}


# Reader side ------------------------------------------------------------------------------------

def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def search_index_gz(site: Path) -> int:
    """What every search downloads before its first answer: the index settings, and the lexicon
    since the index is split (macros/search.py); the pages a question needs come on top."""
    return sum(gz(path) for path in (site / "search" / "search_index.json", site / "search" / "lexicon.js")
               if path.exists())


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


def fmt(value: float | None, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if value is not None else "—"


def stage_seconds(run: Run | None) -> float | None:
    return run.result["seconds"] if run else None


def scale_table(rows: dict) -> list[str]:
    one = rows[1]
    lines = ["## 规模（同一台机器、同一次运行）", "",
             "| 规模 | 角色 | 程序 | 步骤 | 术语 | YAML | check (s) | ×1× | 网站 (s) | ×1× "
             "| 峰值内存 (MB) | PDF 全部 (s) | ×1× | 峰值内存 (MB) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for factor, row in rows.items():
        size, site, pdf = row["size"], row.get("site"), row.get("pdf")
        lines.append(
            f"| {factor}× | {size['roles']} | {size['procedures']} | {size['steps']} | {size['terms']} "
            f"| {size['bytes'] / 1e6:.1f} MB | {fmt(row['check'].wall)} | {ratio(row['check'].wall, one['check'].wall)} "
            f"| {fmt(stage_seconds(site))} | {ratio(stage_seconds(site), stage_seconds(one['site']))} "
            f"| {fmt(site and site.peak_mb, 0)} "
            f"| {fmt(stage_seconds(pdf))} | {ratio(stage_seconds(pdf), stage_seconds(one['pdf']))} "
            f"| {fmt(pdf and pdf.peak_mb, 0)} |")
    if "site" not in rows[100]:
        lines += ["", "100× 的网站未生成（`make bench BENCH_ARGS=--full` 会生成）。"]
    lines += ["", "100× 的 PDF 不生成：手册将有约 7000 页，一次 WeasyPrint 排版的时间和内存超出基准测试的范围；"
              "按上表 1× → 10× 的增长推算。"]
    lines += ["", "check：`python -m macros check` 的总用时（含解释器启动），三次取最短。"
              "网站、PDF：该阶段本身的用时（不含导入与读取数据）。峰值内存：该阶段进程的最大常驻内存。"]
    return lines


def rounds_of(*stages: Callable[[], Run]) -> list[tuple[Run, ...]]:
    """Each stage in turn, ROUNDS times (A B A B …): a ratio is taken round by round, so that a
    machine whose speed drifts during the bench moves both sides of it alike."""
    return [tuple(run() for run in stages) for _ in range(ROUNDS)]


def median_run(runs: list[Run], seconds: Callable[[Run], float] = stage_seconds) -> Run:
    return sorted(runs, key=seconds)[len(runs) // 2]


def paired_ratio(rounds: list[tuple[Run, ...]], a: int, b: int,
                 seconds: Callable[[Run], float] = stage_seconds) -> tuple[float, float, float]:
    """The median of the round-by-round ratios of stage a to stage b, and their range."""
    ratios = sorted(seconds(r[a]) / seconds(r[b]) for r in rounds)
    return statistics.median(ratios), ratios[0], ratios[-1]


def wall_seconds(run: Run) -> float:
    return run.wall


def fmt_ratio(ratio: tuple[float, float, float]) -> str:
    middle, low, high = ratio
    return f"{middle:.2f}（{low:.2f}–{high:.2f}）"


def overhead_table(rows: dict) -> list[str]:
    lines = ["## 相对纯 MkDocs 的开销（同样的页面、主题、检索与 Markdown 设置，不用宏）", "",
             f"| 规模 | 本项目网站 (s) | 纯 MkDocs (s) | 倍数（{ROUNDS} 轮逐对比值的中位数，范围） |", "|---|---|---|---|"]
    for factor, row in rows.items():
        if "site" in row:
            ours, plain = stage_seconds(row["site"]), stage_seconds(row["plain"])
            lines.append(f"| {factor}× | {ours:.2f} | {plain:.2f} | {fmt_ratio(paired_ratio(row['site-rounds'], 0, 1))} |")
    return lines + ["", "秒数为各自的中位数；两者交替运行。"]


def pdf_table(rounds: list[tuple[Run, Run, Run]]) -> list[str]:
    """rounds: (ours PDF/A-3a, plain WeasyPrint PDF/A-3a, ours untagged PDF/A-3b), in turn."""
    labels = ("本项目（组装打印 HTML、WeasyPrint、警告检查），PDF/A-3a", "纯 WeasyPrint（同一份打印 HTML），PDF/A-3a",
              "本项目，不带标签的 PDF/A-3b")
    lines = ["## PDF 手册（1×）", "", "| | 页数 | 秒（中位数） | 页/秒 | 峰值内存 (MB) |", "|---|---|---|---|---|"]
    for index, label in enumerate(labels):
        run = median_run([r[index] for r in rounds])
        pages, secs = run.result["pages"], run.result["seconds"]
        lines.append(f"| {label} | {pages} | {secs:.2f} | {pages / secs:.1f} | {run.peak_mb:.0f} |")
    return lines + ["", f"三者交替运行 {ROUNDS} 轮，逐轮相比，取中位数（范围）。本项目 / 纯 WeasyPrint："
                    f"{fmt_ratio(paired_ratio(rounds, 0, 1))}；带标签 / 不带标签：{fmt_ratio(paired_ratio(rounds, 0, 2))}"]


def incremental_table(full: Run, again: Run, serial: Run) -> list[str]:
    """Rebuilding every PDF on the cache of a full build: unchanged, and after a one-word edit."""
    total = full.result["files"]
    lines = ["## PDF 增量重建与并行排版（1×）", "", "| 情形 | 秒 | 相对全部重排 | 重新排版 | 沿用 |",
             "|---|---|---|---|---|",
             f"| 全部排版，一个进程（`-j 1`） | {fmt(stage_seconds(serial))} | {ratio(stage_seconds(serial), stage_seconds(full))} "
             f"| {total} | 0 |",
             f"| 全部排版（缓存为空，每个处理器一个进程） | {fmt(stage_seconds(full))} | 1.00 | {total} | 0 |"]
    for label, key in (("没有改动", "unchanged"), ("一个程序的第一步改了一个词", "one_word")):
        case = again.result[key]
        names = "、".join(case["rendered"]) or "无"
        lines.append(f"| {label} | {fmt(case['seconds'])} | {ratio(case['seconds'], stage_seconds(full))} "
                     f"| {len(case['rendered'])}（{names}） | {case['reused']} |")
    return lines + ["", "同一进程中、在“全部排版”留下的缓存上再生成全部 PDF；用时含组装每份打印 HTML 和计算键，"
                    "不含导入与读取数据。改了一个词时，印有这一步的文件（手册和讲授这个程序的课程讲义）重新排版，其余沿用。"]


def reader_table(reader: dict) -> list[str]:
    lines = ["## 读者一侧", "",
             "| 规模 | 页数 | 每页下载量 gzip 中位数 (KB) | 最大 (KB) | 检索索引（拆分后为设置 + 词表）gzip (KB) | 首次检索 (ms) "
             "| 之后每次检索 中位数 (ms) | 最大 (ms) |",
             "|---|---|---|---|---|---|---|---|"]
    for factor, (weights, index_gz, first, latencies) in reader.items():
        lines.append(f"| {factor}× | {len(weights)} | {statistics.median(weights) / 1024:.1f} | {max(weights) / 1024:.1f} "
                     f"| {index_gz / 1024:.1f} | {first:.0f} | {statistics.median(latencies):.1f} "
                     f"| {max(latencies):.1f} |")
    return lines + ["", "每页下载量：HTML + CSS + JS（gzip），不含只在检索时才下载的索引和检索 worker。"
                    "首次检索：从打开 `index.html?q=函询` 到出现第一条结果，含下载和建立索引。"
                    f"之后每次检索：从输入到出现结果，{len(QUERIES) * 3} 次。"]


def goals(rows: dict, reader: dict, pdf_rounds: list[tuple[Run, Run, Run]]) -> list[str]:
    """The targets of the benchmark issue, each with the measured figure and whether it holds."""
    one, ten = rows[1], rows[10]
    site_ratio = stage_seconds(ten["site"]) / stage_seconds(one["site"])
    overhead = max(paired_ratio(r["site-rounds"], 0, 1)[0] for r in rows.values() if "site" in r)
    weights, _, _, latencies = reader[1]
    checks = [
        ("10× 数据的 check ≤ 1× 的 11 倍", ten["check"].wall / one["check"].wall, 11),
        ("10× 数据的网站 ≤ 1× 的 11 倍", site_ratio, 11),
        ("1× 数据的 check ≤ 0.5 s", one["check"].wall, 0.5),
        ("10× 数据的 check ≤ 1.5 s", ten["check"].wall, 1.5),
        ("网站用时 / 纯 MkDocs ≤ 1.2（1×、10×）", overhead, 1.2),
        ("手册 PDF 用时 / 纯 WeasyPrint ≤ 1.1", paired_ratio(pdf_rounds, 0, 1)[0], 1.1),
        ("每页 gzip（不含索引）< 150 KB", max(weights) / 1024, 150),
        ("一次检索 < 100 ms（中位数）", statistics.median(latencies), 100),
    ]
    lines = ["## 目标", "", "| 目标 | 实测 | 达到 |", "|---|---|---|"]
    for label, value, limit in checks:
        lines.append(f"| {label} | {value:.2f} | {'是' if value <= limit else '否'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="手册生成的基准测试")
    parser.add_argument("--full", action="store_true", help="100× 时也生成网站（约 6000 页，耗时较长）")
    parser.add_argument("--reader", action="store_true", help="只测读者一侧：1× 和 10× 网站的页面下载量与检索用时")
    parser.add_argument("--work", type=Path, default=PROJECT / "build" / "bench")
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.reader:
        print("\n".join(reader_table(reader_side(work, (1, 10)))))
        return
    built = (1, 10, 100) if args.full else (1, 10)
    printed = (1, 10)
    rows = {}
    for factor in (1, 10, 100):
        data = generate(PROJECT / "data", work / f"data-{factor}x", factor)
        out = work / f"out-{factor}x"
        out.mkdir()
        progress(f"{factor}× check")
        reference_before = reference_seconds()
        rows[factor] = {"size": data_size(data), "check": check_seconds(data)}
        rows[factor]["reference"] = (reference_before, reference_seconds())
        if factor in built:
            progress(f"{factor}× 网站与纯 MkDocs")
            site_rounds = rounds_of(partial(stage, "site", data, out), partial(stage, "plain-mkdocs", out))
            rows[factor]["site-rounds"] = site_rounds
            rows[factor]["site"] = median_run([ours for ours, _plain in site_rounds])
            rows[factor]["plain"] = median_run([plain for _ours, plain in site_rounds])
        if factor in printed:
            progress(f"{factor}× PDF")
            rows[factor]["pdf"] = stage("pdf", data, out)
        if factor == 1:
            progress("1× PDF 增量重建，一个进程排版全部 PDF")
            rows[factor]["pdf-rebuild"] = stage("pdf-rebuild", data, out)
            rows[factor]["pdf-serial"] = stage("pdf-serial", data, out)
    progress("手册 PDF 与纯 WeasyPrint")
    pdf_rounds = rounds_of(partial(stage, "handbook-pdf", work / "data-1x", work / "out-1x"),
                           partial(stage, "plain-weasyprint", work / "out-1x"),
                           partial(stage, "handbook-pdf-untagged", work / "data-1x", work / "out-1x"))
    reader = {}
    for factor in built:
        progress(f"{factor}× 浏览器检索")
        site = work / f"out-{factor}x" / "site"
        first, latencies = search_timings(site)
        reader[factor] = (page_weights(site), search_index_gz(site), first, latencies)
    other = ["## 其他", "", f"- 别名炸弹被拒绝用时（CPU）：{alias_bomb_seconds() * 1000:.0f} ms",
             reference_line(rows),
             f"- 机器：{os.cpu_count()} 个 CPU，Python {sys.version.split()[0]}"]
    sections = [goals(rows, reader, pdf_rounds), scale_table(rows),
                overhead_table(rows), pdf_table(pdf_rounds),
                incremental_table(rows[1]["pdf"], rows[1]["pdf-rebuild"], rows[1]["pdf-serial"]), reader_table(reader),
                other]
    print("\n\n".join("\n".join(section) for section in sections))


def reader_side(work: Path, factors: tuple[int, ...]) -> dict:
    """Build the site (no PDFs) at each scale and measure it in the browser."""
    reader = {}
    for factor in factors:
        data = generate(PROJECT / "data", work / f"data-{factor}x", factor)
        out = work / f"out-{factor}x"
        out.mkdir()
        progress(f"{factor}× 网站")
        stage("site", data, out)
        progress(f"{factor}× 浏览器检索")
        site = out / "site"
        first, latencies = search_timings(site)
        reader[factor] = (page_weights(site), search_index_gz(site), first, latencies)
    return reader


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
