"""How many processors this process may use, and work shared out among processes."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_processors() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than exist)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worth_forking(size: int, threshold: int) -> bool:
    """Whether work on `size` units is worth sharing out among forked processes: above threshold,
    with a second processor, and not with threads running (a fork copies their locks in whatever
    state they are, which a command-line check never has)."""
    return size >= threshold and available_processors() >= 2 and threading.active_count() == 1


def in_two_halves(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item],
                  sizes: Sequence[int]) -> list[Result]:
    """work(items), the second half (by size) done meanwhile by a forked copy of this process.

    The copy starts with every input already in its memory, so nothing is sent to it; only its
    results come back, through a pipe. Should the copy fail, its half is done here after all.
    """
    half = _half_by_size(sizes)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _send_and_exit(write_end, lambda: work(items[half:]))
    os.close(write_end)
    try:
        first = work(items[:half])
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            sent = pipe.read()
        _, status = os.waitpid(pid, 0)
    second = pickle.loads(sent) if status == 0 and sent else work(items[half:])
    return first + second


def _send_and_exit(write_end: int, work: Callable[[], object]) -> None:
    """In the forked copy: write the pickled result and leave at once (no atexit handlers, no
    flushing of buffers copied from the parent, which would print the parent's output twice)."""
    status = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)


def _half_by_size(sizes: Sequence[int]) -> int:
    """The index that splits the items into two runs of about equal total size."""
    total = sum(sizes)
    running = 0
    for index, size in enumerate(sizes):
        if 2 * (running + size) > total:
            return index + 1 if 2 * running + size < total else index  # the nearer of the two splits
        running += size
    return len(sizes)
