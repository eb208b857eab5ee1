"""wait: ``duration`` seconds, or until ``timestamp`` (RFC 3339, a past one does not wait), on
the virtual clock; the time of day is the session's start time plus the virtual clock."""
from ...legacy import dataflow as D
from ..frames import BLOCK
from .dataflow import now


def run(ex, f, act):
    step, rec = act.state, act.rec
    t = now(ex)
    seconds, notes = D.wait_seconds(step, act.input, t)
    rec.add_note(*notes)
    rec.parameters = {"seconds": seconds}
    if step.timestamp is not None or step.timestamp_path is not None:
        rec.parameters["now"] = t.isoformat(timespec="seconds").replace("+00:00", "Z")
    if seconds <= 0:
        return {}
    rec.status = "waiting"
    ex.block(f, "timer", ex.clock + seconds)
    return BLOCK


def resume(ex, f, act, value):
    act.rec.status = "running"
    return {}
