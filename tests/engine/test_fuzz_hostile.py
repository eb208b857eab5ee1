"""Fuzz: hostile input gets a diagnostic or a result, never an unexpected
exception (issue 11: find the whole kind, not the instances).

Targets: the loader (YAML text, tags, numbers, nesting, anchors), the whole
definition pipeline and a run of what it accepts, the expression language
(every built-in with hostile arguments), mock files, JSON inputs and callback
reports. A fixed, deterministic budget (``derandomize=True``): FUZZ_EXAMPLES
per target (default 200; the whole file runs in well under a minute). For a
bigger run by hand: ``FLOWDBG_FUZZ_EXAMPLES=5000 python -m pytest -q
tests/engine/test_fuzz_hostile.py``.
"""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine.backends.base import BackendError
from flowdbg.engine.backends.callback_server import ACTIONS, BadReport, parse_report
from flowdbg.engine.definition import parse_definition
from flowdbg.engine.errors import FlowError
from flowdbg.engine.expressions import (FUNCTION_NAMES, Env, ExpressionRuntimeError, ExpressionSyntaxError,
                                        SeededRandom, compile_expression)
from flowdbg.engine.expressions.values import BadJSON, check_value, parse_json
from flowdbg.engine.load import load_text
from flowdbg.engine.mocks import MockFileError, parse_mocks
from flowdbg.engine.runner import summarize
from flowdbg.engine.session import Session, SessionError

EXAMPLES = int(os.environ.get("FLOWDBG_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# -- pieces a hostile user (or a careless one) writes ----------------------------------
NUMBERS = ["0", "-0", "1", "012", "0o17", "0x1F", "0b101", "1_000", "1:20", "1:20.5", "1e5", "1.0e+5", "1.0e5",
           "1e400", "-1e400", "1.0e+400", ".inf", "-.inf", ".nan", ".NaN", "9007199254740993", "9" * 310,
           "1" * 5000, "-" + "9" * 400, "2.5", ".5", "1.", "._", "0_", "+12", "1e-400", "4.9e-324"]
WORDS = ["yes", "no", "on", "Off", "y", "N", "true", "False", "null", "~", "", "abc", "2024-01-31",
         "2001-12-14 21:59:43.10 -5", "2001-13-45", "²", "٣", "订单", "\u202e", "a\tb", "<<", "=", "é", "\U0001F600"]
TAGS = ["", "!!int ", "!!float ", "!!timestamp ", "!!bool ", "!!null ", "!!str ", "!!binary ", "!Ref ",
        "!!python/object:os.system ", "!!set ", "!!omap ", "!!merge ", "!!value ", "! "]
QUOTED = ['"\\ud800"', '"\\udc00x"', '"\\U0010ffff"', '"\\x00"', "'it''s'", '"\\"\\\\"', '"{}{}{}"', '"\\u00e9"']
SCALARS = st.one_of(
    st.sampled_from(NUMBERS), st.sampled_from(WORDS), st.sampled_from(QUOTED),
    st.builds(lambda t, v: t + v, st.sampled_from(TAGS), st.sampled_from(NUMBERS + WORDS + QUOTED)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(json.dumps),
)


def yaml_value(depth: int = 3):
    leaf = SCALARS
    if depth == 0:
        return leaf
    inner = yaml_value(depth - 1)
    return st.one_of(
        leaf, leaf, leaf,
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "yes", "012", "<<", "on", '"k"']), inner),
                 max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.integers(1, 160).map(lambda n: "[" * n + "]" * n),
    )


EXPRESSIONS = st.sampled_from([
    "$Input.x", "toArray($Input.x)", "format(\"{} {}\", $Input.x, $Input.x)", "intAdd($Input.n, $Input.n)",
    "stringToJson($Input.s)", "jsonToString($Input)", "regexMatchString($Input.s, \"aaa\")",
    "length($Input.x)", "get($Input.x, 0)", "split($Input.s, \"\")", "hash($Input, \"SHA-256\")",
    "toBase64($Input.s)", "fromBase64($Input.s)", "jsonMerge($Input, $Input)", "[$Input, $Input]",
    "arrayUnique(toArray($Input.x, $Input.x))", "mapKeys($Input)", "uuid()", "randomInt(1, $Input.n)"])

FLOW = """Type: StateMachine
Name: fuzz
SpecVersion: v1
StartAt: A
States:
  - Name: A
    Type: Pass
    InputConstructor:
      x: {x}
      n: {n}
      s: {s}
      e.$: {e}
    Next: Check
  - Name: Check
    Type: Choice
    Branches:
      - Condition: $Input.n == 0
        Next: Done
    Default: Loop
  - Name: Loop
    Type: Pass
    InputConstructor:
      x.$: {e}
      n: 0
      s.$: $Input.s
    Next: Done
  - Name: Done
    Type: Succeed
"""


