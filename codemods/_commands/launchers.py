"""What starts a ``prefect`` program in a command: the program word itself (any path, ``ENV:prefect``
after ``hatch run``), ``python -m prefect``, a variable the file assigns the program (an alias),
past assignments, reserved words, launchers (``env``, ``exec``, ``sudo -E``, ``poetry run``,
``docker run [options] IMAGE``, ``kubectl exec POD --``, ``xargs``...) and a variable standing
for one (``$(RUN) prefect``); the command string of ``sh -c '...'``; whether a command is a
shell reading its script from standard input (a here-document fed to ``bash``); and the
commands ``find -exec ... ;`` runs per file."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Word

_RESERVED = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_PYTHON = re.compile(r"(?:.*/)?python[0-9.]*")
_PREFECT_MODULE = ["-m", "prefect"]
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_SWITCH_USER = frozenset({"su", "runuser"})  # ``su - USER -c 'command string'``
_VARIABLE_WORD = re.compile(r'"?\$\$?[({]?([A-Za-z_]\w*)[)}]?"?')
_HATCH_ENVIRONMENT = re.compile(r"[\w.-]+:")


@dataclass(frozen=True)
class _Runs:
    """One way a launcher program runs the command written after it.

    ``subcommand``: the words naming it (``run``; ``compose``, ``run``), with options allowed
    between them; ``valued``: the options (there and after it) that take the next word as
    their value (a short one also attached: ``-uroot``); ``operands``: the words it reads
    before the command (``IMAGE``, ``SERVICE``, a user, a duration); ``after_dashdash``: the
    command follows ``--`` (``kubectl exec POD -- ...``); ``appends``: it adds arguments at the
    end unless one of ``replaces`` is given (``xargs`` and ``-I {}``); ``qualified``: the
    program word may carry an ``ENV:`` prefix (``hatch run dev:prefect``); ``entrypoint``: an
    ``--entrypoint`` option may name the program, the words after the operands being its
    arguments (``docker run --entrypoint prefect IMAGE agent local start``); ``joined``: it
    runs its command words joined as one shell command line (``ssh``)."""

    subcommand: tuple[str, ...] = ()
    valued: frozenset[str] = frozenset()
    operands: int = 0
    after_dashdash: bool = False
    appends: bool = False
    replaces: tuple[str, ...] = ()
    qualified: bool = False
    entrypoint: bool = False
    joined: bool = False


def _options(names: str) -> frozenset[str]:
    return frozenset(names.split())


_DOCKER_GLOBAL = "-H --host -c --context --config -l --log-level"
_COMPOSE_GLOBAL = "-f --file -p --project-name --project-directory --env-file --profile --ansi"
_DOCKER_RUN = _options(
    f"{_DOCKER_GLOBAL} -e --env --env-file -v --volume -p --publish -w --workdir -u --user "
    "--name --network --net --entrypoint -l --label --label-file --mount -m --memory --cpus "
    "--platform --pull --restart --add-host --hostname -h --gpus --cap-add --cap-drop "
    "--device --dns --ulimit --shm-size --tmpfs --security-opt --log-driver --log-opt "
    "--health-cmd --user --group-add --ipc --pid --runtime --stop-signal --stop-timeout "
    "--cidfile --expose --link --volumes-from --memory-swap --cpu-shares --detach-keys"
)
_DOCKER_EXEC = _options(f"{_DOCKER_GLOBAL} -e --env --env-file -u --user -w --workdir")
_COMPOSE_RUN = _options(
    f"{_DOCKER_GLOBAL} {_COMPOSE_GLOBAL} -e --env -l --label --name -p --publish -u --user "
    "-v --volume -w --workdir --entrypoint --pull"
)
_COMPOSE_EXEC = _options(
    f"{_DOCKER_GLOBAL} {_COMPOSE_GLOBAL} -e --env -u --user -w --workdir --index"
)
_UV_RUN = (
    "--with --with-editable --with-requirements -w --python -p --project --directory "
    "--package --extra --group --only-group --no-group --env-file --index --index-url "
    "--default-index --extra-index-url --find-links -f --config-file --cache-dir --color "
    "--resolution --prerelease --exclude-newer --python-platform --link-mode "
    "--index-strategy --keyring-provider --config-setting -C --from"
)
_SUDO = (
    "-u --user -g --group -C --close-from -D --chdir -h --host -p --prompt -r --role "
    "-t --type -T --command-timeout -U --other-user"
)
_XARGS = (
    "-n --max-args -L --max-lines -P --max-procs -s --max-chars -d --delimiter -E --eof "
    "-a --arg-file -I -J"
)
_SSH = "-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B"
_KUBECTL = _options("-n --namespace --context --kubeconfig --cluster --user -s --server")
_CONDA_RUN = _Runs(("run",), _options("-n --name -p --prefix --cwd"))

_LAUNCHERS: dict[str, tuple[_Runs, ...]] = {
    "exec": (_Runs(valued=_options("-a")),),
    "nohup": (_Runs(),),
    "command": (_Runs(),),
    "time": (_Runs(valued=_options("-f --format -o --output")),),
    "nice": (_Runs(valued=_options("-n --adjustment")),),
    "setsid": (_Runs(),),
    "tini": (_Runs(valued=_options("-p -e")),),
    "dumb-init": (_Runs(),),
    "timeout": (_Runs(valued=_options("-s --signal -k --kill-after"), operands=1),),
    "gosu": (_Runs(operands=1),),
    "su-exec": (_Runs(operands=1),),
    "env": (_Runs(valued=_options("-u --unset -C --chdir -S --split-string")),),
    "cross-env": (_Runs(),),  # npm scripts: cross-env A=b prefect ...
    "sudo": (_Runs(valued=_options(_SUDO)),),
    "doas": (_Runs(valued=_options("-u -C")),),
    "xargs": (_Runs(valued=_options(_XARGS), appends=True, replaces=("-I", "-i", "-J")),),
    "poetry": (_Runs(("run",), _options("-C --directory -P --project")),),
    "pipenv": (_Runs(("run",), _options("--python")),),
    "pdm": (_Runs(("run",), _options("-p --project --venv")),),
    "uv": (
        _Runs(("run",), _options(_UV_RUN)),
        _Runs(("tool", "run"), _options(_UV_RUN)),
    ),
    "uvx": (_Runs(valued=_options(_UV_RUN)),),
    "pipx": (_Runs(("run",), _options("--spec --python --index-url --pip-args")),),
    "hatch": (_Runs(("run",), _options("-e --env"), qualified=True),),
    "conda": (_CONDA_RUN,),
    "mamba": (_CONDA_RUN,),
    "micromamba": (_CONDA_RUN,),
    "docker": (
        _Runs(("run",), _DOCKER_RUN, operands=1, entrypoint=True),
        _Runs(("container", "run"), _DOCKER_RUN, operands=1, entrypoint=True),
        _Runs(("exec",), _DOCKER_EXEC, operands=1),
        _Runs(("container", "exec"), _DOCKER_EXEC, operands=1),
        _Runs(("compose", "run"), _COMPOSE_RUN, operands=1, entrypoint=True),
        _Runs(("compose", "exec"), _COMPOSE_EXEC, operands=1),
    ),
    "podman": (
        _Runs(("run",), _DOCKER_RUN, operands=1, entrypoint=True),
        _Runs(("exec",), _DOCKER_EXEC, operands=1),
    ),
    "docker-compose": (
        _Runs(("run",), _COMPOSE_RUN, operands=1, entrypoint=True),
        _Runs(("exec",), _COMPOSE_EXEC, operands=1),
    ),
    "ssh": (_Runs(valued=_options(_SSH), operands=1, joined=True),),
    "kubectl": (_Runs(("exec",), _KUBECTL, after_dashdash=True),),
    "oc": (_Runs(("exec",), _KUBECTL, after_dashdash=True),),
}


@dataclass(frozen=True)
class Launch:
    """Where the ``prefect`` program of a command is: ``first_arg`` is the index of the first
    word after it; ``appends``: a launcher adds arguments after the last word (``xargs``)."""

    first_arg: int
    appends: bool = False


def _basename(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def program_end(words: Sequence[Word], raw: str, aliases: frozenset[str]) -> int | None:
    """Index of the first argument after a ``prefect`` program in ``words``, if it is one."""
    launch = prefect_launch(words, raw, aliases)
    return None if launch is None else launch.first_arg


def prefect_launch(words: Sequence[Word], raw: str, aliases: frozenset[str]) -> Launch | None:
    """Where the ``prefect`` program of the command ``words`` is, if it runs one (``raw``: the
    text the words were read from, to tell which variable a lone ``$VAR`` word is)."""
    found = _program(words, raw, aliases)
    if found is None or found.first_arg is None:
        return None
    return Launch(found.first_arg, found.appends)


@dataclass(frozen=True)
class _Program:
    """The program word of a command past its launchers: ``first_arg`` is the index after it
    when it is ``prefect`` (else None); ``appends``: a launcher adds arguments after the last
    word; ``joined``: the last launcher runs its words joined as one shell command line
    (``ssh HOST 'cd /app && prefect ...'``)."""

    index: int
    first_arg: int | None
    appends: bool = False
    joined: bool = False


def _program(words: Sequence[Word], raw: str, aliases: frozenset[str]) -> _Program | None:
    """The program word of the command ``words``, past assignments, reserved words and
    launchers."""
    index, count, appends, qualified, joined = 0, len(words), False, False, False
    while index < count:
        word = words[index]
        value = word.value
        if _ASSIGNMENT.match(value) or value in _RESERVED:
            index += 1
            continue
        if _is_prefect(value, qualified) or _is_alias(word, raw, aliases):
            return _Program(index, index + 1, appends)
        module = [following.value for following in words[index + 1 : index + 3]]
        if module == _PREFECT_MODULE and (value == PLACEHOLDER or _PYTHON.fullmatch(value)):
            return _Program(index, index + 3, appends)
        launched = _past_launcher(words, index)
        if launched is not None:
            command, runs = launched
            if runs.entrypoint and _entrypoint(words[index + 1 : command]) == "prefect":
                return _Program(command - 1, command, appends)  # the IMAGE word stands for it
            appends |= runs.appends and not _replaced(words, index, command, runs)
            index = command
            qualified, joined = runs.qualified, runs.joined
        elif (word.splits or _is_template(word)) and index + 1 < count:
            index += 1  # a variable standing for a launcher: ``$(RUN) prefect ...``
        else:
            return _Program(index, None, appends, joined)
    return None


def _is_template(word: Word) -> bool:
    """Whether ``word`` is a template expression alone (``{{ .RUN }}``, masked as several
    run-time characters), which may expand to several words like an unquoted variable."""
    return not word.quote and len(word.value) > 1 and word.value == PLACEHOLDER * len(word.value)


def _is_prefect(value: str, qualified: bool) -> bool:
    if qualified and (environment := _HATCH_ENVIRONMENT.match(value)):
        value = value[environment.end() :]
    return _basename(value) == "prefect"


def _is_alias(word: Word, raw: str, aliases: frozenset[str]) -> bool:
    if word.value != PLACEHOLDER or not aliases:
        return False
    match = _VARIABLE_WORD.fullmatch(raw[word.start : word.end])
    return match is not None and match.group(1) in aliases


def _past_launcher(words: Sequence[Word], index: int) -> tuple[int, _Runs] | None:
    """(index of the command a launcher at ``index`` runs, how it runs it), if it is one."""
    for runs in _LAUNCHERS.get(_basename(words[index].value), ()):
        command = _command_of(words, index + 1, runs)
        if command is not None and command < len(words):
            return command, runs
    return None


def _command_of(words: Sequence[Word], position: int, runs: _Runs) -> int | None:
    """Index of the command a launcher runs ``runs``'s way, its words from ``position``."""
    for name in runs.subcommand:
        position = _past_options(words, position, runs.valued)
        if position >= len(words) or words[position].value != name:
            return None
        position += 1
    position = _past_options(words, position, runs.valued)
    if runs.after_dashdash:
        values = [word.value for word in words[position:]]
        if "--" not in values:
            return None
        position += values.index("--") + 1
    return position + runs.operands


