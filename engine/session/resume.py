"""Resume a saved session: read its journal, replay it without calling
anything again, and go on appending to it.

A session killed mid-run (a headless ``flowdbg run --session`` is one stop)
resumes past its last stop, as far as its journaled answers go: every
answer on the tape is replayed, and only the call that was in flight when
it died is made again.
"""
from __future__ import annotations

import os

from ..definition import Definition
from ..door import TapeMismatch
from .breakpoints import Watch
from .journal import read_journal
from .types import SessionError


def resume(cls, path: str, definition: Definition, *, mocks=None, backends=None, journal_path: str | None = None,
           allow_changes: bool = False, callback_url: str | None = None, **options):
    """Restore the session saved at ``path`` to where it got. Raises
    SessionError when the file is unusable, the flow changed (naming the
    changed states) or a recorded answer does not belong to the request the
    run makes (the journal is of another run)."""
    c = read_journal(path)
    if definition.flow is None:
        raise SessionError("the definition has errors")
    start = c.start
    old, new = start.get("digests", {}), dict(definition.flow.digests)
    changed = sorted({k for k in old.keys() | new.keys() if old.get(k) != new.get(k)})
    if changed and not allow_changes:
        raise SessionError(not_this_flow(path, start, definition, old, new))
    target_path = journal_path or path
    same_file = target_path == path
    s = cls(definition, start["input"], mocks=mocks, backends=backends, journal_path=target_path,
            callback_url=callback_url, _start=start, _journal_append=same_file, overwrite=not same_file, **options)
    s.answers.extend(c.answers)
    s._journaled_answers = len(s.answers)
    s.inputs = list(c.inputs)
    if c.breakpoints is not None:
        s.bps.replace(c.breakpoints)
    if c.watches is not None:
        s.watches = [Watch(x) for x in c.watches]
    s.stops = list(c.stops) or [0]
    if not same_file:  # a copy under another name: write what was read, then go on appending
        for e in c.answers + c.inputs:
            s._write(e)
        s._journal_breakpoints()
        s._write({"k": "watches", "items": [w.expression for w in s.watches]})
    s.resume_warnings = list(c.warnings)
    s.door.strict = True
    try:
        s._replay_to(s.stops[-1])
        if c.ran_past_last_stop:
            _replay_recorded(s)
    except TapeMismatch as e:
        raise SessionError(f"{path}: {e}; the journal does not belong to this run "
                           "(another input, mock file or flowdbg version?)") from None
    finally:
        s.door.strict = False
    s.last_stop = s._stop_here()
    s.refresh_watches()
    s._journal_stop()
    return s


def not_this_flow(path: str, start: dict, definition: Definition, old: dict, new: dict) -> str:
    """Why the journal at ``path`` cannot be replayed on ``definition``: it is
    a session of another flow (its start line names the flow's file and Name),
    or of this flow before an edit (naming the states that changed, by name)."""
    saved, name = start.get("flow") or "", start.get("flow_name")
    here = os.path.abspath(definition.path)
    same_file = bool(saved) and (saved == here or _same(saved, here))
    before = {k.rpartition("/")[2] for k in old if not k.endswith("@StartAt")}
    after = {k.rpartition("/")[2] for k in new if not k.endswith("@StartAt")}
    # Another flow: its Name says so, or (a journal without one) another file with few states in common.
    if (name is not None and name != definition.flow.name) or (not same_file and len(before & after) * 2 < len(before)):
        what = f"flow {name!r}" if name else "another flow"
        where = f" ({_shown(saved)})" if saved else ""
        return (f"{path} is a session of {what}{where}, not of {definition.path}: resume it with that flow, or "
                f"start a new session of this one")
    return (f"{path}: {definition.path} changed since the session was saved ({describe_changes(old, new)}); "
            "replaying it would not reproduce the run. Start a new session, or restore the flow as it was")


def describe_changes(old: dict, new: dict) -> str:
    """The states that differ between two flows' digests, by name: the innermost
    only (a state inside a Map changes the Map too), ``B in M`` for nested ones."""
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    inner = [k for k in sorted(changed) if not any(o != k and (o.startswith(k + "/") or o.startswith(k + ".Branch"))
                                                    for o in changed)]
    out = []
    for k in inner:
        scope, _, state = k.rpartition("/")
        if state == "@StartAt":
            what = f"the StartAt of {scope}" if scope else "the flow's StartAt"
        else:
            what = f"{state!r}" + (f" in {scope}" if scope else "")
            if k not in new:
                what += " (removed)"
            elif k not in old:
                what += " (new)"
        out.append(what)
    return ("state " if len(out) == 1 and not out[0].startswith("the ") else "states " if all(
        not x.startswith("the ") for x in out) else "") + ", ".join(out)


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _replay_recorded(s) -> None:
    """Go on past the last stop while the journal still has answers or
    inputs for the run: what it recorded after its last stop (a run killed
    before it could stop again). Only when the journal has such lines: answers
    ahead of the last stop that were journaled before it are a *recorded
    future* (from before a step back), which the run may never ask again;
    the session keeps it ahead, as it was when it was saved."""
    ex = s.execution
    door = s.door
    door.replaying = True
    try:
        s._apply_inputs_at(ex.steps)  # a halt or callback given at the last stop
        while not ex.finished and (door.tape_pos < len(s.answers) or s.future_inputs()):
            before = ex.steps
            evs = s._unit()
            if ex.steps == before:
                break
            s.bps.check(ex, evs)
            s._checkpoint()
    finally:
        door.replaying = False
