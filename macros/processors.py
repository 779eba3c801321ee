"""How many processors this process may use, and work shared out among processes."""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import selectors
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_processors() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than exist)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def shared_out(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], sizes: Sequence[int],
               threshold: int, shares_per_processor: int = 2) -> list[Result]:
    """work(items), shared out among forked copies of this process, one running per processor,
    when the items' size is above threshold.

    A copy starts with every input already in its memory, so nothing is sent to it; only its
    results come back, through a pipe, read as they come while the others still work. The items
    are cut into a few shares per processor, of about equal size, and a copy is started for the
    next share whenever one ends: a processor slowed by other work then simply does fewer. More
    shares balance the processors better; each costs a fork and a copy of every page it writes
    to (two a processor measured quicker than four). A copy leaves without freeing what it made,
    which for millions of small objects takes a while. Should a copy fail, its share is done here
    after all. Not with threads running (a fork copies their locks in whatever state they are),
    which a command-line check never has.
    """
    count = min(available_processors(), len(items))
    if count < 2 or sum(sizes) < threshold or threading.active_count() > 1:
        return work(items)
    bounds = _bounds_by_size(sizes, count * shares_per_processor)
    shares = [items[start:end] for start, end in zip(bounds, bounds[1:], strict=False) if start < end]
    sent = _sent_by_copies(work, shares, count)
    return [result for share, results in zip(shares, sent, strict=True)
            for result in (work(share) if results is None else results)]


def _sent_by_copies(work: Callable[[Sequence[Item]], list[Result]], shares: list[Sequence[Item]],
                    at_once: int) -> list[list[Result] | None]:
    """What a copy sent for each share (None where it failed), with at most at_once copies running."""
    sent: list[list[Result] | None] = [None] * len(shares)
    waiting = iter(enumerate(shares))
    with selectors.DefaultSelector() as selector:
        try:
            for index, share in itertools.islice(waiting, at_once):
                selector.register(_forked(work, share, index), selectors.EVENT_READ)
            while selector.get_map():
                for key, _ in selector.select():
                    copy = key.fileobj
                    if copy.receive():
                        continue
                    selector.unregister(copy)
                    sent[copy.index] = copy.result()
                    for index, share in itertools.islice(waiting, 1):
                        selector.register(_forked(work, share, index), selectors.EVENT_READ)
        except BaseException:  # interrupted (Ctrl-C): no copy is left working on
            for key in list(selector.get_map().values()):
                key.fileobj.stop()
            raise
    return sent


def _forked(work: Callable[[Sequence[Item]], list[Result]], share: Sequence[Item], index: int) -> _Copy:
    """A forked copy of this process doing work(share), the index-th share."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _send_and_exit(write_end, lambda: work(share))
    os.close(write_end)
    return _Copy(pid, read_end, index)


@dataclass
class _Copy:
    """A forked copy at work, and what it has sent so far through its pipe."""

    pid: int
    pipe: int
    index: int
    received: bytearray = field(default_factory=bytearray)

    def fileno(self) -> int:
        return self.pipe

    def receive(self) -> bool:
        """Read what the copy has sent; False when it has closed its end (it is done)."""
        chunk = os.read(self.pipe, 1 << 20)
        self.received += chunk
        return bool(chunk)

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.result()

    def result(self) -> list | None:
        """What the copy made, once it is done; None when it failed."""
        os.close(self.pipe)
        _, status = os.waitpid(self.pid, 0)
        return pickle.loads(self.received) if status == 0 and self.received else None


class Helper:
    """A forked copy of this process started before it is known what it will do: it gets ready (say,
    imports what its work needs) on another processor while this process finds that out, then is
    sent its items, does work(items) and sends the result back.

    The items go through a pipe. What does not fit in the pipe while the copy is still getting
    ready waits in this process until the result is asked for, so sending never waits for the copy.
    """

    def __init__(self, job_pipe: int, copy: _Copy):
        self.job_pipe = job_pipe
        self.copy = copy
        self.unsent = memoryview(b"")
        self.done = False

    @classmethod
    def start(cls, get_ready: Callable[[], Callable[[Sequence[Item]], list[Result]]]) -> Helper | None:
        """A copy that runs get_ready() at once, which returns the work; None with one processor
        (the copy would only take turns with this process) or with threads running (see shared_out)."""
        if available_processors() < 2 or threading.active_count() > 1:
            return None
        job_read, job_write = os.pipe()
        copy = _forked(lambda _: _ready_then_work(get_ready, job_read, job_write), (), 0)
        os.close(job_read)
        os.set_blocking(job_write, False)
        return cls(job_write, copy)

    def send(self, items: Sequence[Item]) -> None:
        """Hand the copy its items: what fits in the pipe now, the rest when the result is asked for."""
        self.unsent = memoryview(pickle.dumps(items, pickle.HIGHEST_PROTOCOL))
        with contextlib.suppress(BlockingIOError):
            self._write_unsent()

    def result(self) -> list[Result] | None:
        """What the copy made of the items sent; None when it failed."""
        os.set_blocking(self.job_pipe, True)
        with contextlib.suppress(BrokenPipeError):  # the copy failed before reading them all
            self._write_unsent()
        self._finish()
        while self.copy.receive():
            pass
        return self.copy.result()

    def stop(self) -> None:
        """Stop the copy, unless it is done (not needed after all, or this process gave up)."""
        if not self.done:
            self._finish()
            self.copy.stop()

    def _write_unsent(self) -> None:
        while self.unsent:
            self.unsent = self.unsent[os.write(self.job_pipe, self.unsent):]

    def _finish(self) -> None:
        os.close(self.job_pipe)
        self.done = True


def _ready_then_work(get_ready: Callable[[], Callable[[Sequence[Item]], list[Result]]], job_pipe: int,
                     sending_end: int) -> list:
    """In a helper copy: get ready, then do the work on the items this process sends (its own copy
    of the sending end closed, so that the pipe ends when this process closes it)."""
    os.close(sending_end)
    work = get_ready()
    with os.fdopen(job_pipe, "rb") as pipe:
        items = pickle.load(pipe)
    return work(items)


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


def _bounds_by_size(sizes: Sequence[int], count: int) -> list[int]:
    """Where to cut the items into `count` runs of about equal total size: 0, the cuts, len(sizes)."""
    cumulative = list(itertools.accumulate(sizes, initial=0))
    total = cumulative[-1]
    cuts = [min(range(len(cumulative)), key=lambda index: abs(count * cumulative[index] - share * total))
            for share in range(1, count)]
    return [0, *cuts, len(sizes)]
