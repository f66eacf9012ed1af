"""What kind of file a path is, which decides the codemods that look at it.

Classification uses the path and, for files without a telling name, the shebang line.
Files of no kind are never read past their first bytes.
"""

from __future__ import annotations

import fnmatch
import re
from enum import Enum
from pathlib import PurePosixPath


class FileKind(str, Enum):
    PYTHON = "python"
    SHELL = "shell"
    MAKEFILE = "makefile"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    CI = "ci"  # CI configuration in YAML
    JENKINSFILE = "jenkinsfile"  # a Jenkins pipeline (Groovy)
    YAML = "yaml"
    PROCFILE = "procfile"
    DOTENV = "dotenv"
    TOML = "toml"
    PYPROJECT = "pyproject"
    REQUIREMENTS = "requirements"
    SETUP_CFG = "setup-cfg"
    PIPFILE = "pipfile"
    CONDA = "conda"
    MARKDOWN = "markdown"
    RST = "rst"
    INI = "ini"
    JSON = "json"  # package.json, ECS task definitions, devcontainer files, *.tf.json
    JSON5 = "json5"  # renovate.json5: JSON with comments, bare keys, trailing commas
    PYTHON_VERSION = "python-version"  # .python-version, runtime.txt, .tool-versions: interpreter
    JUSTFILE = "justfile"
    TERRAFORM = "terraform"  # *.tf (HCL); *.tf.json files are JSON
    CRONTAB = "crontab"  # a user's crontab: schedule, command
    SYSTEM_CRONTAB = "system-crontab"  # /etc/crontab, cron.d files: schedule, user, command
    NOTEBOOK = "notebook"  # Jupyter: its cells are read as Python and shell code


#: Kinds whose files hold command lines a shell (or a shell-like runner) executes.
COMMAND_KINDS = frozenset(
    {
        FileKind.SHELL,
        FileKind.MAKEFILE,
        FileKind.DOCKERFILE,
        FileKind.COMPOSE,
        FileKind.CI,
        FileKind.JENKINSFILE,
        FileKind.YAML,
        FileKind.PROCFILE,
        FileKind.MARKDOWN,
        FileKind.RST,
        FileKind.INI,
        FileKind.JSON,
        FileKind.PIPFILE,  # [scripts]
        FileKind.PYPROJECT,  # task runners: poe, taskipy, PDM, Rye, Hatch
        FileKind.SETUP_CFG,  # tox's [testenv] commands
        FileKind.JUSTFILE,
        FileKind.TERRAFORM,
        FileKind.CRONTAB,
        FileKind.SYSTEM_CRONTAB,
    }
)

#: Kinds without comments: a place needing a human is listed (path:line) in the commit message
#: and report instead of getting a marker, and makes ``--check`` fail.
COMMENTLESS_KINDS = frozenset({FileKind.JSON, FileKind.PYTHON_VERSION})

#: Kinds that can carry ``KEY=value`` style environment settings.
ENVIRONMENT_KINDS = COMMAND_KINDS | {FileKind.DOTENV}

#: Exact file names (the folder does not matter).
NAMES: dict[str, FileKind] = {
    "Makefile": FileKind.MAKEFILE,
    "makefile": FileKind.MAKEFILE,
    "GNUmakefile": FileKind.MAKEFILE,
    "Dockerfile": FileKind.DOCKERFILE,
    "Containerfile": FileKind.DOCKERFILE,
    "Procfile": FileKind.PROCFILE,
    ".env": FileKind.DOTENV,
    "pyproject.toml": FileKind.PYPROJECT,
    "setup.cfg": FileKind.SETUP_CFG,
    "Pipfile": FileKind.PIPFILE,
    "Jenkinsfile": FileKind.JENKINSFILE,
    ".gitlab-ci.yml": FileKind.CI,
    "azure-pipelines.yml": FileKind.CI,
    "azure-pipelines.yaml": FileKind.CI,
    "bitbucket-pipelines.yml": FileKind.CI,
    ".travis.yml": FileKind.CI,
    ".drone.yml": FileKind.CI,
    "environment.yml": FileKind.CONDA,
    "environment.yaml": FileKind.CONDA,
    "tox.ini": FileKind.INI,
    "justfile": FileKind.JUSTFILE,
    "Justfile": FileKind.JUSTFILE,
    ".justfile": FileKind.JUSTFILE,
    "crontab": FileKind.CRONTAB,
    ".renovaterc": FileKind.JSON,
    ".python-version": FileKind.PYTHON_VERSION,
    "runtime.txt": FileKind.PYTHON_VERSION,
    ".tool-versions": FileKind.PYTHON_VERSION,
}

