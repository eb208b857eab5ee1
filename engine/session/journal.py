"""The session journal: JSON Lines, appended as things happen, never rewritten.

Every input from outside is a line the moment it arrives: each backend
answer (before the execution uses it), each callback and scope choice,
each change of breakpoints or watches, each stop. A ``kill -9`` at any
moment therefore loses at most the one call in flight. Lines are written
through to the OS at once and fsync'd at each stop and at least once a
second while running.

Lines (``k`` is the kind; later lines amend earlier ones)::

    {"k": "start", "v": 2, "flow": path, "digests": {...}, "input": {...}, "seed": 0,
     "start_time": "...Z", "name": "exec-..."}
    {"k": "answer", "key": "fn:State:fn", "req": "ab12...", "response": {...}}
    {"k": "truncate", "answers": 12}          # the run diverged: keep the first 12 answers
    {"k": "callback", "step": 12, "token": "...", "succeeded": true, "output": {...}}
    {"k": "choose", "step": 7, "frame": "Map1[2]"}
    {"k": "halt", "step": 9, "reason": "..."}  # StopExecution from the debugger
    {"k": "drop-inputs", "keep": 2}           # only the first 2 callbacks/choices still hold
    {"k": "breakpoints", "items": [...]}  /  {"k": "watches", "items": [...]}
    {"k": "stop", "step": 14}
    {"k": "back", "stops": 3}                 # a step back: keep the first 3 stops

Reading tolerates a journal cut off anywhere (the last, partial line is
dropped with a warning) and refuses, with the file's line, anything else
that is not what flowdbg wrote.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from ..files import file_problem
from .types import SessionError

VERSION = 2
FSYNC_EVERY = 1.0  # seconds


def _dumps(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False, default=str, allow_nan=False, separators=(",", ":"))


class JournalWriter:
    """Appends lines to a journal file. ``create`` refuses an existing file
    unless ``overwrite``; ``append`` continues one (resume)."""

    def __init__(self, path: str, *, append: bool = False, overwrite: bool = False):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        mode = "a" if append else ("w" if overwrite else "x")
        try:
            self._f = open(path, mode, encoding="utf-8", newline="\n")
        except FileExistsError:
            raise SessionError(f"{path}: a journal exists already; resume it, or ask to overwrite it") from None
        self._last_sync = time.monotonic()
        self._dirty = False

    def write(self, entry: dict) -> None:
        self._f.write(_dumps(entry) + "\n")
        self._f.flush()  # through to the OS: a killed process loses nothing written
        self._dirty = True
        if time.monotonic() - self._last_sync >= FSYNC_EVERY:
            self.sync()

    def sync(self) -> None:
        if self._dirty:
            self._f.flush()
            os.fsync(self._f.fileno())
            self._dirty = False
        self._last_sync = time.monotonic()

    def close(self) -> None:
        try:
            self.sync()
        finally:
            self._f.close()


@dataclass
class JournalContents:
    start: dict
    answers: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    breakpoints: list | None = None
    watches: list | None = None
    stops: list = field(default_factory=lambda: [0])
    warnings: list = field(default_factory=list)
    cut: bool = False  # the last line was incomplete (the process was killed while writing)
    #: an answer, callback or choice was journaled after the last stop: the run went on
    #: past that stop (and was cut off before its next one)
    ran_past_last_stop: bool = False


def _need(cond: bool, path: str, n: int, what: str) -> None:
    if not cond:
        raise SessionError(f"{path}:{n}: {what}; this is not a journal flowdbg wrote (or it was edited)")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_entry(e: Any, path: str, n: int) -> str:
    _need(isinstance(e, dict), path, n, "a journal line must be a JSON object")
    k = e.get("k")
    _need(isinstance(k, str), path, n, "the line has no kind ('k')")
    if k == "answer":
        key = e.get("key")
        _need(isinstance(key, str) and key.startswith(("fn:", "state:", "cb:")), path, n,
              "an answer line needs a 'key' of a function, state or callback")
        _need(isinstance(e.get("req", ""), str), path, n, "an answer's 'req' must be a string")
        if key.startswith("fn:"):
            _need(_is_response(e.get("response")), path, n, "a function answer needs a 'response' as flowdbg writes it")
        elif key.startswith("state:"):
            _need(_is_state_answer(e.get("answer")), path, n, "a state answer needs 'result' or an 'error' name")
        else:
            _need("answer" in e and _is_callback_answer(e["answer"]), path, n,
                  "a callback answer needs 'succeed' with an object or 'fail' with an error name (or null)")
    elif k == "halt":
        _need(_is_int(e.get("step")) and isinstance(e.get("reason", ""), str), path, n,
              "a halt line needs a 'step' count and a 'reason'")
    elif k in ("callback", "choose"):
        _need(_is_int(e.get("step")), path, n, f"a {k} line needs a 'step' count")
        if k == "callback":
            _need(isinstance(e.get("token"), str) and isinstance(e.get("succeeded"), bool), path, n,
                  "a callback line needs a 'token' and 'succeeded'")
            if e["succeeded"]:
                _need(isinstance(e.get("output"), dict), path, n, "a succeeded callback needs an 'output' object")
            else:
                _need(isinstance(e.get("error"), str), path, n, "a failed callback needs an 'error' name")
        else:
            _need(isinstance(e.get("frame"), str), path, n, "a choose line needs a 'frame'")
    elif k in ("stop",):
        _need(_is_int(e.get("step")), path, n, "a stop line needs a 'step' count")
    elif k == "back":
        _need(_is_int(e.get("stops")) and e["stops"] >= 1, path, n, "a back line needs a 'stops' count")
    elif k == "truncate":
        _need(_is_int(e.get("answers")), path, n, "a truncate line needs an 'answers' count")
    elif k == "drop-inputs":
        _need(_is_int(e.get("keep")), path, n, "a drop-inputs line needs a 'keep' count")
    elif k in ("breakpoints", "watches"):
        _need(isinstance(e.get("items"), list), path, n, f"a {k} line needs an 'items' list")
    elif k == "start":
        _need(False, path, n, "a second 'start' line")
    else:
        _need(False, path, n, f"unknown line kind {k!r}")
    return k


def _is_seconds(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1e12)


def _is_response(d: Any) -> bool:
    """A FunctionResponse.to_json(), field by field."""
    if not isinstance(d, dict) or not set(d) <= {"source", "error", "detail", "payload", "payload_b64", "duration",
                                                   "log", "meta"}:
        return False
    if not isinstance(d.get("source", "mock"), str) or not isinstance(d.get("meta", {}), dict):
        return False
    if not all(isinstance(d.get(f, ""), str) for f in ("detail", "payload", "payload_b64", "log")):
        return False
    if "payload_b64" in d:
        import base64
        import binascii
        try:
            base64.b64decode(d["payload_b64"], validate=True)
        except (binascii.Error, ValueError):
            return False
    return (d.get("error") is None or isinstance(d["error"], str)) and _is_seconds(d.get("duration"))


def _is_state_answer(d: Any) -> bool:
    if not isinstance(d, dict) or not _is_seconds(d.get("delay")):
        return False
    if "error" in d:
        return isinstance(d["error"], str) and isinstance(d.get("detail", ""), (str, int, float))
    return "result" in d


def _is_callback_answer(d: Any) -> bool:
    if d is None:
        return True
    if not isinstance(d, dict) or not _is_seconds(d.get("after")):
        return False
    if "succeed" in d:
        return isinstance(d["succeed"], dict) and "fail" not in d
    fail = d.get("fail")
    return isinstance(fail, dict) and isinstance(fail.get("error"), str)


def _check_start(e: Any, path: str) -> dict:
    _need(isinstance(e, dict) and e.get("k") == "start", path, 1, "the first line is not a session start")
    _need(e.get("v") in (1, VERSION), path, 1, f"journal version {e.get('v')!r} is not one this flowdbg reads")
    _need(isinstance(e.get("input"), dict), path, 1, "the start line needs the execution 'input' object")
    _need(isinstance(e.get("seed"), int) and not isinstance(e.get("seed"), bool), path, 1, "the start line needs a 'seed'")
    _need(isinstance(e.get("name"), str) and isinstance(e.get("start_time"), str), path, 1,
          "the start line needs the execution 'name' and 'start_time'")
    _need(isinstance(e.get("digests", {}), dict), path, 1, "the start line's 'digests' must be an object")
    return e


def _breakpoint_items(items: list, path: str, n: int) -> list:
    from .breakpoints import Breakpoint
    out = []
    allowed = set(Breakpoint.__dataclass_fields__) - {"hits"}
    for b in items:
        _need(isinstance(b, dict) and set(b) <= allowed and _is_int(b.get("id")), path, n, "a bad breakpoint entry")
        try:
            out.append(Breakpoint(**b))
        except TypeError:
            _need(False, path, n, "a bad breakpoint entry")
    return out


def read_journal(path: str) -> JournalContents:
    """Parse a journal. Raises SessionError (``path:line: why``) when it is
    not one flowdbg wrote; a last line cut off mid-write is dropped."""
    problem = file_problem(path)
    if problem is not None:
        raise SessionError(f"{path}: {problem}")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise SessionError(f"{path}: cannot read it: {e.strerror or e}") from None
    lines = raw.split(b"\n")
    parsed: list[tuple[int, Any]] = []
    cut = 0
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        last = all(not x.strip() for x in lines[i:])
        try:
            parsed.append((i, json.loads(line.decode("utf-8"), parse_constant=_no_constant)))
        except (UnicodeDecodeError, ValueError, RecursionError):
            if last and not raw.endswith(b"\n"):
                cut = i  # killed while writing its last line
                break
            if i == 1:
                from ..file_kinds import not_json_but
                other = not_json_but(raw.decode("utf-8", errors="replace"), path, "a session journal")
                if other:
                    raise SessionError(other) from None
            raise SessionError(f"{path}:{i}: not a JSON line; this is not a journal flowdbg wrote "
                               "(or it was edited)") from None
    if not parsed:
        raise SessionError(f"{path}: not a flowdbg session journal (it is empty)")
    c = JournalContents(_check_start(parsed[0][1], path))
    if cut:
        c.cut = True
        c.warnings.append(f"{path}:{cut}: the last line was cut off (the session was killed while writing it); "
                          "it is ignored")
    for n, e in parsed[1:]:
        k = _check_entry(e, path, n)
        if k in ("answer", "callback", "choose", "halt"):
            c.ran_past_last_stop = True
        if k == "answer":
            c.answers.append(e)
        elif k == "truncate":
            del c.answers[e["answers"]:]
        elif k in ("callback", "choose", "halt"):
            c.inputs.append(e)
        elif k == "drop-inputs":
            del c.inputs[e["keep"]:]
        elif k == "breakpoints":
            c.breakpoints = _breakpoint_items(e["items"], path, n)
        elif k == "watches":
            _need(all(isinstance(x, str) for x in e["items"]), path, n, "watches must be expression strings")
            c.watches = list(e["items"])
        elif k == "stop":
            # A halt given at the last stop is applied again by resume; anything else
            # journaled before this line is behind it (or a recorded future).
            c.ran_past_last_stop = bool(e.get("halted"))
            if "stops" in e and isinstance(e["stops"], list) and all(_is_int(x) for x in e["stops"]):
                c.stops = list(e["stops"]) or [0]  # a version 1 journal kept its stops on the line
            elif c.stops[-1] != e["step"] or e.get("halted"):
                c.stops.append(e["step"])
        elif k == "back":
            del c.stops[e["stops"]:]
    return c


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


__all__ = ["JournalWriter", "JournalContents", "read_journal", "VERSION"]
