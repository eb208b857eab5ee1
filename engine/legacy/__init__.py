"""The legacy Serverless Workflow format (``version: v1beta1|v1``, ``type: flow``, ``steps``).

load (shared, :mod:`..load`) -> :mod:`.validate` (+ :mod:`.checks`, :mod:`.schema`) ->
:mod:`.model` (:class:`~.model.LegacyFlow`); the step semantics are in docs/semantics.md
("Legacy format"); :mod:`.convert` rewrites a legacy model as FDL v1.
"""
from .model import FORMAT, LegacyFlow, build_flow
from .validate import is_legacy, legacy_fields_in_v1, validate

__all__ = ["FORMAT", "LegacyFlow", "build_flow", "is_legacy", "legacy_fields_in_v1", "validate"]
