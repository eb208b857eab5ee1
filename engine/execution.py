"""Execute: a steppable interpreter for one CloudFlow execution.

An :class:`Execution` never runs on its own and never sleeps. Each call to
:meth:`Execution.step` performs one unit of work and returns the events it
produced. A unit runs one *frame* (the top level, one Parallel branch or one
Map iteration) from one pause to the next: either to the boundary before
its next state (``enter``) or until it blocks on a timer, a callback or its
children. When nothing can run, the virtual clock jumps to the next timer
(decision 7). When nothing can run and no timer is set, the execution is
*waiting* (for a callback nobody has sent yet).

Each state runs as a pipeline of named stages, recorded in a
:class:`StepRecord`: raw input -> InputConstructor -> Parameters -> invoke
-> result or error -> Retry/Catch decision -> OutputConstructor -> next.

Semantics: docs/semantics.md and ../shared/fdl-reference.md "Project decisions".
"""
from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import dataclass, field
from typing import Any, Generator

from . import events as E
from .backends.base import FunctionRequest, FunctionResponse
from .backends.fc import body_to_bytes, parse_function_arn, result_from_payload
from .door import Door
from .errors import ALL, DATA_LIMIT_EXCEEDED, RUNTIME_ERROR, TASK_TIMEOUT, FlowError
from .expressions import Env, ExpressionError, SeededRandom, flow_error_code, type_name
from .expressions.values import MAX_DEPTH, nesting_exceeds
from .model import (ChoiceState, FailState, Flow, MapState, ParallelState, PassState, Scope,
                    SucceedState, TaskState, WaitState)
from .schema import DEFAULT_DATA_LIMIT, WAIT_SECONDS

MISSING = object()

RUNNING, SUCCEEDED, FAILED, STOPPED = "Running", "Succeeded", "Failed", "Stopped"


class _ExecutionFail(Exception):
    """A Fail state: ends the whole execution (decision 6)."""

    def __init__(self, error: FlowError):
        self.error = error


# -- inspection records -----------------------------------------------------

@dataclass(eq=False, slots=True)
class StepRecord:
    """Everything one state activation went through, stage by stage.
    Values are ``MISSING`` until the stage happened."""

    index: int
    frame: str
    state: str
    type: str
    entered_at: float
    raw_input: Any
    input: Any = MISSING
    parameters: Any = MISSING
    attempts: list = field(default_factory=list)  # {attempt, token, request, response|error, at}
    retries: list = field(default_factory=list)  # {rule, attempt, wait, error}
    catch: dict | None = None  # {rule, next, error}
    choice: list = field(default_factory=list)  # {index, condition, value|error}
    result: Any = MISSING
    output: Any = MISSING
    next: str | None = None
    error: dict | None = None
    status: str = "running"  # running | waiting | succeeded | failed | caught
    exited_at: float | None = None
    notes: list = field(default_factory=list)
    retry_count: int = 0
    token: str | None = None
    first_event: int = 0
    execution_name: str = ""
    execution_input: Any = None

    def context(self, output: Any = MISSING) -> dict:
        """``$Context`` as this state sees it (decision: RoleArn is empty)."""
        cur: dict = {"Name": self.state, "Input": self.input if self.input is not MISSING else self.raw_input,
                     "RetryCount": self.retry_count}
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
        def v(x):
            return None if x is MISSING else x
        return {"index": self.index, "frame": self.frame, "state": self.state, "type": self.type,
                "entered_at": self.entered_at, "raw_input": self.raw_input, "input": v(self.input),
                "parameters": v(self.parameters), "attempts": self.attempts, "retries": self.retries,
                "catch": self.catch, "choice": self.choice, "result": v(self.result), "output": v(self.output),
                "next": self.next, "error": self.error, "status": self.status, "exited_at": self.exited_at,
                "notes": self.notes}


# -- frames (scopes that run) -------------------------------------------------

@dataclass(eq=False)
class Frame:
    id: str
    label: str
    kind: str  # execution | branch | iteration
    seq: int
    parent: "Frame | None"
    gen: Generator | None = None
    status: str = "ready"  # ready | blocked | done | failed | cancelled
    wait: str | None = None  # enter | timer | token | children
    state: str | None = None  # the state it is at
    record: StepRecord | None = None
    send: Any = None
    output: Any = None
    error: FlowError | None = None
    group: Any = None  # the _Group it belongs to (as a branch or iteration)
    owned: Any = None  # the _Group of children it waits on (a running Parallel/Map)
    index: int = 0  # branch or iteration index


