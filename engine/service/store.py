"""What a local CloudFlow endpoint holds: flows and their executions.

Everything lives in memory, as in Step Functions Local: restarting
``flowdbg serve`` forgets them (the flows given on its command line are
created again). Other threads read an execution while its driver runs it:
they only take snapshots (``list(ex.events)``, ``ex.status``) of data the
engine appends to or replaces whole, never iterate a structure it mutates.
"""
from __future__ import annotations

import datetime
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..definition import Definition
from ..execution import RUNNING, SUCCEEDED

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,127}")


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def iso(t: datetime.datetime) -> str:
    """CloudFlow's timestamps: ISO 8601, UTC, milliseconds, ``Z``."""
    return t.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime.datetime:
    """RFC 3339 (``Z`` or an offset); raises ValueError."""
    t = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def request_id() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class FlowRecord:
    """One flow as CreateFlow/UpdateFlow left it. ``definition`` is the
    validated FDL; an execution keeps the record it started with."""

    name: str
    definition: Definition
    description: str
    type: str = "FDL"
    role_arn: str = ""
    execution_mode: str = "Standard"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: datetime.datetime = field(default_factory=now_utc)
    modified: datetime.datetime = field(default_factory=now_utc)
    #: breakpoints (Session.Breakpoint.to_json()) new executions start with (serve --debug)
    breakpoints: list = field(default_factory=list)

    @property
    def express(self) -> bool:
        return self.execution_mode == "Express"

    def describe(self) -> dict:
        return {"Name": self.name, "Definition": self.definition.text, "Description": self.description,
                "Type": self.type, "RoleArn": self.role_arn, "Id": self.id, "ExecutionMode": self.execution_mode,
                "CreatedTime": iso(self.created), "LastModifiedTime": iso(self.modified)}


@dataclass(eq=False)
class ServedExecution:
    """An execution started through the API. ``session`` is driven by
    exactly one thread at a time: its :class:`~.driver.Driver`, or the
    debugger once the user opened it (``serve --debug``)."""

    flow: FlowRecord
    name: str
    input: Any
    started: datetime.datetime
    session: Any
    seq: int
    driver: Any = None
    #: CallbackFnFTaskToken: the parent task this execution answers when it ends
    callback_token: str | None = None
    #: why flowdbg (not the flow) stopped it: a backend that could not answer, the step limit
    problem: str = ""
    finished_event: threading.Event = field(default_factory=threading.Event)

    @property
    def execution(self):
        return self.session.execution

    @property
    def status(self) -> str:
        return self.session.execution.status

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    def stopped_time(self) -> str:
        ex = self.session.execution
        if ex.status == RUNNING:
            return ""
        return iso(self.started + datetime.timedelta(seconds=ex.clock))

    def describe(self, metadata_only: bool = False) -> dict:
        ex = self.session.execution
        d = {"Name": self.name, "FlowName": self.flow.name, "Status": ex.status,
             "StartedTime": iso(self.started), "StoppedTime": self.stopped_time()}
        if not metadata_only:
            d["Input"] = json.dumps(self.input, ensure_ascii=False)
            d["Output"] = json.dumps(ex.output, ensure_ascii=False) if ex.status == SUCCEEDED else ""
            d["FlowDefinition"] = self.flow.definition.text
        return d

    def history(self) -> list[dict]:
        """GetExecutionHistory's events (plus flowdbg's ``Scope``)."""
        start = self.started.replace(microsecond=(self.started.microsecond // 1000) * 1000)
        return [e.to_history(start) for e in list(self.session.execution.events)]


class Store:
    """Flows by name and executions by (flow, name), in creation order."""

    def __init__(self):
        self.lock = threading.RLock()
        self.flows: dict[str, FlowRecord] = {}
        self.executions: dict[tuple[str, str], ServedExecution] = {}
        self._seq = 0

    def next_seq(self) -> int:
        with self.lock:
            self._seq += 1
            return self._seq

    def flow_executions(self, flow: str) -> list[ServedExecution]:
        with self.lock:
            return sorted((e for (f, _), e in self.executions.items() if f == flow), key=lambda e: e.seq)

    def all_executions(self) -> list[ServedExecution]:
        with self.lock:
            return sorted(self.executions.values(), key=lambda e: e.seq)

    def by_token(self, token: str) -> ServedExecution | None:
        """The execution a task token belongs to: flowdbg's tokens read
        ``v1#FLOW#EXECUTION#EVENT#HASH`` (see engine/execution.py)."""
        parts = token.split("#")
        with self.lock:
            if len(parts) >= 3:
                e = self.executions.get((parts[1], parts[2]))
                if e is not None and token in e.execution.pending:
                    return e
            for e in self.executions.values():  # a child execution's token, or another shape
                if token in e.execution.pending:
                    return e
        return None
