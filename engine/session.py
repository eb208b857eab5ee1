"""Debug session: stepping verbs, breakpoints, watches, step back, and a
journal saved as JSON Lines so that nothing is lost.

The session owns one :class:`~.execution.Execution` and a *journal* of every
input from outside (execution input, seed, start time, backend answers,
callbacks, scheduling choices). The engine is deterministic, so going back
to an earlier stop is a replay of the journal into a fresh execution.

Journal lines (``k`` is the kind)::

    {"k": "start", "v": 1, "flow": path, "digests": {...}, "input": {...}, "seed": 0,
     "start_time": "...Z", "name": "exec-..."}
    {"k": "answer", "key": "fn:State:fn", "response": {...}}     # from the door
    {"k": "callback", "step": 12, "token": "...", "succeeded": true, "output": {...}}
    {"k": "choose", "step": 7, "frame": "Map1[2]"}
    {"k": "stop", "step": 14}                                      # a user-visible stop
    {"k": "breakpoints", "items": [...]}  /  {"k": "watches", "items": [...]}
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import queue
import threading
from dataclasses import asdict, dataclass
from typing import Any, Callable

from . import events as E
from .backends.base import Backend, BackendError
from .definition import Definition
from .door import Door
from .execution import MISSING, CallbackResult, Execution, Frame, Options, StepRecord
from .expressions import ExpressionError, compile_expression
from .mocks import MockFile

JOURNAL_VERSION = 1


class SessionError(Exception):
    """A session cannot be created or resumed; the message says why."""


@dataclass
class Breakpoint:
    """On a state (``state``; ``scope`` None = every scope, else a frame id
    such as ``Map1[3]``), or on an event kind (``event``: ``task-failed``,
    ``retry``, ``callback-wait``). ``condition`` is an FDL expression
    evaluated against the state's ``$Input``/``$Context``; ``hit_count``
    breaks once the (condition-true) hits reach it."""

    id: int
    state: str | None = None
    scope: str | None = None
    condition: str | None = None
    hit_count: int | None = None
    enabled: bool = True
    event: str | None = None
    hits: int = 0

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("hits")
        return d


EVENT_BREAKS = {
    "task-failed": (E.TASK_FAILED, E.TASK_TIMED_OUT, E.TASK_SUBMIT_FAILED),
    "retry": (E.STEP_RETRYING,),
    "callback-wait": (E.TASK_SUBMITTED,),
}


@dataclass
class Stop:
    """Why stepping stopped. ``reason``: step | breakpoint | breakpoint-error
    | finished | waiting | paused | limit | error."""

    reason: str
    frame: str | None = None
    state: str | None = None
    message: str = ""
    breakpoint: int | None = None
    step: int = 0
    record: int | None = None  # the step record to show, when not the frame's current one


@dataclass
class Watch:
    expression: str
    value: Any = None
    error: str | None = None


def state_dir() -> str:
    try:
        import platformdirs
        return os.path.join(platformdirs.user_state_dir("flowdbg"), "sessions")
    except Exception:  # platformdirs missing: a plain fallback
        return os.path.join(os.path.expanduser("~"), ".local", "state", "flowdbg", "sessions")


def default_session_dir(flow_path: str) -> str:
    ap = os.path.abspath(flow_path)
    tag = hashlib.sha256(ap.encode()).hexdigest()[:10]
    return os.path.join(state_dir(), f"{os.path.basename(flow_path)}-{tag}")


def latest_session(flow_path: str) -> str | None:
    d = default_session_dir(flow_path)
    if not os.path.isdir(d):
        return None
    files = sorted(f for f in os.listdir(d) if f.endswith(".jsonl"))
    return os.path.join(d, files[-1]) if files else None


class Session:
    """The debugger's model of one execution. Not thread-safe except
    :meth:`pause` and :meth:`post_callback`, which other threads may call."""

    def __init__(self, definition: Definition, input: Any, *, mocks: MockFile | None = None,
                 backends: list[Backend] | None = None, seed: int = 0, journal_path: str | None = None,
                 start_time: str | None = None, name: str | None = None, callback_url: str | None = None,
                 express: bool = False, _start: dict | None = None):
        if definition.flow is None:
            raise SessionError("the definition has errors")
        self.definition = definition
        self.mocks = mocks or MockFile()
        self.backends = list(backends or [])
        self.callback_url = callback_url
        if _start is None:
            st = start_time or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
            # From the flow and the seed only, so two runs give the same tokens (decision 10).
            nm = name or "exec-" + hashlib.sha256(f"{definition.flow.name}:{seed}".encode()).hexdigest()[:8]
            _start = {"k": "start", "v": JOURNAL_VERSION, "flow": os.path.abspath(definition.path),
                      "digests": dict(definition.flow.digests), "input": input, "seed": seed,
                      "start_time": st, "name": nm, **({"express": True} if express else {})}
        self.start = _start
        self.answers: list[dict] = []  # the door's tape, shared
        self.inputs: list[dict] = []  # callbacks and choices, with their step
        self.stops: list[int] = [0]
        self.breakpoints: list[Breakpoint] = []
        self.watches: list[Watch] = []
        self._bp_ids = 0
        self._pause = threading.Event()
        self.inbox: "queue.Queue" = queue.Queue()
        self.resume_warnings: list[str] = []
        self.journal_path = journal_path
        self.execution = self._fresh()
        self.last_stop = Stop("step", step=0)
        self.selected_record: StepRecord | None = None

    # -- construction / replay --------------------------------------------
    @property
    def start_time(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.start["start_time"].replace("Z", "+00:00"))

    def _fresh(self) -> Execution:
        self._applied: set[int] = set()  # ids of self.inputs entries applied in this execution
        self.door = Door(self.mocks, self.backends, tape=None, record=None, callback_url=self.callback_url)
        self.door.tape = self.answers  # one list: consumed prefix + future
        self.door.record = self._on_answer
        opts = Options(seed=self.start["seed"], execution_name=self.start["name"],
                       express=bool(self.start.get("express", False)))
        return Execution(self.definition.flow, self.start["input"], self.door, opts)

    def _on_answer(self, entry: dict) -> None:
        # The door truncated a stale tape already; a new answer extends it.
        self.answers.append(entry)
        self.door.tape_pos = len(self.answers)

    def _apply_inputs_at(self, step: int) -> str | None:
        """Apply recorded user inputs due at ``step``; returns a frame choice."""
        choice = None
        for inp in self.inputs:
            if inp["step"] != step or id(inp) in self._applied:
                continue
            self._applied.add(id(inp))
            if inp["k"] == "callback":
                self.execution.report(inp["token"], succeeded=inp["succeeded"], output=inp.get("output"),
                                      error=inp.get("error"), cause=inp.get("cause", ""))
            elif inp["k"] == "choose":
                choice = inp["frame"]
        return choice

    def _inputs_due(self, step: int) -> bool:
        return any(i["step"] == step and id(i) not in self._applied for i in self.inputs)

    def _unit(self, frame_id: str | None = None) -> list[E.Event]:
        ex = self.execution
        choice = self._apply_inputs_at(ex.steps)
        return ex.step(frame_id or choice)

    def _replay_to(self, step: int) -> None:
        self.execution = self._fresh()
        ex = self.execution
        for bp in self.breakpoints:
            bp.hits = 0
        self.door.replaying = True
        try:
            while ex.steps < step and not ex.finished:
                before = ex.steps
                evs = self._unit()
                if ex.steps == before:
                    break
                self._check_breakpoints(evs)  # recount hits up to here
        finally:
            self.door.replaying = False

    # -- position ------------------------------------------------------------
    @property
    def frame(self) -> Frame | None:
        ex = self.execution
        if self.last_stop.frame is not None:
            for f in ex.frames:
                if f.id == self.last_stop.frame and f.status in ("ready", "blocked"):
                    return f
        return ex.current

    def current_record(self) -> StepRecord | None:
        if self.selected_record is not None:
            return self.selected_record
        f = self.frame
        if f is not None and f.record is not None:
            return f.record
        return self.execution.records[-1] if self.execution.records else None

    # -- stepping verbs ----------------------------------------------------------
    def pause(self) -> None:
        """Ask a running continue to stop between two units (thread-safe)."""
        self._pause.set()

    def _go(self, should_stop: Callable[[Frame], bool], max_steps: int | None = None,
            jump_clock: bool = False) -> Stop:
        """Run units until ``should_stop`` holds at a state boundary, a
        breakpoint, the end, a pause, or a callback only a person can send.
        In that last case the virtual clock is not jumped past the task's
        Timeout (or any timer) unless ``jump_clock``: the user answers, or
        skips to the next timer."""
        ex = self.execution
        self._pause.clear()
        self.selected_record = None
        n = 0
        stop: Stop | None = None
        while True:
            self.drain_inbox()
            if ex.finished:
                stop = Stop("finished", message=ex.status)
                break
            if self._pause.is_set():
                stop = Stop("paused")
                break
            if not jump_clock and ex.awaiting_user() and not self._inputs_due(ex.steps):
                stop = self._waiting_stop()
                break
            before = ex.steps
            try:
                evs = self._unit()
            except BackendError as e:  # a misconfigured backend: keep the session, report it
                stop = Stop("error", message=str(e))
                self._replay_to(before)
                break
            if ex.steps == before:
                if ex.finished:
                    continue
                stop = self._waiting_stop()
                break
            n += 1
            bp = self._check_breakpoints(evs)
            if bp is not None:
                stop = bp
                break
            f = ex.last_enter
            if f is not None and should_stop(f):
                stop = Stop("step", frame=f.id, state=f.state)
                break
            if max_steps is not None and n >= max_steps:
                stop = Stop("limit", message=f"stopped after {n} steps")
                break
        if stop.frame is None and ex.current is not None:
            stop.frame, stop.state = ex.current.id, ex.current.state
        stop.step = ex.steps
        if stop.record is not None:  # an event breakpoint: show the state whose event broke, not the next one
            self.selected_record = ex.records[stop.record]
        self.last_stop = stop
        if self.stops[-1] != ex.steps:
            self.stops.append(ex.steps)
        self.flush()
        return stop

    def _stop_here(self) -> Stop:
        """The Stop describing where a replay (step back, resume) left off."""
        ex = self.execution
        if ex.finished:
            stop = Stop("finished", message=ex.status)
        elif ex.waiting or ex.awaiting_user():  # a redo callback due here applies on the next verb
            stop = self._waiting_stop()
        else:
            stop = Stop("step")
        f = ex.current
        stop.frame, stop.state, stop.step = (f.id if f else None), (f.state if f else None), ex.steps
        return stop

    def _waiting_stop(self) -> Stop:
        ex = self.execution
        waits = ", ".join(f"{p.state} ({p.scope or 'top level'})" for p in ex.pending_tasks())
        t = ex.next_timer()
        if t is not None:
            waits += f"; next timer at {t:g} s (skip to it to let time pass)"
        return Stop("waiting", message=waits)

    def step_into(self) -> Stop:
        return self._go(lambda f: True)

    def _origin(self) -> Frame | None:
        f = self.frame
        return f if f is not None else self.execution.root

    def step_over(self) -> Stop:
        origin = self._origin()
        ids = self._ancestor_ids(origin)
        return self._go(lambda f: f.id in ids)

    def step_out(self) -> Stop:
        origin = self._origin()
        ids = self._ancestor_ids(origin) - {origin.id}
        if not ids:
            return self.cont()
        return self._go(lambda f: f.id in ids)

    def cont(self, max_steps: int | None = None) -> Stop:
        return self._go(lambda f: False, max_steps)

    def run_to(self, state: str) -> Stop:
        return self._go(lambda f: f.state == state)

    def run_to_end(self, max_steps: int | None = None, jump_clock: bool = True) -> Stop:
        """Run ignoring breakpoints (headless ``flowdbg run``). With
        ``jump_clock`` (nobody can answer a callback) the virtual clock jumps
        to a waiting task's Timeout; without, it stops ``waiting``."""
        saved, self.breakpoints = self.breakpoints, []
        try:
            return self._go(lambda f: False, max_steps, jump_clock=jump_clock)
        finally:
            self.breakpoints = saved

    @staticmethod
    def _ancestor_ids(f: Frame) -> set[str]:
        ids = set()
        while f is not None:
            ids.add(f.id)
            f = f.parent
        return ids

    def step_back(self, n: int = 1) -> Stop:
        """Go back ``n`` stops by replaying the journal."""
        if len(self.stops) <= 1:
            return Stop("step", message="already at the start", step=self.execution.steps)
        target_idx = max(0, len(self.stops) - 1 - n)
        target = self.stops[target_idx]
        del self.stops[target_idx + 1:]
        return self.goto(target)

    def goto(self, step: int) -> Stop:
        """Replay to exactly ``step`` units (step back / history jump)."""
        self._replay_to(step)
        self.last_stop = self._stop_here()
        self.selected_record = None
        self.flush()
        return self.last_stop

    def restart(self) -> Stop:
        """Start the execution again with the same input; recorded answers
        are kept as a tape so the run repeats unless something differs."""
        self.stops = [0]
        return self.goto(0)

    # -- external inputs -----------------------------------------------------------
    def _drop_future_inputs(self) -> None:
        """A new input after a step back: the recorded future no longer holds."""
        self.inputs = [i for i in self.inputs if id(i) in self._applied]

    def report(self, token: str, *, succeeded: bool, output: Any = None, error: str | None = None,
               cause: str = "") -> CallbackResult:
        """ReportTaskSucceeded/ReportTaskFailed; journaled when accepted."""
        res = self.execution.report(token, succeeded=succeeded, output=output, error=error, cause=cause)
        if res.accepted:
            self._drop_future_inputs()
            entry = {"k": "callback", "step": self.execution.steps, "token": token, "succeeded": succeeded}
            if succeeded:
                entry["output"] = output
            else:
                entry["error"], entry["cause"] = error, cause
            self.inputs.append(entry)
            self._applied.add(id(entry))
            self.flush()
        return res

    def future_inputs(self) -> list[dict]:
        """Recorded callbacks/choices ahead of the current step (after a
        step back): stepping forward replays them."""
        return [i for i in self.inputs if id(i) not in self._applied]

    def forget_future(self) -> int:
        """Drop the recorded inputs ahead of here; returns how many."""
        n = len(self.future_inputs())
        self._drop_future_inputs()
        self.flush()
        return n

    def set_mocks(self, mocks: MockFile) -> None:
        """Use an edited mock file from now on. Answers recorded from the old
        mock file are asked again on replay (restart, step back), so the edit
        takes effect there too; live and local answers stay as recorded."""
        self.mocks = mocks
        self.door.set_mocks(mocks)

    def post_callback(self, report, reply: Callable[[CallbackResult], None] | None = None) -> None:
        """Queue a callback from another thread (the callback endpoint)."""
        self.inbox.put((report, reply))

    def callback_sink(self, report, wait: float = 2.0,
                      notify: Callable[[Any, CallbackResult], None] | None = None):
        """The callback endpoint's sink, called on the server's thread.

        What can be refused without the driving thread is refused at once
        (unknown, answered, timed-out or stopped token; a token already
        queued). Otherwise the report is queued and applied by the thread
        driving the session; if that thread is busy for longer than ``wait``
        seconds (e.g. inside the very local handler that calls back), the
        reply is "accepted, queued" and the report applies when the step ends.
        ``notify(report, result)`` hears every verdict (the TUI shows them).
        """
        from .backends.callback_server import CallbackReply
        why = self.execution.refusal(report.token)
        if why is None and any(r.token == report.token for r, _ in list(self.inbox.queue)):
            why = "a report on this token is already queued"
        if why is not None:
            if notify is not None:
                notify(report, CallbackResult(False, why))
            return CallbackReply(False, why)
        done, box = threading.Event(), {}

        def reply(res: CallbackResult) -> None:
            box["r"] = res
            if notify is not None:
                notify(report, res)
            done.set()
        self.post_callback(report, reply)
        if not done.wait(wait):
            return CallbackReply(True, "queued: applied when the current step ends")
        return CallbackReply(box["r"].accepted, box["r"].reason)

    def wait_for_callback(self, timeout: float | None = None) -> bool:
        """Block until a queued callback arrives and apply it (headless runs
        with a callback endpoint). False on timeout."""
        try:
            report, reply = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return False
        self.inbox.put((report, reply))
        self.drain_inbox()
        return True

    def drain_inbox(self) -> None:
        while True:
            try:
                report, reply = self.inbox.get_nowait()
            except queue.Empty:
                return
            res = self.report(report.token, succeeded=report.succeeded, output=report.output,
                              error=report.error, cause=report.cause or "")
            if reply is not None:
                reply(res)

    def choose(self, frame_id: str) -> Stop:
        """Advance the given frame by one step (the user picks the scope)."""
        ready = [f.id for f in self.execution.runnable()]
        if frame_id not in ready:
            return Stop("error", message=f"scope {frame_id!r} cannot run now (runnable: {', '.join(ready) or 'none'})")
        self._drop_future_inputs()
        entry = {"k": "choose", "step": self.execution.steps, "frame": frame_id}
        self.inputs.append(entry)
        return self.step_into()

    def skip_to_next_timer(self) -> Stop:
        """Run until the clock has jumped to the next timer."""
        t = self.execution.next_timer()
        if t is None:
            return Stop("waiting", message="no timer is set")
        if self.execution.awaiting_user():
            # Letting time pass is a choice not to answer: a callback recorded
            # for this point (before a step back) no longer applies.
            self._drop_future_inputs()
        return self._go(lambda f: self.execution.clock >= t, jump_clock=True)

    # -- breakpoints and watches -----------------------------------------------------
    def add_breakpoint(self, state: str | None = None, *, scope: str | None = None, condition: str | None = None,
                       hit_count: int | None = None, event: str | None = None) -> Breakpoint:
        """Raises SessionError for an unknown state/event or a condition that does not compile."""
        if state is not None and not self.definition.flow.find(state):
            raise SessionError(f"no state named {state!r}")
        if event is not None and event not in EVENT_BREAKS:
            raise SessionError(f"unknown event breakpoint {event!r}; use one of {', '.join(EVENT_BREAKS)}")
        if condition:
            try:
                compile_expression(condition)
            except ExpressionError as e:
                raise SessionError(f"breakpoint condition: {e}") from None
        if scope:
            self.check_scope(scope)
        self._bp_ids += 1
        bp = Breakpoint(self._bp_ids, state, scope, condition or None, hit_count, True, event)
        self.breakpoints.append(bp)
        self.flush()
        return bp

    def check_scope(self, scope: str) -> None:
        """A scope id names Parallel branches and Map iterations, outermost
        first: ``Map1[3]``, ``Parallel1.Branch0``, ``Map1[3]/Parallel1.Branch0``.
        Raises SessionError saying what is wrong."""
        import re
        states = {s.name: s for _, s in self.definition.flow.all_states()}
        for part in scope.split("/"):
            m = re.fullmatch(r"(.+)\[(\d+)\]", part) or re.fullmatch(r"(.+)\.Branch(\d+)", part)
            if m is None:
                raise SessionError(f"scope {scope!r}: {part!r} is not 'MapState[n]' or 'ParallelState.Branch<n>'")
            st = states.get(m.group(1))
            want = "Map" if part.endswith("]") else "Parallel"
            if st is None or st.type != want:
                raise SessionError(f"scope {scope!r}: no {want} state named {m.group(1)!r}")
            if want == "Parallel" and int(m.group(2)) >= len(st.branches):
                raise SessionError(f"scope {scope!r}: {st.name} has {len(st.branches)} branches")

    def toggle_breakpoint(self, state: str) -> Breakpoint | None:
        """Add a breakpoint on ``state`` or remove the existing one."""
        for bp in self.breakpoints:
            if bp.state == state and bp.event is None:
                self.breakpoints.remove(bp)
                self.flush()
                return None
        return self.add_breakpoint(state)

    def remove_breakpoint(self, bp_id: int) -> None:
        self.breakpoints = [b for b in self.breakpoints if b.id != bp_id]
        self.flush()

    def set_breakpoint(self, bp_id: int, **changes) -> None:
        if changes.get("scope"):
            self.check_scope(changes["scope"])
        for b in self.breakpoints:
            if b.id == bp_id:
                if changes.get("condition"):
                    try:
                        compile_expression(changes["condition"])
                    except ExpressionError as e:
                        raise SessionError(f"breakpoint condition: {e}") from None
                for k, v in changes.items():
                    setattr(b, k, v)
        self.flush()

    def _check_breakpoints(self, evs: list[E.Event]) -> Stop | None:
        if not self.breakpoints:
            return None
        ex = self.execution
        f = ex.last_enter
        # Fast path for the common case: no event breakpoints and no state
        # breakpoint on the state just entered.
        if f is None or all(b.state != f.state for b in self.breakpoints):
            if all(b.event is None for b in self.breakpoints):
                return None
        for bp in self.breakpoints:
            if not bp.enabled:
                continue
            if bp.event is not None:
                kinds = EVENT_BREAKS[bp.event]
                for ev in evs:
                    if ev.type in kinds and (bp.event != "callback-wait" or ev.detail.get("token")):
                        return Stop(record=ev.step if 0 <= ev.step < len(ex.records) else None,
                                    reason="breakpoint", frame=ev.scope, state=ev.state, breakpoint=bp.id,
                                    message=f"{ev.type} in {ev.state}")
                continue
            if f is None or f.state != bp.state:
                continue
            if bp.scope is not None and f.id != bp.scope:
                continue
            if bp.condition:
                try:
                    value = compile_expression(bp.condition).evaluate_condition(ex.evaluation_env(f.record))
                except ExpressionError as e:
                    return Stop("breakpoint-error", frame=f.id, state=f.state, breakpoint=bp.id,
                                message=f"breakpoint condition {bp.condition!r} failed: {e}")
                if not value:
                    continue
            bp.hits += 1
            if bp.hit_count is not None and bp.hits < bp.hit_count:
                continue
            return Stop("breakpoint", frame=f.id, state=f.state, breakpoint=bp.id)
        return None

    def add_watch(self, expression: str) -> Watch:
        """Raises SessionError when the expression does not compile."""
        try:
            compile_expression(expression)
        except ExpressionError as e:
            raise SessionError(f"watch: {e}") from None
        w = Watch(expression)
        self.watches.append(w)
        self.flush()
        self.refresh_watches()
        return w

    def remove_watch(self, index: int) -> None:
        del self.watches[index]
        self.flush()

    def evaluate(self, expression: str, record: StepRecord | None = None) -> tuple[Any, str | None]:
        """``(value, None)`` or ``(None, error message)`` at ``record``
        (default: the current one)."""
        rec = record or self.current_record()
        if rec is None:
            return None, "the execution has not started"
        try:
            return compile_expression(expression).evaluate(self.execution.evaluation_env(rec)), None
        except ExpressionError as e:
            return None, str(e)

    def refresh_watches(self) -> list[Watch]:
        for w in self.watches:
            w.value, w.error = self.evaluate(w.expression)
        return self.watches

    # -- the journal file ---------------------------------------------------------------
    def _lines(self) -> list[dict]:
        out = [self.start]
        out += self.answers
        out += self.inputs
        out.append({"k": "breakpoints", "items": [b.to_json() for b in self.breakpoints]})
        out.append({"k": "watches", "items": [w.expression for w in self.watches]})
        # One line per stop, last: a journal cut inside its last line still
        # resumes at the stop before.
        out += [{"k": "stop", "step": st} for st in self.stops]
        if self.stops[-1] != self.execution.steps:
            out.append({"k": "stop", "step": self.execution.steps})
        return out

    def flush(self) -> None:
        """Write the journal (JSON Lines) and fsync-free flush it. The file
        is rewritten atomically (write + rename) so a crash leaves either the
        old or the new journal, never a mix."""
        if not self.journal_path:
            return
        os.makedirs(os.path.dirname(os.path.abspath(self.journal_path)), exist_ok=True)
        tmp = self.journal_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for entry in self._lines():
                f.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        os.replace(tmp, self.journal_path)

    @classmethod
    def resume(cls, path: str, definition: Definition, *, mocks: MockFile | None = None,
               backends: list[Backend] | None = None, journal_path: str | None = None,
               allow_changes: bool = False, callback_url: str | None = None) -> "Session":
        """Restore a saved session to its last stop. Raises SessionError when
        the file is unusable or the flow changed (naming the changed states)."""
        try:
            with open(path, encoding="utf-8") as f:
                raw_lines = f.read().split("\n")
        except OSError as e:
            raise SessionError(f"{path}: cannot read the session: {e.strerror or e}") from None
        entries, warnings = [], []
        for i, line in enumerate(raw_lines, 1):
            if not line.strip():
                continue
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                warnings.append(f"{path}:{i}: incomplete journal line ignored (the session was cut off here)")
                break
        if not entries or entries[0].get("k") != "start":
            raise SessionError(f"{path}: not a flowdbg session journal")
        start = entries[0]
        if definition.flow is None:
            raise SessionError("the definition has errors")
        old, new = start.get("digests", {}), dict(definition.flow.digests)
        changed = sorted({k for k in old.keys() | new.keys() if old.get(k) != new.get(k)})
        if changed and not allow_changes:
            raise SessionError(f"{definition.path} changed since the session was saved (states: "
                               f"{', '.join(changed)}); replaying it would not reproduce the run. "
                               "Start a new session, or restore the flow as it was")
        s = cls(definition, start["input"], mocks=mocks, backends=backends, journal_path=journal_path or path,
                callback_url=callback_url, _start=start)
        target = 0
        stops = [0]
        for e in entries[1:]:
            k = e.get("k")
            if k == "answer":
                s.answers.append(e)
            elif k in ("callback", "choose"):
                s.inputs.append(e)
            elif k == "breakpoints":
                s.breakpoints = [Breakpoint(**{**b, "hits": 0}) for b in e["items"]]
                s._bp_ids = max([b.id for b in s.breakpoints], default=0)
            elif k == "watches":
                s.watches = [Watch(x) for x in e["items"]]
            elif k == "stop":
                target = e["step"]
                if "stops" in e:
                    stops = e["stops"]
                elif not stops or stops[-1] != target:
                    stops = (stops if stops != [0] or target == 0 else [0]) + ([target] if target else [])
        if warnings and not any(e.get("k") == "stop" for e in entries):
            target = max([i["step"] for i in s.inputs] + [0])
        s.resume_warnings = warnings
        s.stops = stops or [0]
        s._replay_to(target)
        s.last_stop = s._stop_here()
        s.refresh_watches()
        s.flush()
        return s

    # -- views ---------------------------------------------------------------------------
    def scopes(self) -> list[dict]:
        """Live frames like a debugger's thread list."""
        out = []
        for f in self.execution.frames:
            if f.status in ("ready", "blocked"):
                state = f.state or "(not started)"
                label = f"{f.label} > {state}" if f.label != "execution" else state
                out.append({"id": f.id, "label": label, "state": f.state, "status": f.status,
                            "wait": f.wait, "kind": f.kind})
        return out

    def record_values(self, rec: StepRecord | None = None) -> dict:
        """$Input, $Context and $Output of a record (MISSING stages omitted)."""
        rec = rec or self.current_record()
        if rec is None:
            return {}
        d = {"$Input": rec.input if rec.input is not MISSING else rec.raw_input, "$Context": rec.context()}
        if rec.output is not MISSING:
            d["$Output"] = rec.output
        elif rec.result is not MISSING:
            d["$Output"] = rec.result
        return d


__all__ = ["Session", "SessionError", "Breakpoint", "Stop", "Watch", "latest_session", "default_session_dir",
           "state_dir"]
