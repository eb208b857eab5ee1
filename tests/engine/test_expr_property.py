"""Property tests: any text either compiles and evaluates to a JSON value, or raises an
ExpressionError subclass — never any other exception."""
from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine.expressions import (FUNCTION_NAMES, Env, ExpressionError, ExpressionRuntimeError,
                                        ExpressionSyntaxError, SeededRandom, compile_expression,
                                        json_equal)
from flowdbg.engine.expressions.values import canonical

INPUT = {"a": 1, "b": [0, "x", {"c": True}], "s": "text {}", "o": {"k": None, "订单": 2.5},
         "t": True, "f": False, "z": 0, "j": '{"k": [1]}', "e": ""}
CONTEXT = {"Current": {"TaskToken": "tok", "Input": INPUT}}
PATHS = ["$Input", "$Input.a", "$Input.b[0]", "$Input.b[2].c", "$Input.b[9]", "$Input.o['订单']",
         "$Input.o.k", "$Input.s", "$Input.missing", "$Context.Current.TaskToken", "$Output.x",
         "$Item", "$Input.t", "$Input.f", "$Input.j", "$Input.a.b", "$Input.e"]
TOKENS = ["$Input", ".", "a", "b", "[", "]", "0", "1", "-", "!", "&&", "||", "==", "!=", "<", "<=",
          ">", ">=", " in ", "(", ")", ",", "{", "}", ":", '"', "'", "`", "\\", "true", "false",
          "null", "1.5", "e", "*", "..", "?", "@", "$", "'k'", '"s"', "订单", " ", "$Context",
          "$Output", "$Item", "uuid", "format", "length", "get", "{}", "{{", "\\u"] + sorted(FUNCTION_NAMES)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_json(value) -> bool:
    if value is None or isinstance(value, (bool, str, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


def env() -> Env:
    return Env(roots={"$Input": INPUT, "$Context": CONTEXT}, random=SeededRandom(0),
               unavailable={"$Output": "$Output is only available in OutputConstructor"})


def check(text: str) -> None:
    try:
        expr = compile_expression(text)
    except ExpressionSyntaxError as exc:
        assert exc.code in {"expression-syntax", "unknown-function", "unsupported-path", "bad-arity"}
        assert isinstance(exc.col, int) and exc.col >= 1
        assert exc.message
        return
    try:
        value = expr.evaluate(env())
    except ExpressionRuntimeError as exc:
        assert exc.message
        return
    assert is_json(value), value
    try:
        result = expr.evaluate_condition(env())
    except ExpressionRuntimeError as exc:
        assert exc.message.startswith("condition must be a boolean") or exc.message
        return
    assert result is True or result is False


@SETTINGS
@given(st.text(max_size=60))
def test_random_text_never_crashes(text):
    check(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_random_token_soup_never_crashes(text):
    check(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12)


def literal(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_call(name_and_args) -> str:
    name, args = name_and_args
    return f"{name}({', '.join(args)})"


expressions = st.recursive(
    st.sampled_from(PATHS) | json_values.map(literal),
    lambda sub: st.one_of(
        st.tuples(sub, st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "&&", "||", "in"]), sub)
        .map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["!", "-"]), sub).map(lambda t: f"{t[0]}{t[1]}"),
        st.lists(sub, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.tuples(st.sampled_from(sorted(FUNCTION_NAMES)), st.lists(sub, max_size=3)).map(render_call),
    ),
    max_leaves=15)


@SETTINGS
@given(expressions)
def test_well_formed_expressions_evaluate_or_raise_expression_errors(text):
    check(text)


@SETTINGS
@given(json_values)
def test_literals_round_trip(value):
    result = compile_expression(literal(value)).evaluate(env())
    assert json_equal(result, value)
    assert compile_expression(f"{literal(value)} == {literal(value)}").evaluate(env()) is True


@SETTINGS
@given(json_values, json_values)
def test_strict_equality_is_symmetric_and_matches_canonical(a, b):
    assert json_equal(a, b) == json_equal(b, a)
    assert json_equal(a, b) == (canonical(a) == canonical(b))
    assert json_equal(a, a)


@SETTINGS
@given(json_values, st.sampled_from(["MD5", "SHA-1", "SHA-256", "SHA-512"]))
def test_functions_on_arbitrary_json(value, algo):
    text = literal(value)
    for expr in (f"hash({text}, '{algo}')", f"jsonToString({text})", f"length({text})",
                 f"arrayUnique({text})", f"format('{{}}', {text})", f"stringToJson(jsonToString({text}))",
                 f"mapKeys({text})", f"toArray({text}, {text})", f"arrayContains({text}, {text})"):
        try:
            result = compile_expression(expr).evaluate(env())
        except ExpressionRuntimeError:
            continue
        assert is_json(result)
    assert json_equal(compile_expression(f"stringToJson(jsonToString({text}))").evaluate(env()), value)


def test_every_error_is_an_expression_error_subclass():
    assert issubclass(ExpressionSyntaxError, ExpressionError)
    assert issubclass(ExpressionRuntimeError, ExpressionError)
