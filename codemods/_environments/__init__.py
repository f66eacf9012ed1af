"""What the "Support for environments" codemods share, and the environments codemod's plans.

- :mod:`.names`: recognising environment classes and their imports in a file (used by
  ``environments`` and ``environment_subclasses``);
- :mod:`.mapping`: the catalog's per-class tables, an environment call -> a plan;
- :mod:`.plan`: what a plan is made of, and reading the literals of the original call;
- :mod:`.render`: a plan's values as source text, in the layout of the call they replace.
"""
