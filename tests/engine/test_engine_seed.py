"""The seed document's examples (shared/seed/cloudflow-fc-integration.txt).

As published (tests/fixtures/seed/, typos included) each gets the right
diagnostic at the right line with a hint; each corrected copy in
sample_flows/ runs with its mocks and input to the exact output. Also the
``flowdbg validate --json`` / ``flowdbg run --json`` exit codes.
"""
from __future__ import annotations

import json
import os

import pytest

from helpers.engine import (ENGINE_FIXTURES, SAMPLE_FLOWS, SEED_FIXTURES, execute_recording, find, read, read_json)
from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.runner import summarize
from flowdbg.engine.session import Session


def seed(name: str) -> str:
    return os.path.join(SEED_FIXTURES, name)


def sample(name: str) -> str:
    return os.path.join(SAMPLE_FLOWS, name)


def fixture(name: str) -> str:
    return os.path.join(ENGINE_FIXTURES, name)


def errors(d):
    return [x for x in d.diagnostics if x.severity == "error"]


def warnings(d):
    return [x for x in d.diagnostics if x.severity == "warning"]


# -- as published ----------------------------------------------------------------------------

def test_seed1_skeleton_placeholders_are_errors_at_their_lines():
    d = load_definition(seed("seed1-task-skeleton.as-published.yaml"))
    assert d.flow is None
    errs = errors(d)
    assert [(e.code, e.line, e.col) for e in errs] == [("bad-arn", 12, 20), ("bad-enum", 13, 23)]
    assert "'xxx' is not an FC function ARN" in errs[0].message
    assert errs[0].hint == "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST"
    assert "invocationType must be Sync or Async, got string 'xxx'" in errs[1].message


def test_seed2_dash_without_space():
    d = load_definition(seed("seed2-sync-async.as-published.yaml"))
    assert d.flow is None
    assert [(x.severity, x.code, x.line, x.col) for x in d.diagnostics] == [("error", "yaml-dash-space", 7, 3)]
    assert d.diagnostics[0].hint == "write '- Name:'"
    assert "'-Name:' is not a list item" in d.diagnostics[0].message


def test_seed3_tab_in_indentation():
    d = load_definition(seed("seed3-custom-callback.as-published.yaml"))
    assert d.flow is None
    assert [(x.severity, x.code, x.line, x.col) for x in d.diagnostics] == [("error", "yaml-tab", 24, 7)]
    assert d.diagnostics[0].hint == "replace the tab with spaces"


def test_seed3_with_the_tab_fixed_warns_about_each_doc_typo():
    text = read(seed("seed3-custom-callback.as-published.yaml")).replace("      \tpayloadEvent", "        payloadEvent")
    d = parse_definition(text)
    assert errors(d) == []
    assert d.flow is not None  # forgiving loader: it runs with the canonical spellings
    ws = warnings(d)
    assert [(w.code, w.line, w.col) for w in ws] == [
        ("action-alias", 10, 13), ("mode-alias", 18, 15), ("no-task-token", 18, 15), ("action-alias", 19, 13),
        ("literal-expression", 25, 24)]
    alias = find(ws, "action-alias")
    assert all("'FC:InvokeFunction'" in w.message and w.hint == "write 'Action: FC:InvokeFunction'" for w in alias)
    mode = find(ws, "mode-alias")[0]
    assert "'WaitForCustomCallback'" in mode.message and mode.hint == "write 'TaskMode: WaitForCustomCallback'"
    lit = find(ws, "literal-expression")[0]
    assert "'$Context.Current.TaskToken'" in lit.message and "not an expression" in lit.message
    assert lit.hint == "write 'callbackToken.$: $Context.Current.TaskToken' to evaluate it"
    assert "$Context.Current.TaskToken" in find(ws, "no-task-token")[0].message
    # the model holds the canonical names
    states = d.flow.scope.states
    assert [s.action for s in states.values()] == ["FC:InvokeFunction", "FC:InvokeFunction"]
    assert states["an example of asynchronous function invocation."].task_mode == "WaitForCustomCallback"


def test_seed4_is_valid_as_published():
    d = load_definition(seed("seed4-construct-parameters.as-published.yaml"))
    assert list(d.diagnostics) == []
    assert d.flow is not None


