"""The plain data of a running execution: frames, their activations, the
groups of a Parallel/Map, and tasks waiting for a callback.

Nothing here holds a generator or a closure, so the whole state of a run
can be copied (a checkpoint) and resumed later. Model objects (states,
scopes, templates) are immutable and shared, never copied.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FlowError
from ..schema import DEFAULT_DATA_LIMIT
from .records import StepRecord

RUNNING, SUCCEEDED, FAILED, STOPPED = "Running", "Succeeded", "Failed", "Stopped"

# Frame.pc: where the frame's program is.
NEW, AT_ENTER, IN_STATE = 0, 1, 2

LIVE = ("ready", "blocked")

#: What a state handler returns when its frame must wait (see states/__init__.py).
BLOCK = object()


class ExecutionFail(Exception):
    """Ends the whole execution as Failed: a Fail state (decision 6), or a limit."""

    def __init__(self, error: FlowError):
        self.error = error


class Activation:
    """One state running in a frame: the handler's ``stage`` and its locals."""

    __slots__ = ("state", "rec", "input", "stage", "retry_used", "data", "next", "exit_detail")

    def __init__(self, state, rec: StepRecord):
        self.state = state
        self.rec = rec
        self.input: Any = None
        self.stage = "start"
        self.retry_used: dict | None = None  # Retry rule index -> retries used
        self.data: dict | None = None  # the handler's own values (plain data)
        self.next: str | None = None  # set by a state that chooses its successor (Choice, a Catch)
        self.exit_detail: dict | None = None  # extra StepExited detail (Choice: branch, next)

    def copy(self, memo: dict) -> "Activation":
        new = Activation(self.state, copy_record(self.rec, memo))
        new.input, new.stage, new.next, new.exit_detail = self.input, self.stage, self.next, self.exit_detail
        new.retry_used = dict(self.retry_used) if self.retry_used is not None else None
        new.data = dict(self.data) if self.data is not None else None
        return new


class Frame:
    """A scope that runs: the top level, one Parallel branch or one Map iteration."""

    __slots__ = ("id", "label", "kind", "seq", "parent", "scope", "status", "wait", "state", "record", "send",
                 "output", "error", "group", "owned", "index", "pc", "act", "raw", "local")

    def __init__(self, id: str, label: str, kind: str, seq: int, parent: "Frame | None", scope, raw: Any,
                 index: int = 0):
        self.id = id
        self.label = label
        self.kind = kind  # execution | branch | iteration
        self.seq = seq
        self.parent = parent
        self.scope = scope
        self.status = "ready"  # ready | blocked | done | failed | cancelled
        self.wait: str | None = None  # enter | retry | timer | token | children
        self.state: str | None = None  # the state it is at
        self.record: StepRecord | None = None
        self.send: Any = None  # what a wake-up delivers: ("ok", value) | ("error", FlowError)
        self.output: Any = None
        self.error: FlowError | None = None
        self.group: "Group | None" = None  # the group it belongs to (as a branch or iteration)
        self.owned: "Group | None" = None  # the group of children it waits on
        self.index = index  # branch or iteration index
        self.pc = NEW
        self.act: Activation | None = None
        self.raw: Any = raw  # the input of the state it enters next
        self.local: Any = None  # format-specific scope data (a legacy scope's $local)

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def copy(self, memo: dict) -> "Frame":
        if self.status not in LIVE:
            return self  # finished frames never change again
        got = memo.get(id(self))
        if got is not None:
            return got
        new = Frame.__new__(Frame)
        memo[id(self)] = new
        for name in Frame.__slots__:
            setattr(new, name, getattr(self, name))
        new.parent = self.parent.copy(memo) if self.parent is not None else None
        new.record = copy_record(self.record, memo) if self.record is not None else None
        new.group = self.group.copy(memo) if self.group is not None else None
        new.owned = self.owned.copy(memo) if self.owned is not None else None
        new.act = self.act.copy(memo) if self.act is not None else None
        if isinstance(self.local, (dict, list)):
            new.local = type(self.local)(self.local)
        return new

    def __repr__(self) -> str:
        return f"Frame({self.id or 'top'} {self.status} at {self.state})"


class Group:
    """The children of one Parallel or Map activation."""

    __slots__ = ("parent", "state", "kind", "inputs", "scopes", "limit", "record", "results", "started",
                 "finished", "active", "children", "error", "ready", "names")

    def __init__(self, parent: Frame, state: str, kind: str, inputs: list, scopes: list, limit: int, record: int,
                 names: list | None = None):
        self.parent = parent
        self.state = state
        self.kind = kind  # branch | iteration
        self.inputs = inputs
        self.scopes = scopes  # a Scope per child
        self.limit = limit  # max active at once, 0 = all
        self.record = record  # index of the Parallel/Map state's StepRecord
        self.results: list = [None] * len(inputs)
        self.started = 0
        self.finished = 0
        self.active = 0
        self.children: list[Frame] = []
        self.error: FlowError | None = None
        self.ready: list = []  # heap of this group's ready children
        self.names = names  # the children's frame names (a legacy choice's "pick.Choice0"), else by kind

    def copy(self, memo: dict) -> "Group":
        got = memo.get(id(self))
        if got is not None:
            return got
        new = Group.__new__(Group)
        memo[id(self)] = new
        for name in Group.__slots__:
            setattr(new, name, getattr(self, name))
        new.parent = self.parent.copy(memo)
        new.results = list(self.results)
        new.children = [c.copy(memo) for c in self.children]
        new.ready = [(s, i, f.copy(memo)) for s, i, f in self.ready]
        return new


class Pending:
    """A task waiting for ReportTaskSucceeded/ReportTaskFailed."""

    __slots__ = ("token", "state", "scope", "since", "timeout_at", "status", "frame", "scripted")

    def __init__(self, token: str, state: str, scope: str, since: float, timeout_at: float | None,
                 frame: Frame | None = None):
        self.token = token
        self.state = state
        self.scope = scope
        self.since = since
        self.timeout_at = timeout_at
        self.status = "waiting"  # waiting | answered | timed_out | stopped
        self.frame = frame
        self.scripted = False  # the mock file answers it (a timer delivers the answer)

    def to_json(self) -> dict:
        return {"token": self.token, "state": self.state, "scope": self.scope, "since": self.since,
                "timeout_at": self.timeout_at, "status": self.status}

    def copy(self, memo: dict) -> "Pending":
        if self.status != "waiting":
            return self
        new = Pending(self.token, self.state, self.scope, self.since, self.timeout_at,
                      self.frame.copy(memo) if self.frame is not None else None)
        new.status, new.scripted = self.status, self.scripted
        return new


def copy_record(rec: StepRecord, memo: dict) -> StepRecord:
    if rec.closed:
        return rec
    got = memo.get(id(rec))
    if got is None:
        got = memo[id(rec)] = rec.copy()
    return got


@dataclass(frozen=True)
class CallbackResult:
    accepted: bool
    reason: str = ""


@dataclass
class Options:
    data_limit: int = DEFAULT_DATA_LIMIT
    express: bool = False
    execution_name: str = "flowdbg-execution"
    seed: int = 0
    depth: int = 0  # how deep a child execution (FNF:StartExecution) this is
    max_events: int | None = None  # CloudFlow's events-per-execution limit; None = the flow type's default
    start_time: str | None = None  # ISO time the run started (a legacy timestamp wait counts from it)


MAX_CHILD_DEPTH = 10
