"""A recorded execution: CloudFlow's GetExecutionHistory read back.

Accepted: the response body (``{"Events": [...], "NextToken", "RequestId"}``),
several pages concatenated as a JSON array of such bodies, or a bare array of
events. Each event: ``EventId``, ``ScheduleEventId``, ``StepName``, ``Type``,
``Time`` (ISO 8601) and ``EventDetail`` (a JSON string, as the API gives it,
or an object); flowdbg's own exports add ``Scope``. Field names are also read
in lowerCamelCase, the form other SDKs print.

From the details only what flowdbg needs is read, leniently (docs/serve.md
"Replaying a history"): the execution input (ExecutionStarted ``input``), a
step's ``input`` and ``output``, a task's ``parameters``, its ``output`` and
its ``error`` (``{"Code", "Detail"}``, or a string with ``cause``).
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from .. import events as E
from ..files import file_problem

MISSING = object()
OUTCOMES = {E.TASK_SUCCEEDED: "succeeded", E.TASK_FAILED: "failed", E.TASK_SUBMIT_FAILED: "submit_failed",
            E.TASK_TIMED_OUT: "timed_out"}
ENDS = {E.EXECUTION_SUCCEEDED: "Succeeded", E.EXECUTION_FAILED: "Failed", E.EXECUTION_STOPPED: "Stopped",
        E.EXECUTION_TIMED_OUT: "TimedOut"}


class RecordError(ValueError):
    """The history cannot be read; the message says where and why."""


@dataclass
class RecordedEvent:
    id: int
    schedule_id: int
    type: str
    state: str
    time: float  # seconds since the first event
    detail: dict
    scope: str | None = None


@dataclass
class RecordedTask:
    """One submission of a Task state and what became of it."""

    state: str
    scheduled: RecordedEvent
    parameters: Any = MISSING
    submitted: RecordedEvent | None = None
    outcome: str | None = None  # succeeded | failed | submit_failed | timed_out; None = still running
    output: Any = MISSING
    error: str = ""
    cause: str = ""
    ended: RecordedEvent | None = None

    @property
    def duration(self) -> float:
        return max(0.0, self.ended.time - self.scheduled.time) if self.ended else 0.0

    @property
    def wait(self) -> float:
        """Seconds from the submission to the callback (callback tasks)."""
        since = self.submitted or self.scheduled
        return max(0.0, self.ended.time - since.time) if self.ended else 0.0


@dataclass
class Record:
    path: str
    events: list[RecordedEvent]
    start: datetime.datetime | None
    input: Any = field(default_factory=dict)
    name: str = ""
    status: str = "Running"  # the end event's, or Running when there is none (yet)
    error: str = ""
    tasks: dict[str, list[RecordedTask]] = field(default_factory=dict)
    scoped: bool = False  # every step event names its scope (a flowdbg export)

    def task(self, state: str, n: int) -> RecordedTask | None:
        runs = self.tasks.get(state, ())
        return runs[n] if n < len(runs) else None


def _get(d: dict, *names, default=MISSING):
    for n in names:
        if n in d:
            return d[n]
        camel = n[0].lower() + n[1:]
        if camel in d:
            return d[camel]
    return default


def _maybe_json(v: Any) -> Any:
    """CloudFlow may give a value as JSON text; flowdbg gives it parsed."""
    if isinstance(v, str) and v[:1] in ("{", "["):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def error_of(detail: dict) -> tuple[str, str]:
    err = _get(detail, "error", "Error", default=None)
    cause = _get(detail, "cause", "Cause", default="")
    if isinstance(err, dict):
        return str(_get(err, "Code", "Error", default="")), str(_get(err, "Detail", "Cause", default=cause) or "")
    return (str(err) if err is not None else ""), str(cause or "")


def parse_time(text: Any) -> datetime.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        t = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def _raw_events(data: Any, path: str) -> list[dict]:
    if isinstance(data, dict):
        events = _get(data, "Events", default=None)
        if events is None and "body" in data and isinstance(data["body"], dict):  # a whole SDK response
            events = _get(data["body"], "Events", default=None)
        if not isinstance(events, list):
            raise RecordError(f"{path}: no 'Events' list: this is not a GetExecutionHistory response")
        return events
    if isinstance(data, list):
        if all(isinstance(x, dict) and _get(x, "Events", default=None) is not None for x in data) and data:
            return [e for page in data for e in _get(page, "Events")]
        return data
    raise RecordError(f"{path}: expected a GetExecutionHistory response (an object with 'Events'), "
                      f"got {type(data).__name__}")


def _event_starts(text: str) -> list[int]:
    """Where each event of the ``Events`` array starts in ``text`` (offsets),
    found only when an event is refused, so the message can say ``path:line:col``.
    [] for a shape this scanner does not follow (pages of a paged history)."""
    dec = json.JSONDecoder()
    ws = " \t\r\n"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    def items(i: int) -> list[int]:  # text[i] == "[": the start of each element
        out, i = [], skip(i + 1)
        while i < len(text) and text[i] != "]":
            out.append(i)
            _, i = dec.raw_decode(text, i)
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i = skip(i + 1)
        return out

    def key_array(i: int, names) -> int | None:  # text[i] == "{": the "[" of a member named in names
        i = skip(i + 1)
        while i < len(text) and text[i] != "}":
            key, i = dec.raw_decode(text, i)
            i = skip(skip(i) + 1)  # past the colon
            if key in names and text[i] == "[":
                return i
            if key == "body" and text[i] == "{":
                found = key_array(i, names)
                if found is not None:
                    return found
            _, i = dec.raw_decode(text, i)
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i = skip(i + 1)
        return None
    try:
        i = skip(0)
        if text[i:i + 1] == "[":
            return items(i)
        if text[i:i + 1] == "{":
            at = key_array(i, ("Events", "events"))
            return items(at) if at is not None else []
    except (ValueError, IndexError):
        pass
    return []


def _at(text: str, path: str, index: int, paged: bool = False) -> str:
    """``path:line:col: event N`` for the event at ``index`` (``path: event N`` when it cannot be placed)."""
    starts = [] if paged else _event_starts(text)
    if index < len(starts):
        off = starts[index]
        line = text.count("\n", 0, off) + 1
        return f"{path}:{line}:{off - (text.rfind(chr(10), 0, off) + 1) + 1}: event {index + 1}"
    return f"{path}: event {index + 1}"


def parse_record(text: str, path: str = "<history>") -> Record:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        from ..file_kinds import not_json_but
        raise RecordError(not_json_but(text, path, "an execution history")
                          or f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    raws = _raw_events(data, path)
    paged = isinstance(data, list) and raws is not data  # pages of a paged history: events are not placed
    if not raws:
        raise RecordError(f"{path}: the history has no events")
    events: list[RecordedEvent] = []
    start = None
    for i, raw in enumerate(raws):
        where = f"{path}: event {i + 1}"
        if not isinstance(raw, dict) or not isinstance(_get(raw, "Type", default=None), str):
            where = _at(text, path, i, paged)  # a refusal follows: say where, line and column
        if not isinstance(raw, dict):
            raise RecordError(f"{where}: an event must be an object")
        etype = _get(raw, "Type", default=None)
        if not isinstance(etype, str):
            raise RecordError(f"{where}: no 'Type'")
        d = _get(raw, "EventDetail", default={})
        if isinstance(d, str):
            try:
                d = json.loads(d) if d.strip() else {}
            except ValueError:
                raise RecordError(f"{_at(text, path, i, paged)} ({etype}): EventDetail is not JSON text") from None
        if not isinstance(d, dict):
            d = {"value": d}
        t = parse_time(_get(raw, "Time", default=None))
        if start is None and t is not None:
            start = t
        try:
            eid = int(_get(raw, "EventId", default=i + 1))
            sid = int(_get(raw, "ScheduleEventId", default=0) or 0)
        except (TypeError, ValueError):
            raise RecordError(f"{_at(text, path, i, paged)}: EventId and ScheduleEventId must be integers") from None
        scope = _get(raw, "Scope", default=None)
        events.append(RecordedEvent(eid, sid, etype, str(_get(raw, "StepName", default="") or ""),
                                    (t - start).total_seconds() if t and start else 0.0, d,
                                    scope if isinstance(scope, str) else None))
    events.sort(key=lambda e: e.id)
    return _summarize(Record(path, events, start))


def _summarize(rec: Record) -> Record:
    open_tasks: dict[int, RecordedTask] = {}
    for e in rec.events:
        if e.type == E.EXECUTION_STARTED:
            rec.input = _maybe_json(_get(e.detail, "input", "Input", default={}))
            rec.name = str(_get(e.detail, "name", "Name", "executionName", default="") or "")
        elif e.type in ENDS:
            rec.status = ENDS[e.type]
            code, cause = error_of(e.detail)
            rec.error = f"{code}: {cause}" if cause else code
        elif e.type == E.TASK_SCHEDULED:
            t = RecordedTask(e.state, e, _maybe_json(_get(e.detail, "parameters", "Parameters", "input", "Input")))
            rec.tasks.setdefault(e.state, []).append(t)
            open_tasks[e.id] = t
        elif e.type in (E.TASK_SUBMITTED, *OUTCOMES):
            t = open_tasks.get(e.schedule_id) or _last_open(rec, e.state)
            if t is None:
                continue
            if e.type == E.TASK_SUBMITTED:
                t.submitted = e
                continue
            t.outcome, t.ended = OUTCOMES[e.type], e
            if e.type == E.TASK_SUCCEEDED:
                t.output = _maybe_json(_get(e.detail, "output", "Output", default=None))
            else:
                t.error, t.cause = error_of(e.detail)
                if e.type == E.TASK_TIMED_OUT and not t.error:
                    t.error = "FnF.TaskTimeout"
            open_tasks.pop(t.scheduled.id, None)
    rec.scoped = all(e.scope is not None for e in rec.events if e.state)
    return rec


def _last_open(rec: Record, state: str) -> RecordedTask | None:
    """A history without ScheduleEventIds: the state's latest unfinished task."""
    for t in reversed(rec.tasks.get(state, [])):
        if t.outcome is None:
            return t
    return None


def load_record(path: str) -> Record:
    problem = file_problem(path)
    if problem is not None:
        raise RecordError(f"{path}: {problem}")
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as e:
        raise RecordError(f"{path}: cannot read it: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise RecordError(f"{path}: the history is not UTF-8 text") from None
    return parse_record(text, path)
