"""The checker table: one small module per state type, keyed by its ``Type``.

Each module has:

    FIELDS                       # the fields the state may have (others: unknown-field warnings)
    OUTPUT_CONSTRUCTOR           # whether it has an OutputConstructor (Choice has none)
    transition(v, m, t, where, names, targets)  # Next / End / Default rules
    check(v, m, where, names, targets)          # the rest of the type's own fields

``v`` is the :class:`~..walk.Validator`; ``targets`` collects the names the state can go
on to. The walk checks what every state has (Name, Type, Description, the constructors).
Its keys are schema.STATE_TYPES (tests/engine/test_validate_table.py holds them equal).
"""
from __future__ import annotations

from . import choice, fail, map_, parallel, pass_, succeed, task, wait

CHECKS = {
    "Task": task,
    "Pass": pass_,
    "Choice": choice,
    "Parallel": parallel,
    "Map": map_,
    "Wait": wait,
    "Succeed": succeed,
    "Fail": fail,
}
