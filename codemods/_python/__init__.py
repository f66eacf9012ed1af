"""Matching and editing helpers for fissix trees, shared by the Python codemods.

Everything here edits the lossless tree in place, keeping comments and layout of what it
does not rewrite. One concern a module:

- :mod:`.tree`: node types, walking and reading the tree;
- :mod:`.markers`: review markers above a statement;
- :mod:`.snippets`: a piece of source text parsed into a node, ready to insert;
- :mod:`.statements`: removing and inserting statements;
- :mod:`.imports`: reading and editing import statements;
- :mod:`.moves`: moving modules and names, in every import style;
- :mod:`.calls`: calls and their arguments;
- :mod:`.literals`: string literals and ``None``;
- :mod:`.scopes`: which binding a name refers to (Python's scoping rules);
- :mod:`.names`: the qualified names imports give to local names, seen through scopes.

The Bowler query that hands a codemod each file's tree is the engine's
(:mod:`prefect1_migrate.python_tree`).
"""
