"""The mock file: scripted answers for functions, other Actions and callbacks.

```yaml
functions:              # key: full resourceArn, "service/function", or function name (most specific wins)
  myFunction1:
    - body: {ok: true}          # the function's response payload; the task result is {"Body": ...}
  myFunction2:
    - error: FC.ResourceThrottled
      detail: too many requests
      times: 2                  # this entry answers 2 calls (default 1)
    - body: "plain text"
      delay: 5                  # virtual seconds the call takes (default 0)
states:                 # key: a Task state's name; its whole result, for any Action
  Notify:
    - result: {MessageId: "m-1"}
callbacks:              # key: a WaitForCustomCallback Task's name
  WaitForApproval:
    - succeed: {approved: true}
      after: 30                 # virtual seconds after the task was submitted (default 0)
    - fail: {error: Rejected, cause: "manager said no"}
local:                  # functions run from local code (see docs/backends.md)
  myFunction1: handlers/index.py:handler
live: [myFunction3]     # functions called on real Function Compute
flows:                  # FNF:StartExecution children run inside flowdbg from these files
  child-flow: child.yaml        # path relative to the mock file
```
Entries answer calls in order; the last one repeats. A state key beats a
function key. Errors in the file are ``path:line:col: message``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .backends.base import BackendError, FunctionRequest, FunctionResponse
from .diagnostics import ERROR, Diagnostic
from .load import Map, Node, Scalar, Seq, load_file, load_text, to_python

_FUNCTION_KEYS = {"body", "error", "detail", "times", "delay", "log"}
_STATE_KEYS = {"result", "error", "detail", "times", "delay"}
_CALLBACK_KEYS = {"succeed", "fail", "after", "times"}
MAX_DELAY = 365 * 86400  # virtual seconds; a call or callback later than a year could never be seen


@dataclass(frozen=True)
class Entry:
    data: dict
    times: int = 1
    line: int = 0


@dataclass
class MockFile:
    path: str = ""
    functions: dict[str, list[Entry]] = field(default_factory=dict)
    states: dict[str, list[Entry]] = field(default_factory=dict)
    callbacks: dict[str, list[Entry]] = field(default_factory=dict)
    local: dict[str, str] = field(default_factory=dict)
    live: list[str] = field(default_factory=list)
    flows: dict[str, str] = field(default_factory=dict)
    #: the loader's warnings (yaml11-value, yaml-tag), ``path:line:col`` with ``d.format(path)``
    warnings: list[Diagnostic] = field(default_factory=list)


class MockFileError(Exception):
    """A malformed mock file; ``diagnostics`` locate each problem."""

    def __init__(self, path: str, diagnostics: list[Diagnostic]):
        self.path = path
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format(path) for d in diagnostics))


def _entries(node: Node, allowed: set[str], section: str, key: str, diags: list) -> list[Entry]:
    items = node.items if isinstance(node, Seq) else (node,)
    if not items:
        diags.append(Diagnostic(ERROR, "mock", node.line, node.col, f"{section}.{key}: the list of answers is empty"))
    out = []
    for it in items:
        if not isinstance(it, Map):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: each answer must be a mapping"))
            continue
        for k, _ in it.items:
            if k.value not in allowed:
                diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                        f"{section}.{key}: unknown field {k.value!r}; allowed: {', '.join(sorted(allowed))}"))
        data = to_python(it)
        times = data.pop("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            at = it.get("times") or it
            diags.append(Diagnostic(ERROR, "mock", at.line, at.col, f"{section}.{key}: 'times' must be a positive integer"))
            times = 1
        for num in ("delay", "after"):
            v = data.get(num)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= MAX_DELAY):
                at = it.get(num) or it
                diags.append(Diagnostic(ERROR, "mock", at.line, at.col,
                                        f"{section}.{key}: '{num}' must be a number of seconds from 0 to "
                                        f"{MAX_DELAY:,} (a year, CloudFlow's longest execution)"))
        if section == "callbacks":
            if ("succeed" in data) == ("fail" in data):
                diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"callbacks.{key}: each answer needs exactly one of 'succeed' or 'fail'"))
            elif "fail" in data and not (isinstance(data["fail"], dict) and isinstance(data["fail"].get("error"), str)):
                diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"callbacks.{key}: 'fail' needs an 'error' name (and optionally 'cause')"))
        elif "error" in data and ("body" in data or "result" in data):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col,
                                    f"{section}.{key}: an answer has either 'error' or "
                                    f"'{'body' if section == 'functions' else 'result'}', not both"))
        elif "error" in data and not isinstance(data["error"], str):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: 'error' must be an error name such as FC.ResourceThrottled"))
        elif section == "functions" and "error" not in data and "body" not in data:
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"functions.{key}: an answer needs 'body' or 'error'"))
        elif section == "states" and "error" not in data and "result" not in data:
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"states.{key}: an answer needs 'result' or 'error'"))
        bad = _non_finite(data)
        if bad:
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: {bad} is not a JSON number"))
        out.append(Entry(data, times, it.line))
    return out


def _non_finite(v) -> str | None:
    """YAML's .nan/.inf have no JSON form."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return repr(v)
    if isinstance(v, dict):
        v = list(v.values())
    if isinstance(v, list):
        for x in v:
            bad = _non_finite(x)
            if bad:
                return bad
    return None


