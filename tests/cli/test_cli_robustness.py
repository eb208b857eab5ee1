"""Bad input and usage on the command line: one clear line, exit 2, never a
traceback; and runs that are deterministic from the seed."""
from __future__ import annotations

import json
import os

import pytest

from flowdbg.tui.cli import main

SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "sample_flows")
CHILD = os.path.join(SAMPLES, "child-flow.yaml")
CALLBACK = os.path.join(SAMPLES, "seed-custom-callback.yaml")


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


@pytest.mark.parametrize("option", ["--session", "--history"])
def test_output_paths_never_overwrite_the_flow(tmp_path, capsys, option):
    flow = tmp_path / "f.yaml"
    flow.write_text(open(CHILD).read())
    before = flow.read_text()
    rc, _, err = run(capsys, "run", str(flow), "--input", '{"name": "x"}', option, str(flow))
    assert rc == 2 and "that is the flow" in err
    assert flow.read_text() == before


def test_session_refuses_to_overwrite_a_file_that_is_not_a_journal(tmp_path, capsys):
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n")
    rc, _, err = run(capsys, "run", CHILD, "--input", '{"name": "x"}', "--session", str(other))
    assert rc == 2 and "is not a flowdbg session journal" in err
    assert other.read_text() == "my notes\n"


def test_history_into_a_directory_is_exit_2_and_a_missing_folder_is_created(tmp_path, capsys):
    rc, _, err = run(capsys, "run", CHILD, "--input", '{"name": "x"}', "--history", str(tmp_path))
    assert rc == 2 and "is a directory" in err
    # like --session, --history creates the folders it needs
    rc, _, err = run(capsys, "run", CHILD, "--input", '{"name": "x"}', "--history", str(tmp_path / "no" / "h.json"))
    assert rc == 0 and json.loads((tmp_path / "no" / "h.json").read_text())["Events"][0]["Type"] == "ExecutionStarted"
    (tmp_path / "plain").write_text("")
    rc, out, err = run(capsys, "run", CHILD, "--input", '{"name": "x"}', "--json",
                       "--history", str(tmp_path / "plain" / "h.json"))
    assert rc == 2 and f"cannot create the folder {tmp_path / 'plain'}: File exists" in err
    data = json.loads(out)
    assert (data["status"], data["reason"], data["history"]) == ("Error", "history", None)
    assert data["output"] == {"greeting": "hello, x"}  # the run itself is reported


@pytest.mark.parametrize("text,fragment", [
    (b"\xff\xfe garbage", "1:1: error: the file is not UTF-8 text"),
    (b"functions:\n  f: []\n", "2:6: error: functions.f: the list of answers is empty"),
    (b"functions:\n  f:\n    - body: {}\n      error: FC.X\n", "3:7: error: functions.f: an answer has either 'error' or 'body', not both"),
    (b"functions:\n  f:\n    - body: {n: .nan}\n", "m.yaml:3:17: error: .nan is not a JSON number (JSON has no infinity or NaN)"),
])
def test_broken_mock_files(tmp_path, capsys, text, fragment):
    m = tmp_path / "m.yaml"
    m.write_bytes(text)
    rc, _, err = run(capsys, "run", CHILD, "--input", '{"name": "x"}', "--mocks", str(m))
    assert rc == 2 and fragment in err


@pytest.mark.parametrize("text,fragment", [
    ('{"a": NaN}', "NaN is not valid JSON"),
    ('{"a": Infinity}', "Infinity is not valid JSON"),
    ("[1]", "must be a JSON object, got array"),
    ("[" * 5000 + "]" * 5000, "execution input is not valid JSON: the value nests deeper than 100 levels"),
])
def test_bad_execution_input(capsys, text, fragment):
    rc, _, err = run(capsys, "run", CHILD, "--input", text)
    assert rc == 2 and fragment in err


def test_input_file_with_a_bom(tmp_path, capsys):
    p = tmp_path / "in.json"
    p.write_bytes(b'\xef\xbb\xbf{"name": "bom"}')
    rc, out, _ = run(capsys, "run", CHILD, "--input-file", str(p), "--json")
    assert rc == 0 and json.loads(out)["output"] == {"greeting": "hello, bom"}


@pytest.mark.parametrize("argv,fragment", [
    (["run", CHILD, "--callback-port", "99999"], "99999 is not a port number"),
    (["run", CHILD, "--max-steps", "0"], "must be at least 1"),
    (["run", CHILD, "--max-steps", "-1"], "must be at least 1"),
])
def test_usage_errors(capsys, argv, fragment):
    rc, _, err = run(capsys, *argv)
    assert rc == 2 and fragment in err


