"""Pagefind against the handbook's own search, on the 106 questions of tests/search_questions.yaml.

Not part of `make test`; nothing here changes the site. Results: bench/search-comparison.md.

    .venv/bin/python -m macros build --site /tmp/hb-pagefind/site
    python3 -m venv /tmp/hb-pagefind/venv && /tmp/hb-pagefind/venv/bin/pip install pagefind-bin-extended==1.5.2
    .venv/bin/python bench/compare_search.py /tmp/hb-pagefind/site /tmp/hb-pagefind/venv

1. Copies the built site (without 404.html, which Material's index leaves out too) to WORK/pf and
   indexes the copy with the venv's `pagefind_extended --root-selector .md-content
   --exclude-selectors .headerlink`.
2. Serves both over http on 127.0.0.1 (the site under /handbook/, the copy under /pf/) and runs
   each question in Chromium (Debian's, with the tests' FLAGS):
   - the site's search: tests/test_search_questions.py's `top_results` in the search dialog;
   - Pagefind: `pagefind.search(q)` in a fresh browser context (cold cache) on the copy's
     index.html, with Material's search worker blocked, then `data()` of the first three results.
3. A question is answered when its `expect` string (zero-width spaces removed from every text) is
   - "page": anywhere on the page of one of the first three results (Pagefind: the result's
     `content`; Material: the text of all the page's sections in its search index);
   - "shown": what the test counts: in the text the result shows, or in a section it links to
     (Material: `answers`; Pagefind: title, excerpt and the up to 3 sub-results the Default UI
     shows, with the sections of those links taken from Material's index via `section_texts`).
4. Data per query: the files the search fetches (server log), raw bytes (http.server and the
   shipped nginx send them as they are) and gzipped. Time to first result: from navigation start
   to the first result of 函询 (Material: `index.html?q=函询`), median of 3 cold runs.
Prints Markdown tables; the misses go to WORK/misses.json. About 10 minutes on 2 CPUs (the Pagefind
questions each run in a cold context: 3 settings x 106 page loads).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.conftest import CHROMIUM, FLAGS  # noqa: E402
from tests.test_search_questions import QUESTIONS, answers, plain, section_texts, top_results  # noqa: E402

TIMING_QUERY = "函询"
RUNS = 3
# Material's search, blocked on the Pagefind copy so that it does not compete for the CPU
MATERIAL_SEARCH = re.compile(r"/(assets/javascripts/workers|assets/javascripts/lunr|search)/")
PAGEFIND_VARIANTS = [  # name, pagefind.options(...), drop question words first
    ("Pagefind, defaults", {}, False),
    ("Pagefind, termFrequency 0, excerptLength 100", {"ranking": {"termFrequency": 0}, "excerptLength": 100}, False),
    ("Pagefind, termFrequency 0, excerptLength 100, question words dropped",
     {"ranking": {"termFrequency": 0}, "excerptLength": 100}, True),
]
PAGEFIND_QUERY = """async ([query, options]) => {
  const pagefind = await import('/pf/pagefind/pagefind.js')
  await pagefind.options(options)
  const search = await pagefind.search(query)
  const top = await Promise.all(search.results.slice(0, 3).map(result => result.data()))
  return { count: search.results.length, top: top.map(data => ({
    url: data.url, title: data.meta.title || '', excerpt: data.excerpt, content: data.content,
    subs: data.sub_results.map(sub => ({ url: sub.url, title: sub.title, excerpt: sub.excerpt,
                                         matches: sub.locations.length })) })) }
}"""


def clean(text: str) -> str:
    return plain(text).replace("\u200b", "")


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def sizes(paths: list[Path]) -> tuple[int, int, int]:
    """Files, bytes, gzipped bytes."""
    return len(paths), sum(p.stat().st_size for p in paths), sum(gz(p) for p in paths)


def build_pagefind(site: Path, venv: Path, work: Path) -> tuple[Path, str]:
    copy = work / "pf"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    (copy / "404.html").unlink(missing_ok=True)
    binary = next(venv.glob("lib/python*/site-packages/pagefind_bin_extended/pagefind_extended"))
    subprocess.run([binary, "--site", copy, "--root-selector", ".md-content", "--exclude-selectors", ".headerlink"],
                   check=True, capture_output=True)
    version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    return copy, version


class Server:
    """site under /handbook/, the Pagefind copy under /pf/; every GET path is logged."""

    def __init__(self, work: Path, site: Path, copy: Path):
        web = work / "web"
        shutil.rmtree(web, ignore_errors=True)
        web.mkdir(parents=True)
        (web / "handbook").symlink_to(site.resolve(), target_is_directory=True)
        (web / "pf").symlink_to(copy.resolve(), target_is_directory=True)
        self.web, self.log = web, []
        log = self.log

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                log.append(urlsplit(self.path).path)
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(web)))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def files_since(self, mark: int, pattern: str) -> list[Path]:
        return [self.web / unquote(p).lstrip("/") for p in dict.fromkeys(self.log[mark:]) if re.search(pattern, p)]


def question_words_dropped(site: Path):
    """The handbook worker's query cut (handbook-search.js: learn, segment, words), without aliases."""
    source = (site / "assets/javascripts/workers/search-data.js").read_text(encoding="utf-8")
    data = json.loads(source[source.index("{"):source.rindex("}") + 1])
    from macros.site.search import search_documents

    index = {"docs": search_documents(site)}  # the index is split since #34 (macros/search.py)
    han = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
    questions = set(data["questionWords"])
    vocabulary = set(data["words"])
    for doc in index["docs"]:
        for field in (doc["title"], doc["text"]):
            for word in re.split(index["config"]["separator"], re.sub(r"<[^>]*>", " ", field or "")):
                if 1 < len(word) <= 12 and han.search(word):
                    vocabulary.add(word.lower())

    def segment(run: str) -> list[str]:
        best: list = [(0, [])] + [None] * len(run)
        for i in range(len(run)):
            if best[i] is None:
                continue
            for j in range(i + 1, min(len(run), i + 12) + 1):
                piece = run[i:j]
                known = piece in vocabulary or piece in questions
                if not known and j - i > 1:
                    continue
                cost = best[i][0] + (1 if known else 2)
                if best[j] is None or cost < best[j][0]:
                    best[j] = (cost, best[i][1] + [piece])
        return best[len(run)][1]

    def rewrite(query: str) -> str:
        words = []
        for part in re.split(r"[\W_]+", query.lower()):
            for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", part):
                words += segment(run) if han.search(run) else [run]
        kept = [word for word in words if word not in questions]
        return " ".join(kept) or query

    return rewrite


