"""The probe: imports a repository's flow files, parses command lines and loads config files
with the environment's own Prefect, and answers in JSON.

Protocol: ``run_probe.py IN.json OUT.json [PROGRESS]``. The request names the items
(``flows``, ``commands``, ``configs``); the answer is written to a file because the imported
code may print; one line is appended to PROGRESS per finished item. Prefect is imported once
per batch and every item is handled in a forked child (:func:`.common.in_fork`), so one
file's imports and side effects cannot leak into the next, and a child that outlives its
timeout is killed with everything it started.
"""
