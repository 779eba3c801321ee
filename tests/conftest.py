"""Shared fixtures: the real data, a site built once per session, and a local HTTP server."""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from macros.cli import PROJECT, build_all
from macros.resolve import load_handbook

FIXTURES = Path(__file__).parent / "fixtures"

# A test that uses one of these builds a site, lays out PDFs or drives a browser: marked `slow`, so
# that `make test-fast` (pytest -m "not slow") leaves it out. The fixtures a test uses include the
# ones its fixtures use, so a fixture that builds only has to ask for `builder`.
SLOW_FIXTURES = frozenset({"builder", "built_site", "browser"})


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def builder():
    """build_all, for a test that builds a site of its own (which makes the test slow)."""
    return build_all

# Debian's Chromium, never a downloaded browser; without the background-networking flags it tries
# to reach Google's hosts at every start, which this network refuses.
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(context):
    """A new page of the context; its console errors and uncaught exceptions gather in page.errors."""
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


NGINX_CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx-handbook.conf"


def under_shipped_policy(context) -> None:
    """Serve every response of the context with the Content-Security-Policy deploy/ ships (no inline
    script or style), and record each violation in the page's window.__csp."""
    policy = re.search(r'Content-Security-Policy "([^"]+)"', NGINX_CONF.read_text(encoding="utf-8")).group(1)

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    context.route("**/*", with_policy)
    context.add_init_script("""window.__csp = [];
        document.addEventListener("securitypolicyviolation", e => window.__csp.push(
            e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));""")


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield open_page(context)
    context.close()


@pytest.fixture(scope="session")
def handbook():
    return load_handbook(PROJECT / "data")


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory) -> Path:
    """The cache of built_site's build: empty before it, so that build renders every PDF."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, build_cache, builder) -> Path:
    """The real data built once into a temporary folder (site/ itself is left alone)."""
    site = tmp_path_factory.mktemp("built") / "site"
    assert builder(PROJECT / "data", site, build_cache) == 0
    return site


# Two marks of punctuation in a row where Chinese writes one (「。；」 came from joining sentences with
# 「；」): looked for on every page and in every PDF.
DOUBLED_PUNCTUATION = re.compile("[。！？；，：、][。；，、]")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_body_text(path: Path, title: str) -> str:
    """A handbook PDF's text, squashed, without its page furniture: -raw puts the running header
    (chapter and title) and the page number wherever a paragraph runs onto the next page."""
    furniture = re.compile(rf"第 \d+ 页|(.+ )?{re.escape(title)}")
    return squash("\n".join(line for line in poppler("pdftotext", path, "-raw").splitlines()
                             if not furniture.fullmatch(line.strip())))


def pdf_outline(path: Path) -> list[str]:
    """The PDF's bookmarks, in order. pdftohtml writes the whole outline whatever pages it converts:
    converting the first page alone takes a fraction of a second instead of 10 s for the handbook."""
    xml = poppler("pdftohtml", path, "-xml", "-i", "-stdout", "-q", "-f", "1", "-l", "1")
    return [html.unescape(item) for item in re.findall(r"<item[^>]*>([^<]+)</item>", xml)]


def poppler(tool: str, path: Path, *options: str) -> str:
    """What a poppler tool (pdftotext, pdffonts, pdfinfo) prints for a PDF, run once per version of
    the file: pdftotext and pdffonts take 10 to 15 s on the tagged handbook, and many tests read it."""
    stat = path.stat()
    return _poppler_output(tool, options, str(path), (stat.st_mtime_ns, stat.st_size))


@functools.cache
def _poppler_output(tool: str, options: tuple[str, ...], path: str, _version: tuple[int, int]) -> str:
    to_stdout = ["-"] if tool == "pdftotext" else []
    return subprocess.run([tool, *options, path, *to_stdout], capture_output=True, text=True, check=True).stdout


def copy_data(base: Path, target: Path, *overlays: Path) -> Path:
    """A data folder made of base with overlay folders copied on top."""
    shutil.copytree(base, target)
    for overlay in overlays:
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def served_site(built_site):
    """built_site served over HTTP on loopback under the sub-path /handbook/."""
    root = built_site.parent / "webroot"
    root.mkdir(exist_ok=True)
    link = root / "handbook"
    if not link.exists():
        link.symlink_to(built_site, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/handbook/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass
