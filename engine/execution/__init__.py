"""Execute: a steppable interpreter for one CloudFlow execution.

- ``core``: :class:`Execution`, the public API (step, run, report, stop).
- ``scheduler``: which frame runs next; the virtual clock's timers.
- ``pipeline``: the state pipeline, Retry and Catch, written once.
- ``states/``: one small module per state type behind a handler table.
- ``children``: Parallel branches and Map iterations.
- ``frames``/``records``: the plain data of a run; ``checkpoint``: copies of it.
"""
from .core import EVENT_LIMIT_EXCEEDED, MAX_EVENTS, Execution
from .frames import (FAILED, RUNNING, STOPPED, SUCCEEDED, CallbackResult, ExecutionFail, Frame, Group, Options,
                     Pending)
from .records import MISSING, StepRecord

__all__ = ["Execution", "Options", "StepRecord", "Frame", "Group", "Pending", "CallbackResult", "ExecutionFail",
           "MISSING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED", "MAX_EVENTS", "EVENT_LIMIT_EXCEEDED"]
