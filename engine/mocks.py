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
  transcode:
    - when: {body: {file: b.mp4}}   # answers only a request whose body has file: b.mp4
      body: {ok: false}
    - when: {scope: "M[1]"}         # only calls made in iteration 1 of Map M
      error: FC.ResourceThrottled
states:                 # key: a Task state's name; its whole result, for any Action
  Notify:
    - result: {MessageId: "m-1"}
  M/Notify:                     # the Notify inside Map M (a name reused in a nested scope)
    - result: {MessageId: "m-2"}
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
Entries answer calls in order; the last one repeats. An entry with ``when:``
answers only requests it matches (a subset of the request: ``body``,
``scope``, ``attempt``, ``state``, ``invocationType`` for functions;
``parameters``, ``scope``, ``attempt`` for states and callbacks): each call
takes the first matching entry with uses left, else the last matching one
repeats. A state key may be qualified by its scope (``M/Notify``,
``P.Branch0/Notify``, ``/Notify`` for the top level); the most specific key
wins, and a state key beats a function key. Errors in the file are
``path:line:col: message``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .backends.base import BackendError, FunctionRequest, FunctionResponse
from .diagnostics import ERROR, Diagnostic, ordered
from .file_kinds import MOCKS, other_kind
from .nodes import Map, Node, Scalar, Seq, to_python

_FUNCTION_KEYS = {"body", "error", "detail", "times", "delay", "log", "when"}
_STATE_KEYS = {"result", "error", "detail", "times", "delay", "when"}
_CALLBACK_KEYS = {"succeed", "fail", "after", "times", "when"}
#: What a ``when:`` may match, per section: the request as the door sees it.
WHEN_KEYS = {"functions": ("body", "scope", "attempt", "state", "invocationType"),
             "states": ("parameters", "scope", "attempt"),
             "callbacks": ("parameters", "scope", "attempt")}
SECTIONS = ("functions", "states", "callbacks", "local", "live", "flows")
MAX_DELAY = 365 * 86400  # virtual seconds; a call or callback later than a year could never be seen


@dataclass(frozen=True)
class Entry:
    data: dict
    times: int = 1
    line: int = 0
    when: dict | None = None  # a subset of the request this entry answers; None answers any
    node: Map | None = field(default=None, compare=False, repr=False)  # for positions (mock_check)


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
    #: (section, key) -> (line, col) of each key, for diagnostics about the file
    positions: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    #: (section, key) -> a value as written, where the file keeps another form (flows: relative paths)
    written: dict[tuple[str, str], str] = field(default_factory=dict)

    def where(self, line: int) -> str:
        """``file:line`` of an entry, as ``--json`` and the Record view show it."""
        return f"{self.path or '<mocks>'}:{line}"


class MockFileError(Exception):
    """A malformed mock file; ``diagnostics`` locate each problem. ``partial``:
    what did parse (None when nothing could), so what can be checked against
    the flow (engine.mock_check) is reported with the errors, not after them."""

    def __init__(self, path: str, diagnostics: list[Diagnostic], partial: "MockFile | None" = None):
        self.path = path
        self.diagnostics = diagnostics
        self.partial = partial
        super().__init__("\n".join(d.format(path) for d in diagnostics))


#: What each section's answer must have one of (a slip of one of them is said so, once).
_NEEDS = {"functions": ("body", "error"), "states": ("result", "error"), "callbacks": ("succeed", "fail")}


def _unknown(k: Scalar, allowed, where: str, what: str = "unknown field") -> Diagnostic:
    """``where: unknown field 'bdy'; allowed: ...`` with a did-you-mean."""
    from .flow_slips import near_miss
    guess = near_miss(str(k.value), allowed)
    return Diagnostic(ERROR, "mock", k.line, k.col, f"{where}: {what} {k.value!r}; allowed: {', '.join(sorted(allowed))}",
                      f"did you mean {guess!r}?" if guess else "")


