"""The site as an intranet serves it: nginx with the example configuration from deploy/, under /handbook/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from macros.cli import PROJECT
from macros.publish.bundle import ZIP_PATH

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_site(built_site, tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.fail("nginx 未安装：make test 应已安装它")
    prefix = tmp_path_factory.mktemp("nginx")
    webroot = prefix / "www"
    webroot.mkdir()
    shutil.copytree(built_site, webroot / "handbook")
    site_conf = (PROJECT / "deploy" / "nginx-handbook.conf").read_text(encoding="utf-8")
    (prefix / "handbook.conf").write_text(site_conf.replace("/srv/www", str(webroot)), encoding="utf-8")
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
error_log stderr;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        include {prefix}/handbook.conf;
    }}
}}
""", encoding="utf-8")
    log = (prefix / "nginx.log").open("wb")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/handbook/"
    for _ in range(100):
        try:
            fetch(base)
            break
        except OSError:
            if process.poll() is not None:
                log.close()
                pytest.fail("nginx 启动失败：" + (prefix / "nginx.log").read_text(errors="replace"))
            time.sleep(0.05)
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


class Response:
    def __init__(self, url: str):
        with urllib.request.urlopen(url, timeout=5) as response:
            self.status = response.status
            self.headers = response.headers
            self.body = response.read()


def fetch(url: str) -> Response:
    return Response(url)


def test_pages_pdf_and_search_index_are_served(nginx_site):
    for path in ("", "index.html", "procedures/clue-handling.html", "pdf/handbook.pdf", "search/search_index.json",
                 ZIP_PATH):
        response = fetch(nginx_site + path)
        assert response.status == 200, path
    assert fetch(nginx_site + "pdf/handbook.pdf").headers["Content-Type"] == "application/pdf"
    assert fetch(nginx_site + ZIP_PATH).headers["Content-Type"] == "application/zip"


def test_the_search_index_and_other_text_go_out_gzipped(nginx_site, built_site):
    """gzip_static sends the build's own .gz (not one nginx makes on the fly, which would differ at
    its default level); a client that does not accept gzip gets the file as it is. The search
    index is the lexicon and the pages' parts (search_index.json holds only settings, under 1 KB)."""
    html = (built_site / "index.html").read_text(encoding="utf-8")
    script = next(part.split('"')[0] for part in html.split('src="') if part.startswith("assets/javascripts/bundle."))
    for path in ("search/lexicon.js", "search/pages/0.js", "index.html", script):
        request = urllib.request.Request(nginx_site + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Encoding"] == "gzip", path
            assert response.read() == (built_site / (path + ".gz")).read_bytes(), path
        plain = fetch(nginx_site + path)
        assert plain.headers["Content-Encoding"] is None, path
        assert plain.body == (built_site / path).read_bytes(), path


def test_headers_and_cache_policy(nginx_site, built_site):
    page = fetch(nginx_site + "index.html")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-cache"
    assert "charset=utf-8" in page.headers["Content-Type"]
    html = page.body.decode("utf-8")
    css = next(part.split('"')[0] for part in html.split('href="') if part.startswith("assets/stylesheets/main."))
    asset = fetch(nginx_site + css)
    assert "max-age=2592000" in asset.headers["Cache-Control"]
    # the handbook's search worker and its data keep their names across editions: revalidated
    for path in ("assets/javascripts/workers/handbook-search.js", "assets/javascripts/workers/search-data.js"):
        assert fetch(nginx_site + path).headers["Cache-Control"] == "no-cache", path
    worker = next(p.name for p in (built_site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    assert "max-age=2592000" in fetch(nginx_site + f"assets/javascripts/workers/{worker}").headers["Cache-Control"]


CSP_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""


def test_content_security_policy_header(nginx_site):
    for path in ("index.html", "procedures/clue-handling.html"):
        policy = fetch(nginx_site + path).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'", "页面脚本必须全部来自站点自身文件"
        assert "unsafe" not in policy


def test_site_works_in_the_browser_under_the_content_security_policy(nginx_site):
    """Every page kind, the search and the glossary tooltip work with the shipped policy, and no
    request or script is refused by it."""
    from playwright.sync_api import sync_playwright

    from .conftest import CHROMIUM, FLAGS
    from .test_search_browser import PAGE_KINDS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.add_init_script(CSP_VIOLATIONS)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        violations: list[str] = []
        for path in PAGE_KINDS:
            page.goto(nginx_site + path)
            page.wait_for_load_state("load")
            # The theme's scope (where it keeps its settings) must be the site root, from any depth.
            assert page.evaluate("__md_scope.pathname") == "/handbook/", path
            violations += page.evaluate("window.__csp")
        assert page.locator("h1").count() >= 1

        page.goto(nginx_site + "procedures/accident-investigation.html")
        assert page.locator("svg.hb-swimlane").count() == 1
        page.goto(nginx_site + "procedures/clue-handling.html")
        page.locator("abbr.hb-term").first.hover()
        page.wait_for_selector(".md-tooltip2, .md-tooltip", state="attached", timeout=5000)
        violations += page.evaluate("window.__csp")

        page.goto(nginx_site + "index.html?q=" + urllib.request.quote("函询"))
        page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
        violations += page.evaluate("window.__csp")
        assert violations == []
        # The offline copy's parts stay idle when served: the search runs in a real worker (not the
        # iframe-worker shim, whose iframe writes an inline script) and fetches the JSON index.
        assert page.evaluate("window.Worker !== window.IFrameWorker")
        assert not any(url.endswith("search/search_index.js") for url in requested)
        assert any(url.endswith("search/search_index.json") for url in requested)
        assert errors == []

        # The policy is really in force: an injected inline script is refused.
        page.evaluate("""() => { const s = document.createElement("script");
                                 s.textContent = "window.__ran = true"; document.head.append(s); }""")
        assert page.evaluate("window.__ran") is None
        page.wait_for_function("window.__csp.length > 0", timeout=5000)
        assert page.evaluate("window.__csp")[0].startswith("script-src-elem inline")
        browser.close()
