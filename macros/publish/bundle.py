"""Stage 4c: the offline copy. The finished site (pages, assets, search, PDFs) as one zip for offices
without an intranet server: unzipped anywhere, index.html opens from the folder and the search works
without a server (Material's offline plugin, mkdocs.yml).

The same site gives the same bytes: entries in sorted order, the handbook's date as every entry's
time, fixed permissions and a fixed compression level; nothing is taken from the file system but
the files' contents.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..export.zipped import fixed_entry

# Where the zip is published inside the site (docs/index.md links to it), and the folder it unpacks to.
ZIP_PATH = "download/handbook-offline.zip"
FOLDER = "jjjc-handbook"
# The sitemap is for search engines and carries the day of the build, which would change the bytes.
LEFT_OUT = frozenset({"sitemap.xml", "sitemap.xml.gz"})


def write_offline_zip(site_dir: Path, date: str) -> Path:
    """Pack site_dir into site_dir/ZIP_PATH, each file under FOLDER-<date>/, dated `date` (YYYY[-MM[-DD]])."""
    target = site_dir / ZIP_PATH
    files = sorted(
        (path.relative_to(site_dir).as_posix(), path)
        for path in site_dir.rglob("*")
        if path.is_file() and path != target and path.relative_to(site_dir).as_posix() not in LEFT_OUT
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, path in files:
            archive.writestr(fixed_entry(f"{FOLDER}-{date}/{name}", date), path.read_bytes(), compresslevel=9)
    return target
