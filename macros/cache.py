"""One resolved Handbook per state of the data folder, shared by the CLI and the site adapter."""

from __future__ import annotations

from pathlib import Path

from .model import Handbook
from .resolve import load_handbook

_cache: dict[Path, tuple[tuple, Handbook]] = {}


def fingerprint(data_dir: Path) -> tuple:
    return tuple(
        (p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(data_dir.rglob("*")) if p.is_file()
    )


def current_handbook(data_dir: Path) -> Handbook:
    """The handbook for the data as it is now; loaded again only when a file changed."""
    data_dir = data_dir.resolve()
    stamp = fingerprint(data_dir)
    cached = _cache.get(data_dir)
    if cached and cached[0] == stamp:
        return cached[1]
    handbook = load_handbook(data_dir, display_root=data_dir.parent)
    _cache[data_dir] = (stamp, handbook)
    return handbook
