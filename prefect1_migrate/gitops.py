"""Everything the tool does with git: finding the files, refusing unsafe states, committing
one codemod's files at a time, and putting the repository back when a run fails.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git

LOCK_NAME = "prefect1-migrate.lock"
_REGULAR_FILE_MODES = {"100644", "100755"}


class RepositoryProblem(Exception):
    """The repository is in a state the tool will not write to; the message says what to do."""


class NotARepository(RepositoryProblem):
    pass


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Identity:
        name, _, rest = text.partition("<")
        email = rest.rstrip().rstrip(">").strip()
        if not name.strip() or not email:
            raise ValueError(f"expected 'Name <email>', got {text!r}")
        return cls(name.strip(), email)


class Repository:
    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        self.root = Path(repo.working_tree_dir or "").resolve()
        self.git_dir = Path(repo.git_dir).resolve()

    @classmethod
    def find(cls, path: Path) -> Repository:
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
            raise NotARepository(f"{path} is not inside a git work tree") from error
        if repo.bare or repo.working_tree_dir is None:
            raise RepositoryProblem(
                f"{path} is a bare repository: there is no work tree to migrate"
            )
        return cls(repo)

    # --- reading ---------------------------------------------------------------------------

    def tracked_files(self, under: Sequence[Path]) -> list[str]:
        """Regular files git tracks below ``under`` (no symlinks, no submodule contents)."""
        specs = [os.path.relpath(path, self.root) for path in under] or ["."]
        output = self._repo.git.execute(
            ["git", "ls-files", "-z", "--stage", "--", *specs], strip_newline_in_stdout=False
        )
        files: list[str] = []
        for entry in str(output).split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, _, rest = meta.partition(" ")
            stage = rest.rsplit(" ", 1)[-1]
            if mode in _REGULAR_FILE_MODES and stage == "0":
                files.append(path)
        return sorted(set(files))

    def dirty_paths(self) -> list[str]:
        """Tracked files with staged or unstaged changes (untracked files do not count)."""
        output = self._repo.git.execute(
            [
                "git",
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=no",
                "--ignore-submodules=none",
            ],
            strip_newline_in_stdout=False,
        )
        entries = [entry for entry in str(output).split("\0") if entry]
        dirty: list[str] = []
        skip_next = False
        for entry in entries:
            if skip_next:  # the source path of a rename
                skip_next = False
                continue
            status, path = entry[:2], entry[3:]
            dirty.append(f"{status.strip()} {path}")
            skip_next = "R" in status or "C" in status
        return dirty

    def head_commit(self) -> str:
        """The commit HEAD points at; refuses an unborn branch and a detached HEAD."""
        if not self._repo.head.is_valid():
            raise RepositoryProblem(
                "the current branch has no commits yet; commit the project first, then migrate"
            )
        if self._repo.head.is_detached:
            raise RepositoryProblem(
                "HEAD is detached; commits made here are easy to lose. "
                "Create a branch first: git switch -c prefect-1.0"
            )
        return self._repo.head.commit.hexsha

    def identity(self, override: Identity | None) -> Identity:
        if override is not None:
            return override
        reader = self._repo.config_reader()
        name = reader.get_value("user", "name", default="")
        email = reader.get_value("user", "email", default="")
        if not name or not email:
            raise RepositoryProblem(
                "git has no user identity for the commits. Run:\n"
                '  git config user.name "Your Name"\n'
                '  git config user.email "you@example.com"\n'
                'or pass --author "Name <email>".'
            )
        return Identity(str(name), str(email))

    # --- writing ---------------------------------------------------------------------------

    def commit(
        self, paths: Sequence[str], message: str, identity: Identity, run_hooks: bool
    ) -> str:
        """Stage exactly ``paths`` in one operation and commit them; returns the new sha."""
        env = {
            "GIT_AUTHOR_NAME": identity.name,
            "GIT_AUTHOR_EMAIL": identity.email,
            "GIT_COMMITTER_NAME": identity.name,
            "GIT_COMMITTER_EMAIL": identity.email,
        }
        with _scratch_file(self.git_dir, "\0".join(paths)) as pathspec_file:
            self._run(["add", f"--pathspec-from-file={pathspec_file}", "--pathspec-file-nul"])
        with _scratch_file(self.git_dir, message) as message_file:
            command = ["commit", "--quiet", "--cleanup=verbatim", "-F", message_file]
            if not run_hooks:
                command.append("--no-verify")
            self._run(command, env=env)
        left_over = self._run(["status", "--porcelain=v1", "-z", "--untracked-files=no"])
        if left_over.strip("\0"):
            raise RepositoryProblem(
                "a git hook changed files during the commit; the run was undone. "
                "Run again with --no-verify, or fix the hook."
            )
        return self._repo.head.commit.hexsha

    def restore(self, start: str, originals: dict[str, bytes]) -> None:
        """Put HEAD, the index and the files the run wrote back as they were at ``start``."""
        self._run(["reset", "--quiet", "--soft", start])
        if originals:
            with _scratch_file(self.git_dir, "\0".join(originals)) as pathspec_file:
                self._run(
                    [
                        "reset",
                        "--quiet",
                        start,
                        f"--pathspec-from-file={pathspec_file}",
                        "--pathspec-file-nul",
                    ]
                )
        for path, data in originals.items():
            write_atomic(self.root / path, data)

    def _run(self, args: list[str], env: dict[str, str] | None = None) -> str:
        process = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if process.returncode != 0:
            detail = (process.stderr or process.stdout).strip()
            raise RepositoryProblem(f"git {args[0]} failed: {detail}")
        return process.stdout

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse a second run on the same repository while this one is going."""
        lock_path = self.git_dir / LOCK_NAME
        for _ in range(2):
            try:
                descriptor = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if _lock_is_stale(lock_path):
                    lock_path.unlink(missing_ok=True)
                    continue
                raise RepositoryProblem(
                    f"another prefect1-migrate run is working on this repository ({lock_path} exists)"
                ) from None
            else:
                break
        else:
            raise RepositoryProblem(f"cannot take the lock {lock_path}")
        try:
            os.write(descriptor, str(os.getpid()).encode())
            os.close(descriptor)
            yield
        finally:
            lock_path.unlink(missing_ok=True)


def _lock_is_stale(lock_path: Path) -> bool:
    try:
        pid = int(lock_path.read_text().strip() or "0")
    except (OSError, ValueError):
        return True
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except OSError as error:
        return error.errno == errno.ESRCH
    return False


@contextmanager
def _scratch_file(folder: Path, content: str) -> Iterator[str]:
    descriptor, name = tempfile.mkstemp(prefix="prefect1-migrate-", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        yield name
    finally:
        os.unlink(name)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its mode; never writes through a link."""
    if path.is_symlink():
        raise OSError(f"refusing to write through the symbolic link {path}")
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def walk_folder(folder: Path) -> list[str]:
    """Files below a folder that is not a repository, skipping what is never project code."""
    skipped_names = {"node_modules", "build", "dist", "venv", "__pycache__", "site-packages"}
    found: list[str] = []
    for directory, subdirectories, filenames in os.walk(folder):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".")
            and name not in skipped_names
            and not (Path(directory, name, "pyvenv.cfg")).exists()
        )
        for filename in sorted(filenames):
            full = Path(directory, filename)
            if full.is_symlink() or not full.is_file():
                continue
            found.append(full.relative_to(folder).as_posix())
    return found


def relative_paths(root: Path, paths: Iterable[Path]) -> list[str]:
    return [Path(os.path.relpath(path.resolve(), root)).as_posix() for path in paths]
