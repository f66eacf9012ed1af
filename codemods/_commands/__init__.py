"""Shell-aware command lines: every ``prefect`` invocation in a file, and its rewrite.

A codemod that changes ``prefect`` command lines hands :func:`.driver.rewrite_commands` a
function from an :class:`.invocations.Invocation` (the words after the program) to an
:class:`.edits.Rewrite` (edits of those words plus review messages); it finds options with
:func:`.options.parse_options` (click's rules). Only what an edit touches is re-emitted: every
other byte of the file, the quoting of untouched words, variables and line continuations stay
as they were. New words are quoted for the place they land in (shell quoting, ``$$`` in
Makefiles, YAML/JSON/Python string escapes).

One concern a module:

- ``words``: a shell word (value and the offset of each character) and the codecs between a
  segment's value and the file text; ``segments``: the parts of a file that hold command lines;
- ``lexer``: shell rules within a command line: quotes, escapes, ``$VAR``/``${VAR}``/``$(...)``/
  backticks, ``&&``/``||``/``;``/``|``, redirections, here-documents, continuations;
- ``launchers``: what starts the program: ``prefect`` (any path; ``hatch run ENV:prefect``),
  ``python -m prefect``, a variable the file assigns such a command (``PREFECT := poetry run
  prefect``; YAML's ``PREFECT: poetry run prefect`` read through ``{{.PREFECT}}``), past
  ``VAR=1`` prefixes and launchers, each with its own options: ``env``, ``cross-env``,
  ``exec``, ``nohup``, ``time``, ``nice``, ``timeout``, ``sudo``, ``gosu``, ``tini``,
  ``xargs`` (which appends arguments),
  ``poetry``/``pipenv``/``pdm``/``uv``/``hatch``/``pipx``/``conda`` ``run``, ``uvx``,
  ``docker run [options] IMAGE``, ``docker exec``, ``docker compose run/exec SERVICE``,
  ``kubectl exec ... --``, ``ssh HOST``, and a variable or template standing for a launcher
  (``$(RUN) prefect``, ``{{.RUN}} prefect``); and where a shell reads its script: the string
  of ``sh -c '...'`` or ``su - USER -c '...'``, or standard input (``bash <<EOF``);
- ``invocations``: the commands of a segment (in comments and substitutions too: a
  commented-out command is rewritten like a live one; prose stays prose because a word only
  counts in command position), the ``prefect`` ones among them, and those of ``sh -c`` strings
  and of here-documents fed to a shell or written by ``cat``/``tee`` to a shell script (a
  file named or with a shebang as one, or named like no file kind: ``cat > bin/run <<EOF``;
  where the shell expands the body, markers go above the command feeding it);
- ``options``: click's option parsing; ``edits``: argv edits and the text edits carrying them;
- one scanner per format: ``make``, ``docker``, ``ini`` (INI units, tox, Procfiles), ``yaml``,
  ``jsonfile`` (JSON files), ``toml`` (Pipfile and pyproject task runners), ``hcl``
  (Terraform), ``justfile``, ``crontab``, ``groovy`` (Jenkinsfile), ``docs`` (Markdown, reST),
  ``python_strings`` (string literals, comments, argv lists and call arguments in Python
  code); ``json``: JSON-style strings and lists shared by several of them;
- ``quoted``: a quoted string body of those formats read with the offset of each value
  character, and where a quoted string ends;
- ``driver``: a non-Python file's invocations (by its kind's scanner) and
  :func:`.driver.rewrite_commands`.
"""
