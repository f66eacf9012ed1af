"""``python run_probe.py IN.json OUT.json [PROGRESS]`` under an environment that has Prefect.

The folder of this script (``sys.path[0]``) holds only this script and the
``prefect1_migrate_probe`` package, so nothing of the repository can stand in for them.
"""

from prefect1_migrate_probe.main import run

if __name__ == "__main__":
    run()
