"""fail: fails its parent and so on up, which ends the execution (no legacy step but a task
catches, and a task cannot hold a fail step), with its ``error`` and ``cause``."""
from ... import events as E
from ...errors import FlowError
from ..frames import ExecutionFail


def run(ex, f, act):
    step, rec = act.state, act.rec
    err = FlowError(step.error or "", step.cause or "")
    rec.error, rec.status = err.to_json(), "failed"
    ex.emit(E.STEP_FAILED, step.name, f.id, {"error": rec.error}, step=rec.index)
    ex.close(rec)
    raise ExecutionFail(err)


def resume(ex, f, act, value):
    raise AssertionError("fail does not wait")
