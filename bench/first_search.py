"""Where the first search's time goes, in headless Chromium, for one or more built sites side by side.

    python -m bench.first_search SITE [SITE ...] [--runs 7] [--query 函询] [--floor]
                                 [--nginx | --latency MS [--rate KB]]

Each site is copied and its search worker (assets/javascripts/workers/handbook-search.js) gets a
prelude that stamps the worker's messages: when the setup message arrives, when the handbook's
layer has passed it on, when Material's worker answers READY, when the query arrives, when
Material's worker has matched it and when the re-ranked result leaves. The page side gives the
download of the index (Resource Timing) and the first result in the list. Each run is a cold
browser context on `index.html?q=<query>`; the sites take turns, run by run, so that a machine
whose speed drifts moves all of them alike. Prints the medians, and the bytes the first search
fetched (raw and gzipped, as nginx would send them with gzip on). Asserts nothing.

With --floor, a copy of the last site whose worker answers every message at once (a fixed result,
nothing loaded) takes its turn too: what the page itself costs before any search could answer, the
floor under every design of the worker. With --latency (and --rate), http.server plays a slow
intranet: each response first waits that many milliseconds (and then goes out at that many KB a
second on its connection), so that what costs round trips shows.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WORKER = Path("assets/javascripts/workers/handbook-search.js")

# Stamps in the worker, in absolute milliseconds (timeOrigin + now), so that they compare with the
# page's. Listeners fire in the order they were added: the prelude's first, then the handbook's,
# then (added when Material's worker script is imported) the one stamping "passed on", then
# Material's own.
PRELUDE = r"""
self.__t = { start: performance.timeOrigin + performance.now() };
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const stamp = (key) => { if (!(key in self.__t)) self.__t[key] = now(); };
  addEventListener("message", e => {
    const type = e.data && e.data.type;
    if (type === 0) stamp("setup"); else if (type === 2) stamp("query");
  });
  const post = self.postMessage.bind(self);
  self.postMessage = m => {
    if (m && m.type === 1) stamp("ready"); else if (m && m.type === 3) stamp("result");
    post(m);
  };
  const load = self.importScripts;
  self.importScripts = (...urls) => {
    if (urls.some(url => /\/search\.[0-9a-f]+\.min\.js$/.test(url))) {
      stamp("material");
      addEventListener("message", e => {
        const type = e.data && e.data.type;
        if (type === 0) stamp("passed"); else if (type === 2) stamp("rewritten");
      });
      const inner = self.postMessage;
      self.postMessage = m => { if (m && m.type === 3) stamp("matched"); inner(m); };
    }
    return load.apply(self, urls);
  };
})();
"""

FIRST_RESULT = """
new MutationObserver((_, observer) => {
  if (document.querySelector(".md-search-result__item")) {
    window.__firstResult = performance.timeOrigin + performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

# (label, from, to, design): spans between stamps; "nav" is navigation start, "asked" and "index"
# the request and the end of the index's download on the page (search_index.json: the whole index
# in the landed commit, only the settings since it was split), "start" the worker's first line,
# "shown" the first result in the list. The handbook's worker since the index is split
# (macros/site/search.py) marks its own steps (performance.mark "hb-…"); the landed commit's has no
# marks, and its phases are the message stamps above. A phase of one design is shown as "—" for
# the other ("whole": the landed worker; "split": the worker with marks).
PHASES = [
    ("打开页面到请求索引（页面和 Material 主脚本）", "nav", "asked", "all"),
    ("打开页面到检索线程开始运行", "nav", "start", "all"),
    ("检索线程开始运行到收到页面的设置（SETUP）", "start", "setup", "all"),
    ("收到设置到收到查询", "setup", "query", "all"),
    ("收到查询到送出结果", "query", "result", "all"),
    ("页面显示结果", "result", "shown", "all"),
    ("（整个索引）下载索引", "asked", "index", "whole"),
    ("（整个索引）手册一层处理 SETUP（learn）", "setup", "passed", "whole"),
    ("（整个索引）Material 建立 lunr 索引", "passed", "ready", "whole"),
    ("（整个索引）Material 匹配", "rewritten", "matched", "whole"),
    ("（分开的索引）检索线程开始运行到 Material 的线程就绪", "start", "hb-material", "split"),
    ("（分开的索引）收到查询到词表就绪", "query", "hb-lexicon", "split"),
    ("（分开的索引）改写问题、选出所需的页", "hb-lexicon", "hb-chosen", "split"),
    ("（分开的索引）下载所需的页（同时等 Material 的线程）", "hb-chosen", "hb-pages", "split"),
    ("（分开的索引）Material 为这些页建立索引", "hb-pages", "hb-indexed", "split"),
    ("（分开的索引）Material 匹配", "hb-indexed", "hb-matched", "split"),
    ("（分开的索引）重排", "hb-matched", "hb-ranked", "split"),
    ("合计：打开页面到第一条结果", "nav", "shown", "all"),
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _SlowNetwork(_Quiet):
    """A slow intranet, as the server sees it: each response waits `latency` seconds (a round trip)
    and then goes out at `rate` bytes a second on its connection (the browser opens six at most)."""

    latency = 0.0
    rate = 0.0
    CHUNK = 4096

    def send_head(self):
        time.sleep(self.latency)
        return super().send_head()

    def copyfile(self, source, outputfile) -> None:
        if not self.rate:
            return super().copyfile(source, outputfile)
        while chunk := source.read(self.CHUNK):
            outputfile.write(chunk)
            time.sleep(len(chunk) / self.rate)
        return None


def slow_handler(latency_ms: float, rate_kb: float) -> type[_Quiet]:
    return type("Slow", (_SlowNetwork,), {"latency": latency_ms / 1000, "rate": rate_kb * 1024})


# A worker that costs nothing: READY to the settings, one fixed result to any query.
INSTANT = r"""
addEventListener("message", e => {
  const type = e.data && e.data.type;
  const item = { location: "index.html", title: "-", text: "-", score: 1, terms: {} };
  if (type === 0) postMessage({ type: 1 }); else if (type === 2) postMessage({ type: 3, data: { items: [[item]] } });
});
"""


def instrumented_copy(site: Path, work: Path, instant: bool = False) -> Path:
    copy = work / site.name
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pdf", "download", "*.gz"))
    worker = copy / WORKER
    worker.write_text(PRELUDE + (INSTANT if instant else worker.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROJECT = Path(__file__).resolve().parent.parent


class Nginx:
    """nginx with deploy/nginx-handbook.conf serving one site under /handbook/ (the deployment): the
    copy gets the .gz neighbours `make build` writes (macros/publish/compress.py), for every site
    alike, the landed commit's too (its build wrote none: compressed here as this branch's would)."""

    def __init__(self, site: Path, prefix: Path):
        import socket
        import subprocess
        import time
        import urllib.request

        from macros.publish.compress import precompress

        webroot = prefix / "www"
        webroot.mkdir(parents=True)
        shutil.move(str(site), webroot / "handbook")
        precompress(webroot / "handbook")
        conf = (PROJECT / "deploy" / "nginx-handbook.conf").read_text(encoding="utf-8")
        (prefix / "handbook.conf").write_text(conf.replace("/srv/www", str(webroot)), encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        temp = " ".join(f"{name}_temp_path {prefix}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (prefix / "nginx.conf").write_text(
            f"{'user root;' if os.geteuid() == 0 else ''} daemon off; worker_processes 1; error_log stderr;"
            f" pid {prefix}/nginx.pid; events {{ worker_connections 256; }}"
            f" http {{ include /etc/nginx/mime.types; default_type application/octet-stream; access_log off; {temp}"
            f" server {{ listen 127.0.0.1:{port}; include {prefix}/handbook.conf; }} }}", encoding="utf-8")
        self.process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}/handbook/"
        self.copy = webroot / "handbook"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base, timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def shutdown(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def one_run(browser, base: str, query: str) -> tuple[dict, list[str]]:
    # (under nginx's Content-Security-Policy Playwright could not poll for the result: its checks run
    # as evaluated strings, which the policy refuses; the site's own scripts need no exception)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.add_init_script(FIRST_RESULT)
    workers = []
    page.on("worker", lambda worker: workers.append(worker))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base + "index.html?q=" + quote(query))
    page.wait_for_function("window.__firstResult", timeout=120000)
    stamps = page.evaluate("""() => {
      const origin = performance.timeOrigin;
      const index = performance.getEntriesByType("resource").find(e => /search_index\\.js(on)?$/.test(e.name));
      return { nav: origin, asked: index ? origin + index.requestStart : null,
               index: index ? origin + index.responseEnd : null, shown: window.__firstResult };
    }""")
    worker = next(w for w in workers if "handbook-search" in w.url)
    stamps.update(worker.evaluate("""() => {
      const stamps = { ...self.__t };
      for (const mark of performance.getEntriesByType("mark"))
        if (!(mark.name in stamps)) stamps[mark.name] = performance.timeOrigin + mark.startTime;
      return stamps;
    }"""))
    context.close()
    return stamps, fetched


def search_bytes(copy: Path, base: str, urls: list[str]) -> tuple[int, int, list[str]]:
    """Raw and gzipped bytes of the files the search fetched (its index, workers, language files)."""
    raw = packed = 0
    names = []
    for url in dict.fromkeys(urls):
        path = urlsplit(url).path[len(urlsplit(base).path):]
        if not (path.startswith("search/") or "/workers/" in path or "/lunr/" in path):
            continue
        data = (copy / path).read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, 6, mtime=0))
        names.append(path)
    return raw, packed, names


def main() -> None:
    parser = argparse.ArgumentParser(description="首次检索的用时分解")
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", default="函询")
    parser.add_argument("--floor", action="store_true",
                        help="另测最后一个网站的一份副本，其检索线程收到什么都立刻回答：页面本身的开销，检索再快也省不掉")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="慢的内网：http.server 每个回应先等这么多毫秒（一次往返）")
    parser.add_argument("--rate", type=float, default=0, metavar="KB",
                        help="慢的内网：每个连接每秒只发这么多 KB（原样，不压缩）")
    parser.add_argument("--nginx", action="store_true",
                        help="用 nginx 和 deploy/nginx-handbook.conf 提供网站（默认用 Python 的 http.server，不压缩）")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    labels = [str(site) for site in args.sites] + ([f"{args.sites[-1]}（检索线程立刻回答）"] if args.floor else [])
    sites = [*args.sites, *args.sites[-1:]] if args.floor else args.sites
    with tempfile.TemporaryDirectory() as tmp:
        servers, bases, copies = [], [], []
        handler = slow_handler(args.latency, args.rate) if args.latency or args.rate else _Quiet
        for number, site in enumerate(sites):
            copy = instrumented_copy(site, Path(tmp) / str(number), instant=args.floor and number == len(args.sites))
            if args.nginx:
                server = Nginx(copy, Path(tmp) / f"nginx-{number}")
                copy, base = server.copy, server.base
            else:
                server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(copy.parent)))
                threading.Thread(target=server.serve_forever, daemon=True).start()
                base = f"http://127.0.0.1:{server.server_address[1]}/{copy.name}/"
            servers.append(server)
            copies.append(copy)
            bases.append(base)
        runs: list[list[dict]] = [[] for _ in sites]
        fetched: list[list[str]] = [[] for _ in sites]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for _ in range(args.runs):
                for number, base in enumerate(bases):
                    stamps, urls = one_run(browser, base, args.query)
                    runs[number].append(stamps)
                    fetched[number] = urls
            browser.close()
        for server in servers:
            server.shutdown()
        header = "| 阶段 | " + " | ".join(labels) + " |"
        lines = [header, "|---" * (len(sites) + 1) + "|"]
        for label, start, end, design in PHASES:
            cells = []
            for stamps in runs:
                split = any("hb-lexicon" in s for s in stamps)
                if design != "all" and (design == "split") != split:
                    cells.append("—")
                    continue
                spans = [s[end] - s[start] for s in stamps if s.get(start) and s.get(end)]
                cells.append(f"{statistics.median(spans):.0f}" if spans else "—")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        if len(runs) > 1:
            pairs = [[b["shown"] - b["nav"] for b in runs[i]] for i in range(len(runs))]
            ratios = [statistics.median(x / y for x, y in zip(pairs[i], pairs[0], strict=True))
                      for i in range(len(runs))]
            lines.append("| 与第一个逐次相比（中位数） | " + " | ".join(f"{r:.2f}" for r in ratios) + " |")
        cells = []
        for copy, base, urls in zip(copies, bases, fetched, strict=True):
            raw, packed, _ = search_bytes(copy, base, urls)
            cells.append(f"{raw / 1024:.0f} / {packed / 1024:.0f}")
        lines.append("| 检索下载 KB（原样 / gzip） | " + " | ".join(cells) + " |")
        served = "nginx（deploy/nginx-handbook.conf，预先压缩）" if args.nginx else "Python http.server（不压缩）"
        if not args.nginx and (args.latency or args.rate):
            served += f"，每个回应先等 {args.latency:g} ms" + (f"、每个连接每秒 {args.rate:g} KB" if args.rate else "")
        print(f"查询：{args.query}，每个网站 {args.runs} 次（冷启动），{served}，毫秒为中位数")
        print("\n".join(lines))
        for site, base, copy, urls in zip(labels, bases, copies, fetched, strict=True):
            print(f"{site}: " + ", ".join(search_bytes(copy, base, urls)[2]))


if __name__ == "__main__":
    main()
