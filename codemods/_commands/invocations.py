"""``prefect`` invocations in a segment: its commands (those in comments and substitutions
too), the ones whose program is ``prefect``, and those nested in ``sh -c`` strings, in
here-documents fed to a shell or written to a shell script (``cat > run.sh <<EOF``) and in
``find -exec ... ;`` actions; and the here-documents of a shell file (for the residual pass)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath

from prefect1_migrate.codemods._commands.launchers import (
    find_actions,
    prefect_launch,
    program_end,
    shell_input,
    stdin_copy_files,
)
from prefect1_migrate.codemods._commands.lexer import Comment, HereDoc, Lexer
from prefect1_migrate.codemods._commands.segments import ArgvSegment, Segment, ShellSegment
from prefect1_migrate.codemods._commands.words import (
    PLACEHOLDER,
    Identity,
    Mapped,
    Unencodable,
    Word,
)

from prefect1_migrate.filekinds import FileKind, classify
from prefect1_migrate.markers import in_marker


@dataclass(frozen=True)
class Invocation:
    """One ``prefect`` command: ``args`` are the words after the program."""

    words: tuple[Word, ...]  # program (with wrappers) and arguments
    first_arg: int
    captured: bool  # output read by ``$(...)``, backticks or a pipe
    segment: Segment
    line_start: int  # segment offset (shell) of the command's logical line

    @property
    def args(self) -> tuple[Word, ...]:
        return self.words[self.first_arg :]

    @property
    def values(self) -> list[str]:
        return [word.value for word in self.args]

    @property
    def code_block(self) -> bool:
        return self.segment.code_block


def invocations(segment: Segment, aliases: frozenset[str] = frozenset()) -> Iterator[Invocation]:
    """Every ``prefect`` invocation in ``segment``."""
    if isinstance(segment, ArgvSegment):
        words = tuple(element.word for element in segment.elements)
        end = program_end(words, "", aliases)
        if end is not None:
            yield Invocation(words, end, False, segment, 0)
        return
    value = segment.value
    if not aliases and "prefect" not in value:
        return
    # A review marker quotes commands: file_invocations drops what is on its line, which in
    # file text (Identity) is the line of the marker's comment, so that comment is not read.
    skip_marked = isinstance(segment.codec, Identity)
    for command in _segment_commands(value, segment.make, segment.prose, skip_marked):
        if any(word.broken for word in command.words):
            continue
        yield from _command_invocations(command.words, command, segment, aliases)
        for action in find_actions(command.words):
            yield from _command_invocations(
                action, replace(command, here_docs=()), segment, aliases
            )


def _command_invocations(
    words: tuple[Word, ...], command: _Command, segment: ShellSegment, aliases: frozenset[str]
) -> Iterator[Invocation]:
    """The ``prefect`` invocation the command ``words`` (of ``command``) is, or those of the
    script it feeds a shell."""
    launch = prefect_launch(words, segment.value, aliases)
    if launch is not None:
        words += (_appended(words[-1]),) if launch.appends else ()
        yield Invocation(words, launch.first_arg, command.captured, segment, command.line_start)
        return
    shell = shell_input(words)
    if shell is None:
        nested_segments = [
            _here_doc_segment(segment, body, command.line_start)
            for body in command.here_docs
            if _is_script(_written_files(words, command), _head(segment.value, body))
        ]
    else:
        nested_segments = [
            _here_doc_segment(segment, body, command.line_start)
            for body in (command.here_docs if shell.stdin else ())
        ]
    if shell is not None and shell.string is not None:
        nested_segments.append(_nested_segment(segment, words[shell.string]))
    for nested in nested_segments:
        for found in invocations(nested, aliases):
            yield replace(found, captured=True) if command.captured else found


#: Output written there is no file.
_NOT_FILES = ("/dev/",)
_PROSE_KINDS = frozenset({FileKind.MARKDOWN, FileKind.RST})


def _written_files(words: tuple[Word, ...], command: _Command) -> list[str]:
    """The files the command ``words`` writes its standard input (a here-document) to
    (``cat > run.sh <<EOF``, ``tee -a setup <<'EOF'``); none when it copies none to a file
    (``cat <<EOF``, ``grep x <<EOF``)."""
    files = stdin_copy_files(words)
    if files is None:
        return []
    named = (word.value for word in (*files, *command.targets))
    return [name for name in named if not name.startswith(_NOT_FILES)]


def _is_script(files: Sequence[str], head: str) -> bool:
    """Whether the ``files`` a here-document starting with ``head`` is written to are shell
    scripts: named or with a shebang as one, or named like none (``bin/start-agent``, not
    ``RUNBOOK.txt``)."""
    return bool(files) and all(
        (kind := classify(name, head.encode())) is FileKind.SHELL
        or (kind is None and not PurePosixPath(name).suffix)
        for name in files
    )


@dataclass(frozen=True)
class HereDocBody:
    """A here-document in a shell file (file offsets): ``start``/``end`` of its body,
    ``command`` the start of the line of the command it feeds."""

    start: int
    end: int
    command: int
    expanded: bool  # the shell expands ``$``, backquotes and backslashes in it
    read: bool  # read as a shell script (fed to a shell, or written as one)
    written: bool  # copied to a file
    prose: bool  # copied to Markdown or reST files


def here_doc_bodies(segment: ShellSegment) -> Iterator[HereDocBody]:
    """The here-documents of the commands of ``segment``, as lines of the file."""
    for command in _segment_commands(segment.value, segment.make, segment.prose, False):
        shell = shell_input(command.words)
        files = _written_files(command.words, command)
        for body in command.here_docs:
            if shell is not None:
                read = shell.stdin
            else:
                read = _is_script(files, _head(segment.value, body))
            yield HereDocBody(
                segment.codec.raw(body.start),
                segment.codec.raw(body.end),
                segment.codec.raw(command.line_start),
                body.expanded,
                read,
                bool(files),
                bool(files) and all(classify(name) in _PROSE_KINDS for name in files),
            )


def _head(text: str, body: HereDoc) -> str:
    """The start of a here-document's body, where a shebang would be."""
    return text[body.start : min(body.start + 256, body.end)]


