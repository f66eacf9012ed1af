"""``prefect1-migrate verify``: the real Prefect 1.x judges a migrated repository.

``run.py`` carries a run out; ``sources.py`` picks the flow files, command lines and config
files; ``environment.py`` finds or builds the Python with Prefect; ``probe.py`` starts the
probe (``envside/``, which runs under that Python) in one subprocess per batch;
``compare.py`` says whether two builds of a flow are the same flow; ``output.py`` prints and
writes the results. Unlike ``migrate``, this imports the repository's flow files.
"""
