"""Stage 4c: reuse a PDF whose inputs have not changed since an earlier build.

A document is keyed by a hash of everything that decides its bytes: its print HTML (which carries
its CSS inline), the archival variant, the edition, the renderer (WeasyPrint and the Python and
system libraries it lays out and writes with) and the installed fonts. Same key, same bytes: the
build is reproducible, so the earlier file is exactly what rendering again would write.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .cache_folder import entries, remove_oldest, write_atomically

SUFFIX = ".pdf"
# Bumped when the meaning of a key changes (what goes into it, or how a document is written).
KEY_FORMAT = "1"

# The Python packages whose versions change what WeasyPrint writes.
RENDERING_PACKAGES = ("weasyprint", "pydyf", "fonttools", "pillow", "pyphen", "tinycss2", "cssselect2", "tinyhtml5")

# The system libraries WeasyPrint lays text out with, and the call that gives each one's version.
SYSTEM_LIBRARIES = (
    ("libpango-1.0.so.0", "pango_version", ctypes.c_int),
    ("libharfbuzz.so.0", "hb_version_string", ctypes.c_char_p),
    ("libfontconfig.so.1", "FcGetVersion", ctypes.c_int),
)

# How many cached documents to keep beyond those of the last build: enough to switch between a
# few branches or editions without rendering again, few enough that the folder stays small.
KEEP_BEYOND_LAST_BUILD = 2


def renderer_fingerprint() -> str:
    """Versions of the renderer and every installed font file (path, size and modification time):
    installing, removing or upgrading a font renders every document again."""
    parts = [f"{name}={_package_version(name)}" for name in RENDERING_PACKAGES]
    parts += [f"{library}={_library_version(library, call, restype)}" for library, call, restype in SYSTEM_LIBRARIES]
    parts += _font_files()
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _library_version(library: str, call: str, restype: type) -> str:
    try:
        function = getattr(ctypes.CDLL(library), call)
    except (OSError, AttributeError):
        return "-"
    function.restype = restype
    return str(function())


def _font_files() -> list[str]:
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ["fonts=unknown"]
    files = []
    for path in sorted(set(listed.splitlines())):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        files.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return files


@dataclass
class PdfCache:
    """A folder of earlier renders, each named by its key. Without a folder nothing is reused."""

    folder: Path | None
    fingerprint: str = ""
    used: set[str] = field(default_factory=set)
    reused: list[Path] = field(default_factory=list)
    rendered: list[Path] = field(default_factory=list)

    @classmethod
    def at(cls, folder: Path | None) -> PdfCache:
        return cls(folder, renderer_fingerprint() if folder is not None else "")

    def key(self, html: str, options: str, edition: str) -> str:
        """options: how the document is written (its variant and WeasyPrint's options)."""
        digest = hashlib.sha256()
        for part in (KEY_FORMAT, self.fingerprint, options, edition):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(html.encode("utf-8"))
        return digest.hexdigest()

    def reuse(self, key: str, target: Path) -> bool:
        """Copy the earlier render of this key to target; False when there is none."""
        if self.folder is None:
            return False
        cached = self.folder / f"{key}{SUFFIX}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
            os.utime(cached)  # recently used: kept when the folder is pruned
        except OSError:
            return False
        self.used.add(key)
        self.reused.append(target)
        return True

    def keep(self, key: str, rendered: Path) -> None:
        """Store a fresh render under its key, whole or not at all (cache_folder)."""
        self.rendered.append(rendered)
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.folder / f"{key}{SUFFIX}", rendered.read_bytes())
        self.used.add(key)

    def prune(self) -> None:
        """Remove the oldest renders no longer used, beyond a few builds' worth."""
        if self.folder is None:
            return
        unused = [name for name in entries(self.folder, SUFFIX) if name.removesuffix(SUFFIX) not in self.used]
        remove_oldest(self.folder, unused, len(unused) - KEEP_BEYOND_LAST_BUILD * max(len(self.used), 1))

    def summary(self, pdf_dir: Path) -> str:
        """What an editor waiting for the build wants to know: which documents were laid out again."""
        if not self.reused:
            return f"PDF：排版 {len(self.rendered)} 份"
        names = "、".join(path.relative_to(pdf_dir).as_posix() for path in self.rendered)
        return f"PDF：排版 {len(self.rendered)} 份{f'（{names}）' if names else ''}，沿用未变的 {len(self.reused)} 份"

