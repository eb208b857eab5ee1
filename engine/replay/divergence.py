"""Where a local run leaves the recorded one: a session stop check.

After every unit the local events are compared with the record, per state
(per state and scope when the record names scopes, as flowdbg's exports
do): the n-th time a state is entered, its input; the n-th task it
schedules, its request; the n-th time it ends, its output (or that it
failed); and how the execution ended. The first difference of each kind
stops the debugger (``Stop("diverged")``) with what differs; going on
replays the rest of the record where it still fits.

With a record that still grows (``--cloud``), a local event past the end
of the record is not a difference yet: it is checked once the record has it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .. import events as E
from .record import ENDS, MISSING, Record, _get, _maybe_json, error_of

_DEFER = object()


def _show(v: Any, limit: int = 160) -> str:
    if v is MISSING:
        return "(nothing)"
    text = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _same(want: Any, got: Any, tokens: set) -> bool:
    """JSON equality, except that a task token of this run matches whatever
    token the recorded run had in its place (each run gets its own)."""
    if isinstance(got, str) and got in tokens:
        return isinstance(want, str)
    if isinstance(want, dict) and isinstance(got, dict):
        return want.keys() == got.keys() and all(_same(want[k], got[k], tokens) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(_same(a, b, tokens) for a, b in zip(want, got))
    return want == got and isinstance(want, bool) == isinstance(got, bool)  # true is not 1


def _leaves(want: Any, got: Any, tokens: set, path: str = "") -> list[tuple[str, Any, Any]]:
    """Where two values differ: ``(path, recorded, here)`` down to the fields."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for k in sorted(want.keys() | got.keys()):
            w, g = want.get(k, MISSING), got.get(k, MISSING)
            if w is MISSING or g is MISSING:
                out.append((f"{path}{k}", w, g))
            else:
                out += _leaves(w, g, tokens, f"{path}{k}.")
        return out
    return [] if _same(want, got, tokens) else [(path.rstrip(".") or "the value", want, got)]


def _diff(want: Any, got: Any, tokens: set = frozenset()) -> str:
    """``field: recorded X, here Y``, naming only the fields that differ."""
    diffs = _leaves(want, got, tokens) or [("the value", want, got)]
    parts = [f"{p}: recorded {_show(w, 60)}, here {_show(g, 60)}" for p, w, g in diffs[:3]]
    return "; ".join(parts) + (f"; and {len(diffs) - 3} more field(s)" if len(diffs) > 3 else "")


@dataclass
class _Activation:
    input: Any = MISSING
    end: str | None = None  # exited | failed
    output: Any = MISSING
    error: str = ""
    next: Any = MISSING


@dataclass
class _Expected:
    activations: dict = field(default_factory=dict)  # key -> [_Activation]
    requests: dict = field(default_factory=dict)  # key -> [parameters]
    status: str = "Running"
    error: str = ""
    output: Any = MISSING


def _expected(record: Record) -> _Expected:
    exp = _Expected(status=record.status)
    for e in record.events:
        key = (e.state, e.scope) if record.scoped else e.state
        if e.type == E.STEP_ENTERED:
            exp.activations.setdefault(key, []).append(_Activation(_maybe_json(_get(e.detail, "input", "Input"))))
        elif e.type in (E.STEP_EXITED, E.STEP_FAILED):
            for a in exp.activations.get(key, []):
                if a.end is None:
                    if e.type == E.STEP_EXITED:
                        a.end, a.output = "exited", _maybe_json(_get(e.detail, "output", "Output"))
                        a.next = _get(e.detail, "next", "Next")
                    else:
                        a.end, a.error = "failed", error_of(e.detail)[0]
                    break
        elif e.type == E.TASK_SCHEDULED:
            exp.requests.setdefault(key, []).append(_maybe_json(_get(e.detail, "parameters", "Parameters",
                                                                     "input", "Input")))
        elif e.type in ENDS:
            exp.error = error_of(e.detail)[0]
            exp.output = _maybe_json(_get(e.detail, "output", "Output"))
    return exp


