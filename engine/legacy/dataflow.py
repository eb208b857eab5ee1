"""The legacy dataflow: how a step's input, ``$local`` and output are made.

Rules (https://help.aliyun.com/en/document_detail/122493.html and the step pages; decisions
where they are silent in docs/semantics.md, "Legacy format"):

* A list of steps has the input of its parent (the flow, a branch, an iteration, a choice)
  and a ``$local`` that starts empty; each step's output is merged over it (later wins).
* A step's input: its ``inputMappings`` over the parent's ``$input``/``$local``/``$context``,
  or, without them, the parent's input with the parent's ``$local`` merged over it.
* A step's output: its ``outputMappings`` over its own ``$input``/``$local``/``$context``, or
  its ``$local`` (a task: the function's result; a choice: the branch that ran; pass and wait:
  empty); parallel and foreach output nothing (``{}``) without them.
* A flow's input is its ``inputMappings`` over the execution input, or the execution input;
  its output is its ``outputMappings`` over its input and ``$local``, or its ``$local``.

Every function here is pure; each mapping's result is returned as a record entry
(``{"target", "source", "value"[, "note"]}``) for the debugger's Record view.
"""
from __future__ import annotations

import datetime
import json
from typing import Any

from ..errors import RUNTIME_ERROR, FlowError
from ..expressions import ExpressionRuntimeError, type_name
from ..expressions.legacy import LegacyPath
from . import schema as S
from .checks import parse_rfc3339
from .model import ForeachStep, Mapping, ParallelStep

EMPTY_OUTPUT = (ParallelStep, ForeachStep)


def merged(base: Any, over: Any) -> dict:
    """``base`` with ``over``'s keys merged over it (shallow, ``over`` wins)."""
    out = dict(base) if isinstance(base, dict) else {}
    if isinstance(over, dict):
        out.update(over)
    return out


def evaluate(mappings: tuple[Mapping, ...], roots: dict) -> tuple[dict, list[dict]]:
    """Apply ``mappings`` over ``roots`` (``$input``, ``$local``, ``$context``): the object
    they build and one record entry per mapping."""
    out: dict = {}
    entries: list[dict] = []
    for m in mappings:
        src = m.source
        if src.path is None:
            value, note = src.constant, ""
        else:
            value, note = src.path.find(roots)
        out[m.target] = value
        entry = {"target": m.target, "source": src.text, "value": value}
        if note:
            entry["note"] = note
        entries.append(entry)
    return out, entries


def step_input(step, parent_input: Any, parent_local: Any, context: dict) -> tuple[dict, list[dict] | None]:
    """The input of ``step`` in a list whose parent has ``parent_input`` and ``parent_local``."""
    if step.input_mappings is None:
        return merged(parent_input, parent_local), None
    return evaluate(step.input_mappings, {"$input": parent_input, "$local": parent_local, "$context": context})


def step_output(step, own_input: Any, own_local: Any, context: dict) -> tuple[dict, list[dict] | None]:
    """The output of ``step`` from its own input and ``$local``."""
    if step.output_mappings is None:
        if isinstance(step, EMPTY_OUTPUT):
            return {}, None
        return (dict(own_local) if isinstance(own_local, dict) else {}), None
    return evaluate(step.output_mappings, {"$input": own_input, "$local": own_local, "$context": context})


def error_output(step, own_input: Any, error: FlowError, context: dict) -> tuple[dict, list[dict] | None]:
    """A caught task's output: its ``errorMappings`` over ``$local = {error, cause, code}``, or
    nothing (without them the next step sees no error fields: task page 122494)."""
    if step.error_mappings is None:
        return {}, None
    local = {"error": error.code, "cause": error.detail, "code": error.code}
    return evaluate(step.error_mappings, {"$input": own_input, "$local": local, "$context": context})


def flow_input(flow, execution_input: Any, context: dict) -> tuple[dict, list[dict] | None]:
    if flow.input_mappings is None:
        return (dict(execution_input) if isinstance(execution_input, dict) else {}), None
    return evaluate(flow.input_mappings, {"$input": execution_input, "$local": {}, "$context": context})


def flow_output(flow, own_input: Any, own_local: Any, context: dict) -> tuple[dict, list[dict] | None]:
    if flow.output_mappings is None:
        return (dict(own_local) if isinstance(own_local, dict) else {}), None
    return evaluate(flow.output_mappings, {"$input": own_input, "$local": own_local, "$context": context})