def test_json_output_on_an_invalid_definition(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates:\n  - Name: A\n    Type: Pas\n    End: true\n")
    rc, out, err = run(capsys, "run", str(bad), "--json")
    assert rc == 2
    data = json.loads(out)
    assert (data["status"], data["reason"]) == ("Invalid", "definition")
    assert [(d["file"], d["line"], d["col"], d["code"]) for d in data["diagnostics"]] == \
        [(str(bad), 6, 11, "unknown-state-type")]
    assert f"{bad}:6:11: error:" in err


def test_validate_several_files(capsys):
    bad = os.path.join(os.path.dirname(__file__), "..", "fixtures", "seed", "seed2-sync-async.as-published.yaml")
    rc, out, _ = run(capsys, "validate", CHILD, bad)
    assert rc == 2
    assert f"{CHILD}: valid" in out and f"{bad}:7:3: error:" in out


def test_debugger_refuses_a_missing_file_and_no_terminal(tmp_path, capsys):
    rc, _, err = run(capsys, str(tmp_path / "nope.yaml"))
    assert rc == 2 and "no such file" in err
    rc, _, err = run(capsys, CHILD)  # pytest's stdin/stdout are not a terminal
    assert rc == 2 and "needs a terminal" in err


def test_runs_are_deterministic_from_the_seed(tmp_path, capsys):
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  myFunction1:\n    - body: ok\n")
    tokens = []
    for _ in range(2):
        rc, out, _ = run(capsys, "run", CALLBACK, "--mocks", str(mocks), "--json", "--seed", "7")
        assert rc == 3
        tokens.append(json.loads(out)["pending"][0]["token"])
    assert tokens[0] == tokens[1]
    rc, out, _ = run(capsys, "run", CALLBACK, "--mocks", str(mocks), "--json", "--seed", "8")
    assert json.loads(out)["pending"][0]["token"] != tokens[0]


def test_local_handler_time_does_not_move_the_virtual_clock(tmp_path, capsys):
    (tmp_path / "h.py").write_text("import time\ndef handler(event, context):\n    time.sleep(0.05)\n    return 'ok'\n")
    rc, out, _ = run(capsys, "run", os.path.join(SAMPLES, "seed-task-skeleton.yaml"),
                     "--local", f"myFunction1={tmp_path / 'h.py'}:handler", "--json")
    assert rc == 0 and json.loads(out)["time"] == 0


def test_a_child_flow_that_starts_itself_stops_at_a_depth_limit(tmp_path, capsys):
    (tmp_path / "loop.yaml").write_text("""Type: StateMachine
Name: child-flow
SpecVersion: v1
StartAt: Again
States:
  - Name: Again
    Type: Task
    Action: FNF:StartExecution
    TaskMode: WaitForSystemCallback
    Parameters:
      resourceArn: acs:fnf:cn-hangzhou::flow/child-flow
    End: true
""")
    (tmp_path / "loop.mocks.yaml").write_text("flows:\n  child-flow: loop.yaml\n")
    rc, out, _ = run(capsys, "run", str(tmp_path / "loop.yaml"), "--json")
    data = json.loads(out)
    assert rc == 1 and data["error"]["code"] == "FnF.RuntimeError"
    assert "child executions nest 10 deep" in data["error"]["detail"]


def test_yaml_alias_bomb_and_deep_nesting_are_diagnostics(tmp_path, capsys):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join(["*" + chr(96 + i)] * 9) + "]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    rc, out, _ = run(capsys, "validate", str(bomb))
    assert rc == 2 and "more than 200,000 YAML nodes" in out
    deep = tmp_path / "deep.yaml"
    deep.write_text("a:\n" + "".join("  " * i + "- \n" for i in range(1, 150)))
    rc, out, _ = run(capsys, "validate", str(deep))
    assert rc == 2 and "deeper than 100 levels" in out


def test_callback_output_must_be_an_object(tmp_path):
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.mocks import parse_mocks
    from flowdbg.engine.session import Session
    s = Session(load_definition(CALLBACK), {}, mocks=parse_mocks("functions:\n  myFunction1:\n    - body: ok\n"),
                start_time="2026-01-01T00:00:00Z")
    assert s.cont().reason == "waiting"
    token = s.execution.pending_tasks()[0].token
    res = s.report(token, succeeded=True, output=[1, 2])
    assert not res.accepted and "must be a JSON object" in res.reason and "got array" in res.reason
    assert s.execution.pending_tasks()[0].status == "waiting"


def test_mock_file_local_paths_stay_relative_to_the_mock_file_beside_a_local_option(tmp_path, capsys):
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "index.py").write_text("def handler(event, context):\n    return {'from': 'mock file'}\n")
    (tmp_path / "other.py").write_text("def handler(event, context):\n    return 'other'\n")
    (tmp_path / "m.yaml").write_text("local:\n  myFunction1: h/index.py:handler\n")
    rc, out, _ = run(capsys, "run", os.path.join(SAMPLES, "seed-task-skeleton.yaml"), "--mocks",
                     str(tmp_path / "m.yaml"), "--local", f"someOther={tmp_path / 'other.py'}:handler", "--json")
    assert rc == 0 and json.loads(out)["output"] == {"Body": {"from": "mock file"}}
