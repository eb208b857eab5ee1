"""Bad input from the user: malformed mock files (MockFileError with
line:col) and bad execution input through ``flowdbg run`` (exit 2, a
one-line message, never a traceback)."""
from __future__ import annotations

import json

import os

import pytest

from helpers.engine import ENGINE_FIXTURES, SAMPLE_FLOWS
from flowdbg.engine.mocks import MockFileError, load_mocks, parse_mocks

FLOW = os.path.join(SAMPLE_FLOWS, "seed-task-skeleton.yaml")
MOCKS = os.path.join(SAMPLE_FLOWS, "seed-task-skeleton.mocks.yaml")


def mock_errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(MockFileError) as info:
        parse_mocks(text, "m.yaml")
    e = info.value
    assert e.path == "m.yaml"
    assert str(e).splitlines() == [d.format("m.yaml") for d in e.diagnostics]
    return [(d.line, d.col, d.message) for d in e.diagnostics]


# -- malformed mock files ---------------------------------------------------------------------------------

def test_bad_yaml():
    [(line, col, msg)] = mock_errors("functions:\n  f: [\n")
    assert (line, col) == (3, 1)
    assert msg.startswith("not valid YAML")


def test_tab_in_mock_file_gets_the_tab_hint():
    with pytest.raises(MockFileError) as info:
        parse_mocks("functions:\n\tf: []\n", "m.yaml")
    [d] = info.value.diagnostics
    assert (d.line, d.col, d.hint) == (2, 1, "replace the tab with spaces")


def test_root_must_be_a_mapping():
    assert mock_errors("- a\n") == [(1, 1, "the mock file must be a mapping with functions/states/callbacks")]


def test_unknown_section_names_the_allowed_ones():
    [(line, col, msg)] = mock_errors("functons:\n  f:\n    - body: {}\n")
    assert (line, col) == (1, 1)
    assert "unknown section 'functons'" in msg and "functions, states, callbacks" in msg


def test_unknown_field_in_an_answer():
    errs = mock_errors("functions:\n  f:\n    - bdy: {}\n      dealy: 1\n")
    assert errs[0] == (3, 7, "functions.f: an answer needs 'body' or 'error' ('bdy' on line 3 is not it: it is "
                             "spelt 'body')")  # one error for the one slip
    assert errs[1] == (4, 7, "functions.f: unknown field 'dealy'; allowed: body, delay, detail, error, log, times, "
                             "when")


@pytest.mark.parametrize("text,line,col,fragment", [
    ("functions: [1, 2]\n", 1, 12, "'functions' must be a mapping"),
    ("functions:\n  f:\n    - 5\n", 3, 7, "each answer must be a mapping"),
    ("functions:\n  f:\n    - error: 5\n", 3, 7, "'error' must be an error name"),
    ("functions:\n  f:\n    - delay: 1\n", 3, 7, "an answer needs 'body' or 'error'"),
    ("states:\n  S:\n    - delay: 1\n", 3, 7, "an answer needs 'result' or 'error'"),
    ("callbacks:\n  S:\n    - succeed: {}\n      fail: {error: E}\n", 3, 7, "exactly one of 'succeed' or 'fail'"),
    ("callbacks:\n  S:\n    - fail: {cause: x}\n", 3, 7, "'fail' needs an 'error' name"),
    ("local: [a]\n", 1, 8, "'local' maps function names"),
    ("functions:\n  f: [{body: 1}]\n  f: [{body: 2}]\n", 3, 3, "duplicate key 'f'"),
])
def test_wrong_types_and_shapes(text, line, col, fragment):
    errs = mock_errors(text)
    assert errs[0][:2] == (line, col)
    assert fragment in errs[0][2]


@pytest.mark.parametrize("text,fragment", [
    ("functions:\n  f:\n    - body: {}\n      times: 0\n", "'times' must be a positive integer"),
    ("functions:\n  f:\n    - body: {}\n      times: two\n", "'times' must be a positive integer"),
    ("functions:\n  f:\n    - body: {}\n      delay: -1\n",
     "functions.f: 'delay' must be a number of seconds from 0 to 31,536,000 (a year, CloudFlow's longest execution)"),
    ("callbacks:\n  S:\n    - succeed: {}\n      after: soon\n",
     "callbacks.S: 'after' must be a number of seconds from 0 to 31,536,000 (a year, CloudFlow's longest execution)"),
])
def test_bad_numbers_are_reported(text, fragment):
    [(line, col, msg)] = mock_errors(text)
    assert fragment in msg
    assert line == 4  # the line of the bad value


@pytest.mark.parametrize("text", [
    "functions:\n  f:\n    - body: {}\n      times: 0\n",
    "functions:\n  f:\n    - body: {}\n      delay: -1\n",
])
def test_bad_number_points_at_the_value(text):
    [(line, col, msg)] = mock_errors(text)
    assert (line, col) == (4, 14)


def test_every_problem_is_reported_at_once():
    errs = mock_errors("functions:\n  f:\n    - bdy: 1\n  g:\n    - body: 1\n      times: -2\nextra: 1\n")
    lines = [e[0] for e in errs]
    assert 3 in lines and 6 in lines and 7 in lines
    assert any("unknown section 'extra'" in e[2] for e in errs)


