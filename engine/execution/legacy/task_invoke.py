"""How a legacy task's call reaches the outside: a ``states:`` mock under the step's name
answers any task; else an FC function through the door's function backends (the event is the
step's input), a child flow as a nested execution (``flows:``), and MNS, ``action`` and unknown
resources through a ``states:`` mock. ``(local_or_FlowError, virtual duration)``."""
from __future__ import annotations

from typing import Any

from ...backends.base import FunctionRequest
from ...backends.fc import body_to_bytes, payload_value
from ...errors import FlowError
from ...legacy import dataflow as D
from ...legacy.resources import FC, FLOW
from ..states import task_invoke as v1

CUSTOM = "WaitForCustomCallback"


def _local(value, step):
    try:
        return D.function_local(value, step.name), None
    except FlowError as e:
        return None, e


def invoke(ex, f, act, params: Any):
    step = act.state
    res = step.resource
    if not ex.door.has_state_mock(step.name, f.id):
        if res.kind == FC:
            return _function(ex, f, act)
        if res.kind == FLOW:
            got = _child(ex, f, act, params)
            if got is not None:
                return got
    return _state(ex, f, act)


def _function(ex, f, act):
    step, rec = act.state, act.rec
    attempt = rec.attempts[-1]
    mode = step.task_mode
    itype = "Sync" if mode == "RequestComplete" else "Async"
    req = FunctionRequest(state=step.name, scope=f.id, function=step.resource.function, invocation_type=itype,
                          body=body_to_bytes(act.input), task_mode=mode, task_token=rec.token,
                          attempt=len(rec.attempts) - 1, timeout=float(step.timeout) if step.timeout else None,
                          callback_url=ex.door.callback_url)
    if mode == CUSTOM:
        v1.register(ex, f, act)  # before invoking: a local handler may call back while it runs
    resp = ex.door.function(req)
    attempt["function"] = step.resource.function.display
    attempt["response"] = resp.to_json()
    duration = resp.duration if resp.source == "mock" else 0.0  # decision 10, as for FDL v1
    if resp.error is not None:
        err = FlowError(resp.error, resp.detail)
        if mode != "RequestComplete":
            if mode == CUSTOM:
                ex.pending[rec.token].status = "stopped"
            raise err
        return err, duration
    if mode == CUSTOM:
        return None, 0.0
    local, err = _local(payload_value(resp.payload), step)
    return (err or local), duration


def _child(ex, f, act, params):
    step = act.state
    params = params if isinstance(params, dict) else {}
    name = step.resource.flow or params.get("FlowName")
    flow = ex.door.child_flow(str(name)) if name else None
    if flow is None:
        return None
    inp = params["Input"] if "Input" in params else act.input
    result, duration = v1.run_child(ex, f, act, flow, str(name), inp, params.get("ExecutionName"))
    if result is None or isinstance(result, FlowError):
        return result, duration
    local, err = _local(result, step)
    return (err or local), duration


def _state(ex, f, act):
    res = act.state.resource
    result, duration = v1.state_mock_answer(ex, f, act, "FNF:StartExecution" if res.kind == FLOW else res.label)
    if result is None or isinstance(result, FlowError):
        return result, duration
    local, err = _local(result, act.state)
    return (err or local), duration