def _entrypoint(options: Sequence[Word]) -> str | None:
    """The program an ``--entrypoint`` option among a launcher's words names, if any."""
    values = [word.value for word in options]
    for at, value in enumerate(values):
        if value.startswith("--entrypoint="):
            return _basename(value.partition("=")[2])
        if value == "--entrypoint" and at + 1 < len(values):
            return _basename(values[at + 1])
    return None


def _past_options(words: Sequence[Word], position: int, valued: frozenset[str]) -> int:
    """The index after the options starting at ``position`` (and after a ``--`` ending them)."""
    while position < len(words):
        value = words[position].value
        if value == "--":
            return position + 1
        if not value.startswith("-") or value == "-":
            return position
        position += 2 if _takes_next_word(value, valued) else 1
    return position


def _takes_next_word(option: str, valued: frozenset[str]) -> bool:
    if option.startswith("--"):
        return option in valued
    for offset, letter in enumerate(option[1:], start=2):
        if "-" + letter in valued:
            return offset == len(option)  # else the value is attached: ``-uroot``
    return False


def _replaced(words: Sequence[Word], launcher: int, command: int, runs: _Runs) -> bool:
    """Whether an option of the launcher makes it place the arguments itself (``-I {}``)."""
    options = [word.value for word in words[launcher + 1 : command]]
    return bool(runs.replaces) and any(
        value.startswith(runs.replaces) or value.startswith("--replace") for value in options
    )