#: (glob on the file name, kind); the first match wins.
NAME_PATTERNS: tuple[tuple[str, FileKind], ...] = (
    ("*.py", FileKind.PYTHON),
    ("*.pyw", FileKind.PYTHON),
    ("*.ipynb", FileKind.NOTEBOOK),
    ("*.sh", FileKind.SHELL),
    ("*.bash", FileKind.SHELL),
    ("*.zsh", FileKind.SHELL),
    ("*.mk", FileKind.MAKEFILE),
    ("Dockerfile.*", FileKind.DOCKERFILE),
    ("Containerfile.*", FileKind.DOCKERFILE),
    ("*.Dockerfile", FileKind.DOCKERFILE),
    ("*.dockerfile", FileKind.DOCKERFILE),
    ("docker-compose*.yml", FileKind.COMPOSE),
    ("docker-compose*.yaml", FileKind.COMPOSE),
    ("compose.yml", FileKind.COMPOSE),
    ("compose.yaml", FileKind.COMPOSE),
    ("compose.*.yml", FileKind.COMPOSE),
    ("compose.*.yaml", FileKind.COMPOSE),
    ("*.env", FileKind.DOTENV),
    (".env.*", FileKind.DOTENV),
    ("requirements*.txt", FileKind.REQUIREMENTS),
    ("requirements*.in", FileKind.REQUIREMENTS),
    ("constraints*.txt", FileKind.REQUIREMENTS),
    ("environment*.yml", FileKind.CONDA),
    ("environment*.yaml", FileKind.CONDA),
    ("*.toml", FileKind.TOML),
    ("*.gitlab-ci.yml", FileKind.CI),  # files a .gitlab-ci.yml includes (GitLab's naming)
    ("*.gitlab-ci.yaml", FileKind.CI),
    ("*.yml", FileKind.YAML),
    ("*.yaml", FileKind.YAML),
    ("*.md", FileKind.MARKDOWN),
    ("*.markdown", FileKind.MARKDOWN),
    ("*.rst", FileKind.RST),
    ("*.conf", FileKind.INI),
    ("*.ini", FileKind.INI),
    ("*.service", FileKind.INI),
    ("*.json", FileKind.JSON),
    ("*.json5", FileKind.JSON5),
    ("*.just", FileKind.JUSTFILE),
    ("Procfile.*", FileKind.PROCFILE),  # Procfile.dev
    ("*.tf", FileKind.TERRAFORM),
    ("*.tfvars", FileKind.TERRAFORM),
    ("Jenkinsfile.*", FileKind.JENKINSFILE),
    ("*.jenkinsfile", FileKind.JENKINSFILE),
    ("*.Jenkinsfile", FileKind.JENKINSFILE),
    ("*.groovy", FileKind.JENKINSFILE),  # Jenkins shared libraries (vars/*.groovy)
    ("*.crontab", FileKind.CRONTAB),
    ("*.cron", FileKind.CRONTAB),
)

_SHEBANG = re.compile(
    rb"^#![ \t]*(?:\S*/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?(?P<program>[\w.+-]+)(?![^ \t\r\n])"
)
_SHELLS = {b"sh", b"bash", b"zsh", b"dash", b"ksh"}


def _is_ci_path(path: PurePosixPath) -> bool:
    text = path.as_posix()
    return (
        fnmatch.fnmatch(text, ".github/workflows/*")
        or "/.github/workflows/" in f"/{text}"
        or text.endswith(".circleci/config.yml")
        or path.parent.name == ".buildkite"
    )


def classify(path: str, head: bytes = b"") -> FileKind | None:
    """The kind of the file at repository-relative ``path`` whose content starts with ``head``."""
    posix = PurePosixPath(path)
    name = posix.name
    if _is_ci_path(posix) and name.endswith((".yml", ".yaml")):
        return FileKind.CI
    if posix.parent.name == "cron.d" or (name == "crontab" and posix.parent.name == "etc"):
        return FileKind.SYSTEM_CRONTAB
    kind = NAMES.get(name)
    if kind is not None:
        return kind
    for pattern, pattern_kind in NAME_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return pattern_kind
    match = _SHEBANG.match(head)
    if match:
        program = match.group("program")
        if program in _SHELLS:
            return FileKind.SHELL
        if program.startswith(b"python"):
            return FileKind.PYTHON
    return None
