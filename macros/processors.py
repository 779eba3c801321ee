"""How many processors this process may use (for work shared out among processes)."""

from __future__ import annotations

import os


def available_processors() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than exist)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
