"""How many processors this process may use, and work shared out among processes."""

from __future__ import annotations

import itertools
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


def shared_out(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], sizes: Sequence[int],
               threshold: int) -> list[Result]:
    """work(items), in shares of about equal size, one per processor, when their size is above
    threshold, each by a forked copy of this process.

    A copy starts with every input already in its memory, so nothing is sent to it; only its
    results come back, through a pipe. It leaves without freeing what it made, which for millions
    of small objects takes a while. Should a copy fail, its share is done here after all.
    Not with threads running (a fork copies their locks in whatever state they are), which a
    command-line check never has.
    """
    count = min(available_processors(), len(items))
    if count < 2 or sum(sizes) < threshold or threading.active_count() > 1:
        return work(items)
    bounds = _bounds_by_size(sizes, count)
    shares = [items[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
    sent = [_collected(*copy) for copy in [_forked(work, share) for share in shares]]
    return [result for share, results in zip(shares, sent, strict=True)
            for result in (work(share) if results is None else results)]


def _forked(work: Callable[[Sequence[Item]], list[Result]], share: Sequence[Item]) -> tuple[int, int]:
    """A forked copy doing work(share): its process id, and the pipe its result comes through."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _send_and_exit(write_end, lambda: work(share))
    os.close(write_end)
    return pid, read_end


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


def _collected(pid: int, read_end: int) -> list | None:
    """A copy's result, or None when it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        sent = pipe.read()
    _, status = os.waitpid(pid, 0)
    return pickle.loads(sent) if status == 0 and sent else None


def _bounds_by_size(sizes: Sequence[int], count: int) -> list[int]:
    """Where to cut the items into `count` runs of about equal total size: 0, the cuts, len(sizes)."""
    cumulative = list(itertools.accumulate(sizes, initial=0))
    total = cumulative[-1]
    cuts = [min(range(len(cumulative)), key=lambda index: abs(count * cumulative[index] - share * total))
            for share in range(1, count)]
    return [0, *cuts, len(sizes)]