def _needs(it: Map, section: str, key: str, message: str, diags: list) -> None:
    """``message`` (an answer lacks what it needs): on the key that is a slip of a
    needed one (``bdy`` for ``body``) in place of that key's unknown-field error, else on the answer."""
    from .flow_slips import slip_note, slipped_key
    allowed = {"functions": _FUNCTION_KEYS, "states": _STATE_KEYS, "callbacks": _CALLBACK_KEYS}[section]
    for want in _NEEDS[section]:
        k = slipped_key(it, want, allowed)
        if k is not None:
            diags[:] = [d for d in diags if not (d.code == "mock" and (d.line, d.col) == (k.line, k.col))]
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col, message + slip_note(k, want),
                                    f"rename {k.value!r} to {want!r}"))
            return
    diags.append(Diagnostic(ERROR, "mock", it.line, it.col, message))


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
                diags.append(_unknown(k, allowed, f"{section}.{key}"))
        data = to_python(it)
        when = _when(it, data.pop("when", None), section, key, diags)
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
            if "succeed" not in data and "fail" not in data:
                _needs(it, section, key, f"callbacks.{key}: each answer needs exactly one of 'succeed' or 'fail'", diags)
            elif ("succeed" in data) == ("fail" in data):
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
            _needs(it, section, key, f"functions.{key}: an answer needs 'body' or 'error'", diags)
        elif section == "states" and "error" not in data and "result" not in data:
            _needs(it, section, key, f"states.{key}: an answer needs 'result' or 'error'", diags)
        bad = _non_finite(data)
        if bad:
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: {bad} is not a JSON number"))
        out.append(Entry(data, times, it.line, when, it))
    return out


def _when(it: Map, when, section: str, key: str, diags: list) -> dict | None:
    if when is None:
        return None
    at = it.get("when")
    allowed = WHEN_KEYS[section]
    if not isinstance(when, dict) or not when:
        diags.append(Diagnostic(ERROR, "mock", at.line, at.col,
                                f"{section}.{key}: 'when' must be a mapping of request fields to match, e.g. "
                                f"when: {{scope: \"M[1]\"}}; it may name {', '.join(allowed)}"))
        return None
    for k, v in at.items:
        if k.value not in allowed:
            from .flow_slips import near_miss
            guess = near_miss(str(k.value), allowed)
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                    f"{section}.{key}: 'when' cannot match {k.value!r}; it may name {', '.join(allowed)}",
                                    f"did you mean {guess!r}?" if guess else ""))
        elif k.value == "scope" and not isinstance(v.value if isinstance(v, Scalar) else None, str):
            diags.append(Diagnostic(ERROR, "mock", v.line, v.col,
                                    f"{section}.{key}: when.scope must be a scope path such as \"M[1]\" or "
                                    "\"P.Branch0\" (quote it: YAML reads [1] as a list)"))
        elif k.value == "attempt" and (isinstance(v.value if isinstance(v, Scalar) else None, bool)
                                       or not isinstance(v.value if isinstance(v, Scalar) else None, int)):
            diags.append(Diagnostic(ERROR, "mock", v.line, v.col,
                                    f"{section}.{key}: when.attempt must be an integer (0 = the first call, 1 = the first retry)"))
    return when


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
    from .load import load_text  # YAML only when there is a mock file to read
    res = load_text(text)
    diags = [d for d in res.diagnostics if d.severity == ERROR]
    mf = MockFile(path=path)
    root = res.root
    if root is None and not diags:
        return mf
    if root is not None and not isinstance(root, Map):
        diags.append(Diagnostic(ERROR, "mock", root.line, root.col, "the mock file must be a mapping with functions/states/callbacks"))
    if not diags and (wrong := other_kind(root, MOCKS)) is not None:
        diags.append(Diagnostic(ERROR, "not-a-mock-file", root.line, root.col, *wrong))  # one line, not one per key
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
                mf.positions[(name, str(fk.value))] = (fk.line, fk.col)
        elif name == "local":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'local' maps function names to 'path/to/file.py:handler'"))
            else:
                mf.local = {str(a.value): b.value for a, b in v.items}
                mf.positions.update((("local", str(a.value)), (a.line, a.col)) for a, _ in v.items)
        elif name == "flows":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'flows' maps child flow names to flow files"))
            else:
                import os
                base = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
                mf.flows = {str(a.value): os.path.join(base, b.value) for a, b in v.items}
                for a, b in v.items:
                    mf.positions[("flows", str(a.value))] = (a.line, a.col)
                    mf.positions[("flows:path", str(a.value))] = (b.line, b.col)
                    mf.written[("flows", str(a.value))] = b.value
        elif name == "live":
            if not isinstance(v, Seq) or not all(isinstance(x, Scalar) for x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'live' is a list of function names"))
            else:
                mf.live = [str(x.value) for x in v.items]
        else:
            from .flow_slips import near_miss
            guess = near_miss(str(name), SECTIONS)
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                    f"unknown section {name!r}; a mock file has {', '.join(SECTIONS)}",
                                    f"did you mean {guess!r}?" if guess else ""))
    if diags:
        mf.warnings = [d for d in res.diagnostics if d.severity != ERROR]
        raise MockFileError(path, ordered(diags), partial=mf)  # by position, as every list of diagnostics
    mf.warnings = [d for d in res.diagnostics if d.severity != ERROR]
    return mf


