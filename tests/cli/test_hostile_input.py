"""Input a user can write never crashes flowdbg (issue 11): each case ends with
a documented exit code and one clear line, never exit 70 ("internal error").
One test per crash the issue reported, with the exact message."""
from __future__ import annotations

import datetime
import json
import os

import pytest

from flowdbg.engine.events import iso_time
from flowdbg.engine.model import MAX_RETRY_WAIT, RetryRule

H = "Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: A\nStates:\n"
BIG = "1" * 5000


def pass_flow(constructor: str) -> str:
    return H + "  - Name: A\n    Type: Pass\n    InputConstructor:\n" + constructor + "    End: true\n"


def task_flow(extra: str = "") -> str:
    return (H + "  - Name: A\n    Type: Task\n    Action: FC:InvokeFunction\n    Parameters:\n"
            "      resourceArn: acs:fc:cn-hangzhou:123:functions/f\n      invocationType: Sync\n"
            + extra + "    End: true\n")


@pytest.fixture
def write(tmp_path, monkeypatch):
    """Write a file in a fresh working directory; returns its relative name
    (so messages read ``f.yaml:9:10: ...``)."""
    monkeypatch.chdir(tmp_path)

    def put(name: str, text: str) -> str:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return name
    return put


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    return lines[0]


@pytest.mark.parametrize("value,message", [
    ("!!int abc", "f.yaml:9:10: error: !!int abc: 'abc' is not an integer"),
    ("!!float abc", "f.yaml:9:10: error: !!float abc: 'abc' is not a number"),
    ("!!timestamp abc", "f.yaml:9:10: error: !!timestamp abc: 'abc' is not a timestamp "
                        "(write e.g. 2024-01-31 or 2024-01-31T12:00:00Z)"),
    ("!!timestamp 2001-13-45", "f.yaml:9:10: error: !!timestamp 2001-13-45: '2001-13-45' is not a timestamp "
                               "(write e.g. 2024-01-31 or 2024-01-31T12:00:00Z)"),
    ("!!bool maybe", "f.yaml:9:10: error: !!bool maybe: 'maybe' is not a boolean (write true or false)"),
    ("!!int 0x", "f.yaml:9:10: error: !!int 0x: '0x' is not an integer"),
    ("!!float 1e400", "f.yaml:9:10: error: !!float 1e400: the number 1e400 is out of JSON's range (±1.79769e+308)"),
    ("!!python/object:os.system x", "f.yaml:9:10: error: YAML tag !!python/object:os.system is not a type FDL has; "
                                    "remove it"),
    (".inf", "f.yaml:9:10: error: .inf is not a JSON number (JSON has no infinity or NaN)"),
    (BIG, "f.yaml:9:10: error: the number 1111111111111111…(5,000 characters) is out of JSON's range "
          "(±1.79769e+308)"),
])
def test_bad_yaml_values_in_a_flow(cli, write, value, message):
    code, _, err = cli("run", write("f.yaml", pass_flow(f"      x: {value}\n")))
    assert code == 2 and one_error_line(err) == message


@pytest.mark.parametrize("value,message", [
    ("!!int abc", "m.yaml:3:17: error: !!int abc: 'abc' is not an integer"),
    ("!!float abc", "m.yaml:3:17: error: !!float abc: 'abc' is not a number"),
    ("!!timestamp abc", "m.yaml:3:17: error: !!timestamp abc: 'abc' is not a timestamp "
                        "(write e.g. 2024-01-31 or 2024-01-31T12:00:00Z)"),
    (BIG, "m.yaml:3:17: error: the number 1111111111111111…(5,000 characters) is out of JSON's range "
          "(±1.79769e+308)"),
])
def test_bad_yaml_values_in_a_mock_file(cli, write, value, message):
    flow = write("f.yaml", task_flow())
    mocks = write("m.yaml", f"functions:\n  f:\n    - body: {{n: {value}}}\n")
    code, _, err = cli("run", flow, "--mocks", mocks)
    assert code == 2 and one_error_line(err) == message


def test_a_huge_integer_in_an_expression(cli, write):
    code, _, err = cli("run", write("f.yaml", pass_flow(f"      x.$: intAdd({BIG}, 1)\n")))
    assert code == 2
    assert one_error_line(err) == ("f.yaml:9:19: error: state 'A': InputConstructor.x.$: number out of range "
                                   "'1111111111111111…(5,000 digits)' (hint: JSON numbers are at most "
                                   "±1.79769e+308)")


