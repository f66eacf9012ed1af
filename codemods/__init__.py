"""One module per documented change of the Prefect 1.0 upgrade guide.

Each public module is named after its codemod id and declares ``CODEMOD`` at its top (see
``prefect1_migrate.codemod``); modules whose names start with ``_`` hold matching helpers
shared by several codemods.
"""
