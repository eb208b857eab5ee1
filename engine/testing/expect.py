"""Evaluate: a case's expectations against what its execution did.

Each expectation that does not hold is one :class:`Mismatch`: a line that
says what was expected and what came, and, for values, a diff
(``-`` expected, ``+`` got) of the JSON with sorted keys.

``output`` is exact (type-strict: ``true`` is not ``1``); ``output_contains``
is a recursive subset: every key given is present with a matching value,
and an array matches an array of the same length whose items match one by
one (as Jest's ``toMatchObject``). ``visits`` are entered in this order,
other states may come between; a name is a state's name (any scope) or its
qualified name ``Map1/Price``. When ``status`` is not given, a case expects
``Failed`` if it gives ``error`` and ``Succeeded`` otherwise.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from ..expressions import json_equal

STATUSES = ("Succeeded", "Failed", "Running")


class _Unset:
    """No value given (``output: null`` expects null). One instance, kept
    across pickling (cases go to worker processes)."""

    def __reduce__(self):
        return "_UNSET"

    def __repr__(self) -> str:
        return "<not given>"


_UNSET: Any = _Unset()


@dataclass(frozen=True)
class ErrorExpectation:
    code: str | None = None
    detail: str | None = None
    detail_contains: str | None = None


@dataclass(frozen=True)
class Expectation:
    status: str | None = None
    output: Any = _UNSET
    output_contains: Any = _UNSET
    error: ErrorExpectation | None = None
    visits: tuple[str, ...] = ()
    skips: tuple[str, ...] = ()

    @property
    def expected_status(self) -> str:
        if self.status is not None:
            return self.status
        return "Failed" if self.error is not None else "Succeeded"

    def to_json(self) -> dict:
        """The test file's ``expect:`` mapping (what :mod:`.record` writes)."""
        out: dict[str, Any] = {"status": self.expected_status}
        if self.output is not _UNSET:
            out["output"] = self.output
        if self.output_contains is not _UNSET:
            out["output_contains"] = self.output_contains
        if self.error is not None:
            out["error"] = {k: v for k, v in vars(self.error).items() if v is not None}
        if self.visits:
            out["visits"] = list(self.visits)
        if self.skips:
            out["skips"] = list(self.skips)
        return out


@dataclass(frozen=True)
class Mismatch:
    what: str  # status | output | output_contains | error | visits | skips
    message: str  # one line
    diff: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [self.message, *self.diff]


