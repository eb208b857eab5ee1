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

#: List fields made on first use: most records never get an attempt, a retry,
#: a Choice branch or a note, and four empty lists per state were ~40% of the
#: objects a run keeps (the garbage collector's work and memory grow with them).
_LAZY_LISTS = frozenset(("attempts", "retries", "choice", "notes"))


def _v(x: Any) -> Any:
    return None if x is MISSING else x


class StepRecord:
    """Values are ``MISSING`` until their stage happened."""

    __slots__ = ("index", "frame", "state", "type", "entered_at", "raw_input", "input", "parameters", "attempts",
                 "retries", "catch", "choice", "result", "output", "next", "error", "status", "exited_at", "notes",
                 "retry_count", "token", "first_event", "execution_name", "execution_input", "closed", "extra")

    def __init__(self, index: int, frame: str, state: str, type: str, entered_at: float, raw_input: Any,
                 execution_name: str = "", execution_input: Any = None):
        self.index = index
        self.frame = frame
        self.state = state
        self.type = type
        self.entered_at = entered_at
        self.raw_input = raw_input
        self.input = MISSING
        self.parameters = MISSING
        # attempts: [{attempt, token, request, response|error, at}], retries: [{rule, attempt, wait, error}],
        # choice: [{index, condition, value|error}], notes: [str]: lists made on first use (__getattr__)
        self.catch: dict | None = None  # {rule, next, error}
        self.result = MISSING
        self.output = MISSING
        self.next: str | None = None
        self.error: dict | None = None
        self.status = "running"  # running | waiting | succeeded | failed | caught
        self.exited_at: float | None = None
        self.retry_count = 0
        self.token: str | None = None
        self.first_event = 0
        self.execution_name = execution_name
        self.execution_input = execution_input
        self.closed = False
        self.extra: dict | None = None  # format-specific stages (e.g. a legacy step's mappings)

    def __getattr__(self, name: str) -> Any:
        # Only called for a slot never set: a lazy list's first use (reading or appending).
        if name in _LAZY_LISTS:
            value: list = []
            setattr(self, name, value)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _list(self, name: str) -> list | None:
        """A lazy list if it was made, else None (without making it)."""
        try:
            return _SLOTS[name].__get__(self, StepRecord)
        except AttributeError:
            return None

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
                "parameters": _v(self.parameters), "attempts": self._list("attempts") or [],
                "retries": self._list("retries") or [], "catch": self.catch, "choice": self._list("choice") or [], "result": _v(self.result), "output": _v(self.output),
                "next": self.next, "error": self.error, "status": self.status, "exited_at": self.exited_at,
                "notes": self._list("notes") or []}

    def copy(self) -> "StepRecord":
        """A copy for a checkpoint: containers copied, JSON values shared
        (values are never changed in place once built)."""
        new = StepRecord.__new__(StepRecord)
        for name in StepRecord.__slots__:
            if name in _LAZY_LISTS:
                got = self._list(name)
                if got is not None:
                    setattr(new, name, [dict(a) for a in got] if name == "attempts" else list(got))
            else:
                setattr(new, name, getattr(self, name))
        if self.extra is not None:
            new.extra = dict(self.extra)
        return new

    def __repr__(self) -> str:
        return f"StepRecord(#{self.index} {self.frame or 'top'}:{self.state} {self.status})"


_SLOTS = {name: StepRecord.__dict__[name] for name in _LAZY_LISTS}  # the slot descriptors: read without __getattr__
