"""The headless contract scripts rely on (issue 15): ``run --json`` and
``validate --json`` print one JSON object with the same keys whatever went
wrong; the flags around it (--version, --input-file -, the sibling input,
--start-time, --history, --express, --callback-timeout, SIGTERM)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from helpers import FIXTURES, SAMPLE_FLOWS

CHILD = os.path.join(SAMPLE_FLOWS, "child-flow.yaml")
ORDER = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")
RUN_KEYS = ["status", "exit_code", "reason", "message", "flow", "mocks", "input", "express", "start_time", "output",
            "error", "states", "events", "event_count", "pending", "calls", "time", "history", "diagnostics"]
DIAG_KEYS = ["file", "line", "col", "severity", "code", "message", "hint"]
EXE = [sys.executable, "-m", "flowdbg.tui.cli"]

CALLBACK_FLOW = """\
Type: StateMachine
Name: cb
SpecVersion: v1
StartAt: Approve
States:
  - Name: Approve
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: WaitForCustomCallback
{timeout}    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123:functions/approve/LATEST
      invocationType: Async
      body:
        token.$: $Context.Current.TaskToken
    Catch:
      - Errors: [FnF.TaskTimeout]
        Next: TimedOut
        OutputConstructor:
          code.$: $Context.Current.Error.Code
    End: true
  - Name: TimedOut
    Type: Pass
    End: true
