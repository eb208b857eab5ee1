"""What a chosen entry answers (a function response, a state's result, a callback), the
errors when none answers, and the backend that serves ``functions:``."""
from __future__ import annotations

import json

from ..backends.base import BackendError, FunctionRequest, FunctionResponse
from .file import WHEN_KEYS, Entry, MockFile
from .match import function_key, request_view


def did_you_mean(word: str, keys) -> str:
    """`` (the mock file has 'checkstock': did you mean 'checkStock'? keys are case-sensitive)``, or ""."""
    from ..flow_slips import near_miss
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
