"""Stopping and pausing a run: SIGINT/SIGTERM/SIGHUP/SIGQUIT handling and the debugging pause points.

A stop request ends a run at once until the first file is written; after that, only at the
safe points the run marks (``checkpoint()``), never inside a file write or a git command.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT). Like KeyboardInterrupt, no ``except
    Exception`` (a codemod guard, say) can swallow it."""

    aftermath = "the repository was put back as it was"  # or, when it could not be, why


class StopRequests:
    """SIGINT, SIGTERM, SIGHUP (the terminal closed) and SIGQUIT during a run, all alike.

    Until the first file is written a stop request ends the run at once (``Interrupted``):
    nothing needs undoing. Once writing has begun it is honoured at the next safe point
    (before a file is written, before a commit), never inside a file write or a git command;
    the run then puts the repository back as it was at the start. Once the run's result is
    in place (``finishing()``: the branch moved, or every file is written) nothing is undone
    any more: a stop request is only recorded and the run finishes. Every request is also
    recorded and checked after each file is scanned: Python drops an exception raised while
    it runs certain callbacks (at-fork hooks, finalizers), and the stop must not be lost.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

    def __init__(self) -> None:
        self.pending: str | None = None
        self._deferring = False
        self.finishing = False
        self._previous: dict[int, object] = {}
        self._pid = os.getpid()

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._previous = {}

    def _handle(self, signum: int, _frame: object) -> None:
        if os.getpid() != self._pid:
            return  # a pool worker, forked before it set its own dispositions
        name = signal.Signals(signum).name
        self.pending = self.pending or name
        if not self._deferring and not self.finishing:
            raise Interrupted(name)

    def checkpoint(self) -> None:
        if self.pending and not self.finishing:
            raise Interrupted(self.pending)

    def finish(self) -> None:
        """The result is in place: from here on the run ends normally, whatever arrives."""
        self.finishing = True

    @contextmanager
    def deferred(self) -> Iterator[None]:
        previous, self._deferring = self._deferring, True
        try:
            yield
        finally:
            self._deferring = previous

    @contextmanager
    def immediate(self) -> Iterator[None]:
        """Inside ``deferred()``, a stretch where stopping at once is safe."""
        self.checkpoint()
        previous, self._deferring = self._deferring, False
        try:
            yield
        finally:
            self._deferring = previous


PAUSE_VARIABLE = "PREFECT1_MIGRATE_PAUSE_AT"


class PausePoints:
    """A debugging hook for testing interruptions (documented in the README).

    ``PREFECT1_MIGRATE_PAUSE_AT=point[:n][,point[:n]...]`` makes a ``migrate`` run stop at
    the named point (every time, or only the n-th time it is reached), print
    ``prefect1-migrate: paused at <point>:<n>`` to stderr and wait for a line on stdin. A
    stop signal sent while it waits stops the run right there. Points: ``checked`` (the
    lock is held and the tree found clean; nothing is scanned yet), ``scanned`` (every file
    is scanned, nothing is written yet), ``file-written`` (after each file is written;
    files are then written one at a time), ``committed`` (after each codemod's commit is
    made: built before any file is written, or with hooks, after its files are written),
    ``branch-moved`` (without hooks: the branch points at the last commit, the index is not
    updated yet; a stop signal sent while it waits is recorded and the run finishes once a
    line is read).
    """

    def __init__(self, stops: StopRequests) -> None:
        self._stops = stops
        self._wanted = {
            item.strip() for item in os.environ.get(PAUSE_VARIABLE, "").split(",") if item.strip()
        }
        self._seen: Counter[str] = Counter()

    @property
    def active(self) -> bool:
        return bool(self._wanted)

    def wants(self, point: str) -> bool:
        return any(item.split(":")[0] == point for item in self._wanted)

    def reached(self, point: str) -> None:
        if not self._wanted:
            return
        self._seen[point] += 1
        label = f"{point}:{self._seen[point]}"
        if point not in self._wanted and label not in self._wanted:
            return
        print(f"prefect1-migrate: paused at {label}", file=sys.stderr, flush=True)
        with self._stops.immediate():
            if sys.stdin is not None and not sys.stdin.closed:
                sys.stdin.readline()
