"""Fail: ends the whole execution with its Code and Detail (decision 6),
even inside a Parallel branch or a Map iteration."""
from ... import events as E
from ...errors import FlowError
from ..frames import ExecutionFail


def run(ex, f, act):
    state, rec = act.state, act.rec
    err = FlowError(state.code or "", state.detail or "")
    rec.error, rec.status = err.to_json(), "failed"
    ex.emit(E.STEP_FAILED, state.name, f.id, {"error": rec.error}, step=rec.index)
    ex.close(rec)
    raise ExecutionFail(err)


def resume(ex, f, act, value):
    raise AssertionError("Fail does not wait")
