"""Following an execution that runs on CloudFlow (``flowdbg FLOW --cloud``).

The local session replays the cloud's history as it grows (``live``
record: it waits where the cloud has not got further). Two things cross
between them, both keyed by *which* submission of a state a task is (the
n-th TaskScheduled of that state, here and there; each side has its own
task tokens):

* a callback the cloud received (from the application) answers the local
  task that waits for it: :meth:`Follower.absorb` returns those reports;
* a callback given here by hand (the debugger's Callbacks dialog) is sent
  to CloudFlow as ReportTaskSucceeded/Failed: :meth:`Follower.outgoing`
  and :meth:`Follower.send`.

I/O (:meth:`fetch`, :meth:`send`) may run on any thread; the methods that
read the session must run where the session is idle.
"""
from __future__ import annotations

from typing import Any

from ..backends.callback_server import CallbackReport
from .record import MISSING, Record, RecordedTask, parse_record

_TOKEN_FIELDS = ("token", "taskToken", "TaskToken", "callbackToken")


def _path_to(value: Any, target: str, path=()):
    if value == target:
        return path
    if isinstance(value, dict):
        for k, v in value.items():
            p = _path_to(v, target, path + (k,))
            if p is not None:
                return p
    if isinstance(value, list):
        for i, v in enumerate(value):
            p = _path_to(v, target, path + (i,))
            if p is not None:
                return p
    return None


def _at(value: Any, path) -> Any:
    for p in path:
        try:
            value = value[p]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def cloud_token(task: RecordedTask, local_params: Any, local_token: str) -> str | None:
    """The cloud's token for a task: named in its TaskScheduled detail, or
    found where this run's request carries its own token."""
    for f in _TOKEN_FIELDS:
        v = task.scheduled.detail.get(f)
        if isinstance(v, str) and v:
            return v
    if task.parameters is MISSING:
        return None
    path = _path_to(local_params, local_token)
    v = _at(task.parameters, path) if path is not None else None
    return v if isinstance(v, str) and v else None


class Follower:
    def __init__(self, cloud, flow: str, name: str, replay):
        self.cloud, self.flow, self.name, self.replay = cloud, flow, name, replay
        self.record: Record = replay.source.record
        self.sent: set[int] = set()  # ids of the session's callback entries already handled
        self.posted: set[str] = set()  # local tokens answered from the cloud's record

    @property
    def finished(self) -> bool:
        return self.record.status != "Running"

    def fetch(self) -> Record:
        """The execution's history now (I/O)."""
        import json
        return parse_record(json.dumps(self.cloud.history(self.flow, self.name)), f"{self.flow}/{self.name}")

    def _which(self, session, local_token: str):
        """(state, n, local request) of the local task holding ``local_token``."""
        counts: dict[str, int] = {}
        for ev in list(session.execution.events):
            if ev.type == "TaskScheduled":
                n = counts.get(ev.state, 0)
                counts[ev.state] = n + 1
                if (ev.detail or {}).get("token") == local_token:
                    return ev.state, n, (ev.detail or {}).get("parameters")
        return None

    def absorb(self, record: Record, session) -> list[CallbackReport]:
        """Take a longer record; returns the reports that answer local tasks
        waiting for a callback the cloud has now received."""
        grew = len(record.events) != len(self.record.events) or record.status != self.record.status
        self.record = record
        if grew:
            self.replay.update(record)
        reports = []
        for p in session.execution.pending_tasks():
            if p.token in self.posted or p.scripted:
                continue
            which = self._which(session, p.token)
            task = record.task(which[0], which[1]) if which else None
            if task is None or task.outcome is None:
                continue
            self.posted.add(p.token)
            if task.outcome == "succeeded":
                out = task.output if isinstance(task.output, dict) else {}
                reports.append(CallbackReport(p.token, True, output=out))
            else:
                reports.append(CallbackReport(p.token, False, error=task.error or "FnF.TaskFailed",
                                              cause=task.cause or None))
        return reports

    def outgoing(self, session) -> list[tuple[str, dict]]:
        """Callbacks given here by hand that CloudFlow has not had: ``(cloud token, entry)``."""
        out = []
        for entry in list(session.inputs):
            if entry.get("k") != "callback" or id(entry) in self.sent or entry["token"] in self.posted:
                continue
            self.sent.add(id(entry))
            which = self._which(session, entry["token"])
            task = self.record.task(which[0], which[1]) if which else None
            if task is None or task.outcome is not None:
                continue  # the cloud answered it already: its answer is in the record
            token = cloud_token(task, which[2], entry["token"])
            if token:
                out.append((token, entry))
        return out

    def send(self, items: list[tuple[str, dict]]) -> list[str]:
        """ReportTaskSucceeded/Failed on CloudFlow (I/O); one line per report."""
        lines = []
        for token, e in items:
            what = "ReportTaskSucceeded" if e["succeeded"] else "ReportTaskFailed"
            try:
                self.cloud.report(token, succeeded=e["succeeded"], output=e.get("output"), error=e.get("error") or "",
                                  cause=e.get("cause") or "")
                lines.append(f"{what} sent to CloudFlow")
            except Exception as err:  # CloudError: refused or unreachable
                lines.append(f"{what} not sent to CloudFlow: {err}")
        return lines
