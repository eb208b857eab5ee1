"""Debug session: one execution, its journal, its breakpoints and watches,
and the way back (checkpoints plus a short replay).

The session owns one :class:`~..execution.Execution` and the record of
every input from outside (execution input, seed, start time, backend
answers, callbacks, scheduling choices). The engine is deterministic, so an
earlier stop is a checkpoint restored and the few units after it replayed
from that record. The stepping verbs are in ``stepping.py``, callbacks and
choices in ``inputs.py``, resuming a saved journal in ``resume.py``.
"""
from __future__ import annotations

import datetime
import gc
import hashlib
import os
from typing import Any

from ..backends.base import Backend
from ..definition import Definition
from ..door import Door
from ..execution import MISSING, Execution, Frame, Options, StepRecord
from ..execution import checkpoint as cp
from ..expressions import ExpressionError
from ..mocks import MockFile
from .breakpoints import Breakpoint, Breakpoints, Watch, compile_condition
from .inbox import Inbox
from .inputs import Inputs
from .journal import VERSION, JournalWriter
from .stepping import Stepping
from .timeline import Timeline
from .types import SessionError, Stop


class Session(Stepping, Inputs):
    """The debugger's model of one execution. Not thread-safe except
    :meth:`pause`, :meth:`post_callback` and :meth:`callback_sink`, which
    other threads may call."""

    def __init__(self, definition: Definition, input: Any, *, mocks: MockFile | None = None,
                 backends: list[Backend] | None = None, seed: int = 0, journal_path: str | None = None,
                 start_time: str | None = None, name: str | None = None, callback_url: str | None = None,
                 max_events: int | None = None, data_limit: int | None = None, express: bool = False,
                 checkpoints: bool = True, overwrite: bool = False, _start: dict | None = None,
                 _journal_append: bool = False):
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
            # The digests (a hash of every state's definition) only matter to a journal, for --resume.
            _start = {"k": "start", "v": VERSION, "flow": os.path.abspath(definition.path),
                      "flow_name": definition.flow.name,
                      "digests": dict(definition.flow.digests) if journal_path else {}, "input": input,
                      "seed": seed,
                      "start_time": st, "name": nm, **({"express": True} if express else {})}
        self.start = _start
        # An Express session stays one on --resume: the journal's start says so.
        self.options = Options(seed=_start["seed"], execution_name=_start["name"], max_events=max_events,
                               express=express or bool(_start.get("express")), start_time=_start["start_time"])
        if data_limit is not None:
            self.options.data_limit = data_limit
        self.answers: list[dict] = []  # the door's tape, shared: consumed prefix + recorded future
        self.inputs: list[dict] = []  # callbacks and choices, with their step
        self.stops: list[int] = [0]
        self.bps = Breakpoints(definition.flow)
        self.watches: list[Watch] = []
        self.inbox = Inbox()
        self.resume_warnings: list[str] = []
        self.timeline = Timeline()
        self.checkpoints = checkpoints
        self.journal_path = journal_path
        #: more reasons to stop, asked after every unit like breakpoints:
        #: ``check(session, events) -> Stop | None`` (replay divergence, engine/replay)
        self.stop_checks: list = []
        self.journal: JournalWriter | None = None
        if journal_path:
            self.journal = JournalWriter(journal_path, append=_journal_append, overwrite=overwrite)
            if not _journal_append:
                self.journal.write(self.start)
        self.door = Door(self.mocks, self.backends, tape=None, record=self._on_answer, callback_url=callback_url)
        self.door.tape = self.answers
        self.door.on_truncate = self._on_truncate
        self._journaled_answers = 0
        self._init_inputs()
        self.execution = self._fresh()
        self.last_stop = Stop("step", step=0)
        self.selected_record: StepRecord | None = None

    # -- the breakpoint list, as callers know it ---------------------------------
    @property
    def breakpoints(self) -> list[Breakpoint]:
        return self.bps.items

    @breakpoints.setter
    def breakpoints(self, items: list[Breakpoint]) -> None:
        self.bps.replace(list(items))
        self._journal_breakpoints()

    @property
    def start_time(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.start["start_time"].replace("Z", "+00:00"))

    # -- the journal -----------------------------------------------------------------
    def _write(self, entry: dict) -> None:
        if self.journal is not None:
            self.journal.write(entry)

    def _on_answer(self, entry: dict) -> None:
        """A new answer from outside: journaled before the execution uses it."""
        if self._journaled_answers > len(self.answers):  # the door dropped a stale recorded future
            self._write({"k": "truncate", "answers": len(self.answers)})
        self.answers.append(entry)
        self.door.tape_pos = len(self.answers)
        self._write(entry)
        self._journaled_answers = len(self.answers)

    def _on_truncate(self, kept: int) -> None:
        # The run diverged from its recording here: checkpoints ahead describe another run.
        self.timeline.drop_after(self.execution.steps)
        if self._journaled_answers > kept:
            self._write({"k": "truncate", "answers": kept})
            self._journaled_answers = kept

    def _journal_breakpoints(self) -> None:
        self._write({"k": "breakpoints", "items": [b.to_json() for b in self.bps]})

    def _journal_stop(self) -> None:
        if self.stops[-1] != self.execution.steps:
            self.stops.append(self.execution.steps)
        self._write({"k": "stop", "step": self.execution.steps})
        self.flush()

    def flush(self) -> None:
        """Make the journal durable (fsync); lines are written as they happen."""
        if self.journal is not None:
            self.journal.sync()

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    # -- construction / replay --------------------------------------------
    def _fresh(self) -> Execution:
        self.door.set_state(({}, 0))
        self._applied_before(0)
        return Execution(self.definition.flow, self.start["input"], self.door, self.options)

    def _restore(self, point) -> Execution:
        ex = cp.restore(point, self.definition.flow, self.start["input"], self.door, self.options)
        self.bps.set_hits(point.extra.get("hits", {}))
        self._applied_before(point.step)
        return ex

    def _checkpoint(self) -> None:
        if self.checkpoints:
            self.timeline.consider(self.execution, {"hits": self.bps.hits()})

    def _replay_to(self, step: int) -> None:
        """Put the execution at exactly ``step`` units, from the nearest
        checkpoint, using the recorded answers and inputs."""
        point = self.timeline.nearest(step)
        if point is None:
            for bp in self.bps:
                bp.hits = 0
            self.execution = self._fresh()
        else:
            self.execution = self._restore(point)
        ex = self.execution
        self.door.replaying = True
        collecting = gc.isenabled()
        gc.disable()  # a bounded replay makes no garbage cycles; rescanning a long run's heap would dominate
        try:
            while ex.steps < step and not ex.finished:
                before = ex.steps
                evs = self._unit()
                if ex.steps == before:
                    break
                self.bps.check(ex, evs)  # recount hits up to here
                self._checkpoint()
        finally:
            self.door.replaying = False
            if collecting:
                gc.enable()

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

    # -- breakpoints and watches -----------------------------------------------------
    def add_breakpoint(self, state: str | None = None, *, scope: str | None = None, condition: str | None = None,
                       hit_count: int | None = None, event: str | None = None) -> Breakpoint:
        """Raises SessionError for an unknown state/event or a condition that does not compile."""
        bp = self.bps.add(state, scope=scope, condition=condition, hit_count=hit_count, event=event)
        self._journal_breakpoints()
        return bp

    def check_scope(self, scope: str) -> None:
        self.bps.check_scope(scope)

    def toggle_breakpoint(self, state: str) -> Breakpoint | None:
        """Add a breakpoint on ``state`` or remove the existing one."""
        bp = self.bps.find_on_state(state)
        if bp is not None:
            self.remove_breakpoint(bp.id)
            return None
        return self.add_breakpoint(state)

    def remove_breakpoint(self, bp_id: int) -> None:
        self.bps.remove(bp_id)
        self._journal_breakpoints()

    def set_breakpoint(self, bp_id: int, **changes) -> None:
        self.bps.change(bp_id, **changes)
        self._journal_breakpoints()

    def add_watch(self, expression: str) -> Watch:
        """Raises SessionError when the expression does not compile."""
        compile_condition(expression, "watch", self.definition.format)
        w = Watch(expression)
        self.watches.append(w)
        self._write({"k": "watches", "items": [x.expression for x in self.watches]})
        self.refresh_watches()
        return w

    def remove_watch(self, index: int) -> None:
        del self.watches[index]
        self._write({"k": "watches", "items": [x.expression for x in self.watches]})

    def evaluate(self, expression: str, record: StepRecord | None = None) -> tuple[Any, str | None]:
        """``(value, None)`` or ``(None, error message)`` at ``record``
        (default: the current one)."""
        rec = record or self.current_record()
        if rec is None:
            return None, "the execution has not started"
        try:
            frame = self.frame
            return self.execution.evaluate_at(expression, rec, frame if frame is not None and frame.record is rec
                                              else None), None
        except ExpressionError as e:
            return None, str(e)

    def refresh_watches(self) -> list[Watch]:
        for w in self.watches:
            w.value, w.error = self.evaluate(w.expression)
        return self.watches

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
        """$Input, $Context and $Output of a record (MISSING stages omitted); in a legacy
        flow $input, $local (the step's own once it has one, else its list's), $context and
        its output."""
        rec = rec or self.current_record()
        if rec is None:
            return {}
        if self.definition.format == "legacy":
            from ..execution.legacy.watch import roots_at
            frame = self.frame
            d = roots_at(self.execution, rec, frame if frame is not None and frame.record is rec else None)
            if rec.output is not MISSING:
                d["output"] = rec.output
            return d
        d = {"$Input": rec.effective_input, "$Context": rec.context()}
        if rec.output is not MISSING:
            d["$Output"] = rec.output
        elif rec.result is not MISSING:
            d["$Output"] = rec.result
        return d

    @classmethod
    def resume(cls, path: str, definition: Definition, **kw) -> "Session":
        """Restore a saved session (see ``resume.py``)."""
        from .resume import resume
        return resume(cls, path, definition, **kw)


__all__ = ["Session"]
