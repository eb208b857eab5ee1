"""What a legacy step will do, before it runs (the Step pane's *Will do*), without running it:
the step's input after its inputMappings (over its list's ``$input`` and ``$local``), then
what its type does with it: a task's request, function and token, a choice's conditions and
the option taken, a wait's seconds, a foreach's iteration inputs, a pass's output.

Like :mod:`flowdbg.engine.preview` for FDL v1 states, and on the same functions the
handlers run (:mod:`flowdbg.engine.legacy.dataflow`): nothing is called, no event is
emitted, the frame and its record are not changed. A legacy mapping draws nothing from the
random generator; a waitForCallback token is numbered as the task numbers it.
"""
from __future__ import annotations

from typing import Any

from ...errors import FlowError
from ...legacy import dataflow as D
from ...legacy.model import (ChoiceStep, FailStep, ForeachStep, ParallelStep, PassStep, SucceedStep, TaskStep,
                             WaitStep)
from ...legacy.resources import FC
from .dataflow import data_limit, now

#: Iteration inputs kept in a preview (as FDL v1's MAX_ITEMS).
MAX_ITEMS = 50


def list_data(ex, frame, started: bool) -> dict:
    """The list's ``{"input", "local"}`` the step reads: the frame's, or before the first
    step the flow's input after its inputMappings."""
    if started and isinstance(getattr(frame, "local", None), dict) and "input" in frame.local:
        return frame.local
    ctx = D.context(ex.flow.name, ex.options.execution_name, "", 0)
    inp, _ = D.flow_input(ex.flow, ex.input, ctx)
    return {"input": inp, "local": {}}


def fill(ex, frame, step, rec, p, data: dict, event_id: int, token_for) -> None:
    """Fill Preview ``p`` for legacy ``step`` (in ``frame``, record ``rec``, list data ``data``;
    ``event_id``: the step's StepEntered; ``token_for(rec)``: the token a waitForCallback task
    will get)."""
    scope = getattr(frame, "scope", None) or ex.flow.steps
    try:
        _fill(ex, scope, step, rec, p, data, event_id, token_for)
    except FlowError as e:
        p.error = e.to_json()
    p.stage = "" if p.error is None else p.stage


def _fill(ex, scope, step, rec, p, data, event_id, token_for) -> None:
    token = None
    if isinstance(step, TaskStep) and step.pattern == "waitForCallback":
        token = p.token = token_for(rec)
    ctx = D.context(ex.flow.name, ex.options.execution_name, step.name, event_id, token)
    p.stage = "inputMappings"
    inp, entries = D.step_input(step, data["input"], data["local"], ctx)
    p.notes.extend(e["note"] for e in entries or () if "note" in e)
    p.input = inp
    after = _successor(scope, step)
    if isinstance(step, TaskStep):
        p.stage = "serviceParams"
        params = D.params(step.service_params, inp, p.notes) if step.service_params is not None else None
        p.parameters = inp if step.resource.kind == FC or params is None else params
        if step.resource.kind == FC:
            p.function = step.resource.function.display
            p.body = inp
        else:
            p.function = step.resource.label
        p.next = after
        if step.retry or step.catch:
            p.notes.append("an error here may be retried or caught: the retry/catch rules decide once it ran")
    elif isinstance(step, ChoiceStep):
        _choice(ex, step, p, inp, after)
    elif isinstance(step, WaitStep):
        p.stage = "wait"
        seconds, notes = D.wait_seconds(step, inp, now(ex))
        p.notes.extend(notes)
        p.seconds, p.until, p.next = seconds, ex.clock + max(seconds, 0), after
    elif isinstance(step, ForeachStep):
        p.stage = "iterationMapping"
        items, notes = D.collection(step, inp)
        p.notes.extend(notes)
        p.items = len(items)
        p.item_inputs = [D.iteration_input(step, inp, item, i) for i, item in enumerate(items[:MAX_ITEMS])]
        p.next = after
    elif isinstance(step, ParallelStep):
        p.branches, p.next = len(step.branches), after
    elif isinstance(step, FailStep):
        p.error, p.stage = {"Code": step.error or "", "Detail": step.cause or ""}, "fail"
    elif isinstance(step, (PassStep, SucceedStep)):
        p.stage = "outputMappings"
        out, entries = D.step_output(step, inp, {}, ctx)
        p.notes.extend(e["note"] for e in entries or () if "note" in e)
        p.output, p.next = out, after


def _choice(ex, step: ChoiceStep, p, inp: Any, after: str | None) -> None:
    p.stage = "condition"
    limit = data_limit(ex)
    for i, o in enumerate(step.choices):
        nxt = _option_next(step, o, f"Choice{i}", after)
        try:
            value, notes = D.condition_value(o, inp, limit)
        except FlowError as e:
            p.choice.append({"index": i, "condition": o.condition.text, "next": nxt, "error": e.detail})
            raise
        p.notes.extend(notes)
        p.choice.append({"index": i, "condition": o.condition.text, "next": nxt, "value": value})
        if value:
            p.next = nxt
            return
    if step.default is not None:
        nxt = _option_next(step, step.default, "Default", after)
        p.choice.append({"index": None, "condition": "default", "next": nxt, "value": True})
        p.next = nxt
        return
    p.notes.append("no condition is true and there is no default: the choice ends and the next step runs")
    p.next = after


def _option_next(step: ChoiceStep, option, label: str, after: str | None) -> str | None:
    """Where an option goes: its first inline step (in ``choice.Label``), its goto, or on."""
    if option.steps is not None and option.steps.steps:
        return f"{option.steps.start_at} (in {step.name}.{label})"
    return option.goto or after


def _successor(scope, step) -> str | None:
    if step.end or isinstance(step, SucceedStep):
        return None
    i = scope.index(step.name)
    return scope.steps[i + 1].name if i + 1 < len(scope.steps) else None


__all__ = ["fill", "list_data", "MAX_ITEMS"]
