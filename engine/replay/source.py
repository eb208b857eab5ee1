"""A recorded execution answering the tasks of a local run, in front of the
door (see ``Door.sources``): the n-th time a Task state asks, the n-th
recorded submission of that state answers, with its result or error and,
for a callback task, its callback, after the time it took then.

``live`` (``flowdbg FLOW --cloud``): the record still grows. A task the
cloud has not finished yet holds the local run there (a BackendError whose
message says so); a callback it has not received yet leaves the local task
waiting, to be answered when the history shows it, or by hand.
"""
from __future__ import annotations

from ..backends.base import BackendError
from .record import MISSING, Record

FRONTIER = "is still running on CloudFlow"


class StillRunning(BackendError):
    """The cloud has not finished this task yet: the local run waits there
    (``Stop("following")``), it is not an error."""

    stop_reason = "following"


class RecordSource:
    name = "record"

    def __init__(self, record: Record, flow, live: bool = False):
        self.record = record
        self.live = live
        self.modes = {s.name: getattr(s, "task_mode", None) for _, s in flow.all_states()}
        self.at_frontier: str | None = None  # the state the local run waits at for the cloud

    # -- the Backend protocol: recorded answers come as whole states, never as FC calls
    def handles(self, request) -> bool:
        return False

    def invoke(self, request):  # pragma: no cover - handles() is always False
        raise BackendError("the recorded execution answers whole states only")

    # -- answers ------------------------------------------------------------------------------
    def has_state(self, state: str, n: int) -> bool:
        return self.record.task(state, n) is not None

    def state_answer(self, state: str, n: int) -> dict:
        t = self.record.task(state, n)
        callback = self.modes.get(state) == "WaitForCustomCallback"
        self.at_frontier = None
        if t.outcome in ("failed", "submit_failed", "timed_out") and not (callback and t.outcome != "submit_failed"):
            return {"error": t.error or "FnF.TaskFailed", "detail": t.cause, "delay": t.duration}
        if callback and (t.submitted is not None or t.outcome is not None):
            return {"result": None}  # submitted; callback_answer gives what came back
        if t.outcome is None:
            if self.live:
                self.at_frontier = state
                raise StillRunning(f"task {state!r} {FRONTIER}; flowdbg goes on when its result is in the "
                                   "execution's history")
            raise BackendError(f"task {state!r} never finished in the recorded execution (it ended "
                               f"{self.record.status}): there is no recorded result to go on with")
        return {"result": None if t.output is MISSING else t.output, "delay": t.duration}

    def has_callback(self, state: str, n: int) -> bool:
        return self.record.task(state, n) is not None

    def callback_answer(self, state: str, n: int) -> dict | None:
        t = self.record.task(state, n)
        if t.outcome is None:
            return None  # not answered (yet): the local task waits for the history, or for you
        if t.outcome == "succeeded":
            out = t.output if isinstance(t.output, dict) else {} if t.output is MISSING else {"output": t.output}
            return {"succeed": out, "after": t.wait}
        return {"fail": {"error": t.error or "FnF.TaskFailed", "cause": t.cause}, "after": t.wait}
