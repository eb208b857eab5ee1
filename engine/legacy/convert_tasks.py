"""The FDL v1 Task a legacy task step becomes (a part of :mod:`.convert`).

FC functions become ``FC:InvokeFunction`` (a ``!Ref Svc/Fn`` becomes the FC 2.0 ARN
``acs:fc:::services/Svc/functions/Fn``, which mock files match by the same keys), child flows
``FNF:StartExecution``, MNS ``MNS:SendMessage``, an ``action`` its own ``Product:Operation``.
``pattern`` maps to TaskMode; the function's result is ``$Output.Body`` where the legacy
``$local`` is the function's result itself.
"""
from __future__ import annotations

from ..expressions.legacy import LegacyPath
from .convert_values import Frame, NotFaithful, Value, merge, obj, translate
from .resources import ACTION, FC, FLOW, MNS

CARRY_LOCAL = Value.path("$Input.local")


def _fc_arn(res) -> str:
    ref = res.function
    if not res.text.startswith("!Ref"):
        return res.text.strip()
    return (f"acs:fc:::services/{ref.service}/functions/{ref.function}" if ref.service
            else f"acs:fc:::functions/{ref.function}")


def _params(conv, s, value, frame: Frame):
    """serviceParams as a v1 template (constant leaves literal, paths ``key.$``)."""
    if isinstance(value, dict):
        out: dict = {}
        for k, v in value.items():
            got = _params(conv, s, v, frame)
            if isinstance(got, Value):
                if got.kind == "const":
                    out[k] = got.const
                else:
                    out[k + ".$"] = got.expression()
            else:
                out[k] = got
        return out
    if isinstance(value, LegacyPath):
        try:
            return translate(value, frame)
        except NotFaithful as e:
            conv.problem(s, f"serviceParams: {e}")
            return Value.of(None)
    if isinstance(value, list):
        items = [_params(conv, s, v, frame) for v in value]
        if all(not isinstance(i, Value) or i.kind == "const" for i in items):
            return [i.const if isinstance(i, Value) else i for i in items]
        conv.problem(s, "serviceParams: a list holding paths (v1 constructors read paths only under keys)")
        return [i.const if isinstance(i, Value) and i.kind == "const" else None for i in items]
    return Value.of(value)


def _put(params: dict, key: str, v: Value) -> None:
    if v.kind == "const":
        params[key] = v.const
    else:
        params[key + ".$"] = v.expression()


def task_state(conv, s, name: str, up: bool, after, names) -> dict:
    res = s.resource
    inp, by_target = conv.step_input(s)
    frame = Frame(inp, None, conv.in_frame().context, by_target)
    sp = _params(conv, s, s.service_params, frame) if s.service_params is not None else {}
    mode = s.task_mode
    st: dict = {"Type": "Task", "Name": name}
    params: dict = {}
    local = Value.path("$Output")
    if res.kind == FC:
        st["Action"] = "FC:InvokeFunction"
        params = {"resourceArn": _fc_arn(res), "invocationType": "Sync" if mode == "RequestComplete" else "Async"}
        if by_target is not None:
            params["body"] = conv.template(by_target)
        else:
            params["body.$"] = inp.expression()
        if s.service_params is not None:
            conv.notes.append(f"step {s.name!r}: serviceParams of a function task are not sent (the event is the "
                              "step's input)")
        if mode != "WaitForCustomCallback":
            local = Value.path("$Output.Body")
    elif res.kind == FLOW:
        st["Action"] = "FNF:StartExecution"
        flow_name = sp.pop("FlowName", None) if res.flow is None else None
        flow_expr = sp.pop("FlowName.$", None) if res.flow is None else None
        if res.flow is not None:
            params["resourceArn"] = res.text.strip()
        elif flow_expr is not None:
            params["resourceArn.$"] = f'format("acs:fnf:::flow/{{}}", {flow_expr})'
        elif flow_name is not None:
            params["resourceArn"] = f"acs:fnf:::flow/{flow_name}"
        else:
            conv.problem(s, "fnf:StartExecution without serviceParams.FlowName names no flow")
        if "Input" in sp or "Input.$" in sp:
            params["input" + (".$" if "Input.$" in sp else "")] = sp.pop("Input.$", sp.pop("Input", None))
        else:
            _put(params, "input", inp)
        for k in ("ExecutionName", "ExecutionName.$"):
            if k in sp:
                params["executionName" + k[len("ExecutionName"):]] = sp.pop(k)
        params.update(sp)
    elif res.kind == MNS:
        st["Action"] = "MNS:SendMessage"
        params = {("TopicName" if res.mns[0] == "topic" else "QueueName"): res.mns[1]} | sp
    elif res.kind == ACTION:
        st["Action"] = res.action
        params = sp
    else:
        conv.problem(s, f"resourceArn {res.text!r} names no function, flow or queue (a template placeholder?): "
                        "fill it in")
        st["Action"] = "FC:InvokeFunction"
        params = {"resourceArn": res.text, "invocationType": "Sync", "body.$": inp.expression()}
        local = Value.path("$Output.Body")
    st["TaskMode"] = mode
    if params:
        st["Parameters"] = params
    if s.timeout:
        st["Timeout"] = s.timeout
    if s.retry:
        st["Retry"] = [{"Errors": list(r.errors), "MaxAttempts": r.max_attempts,
                        "IntervalSeconds": _num(r.interval), "BackoffRate": _num(r.backoff_rate),
                        "MaxBackoffSeconds": _num(r.max_backoff)} for r in s.retry]
    ctx = conv.in_frame().context
    if s.catch:
        err = {"error": Value.path("$Context.Current.Error.Code"),
               "cause": Value.path("$Context.Current.Error.Detail"),
               "code": Value.path("$Context.Current.Error.Code")}
        out = (obj(conv.mapped(s.error_mappings, Frame(inp, err, ctx, by_target), s))
               if s.error_mappings is not None else Value.of({}))
        st["Catch"] = [{"Errors": list(c.errors), "Next": names[c.next],
                        "OutputConstructor": conv.carry(merge(CARRY_LOCAL, out), up)} for c in s.catch]
    out = (obj(conv.mapped(s.output_mappings, Frame(inp, local, ctx, by_target), s))
           if s.output_mappings is not None else local)
    st["OutputConstructor"] = conv.carry(merge(CARRY_LOCAL, out), up)
    return st | conv.next(after)


def _num(x: float):
    return int(x) if float(x).is_integer() else x