def strict_json(value) -> None:
    """What a run produces is plain JSON (no NaN, no surrogates, no huge ints)."""
    check_value(value, max_depth=10_000)
    json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")


def run_definition(text: str, input_value=None, mocks_text: str = "") -> None:
    d = parse_definition(text)
    for x in d.diagnostics:
        assert x.line >= 1 and x.col >= 1 and x.message
    if d.flow is None:
        return
    try:
        mocks = parse_mocks(mocks_text, "m.yaml")
    except MockFileError:
        return
    try:
        s = Session(d, input_value if input_value is not None else {}, mocks=mocks,
                    start_time="2026-01-01T00:00:00Z")
        s.run_to_end(max_steps=60)
    except (SessionError, BackendError):
        return
    summary = summarize(s.execution)
    strict_json(summary["output"])
    json.dumps(summary["events"], allow_nan=False, ensure_ascii=False).encode("utf-8")
    for e in s.execution.events:
        e.to_history(s.start_time)


# -- the loader --------------------------------------------------------------------------
@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "yes", "012", "<<", "1:20", '"q"', "!!int k"]),
                          yaml_value()), min_size=1, max_size=6))
def test_loader_on_hostile_mappings(pairs):
    text = "".join(f"{k}: {v}\n" for k, v in pairs)
    r = load_text(text)
    for d in r.diagnostics:
        assert d.line >= 1 and d.col >= 1 and d.message


@FUZZ
@given(st.lists(st.sampled_from(list("{}[]:,-?&*!|>'\"#%@` \n\t.0123456789eE+_abxyo~\\") +
                                ["\ud800", "\u2028", "\x85", "\ufeff", "yes", "<<", "!!int", "&a", "*a", "\n  "]),
                max_size=80).map("".join))
def test_loader_on_yaml_soup(text):
    r = load_text(text)  # lone surrogates included: text that was not read as UTF-8
    for d in r.diagnostics:
        assert d.line >= 1 and d.col >= 1 and d.message


# -- definitions, end to end --------------------------------------------------------------
@FUZZ
@given(yaml_value(), SCALARS, SCALARS, EXPRESSIONS)
def test_flows_with_hostile_values_load_validate_and_run(x, n, s, e):
    run_definition(FLOW.format(x=x, n=n, s=s, e=e))


@FUZZ
@given(st.sampled_from(["Timeout", "MaxAttempts", "IntervalSeconds", "BackoffRate", "MaxBackoffSeconds",
                        "Seconds", "MaxConcurrency"]), SCALARS)
def test_numeric_fields_with_hostile_values(field, value):
    retry = {"Timeout": "", "Seconds": "", "MaxConcurrency": ""}.get(field, "x")
    text = f"""Type: StateMachine
Name: t
SpecVersion: v1
StartAt: T
States:
  - Name: T
    Type: Task
    Action: FC:InvokeFunction
    {"Timeout: " + value if field == "Timeout" else ""}
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/f
      invocationType: Sync
    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: {value if field == "MaxAttempts" else 2}
        IntervalSeconds: {value if field == "IntervalSeconds" else 1}
        BackoffRate: {value if field == "BackoffRate" else 2}
        {"MaxBackoffSeconds: " + value if field == "MaxBackoffSeconds" else ""}
    Next: W
  - Name: W
    Type: Wait
    Seconds: {value if field == "Seconds" else 1}
    Next: M
  - Name: M
    Type: Map
    ItemsPath: $Input.items
    {"MaxConcurrency: " + value if field == "MaxConcurrency" else ""}
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    End: true
"""
    assert retry is not None
    run_definition(text, {"items": [1, 2]},
                   "functions:\n  f:\n    - error: FC.Boom\n      times: 2\n    - body: {items: [1]}\n")


# -- the expression language -----------------------------------------------------------------
HOSTILE_ARGS = [
    '""', '"a"', "0", "-1", "1.5", "1e308", "9" * 300, "true", "null", "[]", "{}", "[[[[[]]]]]",
    '"{}{}{}{}"', '"^(a+)+$"', '"(a)\\\\1"', '"(?=x)"', '"["', '"\\\\d+"', '"SHA-256"', '"MD5"', '"eA=="',
    '"!!!"', '"\\u00e9"', '"\\ud83d\\ude00"', '"[1e400]"', '"NaN"', '"{\\"a\\": 1}"', '"[[[[[[[[[[1]]]]]]]]]]"',
    "$Input", "$Input.big", "$Input.deep", "$Input.n", "$Input.list", "$Input.s", "$Context",
    "toArray($Input.big, $Input.big)", 'format("{}", $Input.big)', "split($Input.big, \"\")",
]
INPUT = {"big": "x" * 30_000, "deep": json.loads("[" * 95 + "]" * 95), "n": 2 ** 1000, "list": list(range(50)),
         "s": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}