def _appended(last: Word) -> Word:
    """The arguments a launcher adds after the last word (``xargs``): a run-time word that
    stands for any number of words."""
    return Word(PLACEHOLDER, last.end, last.end, ((last.end, last.end),), splits=True)


def _nested_segment(parent: ShellSegment, word: Word) -> ShellSegment:
    """The command string of ``sh -c WORD`` as a segment of its own."""
    offsets = [parent.codec.raw(span[0]) for span in word.spans]
    offsets.append(
        parent.codec.raw(word.spans[-1][1]) if word.spans else parent.codec.raw(word.end)
    )

    def encoder(text: str) -> str:
        if word.quote == "'":
            quoted = text.replace("'", "'\\''")
        elif word.quote == '"':
            quoted = re.sub(r'(["\\$`])', r"\\\1", text)
        else:
            quoted = re.sub(r"([^\w@%+=:,./-])", r"\\\1", text)
        if parent.make:
            quoted = quoted.replace("$", "$$")
        return parent.codec.encode(quoted)

    return ShellSegment(
        word.value,
        Mapped(tuple(offsets), encoder),
        False,
        parent.prose,
        parent.code_block,
        parent.anchor,  # a marker inside the string would become part of the command
    )


def _here_doc_segment(parent: ShellSegment, body: HereDoc, line_start: int) -> ShellSegment:
    """The body of a here-document fed to a shell as a segment of its own. Where the shell
    expands it (unquoted delimiter), new text may hold no ``$``, backquote or backslash, and a
    review marker goes above the command feeding it (a comment in the body would be expanded)."""
    offsets = tuple(parent.codec.raw(offset) for offset in range(body.start, body.end + 1))

    def encoder(text: str) -> str:
        if body.expanded and re.search(r"[$`\\]", text):
            raise Unencodable(text)
        return parent.codec.encode(text)

    anchor = parent.codec.raw(line_start) if body.expanded else parent.anchor
    return ShellSegment(
        parent.value[body.start : body.end],
        Mapped(offsets, encoder),
        parent.make,
        parent.prose,
        parent.code_block,
        anchor,
    )


def program_offset(invocation: Invocation) -> int:
    segment = invocation.segment
    program = invocation.words[invocation.first_arg - 1]
    if isinstance(segment, ArgvSegment):
        return segment.elements[invocation.first_arg - 1].raw_start
    return segment.codec.raw(program.start)