@pytest.mark.parametrize("text", ["", "\n", "# nothing to mock yet\n"])
def test_empty_mock_file_means_no_mocks(text):
    m = parse_mocks(text, "m.yaml")
    assert (m.functions, m.states, m.callbacks) == ({}, {}, {})


def test_json_mock_file():
    m = parse_mocks('{"functions": {"f": [{"body": {"a": 1}, "times": 2}]}}', "m.json")
    [e] = m.functions["f"]
    assert (e.data, e.times) == ({"body": {"a": 1}}, 2)


def test_missing_mock_file():
    with pytest.raises(MockFileError) as info:
        load_mocks("/nonexistent/dir/m.yaml")
    assert str(info.value) == "/nonexistent/dir/m.yaml: error: no such file"  # engine.files' one wording


# -- through the CLI ----------------------------------------------------------------------------------------------

def no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert "internal error" not in err


def test_cli_bad_mock_file_exit_2_with_line_col(cli, tmp_path):
    bad = tmp_path / "bad.mocks.yaml"
    bad.write_text("functions:\n  myFunction1:\n    - bdy: {}\n")
    code, out, err = cli("run", FLOW, "--mocks", str(bad), "--json")
    assert code == 2
    assert err == (f"{bad}:3:7: error: functions.myFunction1: an answer needs 'body' or 'error' ('bdy' on line 3 is "
                   "not it: it is spelt 'body') (hint: rename 'bdy' to 'body')\n")
    data = json.loads(out)  # --json: one JSON object on stdout whatever went wrong
    assert (data["status"], data["reason"], data["events"]) == ("Invalid", "mocks", [])
    assert data["diagnostics"][0] == {"file": str(bad), "line": 3, "col": 7, "severity": "error", "code": "mock",
                                      "message": "functions.myFunction1: an answer needs 'body' or 'error' ('bdy' on "
                                                 "line 3 is not it: it is spelt 'body')",
                                      "hint": "rename 'bdy' to 'body'"}
    no_traceback(err)


def test_cli_unreadable_mock_file_exit_2(cli, tmp_path):
    code, out, err = cli("run", FLOW, "--mocks", str(tmp_path / "missing.yaml"))
    assert (code, err) == (2, f"flowdbg: error: --mocks {tmp_path / 'missing.yaml'}: no such file\n")
    no_traceback(err)


@pytest.mark.parametrize("raw,fragment", [
    ("{bad", "--input:1:2: execution input is not valid JSON"),
    ("", "execution input is not valid JSON"),
    ("[1, 2]", "execution input must be a JSON object, got array"),
    ('"text"', "execution input must be a JSON object, got string"),
    ("42", "execution input must be a JSON object, got number"),
    ("null", "execution input must be a JSON object, got null"),
])
def test_cli_bad_execution_input_exit_2_one_line(cli, raw, fragment):
    code, out, err = cli("run", FLOW, "--mocks", MOCKS, "--input", raw, "--json")
    assert code == 2
    data = json.loads(out)
    assert (data["status"], data["reason"]) == ("Invalid", "input")
    assert [d["code"] for d in data["diagnostics"]] == ["input"] and fragment in data["diagnostics"][0]["message"]
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("flowdbg: error: ")
    assert fragment in lines[0]
    no_traceback(err)


def test_cli_bad_input_file_points_at_line_and_column(cli, tmp_path):
    p = tmp_path / "in.json"
    p.write_text('{\n  "a": 1,\n  "b": \n}\n')
    code, out, err = cli("run", FLOW, "--mocks", MOCKS, "--input-file", str(p))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"flowdbg: error: {p}:4:1: execution input is not valid JSON")
    no_traceback(err)


def test_cli_missing_input_file_exit_2(cli, tmp_path):
    code, out, err = cli("run", FLOW, "--mocks", MOCKS, "--input-file", str(tmp_path / "nope.json"))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line == f"flowdbg: error: --input-file {tmp_path / 'nope.json'}: no such file"
    no_traceback(err)


def test_cli_input_and_input_file_together_exit_2(cli, tmp_path):
    p = tmp_path / "in.json"
    p.write_text("{}")
    code, out, err = cli("run", FLOW, "--mocks", MOCKS, "--input", "{}", "--input-file", str(p))
    assert code == 2
    assert "not both" in err
    no_traceback(err)


def test_cli_missing_flow_file_exit_2(cli, tmp_path):
    nope = tmp_path / "nope.yaml"
    code, out, err = cli("run", str(nope), "--json")
    assert (code, err) == (2, f"flowdbg: error: {nope}: no such file\n")
    assert json.loads(out)["diagnostics"][0]["message"] == f"{nope}: no such file"
    no_traceback(err)
    code, out, err = cli("validate", str(nope))
    assert (code, out, err) == (2, "", f"flowdbg: error: {nope}: no such file\n")


def test_cli_non_object_input_file(cli, tmp_path):
    p = tmp_path / "in.json"
    p.write_text("[]")
    code, out, err = cli("run", os.path.join(ENGINE_FIXTURES, "choice-fail.yaml"), "--input-file", str(p))
    assert code == 2
    assert f"{p}: execution input must be a JSON object, got array" in err
