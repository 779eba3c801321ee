"""The offline copy: the site zipped, unzipped on a computer without a server and opened from its
folder (file://) in Chromium, search included; and the zip itself, reproducible."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from macros.cli import PROJECT
from macros.publish.bundle import FOLDER, LEFT_OUT, ZIP_PATH

HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')


@pytest.fixture(scope="module")
def zip_path(built_site) -> Path:
    return built_site / ZIP_PATH


@pytest.fixture(scope="module")
def unzipped(zip_path, handbook, tmp_path_factory) -> Path:
    """The zip unpacked where a county office might put it: a folder with a space and Chinese in its name."""
    target = tmp_path_factory.mktemp("usb") / "离线 手册"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target / f"{FOLDER}-{handbook.info.date}"


@pytest.fixture
def page(page):
    # Anything but the folder itself: a request to another host would fail without a network.
    page.on("request", lambda request: page.errors.append(request.url) if not request.url.startswith("file:") else None)
    return page


def results(page) -> list[str]:
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=20000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


def test_search_deep_link_works_from_the_folder(page, unzipped):
    page.goto(unzipped.as_uri() + "/index.html?q=" + quote("函询"))
    hrefs = results(page)
    assert any("procedures/inquiry-letter.html" in href for href in hrefs[:5]), hrefs[:5]
    # The search ran in the iframe stand-in for a worker (Chromium refuses a worker from file://).
    assert page.evaluate("window.Worker === window.IFrameWorker")
    assert page.errors == []


def test_search_box_from_a_nested_page_and_a_result_opens(page, unzipped):
    page.goto((unzipped / "procedures" / "clue-handling.html").as_uri())
    # From file:// the index is loaded when the search opens, as a script (search/search_index.js).
    box = page.locator("input.md-search__input")
    box.click()
    page.wait_for_function("!document.querySelector('.md-search-result__meta').textContent.includes('初始化')")
    box.fill("函询")
    box.press("End")  # Material searches on keyup; typed Chinese arrives through the input method
    hrefs = results(page)
    assert any(href.startswith(unzipped.as_uri() + "/procedures/inquiry-letter.html") for href in hrefs), hrefs
    page.locator(".md-search-result__item a[href*='procedures/inquiry-letter.html']:visible").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.endswith("/procedures/inquiry-letter.html")
    assert page.locator("h1").count() >= 1
    assert page.errors == []


def test_a_link_from_the_folder_lands_on_an_html_file(page, unzipped):
    page.goto((unzipped / "index.html").as_uri())
    page.locator(".md-content a[href='procedures/index.html']").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.endswith("/procedures/index.html")
    page.locator(".md-content a[href$='.html']").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.endswith(".html")
    assert page.locator("h1").count() >= 1
    assert page.errors == []


def test_no_link_points_at_a_folder(built_site):
    """From file:// a link to a folder shows a file listing (or nothing), not the page: every local
    link names its .html file."""
    offenders = []
    # MkDocs writes 404.html with root-absolute links; it is never shown from a folder.
    for path in (p for p in built_site.rglob("*.html") if p.name != "404.html"):
        for ref in HREF.findall(path.read_text(encoding="utf-8")):
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//") or not parts.path:
                continue
            if (path.parent / unquote(parts.path)).is_dir() or parts.path.endswith("/"):
                offenders.append(f"{path.relative_to(built_site)}: {ref}")
    assert offenders == []


def test_home_page_links_the_zip(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'href="{ZIP_PATH}"' in index
    assert "index.html" in index and "解压" in index


def test_zip_holds_the_whole_site_in_one_folder(built_site, zip_path, handbook):
    folder = f"{FOLDER}-{handbook.info.date}/"
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    names = [entry.filename for entry in entries]
    assert names == sorted(names)
    assert all(name.startswith(folder) for name in names)
    inside = {name.removeprefix(folder) for name in names}
    site = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    # The .gz copies are for a web server; a browser opening the folder reads the files themselves.
    packed = {name for name in site if name.endswith(".gz")}
    assert inside == site - packed - LEFT_OUT - {ZIP_PATH}
    for needed in ("index.html", "search/search_index.json", "search/search_index.js", "search/lexicon.js",
                   "search/pages/0.js", "assets/handbook/iframe-worker.js", "pdf/handbook.pdf"):
        assert needed in inside, needed
    # One copy of the index: the settings alone in search_index.json and .js, the rest in scripts.
    with zipfile.ZipFile(zip_path) as archive:
        assert len(archive.read(folder + "search/search_index.js")) < 1024
        assert json.loads(archive.read(folder + "search/search_index.json"))["docs"] == []
    year, month, day = (int(part) for part in handbook.info.date.split("-"))
    for entry in entries:
        assert entry.date_time == (year, month, day, 0, 0, 0), entry.filename
        assert entry.external_attr >> 16 == stat.S_IFREG | 0o644, entry.filename
        assert entry.create_system == 3


def test_a_build_in_another_process_place_and_time_gives_the_same_bytes(built_site, zip_path, tmp_path):
    """Reproducible output: a second build from the same data and commit, run later (minutes after the
    session's build), in a separate process, from another working directory and time zone, into
    another folder, gives every file of the site byte for byte, PDFs and the offline zip included."""
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    again = tmp_path / "second" / "site"
    env = {**os.environ, "TZ": "America/Los_Angeles" if time.localtime().tm_gmtoff else "Asia/Shanghai",
           "PYTHONPATH": str(PROJECT)}
    subprocess.run([sys.executable, "-m", "macros", "build", "--site", str(again)], cwd=workdir, env=env,
                   check=True, capture_output=True)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = files(built_site), files(again)
    assert sorted(first) == sorted(second)
    differ = sorted(name for name in first if first[name] != second[name])
    if ZIP_PATH in differ:
        with zipfile.ZipFile(zip_path) as a, zipfile.ZipFile(again / ZIP_PATH) as b:
            crcs = [{i.filename: i.CRC for i in z.infolist()} for z in (a, b)]
        differ += sorted(f"{ZIP_PATH}:{name}" for name in crcs[0].keys() | crcs[1].keys()
                         if crcs[0].get(name) != crcs[1].get(name))
    assert differ == [], f"两次生成的文件不同：{differ[:10]}"
