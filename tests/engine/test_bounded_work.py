"""Bounded work (issue 11): no regex can hang a run, no expression can
allocate far past the data limit, numbers out of JSON's range are refused."""
from __future__ import annotations

import time
import tracemalloc

import pytest

from flowdbg.engine.expressions import DataLimitError, Env, ExpressionRuntimeError, compile_expression
from flowdbg.engine.expressions.values import DATA_LIMIT, BadJSON, json_size, parse_json

from helpers.engine import run_flow


def ev(text, env=None):
    return compile_expression(text).evaluate(env or Env(roots={"$Input": {}}))


def err(text, env=None) -> ExpressionRuntimeError:
    with pytest.raises(ExpressionRuntimeError) as e:
        ev(text, env)
    return e.value


# -- regular expressions: RE2, linear time --------------------------------------------
def test_catastrophic_backtracking_pattern_returns_at_once():
    env = Env(roots={"$Input": {"s": "a" * 30 + "!"}})
    t = time.perf_counter()
    assert ev('regexMatchString("^(a+)+$", $Input.s)', env) is False
    assert time.perf_counter() - t < 10  # a hang guard: Python's re takes minutes here


def test_catastrophic_pattern_on_a_long_text_is_linear():
    env = Env(roots={"$Input": {"s": "x" * 60000}})
    t = time.perf_counter()
    assert ev('regexMatchString("(x+x+)+y", $Input.s)', env) is False
    assert time.perf_counter() - t < 10  # a hang guard, not a speed test


@pytest.mark.parametrize("pattern,reason", [
    ("(a)\\\\1", "invalid escape sequence: \\1"),          # backreferences
    ("(?=a)", "invalid perl operator: (?="),               # lookahead
    ("(?<=a)b", "invalid perl operator: (?<="),            # lookbehind
    ("a{1001}", "invalid repetition size: {1001}"),        # RE2 caps counted repetition at 1000
])
def test_what_re2_does_not_have_is_a_clear_error(pattern, reason):
    e = err(f'regexMatchString("{pattern}", "a")')
    assert e.message == f"regexMatchString: argument 1 is not a valid RE2 regular expression: {reason}"


def test_re2_semantics_that_differ_from_python():
    # \d is ASCII only in RE2 (Python's re also matches other scripts' digits)
    assert ev('regexMatchString("\\\\d", "٣")') is False
    assert ev('regexMatchString("^\\\\d+$", "123")') is True
    # \z is the end of text; \Z does not exist in RE2
    assert ev('regexMatchString("a\\\\z", "xa")') is True
    # Unicode classes and POSIX classes exist
    assert ev('regexMatchString("^\\\\pL+$", "héllo")') is True
    assert ev('regexMatchString("^[[:alpha:]]+$", "abc")') is True


# -- values are measured as they are built --------------------------------------------
def test_format_with_20000_placeholders_over_60_kb_reports_data_limit_exceeded_without_the_gigabytes():
    text = "x" * 60_000
    env = Env(roots={"$Input": {"s": text}})
    expr = compile_expression("format(" + '"' + "{}" * 20_000 + '"' + ", $Input.s" * 20_000 + ")")
    tracemalloc.start()
    with pytest.raises(DataLimitError) as e:
        expr.evaluate(env)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert e.value.message == "format: the result would be over 65,536 bytes, the data limit"
    assert e.value.error_code == "FnF.DataLimitExceeded"
    assert peak < 2 * 2**20  # the unbounded join reached 3.4 GB (issue 11)


def test_to_array_of_shared_references_is_measured_not_encoded():
    env = Env(roots={"$Input": {"s": "x" * 60_000}})
    e = err("jsonToString(toArray($Input.s, $Input.s))", env)
    assert isinstance(e, DataLimitError) and e.message == \
        "toArray: the result would be over 65,536 bytes, the data limit"


