"""Which entry answers a request: ``when:`` matching, scope paths, the most specific key."""
from __future__ import annotations

import json

from ..backends.base import FunctionRequest
from .file import Entry, MockFile


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
