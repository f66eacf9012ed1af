"""Code that runs under the checked environment's Python, never under the tool's.

``run_probe.py`` is the script the tool starts there; ``prefect1_migrate_probe`` (a name no
repository uses) is the package it imports. Both run on the Python versions Prefect 1.x and
0.15 support (3.7 and later) and import nothing of the tool.
"""
