"""The files of a work tree on disk: reading and writing them only inside the repository and
never through a symbolic link, atomic replacement, and the walk of a plain folder (a folder
that is not a git repository, for ``--dry-run``/``--check``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path


class UnsafePath(OSError):
    """A path that leads out of the repository or through a symbolic link."""


def inside(root: Path, path: str, safe_folders: set[Path] | None = None) -> Path:
    """``root / path``, refusing a path that leaves ``root`` or passes through a symbolic
    link (``root`` itself is resolved). Folders found safe are added to ``safe_folders``,
    and those already in it are not resolved again."""
    target = root / path
    if target.is_symlink():
        raise UnsafePath(f"{path} is a symbolic link; the tool never reads or writes through one")
    folder = target.parent
    if safe_folders is not None and folder in safe_folders:
        return target
    if folder.resolve() != folder or not target.is_relative_to(root):
        raise UnsafePath(f"{path} leads through a symbolic link or out of the repository")
    if safe_folders is not None:
        safe_folders.add(folder)
    return target


TEMPORARY_PREFIX = ".prefect1-migrate-tmp."


class ChangedOnDisk(Exception):
    """A file no longer holds the bytes the run last saw in it: someone saved it meanwhile."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} changed while the migration was running")
        self.path = path


def write_atomic(
    root: Path,
    path: str,
    data: bytes,
    expected: bytes | None = None,
    scratch: Path | None = None,
) -> None:
    """Replace ``root / path`` with ``data`` in one step (a temporary file flushed to disk, then
    renamed over it), keeping the file's permission bits and, where the OS allows, its owner
    and group. Never writes through a symbolic link or outside ``root``.

    With ``expected``, the file is replaced only if it still holds exactly those bytes
    (:class:`ChangedOnDisk` otherwise): see :func:`_replace_if_unchanged`. The temporary file
    is made in ``scratch`` when that folder is on the same file system (so a killed run
    leaves it where the next run removes it), otherwise next to the file."""
    target = inside(root, path)
    try:
        before: os.stat_result | None = target.stat()
    except FileNotFoundError:
        if expected is not None:
            raise ChangedOnDisk(path) from None
        before = None
    mode = before.st_mode & 0o7777 if before else 0o644
    folder = target.parent
    if scratch is not None and scratch.stat().st_dev == folder.stat().st_dev:
        folder = scratch
    descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if before:
                _keep_owner(handle.fileno(), before)
            os.fchmod(handle.fileno(), mode)  # after chown, which clears set-id bits
        if expected is None:
            os.replace(temporary, target)
        else:
            given_back = _replace_if_unchanged(temporary, target, path, expected)
            if given_back is not None:  # saved in place at the very moment of the rename
                write_atomic(root, path, given_back, data, scratch)
                raise ChangedOnDisk(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _replace_if_unchanged(temporary: str, target: Path, path: str, expected: bytes) -> bytes | None:
    """Renames ``temporary`` over ``target`` only if ``target`` holds ``expected``, checked as
    late as the OS allows: the bytes are compared, then the file's identity (inode, size,
    modification time) is checked again right before the rename, so a save during the
    comparison is seen too. POSIX has no conditional rename: a save that lands between that
    last check and the rename (a few microseconds) is not seen before. If it was written into
    the old file (most editors), the old file, still open here, shows it: its bytes are
    returned, for the caller to give back. One saved by renaming a new file over the old in
    that instant is lost."""
    try:
        current = os.fdopen(os.open(target, os.O_RDONLY | os.O_NOFOLLOW), "rb")
    except OSError as error:
        raise ChangedOnDisk(path) from error
    with current:
        held = os.fstat(current.fileno())
        if current.read() != expected or _stamp(os.lstat(target)) != _stamp(held):
            raise ChangedOnDisk(path)
        os.replace(temporary, target)
        if _stamp(os.fstat(current.fileno()))[2:] == _stamp(held)[2:]:
            return None
        current.seek(0)
        return current.read()


def _stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file's content is saved: in place (size, modification time) or by
    renaming another file over it (device and inode)."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def remove_temporaries(folder: Path) -> None:
    """Removes the temporary files a killed run left in ``folder``."""
    for leftover in folder.glob(f"{TEMPORARY_PREFIX}*"):
        leftover.unlink(missing_ok=True)


def unwritable_folders(root: Path, paths: Iterable[str]) -> list[str]:
    """The folders (relative to ``root``) where a temporary file for one of ``paths`` could
    not be created and renamed: checked before the first write, so a run never stops
    half-way on a folder it cannot write."""
    folders = {Path(path).parent for path in paths}
    return sorted(
        str(folder) for folder in folders if not os.access(root / folder, os.W_OK | os.X_OK)
    )


def _keep_owner(descriptor: int, original: os.stat_result) -> None:
    """Give the new file the owner and group of the one it replaces: as root, always; as
    another user, a group the user belongs to. Otherwise the new file stays the user's."""
    written = os.fstat(descriptor)
    if (written.st_uid, written.st_gid) != (original.st_uid, original.st_gid):
        with suppress(PermissionError):
            os.fchown(descriptor, original.st_uid, original.st_gid)


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


def folder_files(root: Path, paths: list[Path]) -> list[str]:
    """The files below ``paths`` (folders walked, files as named) of a folder ``root`` that
    is not a repository, relative to ``root``."""
    files: list[str] = []
    for path in paths:
        if path.is_dir():
            prefix = path.relative_to(root).as_posix()
            files.extend(
                f"{prefix}/{name}" if prefix != "." else name for name in walk_folder(path)
            )
        elif path.is_relative_to(root):
            files.append(path.relative_to(root).as_posix())
    return sorted(set(files))
