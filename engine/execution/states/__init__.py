"""The handler table: one small module per state type.

A handler does a state's own work between the pipeline's InputConstructor
and OutputConstructor (``pipeline.py`` does those, Retry and Catch, once for
every type). Its contract:

    run(ex, frame, act) -> result | BLOCK       # start (or retry) the work
    resume(ex, frame, act, value) -> result | BLOCK   # after a wake-up

A handler that must wait calls ``ex.block(frame, ...)``, records where it is
in ``act.stage`` (and its locals in ``act.data``, plain data only) and
returns ``BLOCK``; ``resume`` is then called with what woke it. It raises
``FlowError`` for a failure the state's Retry/Catch may handle.
"""
from __future__ import annotations

from ...model import ChoiceState, FailState, MapState, ParallelState, PassState, SucceedState, TaskState, WaitState
from ..frames import BLOCK
from . import choice, fail, map_, parallel, pass_, task, wait

HANDLERS = {
    PassState: pass_,
    SucceedState: pass_,
    FailState: fail,
    ChoiceState: choice,
    WaitState: wait,
    TaskState: task,
    ParallelState: parallel,
    MapState: map_,
}


def handler_for(state):
    h = HANDLERS.get(type(state))
    if h is None:  # a legacy step: the legacy table (../legacy/table.py) joins on first use
        from ..legacy.table import HANDLERS as LEGACY
        HANDLERS.update(LEGACY)
        h = HANDLERS[type(state)]
    return h


def register(state_type, handler) -> None:
    """Add a state type (the legacy format's steps register theirs)."""
    HANDLERS[state_type] = handler