def load_mocks(path: str) -> MockFile:
    from .load import load_file
    res = load_file(path)
    if res.root is None and res.diagnostics and res.diagnostics[0].code in ("io", "encoding", "too-large"):
        raise MockFileError(path, list(res.diagnostics))
    return parse_mocks(res.text, path)


# -- matching answers to requests ------------------------------------------------------------------------------

def request_view(request: FunctionRequest) -> dict:
    """What a ``functions:`` entry's ``when`` is matched against."""
    try:
        body = json.loads(request.body.decode("utf-8")) if request.body else None
    except (UnicodeDecodeError, ValueError):
        body = request.body.decode("utf-8", errors="replace")
    return {"state": request.state, "scope": request.scope, "attempt": request.attempt,
            "invocationType": request.invocation_type, "body": body}


def same_value(a, b) -> bool:
    """JSON equality: 1 == 1.0, but true is no number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def subset(want, have) -> bool:
    """``want`` is part of ``have``: every key of a ``want`` object is in
    ``have`` with a matching value, at any depth; arrays match item by item."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(k in have and subset(v, have[k]) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(have, list) and len(want) == len(have) and all(map(subset, want, have))
    return same_value(want, have)


def _segment_matches(pattern: str, segment: str) -> bool:
    """``M`` matches ``M[3]``; ``P`` matches ``P.Branch1``; else exactly."""
    if pattern == segment:
        return True
    if segment.endswith("]") and "[" in segment:
        return pattern == segment[:segment.rindex("[")]
    if ".Branch" in segment:
        return pattern == segment[:segment.rindex(".Branch")]
    return False


def scope_matches(pattern: str, scope: str) -> bool:
    """Whether scope path ``scope`` (a frame id: ``""``, ``M[1]``,
    ``P.Branch0/M[1]``) ends with ``pattern``'s segments; a leading ``/``
    anchors the pattern at the top level (``""`` or ``/`` is the top level)."""
    anchored = pattern.startswith("/")
    want = [x for x in pattern.strip("/").split("/") if x] if pattern.strip("/") else []
    have = scope.split("/") if scope else []
    if not want:
        return not have
    if len(want) > len(have) or (anchored and len(want) != len(have)):
        return False
    return all(_segment_matches(w, h) for w, h in zip(want, have[len(have) - len(want):]))


def matches(when: dict | None, view: dict) -> bool:
    if not when:
        return True
    for k, want in when.items():
        if k == "scope":
            if not (isinstance(want, str) and scope_matches(want, view.get("scope", ""))):
                return False
        elif k not in view or not subset(want, view[k]):
            return False
    return True


def choose(entries: list[Entry], view: dict, used: list[int]) -> int | None:
    """The index of the entry answering a request, counted in ``used``: the
    first entry whose ``when`` matches and that has answered fewer than its
    ``times`` calls; when all matching ones are used up, the last matching
    one repeats. None when no entry matches."""
    last = None
    for i, e in enumerate(entries):
        if not matches(e.when, view):
            continue
        last = i
        if used[i] < e.times:
            break
    else:
        if last is None:
            return None
        i = last
    used[i] += 1
    return i


def state_key(section: dict, state: str, scope: str) -> str | None:
    """The key of ``states:``/``callbacks:`` for state ``state`` running in
    ``scope``: a key qualified by scope (``M/Notify``, ``/Notify``) beats the
    bare name; the more segments it names, the more specific it is."""
    best, best_rank = None, -1
    for key in section:
        if key == state:
            rank = 0
        else:
            prefix, sep, name = key.rpartition("/")
            if not sep or name != state or not scope_matches(prefix or "/", scope):
                continue
            rank = 1 + len([x for x in prefix.split("/") if x]) + (1 if prefix.startswith("/") or not prefix else 0)
        if rank > best_rank:
            best, best_rank = key, rank
    return best