def run_material(browser, server: Server, sections: dict[str, str]) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server.base}/handbook/index.html?q=%E5%87%BD%E8%AF%A2")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=30000)
    by_page: dict[str, str] = {}
    for location, text in sections.items():
        by_page[location.split("#")[0]] = by_page.get(location.split("#")[0], "") + " " + text
    shown, whole, misses = 0, 0, []
    for question in QUESTIONS:
        results = top_results(page, question["q"])
        expect = question["expect"]
        hit_shown = any(answers(result, expect, sections) for result in results)
        hit_page = any(expect in by_page.get(result["locations"][0].split("#")[0], "") for result in results if result["locations"])
        shown += hit_shown
        whole += hit_page
        if not hit_page:
            misses.append({"q": question["q"], "expect": expect, "top": [r["title"] for r in results]})
    page.close()
    return {"shown": shown, "page": whole, "misses": misses}


def time_material(browser, server: Server) -> tuple[float, list[Path]]:
    times, files = [], []
    for _ in range(RUNS):
        context = browser.new_context()
        page = context.new_page()
        mark, start = len(server.log), time.perf_counter()
        page.goto(f"{server.base}/handbook/index.html?q=%E5%87%BD%E8%AF%A2")
        page.wait_for_selector(".md-search-result__item", state="attached", timeout=30000)
        times.append(time.perf_counter() - start)
        files = server.files_since(mark, MATERIAL_SEARCH.pattern)
        context.close()
    return statistics.median(times), files


def pagefind_page(browser, server: Server):
    context = browser.new_context()
    context.route(MATERIAL_SEARCH, lambda route: route.abort())
    page = context.new_page()
    return context, page


