"""A mock file checked against its flow (engine/mock_check.py, issue 15):
each slip is a warning at the mock file's line:col, with a did-you-mean."""
from __future__ import annotations

import json
import os

from helpers.engine import ENGINE_FIXTURES, SAMPLE_FLOWS, definition, mocks
from flowdbg.engine.definition import load_definition
from flowdbg.engine.mock_check import check_mocks
from flowdbg.engine.mocks import load_mocks

FLOW = os.path.join(ENGINE_FIXTURES, "mock-slips.yaml")
MOCKS = os.path.join(ENGINE_FIXTURES, "mock-slips.mocks.yaml")

EXPECTED = [
    (4, 14, "mock-error-name",
     "functions.checkStock: error 'ResourceThrottled' is not 'FC.ResourceThrottled', so the Retry of state "
     "'checkStock' (line 13) that lists 'FC.ResourceThrottled' never matches it",
     "did you mean 'FC.ResourceThrottled'?"),
    (6, 3, "mock-unknown-function",
     "functions: 'checkstok' is not a function the flow calls, so its answers are never used",
     "did you mean 'checkStock'?"),
    (9, 13, "mock-body-ignored",
     "functions.notify: 'body' is never used: state 'Notify' invokes it with invocationType Async in RequestComplete "
     "mode, which ends once FC accepts the call (its result is {\"Body\": \"\"})",
     "write body: \"\" (FC accepted the call), or use invocationType: Sync to get the function's answer"),
    (13, 3, "mock-unknown-state", "states: 'Notfy' names no state of the flow, so its answers are never used",
     "did you mean 'Notify'?"),
    (15, 3, "mock-not-task", "states: 'Each' is a Pass state, which calls nothing: its answers are never used",
     "only Task states are mocked"),
    (17, 3, "mock-unknown-state", "states: 'N/Each' names no state: state 'Each' is in scope 'M', not in scope 'N'",
     "scope segments are Map or Parallel state names (M, P.Branch0), outermost first; '/Name' is the top level"),
    (20, 3, "mock-not-callback",
     "callbacks: 'Notify' is a RequestComplete task, which takes no callback: its answers are never used",
     "callbacks answer WaitForCustomCallback tasks; answer this one under functions: or states:"),
    (24, 14, "mock-late-callback",
     "callbacks.Approve: 'after: 30' is past the task's Timeout of 10 s: the callback is refused and the task fails "
     "with FnF.TaskTimeout", "make 'after' at most 10, or raise the task's Timeout"),
    (25, 21, "mock-when-scope",
     "callbacks.Approve: when.scope 'N[1]' names no Map iteration or Parallel branch of the flow, so this entry "
     "never answers", "a scope is a Map or Parallel state's name, e.g. M[1] or P.Branch0"),
    (26, 21, "mock-error-name",
     "callbacks.Approve: error 'fnf.timeout' is not 'FnF.Timeout': error names are matched exactly, case included",
     "did you mean 'FnF.Timeout'?"),
]


def test_each_slip_in_the_mock_file_is_a_warning_at_its_place():
    got = check_mocks(load_definition(FLOW).flow, load_mocks(MOCKS))
    assert [(d.line, d.col, d.code, d.message, d.hint) for d in got] == EXPECTED
    assert {d.severity for d in got} == {"warning"}


def test_the_sample_mock_files_are_clean():
    for name in sorted(os.listdir(SAMPLE_FLOWS)):
        if name.endswith(".mocks.yaml"):
            flow = os.path.join(SAMPLE_FLOWS, name.replace(".mocks.yaml", ".yaml"))
            assert check_mocks(load_definition(flow).flow, load_mocks(os.path.join(SAMPLE_FLOWS, name))) == [], name


def test_an_empty_body_for_an_async_call_is_fine():
    flow = definition(open(FLOW, encoding="utf-8").read()).flow
    assert [d.code for d in check_mocks(flow, mocks("functions:\n  notify:\n    - body: ''\n"))] == []