def function_key(mocks: MockFile, request: FunctionRequest) -> str | None:
    """The ``functions:`` key for a request, most specific first (ARN, service/function, name)."""
    return next((k for k in request.function.mock_keys if k in mocks.functions), None)


def did_you_mean(word: str, keys) -> str:
    """`` (the mock file has 'checkstock': did you mean 'checkStock'? keys are case-sensitive)``, or ""."""
    from .flow_slips import near_miss
    guess = near_miss(word, [k.rpartition("/")[2] for k in keys])
    if not guess:
        return ""
    key = next(k for k in keys if k.rpartition("/")[2] == guess)
    case = " keys are case-sensitive" if guess.lower() == word.lower() else ""
    return f" (the mock file has {key!r}: did you mean {word!r}?{case})"


def function_response(mocks: MockFile, key: str, e: Entry) -> FunctionResponse:
    d = e.data
    meta = {"mock": key, "line": e.line, "entry": mocks.where(e.line)}
    if "error" in d:
        return FunctionResponse(error=d["error"], detail=str(d.get("detail", "")), duration=float(d.get("delay", 0)),
                                log=str(d.get("log", "")), source="mock", meta=meta)
    body = d.get("body")
    payload = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
    return FunctionResponse(payload=payload, duration=float(d.get("delay", 0)), log=str(d.get("log", "")),
                            source="mock", meta=meta)


def no_function_mock(mocks: MockFile, request: FunctionRequest) -> BackendError:
    keys = " or ".join(repr(k) for k in request.function.mock_keys[1:] or request.function.mock_keys)
    near = did_you_mean(request.function.function, list(mocks.functions))
    return BackendError(
        f"state {request.state!r} calls function {request.function.function!r} ({request.function.arn}) "
        f"and no mock answers it{near}: add it to {mock_file_name(mocks)} under 'functions:' as {keys}, e.g.\n"
        f"functions:\n  {yaml_key(request.function.function)}:\n    - body: {{ok: true}}")


def no_match(mocks: MockFile, section: str, key: str, view: dict) -> BackendError:
    shown = {k: v for k, v in view.items() if k in WHEN_KEYS[section]}
    return BackendError(f"{section}.{key} in {mock_file_name(mocks)}: no entry's 'when' matches this request "
                        f"{json.dumps(shown, ensure_ascii=False, default=str)}; add an entry without 'when' to answer "
                        "any other request")


class MockBackend:
    """Answers FC invocations from ``functions:``. Which entry answers is
    decided by the door (:func:`choose` over the entries' use counts, which
    the door keeps), so replay and step back need no counters here."""

    name = "mock"

    def __init__(self, mocks: MockFile):
        self.mocks = mocks

    def key_for(self, request: FunctionRequest) -> str | None:
        return function_key(self.mocks, request)

    def handles(self, request: FunctionRequest) -> bool:
        return self.key_for(request) is not None

    def answer(self, request: FunctionRequest, entry: int | None) -> FunctionResponse:
        """The answer of entry number ``entry`` of the request's key."""
        key = self.key_for(request)
        if key is None:
            raise no_function_mock(self.mocks, request)
        if entry is None:
            raise no_match(self.mocks, "functions", key, request_view(request))
        return function_response(self.mocks, key, self.mocks.functions[key][entry])


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


def state_answer(mocks: MockFile, key: str, e: Entry) -> dict:
    """``{"result": ...}`` or ``{"error":, "detail":}`` (+ ``delay``) of a state
    mock entry, with where it came from (``line``, ``entry`` = file:line, ``key``)."""
    out = dict(e.data)
    out.update(line=e.line, entry=mocks.where(e.line), key=key)
    return out


def callback_answer(mocks: MockFile, key: str, e: Entry) -> dict:
    out = dict(e.data)
    out.update(line=e.line, entry=mocks.where(e.line), key=key)
    return out


__all__ = ["MockFile", "MockFileError", "MockBackend", "Entry", "parse_mocks", "load_mocks", "state_answer",
           "callback_answer", "choose", "matches", "subset", "scope_matches", "state_key", "function_key",
           "request_view", "did_you_mean", "mock_file_name", "yaml_key", "WHEN_KEYS"]
