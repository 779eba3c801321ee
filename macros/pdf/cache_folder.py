"""A folder of cache entries, shared by the parse cache and the PDF cache: entries written whole or
not at all, and the oldest ones a run did not use removed."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

# A temporary file older than this was left by a run killed while writing (a live writer's are young).
STALE_TEMP_SECONDS = 3600
TEMP_PREFIX, TEMP_SUFFIX = ".", ".tmp"


def write_atomically(target: Path, content: bytes) -> None:
    """Write to a temporary name beside target and rename: a run reading at the same time sees the
    whole entry or none."""
    handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def entries(folder: Path, suffix: str) -> list[str]:
    """The names of the entries in folder (temporaries excluded); none when it cannot be read."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []
    _remove_stale_temporaries(folder, names)
    return [name for name in names if name.endswith(suffix) and not name.startswith(TEMP_PREFIX)]


def remove_oldest(folder: Path, names: list[str], count: int) -> None:
    """Remove the count least recently modified of these entries."""
    for name in sorted(names, key=lambda name: modified(folder / name))[:max(count, 0)]:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove_stale_temporaries(folder: Path, names: list[str]) -> None:
    now = time.time()
    for name in names:
        if (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)
                and now - modified(folder / name) > STALE_TEMP_SECONDS):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