def expression_env() -> Env:
    return Env(roots={"$Input": INPUT, "$Context": {"Current": {"TaskToken": "t"}}}, random=SeededRandom(0))


def call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


ARG = st.sampled_from(HOSTILE_ARGS)
CALLS = st.builds(call, st.sampled_from(sorted(FUNCTION_NAMES)), st.lists(ARG, max_size=4))
NESTED = st.recursive(CALLS, lambda inner: st.builds(call, st.sampled_from(sorted(FUNCTION_NAMES)),
                                                     st.lists(st.one_of(ARG, inner), max_size=3)), max_leaves=6)


def check_expression(text: str) -> None:
    try:
        expr = compile_expression(text)
    except ExpressionSyntaxError as exc:
        assert exc.message and exc.col >= 1
        return
    try:
        value = expr.evaluate(expression_env())
    except ExpressionRuntimeError as exc:
        assert exc.message and exc.error_code in ("FnF.RuntimeError", "FnF.DataLimitExceeded")
        return
    strict_json(value)


@FUZZ
@given(NESTED)
def test_every_builtin_with_hostile_arguments(text):
    check_expression(text)


@FUZZ
@given(st.lists(st.sampled_from(HOSTILE_ARGS + ["[", "]", "{", "}", ",", ":", "(", ")", "==", "&&", "!", "-",
                                                " in ", "'", '"', "\\u", "`"] + sorted(FUNCTION_NAMES)),
                max_size=20).map("".join))
def test_expression_soup(text):
    check_expression(text)


@FUZZ
@given(st.integers(0, 300), st.sampled_from(["[", "{\"a\": ", "toArray(", "-", "!", "("]))
def test_deeply_nested_expressions(n, opener):
    closer = {"[": "]", "{\"a\": ": "}", "toArray(": ")", "-": "", "!": "", "(": ")"}[opener]
    check_expression(opener * n + "1" + closer * n)


# -- mock files ---------------------------------------------------------------------------------
MOCK_FLOW = """Type: StateMachine
Name: t
SpecVersion: v1
StartAt: T
States:
  - Name: T
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/f
      invocationType: Sync
    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 2
        IntervalSeconds: 1
    End: true
"""


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["body", "error", "detail", "times", "delay", "log", "bodyy", "<<"]),
                          yaml_value(2)), min_size=1, max_size=4))
def test_mock_files_with_hostile_answers(fields):
    entry = ", ".join(f"{k}: {v}" for k, v in fields)
    run_definition(MOCK_FLOW, {}, f"functions:\n  f:\n    - {{{entry}}}\n")


# -- JSON inputs and callback reports ------------------------------------------------------
JSON_PIECES = ["{", "}", "[", "]", ",", ":", '"a"', '"\\ud800"', '"\\udc00"', '"\\ud83d\\ude00"', "1e400", "-1e400",
               "NaN", "Infinity", "-Infinity", "9" * 400, "1" * 5000, "1.5", "-0", "true", "null", '"x"', " ",
               "[" * 120, "]" * 120, '"\\u0000"', '"é"', "\ud800"]


@FUZZ
@given(st.one_of(st.lists(st.sampled_from(JSON_PIECES), max_size=16).map("".join),
                 st.recursive(st.sampled_from(JSON_PIECES[6:20]),
                              lambda inner: st.one_of(st.lists(inner, max_size=3).map(lambda x: "[" + ",".join(x) + "]"),
                                                      st.lists(inner, max_size=3).map(
                                                          lambda x: "{" + ",".join(f'"k{i}":{v}' for i, v in
                                                                                   enumerate(x)) + "}")),
                              max_leaves=8)))
def test_json_inputs(text):
    try:
        value = parse_json(text)
    except BadJSON as exc:
        assert exc.message.startswith("not valid JSON")
        return
    strict_json(value)
    if isinstance(value, dict):
        run_definition("Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: A\nStates:\n  - Name: A\n"
                       "    Type: Pass\n    InputConstructor:\n      all.$: $Input\n      s.$: jsonToString($Input)\n"
                       "    End: true\n", value)


@FUZZ
@given(st.sampled_from(ACTIONS), st.dictionaries(st.sampled_from(["TaskToken", "Output", "Error", "Cause", "X"]),
                                                 st.one_of(st.sampled_from(JSON_PIECES), st.integers(), st.none(),
                                                           st.text(max_size=5)), max_size=5))
def test_callback_reports(action, params):
    try:
        report = parse_report(action, params)
    except BadReport as exc:
        assert str(exc)
        return
    strict_json(report.output)
    for text in (report.token, report.error or "", report.cause or ""):
        text.encode("utf-8")


def test_flow_errors_are_values():
    # What the fuzzers allow to escape a run is a FlowError inside the execution, never raised out of it.
    assert issubclass(FlowError, Exception)
