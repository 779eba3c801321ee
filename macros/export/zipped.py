"""Zip files whose bytes depend on nothing but their contents and a date (the .xlsx question banks
here, the offline copy in publish/bundle.py): the same data gives the same bytes on any machine."""

from __future__ import annotations

import stat
import zipfile


def zip_time(date: str) -> tuple[int, int, int, int, int, int]:
    """A zip entry's time from a date 'YYYY[-MM[-DD]]': midnight, and no earlier than 1980 (a zip
    cannot hold an earlier date)."""
    year, month, day = ([int(part) for part in date.split("-")] + [1, 1])[:3]
    return (max(year, 1980), month, day, 0, 0, 0)


def fixed_entry(name: str, date: str) -> zipfile.ZipInfo:
    """A zip entry that depends on nothing but its name and date: Unix, 0644, deflated."""
    entry = zipfile.ZipInfo(name, zip_time(date))
    entry.create_system = 3  # Unix, wherever it is built, so that the permissions below count
    entry.external_attr = (stat.S_IFREG | 0o644) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry
