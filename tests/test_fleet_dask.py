"""The fleet's Dask backend on a ``dask.distributed.LocalCluster``: the same campaign gives the
same branches (commit trees and messages) as the local process pool."""

from __future__ import annotations

from pathlib import Path

from distributed import LocalCluster
from fleet_repos import (
    EXAMPLE_PROJECT,
    EXECUTORS,
    REGISTER_CI,
    branch_history,
    fleet,
    repos_file,
    source_repo,
    states,
)


def test_the_same_campaign_on_a_dask_cluster_makes_the_same_branches(tmp_path: Path) -> None:
    contents = {"project": EXAMPLE_PROJECT, "executors": EXECUTORS, "register-ci": REGISTER_CI}
    sources = {
        name: source_repo(tmp_path / "src" / name, content) for name, content in contents.items()
    }
    repos = repos_file(tmp_path, [f"src/{name}" for name in contents])
    pool_campaign, dask_campaign = tmp_path / "pool.campaign", tmp_path / "dask.campaign"
    pool_code, _ = fleet(repos, jobs=2, campaign=pool_campaign, branch="migration-pool")

    # one worker process: the jobs and results travel pickled, as to a real cluster
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask_code, printed = fleet(
            repos,
            dask_scheduler=cluster.scheduler_address,
            campaign=dask_campaign,
            branch="migration-dask",
        )

    assert (dask_code, pool_code) == (0, 0), printed
    for name, repo in sources.items():
        on_dask = branch_history(repo, "migration-dask")
        assert on_dask == branch_history(repo, "migration-pool"), name
        assert len(on_dask) > 0
    assert states(dask_campaign) == states(pool_campaign)
