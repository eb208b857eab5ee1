"""The execution: the public API over frames, the scheduler and the pipeline.

An :class:`Execution` never runs on its own and never sleeps. Each call to
:meth:`Execution.step` performs one unit of work and returns the events it
produced. A unit runs one *frame* (the top level, one Parallel branch or one
Map iteration) from one pause to the next: to the boundary before its next
state (``enter``), to its next Retry attempt, or until it blocks on a timer,
a callback or its children. When nothing can run, the virtual clock jumps to
the next timer (decision 7); when nothing can run and no timer is set, the
execution is *waiting* (for a callback nobody has sent yet).

All of its state is plain data (see ``frames.py``), so :mod:`.checkpoint`
can copy it and a debugger can go back without replaying the whole run.

Semantics: docs/semantics.md and ../shared/fdl-reference.md "Project decisions".
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import events as E
from ..door import Door
from ..errors import RUNTIME_ERROR, TASK_TIMEOUT, FlowError
from ..expressions import Env, SeededRandom, compile_expression, type_name
from . import children, pipeline
from .frames import (FAILED, LIVE, RUNNING, STOPPED, SUCCEEDED, CallbackResult, ExecutionFail, Frame, Options,
                     Pending)
from .records import MISSING, StepRecord
from .scheduler import Scheduler
from .values import NO_OUTPUT_YET, SizeCheck, state_env

#: CloudFlow's limit of events per execution (Standard flows; the limits page).
MAX_EVENTS = 5000
EVENT_LIMIT_EXCEEDED = "FnF.EventLimitExceeded"
_Event = E.Event
_TERMINAL = frozenset((E.EXECUTION_SUCCEEDED, E.EXECUTION_FAILED, E.EXECUTION_STOPPED, E.EXECUTION_TIMED_OUT))


class Execution:
    """One run of a flow. Drive it with :meth:`step` (or :meth:`run`)."""

    def __init__(self, flow, input: Any, door: Door | None = None, options: Options | None = None):
        self.flow = flow
        self.input = input
        self.door = door or Door()
        self.options = options or Options()
        self.random = SeededRandom(self.options.seed)
        self.clock = 0.0
        self.events: list[E.Event] = []
        self.records: list[StepRecord] = []
        self.open_records: dict[int, StepRecord] = {}  # by index: the records not closed yet
        self.frames: list[Frame] = []
        self.pending: dict[str, Pending] = {}
        self.sched = Scheduler(self.pending)
        self.status = RUNNING
        self.output: Any = None
        self.error: FlowError | None = None
        self.steps = 0
        self.current: Frame | None = None
        self.started = False
        self.last_enter: Frame | None = None  # the frame whose last unit ended at an enter boundary
        self.sizes = SizeCheck(self.options.data_limit)
        limit = self.options.max_events
        self.max_events = limit if limit is not None else (0 if self.options.express else MAX_EVENTS)
        self.root = self.new_frame("", "execution", "execution", None, flow.scope, input)

    # -- public API --------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status != RUNNING

    @property
    def waiting(self) -> bool:
        """Running but nothing can progress until a callback arrives."""
        return (self.status == RUNNING and self.started and not self.sched.any_ready()
                and self.sched.next_timer() is None)

    def awaiting_user(self) -> bool:
        """Nothing can run now and a task waits for a callback that no
        script will send: only a person can move this execution on (or the
        clock, if a timer such as the task's Timeout is set)."""
        return (self.status == RUNNING and self.started and not self.sched.any_ready()
                and any(p.status == "waiting" and not p.scripted for p in self.pending.values()))

    def live_frames(self) -> list[Frame]:
        """Frames that are running or blocked (not done, failed or cancelled)."""
        return [f for f in self.frames if f.status in LIVE]

    def runnable(self) -> list[Frame]:
        return sorted((f for f in self.frames if f.status == "ready"), key=lambda f: f.seq)

    def next_timer(self) -> float | None:
        return self.sched.next_timer()

    def pending_tasks(self) -> list[Pending]:
        return [p for p in self.pending.values() if p.status == "waiting"]

    def step(self, frame_id: str | None = None) -> list[E.Event]:
        """Run one unit of work; return the events it produced.

        ``frame_id`` chooses which runnable frame advances (default: the
        frame that ran last if it still can, else its children, else the
        oldest runnable one). Raises ``BackendError`` when a backend is
        misconfigured (the execution is then unusable; replay its journal
        after fixing it).
        """
        first = len(self.events)
        self._unit(frame_id)
        return self.events[first:]

    def _unit(self, frame_id: str | None = None) -> bool:
        """One unit of work; False when there was none to run."""
        self.last_enter = None
        if self.status != RUNNING:
            return False
        if not self.started:
            self.started = True
            self.emit(E.EXECUTION_STARTED, "", "", {"input": self.input, "name": self.options.execution_name})
            self.sched.make_ready(self.root)
        try:
            frame = self.current
            if frame_id is not None or frame is None or frame.status != "ready":  # else: it goes on (pick's first rule)
                frame = self.sched.pick(frame, self.frames, frame_id)
            while frame is None and self._fire_next_timer():
                frame = self.sched.pick(self.current, self.frames, frame_id)
        except ExecutionFail as fail:
            self.finish(FAILED, error=fail.error)
            return False
        if frame is None:
            return False
        pipeline.run_unit(self, frame)
        self.steps += 1
        return True

    def run(self, max_steps: int | None = None) -> None:
        """Step until finished or waiting (or ``max_steps`` units)."""
        unit = self._unit
        if max_steps is None:
            while unit():
                pass
            return
        n = 0
        while n < max_steps and unit():
            n += 1

    def report(self, token: str, *, succeeded: bool, output: Any = None, error: str | None = None,
               cause: str = "") -> CallbackResult:
        """ReportTaskSucceeded / ReportTaskFailed on ``token``. A refusal
        changes nothing and says why. ``output`` must already be parsed JSON."""
        why = self.refusal(token)
        if why is not None:
            return CallbackResult(False, why)
        p = self.pending[token]
        if succeeded:
            if not isinstance(output, dict):
                return CallbackResult(False, f"output must be a JSON object (a state's output is one), got "
                                             f"{type_name(output)}")
            try:
                json.dumps(output, allow_nan=False)
            except (TypeError, ValueError, RecursionError) as e:
                return CallbackResult(False, f"output is not JSON: {e}")
        elif not error:
            return CallbackResult(False, "ReportTaskFailed needs an error name")
        p.status = "answered"
        p.frame.send = ("ok", output) if succeeded else ("error", FlowError(error, cause or ""))
        self.sched.make_ready(p.frame)
        return CallbackResult(True)

    def refusal(self, token: str) -> str | None:
        """Why a report on ``token`` would be refused now, or None. Only
        reads state, so another thread may ask (the callback endpoint)."""
        p = self.pending.get(token)
        if p is None:
            return f"unknown task token {token!r}"
        if p.status != "waiting":
            why = {"answered": "was already answered", "timed_out": "timed out",
                   "stopped": "was stopped (its Parallel/Map or the execution ended)"}[p.status]
            return f"task {p.state!r} ({p.scope or 'top level'}) {why}"
        return None

    def stop(self, reason: str = "stopped by the user") -> None:
        if self.status != RUNNING:
            return
        self.status = STOPPED
        self.error = FlowError("FnF.ExecutionStopped", reason)
        self.stop_pending(lambda p: True)
        self.emit(E.EXECUTION_STOPPED, "", "", {"reason": reason})

    def evaluate_at(self, text: str, record: StepRecord, frame: Frame | None = None) -> Any:
        """A watch's value at ``record``: an FDL expression, or in a legacy flow one over
        ``$input``/``$local``/``$context``. Raises ExpressionError."""
        if getattr(self.flow, "format", "v1") == "legacy":
            from .legacy.watch import value_at
            return value_at(self, text, record, frame)
        return compile_expression(text).evaluate(self.evaluation_env(record))

    def condition_at(self, text: str, record: StepRecord, frame: Frame | None = None) -> bool:
        """A breakpoint condition at ``record`` (see :meth:`evaluate_at`)."""
        if getattr(self.flow, "format", "v1") == "legacy":
            from .legacy.watch import condition_at
            return condition_at(self, text, record, frame)
        return compile_expression(text).evaluate_condition(self.evaluation_env(record))

    def evaluation_env(self, record: StepRecord) -> Env:
        """An Env for watches and breakpoint conditions at ``record``."""
        if record.result is not MISSING:
            out = record.output if record.output is not MISSING else record.result
            return state_env(record, record.effective_input, SeededRandom(0), output=out,
                             limit=self.options.data_limit)
        return state_env(record, record.effective_input, SeededRandom(0), unavailable=NO_OUTPUT_YET,
                         limit=self.options.data_limit)

    # -- frames ---------------------------------------------------------------
    def new_frame(self, fid: str, label: str, kind: str, parent: Frame | None, scope, input: Any,
                  index: int = 0) -> Frame:
        f = Frame(fid, label, kind, self.sched.next_seq(), parent, scope, input, index)
        self.frames.append(f)
        return f

    def block(self, f: Frame, wait: str, until: float | None = None) -> None:
        """``f`` waits: for a timer at ``until``, a callback (``token``) or its children."""
        f.status, f.wait = "blocked", wait
        if until is not None:
            self.sched.add_timer(until, "wake", f)

    def frame_done(self, f: Frame, output: Any) -> None:
        f.status, f.output, f.state = "done", output, None
        if f is self.root:
            self.finish(SUCCEEDED, output=output)
        else:
            children.child_done(self, f, output)

    def frame_failed(self, f: Frame, err: FlowError) -> None:
        f.status, f.error = "failed", err
        if f is self.root:
            self.finish(FAILED, error=err)
        else:
            children.child_failed(self, f, err)

    def stop_pending(self, which) -> None:
        for p in self.pending.values():
            if p.status == "waiting" and which(p):
                p.status = "stopped"

    def finish(self, status: str, output: Any = None, error: FlowError | None = None) -> None:
        self.status, self.output, self.error = status, output, error
        for fr in self.frames:
            if fr.status in LIVE:
                fr.status = "cancelled"
        for rec in self.open_records.values():
            rec.closed = True
        self.open_records.clear()
        self.stop_pending(lambda p: True)
        if status == SUCCEEDED:
            self.emit(E.EXECUTION_SUCCEEDED, "", "", {"output": output})
        else:
            self.emit(E.EXECUTION_FAILED, "", "", {"error": error.to_json() if error else None})

    # -- events and records ---------------------------------------------------
    def emit(self, type_: str, state: str, scope: str, detail: Any = None, schedule_id: int = 0,
             step: int = -1) -> E.Event:
        events = self.events
        n = len(events) + 1
        if self.max_events and n >= self.max_events and type_ not in _TERMINAL:
            raise ExecutionFail(FlowError(EVENT_LIMIT_EXCEEDED, f"the execution reached CloudFlow's limit of "
                                          f"{self.max_events:,} events per execution (at {type_} of state "
                                          f"{state!r}); raise it with --max-events if your account's limit is higher"))
        ev = _Event(n, type_, self.clock, state, scope, detail, schedule_id, step)
        events.append(ev)
        return ev

    def close(self, rec: StepRecord) -> None:
        rec.closed = True
        self.open_records.pop(rec.index, None)

    def task_token(self, rec: StepRecord, event_id: int) -> str:
        h = hashlib.sha256(f"{self.options.seed}:{rec.index}:{event_id}:{self.random.uuid()}".encode()).hexdigest()[:16]
        return f"v1#{self.flow.name}#{self.options.execution_name}#{event_id}#{h}"

    # -- timers ------------------------------------------------------------------
    def _fire_next_timer(self) -> bool:
        t = self.sched.pop_timer()
        if t is None:
            return False
        when, _, kind, data = t
        self.clock = max(self.clock, when)
        if kind == "wake":
            self.sched.make_ready(data)
        elif kind == "timeout":
            p = self.pending[data[0]]
            p.status = "timed_out"
            late = next(((w, d[1]) for w, _, k, d in self.sched.timers if k == "script" and d[0] == p.token), None)
            if late is not None:  # the mock file's callback comes too late: say so, it is not silently used up
                due, script = late
                self.emit(E.CALLBACK_REFUSED, p.state, p.scope, {
                    "token": p.token, "scripted": True, "due": due, "entry": script.get("entry"),
                    "reason": f"the scripted callback is due at {due:g} s, after the task's Timeout at {when:g} s"})
            p.frame.send = ("error", FlowError(TASK_TIMEOUT, f"task {p.state!r} got no callback within its Timeout"))
            self.sched.make_ready(p.frame)
        elif kind == "script":
            token, answer = data
            if "succeed" in answer:
                res = self.report(token, succeeded=True, output=answer["succeed"])
            else:
                fail = answer["fail"]
                res = self.report(token, succeeded=False, error=fail["error"], cause=str(fail.get("cause", "")))
            if not res.accepted:
                p = self.pending[token]
                self.emit(E.CALLBACK_REFUSED, p.state, p.scope, {"token": token, "reason": res.reason,
                                                                  "scripted": True})
        return True


__all__ = ["Execution", "ExecutionFail", "MAX_EVENTS", "EVENT_LIMIT_EXCEEDED", "RUNTIME_ERROR"]