@dataclass(frozen=True)
class ShellInput:
    """Where a shell command (``sh``, ``bash -lc``, ``su - USER -c``...) reads its script:
    ``string``: the index of its command string word, if it takes one; ``stdin``: whether it
    reads standard input instead (``bash``, ``sh -s``), so a here-document fed to it holds
    commands."""

    string: int | None
    stdin: bool


def shell_input(words: Sequence[Word]) -> ShellInput | None:
    """Where the shell a command runs (past launchers) reads its script, if it runs one."""
    found = _program(words, "", frozenset())
    if found is None or found.first_arg is not None:
        return None
    program = found.index
    if found.joined and program == len(words) - 1:
        return ShellInput(program, False)  # ``ssh HOST 'command line'``
    name = _basename(words[program].value)
    if name in _SWITCH_USER:
        values = [word.value for word in words[program + 1 : -1]]
        given = [values.index(option) for option in ("-c", "--command") if option in values]
        return ShellInput(program + 2 + min(given) if given else None, False)
    if name not in _SHELLS:
        return None
    options = program + 1
    while options < len(words) and words[options].value.startswith("-"):
        if words[options].value in ("-", "--"):
            break
        options += 1
    given = words[program + 1 : options]
    if any(_has_short(word, "c") for word in given):
        string = next(at for at in range(program + 1, options) if _has_short(words[at], "c"))
        return ShellInput(string + 1 if string + 1 < len(words) else None, False)
    return ShellInput(None, options == len(words) or any(_has_short(word, "s") for word in given))


