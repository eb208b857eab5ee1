"""The legacy format's dataflow on the interpreter (see ``../dataflow.py`` for the hooks).

A frame running a legacy list of steps keeps ``Frame.local = {"input": I, "local": L}``:
the list's input and its ``$local`` (a new dict each time it changes, so a checkpoint's
shallow copy is enough). Each step's input, output and ``$local`` merge follow
:mod:`flowdbg.engine.legacy.dataflow`; a handler's result is the step's own ``$local``.
The record of a step keeps what the Record view shows: ``extra = {"format": "legacy",
"$input", "$local", "$context", "inputMappings", "local", "outputMappings"...}``.
"""
from __future__ import annotations

import datetime
from typing import Any

from ...errors import DATA_LIMIT_EXCEEDED, FlowError
from ...legacy import dataflow as D
from ...legacy import schema as S
from ...legacy.model import SucceedStep, TaskStep
from ...schema import DEFAULT_DATA_LIMIT


def context(ex, act) -> dict:
    step, rec = act.state, act.rec
    token = rec.token if isinstance(step, TaskStep) and step.pattern == "waitForCallback" else None
    return D.context(ex.flow.name, ex.options.execution_name, step.name, rec.first_event, token)


def now(ex) -> datetime.datetime:
    """The virtual wall clock: the session's start time plus the virtual clock."""
    start = datetime.datetime.fromisoformat((ex.options.start_time or "1970-01-01T00:00:00Z").replace("Z", "+00:00"))
    return start + datetime.timedelta(seconds=ex.clock)


def _notes(rec, entries) -> None:
    for e in entries or ():
        if "note" in e:
            rec.add_note(e["note"])


def map_input(ex, f, act) -> Any:
    """The step's input from its list's input and ``$local`` (its inputMappings). A
    waitForCallback task gets its token first: its inputMappings pass it on."""
    step, rec, data = act.state, act.rec, f.local
    if rec.token is None and isinstance(step, TaskStep) and step.pattern == "waitForCallback":
        rec.token = ex.task_token(rec, len(ex.events) + 1)
    ctx = context(ex, act)
    inp, entries = D.step_input(step, data["input"], data["local"], ctx)
    rec.extra = {"format": "legacy", "$input": data["input"], "$local": data["local"], "$context": ctx,
                 "inputMappings": entries}
    _notes(rec, entries)
    return inp


def data_limit(ex) -> int:
    return S.DATA_LIMIT if ex.options.data_limit == DEFAULT_DATA_LIMIT else ex.options.data_limit


def _check_size(ex, rec, inp, out, local) -> None:
    size = D.data_size(inp, out, local)
    limit = data_limit(ex)
    if size > limit:
        raise FlowError(DATA_LIMIT_EXCEEDED, f"step {rec.state!r}: its input, output and $local are {size} bytes "
                                             f"together; the limit is {limit} bytes")


def _merge(f, out: dict) -> None:
    if out:
        data = f.local
        f.local = {"input": data["input"], "local": D.merged(data["local"], out)}


class Legacy:
    carries_output = False  # carry() decides what the next step gets

    @staticmethod
    def begin(ex, f):
        steps = f.scope
        inp = f.raw if isinstance(f.raw, dict) else {}
        f.local = {"input": inp, "local": {}}
        if f.parent is None:  # the flow: its inputMappings over the execution input
            ctx = D.context(ex.flow.name, ex.options.execution_name, "", 0)
            inp, entries = D.flow_input(ex.flow, f.raw, ctx)
            f.local = {"input": inp, "local": {}, "flowInputMappings": entries} if entries else {"input": inp,
                                                                                                  "local": {}}
        return steps.start_at, D.merged(inp, {})

    @staticmethod
    def input(ex, f, act) -> Any:
        inp = map_input(ex, f, act)
        data = f.local
        if "flowInputMappings" in data:  # shown with the first step's record
            act.rec.extra["flowInputMappings"] = data["flowInputMappings"]
            _notes(act.rec, data["flowInputMappings"])
            f.local = {"input": data["input"], "local": data["local"]}
        return inp

    @staticmethod
    def output(ex, f, act, result):
        step, rec = act.state, act.rec
        out, entries = D.step_output(step, act.input, result, rec.extra["$context"])
        rec.extra["local"], rec.extra["outputMappings"] = result, entries
        _notes(rec, entries)
        _check_size(ex, rec, act.input, out, result)
        _merge(f, out)
        if act.next is not None:
            return out, act.next
        return out, _successor(f, step)

    @staticmethod
    def caught(ex, f, act, err, rule):
        step, rec = act.state, act.rec
        ctx = (rec.extra or {}).get("$context") or context(ex, act)
        out, entries = D.error_output(step, rec.effective_input, err, ctx)
        if rec.extra is not None:
            rec.extra["errorMappings"] = entries
        if entries is None:
            rec.add_note("no errorMappings: the caught step outputs nothing (the next steps see no error fields)")
        _merge(f, out)
        return out, rule.next

    @staticmethod
    def carry(ex, f, output):
        data = f.local
        return D.merged(data["input"], data["local"])

    @staticmethod
    def end(ex, f, output):
        data = f.local
        if f.parent is not None:
            return data["local"]
        ctx = D.context(ex.flow.name, ex.options.execution_name, "", 0)
        out, _ = D.flow_output(ex.flow, data["input"], data["local"], ctx)
        return out


def _successor(f, step) -> str | None:
    if step.end or isinstance(step, SucceedStep):
        return None
    steps = f.scope.steps
    i = f.scope.index(step.name)
    return steps[i + 1].name if i + 1 < len(steps) else None


LEGACY = Legacy

__all__ = ["LEGACY", "Legacy", "map_input", "context", "now"]
