"""Retries with exponential back-off for the operations that go over the network (clone,
fetch, push): a failure there is taken for a passing one and tried again, up to a limit.
Every try is recorded."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from prefect1_migrate.fleet.model import StepLog

Value = TypeVar("Value")


class TransientFailure(Exception):
    """A failure worth trying again (the network, the server)."""


@dataclass(frozen=True)
class RetryPolicy:
    tries: int = 3
    first_delay: float = 2.0  # seconds before the second try
    factor: float = 2.0  # each later wait is this many times the one before

    def delays(self) -> Iterator[float]:
        """The waits between tries (one fewer than ``tries``)."""
        delay = self.first_delay
        for _ in range(self.tries - 1):
            yield delay
            delay *= self.factor


def with_retries(
    operation: Callable[[], Value],
    policy: RetryPolicy,
    log: StepLog,
    name: str,
) -> Value:
    """``operation()``, tried again after each ``TransientFailure`` with the policy's waits;
    the last failure is raised. Each try goes into ``log`` as one step called ``name``."""
    waits = policy.delays()
    try_number = 1
    while True:
        try:
            with log.step(name, try_number):
                return operation()
        except TransientFailure:
            wait = next(waits, None)
            if wait is None:
                raise
        time.sleep(wait)
        try_number += 1
