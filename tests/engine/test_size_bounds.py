"""The data limit checked without encoding a constructed value (SizeCheck.bound).

A constructor that only puts paths' values into constant JSON builds a value
whose size and nesting are bounded by its roots'; the execution skips
encoding a value whose bounds are within the limits. These tests hold the
bounds to the exact figures, and a run with bounds to one without them: the
same state fails, with the same exact size in its error."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine.constructors import compile_template
from flowdbg.engine.execution import values as V
from flowdbg.engine.expressions import Env
from flowdbg.engine.json_values import MAX_DEPTH
from helpers.engine import definition, pass_chain

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def exact_bytes(v) -> int:
    return len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def levels(v) -> int:
    if isinstance(v, dict):
        return 1 + max(map(levels, v.values()), default=0)
    if isinstance(v, list):
        return 1 + max(map(levels, v), default=0)
    return 0


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                           max_leaves=20)


def paths_of(value, prefix="$Input"):
    """Every definite path into ``value``, in the FDL syntax."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "*":  # ['*'] reads as a wildcard, which FDL paths reject (test_expr_paths: test_rejected_path_features)
                continue
            key = "['" + k.replace("\\", "\\\\").replace("'", "\\'") + "']"
            yield from paths_of(v, prefix + key)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths_of(v, f"{prefix}[{i}]")


@st.composite
def template_and_input(draw):
    inp = draw(st.dictionaries(st.text(max_size=5), json_values, min_size=1, max_size=4))
    paths = list(paths_of(inp))

    def node(depth):
        kind = draw(st.sampled_from(["obj", "arr", "lit", "path"] if depth < 3 else ["lit", "path"]))
        if kind == "lit":
            return draw(scalars)
        if kind == "arr":
            return [node(depth + 1) for _ in range(draw(st.integers(0, 3)))]
        return None if kind == "path" else obj(depth + 1)

    def obj(depth):
        out = {}
        for _ in range(draw(st.integers(0, 4))):
            key = draw(st.text(alphabet="abcé\"\\ ", max_size=4))
            if draw(st.booleans()):
                out[key + ".$"] = draw(st.sampled_from(paths))
            else:
                v = node(depth)
                out[key] = {} if v is None else v
        return out
    return obj(0), inp


@SETTINGS
@given(template_and_input())
def test_the_bound_is_at_least_the_exact_size_and_nesting(case):
    spec, inp = case
    tpl = compile_template("InputConstructor", spec)
    tpl.evaluate(Env({"$Input": inp}), "S")
    assert tpl.size_bound is None  # evaluated once: not worth bounding yet
    value = tpl.evaluate(Env({"$Input": inp}), "S")
    bound = tpl.size_bound
    assert bound  # only paths and literals: always bounded
    size, lv, parts = bound
    size += sum(exact_bytes(inp) for _ in parts)
    lv = max([lv] + [depth + levels(inp) - segs for _, depth, segs in parts])
    assert exact_bytes(value) <= size
    assert levels(value) <= lv


def test_a_function_call_leaves_the_value_unbounded():
    tpl = compile_template("InputConstructor", {"a.$": "$Input.x", "b.$": "jsonToString($Input.x)"})
    for _ in range(2):
        tpl.evaluate(Env({"$Input": {"x": 1}}), "S")
    assert tpl.size_bound is False


def test_a_bound_is_not_used_for_a_root_never_checked():
    sizes = V.SizeCheck(64 * 1024)
    tpl = compile_template("InputConstructor", {"a.$": "$Input.x"})
    inp = {"x": [1, 2]}
    tpl.evaluate(Env({"$Input": inp}), "S")
    value = tpl.evaluate(Env({"$Input": inp}), "S")
    sizes.bound(value, tpl.size_bound, {"$Input": inp})
    assert id(value) not in sizes._seen  # $Input was never checked: nothing known of it
    rec = type("R", (), {"state": "S"})()
    sizes.check(inp, rec, "input")
    sizes.bound(value, tpl.size_bound, {"$Input": inp})
    got = sizes._seen[id(value)]
    assert got[0] is value and got[1] >= exact_bytes(value) and got[2] >= levels(value)


def run_again(text: str, inp, limit: int = 64 * 1024):
    """The second run of one definition: its templates were evaluated before, so they are bounded."""
    from flowdbg.engine.execution import Execution, Options
    d = definition(text)
    for _ in range(2):
        ex = Execution(d.flow, inp, options=Options(data_limit=limit, max_events=0))
        ex.run()
    return ex


@pytest.fixture
def without_bounds(monkeypatch):
    def run(text, inp, limit=64 * 1024):
        monkeypatch.setattr(V.SizeCheck, "bound", lambda self, value, bound, roots: None)
        try:
            return run_again(text, inp, limit)
        finally:
            monkeypatch.undo()
    return run


@pytest.mark.parametrize("constructor, inp, limit, state, message", [
    # each state: 2 * size + 11 bytes (7, 25, 61, ..., 565, 1141): over 1,000 bytes at S5
    ('      a.$: $Input\n      b.$: $Input', {"x": 1}, 1000, "S5", "output is 1141 bytes; the limit is 1000 bytes"),
    # one level deeper each state: past 100 levels at S99
    ('      x.$: $Input', {"x": 1}, 64 * 1024, "S99", f"output nests deeper than {MAX_DEPTH} levels"),
    # a bound over the limit (946 bytes) makes the check encode: the exact 922 bytes are over 920
    ('      a.$: $Input.x\n      b.$: $Input.x\n      c.$: $Input.x', {"x": "a" * 300}, 920, "S0",
     "output is 922 bytes; the limit is 920 bytes"),
])
def test_a_run_fails_at_the_same_state_with_the_same_error_as_without_bounds(
        constructor, inp, limit, state, message, without_bounds):
    text = pass_chain(150, constructor)
    got = run_again(text, inp, limit)
    want = without_bounds(text, inp, limit)
    assert got.status == want.status == "Failed"
    assert got.error.to_json() == want.error.to_json()
    assert got.records[-1].state == want.records[-1].state == state
    assert message in got.error.detail


def test_a_long_chain_within_the_limit_succeeds_as_without_bounds(without_bounds):
    text = pass_chain(400, '      n.$: $Input.n\n      step: 7')
    got, want = run_again(text, {"n": 3}), without_bounds(text, {"n": 3})
    assert got.status == want.status == "Succeeded"
    assert got.output == want.output == {"n": 3, "step": 7}


def test_a_constructed_value_within_its_bounds_is_not_encoded(monkeypatch):
    from flowdbg.engine.execution import Execution
    d = definition(pass_chain(20, '      n.$: $Input.n\n      step: 7'))
    calls = []
    real = V.json_size
    monkeypatch.setattr(V, "json_size", lambda v: calls.append(v) or real(v))
    first = Execution(d.flow, {"n": 3})
    first.run()
    assert first.status == "Succeeded" and len(calls) == 21  # the input, then each state's output
    calls.clear()
    again = Execution(d.flow, {"n": 3})  # the same templates, evaluated again: bounded
    again.run()
    assert again.status == "Succeeded" and again.output == first.output
    assert calls == [{"n": 3}]  # only the execution's input, once


@SETTINGS
@given(st.one_of(json_values, st.sampled_from([float("nan"), float("inf"), float("-inf"), 10**40, "\ud800"])))
def test_encoded_size_is_what_the_encoder_writes(value):
    from flowdbg.engine.json_values import encoded_size
    assert encoded_size(value) == exact_bytes(value)