"""


def run_json(cli, *argv):
    code, out, err = cli("run", *argv, "--json")
    data = json.loads(out)  # exactly one JSON object
    assert list(data) == RUN_KEYS, data
    assert all(list(d) == DIAG_KEYS for d in data["diagnostics"])
    assert data["exit_code"] == code
    return code, data, err


def callback_flow(tmp_path, timeout: str = "") -> str:
    (tmp_path / "cb.yaml").write_text(CALLBACK_FLOW.format(timeout=timeout))
    (tmp_path / "cb.mocks.yaml").write_text("functions:\n  approve:\n    - body: ''\n")
    return str(tmp_path / "cb.yaml")


# -- the same object whatever happened --------------------------------------------------------------------------------

def test_succeeded_and_the_sibling_input_is_said(cli):
    code, data, _ = run_json(cli, ORDER)
    assert (code, data["status"], data["reason"], data["message"]) == (0, "Succeeded", None, None)
    assert data["input"] == os.path.join(SAMPLE_FLOWS, "order-pipeline.input.json")
    assert data["mocks"] == os.path.join(SAMPLE_FLOWS, "order-pipeline.mocks.yaml")
    code, out, _ = cli("run", ORDER)
    assert out.splitlines()[1] == (f"input: {os.path.join(SAMPLE_FLOWS, 'order-pipeline.input.json')} (beside the "
                                   "flow; --input or --input-file to use another)")


def test_failed(cli):
    code, data, _ = run_json(cli, os.path.join(FIXTURES, "engine", "choice-fail.yaml"))
    assert (code, data["status"], data["reason"]) == (1, "Failed", None) and data["error"]["code"]


def test_running_waiting_for_a_callback(cli, tmp_path):
    code, data, _ = run_json(cli, callback_flow(tmp_path))
    assert (code, data["status"], data["reason"]) == (3, "Running", "waiting")
    assert data["message"] == "waiting for a callback: task 'Approve' (top level)"
    assert [p["state"] for p in data["pending"]] == ["Approve"]


def test_invalid_definition_mock_file_input_and_usage_share_the_shape(cli, tmp_path):
    bad_flow = tmp_path / "bad.yaml"
    bad_flow.write_text("Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates: []\n")
    bad_mocks = tmp_path / "m.yaml"
    bad_mocks.write_text("functions: [1]\n")
    cases = [
        ((str(bad_flow),), "definition", (str(bad_flow), 4, 9, "empty-scope")),
        ((CHILD, "--mocks", str(bad_mocks)), "mocks", (str(bad_mocks), 1, 12, "mock")),
        ((CHILD, "--input", "{bad"), "input", ("--input", 1, 2, "input")),
        ((CHILD, "--input-file", str(tmp_path / "none.json")), "input", (str(tmp_path / "none.json"), 0, 0, "input")),
        ((CHILD, "--local", "nonsense"), "usage", (None, 0, 0, "usage")),
    ]
    for argv, reason, first in cases:
        code, data, _ = run_json(cli, *argv)
        assert (code, data["status"], data["reason"], data["events"]) == (2, "Invalid", reason, []), argv
        d = data["diagnostics"][0]
        assert (d["file"], d["line"], d["col"], d["code"]) == first, argv


def test_a_bad_flag_prints_the_subcommands_usage_and_still_one_object(cli):
    code, out, err = cli("run", CHILD, "--json", "--bogus")
    data = json.loads(out)
    assert (code, data["status"], data["reason"]) == (2, "Invalid", "usage") and list(data) == RUN_KEYS
    assert data["message"] == "flowdbg run: unrecognized arguments: --bogus"
    assert err.startswith("usage: flowdbg run ") and err.splitlines()[-1] == \
        "flowdbg run: error: unrecognized arguments: --bogus"
    code, out, err = cli("validate", CHILD, "--json", "--bogus")
    assert code == 2 and json.loads(out)["status"] == "Invalid" and err.startswith("usage: flowdbg validate ")


def test_a_missing_mock_is_an_error_with_the_events_so_far_and_their_history(cli, tmp_path):
    flow = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  validate-order:\n    - body: {valid: true, total: 10}\n")
    history = tmp_path / "out" / "h.json"
    code, data, err = run_json(cli, flow, "--mocks", str(mocks), "--history", str(history))
    assert (code, data["status"], data["reason"]) == (2, "Error", "backend")
    assert data["message"].startswith("state 'PackOne' calls function 'pack-item'")
    # the five states that ran, and their events, are in the object and the history
    assert data["states"] == ["ValidateOrder", "NeedsApproval", "Fulfil", "PackItems", "PackOne"]
    assert len(data["events"]) == 14
    assert data["history"] == str(history)
    assert len(json.loads(history.read_text())["Events"]) == len(data["events"])
    assert data["diagnostics"][-1]["code"] == "backend"


def test_validate_has_one_shape_for_one_file_or_many(cli, tmp_path):
    one = json.loads(cli("validate", CHILD, "--json")[1])
    two = json.loads(cli("validate", CHILD, ORDER, "--json")[1])
    assert list(one) == list(two) == ["status", "exit_code", "valid", "files", "diagnostics"]
    assert [f["path"] for f in two["files"]] == [CHILD, ORDER, os.path.join(SAMPLE_FLOWS, "order-pipeline.mocks.yaml")]


# -- the flags -------------------------------------------------------------------------------------------------------

def test_version(cli):
    code, out, _ = cli("--version")
    from importlib.metadata import version
    assert code == 0 and out == f"flowdbg {version('flowdbg')}\n"


def test_input_file_dash_reads_stdin():
    p = subprocess.run(EXE + ["run", CHILD, "--input-file", "-", "--json"], input='{"name": "pipe"}',
                       capture_output=True, text=True, timeout=60)
    data = json.loads(p.stdout)
    assert (p.returncode, data["output"], data["input"]) == (0, {"greeting": "hello, pipe"}, "<stdin>")


def test_start_time_makes_two_histories_identical(cli, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path in (a, b):
        run_json(cli, ORDER, "--history", str(path), "--start-time", "2024-05-01T08:00:00+08:00")
    assert a.read_text() == b.read_text()
    events = json.loads(a.read_text())["Events"]
    assert events[0]["Time"] == "2024-05-01T00:00:00.000Z" and events[-1]["Time"] == "2024-05-01T00:03:02.000Z"
    code, out, _ = cli("run", ORDER, "--start-time", "yesterday")
    assert code == 2


def test_express_applies_express_limits_and_modes(cli, tmp_path):
    code, data, err = run_json(cli, ORDER, "--express")
    assert (code, data["status"], data["reason"], data["express"]) == (2, "Invalid", "definition", True)
    assert [(d["line"], d["code"]) for d in data["diagnostics"]] == [(44, "mode-not-supported"), (116, "out-of-range")]
    assert data["diagnostics"][1]["message"] == ("state 'CoolDown': 'Seconds' is 60; it must be between 1 and 20 (the "
                                                 "Express workflow limit, --express; a Standard one waits up to 300 s)")
    code, data, _ = run_json(cli, CHILD, "--express", "--input", '{"name": "x"}')
    assert (code, data["status"], data["express"]) == (0, "Succeeded", True)


def test_local_handler_output_and_traceback_are_the_log_tail(cli, tmp_path):
    (tmp_path / "h.py").write_text("import sys\ndef handler(event, context):\n    print('handling', event)\n"
                                   "    print('warn', file=sys.stderr)\n    raise ValueError('bad event')\n")
    history = tmp_path / "h.json"
    code, data, _ = run_json(cli, os.path.join(SAMPLE_FLOWS, "seed-task-skeleton.yaml"), "--local",
                             f"myFunction1={tmp_path / 'h.py'}:handler", "--history", str(history))
    failed = next(e for e in data["events"] if e["type"] == "TaskFailed")
    lines = failed["detail"]["log"].splitlines()
    assert lines[1:3] == ["handling b'{\"greeting\":\"hello\"}'", "warn"]
    assert lines[3:7] == ["Traceback (most recent call last):", f'  File "{tmp_path / "h.py"}", line 5, in handler',
                          "    raise ValueError('bad event')", "ValueError: bad event"]
    assert data["calls"][0]["source"] == "local" and data["calls"][0]["log"] == failed["detail"]["log"]
    detail = next(e for e in json.loads(history.read_text())["Events"] if e["Type"] == "TaskFailed")["EventDetail"]
    assert json.loads(detail)["log"] == failed["detail"]["log"]


# -- real time: --callback-timeout and SIGTERM -------------------------------------------------------------------------

def test_callback_timeout_ends_an_unanswered_run(tmp_path):
    flow = callback_flow(tmp_path)
    t0 = time.monotonic()
    p = subprocess.run(EXE + ["run", flow, "--callback-port", "0", "--callback-timeout", "0.5", "--json"],
                       capture_output=True, text=True, timeout=60)
    data = json.loads(p.stdout)
    assert (p.returncode, data["status"], data["reason"]) == (3, "Running", "callback-timeout")
    assert data["message"] == "no callback within 0.5 s (--callback-timeout)" and time.monotonic() - t0 < 30


def test_the_tasks_timeout_is_waited_in_real_time_then_passes(tmp_path):
    flow = callback_flow(tmp_path, "    Timeout: 1\n")
    t0 = time.monotonic()
    p = subprocess.run(EXE + ["run", flow, "--callback-port", "0", "--json"], capture_output=True, text=True,
                       timeout=60)
    assert time.monotonic() - t0 >= 1
    data = json.loads(p.stdout)
    assert (p.returncode, data["output"]) == (0, {"code": "FnF.TaskTimeout"})
    assert "no callback within 1 s; virtual time passes to 1 s" in p.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_prints_the_summary_and_exits_143(tmp_path):
    flow = callback_flow(tmp_path)
    history = tmp_path / "h" / "h.json"
    proc = subprocess.Popen(EXE + ["run", flow, "--callback-port", "0", "--json", "--history", str(history)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if "waiting for a callback" in proc.stderr.readline():
                break
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    data = json.loads(out)
    assert (proc.returncode, data["status"], data["reason"]) == (143, "Running", "interrupted")
    assert data["message"] == "interrupted by SIGTERM; the execution is still running"
    assert data["exit_code"] == 143 and data["pending"] and len(json.loads(history.read_text())["Events"]) == 4


def test_the_sample_runs_from_a_copy_without_its_input(tmp_path, cli):
    # no sibling input: the input is {} and says so
    shutil.copy(CHILD, tmp_path / "c.yaml")
    code, data, _ = run_json(cli, str(tmp_path / "c.yaml"))
    assert data["input"] == "default"


def test_the_event_limit_and_max_events(cli, tmp_path):
    flow = tmp_path / "m.yaml"
    flow.write_text("Type: StateMachine\nSpecVersion: v1\nStartAt: M\nStates:\n  - Name: M\n    Type: Map\n"
                    "    ItemsPath: $Input.items\n    Processor:\n      StartAt: P\n      States:\n"
                    "        - Name: P\n          Type: Pass\n          End: true\n    End: true\n")
    items = json.dumps({"items": list(range(1500))})
    code, data, _ = run_json(cli, str(flow), "--input", items)
    assert (code, data["status"], data["error"]["code"], len(data["events"])) == (1, "Failed",
                                                                                  "FnF.EventLimitExceeded", 5000)
    code, data, _ = run_json(cli, str(flow), "--input", items, "--max-events", "0")
    assert (code, len(data["events"])) == (0, 6004)
    code, data, _ = run_json(cli, str(flow), "--input", items, "--express")
    assert (code, data["express"]) == (0, True)


def test_the_streamed_object_parses_to_the_whole_object():
    import io
    from flowdbg.engine.runner import summarize
    from flowdbg.tui import json_contract as J
    from helpers.session import order_session
    s = order_session()
    s.run_to_end()
    full = J.run_object(status="Succeeded", summary=summarize(s.execution), message='has "events": [], in it')
    buf = io.StringIO()
    J.write_run_object({**full, "events": []}, s.execution.events, buf)
    assert json.loads(buf.getvalue()) == full and len(full["events"]) == full["event_count"] == 54
    buf = io.StringIO()
    J.write_run_object(J.run_object(status="Invalid"), (), buf)
    assert json.loads(buf.getvalue())["events"] == []