def context(flow_name: str, execution_name: str, step_name: str, event_id: int, token: str | None = None) -> dict:
    """``$context`` as a step sees it; ``task`` only in a waitForCallback task."""
    ctx = {"flow": {"name": flow_name}, "execution": {"name": execution_name},
           "step": {"name": step_name, "eventId": event_id}}
    if token is not None:
        ctx["task"] = {"token": token}
    return ctx


def params(value: Any, step_input: Any, notes: list[str]) -> Any:
    """``serviceParams`` with each path read from the step input."""
    if isinstance(value, LegacyPath):
        found, note = value.find({"$input": step_input})
        if note:
            notes.append(f"serviceParams: {note}")
        return found
    if isinstance(value, dict):
        return {k: params(v, step_input, notes) for k, v in value.items()}
    if isinstance(value, list):
        return [params(v, step_input, notes) for v in value]
    return value


def function_local(value: Any, step: str) -> dict:
    """A task's ``$local`` from its result: a JSON object (an empty answer is ``{}``);
    anything else is ``FnF.InvalidLocal`` (task page: the result "must be in JSON format")."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(shown) > 60:
        shown = shown[:59] + "…"
    raise FlowError(S.INVALID_LOCAL, f"step {step!r}: the result must be a JSON object (it becomes $local), got "
                                     f"{type_name(value)} {shown}")


def collection(step: ForeachStep, own_input: Any) -> tuple[list, list[str]]:
    """The items a foreach iterates over. Raises FnF.RuntimeError when it is not an array."""
    items, note = step.collection.find({"$input": own_input})
    if not isinstance(items, list):
        why = f" ({note})" if note else ""
        raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, iterationMapping.collection: {step.collection.text} is "
                                       f"{type_name(items)}, not an array{why}")
    return items, ([note] if note else [])


def iteration_input(step: ForeachStep, own_input: Any, item: Any, index: int) -> dict:
    """An iteration's input: the foreach's input with the item (and its index, from 0) merged in."""
    out = merged(own_input, {step.item: item})
    if step.index:
        out[step.index] = index
    return out


def wait_seconds(step, own_input: Any, now: datetime.datetime) -> tuple[float, list[str]]:
    """How long a wait step waits from ``now`` (virtual time); a past timestamp is 0."""
    notes: list[str] = []
    if step.duration is not None or step.duration_path is not None:
        value = step.duration
        if step.duration_path is not None:
            value, note = step.duration_path.find({"$input": own_input})
            if note:
                notes.append(note)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, duration: "
                                           f"{step.duration_path.text if step.duration_path else 'duration'} gave "
                                           f"{json.dumps(value)}; it must be a number of seconds >= 0")
        if value > S.MAX_WAIT_SECONDS:
            raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, duration: {value} s is over the limit of "
                                           f"{S.MAX_WAIT_SECONDS} s (2 days)")
        return float(value), notes
    value = step.timestamp
    if step.timestamp_path is not None:
        value, note = step.timestamp_path.find({"$input": own_input})
        if note:
            notes.append(note)
    when = parse_rfc3339(value)
    if when is None:
        raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, timestamp: {json.dumps(value)} is not an RFC 3339 "
                                       "time with a zone (e.g. 2019-05-02T15:04:05Z)")
    seconds = (when - now).total_seconds()
    if seconds <= 0:
        notes.append(f"timestamp {value} is not after the step's start ({_iso(now)}): no wait")
        return 0.0, notes
    if seconds > S.MAX_WAIT_SECONDS:
        raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, timestamp: {value} is more than 2 days after "
                                       f"{_iso(now)}")
    return seconds, notes


def _iso(t: datetime.datetime) -> str:
    return t.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def condition_value(option, own_input: Any, limit: int | None = None) -> tuple[bool, list[str]]:
    """A choice option's condition (what it builds held to ``limit`` bytes, by default the
    expressions' own); raises FnF.RuntimeError naming the condition."""
    try:
        return option.condition.evaluate(own_input) if limit is None else option.condition.evaluate(own_input, limit)
    except ExpressionRuntimeError as e:
        col = f" (column {e.col})" if e.col else ""
        raise FlowError(RUNTIME_ERROR, f"condition {option.condition.text!r}{col}: {e.message}") from None


def data_size(*values: Any) -> int:
    return sum(len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode()) for v in values)


__all__ = ["merged", "evaluate", "step_input", "step_output", "error_output", "flow_input", "flow_output", "context",
           "params", "function_local", "collection", "iteration_input", "wait_seconds", "condition_value", "data_size"]