def test_function_keys_are_not_judged_when_an_arn_comes_from_an_expression():
    flow = definition("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: T
        States:
          - Name: T
            Type: Task
            Action: FC:InvokeFunction
            Parameters:
              resourceArn.$: $Input.arn
              invocationType: Sync
            End: true
        """).flow
    assert check_mocks(flow, mocks("functions:\n  anything:\n    - body: {}\n")) == []


def test_scoped_keys_that_exist_pass():
    flow = definition(open(FLOW, encoding="utf-8").read()).flow
    assert check_mocks(flow, mocks("callbacks:\n  /Approve:\n    - succeed: {}\n")) == []
    assert [d.code for d in check_mocks(flow, mocks("states:\n  M/Each:\n    - result: {}\n"))] == ["mock-not-task"]


def test_validate_checks_the_sibling_mock_file_and_strict_makes_it_fail(cli):
    code, out, _ = cli("validate", FLOW)
    assert code == 0
    assert out.splitlines()[1] == (f"{MOCKS}:4:14: warning: functions.checkStock: error 'ResourceThrottled' is not "
                                   "'FC.ResourceThrottled', so the Retry of state 'checkStock' (line 13) that lists "
                                   "'FC.ResourceThrottled' never matches it (hint: did you mean "
                                   "'FC.ResourceThrottled'?)")
    assert out.splitlines()[-2:] == [f"{MOCKS} (mock file): 0 error(s), 10 warning(s)",
                                     "2 files checked: all valid, 10 warning(s)"]
    code, out, _ = cli("validate", FLOW, "--strict", "--json")
    data = json.loads(out)
    assert code == 2 and data["status"] == "Invalid"
    assert data["files"][1] == {"path": MOCKS, "kind": "mocks", "valid": False, "errors": 10, "warnings": 0}
    assert {d["file"] for d in data["diagnostics"]} == {MOCKS}


def test_run_reports_the_mock_warnings_and_strict_refuses_to_run(cli):
    code, out, err = cli("run", FLOW, "--input", '{"items": []}', "--json")
    data = json.loads(out)
    assert [(d["file"], d["line"], d["code"]) for d in data["diagnostics"]][:2] == [
        (MOCKS, 4, "mock-error-name"), (MOCKS, 6, "mock-unknown-function")]
    code, out, err = cli("run", FLOW, "--input", '{"items": []}', "--json", "--strict")
    data = json.loads(out)
    assert (code, data["status"], data["reason"], data["events"]) == (2, "Invalid", "mocks", [])
    assert f"{MOCKS}:4:14: error: functions.checkStock" in err


PARENT = """Type: StateMachine
Name: parent
SpecVersion: v1
StartAt: Run
States:
  - Name: Run
    Type: Task
    Action: FNF:StartExecution
    TaskMode: RequestComplete
    Parameters:
      resourceArn: acs:fnf:cn-hangzhou::flow/child-flow
    End: true
"""
CHILD = """Type: StateMachine
Name: child-flow
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: MNS:SendMessage
    Parameters:
      resourceArn: acs:mns:cn-hangzhou:1:/queues/q/messages
      message: hi
    End: true
"""


def _flows_check(tmp_path, mocks_text: str, **files: str):
    (tmp_path / "p.yaml").write_text(PARENT)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "p.mocks.yaml").write_text(mocks_text)
    got = check_mocks(load_definition(str(tmp_path / "p.yaml")).flow, load_mocks(str(tmp_path / "p.mocks.yaml")))
    return [(d.line, d.col, d.severity, d.code, d.message, d.hint) for d in got]


def test_a_flows_entry_whose_file_is_missing_is_an_error_at_its_path(tmp_path):
    assert _flows_check(tmp_path, "flows:\n  child-flow: missing.yaml\n") == [
        (2, 15, "error", "mock-flow-missing", "flows.child-flow: the child flow file 'missing.yaml' does not exist",
         "paths under flows: are relative to the mock file")]


def test_a_flows_entry_that_is_no_valid_flow_is_an_error_with_its_first_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = _flows_check(tmp_path, "flows:\n  child-flow: bad.yaml\n",
                       **{"bad.yaml": "Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates: []\n"})
    assert got == [(2, 15, "error", "mock-flow-invalid",
                    "flows.child-flow: the child flow 'bad.yaml' has errors: 4:9: 'States' is empty",
                    "flowdbg validate bad.yaml lists them")]


def test_a_flows_key_no_task_starts_is_a_warning_with_a_did_you_mean(tmp_path):
    got = _flows_check(tmp_path, "flows:\n  child-flow: c.yaml\n  child-flwo: c.yaml\n", **{"c.yaml": CHILD})
    assert got == [(3, 3, "warning", "mock-unknown-flow",
                    "flows: 'child-flwo' is not a flow this flow starts (FNF:StartExecution), so it never runs",
                    "did you mean 'child-flow'?")]


def test_a_child_flows_states_are_answered_by_the_same_mock_file(tmp_path):
    """No false 'names no state': the child execution shares its parent's mock file."""
    assert _flows_check(tmp_path, "flows:\n  child-flow: c.yaml\nstates:\n  Ask:\n    - result: {}\n",
                        **{"c.yaml": CHILD}) == []
    assert _flows_check(tmp_path, "flows:\n  child-flow: c.yaml\nstates:\n  Asc:\n    - result: {}\n",
                        **{"c.yaml": CHILD})[0][3:5] == (
        "mock-unknown-state", "states: 'Asc' names no state of the flow, so its answers are never used")


def test_validate_and_run_report_a_missing_child_flow_before_running(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _flows_check(tmp_path, "flows:\n  child-flow: missing.yaml\n")
    line = ("p.mocks.yaml:2:15: error: flows.child-flow: the child flow file 'missing.yaml' does not exist "
            "(hint: paths under flows: are relative to the mock file)")
    code, out, _ = cli("validate", "p.yaml")
    assert code == 2 and line in out.splitlines()
    code, out, err = cli("run", "p.yaml")
    assert (code, out, err) == (2, "", line + "\n")
