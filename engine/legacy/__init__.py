"""The legacy Serverless Workflow format (``version: v1beta1|v1``, ``type: flow``, ``steps``).

load (shared, :mod:`..load`) -> :mod:`.validate` (+ :mod:`.checks`, :mod:`.schema`) ->
:mod:`.model` (:class:`~.model.LegacyFlow`); the step semantics are in docs/semantics.md
("Legacy format"); :mod:`.convert` rewrites a legacy model as FDL v1.

Importing this package costs nothing: a caller imports the stage it needs
(``from flowdbg.engine.legacy.model import ...``), so FDL v1 runs never load them.
"""
