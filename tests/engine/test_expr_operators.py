"""Every operator crossed with the value matrix (project decision 2: type-strict)."""
from __future__ import annotations

import json

import pytest

from flowdbg.engine.expressions import (Env, ExpressionRuntimeError, compile_expression)

MISSING = object()
# (name, value) — names are also the keys under $Input
MATRIX = [
    ("missing", MISSING), ("null", None), ("zero", 0), ("zero_f", 0.0), ("one", 1),
    ("one_half", 1.5), ("empty_s", ""), ("s1", "1"), ("sa", "a"), ("t", True), ("f", False),
    ("empty_a", []), ("a0", [0]), ("empty_o", {}), ("oa", {"a": 0}),
]
INPUT = {name: value for name, value in MATRIX if value is not MISSING}
ENV = Env(roots={"$Input": INPUT})
KIND = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string",
        list: "array", dict: "object"}
NUMBERS = {"zero", "zero_f", "one", "one_half"}
STRINGS = {"empty_s", "s1", "sa"}
BOOLS = {"t", "f"}
# The only pair of distinct matrix entries that are equal: 0 and 0.0.
EQUAL_PAIRS = {("zero", "zero_f"), ("zero_f", "zero")}
PAIRS = [(a, b) for a in MATRIX for b in MATRIX]


def _ids(pair):
    return f"{pair[0][0]}-{pair[1][0]}"


def kind(value):
    return KIND[type(value)]


def run(text):
    return compile_expression(text).evaluate(ENV)


def missing_message():
    return "$Input.missing: $Input has no key 'missing'"


def as_literal(value):
    return json.dumps(value)


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
@pytest.mark.parametrize("op", ["==", "!="])
def test_equality(pair, op):
    (ln, lv), (rn, rv) = pair
    text = f"$Input.{ln} {op} $Input.{rn}"
    if MISSING in (lv, rv):
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'") as exc:
            run(text)
        assert exc.value.message.startswith(missing_message())
        return
    equal = ln == rn or (ln, rn) in EQUAL_PAIRS
    assert run(text) is (equal if op == "==" else not equal)
    # the same with literal operands
    assert run(f"{as_literal(lv)} {op} {as_literal(rv)}") is (equal if op == "==" else not equal)


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering(pair, op):
    (ln, lv), (rn, rv) = pair
    text = f"$Input.{ln} {op} $Input.{rn}"
    if lv is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
        return
    if rv is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
        return
    comparable = (ln in NUMBERS and rn in NUMBERS) or (ln in STRINGS and rn in STRINGS)
    if comparable:
        expected = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[op]
        assert run(text) is expected
    else:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message == f"cannot compare {kind(lv)} with {kind(rv)} using '{op}'"
        assert exc.value.col == len(f"$Input.{ln} ") + 1


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
@pytest.mark.parametrize("op", ["&&", "||"])
def test_logical(pair, op):
    (ln, lv), (rn, rv) = pair
    text = f"$Input.{ln} {op} $Input.{rn}"
    if lv is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
        return
    if ln not in BOOLS:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message.startswith(f"left operand of '{op}' must be a boolean, got {kind(lv)}")
        return
    decided = (op == "&&" and lv is False) or (op == "||" and lv is True)
    if decided:  # short-circuit: the right side is never evaluated, even when missing
        assert run(text) is lv
        return
    if rv is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
    elif rn not in BOOLS:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message.startswith(f"right operand of '{op}' must be a boolean, got {kind(rv)}")
    else:
        assert run(text) is rv


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
def test_in(pair):
    (ln, lv), (rn, rv) = pair
    text = f"$Input.{ln} in $Input.{rn}"
    if MISSING in (lv, rv):
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
        return
    if isinstance(rv, list):
        # rv is [] or [0]: only 0 and 0.0 are in [0] (false is not, decision 2)
        assert run(text) is (rn == "a0" and ln in ("zero", "zero_f"))
    elif isinstance(rv, dict):
        if isinstance(lv, str):
            assert run(text) is (rn == "oa" and lv == "a")
        else:
            with pytest.raises(ExpressionRuntimeError) as exc:
                run(text)
            assert exc.value.message.startswith(
                f"left operand of 'in' must be a string when the right is an object, got {kind(lv)}")
    else:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message.startswith(f"right operand of 'in' must be an array or object, got {kind(rv)}")


@pytest.mark.parametrize("name,value", MATRIX, ids=[n for n, _ in MATRIX])
def test_not(name, value):
    text = f"!$Input.{name}"
    if value is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
    elif name in BOOLS:
        assert run(text) is (not value)
    else:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message.startswith(f"operand of '!' must be a boolean, got {kind(value)}")
        assert exc.value.col == 1


@pytest.mark.parametrize("name,value", MATRIX, ids=[n for n, _ in MATRIX])
def test_negate(name, value):
    text = f"-$Input.{name}"
    if value is MISSING:
        with pytest.raises(ExpressionRuntimeError, match="has no key 'missing'"):
            run(text)
    elif name in NUMBERS:
        result = run(text)
        assert result == -value and type(result) is type(value)
    else:
        with pytest.raises(ExpressionRuntimeError) as exc:
            run(text)
        assert exc.value.message.startswith(f"operand of unary '-' must be a number, got {kind(value)}")


