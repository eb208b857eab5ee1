"""Task: the request, the call through the door, and the TaskMode.

RequestComplete ends with the call's result; WaitForSystemCallback is
submitted and ends when the (mocked) work is done; WaitForCustomCallback is
submitted and waits for ReportTaskSucceeded/Failed on its task token, or
its Timeout. A mock's ``delay`` is virtual time the call takes.
"""
from ... import events as E
from ...errors import TASK_TIMEOUT, FlowError
from ..frames import BLOCK
from ..values import construct
from . import task_invoke

CUSTOM = "WaitForCustomCallback"


def run(ex, f, act):
    state, rec = act.state, act.rec
    mode = state.task_mode
    if mode == CUSTOM:
        rec.token = ex.task_token(rec, len(ex.events) + 1)
    params = construct(ex, state.parameters, rec, act.input) if state.parameters is not None else {}
    detail = {"action": state.action, "taskMode": mode, "parameters": params, "token": rec.token}
    return submit(ex, f, act, params, detail, lambda: task_invoke.invoke(ex, f, act, params))


def submit(ex, f, act, request, detail: dict, call):
    """Schedule the task, make the call (``call() -> (result_or_FlowError,
    duration)``) and follow its TaskMode. Shared with the legacy task step,
    which builds its request and makes its call its own way."""
    state, rec = act.state, act.rec
    mode = state.task_mode
    rec.parameters = request
    rec.add_attempt({"attempt": len(rec.attempts), "token": rec.token, "request": request, "at": ex.clock})
    sched = ex.emit(E.TASK_SCHEDULED, state.name, f.id, detail, step=rec.index)
    since = ex.clock
    act.data = {"sched": sched.id, "since": since, "result": None}
    try:
        result, duration = call()
    except FlowError as err:
        rec.attempts[-1]["error"] = err.to_json()
        kind = E.TASK_SUBMIT_FAILED if mode != "RequestComplete" else E.TASK_FAILED
        ex.emit(kind, state.name, f.id, {"error": err.to_json()}, sched.id, rec.index)
        raise
    if mode == CUSTOM:
        ex.emit(E.TASK_SUBMITTED, state.name, f.id, {"token": rec.token}, sched.id, rec.index)
        return _await_callback(ex, f, act, since)
    if mode == "WaitForSystemCallback":
        ex.emit(E.TASK_SUBMITTED, state.name, f.id, {}, sched.id, rec.index)
    timeout = state.timeout
    if duration > 0 or (timeout and duration > timeout):
        rec.status = "waiting"
        if timeout and duration > timeout:
            act.stage = "timeout"
            ex.block(f, "timer", since + timeout)
        else:
            act.stage = "delay"
            act.data["result"] = result
            ex.block(f, "timer", since + duration)
        return BLOCK
    return _complete(ex, f, act, result)


def resume(ex, f, act, value):
    rec, state = act.rec, act.state
    stage = act.stage
    if stage == "callback":
        rec.status = "running"
        return _answered(ex, f, act, value)
    if stage == "timeout":
        err = FlowError(TASK_TIMEOUT, f"task {state.name!r} did not finish within its Timeout of {state.timeout} s")
        rec.attempts[-1]["error"] = err.to_json()
        ex.emit(E.TASK_TIMED_OUT, state.name, f.id, {"error": err.to_json()}, act.data["sched"], rec.index)
        raise err
    rec.status = "running"  # "delay": the call's virtual duration has passed
    return _complete(ex, f, act, act.data["result"])


def _complete(ex, f, act, result):
    rec, state = act.rec, act.state
    log = (rec.attempts[-1].get("response") or {}).get("log")  # FC's log tail (x-fc-log-type: Tail)
    tail = {"log": log} if log else {}
    if isinstance(result, FlowError):
        rec.attempts[-1]["error"] = result.to_json()
        ex.emit(E.TASK_FAILED, state.name, f.id, {"error": result.to_json(), **tail}, act.data["sched"], rec.index)
        raise result
    ex.emit(E.TASK_SUCCEEDED, state.name, f.id, {"output": result, **tail}, act.data["sched"], rec.index)
    return result


def _await_callback(ex, f, act, since):
    rec, state = act.rec, act.state
    p = ex.pending[rec.token]
    if p.timeout_at is not None:
        ex.sched.add_timer(p.timeout_at, "timeout", (rec.token,))
    script = ex.door.scripted_callback(state.name, scope=f.id, parameters=rec.parameters,
                                       attempt=len(rec.attempts) - 1)
    if script is not None:
        p.scripted = True
        ex.sched.add_timer(since + float(script.get("after", 0) or 0), "script", (rec.token, script))
    if p.status == "answered":  # a local handler already called back
        answer, f.send = f.send, None
        return _answered(ex, f, act, answer)
    rec.status = "waiting"
    act.stage = "callback"
    ex.block(f, "token")
    return BLOCK


def _answered(ex, f, act, answer):
    rec, state = act.rec, act.state
    kind, value = answer
    sched = act.data["sched"]
    if kind == "error":
        rec.attempts[-1]["error"] = value.to_json()
        ev = E.TASK_TIMED_OUT if value.code == TASK_TIMEOUT else E.TASK_FAILED
        ex.emit(ev, state.name, f.id, {"error": value.to_json()}, sched, rec.index)
        raise value
    rec.attempts[-1]["callback"] = value
    ex.emit(E.TASK_SUCCEEDED, state.name, f.id, {"output": value}, sched, rec.index)
    return value
