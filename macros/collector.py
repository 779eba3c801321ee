"""The cyclic garbage collector, paused while the engine makes many objects it would only scan again
and again: the values, entries and objects of loading, and the modules and validators of importing
the engine."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of short-lived, acyclic objects (nodes, marks, values) that reference
    counting frees; the cyclic collector would only scan them again and again (nearly half of
    `check` on large data)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