def stdin_copy_files(words: Sequence[Word]) -> list[Word] | None:
    """The files named in its arguments that a command copying its standard input to files
    writes (``cat``: none, its output is redirected; ``tee [-a] FILE...``), past launchers
    (``sudo tee``); None when it is no such command (``cat FILE`` reads a file)."""
    found = _program(words, "", frozenset())
    if found is None or found.first_arg is not None:
        return None
    name = _basename(words[found.index].value)
    arguments = [word for word in words[found.index + 1 :] if word.value != "-"]
    files = [word for word in arguments if not word.value.startswith("-")]
    if name == "cat":
        return None if files else []
    return files if name == "tee" else None


def _has_short(option: Word, letter: str) -> bool:
    """Whether a word of short options (``-lc``) holds ``letter``."""
    return option.value[1:2] != "-" and letter in option.value[1:]


_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_FIND_FILE_NAMES = "{}"


def find_actions(words: Sequence[Word]) -> Iterator[tuple[Word, ...]]:
    """The commands a ``find`` command (past launchers) runs per file: the words after each
    ``-exec``/``-execdir``/``-ok``/``-okdir`` up to its ``;`` (written ``\\;`` or ``';'``) or
    its ``{} +``; ``{}`` reads as a run-time value (any number of words before ``+``)."""
    found = _program(words, "", frozenset())
    if found is None or found.first_arg is not None:
        return
    if _basename(words[found.index].value) != "find":
        return
    position = found.index + 1
    while position < len(words):
        if words[position].value not in _FIND_ACTIONS:
            position += 1
            continue
        start = end = position + 1
        while end < len(words) and not _ends_action(words, start, end):
            end += 1
        if end == len(words):
            return  # no terminator: find refuses the command
        several = words[end].value == "+"
        yield tuple(_file_names(word, several) for word in words[start:end])
        position = end + 1


