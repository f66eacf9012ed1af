"""What a run that writes leaves in ``.git`` while it writes, so that the next run can tell,
after a run was killed (SIGKILL, the OOM killer, a power loss), what it had begun and how to
finish: a journal (the process, the starting commit, the files it writes) and the folder of
its temporary files. Both are removed when the run ends, however it ends short of a kill.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from prefect1_migrate.escaping import escaped
from prefect1_migrate.workspace import remove_temporaries

JOURNAL_NAME = "prefect1-migrate-run.json"
SCRATCH_NAME = "prefect1-migrate-tmp"
_LISTED = 20


@dataclass(frozen=True)
class KilledRun:
    """The journal of a run that never finished."""

    pid: int
    start: str | None
    files: frozenset[str]

    def advice(self, head: str, dirty: Sequence[str]) -> str:
        """What the killed run left and exactly what to do about it, for a tree whose
        tracked files ``dirty`` differ from HEAD (now at ``head``)."""
        lines = [
            f"a previous prefect1-migrate run (process {self.pid}) was killed before it finished."
        ]
        if self.start and head != self.start:
            lines.append(
                f"It started at commit {self.start[:10]}; the commits up to HEAD ({head[:10]}) "
                "are its own, complete ones."
            )
        its_own = [path for path in dirty if path in self.files]
        others = [path for path in dirty if path not in self.files]
        if its_own:
            lines.append("It left these files written but not committed:")
            lines += [f"  {escaped(path)}" for path in its_own[:_LISTED]]
            if len(its_own) > _LISTED:
                lines.append(f"  ... and {len(its_own) - _LISTED} more")
            what = "." if not others else " ".join(shlex.quote(escaped(p)) for p in its_own)
            lines.append(
                f"To finish: git checkout HEAD -- {what}\n(puts them back as HEAD has them), "
                "then run migrate again: it does what the killed run had not committed."
            )
        if others:
            lines.append(
                "These changed files are not the run's: "
                + ", ".join(escaped(path) for path in others[:_LISTED])
                + (" ..." if len(others) > _LISTED else "")
                + "; commit or stash them (or pass --allow-dirty)."
            )
        return "\n".join(lines)


class RunJournal:
    """The journal and temporary files of writing runs on the repository whose git folder is
    ``git_dir`` (only used while the run lock is held)."""

    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / JOURNAL_NAME
        self.scratch = git_dir / SCRATCH_NAME

    def killed_run(self) -> KilledRun | None:
        """The run that left its journal behind, after removing its temporary files."""
        try:
            record = json.loads(self.path.read_text(encoding="ascii"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # cut short by the kill itself
            record = {"pid": 0, "start": None, "files": [], "elsewhere": []}
        remove_temporaries(self.scratch)
        for folder in record["elsewhere"]:
            remove_temporaries(Path(folder))
        with suppress(OSError):
            self.scratch.rmdir()
        return KilledRun(record["pid"], record["start"], frozenset(record["files"]))

    def begin(self, root: Path, start: str | None, files: Sequence[str]) -> None:
        """Records the run before its first write. Temporary files go to the scratch folder
        in ``.git``, except for folders on another file system, which are recorded too."""
        self.scratch.mkdir(exist_ok=True)
        device = self.scratch.stat().st_dev
        folders = {(root / path).parent for path in files}
        elsewhere = sorted(str(folder) for folder in folders if folder.stat().st_dev != device)
        record = {"pid": os.getpid(), "start": start, "files": list(files), "elsewhere": elsewhere}
        temporary = self.path.with_name(f"{JOURNAL_NAME}.new")
        # ensure_ascii keeps names that are not UTF-8 (surrogate escapes) exactly
        temporary.write_text(json.dumps(record, ensure_ascii=True), encoding="ascii")
        os.replace(temporary, self.path)

    def end(self) -> None:
        """The run ended (done, or put back as far as it could be): nothing to finish."""
        remove_temporaries(self.scratch)
        with suppress(OSError):
            self.scratch.rmdir()
        self.path.unlink(missing_ok=True)
