"""The stepping verbs: step into/over/out, continue, run to, pause, step
back, go to a step, restart, skip to the next timer."""
from __future__ import annotations

import threading
from typing import Callable

from ..backends.base import BackendError
from ..execution import Frame
from .types import Stop


class Stepping:
    """Mixed into :class:`~.core.Session`."""

    _pause: threading.Event

    def pause(self) -> None:
        """Ask a running continue to stop between two units (thread-safe)."""
        self._pause.set()

    def _unit(self, frame_id: str | None = None):
        ex = self.execution
        choice = self._apply_inputs_at(ex.steps)
        return ex.step(frame_id or choice)

    def _go(self, should_stop: Callable[[Frame], bool], max_steps: int | None = None,
            jump_clock: bool = False, settled: Callable[[], Frame | None] | None = None) -> Stop:
        """Run units until ``should_stop`` holds at a state boundary, a
        breakpoint, the end, a pause, or a callback only a person can send.
        In that last case the virtual clock is not jumped past the task's
        Timeout (or any timer) unless ``jump_clock``: the user answers, or
        skips to the next timer. ``settled``, asked after each unit, names a
        frame already waiting at a boundary to stop at (step over)."""
        ex = self.execution
        origin = self.frame
        self._pause.clear()
        self.selected_record = None
        inbox = self.inbox
        n = 0
        stop: Stop | None = None
        while True:
            if not inbox.empty():
                self.drain_inbox()
            if ex.finished:
                stop = Stop("finished", message=ex.status)
                break
            if self._pause.is_set():
                stop = Stop("paused")
                break
            if not jump_clock and ex.awaiting_user() and not self._inputs_due(ex.steps):
                stop = self._waiting_stop(origin)
                break
            before = ex.steps
            try:
                evs = self._unit()
            except BackendError as e:  # a misconfigured backend: keep the session, report it
                # (a backend may say it is not an error: "following", a cloud task still running)
                stop = Stop(getattr(e, "stop_reason", "error"), message=str(e))
                self._replay_to(before)
                ex = self.execution
                break
            if ex.steps == before:
                if ex.finished:
                    continue
                stop = self._waiting_stop(origin)
                break
            n += 1
            self._checkpoint()
            bp = self.bps.check(ex, evs)
            for check in self.stop_checks:
                found = check(self, evs)  # asked even after a breakpoint: checks follow every event
                bp = bp or found
            if bp is not None:
                stop = bp
                break
            f = ex.last_enter
            if f is not None and should_stop(f):
                stop = Stop("step", frame=f.id, state=f.state)
                break
            f = settled() if settled is not None else None
            if f is not None:
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
        self._journal_stop()
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
        if stop.frame is None:
            f = ex.current
            stop.frame, stop.state = (f.id if f else None), (f.state if f else None)
        stop.step = ex.steps
        return stop

    def _waiting_stop(self, origin: Frame | None = None) -> Stop:
        """A stop at a task waiting for a callback: at the one ``origin``
        (where the verb started) waits on, else the first one, so the
        debugger stays there once it is answered."""
        ex = self.execution
        pending = ex.pending_tasks()
        waits = ", ".join(f"{p.state} ({p.scope or 'top level'})" for p in pending)
        t = ex.next_timer()
        if t is not None:
            waits += f"; next timer at {t:g} s (skip to it to let time pass)"
        stop = Stop("waiting", message=waits)
        people = [p for p in pending if not p.scripted and p.frame is not None]
        p = next((p for p in people if p.frame is origin), people[0] if people else None)
        if p is not None:
            stop.frame, stop.state = p.frame.id, p.state
        return stop

    def step_into(self) -> Stop:
        return self._go(lambda f: True)

    def _origin(self) -> Frame | None:
        f = self.frame
        return f if f is not None else self.execution.root

    def step_over(self) -> Stop:
        """To the next state in this scope. When the scope (a Map iteration
        or a Parallel branch) ends, or its state waits for a timer or a
        callback, to the next state of the same Map or Parallel (a sibling
        iteration or branch, one already waiting at its next state first)
        or to its exit: never further. A scope that ends inside another
        iteration or branch hands on to that one, level by level."""
        origin = self._origin()
        chain = _ancestors(origin)
        ids = {f.id for f in chain}
        if origin.group is None:
            return self._go(lambda f: f.id in ids)

        def done_with(a: Frame) -> bool:
            """``a``'s Map/Parallel may go on in a sibling: ``a`` ended, or
            (the origin) waits for a timer or a callback."""
            if not a.live:
                return True
            return a is origin and a.status == "blocked" and a.wait in ("timer", "token")

        def open_groups() -> list:
            return [a.group for a in chain if a.group is not None and done_with(a)]

        def sibling_entered(f: Frame) -> bool:
            return f.id in ids or any(f.group is g for g in open_groups())

        def sibling() -> Frame | None:  # one already waiting at its next state
            groups = open_groups()
            if not groups:
                return None
            return next((f for f in self.execution.runnable()
                         if f.wait == "enter" and f.record is not None and any(f.group is g for g in groups)),
                        None)
        return self._go(sibling_entered, settled=sibling)

    def step_out(self) -> Stop:
        origin = self._origin()
        ids = _ancestor_ids(origin) - {origin.id}
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
        saved, self.bps.items = self.bps.items, []
        try:
            return self._go(lambda f: False, max_steps, jump_clock=jump_clock)
        finally:
            self.bps.items = saved

    def step_back(self, n: int = 1) -> Stop:
        """Go back ``n`` stops."""
        if len(self.stops) <= 1:
            return Stop("step", message="already at the start", step=self.execution.steps)
        keep = max(1, len(self.stops) - n)
        target = self.stops[keep - 1]
        del self.stops[keep:]
        self._write({"k": "back", "stops": keep})
        return self.goto(target)

    def goto(self, step: int) -> Stop:
        """Put the execution at exactly ``step`` units (step back, a jump in the history)."""
        self._replay_to(step)
        self.last_stop = self._stop_here()
        self.selected_record = None
        self._journal_stop()
        return self.last_stop

    def restart(self) -> Stop:
        """Start the execution again with the same input; recorded answers
        are kept as a tape so the run repeats unless something differs."""
        self.stops = [0]
        self._write({"k": "back", "stops": 1})
        return self.goto(0)

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


def _ancestors(f: Frame | None) -> list[Frame]:
    out = []
    while f is not None:
        out.append(f)
        f = f.parent
    return out


def _ancestor_ids(f: Frame | None) -> set[str]:
    return {a.id for a in _ancestors(f)}


__all__ = ["Stepping"]
