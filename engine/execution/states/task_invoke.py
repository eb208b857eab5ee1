"""How a Task's request reaches the outside: FC:InvokeFunction through the
door's function backends, any other Action through a state mock, and
FNF:StartExecution of a local child flow as a nested execution."""
from __future__ import annotations

from typing import Any

from ...backends.base import FunctionRequest, FunctionResponse
from ...backends.fc import body_to_bytes, parse_function_arn, result_from_payload
from ...errors import RUNTIME_ERROR, FlowError
from ..frames import MAX_CHILD_DEPTH, SUCCEEDED, RUNNING, Options, Pending

CUSTOM = "WaitForCustomCallback"


def invoke(ex, f, act, params: Any):
    """``(result_or_FlowError, virtual duration)``; raises FlowError for a
    failed submission (callback modes, Async) or a bad request."""
    state = act.state
    if state.action == "FC:InvokeFunction" and not ex.door.has_state_mock(state.name, f.id):
        return _invoke_fc(ex, f, act, params)
    return _invoke_action(ex, f, act)


def register(ex, f, act) -> None:
    state, rec = act.state, act.rec
    timeout_at = ex.clock + state.timeout if state.timeout else None
    ex.pending[rec.token] = Pending(rec.token, state.name, f.id, ex.clock, timeout_at, frame=f)


def _invoke_fc(ex, f, act, params: Any):
    state, rec = act.state, act.rec
    attempt = rec.attempts[-1]
    if not isinstance(params, dict):
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}: Parameters must be an object")
    try:
        ref = parse_function_arn(params.get("resourceArn"))
    except ValueError as e:
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Parameters.{e}") from None
    itype = params.get("invocationType", "Sync")
    if itype not in ("Sync", "Async"):
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Parameters.invocationType must be Sync or Async, "
                                       f"got {itype!r}")
    body = body_to_bytes(params.get("body"))
    req = FunctionRequest(state=state.name, scope=f.id, function=ref, invocation_type=itype, body=body,
                          task_mode=state.task_mode, task_token=rec.token, attempt=len(rec.attempts) - 1,
                          timeout=float(state.timeout) if state.timeout else None,
                          callback_url=ex.door.callback_url)
    if state.task_mode == CUSTOM:
        register(ex, f, act)  # before invoking: a local handler may call back while it runs
    resp: FunctionResponse = ex.door.function(req)
    attempt["function"] = ref.display
    attempt["response"] = resp.to_json()
    # Only a mock's declared delay is virtual time; a real backend's wall-clock
    # time must not leak into it (determinism, decision 10).
    duration = resp.duration if resp.source == "mock" else 0.0
    if resp.error is not None:
        err = FlowError(resp.error, resp.detail)
        if state.task_mode != "RequestComplete" or itype == "Async":
            if state.task_mode == CUSTOM:
                ex.pending[rec.token].status = "stopped"
            raise err
        return err, duration
    if state.task_mode == CUSTOM:
        return None, 0.0
    if itype == "Async" and state.task_mode == "RequestComplete":
        rec.add_note("Async invocation with RequestComplete: the task ends once FC accepts it; result is {'Body': ''}")
        return {"Body": ""}, 0.0
    return result_from_payload(resp.payload), duration


def _invoke_action(ex, f, act):
    state, rec = act.state, act.rec
    if state.action == "FNF:StartExecution" and not ex.door.has_state_mock(state.name, f.id):
        child = _child_flow(ex, rec.parameters)
        if child is not None:
            return _run_child(ex, f, act, *child)
    return state_mock_answer(ex, f, act, state.action)


def state_mock_answer(ex, f, act, action: str):
    """A ``states:`` mock's answer for the task: ``(result_or_FlowError, duration)``;
    raises the error of a submission (callback modes); registers a callback task."""
    state, rec = act.state, act.rec
    attempt = rec.attempts[-1]
    # scope, parameters and attempt: what a mock entry's `when` or a scoped key (M/Notify) matches
    answer = ex.door.state(state.name, action, scope=f.id, parameters=rec.parameters,
                           attempt=len(rec.attempts) - 1)
    attempt["response"] = {k: v for k, v in answer.items() if k != "line"}
    duration = float(answer.get("delay", 0) or 0)
    if "error" in answer:
        err = FlowError(answer["error"], str(answer.get("detail", "")))
        if state.task_mode != "RequestComplete":
            raise err
        return err, duration
    if state.task_mode == CUSTOM:
        register(ex, f, act)
        return None, 0.0
    return answer.get("result"), duration


def _child_flow(ex, params: Any):
    arn = params.get("resourceArn", "") if isinstance(params, dict) else ""
    name = str(arn).rsplit("flow/", 1)[-1] if "flow/" in str(arn) else str(arn)
    flow = ex.door.child_flow(name)
    return (flow, name) if flow is not None else None


def _run_child(ex, f, act, flow, name: str):
    params = act.rec.parameters if isinstance(act.rec.parameters, dict) else {}
    return run_child(ex, f, act, flow, name, params.get("input", {}), params.get("executionName"))


def _start_time(ex) -> str | None:
    """When a child started: the parent's start time plus its virtual clock."""
    import datetime
    st = ex.options.start_time
    if not st:
        return None
    t = datetime.datetime.fromisoformat(st.replace("Z", "+00:00")) + datetime.timedelta(seconds=ex.clock)
    return t.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_child(ex, f, act, flow, name: str, input: Any, ex_name: str | None = None):
    """A local child flow (FNF:StartExecution, a legacy flow task): a nested
    execution that shares this door (its answers are journaled and replayed
    with ours). ``(result_or_FlowError, virtual duration)`` by TaskMode."""
    from ..core import Execution
    state, rec = act.state, act.rec
    attempt = rec.attempts[-1]
    opts = ex.options
    if opts.depth >= MAX_CHILD_DEPTH:
        return FlowError(RUNTIME_ERROR, f"state {state.name!r}: child executions nest {MAX_CHILD_DEPTH} deep "
                                        f"(does flow {name!r} start itself?)"), 0.0
    ex_name = ex_name or f"{opts.execution_name}-{state.name}-{len(rec.attempts)}"
    child = Execution(flow, input if input is not None else {}, ex.door,
                      Options(data_limit=opts.data_limit, execution_name=ex_name, seed=opts.seed, depth=opts.depth + 1,
                              max_events=opts.max_events, start_time=_start_time(ex)))
    child.run(max_steps=1_000_000)
    attempt["child"] = {"flow": name, "execution": ex_name, "status": child.status,
                        "states": [r.state for r in child.records], "events": len(child.events)}
    rec.add_note(f"child execution {ex_name} of flow {name!r}: {child.status}")
    mode = state.task_mode
    if mode == CUSTOM:
        register(ex, f, act)
        return None, child.clock
    if mode == "RequestComplete":
        return {"FlowName": name, "ExecutionName": ex_name, "RequestID": ex.random.uuid()}, 0.0
    if child.status == SUCCEEDED:
        return child.output, child.clock
    if child.status == RUNNING:
        return FlowError(RUNTIME_ERROR, f"child execution {ex_name} is waiting for a callback; flowdbg runs "
                                        "nested executions to their end only"), child.clock
    return FlowError(child.error.code if child.error else "FnF.ExecutionFailed",
                     child.error.detail if child.error else ""), child.clock
