"""Files of every shape, migrated through the real command line in real git repositories and
checked byte for byte: only the rewritten line changes; everything else the tool must not
touch stays exactly as it was."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from conftest import git, run_cli

OLD = b"from prefect.engine.executors import LocalExecutor"
NEW = b"from prefect.executors import LocalExecutor"


def migrate(repo: Path, *options: str):
    return run_cli("migrate", "--only", "imports-moved", *options, str(repo))


def committed_paths(repo: Path) -> set[str]:
    output = git(repo, "diff-tree", "-r", "--name-only", "--no-commit-id", "HEAD")
    return set(output.split())


def files_changed_per_commit(repo: Path) -> dict[str, str]:
    """path -> 'added<TAB>deleted' line counts of the last commit."""
    numstat = git(repo, "show", "--numstat", "--format=", "HEAD")
    return {line.split("\t")[2]: "\t".join(line.split("\t")[:2]) for line in numstat.splitlines()}


SHAPES: dict[str, bytes] = {
    "crlf.py": b"import os\r\n" + OLD + b"\r\n\r\nx = 1\r\n",
    "crlf_no_final_newline.py": b"import os\r\n" + OLD,
    "mixed_changed_line_crlf.py": b"import os\n" + OLD + b"\r\nx = 1\n" + b"y = 2\r\n",
    "mixed_changed_line_lf.py": b"a = 1\r\n" + OLD + b"\nb = 2\r\nc = 3\r\n",
    "latin1.py": b"# -*- coding: latin-1 -*-\n" + OLD + b"\ns = 'caf\xe9 \xa3'\n",
    "cp1252_crlf.py": b"# coding: cp1252\r\n" + OLD + b"\r\nq = '\x93quoted\x94'\r\n",
    "utf8_non_ascii.py": "# café ☕ 日本\n".encode() + OLD + "\nname = 'Zoë'\n".encode(),
    "bom.py": b"\xef\xbb\xbf" + OLD + b"\nx = 'd\xc3\xa9j\xc3\xa0'\n",
    "bom_crlf_no_final_newline.py": b"\xef\xbb\xbf# header\r\n" + OLD,
    "no_final_newline.py": OLD,
    "tabs.py": b"try:\n\t" + OLD + b"\nexcept ImportError:\n\tpass\n",
    "form_feeds.py": b"import os\n\x0c\n" + OLD + b"\n\x0c\ndef f():\n    return 1\n",
    "trailing_whitespace.py": OLD + b"   \nx = 1\t \n\n\n",
    "long_lines.py": b"x = '"
    + b"a" * 200_000
    + b"'\n"
    + OLD
    + b"\ny = ["
    + b"1, " * 50_000
    + b"]\n",
}


def test_each_file_keeps_its_bytes_except_the_rewritten_line(make_repo) -> None:
    repo = make_repo(files=SHAPES)
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    for name, before in SHAPES.items():
        after = (repo / name).read_bytes()
        assert after == before.replace(OLD, NEW), name
    assert committed_paths(repo) == set(SHAPES)
    # git agrees: exactly one line out, one line in, per file
    assert set(files_changed_per_commit(repo).values()) == {"1\t1"}
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_5_mb_generated_file_is_migrated_and_otherwise_identical(make_repo) -> None:
    parts = [b"# generated\n", OLD, b"\n"]
    size = sum(map(len, parts))
    index = 0
    while size < 5_000_000:
        chunk = [f"\n\nclass Generated{index}:\n".encode()]
        for method in range(100):
            chunk.append(
                f"    def method_{method}(self, a, b={method}):\n"
                f"        '''Generated {index}.{method}.'''\n"
                f"        return a + b * {method}  # comment\n\n".encode()
            )
        if index == 40:
            chunk.append(b"    def late_import(self):\n        " + OLD + b"\n")
        parts.extend(chunk)
        size += sum(map(len, chunk))
        index += 1
    before = b"".join(parts)
    assert len(before) >= 5_000_000
    repo = make_repo(files={"big.py": before})
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "big.py").read_bytes() == before.replace(OLD, NEW)
    assert files_changed_per_commit(repo) == {"big.py": "2\t2"}


UNPARSABLE: dict[str, tuple[bytes, int]] = {
    # name: (content, line fissix stops at)
    "positional_only.py": (OLD + b"\n\ndef f(a, /, b):\n    return a\n", 3),
    "match_statement.py": (OLD + b"\n\nmatch x:\n    case 1:\n        pass\n", 3),
    "parenthesised_with.py": (
        OLD + b"\n\nwith (\n    open('a') as f,\n    open('b') as g,\n):\n    pass\n",
        4,
    ),
    "except_star.py": (OLD + b"\n\ntry:\n    pass\nexcept* ValueError:\n    pass\n", 5),
    "python2_print.py": (OLD + b'\nprint "hello"\n', 2),
    "syntax_error.py": (OLD + b"\n\ndef broken(:\n    pass\n", 3),
    "unterminated.py": (OLD + b"\n\nx = (1,\n", 4),
}


def test_unparsable_files_are_named_left_identical_and_the_rest_is_committed(
    make_repo, tmp_path: Path
) -> None:
    files: dict[str, bytes] = {name: content for name, (content, _) in UNPARSABLE.items()}
    files["good.py"] = OLD + b"\n"
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    report = tmp_path / "report.json"
    result = migrate(repo, "--report", str(report))
    assert result.returncode == 3, result.stderr
    output = (result.stdout + result.stderr).decode()
    for name, (content, line) in UNPARSABLE.items():
        assert (repo / name).read_bytes() == content, name
        assert f"  {name}:{line}: " in output, (name, output)
    assert "fissix cannot parse this syntax" in output
    # everything else was migrated and committed before the exit code said 3
    assert (repo / "good.py").read_bytes() == NEW + b"\n"
    assert git(repo, "rev-parse", "HEAD~1").strip() == start
    assert committed_paths(repo) == {"good.py"}
    assert git(repo, "status", "--porcelain") == ""
    skipped = json.loads(report.read_text())["skipped_files"]
    assert {(entry["path"], entry["line"]) for entry in skipped} == {
        (name, line) for name, (_, line) in UNPARSABLE.items()
    }
    assert all(entry["reason"] for entry in skipped)


def test_binary_undecodable_empty_and_unreadable_shapes_are_untouched(
    make_repo, tmp_path: Path
) -> None:
    untouched: dict[str, bytes] = {
        "binary.py": OLD + b"\n\x00\x01\x02\xff\n",
        "image.png": b"\x89PNG\r\n\x1a\n\x00" + OLD,
        "utf16.py": ("\ufeff" + OLD.decode() + "\n").encode("utf-16"),
        "empty.py": b"",
        "only_newlines.py": b"\n\n",
        "no_trigger.py": b"import os\n",
    }
    reported: dict[str, bytes] = {
        "invalid_utf8.py": OLD + b"\ns = '\xff\xfe'\n",
        "invalid_latin_cookie.py": b"# -*- coding: no-such-codec -*-\n" + OLD + b"\n",
        "bom_with_other_cookie.py": b"\xef\xbb\xbf# coding: latin-1\n" + OLD + b"\n",
    }
    repo = make_repo(files={**untouched, **reported, "good.py": OLD + b"\n"})
    report = tmp_path / "report.json"
    result = migrate(repo, "--report", str(report))
    assert result.returncode == 3, result.stderr
    for name, content in {**untouched, **reported}.items():
        assert (repo / name).read_bytes() == content, name
    skipped = {entry["path"] for entry in json.loads(report.read_text())["skipped_files"]}
    assert skipped == set(reported)
    assert committed_paths(repo) == {"good.py"}


def test_symlinks_are_never_followed_out_of_the_repository_or_written_through(
    make_repo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "flow.py").write_bytes(OLD + b"\n")
    (outside / "folder").mkdir()
    (outside / "folder" / "flow.py").write_bytes(OLD + b"\n")
    repo = make_repo(files={"real.py": OLD + b"\n"})
    (repo / "out_link.py").symlink_to(outside / "flow.py")
    (repo / "in_link.py").symlink_to("real.py")
    (repo / "dir_link").symlink_to(outside / "folder")
    git(repo, "add", "out_link.py", "in_link.py", "dir_link")
    git(repo, "commit", "-q", "-m", "links")
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert (outside / "flow.py").read_bytes() == OLD + b"\n"
    assert (outside / "folder" / "flow.py").read_bytes() == OLD + b"\n"
    assert sorted(p.name for p in outside.iterdir()) == ["flow.py", "folder"]
    assert os.readlink(repo / "in_link.py") == "real.py"
    assert os.readlink(repo / "out_link.py") == str(outside / "flow.py")
    assert (repo / "real.py").read_bytes() == NEW + b"\n"
    assert committed_paths(repo) == {"real.py"}
    # naming a link that leads out of the repository is refused before anything is read
    named = run_cli("migrate", "--only", "imports-moved", str(repo), str(repo / "out_link.py"))
    assert named.returncode == 2
    assert b"is outside the repository" in named.stderr
    assert (outside / "flow.py").read_bytes() == OLD + b"\n"


def test_a_symlinked_folder_swapped_into_a_dirty_tree_is_never_written_through(
    make_repo, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "flow.py").write_bytes(OLD + b"\n")
    repo = make_repo(files={"pkg/flow.py": OLD + b"\n", "good.py": OLD + b"\n"})
    (repo / "pkg" / "flow.py").unlink()
    (repo / "pkg").rmdir()
    (repo / "pkg").symlink_to(outside)  # pkg/flow.py now resolves out of the repository
    result = migrate(repo, "--allow-dirty")
    assert result.returncode == 3, result.stderr
    assert (outside / "flow.py").read_bytes() == OLD + b"\n"
    assert b"pkg/flow.py" in result.stdout + result.stderr
    assert (repo / "good.py").read_bytes() == NEW + b"\n"


def test_permission_bits_are_kept_on_disk_and_in_git(make_repo) -> None:
    repo = make_repo(files={"script.py": OLD + b"\n", "readonly.py": OLD + b"\n"})
    (repo / "script.py").chmod(0o755)
    git(repo, "add", "script.py")
    git(repo, "commit", "-q", "-m", "executable")
    (repo / "readonly.py").chmod(0o444)
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((repo / "script.py").stat().st_mode) == 0o755
    assert stat.S_IMODE((repo / "readonly.py").stat().st_mode) == 0o444
    modes = git(repo, "ls-files", "--stage", "script.py", "readonly.py")
    assert "100755" in modes.splitlines()[1] and "100644" in modes.splitlines()[0]
    assert (repo / "script.py").read_bytes() == NEW + b"\n"
    assert (repo / "readonly.py").read_bytes() == NEW + b"\n"


def test_rewritten_files_keep_their_owner_and_group(make_repo) -> None:
    """Run as root (as in a container), a rewritten file stays its owner's, not root's.
    Without root, a file keeps one of the user's other groups where there is one."""
    repo = make_repo(files={"flow.py": OLD + b"\n", "setgid.py": OLD + b"\n"})
    groups = [group for group in os.getgroups() if group != os.getgid()]
    owner = (1234, 1234) if os.geteuid() == 0 else (os.getuid(), [*groups, os.getgid()][0])
    for name in ("flow.py", "setgid.py"):
        os.chown(repo / name, *owner)
    (repo / "setgid.py").chmod(0o2644)
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    for name in ("flow.py", "setgid.py"):
        assert (repo / name).read_bytes() == NEW + b"\n"
        written = (repo / name).stat()
        assert (written.st_uid, written.st_gid) == owner, name
    assert stat.S_IMODE((repo / "setgid.py").stat().st_mode) == 0o2644


def test_submodules_ignored_and_untracked_files_are_untouched(make_repo, tmp_path: Path) -> None:
    library = make_repo(files={"lib_flow.py": OLD + b"\n"})
    repo = make_repo(files={"flow.py": OLD + b"\n", ".gitignore": "ignored.py\nbuild/\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "sub")
    git(repo, "commit", "-q", "-m", "submodule")
    gitlink = git(repo, "ls-files", "--stage", "sub")
    (repo / "ignored.py").write_bytes(OLD + b"\n")
    (repo / "build").mkdir()
    (repo / "build" / "generated.py").write_bytes(OLD + b"\n")
    (repo / "untracked.py").write_bytes(OLD + b"\n")
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert committed_paths(repo) == {"flow.py"}
    assert (repo / "sub" / "lib_flow.py").read_bytes() == OLD + b"\n"
    assert git(repo / "sub", "status", "--porcelain") == ""
    assert git(repo, "ls-files", "--stage", "sub") == gitlink
    for name in ("ignored.py", "build/generated.py", "untracked.py"):
        assert (repo / name).read_bytes() == OLD + b"\n", name
