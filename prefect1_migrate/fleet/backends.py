"""Where the per-repository work runs. Each backend hands out the jobs, calls ``on_result``
in the coordinating process as each result comes back (so the state database records it at
once), and cancels what has not started when the coordinator is stopped."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Protocol

from prefect1_migrate.fleet.model import FleetOptions, RepositoryJob, RepositoryResult
from prefect1_migrate.fleet.work import work_on_repository

ResultHandler = Callable[[RepositoryResult], None]


class Backend(Protocol):
    def run(
        self, jobs: Sequence[RepositoryJob], options: FleetOptions, on_result: ResultHandler
    ) -> None: ...


class LocalBackend:
    """``--jobs N``: in this process for one job at a time, else a pool of N processes."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def run(
        self, jobs: Sequence[RepositoryJob], options: FleetOptions, on_result: ResultHandler
    ) -> None:
        if self.processes <= 1 or len(jobs) <= 1:
            for job in jobs:
                on_result(work_on_repository(job, options))
            return
        pool = ProcessPoolExecutor(
            max_workers=min(self.processes, len(jobs)),
            mp_context=multiprocessing.get_context("fork"),
        )
        try:
            futures = [pool.submit(work_on_repository, job, options) for job in jobs]
            for future in as_completed(futures):
                on_result(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """``--dask-scheduler ADDRESS``: each job a task on that Dask cluster. The workers need
    the campaign folder and the local paths at the same place (a shared file system), and
    git with the credentials for the URLs."""

    def __init__(self, address: str) -> None:
        self.address = address

    def run(
        self, jobs: Sequence[RepositoryJob], options: FleetOptions, on_result: ResultHandler
    ) -> None:
        from distributed import Client
        from distributed import as_completed as completed_tasks

        with Client(self.address) as client:
            futures = client.map(
                work_on_repository,
                list(jobs),
                options=options,
                pure=False,
            )
            try:
                for future in completed_tasks(futures):
                    on_result(future.result())
            finally:
                client.cancel(futures)
