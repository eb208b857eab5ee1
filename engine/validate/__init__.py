"""Validate: nodes from :mod:`..load` -> every diagnostic at once.

Checks structure (state names, transitions, reachability, scopes), field
types and enums, limits (decision 8), expressions (syntax, unknown
functions, roots used where they do not exist), and the TaskMode matrix.
Known misspellings load with a warning naming the canonical spelling
(decision 9); so do Actions that differ from a known one in case or by a
typo, error names that differ only in case, and Retry/Catch rules that can
never be chosen.
Messages name types as JSON does (object, array, string, number, boolean,
null). The model builder runs only on a tree with no errors.

The parts: :mod:`.checker` (the field primitives), :mod:`.walk` (flow,
scopes, the common part of each state), :mod:`.rules` (Retry/Catch),
:mod:`.states` (one module per state type, in a table the walk dispatches
through), :mod:`.words` (how messages name types and guess what was meant).
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from ..load import no_cyclic_gc
from ..nodes import Node
from .checker import Checker
from .walk import Validator


def validate(root: Node | None, express: bool = False, text: str = "") -> list[Diagnostic]:
    """All diagnostics for a loaded tree, in :func:`~..diagnostics.ordered` order.
    ``text`` (the source) lets a warning point inside a folded value."""
    with no_cyclic_gc():
        return Validator(express=express, text=text).validate(root)


__all__ = ["Checker", "Validator", "validate"]
