"""What the "Support for environments" codemods share, and the environments codemod's plans.

- :mod:`.names`: recognising environment classes and their imports in a file (used by
  ``environments`` and ``environment_subclasses``);
- :mod:`.mapping`: the catalog's per-class tables, an environment call -> a plan;
- :mod:`.plan`: what a plan is made of, and reading the literals of the original call;
- :mod:`.render`: a plan's values as source text, in the layout of the call they replace;
- :mod:`.flows`: the environments codemod's state for one file (its flows, what they set);
- :mod:`.conversion`: converting one environment call, wherever it is;
- :mod:`.values`: which expressions hold an environment, wherever it was made;
- :mod:`.following`: converting environments made away from the flow where they are made;
- :mod:`.reexports`, :mod:`.imports`: re-exports of environment classes, unused imports.
"""