def _ends_action(words: Sequence[Word], start: int, at: int) -> bool:
    value = words[at].value
    return value == ";" or (value == "+" and at > start and words[at - 1].value == "{}")


def _file_names(word: Word, several: bool) -> Word:
    """``word`` with each ``{}`` read as the run-time file name(s) ``find`` puts there."""
    if _FIND_FILE_NAMES not in word.value:
        return word
    value: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(word.value):
        if word.value.startswith(_FIND_FILE_NAMES, at):
            value.append(PLACEHOLDER)
            spans.append((word.spans[at][0], word.spans[at + 1][1]))
            at += len(_FIND_FILE_NAMES)
        else:
            value.append(word.value[at])
            spans.append(word.spans[at])
            at += 1
    alone = word.value == _FIND_FILE_NAMES
    return replace(word, value="".join(value), spans=tuple(spans), splits=several and alone)


_ALIAS_DEFINITION = re.compile(
    r"^[ \t]*(?:export[ \t]+|override[ \t]+|ENV[ \t]+)?([A-Za-z_]\w*)[ \t]*(?:::=|:=|\?=|\+=|=)"
    r"[ \t]*[\"']?([^\"'\n#]*)",
    re.MULTILINE,
)


#: A YAML variable (Taskfile ``vars:``, Ansible): ``PREFECT: poetry run prefect``.
_YAML_ALIAS_DEFINITION = re.compile(
    r"^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]+[\"']?([^\"'\n#]*)", re.MULTILINE
)


def command_aliases(text: str) -> frozenset[str]:
    """Variables the file assigns a ``prefect`` program (``PREFECT := poetry run prefect``,
    YAML's ``PREFECT: poetry run prefect``: a launcher and the program, or ``prefect`` alone,
    not an image such as ``prefecthq/prefect``)."""
    found = set()
    for match in _ALIAS_DEFINITION.finditer(text):
        parts = match.group(2).split()
        if parts and _basename(parts[-1]) == "prefect":
            found.add(match.group(1))
    for match in _YAML_ALIAS_DEFINITION.finditer(text):
        parts = match.group(2).split()
        if parts and parts[-1] == "prefect":
            found.add(match.group(1))
    return frozenset(found)