@pytest.mark.parametrize("expression", [
    "[$Input.s, $Input.s]", '{"a": $Input.s, "b": $Input.s}', "jsonMerge({\"a\": $Input.s}, {\"b\": $Input.s})",
    'split($Input.s, "")', "toBase64(format(\"{}\", $Input.s))",
])
def test_builders_refuse_results_over_the_limit(expression):
    env = Env(roots={"$Input": {"s": "x" * 50_000}})
    assert isinstance(err(expression, env), DataLimitError)


def test_the_limit_is_the_environments():
    env = Env(roots={"$Input": {"s": "x" * 40_000}}, data_limit=200_000)
    assert len(ev("toArray($Input.s, $Input.s)", env)) == 2
    assert isinstance(err("toArray($Input.s)", Env(roots={"$Input": {"s": "x" * 100}}, data_limit=50)),
                      DataLimitError)


def test_a_state_fails_with_data_limit_exceeded_and_names_the_field():
    flow = """\
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: A
        States:
          - Name: A
            Type: Pass
            InputConstructor:
              big.$: format("{}{}", $Input.s, $Input.s)
            End: true
        """
    s = run_flow(flow, {"s": "x" * 40_000})
    assert s["status"] == "Failed" and s["error"] == {
        "code": "FnF.DataLimitExceeded",
        "detail": "state 'A', InputConstructor.big.$: format: the result would be over 65,536 bytes, the data limit"}


def test_json_size_counts_compact_utf8_json_and_stops_early():
    import json
    for v in ({"a": [1, "é", None, True, False, 2.5], "b": {}}, [None, [1, 2], {"a": {}}],
              {str(i): [i] for i in range(100)}, "x", 5, []):
        assert json_size(v, 10**6) == len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode())
    # a gigabyte as text, a few megabytes of references: refused from the first level
    assert json_size(["x" * 1000] * 10**6, DATA_LIMIT) == 10**6 + 1
    # and the walk stops inside a value as soon as the count passes the limit
    assert DATA_LIMIT < json_size([["x" * 1000] * 100] * 1000, DATA_LIMIT) < DATA_LIMIT + 1100


# -- numbers --------------------------------------------------------------------------
@pytest.mark.parametrize("text,message", [
    ("1e999", "number out of range '1e999'"),
    ("intAdd(" + "9" * 400 + ", 1)", "number out of range '9999999999999999…(400 digits)'"),
])
def test_number_literals_out_of_range(text, message):
    from flowdbg.engine.expressions import ExpressionSyntaxError
    with pytest.raises(ExpressionSyntaxError) as e:
        compile_expression(text)
    assert e.value.message == message and e.value.hint == "JSON numbers are at most ±1.79769e+308"


def test_int_add_stays_exact_within_the_range_and_refuses_past_it():
    assert ev("intAdd(9007199254740993, 1)") == 9007199254740994
    big = 2 ** 1023
    env = Env(roots={"$Input": {"n": big}})
    assert ev("intAdd($Input.n, 0)", env) == big
    assert err("intAdd($Input.n, $Input.n)", env).message == \
        "intAdd: the sum is out of JSON's range (±1.79769e+308)"


@pytest.mark.parametrize("text,message", [
    ("NaN", "not valid JSON: NaN is not valid JSON"),
    ("[1e400]", "not valid JSON: $[0]: the number 1e400 is out of JSON's range (±1.79769e+308)"),
    ('"\\udfff"', "not valid JSON: the string holds a lone surrogate \\udfff, which is not a Unicode character "
                  "(a '\\ud8xx' escape needs its '\\udcxx' pair)"),
    ("[" * 101 + "]" * 101, "not valid JSON: $[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][…][0][0][0][0][0][0]"
                            "[0][0]: the value nests deeper than 100 levels"),
])
def test_parse_json_is_strict(text, message):
    with pytest.raises(BadJSON) as e:
        parse_json(text)
    assert e.value.message == message


def test_parse_json_keeps_big_integers_exact():
    assert parse_json('{"n": 9007199254740993, "m": -0, "f": 1.5e300}') == {
        "n": 9007199254740993, "m": 0, "f": 1.5e300}
    assert parse_json("[" * 100 + "]" * 100) is not None