def test_an_integer_grown_by_int_add_in_a_loop(cli, write):
    flow = write("f.yaml", H.replace("StartAt: A", "StartAt: Init") +
                 "  - Name: Init\n    Type: Pass\n    InputConstructor:\n      x: 1\n    Next: Grow\n"
                 "  - Name: Grow\n    Type: Pass\n    InputConstructor:\n      x.$: intAdd($Input.x, $Input.x)\n"
                 "    Next: Grow\n")
    code, out, err = cli("run", flow, "--json", "--max-steps", "5000")
    s = json.loads(out)
    assert code == 1 and s["status"] == "Failed" and len(s["states"]) == 1025  # Init, then 2**1 .. 2**1023; 2**1024 > 1.8e308
    assert s["error"] == {"code": "FnF.RuntimeError", "detail": "state 'Grow', InputConstructor.x.$: intAdd: "
                                                                "the sum is out of JSON's range (±1.79769e+308)"}


@pytest.mark.parametrize("text,message", [
    (f'{{"a": {BIG}}}', "$.a: the number 9999999999999999…(5,000 characters) is out of JSON's range"),
    ('{"a": [1, 1e400]}', "$.a[1]: the number 1e400 is out of JSON's range"),
    ('{"a": -1e400}', "$.a: the number -1e400 is out of JSON's range"),
    ('{"a": "\\ud800"}', "$.a: the string holds a lone surrogate \\ud800"),
    ('{"\\udc00": 1}', "a key holds a lone surrogate \\udc00"),
])
def test_json_input_that_json_cannot_carry(cli, write, text, message):
    text = text.replace("1" * 5000, "9" * 5000)
    code, _, err = cli("run", write("f.yaml", pass_flow("      x: 1\n")), "--input", text)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("flowdbg: error: --input: execution input is not valid JSON: " + message), line


def test_1e400_in_an_input_file_is_refused_not_printed_as_infinity(cli, write):
    path = write("in.json", '{"n": 1e400}')
    code, out, err = cli("run", write("f.yaml", pass_flow("      n.$: $Input.n\n")), "--input-file", path)
    assert code == 2 and out == "" and "Infinity" not in err
    assert one_error_line(err) == (f"flowdbg: error: {path}: execution input is not valid JSON: $.n: the number "
                                   "1e400 is out of JSON's range (±1.79769e+308)")


def test_a_lone_surrogate_from_string_to_json(cli, write):
    flow = write("f.yaml", pass_flow("      x.$: stringToJson($Input.s)\n"))
    code, out, _ = cli("run", flow, "--input", json.dumps({"s": '"\\ud800"'}), "--json")
    assert code == 1 and json.loads(out)["error"] == {
        "code": "FnF.RuntimeError",
        "detail": "state 'A', InputConstructor.x.$: stringToJson: argument 1 is not valid JSON: the string holds a "
                  "lone surrogate \\ud800, which is not a Unicode character (a '\\ud8xx' escape needs its "
                  "'\\udcxx' pair)"}


def test_timeout_with_a_unicode_digit(cli, write):
    code, _, err = cli("run", write("f.yaml", task_flow('    Timeout: "²"\n')))
    assert code == 2
    assert one_error_line(err) == "f.yaml:12:14: error: state 'A': 'Timeout' must be an integer, got string '²'"


def test_backoff_rate_infinity_is_one_error(cli, write):
    retry = ("    Retry:\n      - Errors: [FnF.ALL]\n        MaxAttempts: 3\n        IntervalSeconds: 1\n"
             "        BackoffRate: .inf\n")
    code, _, err = cli("run", write("f.yaml", task_flow(retry)))
    assert code == 2
    assert one_error_line(err) == "f.yaml:16:22: error: .inf is not a JSON number (JSON has no infinity or NaN)"


