"""One case of a test file: its name, input (inline or from a JSON file), the
mocks it layers over the file's, and what it expects of the execution.

A mixin of the test-file loader (:class:`.testfile._Loader`): it reports
through the loader's ``error``/``keys``/``missing``/``string``, so every
problem is a diagnostic at its place in the test file.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from ..diagnostics import ERROR, Diagnostic
from ..load import Map, Node, Seq, to_python
from ..mocks import MockFile
from ..validate.words import suggest, type_name
from .expect import STATUSES, ErrorExpectation, Expectation
from .mocksource import MockLayer

_CASE_KEYS = ("name", "input", "input_file", "mocks", "expect")
_EXPECT_KEYS = ("status", "output", "output_contains", "error", "visits", "skips")
_ERROR_KEYS = ("code", "detail", "detail_contains")


@dataclass(frozen=True)
class Case:
    name: str
    line: int
    input: dict
    mocks: tuple[MockFile | MockLayer, ...]  # merged, in order, over the file's default mocks
    expect: Expectation


@dataclass(frozen=True)
class At(Diagnostic):
    """A diagnostic in another file than the test file (a mock or input file)."""

    path: str = ""


class CaseChecks:
    def case(self, node: Node, i: int, seen: dict[str, int]) -> Case | None:
        where = f"cases[{i}]"
        if not isinstance(node, Map):
            self.error(node, f"{where} must be a mapping with name, input and expect, not {type_name(node)}",
                       code="wrong-type")
            return None
        before = len(self.tf.diagnostics)
        self.keys(node, _CASE_KEYS, where)
        name = None
        name_node = node.get("name")
        if name_node is None:
            self.missing(node, "name", _CASE_KEYS, f"{where} has no 'name'", "name: what this case shows")
        else:
            name = self.string(name_node, f"{where}: name")
            if name is not None and not name.strip():
                self.error(name_node, f"{where}: name is empty")
            elif name is not None and name in seen:
                self.error(name_node, f"{where}: a case named {name!r} exists already (line {seen[name]})",
                           code="duplicate-case")
            elif name is not None:
                seen[name] = name_node.line
                where = f"case {name!r}"  # a name only says which case while it is unique
        inp = self.case_input(node, where)
        mocks = self.mock_layers(node.get("mocks"), f"{where}: mocks") if node.get("mocks") is not None else ()
        expect = self.expectation(node.get("expect"), where)
        if len(self.tf.diagnostics) > before or name is None or inp is None or expect is None:
            return None
        return Case(name, node.line, inp, mocks, expect)

    def case_input(self, node: Map, where: str) -> dict | None:
        given, from_file = node.get("input"), node.get("input_file")
        if given is not None and from_file is not None:
            self.error(node.key_node("input_file"), f"{where}: give 'input' or 'input_file', not both")
            return None
        if given is not None:
            if not isinstance(given, Map):
                self.error(given, f"{where}: input must be a JSON object (a mapping), not {type_name(given)}",
                           code="wrong-type")
                return None
            value = to_python(given)
            bad = _non_finite(value)
            if bad:
                self.error(given, f"{where}: input: {bad} is not a JSON number")
                return None
            return value
        if from_file is not None:
            rel = self.string(from_file, f"{where}: input_file")
            return None if rel is None else self.input_file(self.resolve(rel), from_file, rel)
        return {}

    def input_file(self, path: str, at: Node, shown: str) -> dict | None:
        self.tf.depends_on.add(os.path.abspath(path))
        try:
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            why = "not UTF-8 text" if isinstance(e, UnicodeDecodeError) else (e.strerror or str(e))
            self.error(at, f"input file {shown!r}: cannot read it: {why}", code="missing-file")
            return None
        try:
            value = json.loads(text, parse_constant=_reject)
        except json.JSONDecodeError as e:
            self.tf.diagnostics.append(At(ERROR, "input-json", e.lineno, e.colno,
                                           f"the input is not valid JSON: {e.msg}", path=path))
            return None
        except (ValueError, RecursionError) as e:
            self.tf.diagnostics.append(At(ERROR, "input-json", 1, 1, f"the input is not valid JSON: {e}", path=path))
            return None
        if not isinstance(value, dict):
            self.tf.diagnostics.append(At(ERROR, "input-json", 1, 1, "the input must be a JSON object", path=path))
            return None
        return value

    # -- expectations ---------------------------------------------------------
    def expectation(self, node: Node | None, where: str) -> Expectation | None:
        if node is None:
            return Expectation()
        if not isinstance(node, Map):
            self.error(node, f"{where}: expect must be a mapping, not {type_name(node)}", code="wrong-type")
            return None
        self.keys(node, _EXPECT_KEYS, f"{where}: expect")
        kw: dict[str, Any] = {}
        status = node.get("status")
        if status is not None:
            value = self.string(status, f"{where}: expect.status")
            if value is not None and value not in STATUSES:
                guess = suggest(value, STATUSES)
                self.error(status, f"{where}: expect.status: {value!r} is not a status; one of {', '.join(STATUSES)}",
                           f"did you mean {guess!r}?" if guess else "", "bad-value")
            kw["status"] = value
        for key in ("output", "output_contains"):
            if key in node:
                value = to_python(node.get(key))
                bad = _non_finite(value)
                if bad:
                    self.error(node.get(key), f"{where}: expect.{key}: {bad} is not a JSON number")
                kw[key] = value
        err = node.get("error")
        if err is not None:
            kw["error"] = self.error_expectation(err, where)
        for key in ("visits", "skips"):
            seq = node.get(key)
            if seq is None:
                continue
            if not isinstance(seq, Seq):
                self.error(seq, f"{where}: expect.{key} must be a list of state names, not {type_name(seq)}",
                           code="wrong-type")
                continue
            kw[key] = tuple(n for n in (self.state_name(x, f"{where}: expect.{key}") for x in seq.items) if n)
        exp = Expectation(**kw)
        if exp.error is not None and exp.status in ("Succeeded", "Running"):
            self.error(err, f"{where}: expect: an execution that ends {exp.status} has no error; "
                            "drop 'error' or expect status Failed", code="contradiction")
        if ("output" in kw or "output_contains" in kw) and exp.status in ("Failed", "Running"):
            self.error(node, f"{where}: expect: an execution that ends {exp.status} has no output; "
                             "drop 'output' or expect status Succeeded", code="contradiction")
        return exp

    def error_expectation(self, node: Node, where: str) -> ErrorExpectation | None:
        if not isinstance(node, Map):
            self.error(node, f"{where}: expect.error must be a mapping with code, detail or detail_contains, "
                             f"not {type_name(node)}", "error: {code: Rejected}", "wrong-type")
            return None
        self.keys(node, _ERROR_KEYS, f"{where}: expect.error")
        if not node.items:
            self.error(node, f"{where}: expect.error is empty; give code, detail or detail_contains")
        values = {k: self.string(node.get(k), f"{where}: expect.error.{k}") for k in _ERROR_KEYS if k in node}
        return ErrorExpectation(**values)


def _reject(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _non_finite(v: Any) -> str | None:
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return repr(v)
    for x in (v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()):
        bad = _non_finite(x)
        if bad:
            return bad
    return None
