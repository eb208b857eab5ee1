"""What a person (or the application) puts into a run: callbacks, scope
choices, an edited mock file; and the inbox through which callbacks from
other threads arrive."""
from __future__ import annotations

import threading
from typing import Any, Callable

from ..execution import CallbackResult
from ..mocks import MockFile
from .types import Stop


class Inputs:
    """Mixed into :class:`~.core.Session`. ``self.inputs`` holds every
    callback and choice with the step it was given at; those at or after
    the current step (after a step back) are the *recorded future*,
    redone as the run goes forward again."""

    def _init_inputs(self) -> None:
        self._applied: set[int] = set()  # ids of self.inputs entries applied in this execution
        self._pause = threading.Event()

    def _applied_before(self, step: int) -> None:
        """An execution put at ``step`` (fresh or restored) has applied the inputs given before it."""
        self._applied = {id(i) for i in self.inputs if i["step"] < step}

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
            elif inp["k"] == "halt":
                self.execution.stop(inp.get("reason") or "stopped by the user")
        return choice

    def _inputs_due(self, step: int) -> bool:
        return any(i["step"] == step and id(i) not in self._applied for i in self.inputs)

    def _drop_future_inputs(self) -> None:
        """A new input after a step back: the recorded future no longer holds."""
        if any(id(i) not in self._applied for i in self.inputs):
            self.inputs = [i for i in self.inputs if id(i) in self._applied]  # a prefix: inputs are in step order
            self._write({"k": "drop-inputs", "keep": len(self.inputs)})
        self.timeline.drop_after(self.execution.steps)

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
            self._write(entry)
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

    def stop_execution(self, reason: str = "stopped by the user") -> Stop:
        """StopExecution, from the debugger: journaled and replayed like a
        callback, and a stop of its own, so a step back returns to before it."""
        ex = self.execution
        if ex.finished:
            return Stop("finished", message=ex.status, step=ex.steps)
        self._drop_future_inputs()
        entry = {"k": "halt", "step": ex.steps, "reason": reason}
        self.inputs.append(entry)
        self._applied.add(id(entry))
        self._write(entry)
        ex.stop(reason)
        self.selected_record = None
        self.last_stop = self._stop_here()
        self.stops.append(ex.steps)  # the same step as the stop before: back goes to before the halt
        self._write({"k": "stop", "step": ex.steps, "halted": True})
        self.flush()
        return self.last_stop

    def choose(self, frame_id: str) -> Stop:
        """Advance the given frame by one step (the user picks the scope)."""
        ready = [f.id for f in self.execution.runnable()]
        if frame_id not in ready:
            def name(fid: str) -> str:
                return f"scope {fid!r}" if fid else "the top level"  # the top-level frame's id is ''
            why = ("runnable: " + ", ".join(name(f) for f in ready)) if ready else \
                "no scope can: each waits for a callback, a Wait or its branches, or has ended"
            return Stop("error", message=f"{name(frame_id)} cannot run now ({why})")
        self._drop_future_inputs()
        entry = {"k": "choose", "step": self.execution.steps, "frame": frame_id}
        self.inputs.append(entry)
        self._write(entry)
        return self.step_into()

    # -- callbacks from other threads ------------------------------------------------
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
        from ..backends.callback_server import CallbackReply
        why = self.execution.refusal(report.token)
        if why is None and report.token in self.inbox.tokens():
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
        if not self.inbox.wait(timeout):
            return False
        self.drain_inbox()
        return True

    def drain_inbox(self) -> None:
        for report, reply in self.inbox.take_all():
            res = self.report(report.token, succeeded=report.succeeded, output=report.output,
                              error=report.error, cause=report.cause or "")
            if reply is not None:
                reply(res)


__all__ = ["Inputs"]
