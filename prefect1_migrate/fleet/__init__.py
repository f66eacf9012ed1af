"""``prefect1-migrate fleet``: one migration campaign over many repositories.

- ``repos_file.py``: the repositories file (a path or a git URL per line, an optional ref);
- ``credentials.py``: a URL's user information kept out of everything printed or stored;
- ``state.py``: the campaign's SQLite database (each repository's state, every attempt);
- ``model.py``: the options, the per-repository job and its result;
- ``checkout.py``: the git work of a campaign (clone, fetch, worktree, branch, push);
- ``retry.py``: retries with back-off for the network operations;
- ``work.py``: the per-repository work, one pure function of (job, options);
- ``recheck.py``: ``--check`` runs on the migration branch and the default branch;
- ``backends.py``: where the work runs (in process, a process pool, a Dask cluster);
- ``campaign.py``: the coordinating process (jobs out, results into the database);
- ``command.py``: the ``fleet`` command (the request checked, the backend chosen, the output);
- ``report.py``: the campaign table, Markdown and JSON.
"""
