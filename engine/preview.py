"""Preview: what a state will do, before it runs, without running it.

At a stop the current frame sits at the boundary before its state; the
state's :class:`~.execution.StepRecord` exists with only its raw input.
:func:`preview` evaluates the state's stages on that input the way the
interpreter will: the InputConstructor, then what the state type does with
the result (a Task's Parameters and task token, a Choice's conditions, a
Wait's duration, a Map's items, a Pass's output). Nothing is called, no
event is emitted and the execution is not changed: expressions draw from a
*copy* of the execution's random generator, so ``uuid()``/``randomInt()``
and the task token shown are the ones the run will use when this frame runs
next (the default: stepping from the stop runs the stopped frame first).

The order of random draws mirrors ``execution.pipeline.start`` and
``execution.states.task.run``:
InputConstructor, task token (WaitForCustomCallback), Parameters.
tests/engine/test_preview.py runs preview-then-step and compares.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .errors import DATA_LIMIT_EXCEEDED, RUNTIME_ERROR, FlowError
from .execution import MISSING, Execution, Frame, StepRecord
from .expressions import Env, ExpressionError, SeededRandom, type_name
from .model import ChoiceState, FailState, MapState, ParallelState, PassState, SucceedState, TaskState, WaitState
from .schema import WAIT_SECONDS

KNOWN = (ChoiceState, FailState, MapState, ParallelState, PassState, SucceedState, TaskState, WaitState)

#: Map item inputs kept in a preview (the count is always exact).
MAX_ITEMS = 50


@dataclass
class Preview:
    """What ``state`` (in ``frame``) will do. Stages not reached stay
    ``MISSING``; ``error`` is the error the state would raise, with the
    ``stage`` that raised it (the run may still Retry or Catch it)."""

    state: str
    type: str
    frame: str
    raw_input: Any
    input: Any = MISSING  # after the InputConstructor
    parameters: Any = MISSING  # a Task's Parameters (the request)
    token: str | None = None  # $Context.Current.TaskToken (WaitForCustomCallback)
    function: str | None = None  # the FC function a Task calls
    body: Any = MISSING  # the FC request body
    choice: list = field(default_factory=list)  # {index, condition, next, value|error}; index None = Default
    next: str | None = None  # where it goes (Choice: the branch taken)
    seconds: Any = None  # a Wait's duration
    until: float | None = None  # the virtual time the Wait ends
    items: int | None = None  # a Map's iteration count
    item_inputs: list = field(default_factory=list)  # the first MAX_ITEMS iteration inputs
    branches: int | None = None  # a Parallel's branch count
    output: Any = MISSING  # Pass / Succeed: the output (nothing else runs)
    error: dict | None = None  # {"Code", "Detail"}
    stage: str = ""  # which stage raised ``error``
    notes: list = field(default_factory=list)


def _copy_random(ex: Execution) -> SeededRandom:
    rng = SeededRandom(0)
    rng.setstate(ex.random.getstate())
    return rng


def _token(ex: Execution, rec, event_id: int, rng: SeededRandom) -> str:
    """``Execution.task_token`` on a copied generator (keep the two in
    step; the preview test compares them on a real run)."""
    h = hashlib.sha256(f"{ex.options.seed}:{rec.index}:{event_id}:{rng.uuid()}".encode()).hexdigest()[:16]
    return f"v1#{ex.flow.name}#{ex.options.execution_name}#{event_id}#{h}"


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def find_state(ex: Execution, frame: Frame):
    """The model object of the state ``frame`` is at."""
    scope = getattr(frame, "scope", None)
    if scope is not None and frame.state in getattr(scope, "states", {}):
        return scope.states[frame.state]
    scope = ex.flow.scope
    for part in [p for p in frame.id.split("/") if p]:
        name, _, rest = part.partition(".Branch")
        if rest and name in scope.states:
            scope = scope.states[name].branches[int(rest)]
        else:
            scope = scope.states[part.rsplit("[", 1)[0]].processor
    return scope.states.get(frame.state) if frame.state else None


def preview(execution: Execution, frame: Frame | None) -> Preview | None:
    """What ``frame``'s next state will do, or None when the frame is not
    waiting at a state boundary (it is running, blocked or done)."""
    ex = execution
    if frame is None or ex.finished or frame.status != "ready":
        return None
    events_to_come = 0
    if not ex.events:
        # Not started: the first unit only enters the start state
        # (ExecutionStarted, StepEntered); preview that state's run.
        state = ex.flow.scope.states[ex.flow.start_at]
        rec = StepRecord(len(ex.records), "", state.name, state.type, ex.clock, ex.input,
                         execution_name=ex.options.execution_name, execution_input=ex.input)
        events_to_come = 2
    else:
        rec = frame.record
        if rec is None or frame.wait != "enter" or rec.state != frame.state or rec.input is not MISSING:
            return None  # the state already started (its record has more than the raw input)
        state = find_state(ex, frame)
        if state is None:
            return None
    p = Preview(rec.state, rec.type, rec.frame, rec.raw_input)
    if getattr(ex.flow, "format", "v1") == "legacy":  # its own dataflow: $input and $local of the list
        from .execution.legacy.preview import fill, list_data
        rng = _copy_random(ex)
        event_id = rec.first_event or len(ex.events) + events_to_come
        fill(ex, frame, state, rec, p, list_data(ex, frame, bool(ex.events)), event_id,
             lambda r: _token(ex, r, len(ex.events) + events_to_come + 1, rng))
        return p
    if not isinstance(state, KNOWN):
        p.notes.append("no preview for this kind of state (it runs when you step)")
        return p
    rng = _copy_random(ex)
    try:
        _run(ex, state, rec, p, rng, events_to_come)
    except FlowError as e:
        p.error = e.to_json()
    return p


def _env(rec, inp: Any, rng: SeededRandom, output: Any = MISSING, **extra) -> Env:
    roots = {"$Input": inp, "$Context": rec.context(output), **extra}
    unavailable = {"$Output": "$Output is only available in OutputConstructor"}
    if output is not MISSING:
        roots["$Output"] = output
        unavailable = {}
    return Env(roots=roots, random=rng, unavailable=unavailable)


def _check_size(ex: Execution, value: Any, rec, what: str) -> None:
    size = _size(value)
    if size > ex.options.data_limit:
        raise FlowError(DATA_LIMIT_EXCEEDED, f"state {rec.state!r}: {what} is {size} bytes; the limit is "
                                             f"{ex.options.data_limit} bytes")


def _run(ex: Execution, state, rec, p: Preview, rng: SeededRandom, events_to_come: int) -> None:
    p.stage = "input"
    _check_size(ex, rec.raw_input, rec, "input")
    if state.input is not None:
        p.stage = "InputConstructor"
        inp = state.input.evaluate(_env(rec, rec.raw_input, rng), rec.state)
    else:
        inp = rec.raw_input
    p.input = inp
    # the record as the later stages see it: input set (and, for a Task, its token)
    seen = rec.copy() if hasattr(rec, "copy") else dataclasses.replace(rec)
    seen.input = inp
    t = type(state)
    if t is TaskState:
        _task(ex, state, seen, p, rng, inp, len(ex.events) + events_to_come + 1)
    elif t is ChoiceState:
        _choice(state, seen, p, rng, inp)
    elif t is WaitState:
        _wait(ex, state, seen, p, rng, inp)
    elif t is MapState:
        _map(state, seen, p, rng, inp)
    elif t is ParallelState:
        p.branches = len(state.branches)
        p.next = None if state.end else state.next
    elif t is FailState:
        p.error = {"Code": state.code or "", "Detail": state.detail or ""}
        p.stage = "Fail"
    elif t in (PassState, SucceedState):
        out = inp
        if state.output is not None:
            p.stage = "OutputConstructor"
            out = state.output.evaluate(_env(seen, inp, rng, output=inp), rec.state)
        p.stage = "output"
        _check_size(ex, out, rec, "output")
        p.output = out
        p.next = None if (t is SucceedState or state.end) else state.next
    p.stage = "" if p.error is None else p.stage


def _task(ex: Execution, state: TaskState, seen, p: Preview, rng: SeededRandom, inp: Any, event_id: int) -> None:
    if state.task_mode == "WaitForCustomCallback":
        # the Task numbers its token with the next event id: nothing is emitted
        # between the state's StepEntered and its token.
        seen.token = p.token = _token(ex, seen, event_id, rng)
    p.stage = "Parameters"
    params = state.parameters.evaluate(_env(seen, inp, rng), seen.state) if state.parameters is not None else {}
    p.parameters = params
    p.next = None if state.end else state.next
    if state.action == "FC:InvokeFunction" and isinstance(params, dict):
        from .backends.fc import parse_function_arn
        try:
            p.function = parse_function_arn(params.get("resourceArn")).display
        except ValueError as e:
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Parameters.{e}") from None
        if "body" in params:
            p.body = params["body"]
    if state.retry or state.catch:
        p.notes.append("an error here may be retried or caught: the Retry/Catch rules decide once it ran")


def _choice(state: ChoiceState, seen, p: Preview, rng: SeededRandom, inp: Any) -> None:
    env = _env(seen, inp, rng)
    p.stage = "Condition"
    for i, b in enumerate(state.branches):
        try:
            value = b.condition.evaluate_condition(env)
        except ExpressionError as e:
            p.choice.append({"index": i, "condition": b.condition.text, "next": b.next, "error": str(e)})
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Branches[{i}].Condition: {e}") from None
        p.choice.append({"index": i, "condition": b.condition.text, "next": b.next, "value": value})
        if value:
            p.next = b.next
            p.output = inp
            return
    p.choice.append({"index": None, "condition": "Default", "next": state.default, "value": True})
    p.next = state.default
    p.output = inp


def _wait(ex: Execution, state: WaitState, seen, p: Preview, rng: SeededRandom, inp: Any) -> None:
    seconds = state.seconds
    p.next = None if state.end else state.next
    if state.seconds_expr is not None:
        p.stage = "Seconds"
        try:
            seconds = state.seconds_expr.evaluate(_env(seen, inp, rng))
        except ExpressionError as e:
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Seconds.$: {e}") from None
        lo, hi = WAIT_SECONDS["Express" if ex.options.express else "Standard"]
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not lo <= seconds <= hi:
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Seconds.$: {state.seconds_expr.text} gave "
                                           f"{json.dumps(seconds)}; it must be an integer from {lo} to {hi}")
    p.seconds = seconds
    p.until = ex.clock + (seconds or 0)
    p.output = inp


def _map(state: MapState, seen, p: Preview, rng: SeededRandom, inp: Any) -> None:
    p.stage = "ItemsPath"
    p.next = None if state.end else state.next
    try:
        items = state.items_path.evaluate(_env(seen, inp, rng))
    except ExpressionError as e:
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, ItemsPath: {e}") from None
    if not isinstance(items, list):
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, ItemsPath: {state.items_path.text} is "
                                       f"{type_name(items)}, not an array")
    p.items = len(items)
    if state.item_constructor is None:
        p.item_inputs = items[:MAX_ITEMS]
        return
    p.stage = "ItemConstructor"
    ctx = seen.context()
    for item in items:  # every item: a later one may be the one that fails
        env = Env(roots={"$Input": inp, "$Context": ctx, "$Item": item}, random=rng,
                  unavailable={"$Output": "$Output is only available in OutputConstructor"})
        value = state.item_constructor.evaluate(env, state.name)
        if len(p.item_inputs) < MAX_ITEMS:
            p.item_inputs.append(value)


__all__ = ["Preview", "preview", "find_state", "MAX_ITEMS"]