def test_seed5_next_with_missing_period_suggests_the_name():
    d = load_definition(seed("seed5-result-choice.as-published.yaml"))
    assert d.flow is None
    errs = errors(d)
    assert [(e.code, e.line, e.col) for e in errs] == [("missing-target", 23, 13)]
    assert "'Example 2 of function invocation'" in errs[0].message
    assert errs[0].hint == "did you mean 'Example 2 of function invocation.'?"
    # the state the typo should have named is then unreachable (a warning, not an error)
    assert [(w.code, w.line) for w in warnings(d)] == [("unreachable", 28)]


# -- corrected copies run ----------------------------------------------------------------------

SAMPLES = {
    "seed-task-skeleton": (
        ["an example of function invocation."],
        {"Body": {"message": "hello from myFunction1"}}, 0.0,
        {"myFunction1": [{"greeting": "hello"}]}),
    "seed-sync-async": (
        ["an example of synchronous function invocation.", "an example of asynchronous function invocation."],
        {"Body": ""}, 0.0,
        {"myFunction1": [{"testKey": "The content of the testKey parameter in the event of the function"}],
         "myFunction2": [{"key1": "value1", "key2": "value2"}]}),
    "seed-custom-callback": (
        ["an example of synchronous function invocation.", "an example of asynchronous function invocation."],
        {"approved": True, "by": "worker-1"}, 30.0,
        None),
    "seed-construct-parameters": (
        ["an example of function invocation."],
        {"Body": {"taskStatus": "done"}}, 0.0,
        {"myFunction1": [{"argument1": "my-bucket", "argument2": "task-42"}]}),
    "seed-result-choice": (
        ["Example 1 of function invocation.", "conditional statement", "Example 2 of function invocation."],
        {"Body": {"archived": True}}, 0.0,
        {"myFunction1": [{"argument1": [{"key": "a.txt"}], "argument2": "my-bucket"}],
         "myFunction2": [{"argument1": "my-bucket", "argument2": "t-1"}]}),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_corrected_sample_runs_to_exact_output(name):
    states, output, vtime, bodies = SAMPLES[name]
    d = load_definition(sample(f"{name}.yaml"))
    assert errors(d) == [], d.diagnostics
    s = Session(d, read_json(sample(f"{name}.input.json")), mocks=load_mocks(sample(f"{name}.mocks.yaml")),
                start_time="2024-01-01T00:00:00Z", name="x")
    stop = s.run_to_end()
    summary = summarize(s.execution)
    assert stop.reason == "finished"
    assert summary["status"] == "Succeeded"
    assert summary["states"] == states
    assert summary["output"] == output
    assert summary["time"] == vtime
    if bodies is not None:
        ex, door = execute_recording(read(sample(f"{name}.yaml")), read_json(sample(f"{name}.input.json")),
                                     read(sample(f"{name}.mocks.yaml")))
        assert {fn: door.bodies(fn) for fn in bodies} == bodies


def test_custom_callback_sample_passes_the_token_in_the_body():
    ex, door = execute_recording(read(sample("seed-custom-callback.yaml")), {}, read(sample("seed-custom-callback.mocks.yaml")))
    assert ex.status == "Succeeded"
    first, second = door.requests
    assert first.body == b"myEvent"  # a string body is sent as its bytes
    assert second.invocation_type == "Async"
    event = json.loads(second.body)
    rec = ex.records[1]
    assert event == {"payloadEvent": "myEvent", "callbackToken": rec.token}
    assert rec.token.startswith("v1#MyWorkflow#test-exec#")
    assert second.task_token == rec.token


def test_sample_flows_validate_without_warnings():
    for name in SAMPLES:
        d = load_definition(sample(f"{name}.yaml"))
        assert list(d.diagnostics) == [], (name, d.diagnostics)


# -- the CLI's exit codes ---------------------------------------------------------------------------

def test_validate_json_valid_exit_0(cli):
    flow = sample("seed-result-choice.yaml")
    code, out, err = cli("validate", flow, "--json")
    assert code == 0
    # one shape for one file or many; the sibling mock file is checked against the flow too
    assert json.loads(out) == {"status": "Valid", "exit_code": 0, "valid": True, "diagnostics": [], "files": [
        {"path": flow, "kind": "flow", "valid": True, "errors": 0, "warnings": 0},
        {"path": sample("seed-result-choice.mocks.yaml"), "kind": "mocks", "valid": True, "errors": 0,
         "warnings": 0}]}


def test_validate_json_invalid_exit_2_with_hint(cli):
    code, out, err = cli("validate", seed("seed2-sync-async.as-published.yaml"), "--json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False
    assert data["diagnostics"] == [{"file": seed("seed2-sync-async.as-published.yaml"), "severity": "error",
                                    "code": "yaml-dash-space", "line": 7, "col": 3,
                                    "message": "'-Name:' is not a list item; YAML needs a space after '-'",
                                    "hint": "write '- Name:'"}]


def test_validate_warnings_only_is_exit_0(cli, tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text(read(seed("seed3-custom-callback.as-published.yaml")).replace("      \tpayloadEvent", "        payloadEvent"))
    code, out, err = cli("validate", str(p), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True
    assert sorted(x["code"] for x in data["diagnostics"]) == [
        "action-alias", "action-alias", "literal-expression", "mode-alias", "no-task-token"]


def test_validate_text_form_is_path_line_col(cli):
    code, out, err = cli("validate", seed("seed3-custom-callback.as-published.yaml"))
    assert code == 2
    path = seed("seed3-custom-callback.as-published.yaml")
    assert out.splitlines()[0] == (f"{path}:24:7: error: a tab character in the indentation; YAML indents with "
                                   "spaces only (hint: replace the tab with spaces)")


def test_run_json_succeeded_exit_0(cli):
    code, out, err = cli("run", sample("seed-task-skeleton.yaml"), "--input", "{}", "--mocks",
                         sample("seed-task-skeleton.mocks.yaml"), "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["status"], data["output"], data["error"], data["pending"]) == (
        "Succeeded", {"Body": {"message": "hello from myFunction1"}}, None, [])


def test_run_uses_sibling_mocks_by_default(cli):
    code, out, err = cli("run", sample("seed-result-choice.yaml"), "--input-file",
                         sample("seed-result-choice.input.json"), "--json")
    assert code == 0
    assert json.loads(out)["output"] == {"Body": {"archived": True}}


def test_run_json_failed_exit_1(cli):
    code, out, err = cli("run", fixture("choice-fail.yaml"), "--input", '{"status": "false"}', "--json")
    assert code == 1
    data = json.loads(out)
    assert data["status"] == "Failed"
    assert data["error"] == {"code": "customBizCode", "detail": "status is not true"}
    assert data["states"] == ["Choice1", "Fail1"]


def test_run_invalid_definition_exit_2(cli):
    code, out, err = cli("run", seed("seed5-result-choice.as-published.yaml"), "--json")
    assert code == 2
    assert "did you mean 'Example 2 of function invocation.'?" in err
    assert "Traceback" not in err


def test_run_waiting_for_callback_exit_3_lists_pending_token(cli):
    code, out, err = cli("run", fixture("custom-callback.yaml"), "--json", "--input", "{}")
    assert code == 3
    data = json.loads(out)
    assert data["status"] == "Running"
    assert data["output"] is None and data["error"] is None
    assert len(data["pending"]) == 1
    p = data["pending"][0]
    assert (p["state"], p["scope"], p["status"], p["since"], p["timeout_at"]) == ("AskApproval", "", "waiting", 0.0, None)
    sched = [e for e in data["events"] if e["type"] == "TaskScheduled"][0]
    assert sched["detail"]["parameters"]["body"] == {"token": p["token"]}
    assert p["token"].startswith("v1#approval#")


def test_run_waiting_text_form_says_how_to_answer(cli):
    code, out, err = cli("run", fixture("custom-callback.yaml"))
    assert code == 3
    assert "status: Running" in out
    assert "waiting: task 'AskApproval' (top level)" in out
    assert "flowdbg callback succeed" in out


def test_run_without_a_mock_exit_2_and_says_how_to_add_one(cli):
    code, out, err = cli("run", fixture("no-mock-task.yaml"), "--json")
    assert code == 2
    assert "'CallIt'" in err and "ghost" in err and "functions:" in err
