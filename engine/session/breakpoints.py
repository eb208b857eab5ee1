"""Breakpoints (on a state, a scope, a condition, a hit count, or an event
kind) and watches, and the check made after every unit of work."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .. import events as E
from ..expressions import ExpressionError, compile_expression
from .types import SessionError, Stop


@dataclass
class Breakpoint:
    """On a state (``state``; ``scope`` None = every scope, else a frame id
    such as ``Map1[3]``), or on an event kind (``event``: ``task-failed``,
    ``retry``, ``callback-wait``). ``condition`` is an FDL expression
    evaluated against the state's ``$Input``/``$Context``; ``hit_count``
    breaks once the (condition-true) hits reach it."""

    id: int
    state: str | None = None
    scope: str | None = None
    condition: str | None = None
    hit_count: int | None = None
    enabled: bool = True
    event: str | None = None
    hits: int = 0

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("hits")
        return d


EVENT_BREAKS = {
    "task-failed": (E.TASK_FAILED, E.TASK_TIMED_OUT, E.TASK_SUBMIT_FAILED),
    "retry": (E.STEP_RETRYING,),
    "callback-wait": (E.TASK_SUBMITTED,),
}


@dataclass
class Watch:
    expression: str
    value: Any = None
    error: str | None = None


def compile_condition(text: str, what: str, fmt: str = "v1") -> None:
    """Raises SessionError when ``text`` is not an expression of the flow's format (FDL,
    or legacy: over ``$input``/``$local``/``$context``)."""
    try:
        if fmt == "legacy":
            from ..expressions.legacy import compile_legacy_expression
            compile_legacy_expression(text)
        else:
            compile_expression(text)
    except ExpressionError as e:
        raise SessionError(f"{what}: {e}") from None


class Breakpoints:
    """The session's breakpoints, in the order they were set."""

    def __init__(self, flow) -> None:
        self.flow = flow
        self.items: list[Breakpoint] = []
        self._ids = 0

    @property
    def format(self) -> str:
        return getattr(self.flow, "format", "v1")

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def replace(self, items: list[Breakpoint]) -> None:
        self.items = items
        self._ids = max([b.id for b in items], default=0)

    def add(self, state: str | None = None, *, scope: str | None = None, condition: str | None = None,
            hit_count: int | None = None, event: str | None = None) -> Breakpoint:
        if state is not None and not self.flow.find(state):
            raise SessionError(f"no state named {state!r}")
        if event is not None and event not in EVENT_BREAKS:
            raise SessionError(f"unknown event breakpoint {event!r}; use one of {', '.join(EVENT_BREAKS)}")
        if condition:
            compile_condition(condition, "breakpoint condition", self.format)
        if scope:
            self.check_scope(scope)
        self._ids += 1
        bp = Breakpoint(self._ids, state, scope, condition or None, hit_count, True, event)
        self.items.append(bp)
        return bp

    def find_on_state(self, state: str) -> Breakpoint | None:
        return next((b for b in self.items if b.state == state and b.event is None), None)

    def remove(self, bp_id: int) -> None:
        self.items = [b for b in self.items if b.id != bp_id]

    def change(self, bp_id: int, **changes) -> None:
        if changes.get("scope"):
            self.check_scope(changes["scope"])
        if changes.get("condition"):
            compile_condition(changes["condition"], "breakpoint condition", self.format)
        for b in self.items:
            if b.id == bp_id:
                for k, v in changes.items():
                    setattr(b, k, v)

    def check_scope(self, scope: str) -> None:
        """A scope id names Parallel branches and Map iterations, outermost
        first: ``Map1[3]``, ``Parallel1.Branch0``, ``Map1[3]/Parallel1.Branch0``
        (in a legacy flow also a choice's steps: ``pick.Choice0``, ``pick.Default``).
        Raises SessionError saying what is wrong."""
        legacy = self.format == "legacy"
        states = {s.name: s for _, s in self.flow.all_states()}
        iteration, branch = ("foreach", "parallel") if legacy else ("Map", "Parallel")
        for part in scope.split("/"):
            m = re.fullmatch(r"(.+)\[(\d+)\]", part) or re.fullmatch(r"(.+)\.Branch(\d+)", part)
            c = re.fullmatch(r"(.+)\.(?:Choice(\d+)|Default)", part) if legacy and m is None else None
            if c is not None:
                st = states.get(c.group(1))
                if st is None or st.type != "choice":
                    raise SessionError(f"scope {scope!r}: no choice step named {c.group(1)!r}")
                labels = [label for label, o in st.options() if o.steps is not None]
                if part.rsplit(".", 1)[1] not in labels:
                    raise SessionError(f"scope {scope!r}: {st.name} has steps in " + (", ".join(labels) or "no option"))
                continue
            if m is None:
                shapes = "'each[n]', 'par.Branch<n>' or 'pick.Choice<n>'" if legacy else \
                    "'MapState[n]' or 'ParallelState.Branch<n>'"
                raise SessionError(f"scope {scope!r}: {part!r} is not {shapes}")
            st = states.get(m.group(1))
            want = iteration if part.endswith("]") else branch
            if st is None or st.type != want:
                raise SessionError(f"scope {scope!r}: no {want} {'step' if legacy else 'state'} named {m.group(1)!r}")
            if want == branch and int(m.group(2)) >= len(st.branches):
                raise SessionError(f"scope {scope!r}: {st.name} has {len(st.branches)} branches")

    def hits(self) -> dict[int, int]:
        return {b.id: b.hits for b in self.items}

    def set_hits(self, hits: dict[int, int]) -> None:
        for b in self.items:
            b.hits = hits.get(b.id, 0)

    def check(self, ex, evs: list) -> Stop | None:
        """The breakpoint the last unit of work (events ``evs``) hit, if any."""
        items = self.items
        if not items:
            return None
        f = ex.last_enter
        # Fast path for the common case: no event breakpoints and no state
        # breakpoint on the state just entered.
        if f is None or all(b.state != f.state for b in items):
            if all(b.event is None for b in items):
                return None
        for bp in items:
            if not bp.enabled:
                continue
            if bp.event is not None:
                kinds = EVENT_BREAKS[bp.event]
                for ev in evs:
                    if ev.type in kinds and (bp.event != "callback-wait" or ev.detail.get("token")):
                        return Stop(record=ev.step if 0 <= ev.step < len(ex.records) else None,
                                    reason="breakpoint", frame=ev.scope, state=ev.state, breakpoint=bp.id,
                                    message=f"{ev.type} in {ev.state}")
                continue
            if f is None or f.state != bp.state:
                continue
            if bp.scope is not None and f.id != bp.scope:
                continue
            if bp.condition:
                try:
                    value = ex.condition_at(bp.condition, f.record, f)
                except ExpressionError as e:
                    return Stop("breakpoint-error", frame=f.id, state=f.state, breakpoint=bp.id,
                                message=f"breakpoint condition {bp.condition!r} failed: {e}")
                if not value:
                    continue
            bp.hits += 1
            if bp.hit_count is not None and bp.hits < bp.hit_count:
                continue
            return Stop("breakpoint", frame=f.id, state=f.state, breakpoint=bp.id)
        return None


__all__ = ["Breakpoint", "Breakpoints", "EVENT_BREAKS", "Watch", "compile_condition"]