def _dump(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def json_diff(expected: Any, got: Any) -> tuple[str, ...]:
    """A unified diff of the two values' JSON (no file headers)."""
    out: list[str] = []
    for i, ln in enumerate(list(difflib.unified_diff(_dump(expected), _dump(got), lineterm="", n=3))[2:]):
        if ln.startswith("@@"):  # hunk headers: only a gap marker between hunks
            out += ["  …"] if i else []
        else:
            out.append(ln)
    return tuple(out)


def contains(expected: Any, got: Any) -> bool:
    """``got`` has everything ``expected`` has (recursive subset)."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and contains(v, got[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return (isinstance(got, list) and len(got) == len(expected)
                and all(contains(e, g) for e, g in zip(expected, got)))
    return json_equal(expected, got)


def _project(expected: Any, got: Any) -> Any:
    """``got`` cut down to the shape of ``expected``, so a diff shows only what matters."""
    if isinstance(expected, dict) and isinstance(got, dict):
        return {k: _project(v, got[k]) for k, v in expected.items() if k in got}
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        return [_project(e, g) for e, g in zip(expected, got)]
    return got


def _differences(expected: Any, got: Any, path: str = "$") -> list[str]:
    """Where ``got`` falls short of ``expected``, as paths: ``$.a.b``, ``$.items[2]``."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for k, v in expected.items():
            sub = f"{path}.{k}" if k.isidentifier() else f"{path}[{json.dumps(k, ensure_ascii=False)}]"
            out += [f"{sub} is missing"] if k not in got else _differences(v, got[k], sub)
        return out
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{path} has {len(got)} items, expected {len(expected)}"]
        return [d for i, (e, g) in enumerate(zip(expected, got)) for d in _differences(e, g, f"{path}[{i}]")]
    return [] if json_equal(expected, got) else [f"{path} differs"]


def _ended(result) -> str:
    if result.status == "Failed" and result.error:
        detail = f": {result.error['detail']}" if result.error.get("detail") else ""
        return f"Failed with {result.error['code']}{detail}"
    if result.status == "Running" and result.pending:
        return "Running, waiting for " + ", ".join(repr(p["state"]) for p in result.pending)
    return result.status


def _outcome(result) -> str:
    """What the execution did, to follow "but the execution"."""
    if result.status == "Running":
        return "is still running" + (", waiting for " + ", ".join(repr(p["state"]) for p in result.pending)
                                     if result.pending else "")
    return _ended(result).lower() if result.status != "Failed" else "failed" + _ended(result)[len("Failed"):]


def _matches(name: str, rec, key: str) -> bool:
    return name == rec.state or name == key


def _trail(keys: list[str], limit: int = 12) -> str:
    shown = keys if len(keys) <= limit else keys[: limit - 1] + ["…", keys[-1]]
    return " -> ".join(shown) if shown else "(none)"


def check(expect: Expectation, result) -> list[Mismatch]:
    """Every expectation of ``expect`` that ``result`` (a :class:`~.run.FlowResult`) does not meet."""
    out: list[Mismatch] = []
    want = expect.expected_status
    if result.status != want:
        out.append(Mismatch("status", f"status: expected {want}, got {_ended(result)}"))
    has_output = result.status == "Succeeded"
    if expect.output is not _UNSET:
        if not has_output:
            out.append(Mismatch("output", f"output: expected {json.dumps(expect.output, ensure_ascii=False)}, "
                                          f"but the execution {_outcome(result)}"))
        elif not json_equal(expect.output, result.output):
            out.append(Mismatch("output", "output differs (- expected, + got):",
                                json_diff(expect.output, result.output)))
    if expect.output_contains is not _UNSET:
        if not has_output:
            out.append(Mismatch("output_contains", "output_contains: expected an output, but the execution "
                                                   f"{_outcome(result)}"))
        elif not contains(expect.output_contains, result.output):
            where = "; ".join(_differences(expect.output_contains, result.output))
            out.append(Mismatch("output_contains", f"output_contains: {where} (- expected, + got):",
                                json_diff(expect.output_contains, _project(expect.output_contains, result.output))))
    if expect.error is not None:
        out += _check_error(expect.error, result)
    keys = result.keys
    pos = 0
    for n, name in enumerate(expect.visits):
        found = next((i for i in range(pos, len(result.records)) if _matches(name, result.records[i], keys[i])), None)
        if found is None:
            ever = any(_matches(name, r, k) for r, k in zip(result.records, keys))
            where = f"was not entered after {expect.visits[n - 1]!r}" if ever and n else "was never entered"
            out.append(Mismatch("visits", f"visits: {name!r} {where} (entered: {_trail(keys)})"))
            break
        pos = found + 1
    for name in expect.skips:
        hit = [i for i, (r, k) in enumerate(zip(result.records, keys)) if _matches(name, r, k)]
        if hit:
            times = f"{len(hit)} times" if len(hit) > 1 else "once"
            out.append(Mismatch("skips", f"skips: {name!r} was entered {times}, first as step {hit[0] + 1} "
                                         f"(entered: {_trail(keys)})"))
    return out


def _check_error(exp: ErrorExpectation, result) -> list[Mismatch]:
    err = result.error
    if result.status != "Failed" or not err:
        return [Mismatch("error", f"error: expected {exp.code or 'an error'}, but the execution {_outcome(result)}")]
    out = []
    if exp.code is not None and err["code"] != exp.code:
        out.append(Mismatch("error", f"error.code: expected {exp.code}, got {err['code']}"))
    detail = err.get("detail") or ""
    if exp.detail is not None and detail != exp.detail:
        out.append(Mismatch("error", f"error.detail: expected {json.dumps(exp.detail, ensure_ascii=False)}, "
                                     f"got {json.dumps(detail, ensure_ascii=False)}"))
    if exp.detail_contains is not None and exp.detail_contains not in detail:
        out.append(Mismatch("error", f"error.detail_contains: {json.dumps(exp.detail_contains, ensure_ascii=False)} "
                                     f"is not in {json.dumps(detail, ensure_ascii=False)}"))
    return out


__all__ = ["STATUSES", "Expectation", "ErrorExpectation", "Mismatch", "check", "contains", "json_diff"]