def test_backoff_rate_1e300_waits_at_most_a_year_per_retry(cli, write):
    retry = ("    Retry:\n      - Errors: [FnF.ALL]\n        MaxAttempts: 3\n        IntervalSeconds: 1\n"
             "        BackoffRate: 1.0e+300\n")
    flow = write("f.yaml", task_flow(retry))
    mocks = write("m.yaml", "functions:\n  f:\n    - error: FC.Boom\n      times: 3\n    - body: {ok: true}\n")
    hist = "h.json"
    code, out, _ = cli("run", flow, "--mocks", mocks, "--json", "--history", hist)
    s = json.loads(out)
    assert code == 0 and s["output"] == {"Body": {"ok": True}}
    assert s["time"] == 1 + 2 * MAX_RETRY_WAIT  # waits 1 s, then the one-year cap twice
    assert len(json.load(open(hist))["Events"]) == len(s["events"])


def test_retry_delay_never_overflows():
    r = RetryRule(("FnF.ALL",), 5, 1.0, backoff_rate=1e300)
    assert [r.delay(n) for n in (1, 2, 3)] == [1.0, MAX_RETRY_WAIT, MAX_RETRY_WAIT]
    assert RetryRule(("FnF.ALL",), 5, 2.0, backoff_rate=1e300, max_backoff=60).delay(50) == 60
    assert RetryRule(("FnF.ALL",), 5, 0.0, backoff_rate=1e300).delay(50) == 0.0


def test_a_mock_delay_past_a_year_is_refused(cli, write):
    flow = write("f.yaml", task_flow())
    mocks = write("m.yaml", "functions:\n  f:\n    - body: {}\n      delay: 1000000000000\n")
    code, _, err = cli("run", flow, "--mocks", mocks, "--history", flow + ".h.json")
    assert code == 2 and not os.path.exists(flow + ".h.json")
    assert one_error_line(err) == ("m.yaml:4:14: error: functions.f: 'delay' must be a number of seconds from 0 "
                                   "to 31,536,000 (a year, CloudFlow's longest execution)")


def test_history_times_past_the_year_9999_use_the_expanded_year_form():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    assert iso_time(start, 1.5) == "2026-01-01T00:00:01.500Z"
    assert iso_time(start, 1e12) == "+033714-09-28T01:46:40.000Z"


def test_a_value_nested_1000_deep_by_a_to_array_loop(cli, write):
    flow = write("f.yaml", H.replace("StartAt: A", "StartAt: Init") + """\
  - Name: Init
    Type: Pass
    InputConstructor: {x: 1, n: 0}
    Next: Grow
  - Name: Grow
    Type: Pass
    InputConstructor:
      x.$: toArray($Input.x)
      n.$: intAdd($Input.n, 1)
    Next: Check
  - Name: Check
    Type: Choice
    Branches:
      - Condition: $Input.n < 1200
        Next: Grow
    Default: Done
  - Name: Done
    Type: Succeed
""")
    code, out, _ = cli("run", flow, "--json")
    s = json.loads(out)
    assert code == 1 and s["states"].count("Grow") == 100
    assert s["error"] == {"code": "FnF.DataLimitExceeded",
                          "detail": "state 'Grow': output nests deeper than 100 levels"}


def test_a_value_nested_by_a_parallel_loop_without_any_function(cli, write):
    # Parallel wraps its input in {"Branch0": ...}: depth grows one level per turn.
    flow = write("f.yaml", H.replace("StartAt: A", "StartAt: P") + """\
  - Name: P
    Type: Parallel
    Branches:
      - StartAt: B
        States:
          - Name: B
            Type: Pass
            End: true
    Next: P
""")
    code, out, _ = cli("run", flow, "--json", "--max-steps", "100000")
    s = json.loads(out)
    assert code == 1 and s["error"]["code"] == "FnF.DataLimitExceeded"
    assert s["error"]["detail"].endswith("nests deeper than 100 levels")


def test_a_custom_tag_on_a_collection_is_a_warning(cli, write):
    code, _, err = cli("validate", write("f.yaml", pass_flow("      x: !Ref [1]\n")))
    assert code == 0 and err == ""


def test_merge_keys(cli, write):
    flow = write("f.yaml", H + """\
  - Name: A
    Type: Pass
    InputConstructor:
      base: &b {x: 1, y: 2}
      copy:
        <<: *b
        y: 3
    End: true
""")
    code, out, _ = cli("run", flow, "--json")
    assert code == 0 and json.loads(out)["output"] == {"base": {"x": 1, "y": 2}, "copy": {"y": 3, "x": 1}}
