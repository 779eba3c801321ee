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
    for path in ("", "index.html", "procedures/clue-handling.html", "pdf/handbook.pdf", "search/search_index.json"):
        response = fetch(nginx_site + path)
        assert response.status == 200, path
    assert fetch(nginx_site + "pdf/handbook.pdf").headers["Content-Type"] == "application/pdf"


def test_headers_and_cache_policy(nginx_site):
    page = fetch(nginx_site + "index.html")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-cache"
    assert "charset=utf-8" in page.headers["Content-Type"]
    html = page.body.decode("utf-8")
    css = next(part.split('"')[0] for part in html.split('href="') if part.startswith("assets/stylesheets/main."))
    asset = fetch(nginx_site + css)
    assert "max-age=2592000" in asset.headers["Cache-Control"]


def test_site_works_in_the_browser_behind_nginx(nginx_site):
    from playwright.sync_api import sync_playwright

    from .test_search_browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(nginx_site + "procedures/accident-investigation.html")
        assert page.locator("svg.hb-swimlane").count() == 1
        page.goto(nginx_site + "index.html?q=" + urllib.request.quote("函询"))
        page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
        browser.close()
    assert errors == []
