"""Stage 5: swap a finished build into place. The published folder is replaced only by a
complete build; a failed or interrupted build leaves it as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish(new_site: Path, site_dir: Path) -> None:
    """Replace site_dir by new_site with two renames, then remove the old copy."""
    old = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new_site, site_dir)
    if old.exists():
        shutil.rmtree(old)
