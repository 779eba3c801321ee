"""Pre-compressed copies of the site's text files, for a web server that sends a file's `.gz`
neighbour to a browser that accepts gzip (nginx's `gzip_static on`, deploy/nginx-handbook.conf).

The search index and the pages then travel compressed without the server compressing them on each
request. Each copy is byte-reproducible (no file name and a zero time in the gzip header, a fixed
level) and carries its original's modification time, which nginx uses for both.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

# Text the site serves; images, PDFs and the zip are compressed already or not text.
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map", ".webmanifest"})
# Below this, the gzip header and a request for it cost more than they save.
MIN_BYTES = 1024
LEVEL = 9


def precompress(site_dir: Path) -> int:
    """Write `<file>.gz` beside every text file over MIN_BYTES under site_dir; how many were written."""
    written = 0
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        info = path.stat()
        if info.st_size <= MIN_BYTES:
            continue
        target = path.with_name(path.name + ".gz")
        target.write_bytes(gzip.compress(path.read_bytes(), compresslevel=LEVEL, mtime=0))
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
        written += 1
    return written
