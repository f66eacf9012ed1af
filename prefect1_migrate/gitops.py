"""Everything the tool does with git: finding the files, refusing unsafe states, committing
one codemod's files at a time, and putting the repository back when a run fails.

Every git command runs in its own process group, so a Ctrl-C at the terminal reaches the
tool (which decides when to stop) and never kills git half-way through writing its index.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import git

from prefect1_migrate.journal import SCRATCH_NAME
from prefect1_migrate.redaction import redact_output
from prefect1_migrate.workspace import TEMPORARY_PREFIX

LOCK_NAME = "prefect1-migrate.lock"
_INDEX_LOCK_RETRIES = 50
_INDEX_LOCK_WAIT = 0.1  # seconds: another git command gets five seconds to finish
_REGULAR_FILE_MODES = {"100644", "100755"}
_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
_HOOKS_NO_VERIFY_KEEPS = ("prepare-commit-msg", "post-commit")  # git commit --no-verify
# Attributes under which git stores other bytes than the work tree holds (clean filters,
# line-ending normalisation, $Id$ expansion, re-encoding).
_CONTENT_ATTRIBUTES = ("filter", "text", "eol", "crlf", "ident", "working-tree-encoding")
_GIT_TRUE = {"true", "yes", "on", "1"}
_SCRATCH_INDEX = "prefect1-migrate-index"
_SKIP_WORKTREE = "S"  # git ls-files -t
_LITERAL_PATHSPECS = {"GIT_LITERAL_PATHSPECS": "1"}  # a path is a path, never a glob
_OPERATIONS_IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase or git am",
    "BISECT_LOG": "a bisect",
}


class RepositoryProblem(Exception):
    """The repository is in a state the tool will not write to; the message says what to do."""


class NotARepository(RepositoryProblem):
    pass


@dataclass(frozen=True)
class TrackedFiles:
    paths: list[str]
    not_checked_out: int  # left out of the work tree by a sparse checkout


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

    def tracked_files(self, under: Sequence[Path]) -> TrackedFiles:
        """Regular files git tracks below ``under`` (no symlinks, no submodule contents) that
        are in the work tree: a sparse checkout leaves some out (git marks them
        skip-worktree), and those are only counted."""
        specs = [os.path.relpath(path, self.root) for path in under] or ["."]
        output = self._run(
            ["ls-files", "-z", "--stage", "-t", "--", *specs], env=_LITERAL_PATHSPECS
        )
        files: set[str] = set()
        not_checked_out: set[str] = set()
        for entry in output.split("\0"):
            if not entry:
                continue
            tag, _, entry = entry.partition(" ")
            meta, _, path = entry.partition("\t")
            mode, _, rest = meta.partition(" ")
            stage = rest.rsplit(" ", 1)[-1]
            if mode in _REGULAR_FILE_MODES and stage == "0":
                (not_checked_out if tag == _SKIP_WORKTREE else files).add(path)
        return TrackedFiles(sorted(files), len(not_checked_out))

    def working_tree_encodings(self, paths: Sequence[str]) -> dict[str, str]:
        """The ``working-tree-encoding`` git attribute of those of ``paths`` that have one:
        git keeps them in that encoding in the work tree (and UTF-8 in commits)."""
        listing = "".join(f"{path}\0" for path in paths)
        output = self._run(
            ["check-attr", "-z", "--stdin", "working-tree-encoding"], input_text=listing
        ).split("\0")
        return {
            path: value
            for path, value in zip(output[0::3], output[2::3], strict=False)
            if value not in ("unspecified", "unset", "set")
        }

    def binary_files(self) -> list[str]:
        """Tracked files in the work tree that git takes for binary (``git grep -I`` skips
        them): among them, text in UTF-16 or UTF-32."""
        output = self._run(["ls-files", "-z", "--eol"])
        found: list[str] = []
        for entry in output.split("\0"):
            info, _, path = entry.partition("\t")
            if path and info.split()[1:2] == ["w/-text"]:
                found.append(path)
        return found

    def mentions(self, word: str) -> bool:
        """Whether any tracked text file (as it is in the work tree) contains ``word``, in any
        letter case."""
        process = self._git(["grep", "-q", "-I", "-i", "-F", "-e", word])
        if process.returncode > 1:
            raise RepositoryProblem(f"git grep failed: {redact_output(process.stderr.strip())}")
        return process.returncode == 0

    def dirty_paths(self) -> list[tuple[str, str]]:
        """(status letters, path) of tracked files with staged or unstaged changes (untracked
        files do not count)."""
        return self._status()

    def _status(self, ignore_submodules: bool = False) -> list[tuple[str, str]]:
        """(status letters, path) of every tracked path that differs from HEAD; a rename or copy
        gives its source path too."""
        command = ["status", "--porcelain=v1", "-z", "--untracked-files=no"]
        command.append(
            "--ignore-submodules=all" if ignore_submodules else "--ignore-submodules=none"
        )
        entries = [entry for entry in self._run(command).split("\0") if entry]
        found: list[tuple[str, str]] = []
        source_follows = False
        for entry in entries:
            if source_follows:
                found.append(("R", entry))
                source_follows = False
                continue
            status, path = entry[:2], entry[3:]
            found.append((status.strip(), path))
            source_follows = "R" in status or "C" in status
        return found

    def refuse_operation_in_progress(self) -> None:
        for name, what in _OPERATIONS_IN_PROGRESS.items():
            if (self.git_dir / name).exists():
                raise RepositoryProblem(
                    f"{what} is in progress in this repository; finish or abort it first"
                )

    def refuse_unwritable(self) -> None:
        """Git's preconditions for committing, checked before the first file is written: the
        index is not locked (a lock another git command holds for a moment is waited for, as
        every git call here does), and ``.git`` and its object store are writable."""
        index_lock = self.git_dir / "index.lock"
        for _ in range(_INDEX_LOCK_RETRIES):
            if not index_lock.exists():
                break
            time.sleep(_INDEX_LOCK_WAIT)
        else:
            raise RepositoryProblem(
                f"git's index is locked: {index_lock} exists. If no other git command is "
                "running on this repository (an editor, a prompt, another terminal), a git that "
                f"crashed left it behind: remove it (rm {index_lock}) and run migrate again. "
                "Nothing was written."
            )
        objects = self.objects_folder
        unwritable = [str(d) for d in (self.git_dir, objects) if not os.access(d, os.W_OK)]
        if unwritable:
            raise RepositoryProblem(
                f"git cannot write in {' and '.join(unwritable)}; make it writable for this "
                "user and run migrate again. Nothing was written."
            )

    @property
    def objects_folder(self) -> Path:
        return Path(self._repo.common_dir).resolve() / "objects"

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
        name, email = self._config("user.name"), self._config("user.email")
        if not name or not email:
            raise RepositoryProblem(
                "git has no user identity for the commits. Run:\n"
                '  git config user.name "Your Name"\n'
                '  git config user.email "you@example.com"\n'
                'or pass --author "Name <email>".'
            )
        return Identity(name, email)

    def _config(self, key: str) -> str:
        """A git config value as git itself resolves it (includes, conditional includes)."""
        process = self._git(["config", "--get", key])
        return process.stdout.strip() if process.returncode == 0 else ""

    # --- writing ---------------------------------------------------------------------------

    def commit(
        self, contents: Mapping[str, bytes], message: str, identity: Identity, run_hooks: bool
    ) -> str:
        """Stage exactly the files in ``contents`` (already written) and commit them; returns
        the new sha. Raises when a hook failed or changed anything the tool did not write."""
        env = _identity_env(identity)
        self._stage(contents)
        with _scratch_file(self.git_dir, message) as message_file:
            command = ["commit", "--quiet", "--cleanup=verbatim", "-F", message_file]
            if not run_hooks:
                command.append("--no-verify")
            self._run(command, env=env)
        committed = self._run(["diff-tree", "-r", "-z", "--name-only", "--no-commit-id", "HEAD"])
        changed = {path for path in committed.split("\0") if path} - set(contents)
        changed |= {path for path, data in contents.items() if _read(self.root / path) != data}
        changed |= {path for _, path in self._status(ignore_submodules=True)}
        if changed:
            raise RepositoryProblem(
                "a git hook changed files during the commit ("
                + ", ".join(sorted(changed)[:5])
                + (", ..." if len(changed) > 5 else "")
                + "). Fix the hook, or run again with --no-verify to commit without hooks."
            )
        return self._run(["rev-parse", "HEAD"]).strip()

    def needs_git_commit(self, paths: Sequence[str], run_hooks: bool) -> str | None:
        """Why commits of ``paths`` must go through ``git commit`` with the files written
        first (a commit hook to run, or git storing other bytes than the files hold), or None
        when they can be built straight from the snapshots (:meth:`build_commits`)."""
        hooks = self.root / self._run(["rev-parse", "--git-path", "hooks"]).strip()
        for name in _COMMIT_HOOKS if run_hooks else _HOOKS_NO_VERIFY_KEEPS:
            if (hooks / name).is_file() and os.access(hooks / name, os.X_OK):
                return f"the {name} hook runs on every commit"
        if self._config("core.autocrlf").lower() in _GIT_TRUE | {"input"}:
            return "core.autocrlf converts line endings"
        listing = "".join(f"{path}\0" for path in paths)
        output = self._run(
            ["check-attr", "-z", "--stdin", *_CONTENT_ATTRIBUTES], input_text=listing
        ).split("\0")
        for path, attribute, value in zip(output[0::3], output[1::3], output[2::3], strict=False):
            if value not in ("unspecified", "unset"):
                return f"{path} has the git attribute {attribute}={value}"
        return None

    def build_commits(
        self,
        start: str,
        commits: Sequence[tuple[str, Mapping[str, bytes]]],
        identity: Identity,
        on_commit: Callable[[str], None] = lambda _: None,
    ) -> list[str]:
        """Commit objects for ``commits`` ((message, {path: bytes}), each on the one before,
        the first on ``start``), made without touching the work tree, the index or any ref;
        ``on_commit`` gets each new sha. Paths keep their mode at ``start``."""
        blobs = iter(
            self._store_blobs(data for _, contents in commits for data in contents.values())
        )
        modes: dict[str, str] = {}
        for entry in self._run(["ls-tree", "-r", "-z", "--full-tree", start]).split("\0"):
            meta, _, path = entry.partition("\t")
            modes[path] = meta.split(" ", 1)[0]
        index = self.git_dir / _SCRATCH_INDEX
        env = {**_identity_env(identity), "GIT_INDEX_FILE": str(index)}
        shas: list[str] = []
        try:
            self._run(["read-tree", start], env=env)
            parent = start
            for message, contents in commits:
                entries = "".join(f"{modes[path]} {next(blobs)}\t{path}\0" for path in contents)
                self._run(["update-index", "-z", "--index-info"], env=env, input_text=entries)
                tree = self._run(["write-tree"], env=env).strip()
                parent = self._run(
                    ["commit-tree", tree, "-p", parent], env=env, input_text=message
                ).strip()
                shas.append(parent)
                on_commit(parent)
        finally:
            index.unlink(missing_ok=True)
        return shas

    def _store_blobs(self, contents: Iterable[bytes]) -> list[str]:
        """Writes ``contents`` into the object database in one ``git fast-import`` (streamed,
        never held as one stream in memory); their ids, in order."""
        with _scratch_file(self.git_dir, "") as marks_file, tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                ["git", "fast-import", "--quiet", "--done", f"--export-marks={marks_file}"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
            assert process.stdin is not None
            count = 0
            try:
                for count, data in enumerate(contents, start=1):
                    process.stdin.write(b"blob\nmark :%d\ndata %d\n" % (count, len(data)))
                    process.stdin.write(data + b"\n")
                process.stdin.write(b"done\n")
            except BrokenPipeError:
                pass  # fast-import stopped early; its exit status and message say why
            finally:
                with suppress(BrokenPipeError):
                    process.stdin.close()
                returncode = process.wait()
            if returncode != 0:
                errors.seek(0)
                detail = redact_output(errors.read().decode(errors="replace").strip())
                raise RepositoryProblem(f"git fast-import failed: {detail}")
            ids = dict(line.split(" ", 1) for line in Path(marks_file).read_text().splitlines())
        return [ids[f":{mark}"] for mark in range(1, count + 1)]

    def move_branch(self, new: str, old: str, reason: str) -> None:
        """Points HEAD's branch at ``new``, only if it is still at ``old``."""
        self._run(["update-ref", "-m", reason, "HEAD", new, old])

    def stage_as_committed(self, paths: Sequence[str]) -> None:
        """Stages the written ``paths`` and checks that the index is then exactly HEAD: what
        git stores for the files is what the commits hold."""
        self._stage(paths)
        differing = [
            path
            for path in self._run(["diff-index", "--cached", "-z", "--name-only", "HEAD"]).split(
                "\0"
            )
            if path
        ]
        if differing:
            raise RepositoryProblem(
                "git stores other content for files the tool wrote than its commits hold ("
                + ", ".join(differing[:5])
                + (", ..." if len(differing) > 5 else "")
                + ")"
            )

    def _stage(self, paths: Iterable[str]) -> None:
        """``git add`` of exactly these files: literal paths, in time linear in their number
        (``git add`` matches every index entry against every pathspec)."""
        self._run(["update-index", "-z", "--stdin"], input_text="".join(f"{p}\0" for p in paths))

    def restore(self, start: str, written: Collection[str]) -> list[str]:
        """Put HEAD and the index back as they were at ``start``, leaving the work tree alone
        (the caller puts back the ``written`` files, if they still hold what it wrote). The
        tree was clean at ``start``: returns the other tracked files that now differ from it,
        changed during the run by a hook or by someone else."""
        self._run(["reset", "--quiet", "--soft", start])
        touched = set(written) | {path for _, path in self._status(ignore_submodules=True)}
        if touched:
            with _scratch_file(self.git_dir, "\0".join(sorted(touched))) as pathspec_file:
                self._run(
                    [
                        "reset",
                        "--quiet",
                        start,
                        f"--pathspec-from-file={pathspec_file}",
                        "--pathspec-file-nul",
                    ],
                    env=_LITERAL_PATHSPECS,
                )
        return sorted({path for _, path in self._status(ignore_submodules=True)} - set(written))

    def _git(
        self, args: list[str], env: dict[str, str] | None = None, input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            input=input_text,
            stdin=subprocess.DEVNULL if input_text is None else None,
            start_new_session=True,
        )

    def _run(
        self, args: list[str], env: dict[str, str] | None = None, input_text: str | None = None
    ) -> str:
        process = self._git(args, env, input_text)
        for _ in range(_INDEX_LOCK_RETRIES):
            # Editors and prompts run `git status`, which holds index.lock for a moment.
            if process.returncode == 0 or "index.lock" not in process.stderr:
                break
            time.sleep(_INDEX_LOCK_WAIT)
            process = self._git(args, env, input_text)
        if process.returncode != 0:
            detail = redact_output((process.stderr or process.stdout).strip())
            raise RepositoryProblem(f"git {args[0]} failed: {detail}")
        return process.stdout

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse a second run on the same repository while this one is going.

        A POSIX record lock (``lockf``) on ``.git/prefect1-migrate.lock``: the kernel releases
        it when the process ends, however it ends, so a killed run never leaves a stale lock;
        unlike ``flock`` it belongs to this process alone, so the worker processes forked
        while it is held do not hold it too (a worker that outlives a killed run does not
        keep every later run out)."""
        lock_path = self.git_dir / LOCK_NAME
        while True:
            descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):  # EAGAIN, EACCES: another holds it
                holder = os.read(descriptor, 64).decode(errors="replace").strip() or "?"
                os.close(descriptor)
                raise RepositoryProblem(
                    f"another prefect1-migrate run (process {holder}) is working on this "
                    "repository; wait for it to finish"
                ) from None
            try:
                same_file = os.fstat(descriptor).st_ino == os.stat(lock_path).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                break
            os.close(descriptor)  # the holder removed it between our open and our lock
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, str(os.getpid()).encode())
            yield
        finally:
            lock_path.unlink(missing_ok=True)
            os.close(descriptor)


def _identity_env(identity: Identity) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": identity.name,
        "GIT_AUTHOR_EMAIL": identity.email,
        "GIT_COMMITTER_NAME": identity.name,
        "GIT_COMMITTER_EMAIL": identity.email,
    }


@contextmanager
def _scratch_file(git_dir: Path, content: str) -> Iterator[str]:
    # Inside a writing run's scratch folder when there is one: a run killed meanwhile leaves
    # the file where the next run removes its temporaries (prefect1_migrate/journal.py).
    folder = git_dir / SCRATCH_NAME
    descriptor, name = tempfile.mkstemp(
        prefix=TEMPORARY_PREFIX, dir=folder if folder.is_dir() else git_dir
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(content)
        yield name
    finally:
        os.unlink(name)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
