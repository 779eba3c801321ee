"""Stage 4d: each course's self-test as question banks a learning platform imports, written into the
site beside its pages (resolve/selftest.bank_path): Moodle XML and an .xlsx in the column layout of
Chinese exam platforms. The questions are resolve/selftest.py's, the same as on the course page and
in the course pack. Both files are byte-reproducible: the same data gives the same bytes."""

from __future__ import annotations

from pathlib import Path

from ..resolve import model as m
from ..resolve.selftest import bank_path, self_test
from .moodle import moodle_xml
from .xlsx import question_sheet


def write_question_banks(handbook: m.Handbook, site_dir: Path) -> list[Path]:
    """Write every course's Moodle XML and .xlsx under site_dir; the paths written."""
    written = []
    for course in handbook.courses:
        questions = self_test(course, handbook)
        for suffix, content in ((".xml", moodle_xml(handbook, course, questions)),
                                (".xlsx", question_sheet(questions, handbook.info.date))):
            target = site_dir / bank_path(course, suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(target)
    return written
