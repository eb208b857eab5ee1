"""Execution events in CloudFlow's GetExecutionHistory vocabulary.

Each event has an ``id`` (EventId, from 1), the ``schedule_id`` of the event
that caused it (ScheduleEventId, 0 if none), the state's name (StepName),
``type``, virtual ``time`` (seconds since the execution started), the
``scope`` path (``""`` for the top level, ``"Parallel1.Branch0"``,
``"Map1[3]"``) and a JSON ``detail``.

Source: GetExecutionHistory in the FnF 2019-03-15 API (alibabacloud_fnf20190315).
"""
from __future__ import annotations

import datetime
import json
from typing import Any

EXECUTION_STARTED = "ExecutionStarted"
EXECUTION_SUCCEEDED = "ExecutionSucceeded"
EXECUTION_FAILED = "ExecutionFailed"
EXECUTION_STOPPED = "ExecutionStopped"
EXECUTION_TIMED_OUT = "ExecutionTimedOut"
STEP_ENTERED = "StepEntered"
STEP_STARTED = "StepStarted"
STEP_SUCCEEDED = "StepSucceeded"
STEP_FAILED = "StepFailed"
STEP_EXITED = "StepExited"
BRANCH_ENTERED = "BranchEntered"
BRANCH_EXITED = "BranchExited"
ITERATION_ENTERED = "IterationEntered"
ITERATION_EXITED = "IterationExited"
TASK_SCHEDULED = "TaskScheduled"
TASK_STARTED = "TaskStarted"
TASK_SUBMITTED = "TaskSubmitted"
TASK_SUBMIT_FAILED = "TaskSubmitFailed"
TASK_SUCCEEDED = "TaskSucceeded"
TASK_FAILED = "TaskFailed"
TASK_TIMED_OUT = "TaskTimedOut"
# flowdbg's own, for what CloudFlow does not log as an event of its own.
STEP_RETRYING = "StepRetrying"
CALLBACK_REFUSED = "CallbackRefused"

TYPES = (EXECUTION_STARTED, EXECUTION_SUCCEEDED, EXECUTION_FAILED, EXECUTION_STOPPED, EXECUTION_TIMED_OUT,
         STEP_ENTERED, STEP_STARTED, STEP_SUCCEEDED, STEP_FAILED, STEP_EXITED, BRANCH_ENTERED, BRANCH_EXITED,
         ITERATION_ENTERED, ITERATION_EXITED, TASK_SCHEDULED, TASK_STARTED, TASK_SUBMITTED, TASK_SUBMIT_FAILED,
         TASK_SUCCEEDED, TASK_FAILED, TASK_TIMED_OUT, STEP_RETRYING, CALLBACK_REFUSED)


_CYCLE = 146097 * 86400  # seconds in 400 Gregorian years, after which the calendar repeats


def iso_time(start: datetime.datetime, seconds: float) -> str:
    """``start`` + ``seconds`` in ISO 8601 (UTC ``Z``, milliseconds). Past the
    year 9999 (a long virtual run) the year is written in ISO 8601's expanded
    form, as JavaScript does (``+010000-01-01T00:00:00.000Z``), not an overflow."""
    try:
        t = start + datetime.timedelta(seconds=seconds)
        return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except OverflowError:
        cycles = int(seconds // _CYCLE)
        t = start + datetime.timedelta(seconds=seconds - cycles * _CYCLE)
        year = t.year + 400 * cycles
        rest = t.isoformat(timespec="milliseconds").replace("+00:00", "Z")[4:]
        return f"+{year:06d}{rest}"


class Event:
    """One history event. Never changed once emitted (a plain class: it is
    made for every event of a run, and a frozen dataclass costs twice as much)."""

    __slots__ = ("id", "type", "time", "state", "scope", "detail", "schedule_id", "step")

    def __init__(self, id: int, type: str, time: float, state: str, scope: str, detail: Any = None,
                 schedule_id: int = 0, step: int = -1):
        self.id = id
        self.type = type
        self.time = time
        self.state = state
        self.scope = scope
        self.detail = detail
        self.schedule_id = schedule_id
        self.step = step  # index of the state activation (StepRecord) it belongs to; -1 if none

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self.to_json() == other.to_json() and self.step == other.step

    def __repr__(self) -> str:
        return f"Event({self.id}, {self.type!r}, {self.state!r}, scope={self.scope!r})"

    def to_json(self) -> dict:
        return {"id": self.id, "type": self.type, "time": self.time, "state": self.state,
                "scope": self.scope, "detail": self.detail, "schedule_id": self.schedule_id}

    def to_history(self, start: datetime.datetime) -> dict:
        """The GetExecutionHistory shape (EventDetail is a JSON string)."""
        return {"EventId": self.id, "ScheduleEventId": self.schedule_id, "StepName": self.state,
                "Type": self.type, "Time": iso_time(start, self.time),
                "EventDetail": json.dumps(self.detail, ensure_ascii=False) if self.detail is not None else "{}",
                "Scope": self.scope}
