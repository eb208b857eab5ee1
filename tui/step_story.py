"""What a step's outcome and a stop's place are, in words (no Textual).

The Step pane says what the state the key stepped did ("waiting for Retry
1 of 2 at 1 s"), and why the debugger stopped in another scope when it did
("…[0] waits for its Retry at 1 s: on at the next state of Price each
item"). A frame's label is shortened to its last scope for these lines.
"""
from __future__ import annotations

from flowdbg.engine.execution import MISSING


def short(label: str) -> str:
    """``P.Branch0 > Map[2]`` -> ``Map[2]``; the top level's label stays."""
    return (label or "").rsplit(" > ", 1)[-1]


def frame_of(ex, frame_id: str):
    return next((f for f in ex.frames if f.id == frame_id), None)


def _timer_at(ex, frame) -> float | None:
    """When the timer ``frame`` blocks on fires (a Retry interval, a Wait)."""
    for when, _, kind, data in getattr(ex.sched, "timers", ()):
        if kind == "wake" and data is frame:
            return when
    return None


def _wait(ex, rec):
    """``(kind, at)`` of what a record's frame blocks on: token | answered |
    children | retry | timer, and a timer's time; ``(None, None)`` otherwise."""
    f = frame_of(ex, rec.frame)
    if f is not None and f.record is rec and rec.status == "waiting" and any(
            p.frame is f and p.token == rec.token and p.status == "answered" for p in ex.pending.values()):
        return "answered", None  # its frame is ready again: the next step finishes it
    if f is None or f.record is not rec or f.status != "blocked":
        if rec.status == "waiting" and rec.type in ("Map", "Parallel"):
            return "children", None
        return None, None
    if f.wait == "token":
        p = next((p for p in ex.pending.values() if p.frame is f), None)
        return ("answered" if p is not None and p.status == "answered" else "token"), None
    if f.wait == "timer":
        return ("retry" if rec.retries else "timer"), _timer_at(ex, f)
    return f.wait, None


def _at(t) -> str:
    return f" at {t:g} s" if t is not None else ""


def waiting_for(ex, rec) -> str:
    """What a waiting record waits for: a callback, its Retry, a timer, its
    branches or iterations ("" when it does not wait)."""
    kind, at = _wait(ex, rec)
    if kind == "token":
        return "waiting for a callback"
    if kind == "answered":
        return "answered: it finishes when you step on"
    if kind == "children":
        return "running its iterations" if rec.type == "Map" else "running its branches"
    if kind == "retry":
        r = rec.retries[-1]
        err = (r.get("error") or {}).get("Code", "an error")
        return f"{err}; waiting for Retry {r['attempt']}{_at(at)}"
    if kind == "timer":
        return f"waiting{_at(at)}"
    return ""


def outcome(ex, rec) -> str:
    """``succeeded → Next``, ``caught FC.X → Fallback``, ``failed``, or what it waits for."""
    if rec.status == "succeeded":
        return "succeeded" + (f" → {rec.next}" if rec.next else "")
    if rec.status == "caught":
        err = (rec.catch or {}).get("error") or rec.error or {}
        return f"caught {err.get('Code', 'an error')}" + (f" → {rec.next}" if rec.next else "")
    if rec.status == "failed":
        return "failed"
    return waiting_for(ex, rec) or rec.status


def why_here(ex, stepped, stop_frame: str | None) -> str:
    """Why a stop is in another scope than the state the key stepped, or ""."""
    if stepped is None or stop_frame is None or stop_frame == stepped.frame:
        return ""
    here = frame_of(ex, stop_frame)
    f = frame_of(ex, stepped.frame)
    where = short(here.label) if here is not None and here.label != "execution" else "the top level"
    # the iteration or branch that waits ("Price each item[0]"); at the top level, the state itself
    name = short(f.label) if f is not None and f.parent is not None else stepped.state
    kind, at = _wait(ex, stepped) if f is not None and f.live else ("ended", None)
    what = {"token": "waits for a callback", "answered": "waits to finish", "retry": f"waits for its Retry{_at(at)}",
            "timer": f"waits{_at(at)}", "children": "waits for its iterations" if stepped.type == "Map"
            else "waits for its branches", "ended": "ended"}.get(kind, "waits")
    g = f.group if f is not None else None
    if g is not None and here is not None and here.group is g:
        return f"{name} {what}: stopped at the next state of {g.state}, in {where}"
    if here is not None and f is not None and _is_ancestor(here, f):
        return f"{name} {what}: stopped after it, in {where}"
    return f"{name} {what}: stopped in {where}"


def _is_ancestor(a, f) -> bool:
    while f is not None:
        if f is a:
            return True
        f = f.parent
    return False


def has_output(rec) -> bool:
    return rec.output is not MISSING or rec.result is not MISSING


__all__ = ["short", "waiting_for", "outcome", "why_here", "has_output"]
