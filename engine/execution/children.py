"""Branches and iterations: how a Parallel or Map starts its children,
learns they finished, and stops the others when one fails (decision 6)."""
from __future__ import annotations

from typing import Any

from .. import events as E
from ..errors import FlowError
from .frames import LIVE, Frame, Group


def run_children(ex, f: Frame, g: Group) -> None:
    """Start ``g``'s children and block ``f`` until they are all done."""
    f.owned = g
    start_more(ex, g)
    f.act.rec.status = "waiting"
    ex.block(f, "children")


def collect(f: Frame) -> list:
    """After the wake-up: the children's outputs, or their first uncaught error."""
    g = f.owned
    f.act.rec.status = "running"
    if g.error is not None:
        raise g.error
    return g.results


def start_more(ex, g: Group) -> None:
    n = len(g.inputs)
    parent = g.parent
    prefix = f"{parent.id}/" if parent.id else ""
    while g.started < n and (g.limit <= 0 or g.active < g.limit):
        i = g.started
        g.started += 1
        g.active += 1
        if g.names is not None:
            fid, label = f"{prefix}{g.names[i]}", g.names[i]
            entered = E.BRANCH_ENTERED if g.kind == "branch" else E.ITERATION_ENTERED
        elif g.kind == "branch":
            fid, label = f"{prefix}{g.state}.Branch{i}", f"{g.state}.Branch{i}"
            entered = E.BRANCH_ENTERED
        else:
            fid, label = f"{prefix}{g.state}[{i}]", f"{g.state}[{i}]"
            entered = E.ITERATION_ENTERED
        if parent.label != "execution":
            label = f"{parent.label} > {label}"
        child = ex.new_frame(fid, label, g.kind, parent, g.scopes[i], g.inputs[i], index=i)
        child.group = g
        g.children.append(child)
        ex.emit(entered, g.state, fid, {"input": g.inputs[i], "index": i}, step=g.record)
        ex.sched.make_ready(child)


def child_done(ex, f: Frame, output: Any) -> None:
    g = f.group
    ex.emit(E.BRANCH_EXITED if f.kind == "branch" else E.ITERATION_EXITED, g.state, f.id, {"output": output},
            step=g.record)
    g.results[f.index] = output
    g.finished += 1
    g.active -= 1
    if g.error is None:
        start_more(ex, g)
        if g.finished == len(g.inputs):
            ex.sched.make_ready(g.parent)


def child_failed(ex, f: Frame, err: FlowError) -> None:
    g = f.group
    ex.emit(E.BRANCH_EXITED if f.kind == "branch" else E.ITERATION_EXITED, g.state, f.id,
            {"error": err.to_json()}, step=g.record)
    g.active -= 1
    if g.error is None:
        g.error = FlowError(err.code, _scoped(f.label, err.detail))
        cancel(ex, g)
        ex.sched.make_ready(g.parent)


def _scoped(label: str, detail: str) -> str:
    """``detail`` prefixed with the scope it came from, once: an error from
    a nested scope already starts with that scope's label, which begins
    with this one's (``P.Branch0 > Map1[2]: ...``)."""
    if not detail:
        return label
    if detail.startswith((label + " > ", label + ": ")):
        return detail
    return f"{label}: {detail}"


def cancel(ex, g: Group) -> None:
    """Stop the live children of ``g`` and everything running inside them."""
    members = {id(c) for c in g.children}

    def inside(fr: Frame | None) -> bool:
        while fr is not None:
            if id(fr) in members:
                return True
            fr = fr.parent
        return False
    doomed = {id(fr) for fr in ex.frames if fr.status in LIVE and inside(fr)}
    for fr in ex.frames:
        if id(fr) in doomed:
            fr.status = "cancelled"
            if fr.record is not None and not fr.record.closed:
                ex.close(fr.record)
    ex.stop_pending(lambda p: p.frame is not None and id(p.frame) in doomed)
