"""Stage 5: swap a finished build into place. The published folder is replaced only by a
complete build; a failed or interrupted build leaves it as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .compress import precompress


def publish(new_site: Path, site_dir: Path) -> None:
    """Replace site_dir by new_site with two renames, then remove the old copy. The text files
    get their pre-compressed copies first (after the offline zip, which does not need them)."""
    precompress(new_site)
    old = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new_site, site_dir)
    if old.exists():
        shutil.rmtree(old)


def build_stamp(project: Path, fallback_date: str) -> str:
    """When this build's content was fixed: the date and id of the git commit, not the clock,
    so that the same commit always produces the same pages."""
    try:
        out = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%cs %h"], capture_output=True,
                             text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    if not out:
        return fallback_date
    date, commit = out.split()
    return f"{date}（提交 {commit}）"