def anchor_of(invocation: Invocation, text: str) -> int:
    """File offset of the start of the line a review marker for ``invocation`` goes above."""
    segment = invocation.segment
    if isinstance(segment, ArgvSegment):
        at = segment.anchor
    elif segment.anchor is not None:
        at = segment.anchor
    else:
        at = segment.codec.raw(invocation.line_start)
    return text.rfind("\n", 0, at) + 1


@dataclass(frozen=True)
class _Command:
    words: tuple[Word, ...]
    line_start: int  # segment offset of the line the command's logical line starts on
    captured: bool  # its output is read by something (``$(...)``, backticks, a pipe)
    here_docs: tuple[HereDoc, ...] = ()  # the bodies its ``<<`` redirections feed it
    targets: tuple[Word, ...] = ()  # the files its ``>``/``>>``/``&>`` redirections write


def _segment_commands(
    text: str, make: bool, prose: bool, skip_marked: bool
) -> tuple[_Command, ...]:
    """The commands of a whole segment's text. A short segment's are kept for the next
    codemods: most segments of a file (a YAML ``run:`` block, a Dockerfile ``RUN``) are still
    the same text after one codemod rewrote another, and their commands (frozen, offsets in
    ``text``) still hold. A long segment is a whole file, which the codemods rewrite anyway."""
    if len(text) > _KEPT_SEGMENT_LENGTH:
        return _read_segment_commands(text, make, prose, skip_marked)
    return _kept_segment_commands(text, make, prose, skip_marked)


def _read_segment_commands(
    text: str, make: bool, prose: bool, skip_marked: bool
) -> tuple[_Command, ...]:
    return tuple(_commands(text, 0, len(text), make, prose, 0, skip_marked=skip_marked))


_KEPT_SEGMENT_LENGTH = 4096  # bounds the cache to about 1,024 x 4 KB of text


_kept_segment_commands = lru_cache(maxsize=1024)(_read_segment_commands)


def _commands(
    text: str,
    start: int,
    end: int,
    make: bool,
    prose: bool,
    line_start: int,
    captured: bool = False,
    skip_marked: bool = False,
) -> Iterator[_Command]:
    """The commands of ``text[start:end]``, those in comments and substitutions included;
    with ``skip_marked``, not those in a comment holding a review marker (or continuing a
    folded one)."""
    words: list[Word] = []
    here_docs: list[HereDoc] = []
    targets: list[Word] = []
    redirect_target = output_target = False

    def finish(piped: bool) -> Iterator[_Command]:
        if words:
            yield _Command(
                tuple(words), line_start, captured or piped, tuple(here_docs), tuple(targets)
            )
        for word in words:
            for sub_start, sub_end in word.subs:
                yield from _commands(
                    text, sub_start, sub_end, make, prose, line_start, True, skip_marked
                )

    for token in Lexer(text, start, end, make, prose).tokens():
        if isinstance(token, Word):
            if redirect_target:
                redirect_target = False
                if output_target:
                    targets.append(token)
            else:
                words.append(token)
        elif isinstance(token, Comment):
            comment = text[token.start : token.end]
            if _may_name_program(comment) and not (skip_marked and in_marker(text, token.start)):
                yield from _commands(
                    text, token.start, token.end, make, True, line_start, False, skip_marked
                )
        elif token.is_redirect:
            descriptor = "1"  # standard output, unless a number says which
            if words and words[-1].end == token.start and words[-1].value.isdigit():
                descriptor = words.pop().value
            redirect_target = token.here_doc is None
            output_target = token.text in _OUTPUT_REDIRECTS and descriptor == "1"
            if token.here_doc is not None:
                here_docs.append(token.here_doc)
        else:
            yield from finish(token.text in ("|", "|&"))
            words, here_docs, targets = [], [], []
            if token.text == "\n":
                line_start = token.end
    yield from finish(False)


_OUTPUT_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})


def _may_name_program(text: str) -> bool:
    """Whether a word of ``text`` may read ``prefect`` or stand for a variable: not when
    ``text`` has no escapes or expansions and no ``prefect`` once quotes are left out.
    (Most comments are prose: they need not be read word by word.)"""
    if "\\" in text or "$" in text or "`" in text:
        return True
    return "prefect" in text.replace("'", "").replace('"', "")