class TestStrictness:
    def test_booleans_are_not_numbers_anywhere(self):
        assert run("true == 1") is False
        assert run("false == 0") is False
        assert run("[true] == [1]") is False
        assert run('{"a": true} == {"a": 1}') is False
        assert run("1 in [true]") is False
        assert run("true in [1, 0]") is False
        assert run("true in [false, true]") is True

    def test_string_number_and_string_boolean(self):
        assert run('"10" == 10') is False
        assert run('"true" == true') is False
        assert run("1 == 1.0") is True
        assert run("[1, [2.0]] == [1.0, [2]]") is True
        assert run('{"a": 1, "b": 2} == {"b": 2.0, "a": 1}') is True
        assert run('{"a": 1} == {"a": 1, "b": 2}') is False

    def test_large_integers_keep_precision(self):
        assert run("9007199254740993 == 9007199254740992") is False
        assert run("9007199254740993 > 9007199254740992") is True

    def test_string_ordering_is_lexicographic(self):
        assert run('"10" < "9"') is True
        assert run('"2024-01-01T08:00:00+08:00" < "2024-01-01T01:00:00Z"') is False
        assert run('"a" < "b" && "B" < "a"') is True

    def test_null_rules(self):
        assert run("null == null") is True
        assert run("null != null") is False
        with pytest.raises(ExpressionRuntimeError, match="cannot compare null with null using '<='"):
            run("null <= null")


class TestPrecedence:
    def test_and_binds_tighter_than_or(self):
        assert run("true || false && false") is True
        assert run("(true || false) && false") is False

    def test_comparison_binds_tighter_than_logic(self):
        assert run("1 < 2 && 2 < 3") is True
        assert run('"a" in ["a"] || false') is True

    def test_not_binds_tighter_than_comparison(self):
        assert run("!false == true") is True
        with pytest.raises(ExpressionRuntimeError, match="operand of '!' must be a boolean, got string"):
            run('!"a" in {"a": 1}')
        assert run('!("b" in {"a": 1})') is True

    def test_unary_minus(self):
        assert run("-1 < 0") is True
        assert run("--1") == 1
        assert run("-$Input.one_half") == -1.5
        assert run("0 == -0") is True

    def test_short_circuit_skips_errors(self):
        assert run("false && $Input.missing") is False
        assert run("true || $Input.missing.deep") is True
        assert run('$Input.f && length(5) == 1') is False


def test_condition_requires_boolean():
    expr = compile_expression("$Input.one")
    with pytest.raises(ExpressionRuntimeError) as exc:
        expr.evaluate_condition(ENV)
    assert exc.value.message == "condition must be a boolean, got number 1"
    assert compile_expression('$Input.sa == "a" && $Input.one > 0').evaluate_condition(ENV) is True
    with pytest.raises(ExpressionRuntimeError, match="condition must be a boolean, got null"):
        compile_expression("null").evaluate_condition(ENV)
    with pytest.raises(ExpressionRuntimeError, match=r'condition must be a boolean, got string "true"'):
        compile_expression('"true"').evaluate_condition(ENV)


def test_choice_on_missing_variable_fails_instead_of_false():
    # pitfall #8 / decision 1: a Choice on a missing path is an error, not a fall-through
    expr = compile_expression("$Input.foo == 1")
    with pytest.raises(ExpressionRuntimeError) as exc:
        expr.evaluate_condition(Env(roots={"$Input": {}}))
    assert exc.value.message == "$Input.foo: $Input has no key 'foo' (it is empty)"
    # the guard that works: the `in` operator
    guarded = compile_expression('"foo" in $Input && $Input.foo == 1')
    assert guarded.evaluate_condition(Env(roots={"$Input": {}})) is False
    assert guarded.evaluate_condition(Env(roots={"$Input": {"foo": 1}})) is True


def test_path_vs_path_comparisons():
    # pitfall #9
    env = Env(roots={"$Input": {"i": 0, "limit": 3}})
    expr = compile_expression("$Input.i >= $Input.limit")
    results = []
    for i in range(5):
        env = Env(roots={"$Input": {"i": i, "limit": 3}})
        results.append(expr.evaluate_condition(env))
    assert results == [False, False, False, True, True]


def test_string_vs_boolean_from_real_flow():
    # pitfall #12: subflow-audit-main.yaml compares $.audited == "true"
    expr = compile_expression('$Input.audited == "true"')
    assert expr.evaluate_condition(Env(roots={"$Input": {"audited": "true"}})) is True
    assert expr.evaluate_condition(Env(roots={"$Input": {"audited": True}})) is False
    number = compile_expression("$Input.resolution == 10")
    assert number.evaluate_condition(Env(roots={"$Input": {"resolution": "10"}})) is False
    assert number.evaluate_condition(Env(roots={"$Input": {"resolution": 10.0}})) is True