@dataclass(eq=False)
class _Group:
    """The children of one Parallel or Map activation."""

    parent: Frame
    state: str
    kind: str  # branch | iteration
    inputs: list
    scopes: list  # a Scope per child
    limit: int  # max active at once, 0 = all
    record: int = -1  # index of the Parallel/Map state's StepRecord
    results: list = field(default_factory=list)
    started: int = 0
    finished: int = 0
    active: int = 0
    children: list = field(default_factory=list)
    error: FlowError | None = None
    ready: list = field(default_factory=list)  # heap of this group's ready children


@dataclass
class Pending:
    """A task waiting for ReportTaskSucceeded/ReportTaskFailed."""

    token: str
    state: str
    scope: str
    since: float
    timeout_at: float | None
    status: str = "waiting"  # waiting | answered | timed_out | stopped
    frame: Frame | None = None
    scripted: bool = False  # the mock file answers it (a timer delivers the answer)

    def to_json(self) -> dict:
        return {"token": self.token, "state": self.state, "scope": self.scope, "since": self.since,
                "timeout_at": self.timeout_at, "status": self.status}


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


MAX_CHILD_DEPTH = 10


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _matches(errors: tuple[str, ...], code: str) -> bool:
    return code in errors or ALL in errors


class Execution:
    """One run of a flow. Drive it with :meth:`step` (or :meth:`run`)."""

    def __init__(self, flow: Flow, input: Any, door: Door | None = None, options: Options | None = None):
        self.flow = flow
        self.input = input
        self.door = door or Door()
        self.options = options or Options()
        self.random = SeededRandom(self.options.seed)
        self.clock = 0.0
        self.events: list[E.Event] = []
        self.records: list[StepRecord] = []
        self.frames: list[Frame] = []
        self.pending: dict[str, Pending] = {}
        self.status = RUNNING
        self.output: Any = None
        self.error: FlowError | None = None
        self.steps = 0
        self.current: Frame | None = None
        self._ready: list = []  # heap of (seq, frame)
        self._timers: list = []  # heap of (time, seq, kind, data)
        self._seq = 0
        self._started = False
        self.last_enter: Frame | None = None  # the frame whose last unit ended at an enter boundary
        self.root = self._new_frame("", "execution", "execution", None, flow.scope, input)

    # -- public API --------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status != RUNNING

    @property
    def waiting(self) -> bool:
        """Running but nothing can progress until a callback arrives."""
        return self.status == RUNNING and self._started and self._pick_ready() is None and self.next_timer() is None

    def awaiting_user(self) -> bool:
        """Nothing can run now and a task waits for a callback that no
        script will send: only a person can move this execution on (or the
        clock, if a timer such as the task's Timeout is set)."""
        return (self.status == RUNNING and self._started and self._pick_ready() is None
                and any(p.status == "waiting" and not p.scripted for p in self.pending.values()))

    def live_frames(self) -> list[Frame]:
        """Frames that are running or blocked (not done, failed or cancelled)."""
        return [f for f in self.frames if f.status in ("ready", "blocked")]

    def runnable(self) -> list[Frame]:
        return sorted((f for f in self.frames if f.status == "ready"), key=lambda f: f.seq)

    def next_timer(self) -> float | None:
        while self._timers and not self._timer_live(self._timers[0]):
            heapq.heappop(self._timers)
        return self._timers[0][0] if self._timers else None

    def pending_tasks(self) -> list[Pending]:
        return [p for p in self.pending.values() if p.status == "waiting"]

    def step(self, frame_id: str | None = None) -> list[E.Event]:
        """Run one unit of work; return the events it produced.

        ``frame_id`` chooses which runnable frame advances (default: the
        frame that ran last if it still can, else the oldest runnable one).
        Raises ``BackendError`` when a backend is misconfigured (the
        execution is then unusable; replay its journal after fixing it).
        """
        first = len(self.events)
        self.last_enter = None
        if self.finished:
            return []
        if not self._started:
            self._started = True
            self._emit(E.EXECUTION_STARTED, "", "", {"input": self.input, "name": self.options.execution_name})
            self._make_ready(self.root)
        frame = self._pick(frame_id)
        while frame is None and self._fire_next_timer():
            frame = self._pick(frame_id)
        if frame is not None:
            self._run(frame)
            self.steps += 1
        return self.events[first:]

    def run(self, max_steps: int | None = None) -> None:
        """Step until finished or waiting (or ``max_steps`` units)."""
        n = 0
        while not self.finished:
            before = self.steps
            self.step()
            if self.steps == before:
                break
            n += 1
            if max_steps is not None and n >= max_steps:
                break

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
            except (TypeError, ValueError) as e:
                return CallbackResult(False, f"output is not JSON: {e}")
        elif not error:
            return CallbackResult(False, "ReportTaskFailed needs an error name")
        p.status = "answered"
        p.frame.send = ("ok", output) if succeeded else ("error", FlowError(error, cause or ""))
        self._make_ready(p.frame)
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
        if self.finished:
            return
        self.status = STOPPED
        self.error = FlowError("FnF.ExecutionStopped", reason)
        self._stop_pending(lambda p: True)
        self._emit(E.EXECUTION_STOPPED, "", "", {"reason": reason})

    def evaluation_env(self, record: StepRecord) -> Env:
        """An Env for watches and breakpoint conditions at ``record``."""
        roots = {"$Input": record.input if record.input is not MISSING else record.raw_input,
                 "$Context": record.context()}
        unavailable = {"$Output": "$Output is only available in OutputConstructor (the state has not produced output)"}
        if record.result is not MISSING:
            roots["$Output"] = record.output if record.output is not MISSING else record.result
            unavailable = {}
        return Env(roots=roots, random=SeededRandom(0), unavailable=unavailable)

    # -- scheduling --------------------------------------------------------
    def _new_frame(self, fid: str, label: str, kind: str, parent: Frame | None, scope: Scope, input: Any,
                   index: int = 0) -> Frame:
        self._seq += 1
        f = Frame(fid, label, kind, self._seq, parent, index=index)
        f.gen = self._scope_gen(f, scope, input)
        self.frames.append(f)
        return f

    def _make_ready(self, f: Frame) -> None:
        f.status = "ready"
        entry = (f.seq, id(f), f)
        heapq.heappush(self._ready, entry)
        if f.group is not None:
            heapq.heappush(f.group.ready, entry)

    @staticmethod
    def _first_ready(heap: list) -> Frame | None:
        while heap:
            f = heap[0][2]
            if f.status == "ready":
                return f
            heapq.heappop(heap)
        return None

    def _pick_ready(self) -> Frame | None:
        while self._ready:
            f = self._ready[0][2]
            if f.status == "ready":
                return f
            heapq.heappop(self._ready)
        return None

    def _pick(self, frame_id: str | None) -> Frame | None:
        if frame_id is not None:
            for f in self.frames:
                if f.id == frame_id and f.status == "ready":
                    return f
            return None
        cur = self.current
        if cur is not None:
            # Depth first, like a debugger following one thread: the frame that
            # ran last, else its own branches/iterations, else its siblings.
            if cur.status == "ready":
                return cur
            for g in (cur.owned, cur.group):
                f = self._first_ready(g.ready) if g is not None else None
                if f is not None:
                    return f
        while self._ready:
            _, _, f = self._ready[0]
            if f.status == "ready":
                return f
            heapq.heappop(self._ready)
        return None

    def _timer_live(self, t) -> bool:
        _, _, kind, data = t
        if kind == "wake":
            return data.status == "blocked"
        return self.pending.get(data[0]) is not None and self.pending[data[0]].status == "waiting"

    def _add_timer(self, when: float, kind: str, data) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (when, self._seq, kind, data))

    def _fire_next_timer(self) -> bool:
        while self._timers:
            t = heapq.heappop(self._timers)
            if not self._timer_live(t):
                continue
            when, _, kind, data = t
            self.clock = max(self.clock, when)
            if kind == "wake":
                self._make_ready(data)
            elif kind == "timeout":
                p = self.pending[data[0]]
                p.status = "timed_out"
                p.frame.send = ("error", FlowError(TASK_TIMEOUT, f"task {p.state!r} got no callback within its Timeout"))
                self._make_ready(p.frame)
            elif kind == "script":
                token, answer = data
                if "succeed" in answer:
                    self.report(token, succeeded=True, output=answer["succeed"])
                else:
                    fail = answer["fail"]
                    self.report(token, succeeded=False, error=fail["error"], cause=str(fail.get("cause", "")))
            return True
        return False

    def _run(self, f: Frame) -> None:
        self.current = f
        value, f.send = f.send, None
        try:
            instr = f.gen.send(value)
        except StopIteration as stop:
            self._frame_done(f, stop.value)
            return
        except FlowError as err:
            self._frame_failed(f, err)
            return
        except _ExecutionFail as fail:
            self._finish(FAILED, error=fail.error)
            return
        kind = instr[0]
        f.wait = kind
        if kind == "enter":
            self.last_enter = f
            return  # stays ready
        f.status = "blocked"
        if kind == "timer":
            self._add_timer(instr[1], "wake", f)
        # token / children: woken by report() or by the children finishing

    # -- frame completion ----------------------------------------------------
    def _frame_done(self, f: Frame, output: Any) -> None:
        f.status, f.output, f.state = "done", output, None
        g = f.group
        if f is self.root:
            self._finish(SUCCEEDED, output=output)
            return
        self._emit(E.BRANCH_EXITED if f.kind == "branch" else E.ITERATION_EXITED, g.state, f.id, {"output": output},
                   step=g.record)
        g.results[f.index] = output
        g.finished += 1
        g.active -= 1
        if g.error is None:
            self._start_children(g)
            if g.finished == len(g.inputs):
                self._make_ready(g.parent)

    def _frame_failed(self, f: Frame, err: FlowError) -> None:
        f.status, f.error = "failed", err
        if f is self.root:
            self._finish(FAILED, error=err)
            return
        g = f.group
        self._emit(E.BRANCH_EXITED if f.kind == "branch" else E.ITERATION_EXITED, g.state, f.id,
                   {"error": err.to_json()}, step=g.record)
        g.active -= 1
        if g.error is None:
            g.error = FlowError(err.code, f"{f.label}: {err.detail}" if err.detail else f.label)
            self._cancel_group(g)
            self._make_ready(g.parent)

    def _cancel_group(self, g: _Group) -> None:
        """Stop the live children of ``g`` and everything running inside them."""
        members = {id(c) for c in g.children}

        def inside(fr: Frame) -> bool:
            while fr is not None:
                if id(fr) in members:
                    return True
                fr = fr.parent
            return False
        doomed = {id(fr) for fr in self.frames if fr.status in ("ready", "blocked") and inside(fr)}
        for fr in self.frames:
            if id(fr) in doomed:
                fr.status = "cancelled"
                if fr.gen is not None:
                    fr.gen.close()
        self._stop_pending(lambda p: p.frame is not None and id(p.frame) in doomed)

    def _stop_pending(self, which) -> None:
        for p in self.pending.values():
            if p.status == "waiting" and which(p):
                p.status = "stopped"

    def _finish(self, status: str, output: Any = None, error: FlowError | None = None) -> None:
        self.status, self.output, self.error = status, output, error
        for fr in self.frames:
            if fr.status in ("ready", "blocked"):
                fr.status = "cancelled"
                if fr is not self.current and fr.gen is not None:
                    fr.gen.close()
        self._stop_pending(lambda p: True)
        if status == SUCCEEDED:
            self._emit(E.EXECUTION_SUCCEEDED, "", "", {"output": output})
        else:
            self._emit(E.EXECUTION_FAILED, "", "", {"error": error.to_json() if error else None})

    # -- events --------------------------------------------------------------
    def _emit(self, type_: str, state: str, scope: str, detail: Any = None, schedule_id: int = 0,
              step: int = -1) -> E.Event:
        ev = E.Event(len(self.events) + 1, type_, self.clock, state, scope, detail, schedule_id, step)
        self.events.append(ev)
        return ev

    # -- children -------------------------------------------------------------
    def _start_children(self, g: _Group) -> None:
        n = len(g.inputs)
        while g.started < n and (g.limit <= 0 or g.active < g.limit):
            i = g.started
            g.started += 1
            g.active += 1
            parent = g.parent
            prefix = f"{parent.id}/" if parent.id else ""
            if g.kind == "branch":
                fid, label = f"{prefix}{g.state}.Branch{i}", f"{g.state}.Branch{i}"
            else:
                fid, label = f"{prefix}{g.state}[{i}]", f"{g.state}[{i}]"
            if parent.label != "execution":
                label = f"{parent.label} > {label}"
            child = self._new_frame(fid, label, g.kind, parent, g.scopes[i], g.inputs[i], index=i)
            child.group = g
            g.children.append(child)
            self._emit(E.BRANCH_ENTERED if g.kind == "branch" else E.ITERATION_ENTERED, g.state, fid,
                       {"input": g.inputs[i], "index": i}, step=g.record)
            self._make_ready(child)

    # -- the interpreter proper ------------------------------------------------
    def _scope_gen(self, f: Frame, scope: Scope, raw: Any):
        name = scope.start_at
        states = scope.states
        while True:
            state = states[name]
            f.state = name
            rec = StepRecord(len(self.records), f.id, name, state.type, self.clock, raw,
                             execution_name=self.options.execution_name, execution_input=self.input)
            rec.first_event = len(self.events) + 1
            self.records.append(rec)
            f.record = rec
            self._emit(E.STEP_ENTERED, name, f.id, {"input": raw}, step=rec.index)
            yield ("enter",)
            out, nxt = yield from self._state_gen(f, state, rec)
            rec.exited_at = self.clock
            if nxt is None:
                return out
            name, raw = nxt, out

    def _state_gen(self, f: Frame, state, rec: StepRecord):
        """Run one state; return ``(output, next_state_or_None)``."""
        try:
            self._check_size(rec.raw_input, rec, "input")
            inp = self._construct(state.input, rec, rec.raw_input) if state.input is not None else rec.raw_input
            rec.input = inp
            t = type(state)
            if t is PassState or t is SucceedState:
                result = inp
            elif t is ChoiceState:
                return inp, self._choose(state, rec, inp)
            elif t is WaitState:
                result = yield from self._wait(state, rec, inp)
            elif t is FailState:
                err = FlowError(state.code or "", state.detail or "")
                rec.error, rec.status = err.to_json(), "failed"
                self._emit(E.STEP_FAILED, state.name, f.id, {"error": err.to_json()}, step=rec.index)
                raise _ExecutionFail(err)
            else:
                result = yield from self._with_retry(f, state, rec, inp)
            rec.result = result
            if result is not inp:
                self._check_size(result, rec, "output (the task result)")
            out = self._construct(state.output, rec, inp, output=result) if state.output is not None else result
            self._check_size(out, rec, "output")
        except FlowError as err:
            rec.error, rec.status = err.to_json(), "failed"
            rule = self._catch_rule(state, err)
            if rule is None:
                self._emit(E.STEP_FAILED, state.name, f.id, {"error": err.to_json()}, step=rec.index)
                raise
            i, c = rule
            rec.catch = {"rule": i, "next": c.next, "error": err.to_json()}
            rec.status = "caught"
            base = rec.input if rec.input is not MISSING else rec.raw_input
            if c.output is not None:
                env = Env(roots={"$Input": base, "$Context": rec.context()}, random=self.random,
                          unavailable={"$Output": "$Output is not available in a Catch OutputConstructor"})
                out = c.output.evaluate(env, state.name)
            else:
                out = base
                rec.notes.append("Catch has no OutputConstructor: the next state gets this state's input (decision 4)")
            rec.output, rec.next = out, c.next
            self._emit(E.STEP_EXITED, state.name, f.id, {"output": out, "caught": err.to_json(), "next": c.next},
                       step=rec.index)
            return out, c.next
        rec.output = out
        rec.status = "succeeded"
        nxt = None if (state.end or type(state) is SucceedState) else state.next
        rec.next = nxt
        self._emit(E.STEP_EXITED, state.name, f.id, {"output": out}, step=rec.index)
        return out, nxt

    def _check_size(self, value: Any, rec: StepRecord, what: str) -> None:
        if nesting_exceeds(value):  # before anything walks it recursively (issue 11)
            raise FlowError(DATA_LIMIT_EXCEEDED, f"state {rec.state!r}: {what} nests deeper than {MAX_DEPTH} levels")
        size = _size(value)
        if size > self.options.data_limit:
            raise FlowError(DATA_LIMIT_EXCEEDED, f"state {rec.state!r}: {what} is {size} bytes; the limit is "
                                                 f"{self.options.data_limit} bytes")

    def _construct(self, template, rec: StepRecord, inp: Any, output: Any = MISSING) -> Any:
        roots = {"$Input": inp, "$Context": rec.context(output)}
        unavailable = {"$Output": "$Output is only available in OutputConstructor"}
        if output is not MISSING:
            roots["$Output"] = output
            unavailable = {}
        return template.evaluate(Env(roots=roots, random=self.random, unavailable=unavailable), rec.state)

    def _env(self, rec: StepRecord, inp: Any) -> Env:
        return Env(roots={"$Input": inp, "$Context": rec.context()}, random=self.random,
                   unavailable={"$Output": "$Output is only available in OutputConstructor"})

    def _choose(self, state: ChoiceState, rec: StepRecord, inp: Any) -> str:
        env = self._env(rec, inp)
        for i, b in enumerate(state.branches):
            try:
                value = b.condition.evaluate_condition(env)
            except ExpressionError as e:
                rec.choice.append({"index": i, "condition": b.condition.text, "error": str(e)})
                raise FlowError(flow_error_code(e), f"state {state.name!r}, Branches[{i}].Condition: {e}") from None
            rec.choice.append({"index": i, "condition": b.condition.text, "value": value})
            if value:
                rec.result = rec.output = inp
                rec.next, rec.status = b.next, "succeeded"
                self._emit(E.STEP_EXITED, state.name, rec.frame, {"output": inp, "branch": i, "next": b.next},
                           step=rec.index)
                return b.next
        rec.choice.append({"index": None, "condition": "Default", "value": True})
        rec.result = rec.output = inp
        rec.next, rec.status = state.default, "succeeded"
        self._emit(E.STEP_EXITED, state.name, rec.frame, {"output": inp, "branch": "Default", "next": state.default},
                   step=rec.index)
        return state.default

    def _wait(self, state: WaitState, rec: StepRecord, inp: Any):
        seconds = state.seconds
        if state.seconds_expr is not None:
            try:
                seconds = state.seconds_expr.evaluate(self._env(rec, inp))
            except ExpressionError as e:
                raise FlowError(flow_error_code(e), f"state {state.name!r}, Seconds.$: {e}") from None
            lo, hi = WAIT_SECONDS["Express" if self.options.express else "Standard"]
            if isinstance(seconds, bool) or not isinstance(seconds, int) or not lo <= seconds <= hi:
                raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Seconds.$: {state.seconds_expr.text} gave "
                                               f"{json.dumps(seconds)}; it must be an integer from {lo} to {hi}")
        rec.parameters = {"Seconds": seconds}
        rec.status = "waiting"
        yield ("timer", self.clock + seconds)
        rec.status = "running"
        return inp

    def _catch_rule(self, state, err: FlowError):
        for i, c in enumerate(getattr(state, "catch", ())):
            if _matches(c.errors, err.code):
                return i, c
        return None

    def _with_retry(self, f: Frame, state, rec: StepRecord, inp: Any):
        """Run a Task/Parallel/Map with its Retry rules (decision 3)."""
        used: dict[int, int] = {}
        while True:
            try:
                if type(state) is TaskState:
                    return (yield from self._task(f, state, rec, inp))
                if type(state) is ParallelState:
                    return (yield from self._parallel(f, state, rec, inp))
                return (yield from self._map(f, state, rec, inp))
            except FlowError as err:
                rule = next(((i, r) for i, r in enumerate(state.retry) if _matches(r.errors, err.code)), None)
                if rule is None:
                    raise
                i, r = rule
                n = used.get(i, 0) + 1
                if n > r.max_attempts:
                    rec.notes.append(f"Retry[{i}] exhausted after {r.max_attempts} retries")
                    raise
                used[i] = n
                wait = r.delay(n)
                rec.retry_count += 1
                decision = {"rule": i, "attempt": n, "wait": wait, "error": err.to_json()}
                rec.retries.append(decision)
                self._emit(E.STEP_RETRYING, state.name, f.id, decision, step=rec.index)
                if wait > 0:
                    rec.status = "waiting"
                    yield ("timer", self.clock + wait)
                rec.status = "running"

    # -- Task ------------------------------------------------------------------
    def _token(self, rec: StepRecord, event_id: int) -> str:
        h = hashlib.sha256(f"{self.options.seed}:{rec.index}:{event_id}:{self.random.uuid()}".encode()).hexdigest()[:16]
        return f"v1#{self.flow.name}#{self.options.execution_name}#{event_id}#{h}"

    def _task(self, f: Frame, state: TaskState, rec: StepRecord, inp: Any):
        mode = state.task_mode
        if mode == "WaitForCustomCallback":
            rec.token = self._token(rec, len(self.events) + 1)
        params = self._construct(state.parameters, rec, inp) if state.parameters is not None else {}
        rec.parameters = params
        attempt = {"attempt": len(rec.attempts), "token": rec.token, "request": params, "at": self.clock}
        rec.attempts.append(attempt)
        sched = self._emit(E.TASK_SCHEDULED, state.name, f.id,
                           {"action": state.action, "taskMode": mode, "parameters": params, "token": rec.token},
                           step=rec.index)
        since = self.clock
        try:
            if state.action == "FC:InvokeFunction" and not self.door.has_state_mock(state.name):
                result, duration = self._invoke_fc(f, state, rec, params, attempt)
            else:
                result, duration = self._invoke_action(f, state, rec, attempt)
        except FlowError as err:
            attempt["error"] = err.to_json()
            kind = E.TASK_SUBMIT_FAILED if mode != "RequestComplete" else E.TASK_FAILED
            self._emit(kind, state.name, f.id, {"error": err.to_json()}, sched.id, rec.index)
            raise
        if mode == "WaitForCustomCallback":
            self._emit(E.TASK_SUBMITTED, state.name, f.id, {"token": rec.token}, sched.id, rec.index)
            answer = yield from self._await_callback(f, state, rec, since)
            kind, value = answer
            if kind == "error":
                attempt["error"] = value.to_json()
                ev = E.TASK_TIMED_OUT if value.code == TASK_TIMEOUT else E.TASK_FAILED
                self._emit(ev, state.name, f.id, {"error": value.to_json()}, sched.id, rec.index)
                raise value
            attempt["callback"] = value
            self._emit(E.TASK_SUCCEEDED, state.name, f.id, {"output": value}, sched.id, rec.index)
            return value
        if mode == "WaitForSystemCallback":
            self._emit(E.TASK_SUBMITTED, state.name, f.id, {}, sched.id, rec.index)
        timeout = state.timeout
        if duration > 0 or (timeout and duration > timeout):
            rec.status = "waiting"
            if timeout and duration > timeout:
                yield ("timer", since + timeout)
                err = FlowError(TASK_TIMEOUT, f"task {state.name!r} did not finish within its Timeout of {timeout} s")
                attempt["error"] = err.to_json()
                self._emit(E.TASK_TIMED_OUT, state.name, f.id, {"error": err.to_json()}, sched.id, rec.index)
                raise err
            yield ("timer", since + duration)
            rec.status = "running"
        if isinstance(result, FlowError):
            attempt["error"] = result.to_json()
            self._emit(E.TASK_FAILED, state.name, f.id, {"error": result.to_json()}, sched.id, rec.index)
            raise result
        self._emit(E.TASK_SUCCEEDED, state.name, f.id, {"output": result}, sched.id, rec.index)
        return result

    def _invoke_fc(self, f: Frame, state: TaskState, rec: StepRecord, params: Any, attempt: dict):
        """Returns ``(result_or_FlowError, duration)``; raises FlowError for a
        failed submission in callback modes."""
        if not isinstance(params, dict):
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}: Parameters must be an object")
        try:
            ref = parse_function_arn(params.get("resourceArn"))
        except ValueError as e:
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Parameters.{e}") from None
        itype = params.get("invocationType", "Sync")
        if itype not in ("Sync", "Async"):
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Parameters.invocationType must be Sync or Async, got {itype!r}")
        body = body_to_bytes(params.get("body"))
        req = FunctionRequest(state=state.name, scope=f.id, function=ref, invocation_type=itype, body=body,
                              task_mode=state.task_mode, task_token=rec.token, attempt=len(rec.attempts) - 1,
                              timeout=float(state.timeout) if state.timeout else None,
                              callback_url=self.door.callback_url)
        if state.task_mode == "WaitForCustomCallback":
            # Register before invoking: a local handler may call back while it runs.
            self._register(f, state, rec)
        resp: FunctionResponse = self.door.function(req)
        attempt["function"] = ref.display
        attempt["response"] = resp.to_json()
        # Only a mock's declared delay is virtual time; a real backend's wall-clock
        # time must not leak into it (determinism, decision 10).
        duration = resp.duration if resp.source == "mock" else 0.0
        if resp.error is not None:
            err = FlowError(resp.error, resp.detail)
            if state.task_mode != "RequestComplete" or itype == "Async":
                if state.task_mode == "WaitForCustomCallback":
                    self.pending[rec.token].status = "stopped"
                raise err
            return err, duration
        if state.task_mode == "WaitForCustomCallback":
            return None, 0.0
        if itype == "Async" and state.task_mode == "RequestComplete":
            rec.notes.append("Async invocation with RequestComplete: the task ends once FC accepts it; result is {'Body': ''}")
            return {"Body": ""}, 0.0
        return result_from_payload(resp.payload), duration

    def _invoke_action(self, f: Frame, state: TaskState, rec: StepRecord, attempt: dict):
        if state.action == "FNF:StartExecution" and not self.door.has_state_mock(state.name):
            child = self._child_flow(state, rec.parameters)
            if child is not None:
                return self._run_child(f, state, rec, attempt, *child)
        answer = self.door.state(state.name, state.action)
        attempt["response"] = {k: v for k, v in answer.items() if k != "line"}
        duration = float(answer.get("delay", 0) or 0)
        if "error" in answer:
            err = FlowError(answer["error"], str(answer.get("detail", "")))
            if state.task_mode != "RequestComplete":
                raise err
            return err, duration
        if state.task_mode == "WaitForCustomCallback":
            self._register(f, state, rec)
            return None, 0.0
        return answer.get("result"), duration

    def _child_flow(self, state: TaskState, params: Any):
        arn = params.get("resourceArn", "") if isinstance(params, dict) else ""
        name = str(arn).rsplit("flow/", 1)[-1] if "flow/" in str(arn) else str(arn)
        flow = self.door.child_flow(name)
        return (flow, name) if flow is not None else None

    def _run_child(self, f: Frame, state: TaskState, rec: StepRecord, attempt: dict, flow: Flow, name: str):
        """FNF:StartExecution of a local child flow: a nested execution that
        shares this door (its answers are journaled and replayed with ours)."""
        params = rec.parameters if isinstance(rec.parameters, dict) else {}
        if self.options.depth >= MAX_CHILD_DEPTH:
            return FlowError(RUNTIME_ERROR, f"state {state.name!r}: child executions nest {MAX_CHILD_DEPTH} deep "
                                            f"(does flow {name!r} start itself?)"), 0.0
        ex_name = params.get("executionName") or f"{self.options.execution_name}-{state.name}-{len(rec.attempts)}"
        child = Execution(flow, params.get("input", {}), self.door,
                          Options(data_limit=self.options.data_limit, execution_name=ex_name, seed=self.options.seed,
                                  depth=self.options.depth + 1))
        child.run(max_steps=1_000_000)
        attempt["child"] = {"flow": name, "execution": ex_name, "status": child.status,
                            "states": [r.state for r in child.records], "events": len(child.events)}
        rec.notes.append(f"child execution {ex_name} of flow {name!r}: {child.status}")
        mode = state.task_mode
        if mode == "WaitForCustomCallback":
            self._register(f, state, rec)
            return None, child.clock
        if mode == "RequestComplete":
            return {"FlowName": name, "ExecutionName": ex_name, "RequestID": self.random.uuid()}, 0.0
        if child.status == SUCCEEDED:
            return child.output, child.clock
        if child.status == RUNNING:
            return FlowError(RUNTIME_ERROR, f"child execution {ex_name} is waiting for a callback; flowdbg runs "
                                            "nested executions to their end only"), child.clock
        return FlowError(child.error.code if child.error else "FnF.ExecutionFailed",
                         child.error.detail if child.error else ""), child.clock

    def _register(self, f: Frame, state: TaskState, rec: StepRecord) -> None:
        timeout_at = self.clock + state.timeout if state.timeout else None
        self.pending[rec.token] = Pending(rec.token, state.name, f.id, self.clock, timeout_at, frame=f)

    def _await_callback(self, f: Frame, state: TaskState, rec: StepRecord, since: float):
        p = self.pending[rec.token]
        if p.timeout_at is not None:
            self._add_timer(p.timeout_at, "timeout", (rec.token,))
        script = self.door.scripted_callback(state.name)
        if script is not None:
            p.scripted = True
            self._add_timer(since + float(script.get("after", 0) or 0), "script", (rec.token, script))
        if p.status == "answered":  # a local handler already called back
            answer = f.send
            f.send = None
            return answer
        rec.status = "waiting"
        answer = yield ("token", rec.token)
        rec.status = "running"
        return answer

    # -- Parallel and Map ---------------------------------------------------------
    def _parallel(self, f: Frame, state: ParallelState, rec: StepRecord, inp: Any):
        g = _Group(f, state.name, "branch", [inp] * len(state.branches), list(state.branches), 0,
                   record=rec.index, results=[None] * len(state.branches))
        results = yield from self._run_children(f, rec, g)
        return {f"Branch{i}": out for i, out in enumerate(results)}

    def _run_children(self, f: Frame, rec: StepRecord, g: _Group):
        """Start a Parallel's branches or a Map's iterations and wait for all
        of them; raises the first uncaught error (decision 6)."""
        f.owned = g
        self._start_children(g)
        rec.status = "waiting"
        yield ("children",)
        rec.status = "running"
        if g.error is not None:
            raise g.error
        return g.results

    def _map(self, f: Frame, state: MapState, rec: StepRecord, inp: Any):
        env = self._env(rec, inp)
        try:
            items = state.items_path.evaluate(env)
        except ExpressionError as e:
            raise FlowError(flow_error_code(e), f"state {state.name!r}, ItemsPath: {e}") from None
        if not isinstance(items, list):
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, ItemsPath: {state.items_path.text} is "
                                           f"{type_name(items)}, not an array")
        if state.item_constructor is not None:
            inputs = []
            ctx = rec.context()
            for item in items:
                ienv = Env(roots={"$Input": inp, "$Context": ctx, "$Item": item}, random=self.random,
                           unavailable={"$Output": "$Output is only available in OutputConstructor"})
                inputs.append(state.item_constructor.evaluate(ienv, state.name))
        else:
            inputs = items
        rec.parameters = {"Items": len(inputs), "MaxConcurrency": state.max_concurrency or None}
        if state.distributed:
            rec.notes.append("distributed mode runs inline in flowdbg")
        g = _Group(f, state.name, "iteration", inputs, [state.processor] * len(inputs), state.max_concurrency,
                   record=rec.index, results=[None] * len(inputs))
        if not inputs:
            return {"Items": []}
        return {"Items": (yield from self._run_children(f, rec, g))}