class DivergenceCheck:
    """``session.stop_checks.append(DivergenceCheck(record))``."""

    def __init__(self, record: Record):
        self.update(record)
        self.reported: set = set()
        self.found: list[str] = []  # every difference seen, in order (the TUI and tests read it)
        self._ex = None

    def update(self, record: Record) -> None:
        """A longer record (``--cloud``): differences are judged against it from now on."""
        self.record = record
        self.expected = _expected(record)

    def _reset(self, ex) -> None:
        self._ex, self._cursor = ex, 0
        self._entered: dict = {}
        self._ended: dict = {}
        self._scheduled: dict = {}
        self._tokens: set = set()

    def __call__(self, session, events=None):
        from ..session import Stop
        ex = session.execution
        if ex is not self._ex or len(ex.events) < self._cursor:
            self._reset(ex)
        stop = None
        while self._cursor < len(ex.events):
            ev = ex.events[self._cursor]
            found = self._check(ev)
            if found is _DEFER:
                break
            self._cursor += 1
            if found is not None and found[0] not in self.reported:
                kind, message = found
                self.reported.add(kind)
                self.found.append(message)
                if stop is None:
                    stop = Stop("diverged", frame=ev.scope if ev.state else None, state=ev.state or None,
                                message=message)
        return stop

    def _key(self, ev):
        return (ev.state, ev.scope) if self.record.scoped else ev.state

    def _where(self, ev) -> str:
        return f"{ev.state}" + (f" [{ev.scope}]" if ev.scope else "")

    def _check(self, ev):
        exp, key, live = self.expected, self._key(ev), self.record.status == "Running"
        if ev.type == E.STEP_ENTERED:
            acts = exp.activations.get(key, [])
            n = self._entered.get(key, 0)
            if n >= len(acts):
                if live:
                    return _DEFER
                self._entered[key] = n + 1
                if not acts:
                    return ("path", f"diverged at {self._where(ev)}: the recorded execution never ran this state "
                                    "here (the flow or a Choice took another way)")
                return ("path", f"diverged at {self._where(ev)}: the recorded execution ran it {len(acts)} "
                                f"time(s); this is time {n + 1}")
            self._entered[key] = n + 1
            want, got = acts[n].input, (ev.detail or {}).get("input", MISSING)
            if want is not MISSING and not _same(want, got, self._tokens):
                return ("input", f"diverged at {self._where(ev)}: its input differs — {_diff(want, got, self._tokens)}")
        elif ev.type == E.TASK_SCHEDULED:
            if (ev.detail or {}).get("token"):
                self._tokens.add(ev.detail["token"])
            reqs = exp.requests.get(key, [])
            n = self._scheduled.get(key, 0)
            if n >= len(reqs):
                return _DEFER if live else None  # the path check reports the extra state
            self._scheduled[key] = n + 1
            want, got = reqs[n], (ev.detail or {}).get("parameters", MISSING)
            if want is not MISSING and not _same(want, got, self._tokens):
                return ("request", f"diverged at {self._where(ev)}: the task's request differs — "
                                   f"{_diff(want, got, self._tokens)}")
        elif ev.type in (E.STEP_EXITED, E.STEP_FAILED):
            acts = exp.activations.get(key, [])
            n = self._ended.get(key, 0)
            if n >= len(acts) or acts[n].end is None:
                return _DEFER if live else None
            self._ended[key] = n + 1
            a = acts[n]
            if ev.type == E.STEP_FAILED:
                code = ((ev.detail or {}).get("error") or {}).get("Code", "")
                if a.end != "failed":
                    return ("outcome", f"diverged at {self._where(ev)}: it failed here ({code}); in the recorded "
                                       "execution it succeeded")
                if a.error and code != a.error:
                    return ("outcome", f"diverged at {self._where(ev)}: it failed with {code}; the recorded "
                                       f"execution failed with {a.error}")
            else:
                if a.end == "failed":
                    return ("outcome", f"diverged at {self._where(ev)}: it succeeded here; in the recorded "
                                       f"execution it failed ({a.error})")
                nxt = (ev.detail or {}).get("next", MISSING)
                if a.next is not MISSING and nxt is not MISSING and nxt != a.next:
                    return ("path", f"diverged at {self._where(ev)}: it went on to {nxt}; the recorded execution "
                                    f"went on to {a.next}")
                got = (ev.detail or {}).get("output", MISSING)
                if a.output is not MISSING and not _same(a.output, got, self._tokens):
                    return ("output", f"diverged at {self._where(ev)}: its output differs — "
                                      f"{_diff(a.output, got, self._tokens)}")
        elif ev.type in ENDS:
            if live:
                return _DEFER
            local = ENDS[ev.type]
            if local != exp.status:
                why = f" ({exp.error})" if exp.error else ""
                return ("end", f"diverged at the end: the recorded execution {exp.status.lower()}{why}; "
                               f"here it {local.lower()}")
        return None
