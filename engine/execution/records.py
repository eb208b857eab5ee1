"""Inspection records: everything one state activation went through.

A :class:`StepRecord` is filled in stage by stage as the state runs (raw
input -> InputConstructor -> Parameters -> attempts -> result or error ->
Retry/Catch decision -> OutputConstructor -> next). Once the activation ends
the record is *closed* and never changes again, which is what lets a
checkpoint share closed records instead of copying them.
"""
from __future__ import annotations

from typing import Any

MISSING = object()

#: attempts, retries, choice and notes start as this empty tuple and become
#: lists on their first item (``add_*``): most records never get one, and four
#: empty lists per state were ~40% of the objects a run keeps (the garbage
#: collector's work and memory grow with them). Readers see a sequence either way.
_NONE_YET: tuple = ()


def _v(x: Any) -> Any:
    return None if x is MISSING else x


class StepRecord:
    """Values are ``MISSING`` until their stage happened."""

    __slots__ = ("index", "frame", "state", "type", "entered_at", "raw_input", "input", "parameters", "attempts",
                 "retries", "catch", "choice", "result", "output", "next", "error", "status", "exited_at", "notes",
                 "retry_count", "token", "first_event", "execution_name", "execution_input", "closed", "extra")

    def __init__(self, index: int, frame: str, state: str, type: str, entered_at: float, raw_input: Any,
                 execution_name: str = "", execution_input: Any = None, first_event: int = 0):
        self.index = index
        self.frame = frame
        self.state = state
        self.type = type
        self.entered_at = entered_at
        self.raw_input = raw_input
        self.input = MISSING
        self.parameters = MISSING
        self.attempts: list | tuple = _NONE_YET  # {attempt, token, request, response|error, at}
        self.retries: list | tuple = _NONE_YET  # {rule, attempt, wait, error}
        self.choice: list | tuple = _NONE_YET  # {index, condition, value|error}
        self.notes: list | tuple = _NONE_YET
        self.catch: dict | None = None  # {rule, next, error}
        self.result = MISSING
        self.output = MISSING
        self.next: str | None = None
        self.error: dict | None = None
        self.status = "running"  # running | waiting | succeeded | failed | caught
        self.exited_at: float | None = None
        self.retry_count = 0
        self.token: str | None = None
        self.first_event = first_event
        self.execution_name = execution_name
        self.execution_input = execution_input
        self.closed = False
        self.extra: dict | None = None  # format-specific stages (e.g. a legacy step's mappings)

    def _list(self, name: str) -> list:
        items = getattr(self, name)
        if type(items) is tuple:  # the first item: the shared empty tuple becomes this record's list
            items = []
            setattr(self, name, items)
        return items

    def add_attempt(self, attempt: dict) -> None:
        self._list("attempts").append(attempt)

    def add_retry(self, decision: dict) -> None:
        self._list("retries").append(decision)

    def add_choice(self, branch: dict) -> None:
        self._list("choice").append(branch)

    def add_note(self, *notes: str) -> None:
        if notes:
            self._list("notes").extend(notes)

    @property
    def effective_input(self) -> Any:
        """The state's input: after its InputConstructor once that ran, else the raw input."""
        return self.input if self.input is not MISSING else self.raw_input

    def context(self, output: Any = MISSING) -> dict:
        """``$Context`` as this state sees it (decision: RoleArn is empty)."""
        cur: dict = {"Name": self.state, "Input": self.effective_input, "RetryCount": self.retry_count}
        out = output if output is not MISSING else self.result
        if out is not MISSING:
            cur["Output"] = out
        if self.error is not None:
            cur["Error"] = {"Code": self.error["Code"], "Detail": self.error["Detail"]}
        if self.token is not None:
            cur["TaskToken"] = self.token
        return {"Execution": {"Name": self.execution_name, "Input": self.execution_input, "RoleArn": ""},
                "Current": cur}

    def to_json(self) -> dict:
        return {"index": self.index, "frame": self.frame, "state": self.state, "type": self.type,
                "entered_at": self.entered_at, "raw_input": self.raw_input, "input": _v(self.input),
                "parameters": _v(self.parameters), "attempts": list(self.attempts),
                "retries": list(self.retries), "catch": self.catch, "choice": list(self.choice), "result": _v(self.result), "output": _v(self.output),
                "next": self.next, "error": self.error, "status": self.status, "exited_at": self.exited_at,
                "notes": list(self.notes)}

    def copy(self) -> "StepRecord":
        """A copy for a checkpoint: containers copied, JSON values shared
        (values are never changed in place once built)."""
        new = StepRecord.__new__(StepRecord)
        for name in StepRecord.__slots__:
            setattr(new, name, getattr(self, name))
        if self.attempts:
            new.attempts = [dict(a) for a in self.attempts]
        if self.retries:
            new.retries = list(self.retries)
        if self.choice:
            new.choice = list(self.choice)
        if self.notes:
            new.notes = list(self.notes)
        if self.extra is not None:
            new.extra = dict(self.extra)
        return new

    def __repr__(self) -> str:
        return f"StepRecord(#{self.index} {self.frame or 'top'}:{self.state} {self.status})"
