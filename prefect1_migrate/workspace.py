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


def write_atomic(root: Path, path: str, data: bytes) -> None:
    """Replace ``root / path`` with ``data`` in one step (a temporary file in the same folder,
    flushed to disk, then renamed over it), keeping the file's permission bits and, where the
    OS allows, its owner and group. Never writes through a symbolic link or outside ``root``."""
    target = inside(root, path)
    try:
        before: os.stat_result | None = target.stat()
    except FileNotFoundError:
        before = None
    mode = before.st_mode & 0o7777 if before else 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if before:
                _keep_owner(handle.fileno(), before)
            os.fchmod(handle.fileno(), mode)  # after chown, which clears set-id bits
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