def run_pagefind(browser, server: Server, sections: dict[str, str], options: dict, rewrite) -> dict:
    shown, whole, misses, data = 0, 0, [], []
    for question in QUESTIONS:
        context, page = pagefind_page(browser, server)
        page.goto(f"{server.base}/pf/index.html")
        mark = len(server.log)
        query = rewrite(question["q"]) if rewrite else question["q"]
        found = page.evaluate(PAGEFIND_QUERY, [query, options])
        data.append(sizes(server.files_since(mark, r"^/pf/pagefind/")))
        context.close()
        expect = question["expect"]
        hit_page = hit_shown = False
        for result in found["top"]:
            subs = [sub for sub in result["subs"] if sub["url"] != result["url"]]
            subs = sorted(subs, key=lambda sub: -sub["matches"])[:3]  # the Default UI's choice
            text = clean(" ".join([result["title"], result["excerpt"]] + [f"{s['title']} {s['excerpt']}" for s in subs]))
            links = [result["url"]] + [sub["url"] for sub in subs]
            locations = [unquote(url.split("/pf/", 1)[-1]) for url in links]
            hit_shown |= expect in text or any(expect in sections.get(loc, "") for loc in locations)
            hit_page |= expect in clean(result["content"])
        shown += hit_shown
        whole += hit_page
        if not hit_page:
            misses.append({"q": question["q"], "query": query, "expect": expect, "results": found["count"],
                           "top": [r["title"] for r in found["top"]]})
    return {"shown": shown, "page": whole, "misses": misses,
            "data": tuple(statistics.median(d[i] for d in data) for i in range(3))}


def time_pagefind(browser, server: Server, options: dict) -> tuple[float, list[Path]]:
    times, files = [], []
    for _ in range(RUNS):
        context, page = pagefind_page(browser, server)
        mark, start = len(server.log), time.perf_counter()
        page.goto(f"{server.base}/pf/index.html")
        page.evaluate(PAGEFIND_QUERY, [TIMING_QUERY, options])
        times.append(time.perf_counter() - start)
        files = server.files_since(mark, r"^/pf/pagefind/")
        context.close()
    return statistics.median(times), files


def kb(n: float) -> str:
    return f"{n / 1000:.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="a site built with `python -m macros build --site`")
    parser.add_argument("venv", type=Path, help="a venv with pagefind-bin-extended installed")
    parser.add_argument("--work", type=Path, help="scratch folder (default: beside the site)")
    args = parser.parse_args()
    work = args.work or args.site.resolve().parent / "compare-work"
    work.mkdir(parents=True, exist_ok=True)
    copy, version = build_pagefind(args.site, args.venv, work)
    sections = section_texts(args.site)
    server = Server(work, args.site, copy)
    rewrite = question_words_dropped(args.site)

    from playwright.sync_api import sync_playwright

    rows, misses = [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        print(f"Chromium {browser.version}, {version}, {len(QUESTIONS)} questions", file=sys.stderr)
        material = run_material(browser, server, sections)
        seconds, files = time_material(browser, server)
        fetched = {"Material": files}
        index = [args.site / "search/search_index.json", args.site / "search/lexicon.js"]
        rows.append(("Material 9.8.1 + handbook worker (the site)", material, sizes(files), sizes(index), seconds))
        misses["material"] = material["misses"]
        data_files = [f for f in (copy / "pagefind").rglob("*") if f.is_file() and (
            f.suffix in {".pf_index", ".pf_fragment", ".pf_meta"} or f.name == "pagefind-entry.json")]
        for name, options, drop in PAGEFIND_VARIANTS:
            result = run_pagefind(browser, server, sections, options, rewrite if drop else None)
            seconds, files = time_pagefind(browser, server, options)
            fetched[name] = files
            rows.append((name, result, result["data"], sizes(data_files), seconds))
            misses[name] = result["misses"]
        browser.close()
    server.httpd.shutdown()
    (work / "misses.json").write_text(json.dumps(misses, ensure_ascii=False, indent=1), encoding="utf-8")

    n = len(QUESTIONS)
    print("| engine, setting | answered in top 3: page | shown (test's rule) | data per query | index on disk | first result |")
    print("|---|---|---|---|---|---|")
    for name, result, (count, raw, packed), (_, size, size_gz), seconds in rows:
        print(f"| {name} | {result['page']}/{n} | {result['shown']}/{n} | {kb(raw)} ({kb(packed)} gz) in {count:.0f} files"
              f" | {kb(size)} ({kb(size_gz)} gz) | {seconds:.2f} s |")
    engine = [copy / "pagefind" / name for name in ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")]
    print(f"\nPagefind data files {sizes(data_files)}; engine (js, worker, wasm) {sizes(engine)};"
          f" whole pagefind/ {sizes([f for f in (copy / 'pagefind').rglob('*') if f.is_file()])}")
    for name, files in fetched.items():
        print(f"{name}, fetched for {TIMING_QUERY}: " + ", ".join(f"{f.name} {f.stat().st_size}" for f in files))


if __name__ == "__main__":
    main()
