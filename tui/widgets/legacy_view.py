"""A legacy flow as the FDL v1 model the graph draws (Textual-free).

The graph lays out FDL v1 states by their classes; this view gives it a legacy flow in
that shape: a list of steps is a scope whose states follow list order (``Next``) and
``goto``s, a parallel is a Parallel, a foreach a Map, and a choice a Choice whose
option ``steps`` are drawn in the choice's own scope, between the choice and where the
option goes next. Every view state keeps the step's ``type`` and ``line`` and, as
``label``, its name; its ``name`` is its key relative to the scope, so the inline steps
of a choice option (``pick.Choice0/big``) have the keys the run overlay gives them.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from flowdbg.engine.legacy import model as L
from flowdbg.engine.model import (CatchRule, ChoiceBranch, ChoiceState, FailState, Flow, MapState, ParallelState,
                                  PassState, Scope, SucceedState, TaskState, WaitState)


@dataclass(frozen=True)
class _Pass(PassState):
    label: str = ""


@dataclass(frozen=True)
class _Succeed(SucceedState):
    label: str = ""


@dataclass(frozen=True)
class _Fail(FailState):
    label: str = ""


@dataclass(frozen=True)
class _Wait(WaitState):
    label: str = ""


@dataclass(frozen=True)
class _Task(TaskState):
    label: str = ""


@dataclass(frozen=True)
class _Choice(ChoiceState):
    label: str = ""


@dataclass(frozen=True)
class _Parallel(ParallelState):
    label: str = ""


@dataclass(frozen=True)
class _Map(MapState):
    label: str = ""


class _Text:
    """What a view's expression slot shows (a condition, a collection, a duration path)."""

    def __init__(self, text: str) -> None:
        self.text = text


def view(flow) -> Flow:
    """The FDL v1 shaped view of a :class:`~flowdbg.engine.legacy.model.LegacyFlow`."""
    states: dict = {}
    start = _list(flow.steps, "", None, states)
    return Flow(name=flow.name, scope=Scope(start, MappingProxyType(states)), source=flow.source, path=flow.path)


def _list(steps, pre: str, exit: str | None, out: dict) -> str:
    """Add the view states of ``steps`` (their names prefixed with ``pre``) to ``out``;
    ``exit`` is where the list goes when it ends (None: the scope ends). Returns its start."""
    for i, s in enumerate(steps.steps):
        after = pre + steps.steps[i + 1].name if i + 1 < len(steps.steps) else exit
        if s.end or isinstance(s, L.SucceedStep):
            after = exit
        _step(s, pre, after, out)
    return pre + steps.start_at


def _common(s, pre: str, after: str | None) -> dict:
    return dict(name=pre + s.name, type=s.type, line=s.line, end_line=s.end_line, next=after, end=after is None,
                label=s.name)


def _scope(steps) -> Scope:
    states: dict = {}
    start = _list(steps, "", None, states)
    return Scope(start, MappingProxyType(states))


def _step(s, pre: str, after: str | None, out: dict) -> None:
    c = _common(s, pre, after)
    if isinstance(s, L.TaskStep):
        catch = tuple(CatchRule(r.errors, pre + r.next) for r in s.catch)
        out[c["name"]] = _Task(**c, action=s.resource.label, task_mode=s.task_mode, retry=s.retry, catch=catch,
                               timeout=s.timeout)
    elif isinstance(s, L.PassStep):
        out[c["name"]] = _Pass(**c)
    elif isinstance(s, L.SucceedStep):
        out[c["name"]] = _Succeed(**c)
    elif isinstance(s, L.FailStep):
        out[c["name"]] = _Fail(**{**c, "next": None, "end": False}, code=s.error)
    elif isinstance(s, L.WaitStep):
        if s.duration is not None:
            text = ""
        elif s.duration_path is not None:
            text = s.duration_path.text
        else:
            text = f"until {s.timestamp if s.timestamp is not None else s.timestamp_path.text}"
        out[c["name"]] = _Wait(**c, seconds=s.duration, seconds_expr=None if s.duration is not None else _Text(text))
    elif isinstance(s, L.ParallelStep):
        out[c["name"]] = _Parallel(**c, branches=tuple(_scope(b) for b in s.branches))
    elif isinstance(s, L.ForeachStep):
        out[c["name"]] = _Map(**c, items_path=_Text(s.collection.text), processor=_scope(s.steps))
    elif isinstance(s, L.ChoiceStep):
        after = None if s.end else after
        out[c["name"]] = None  # its place: before the steps of its options (the outline lists them after it)
        branches = []
        for label, o in s.options():
            target = pre + o.goto if o.goto else after
            entry = _list(o.steps, f"{pre}{s.name}.{label}/", target, out) if o.steps is not None else target
            if o.condition is not None:
                branches.append(ChoiceBranch(_Text(" ".join(o.condition.text.split())), entry, o.line))
            else:
                default = entry
        if s.default is None:
            default = after
        out[c["name"]] = _Choice(**{**c, "next": None, "end": False}, branches=tuple(branches), default=default)


__all__ = ["view"]