def parse_mocks(text: str, path: str = "") -> MockFile:
    """Parse mock-file text (YAML or JSON). Raises :class:`MockFileError`."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return MockFile(path=path)
    res = load_text(text)
    diags = [d for d in res.diagnostics if d.severity == ERROR]
    mf = MockFile(path=path)
    root = res.root
    if root is None and not diags:
        return mf
    if root is not None and not isinstance(root, Map):
        diags.append(Diagnostic(ERROR, "mock", root.line, root.col, "the mock file must be a mapping with functions/states/callbacks"))
    if diags:
        raise MockFileError(path, diags)
    sections = {"functions": (_FUNCTION_KEYS, mf.functions), "states": (_STATE_KEYS, mf.states),
                "callbacks": (_CALLBACK_KEYS, mf.callbacks)}
    for k, v in root.items:
        name = k.value
        if name in sections:
            allowed, target = sections[name]
            if not isinstance(v, Map):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, f"'{name}' must be a mapping of names to answers"))
                continue
            for fk, fv in v.items:
                target[str(fk.value)] = _entries(fv, allowed, name, str(fk.value), diags)
        elif name == "local":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'local' maps function names to 'path/to/file.py:handler'"))
            else:
                mf.local = {str(a.value): b.value for a, b in v.items}
        elif name == "flows":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'flows' maps child flow names to flow files"))
            else:
                import os
                base = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
                mf.flows = {str(a.value): os.path.join(base, b.value) for a, b in v.items}
        elif name == "live":
            if not isinstance(v, Seq) or not all(isinstance(x, Scalar) for x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'live' is a list of function names"))
            else:
                mf.live = [str(x.value) for x in v.items]
        else:
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                    f"unknown section {name!r}; a mock file has functions, states, callbacks, local, live, flows"))
    if diags:
        raise MockFileError(path, diags)
    mf.warnings = [d for d in res.diagnostics if d.severity != ERROR]
    return mf


def load_mocks(path: str) -> MockFile:
    res = load_file(path)
    if res.root is None and res.diagnostics and res.diagnostics[0].code in ("io", "encoding", "too-large"):
        raise MockFileError(path, list(res.diagnostics))
    return parse_mocks(res.text, path)


def pick(entries: list[Entry], n: int) -> Entry:
    """The entry answering the n-th call (0-based); the last one repeats."""
    for e in entries:
        if n < e.times:
            return e
        n -= e.times
    return entries[-1]


class MockBackend:
    """Answers FC invocations from ``functions:``. Stateless: which entry
    answers is decided by the call index the execution passes in, so replay
    and step back need no hidden counters."""

    name = "mock"

    def __init__(self, mocks: MockFile):
        self.mocks = mocks

    def key_for(self, request: FunctionRequest) -> str | None:
        for k in request.function.mock_keys:
            if k in self.mocks.functions:
                return k
        return None

    def handles(self, request: FunctionRequest) -> bool:
        return self.key_for(request) is not None

    def answer(self, request: FunctionRequest, n: int) -> FunctionResponse:
        key = self.key_for(request)
        if key is None:
            keys = " or ".join(repr(k) for k in request.function.mock_keys[1:] or request.function.mock_keys)
            raise BackendError(
                f"state {request.state!r} calls function {request.function.function!r} ({request.function.arn}) "
                f"and no mock answers it: add it to {mock_file_name(self.mocks)} under 'functions:' as {keys}, e.g.\n"
                f"functions:\n  {yaml_key(request.function.function)}:\n    - body: {{ok: true}}")
        e = pick(self.mocks.functions[key], n)
        d = e.data
        if "error" in d:
            return FunctionResponse(error=d["error"], detail=str(d.get("detail", "")), duration=float(d.get("delay", 0)),
                                    log=str(d.get("log", "")), source="mock", meta={"mock": key, "line": e.line})
        body = d.get("body")
        payload = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
        return FunctionResponse(payload=payload, duration=float(d.get("delay", 0)), log=str(d.get("log", "")),
                                source="mock", meta={"mock": key, "line": e.line})


def mock_file_name(mocks: MockFile) -> str:
    return (f"the mock file {mocks.path}" if mocks.path
            else "a mock file (FLOW.mocks.yaml beside the flow, or --mocks PATH)")


def yaml_key(name: str) -> str:
    """``name`` as a YAML mapping key, quoted when YAML would misread it."""
    import re
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./-]*", name) and name.lower() not in (
            "yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return name
    return json.dumps(name, ensure_ascii=False)


def state_answer(mocks: MockFile, state: str, n: int) -> dict | None:
    """``{"result": ...}`` or ``{"error":, "detail":}`` for a state mock, or None."""
    entries = mocks.states.get(state)
    if not entries:
        return None
    e = pick(entries, n)
    out = {k: v for k, v in e.data.items()}
    out["line"] = e.line
    return out


def callback_answer(mocks: MockFile, state: str, n: int) -> dict | None:
    entries = mocks.callbacks.get(state)
    if not entries:
        return None
    return dict(pick(entries, n).data)


__all__ = ["MockFile", "MockFileError", "MockBackend", "parse_mocks", "load_mocks", "state_answer",
           "callback_answer", "pick", "mock_file_name", "yaml_key"]
