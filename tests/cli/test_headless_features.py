"""End-to-end checks of headless features: child flows, the callback
endpoint with `flowdbg callback`, resume after the mock file changed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

from flowdbg.tui.cli import main

HERE = os.path.dirname(__file__)
SAMPLES = os.path.join(HERE, "..", "..", "sample_flows")


def test_child_flow_runs_nested(capsys):
    rc = main(["run", os.path.join(SAMPLES, "parent-child.yaml"), "--input", '{"name": "x"}', "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["output"] == {"greeting": "hello, x"}
    assert out["states"] == ["RunChild"]


def test_resume_after_mock_gains_callback(tmp_path, capsys):
    flow = os.path.join(SAMPLES, "seed-custom-callback.yaml")
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  myFunction1:\n    - body: ok\n")
    session = tmp_path / "s.jsonl"
    assert main(["run", flow, "--mocks", str(mocks), "--session", str(session)]) == 3
    text = capsys.readouterr().out
    assert "flowdbg callback succeed 'v1#MyWorkflow#" in text
    mocks.write_text(mocks.read_text() + "callbacks:\n  an example of asynchronous function invocation.:\n"
                     "    - succeed: {done: 1}\n")
    assert main(["run", flow, "--mocks", str(mocks), "--resume", str(session), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == {"done": 1}


def test_callback_port_and_callback_command(tmp_path):
    flow = os.path.join(SAMPLES, "seed-custom-callback.yaml")
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  myFunction1:\n    - body: ok\n")
    exe = [sys.executable, "-m", "flowdbg.tui.cli"]
    proc = subprocess.Popen(exe + ["run", flow, "--mocks", str(mocks), "--callback-port", "0", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = secret = None
        deadline = time.time() + 60
        lines = []
        token = None
        while time.time() < deadline and not (url and token):
            line = proc.stderr.readline()
            lines.append(line)
            t = re.search(r" token (v1#\S+)", line)
            if t:
                token = t.group(1)
            m = re.search(r"FLOWDBG_CALLBACK_URL=(\S+) FLOWDBG_CALLBACK_SECRET=(\S+)\)", line)
            if m:
                url, secret = m.group(1), m.group(2)
        assert url, "".join(lines)
        bad = subprocess.run(exe + ["callback", "succeed", token, "--output", "{not json", "--url", url,
                                    "--secret", secret], capture_output=True, text=True)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        ok = subprocess.run(exe + ["callback", "succeed", token, "--output", '{"approved": true}', "--url", url,
                                   "--secret", secret], capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
        again = subprocess.run(exe + ["callback", "succeed", token, "--output", "{}", "--url", url,
                                      "--secret", secret], capture_output=True, text=True)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        assert json.loads(out)["output"] == {"approved": True}
        assert again.returncode != 0  # answered already, or the run has ended
    finally:
        if proc.poll() is None:
            proc.kill()


HANDLER_CALLS_BACK = '''
import json, os, urllib.request

def handler(event, context):
    token = json.loads(event)["callbackToken"]
    body = json.dumps({"TaskToken": token, "Output": json.dumps({"from": "handler"})}).encode()
    req = urllib.request.Request(os.environ["FLOWDBG_CALLBACK_URL"] + "/ReportTaskSucceeded", data=body,
                                 headers={"x-flowdbg-secret": os.environ["FLOWDBG_CALLBACK_SECRET"],
                                          "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        print("callback answered", r.status)
    return "submitted"
'''


def test_local_handler_calls_back_through_the_endpoint(tmp_path, capsys):
    """A WaitForCustomCallback handler answers its own task while it runs: the
    endpoint queues the report and the run applies it when the step ends."""
    (tmp_path / "index.py").write_text(HANDLER_CALLS_BACK)
    flow = tmp_path / "flow.yaml"
    flow.write_text("""Type: StateMachine
Name: self-callback
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: WaitForCustomCallback
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/asker/LATEST
      invocationType: Async
      body:
        callbackToken.$: $Context.Current.TaskToken
    End: true
""")
    rc = main(["run", str(flow), "--local", f"asker={tmp_path / 'index.py'}:handler", "--callback-port", "0",
               "--json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    out = json.loads(captured.out)
    assert out["status"] == "Succeeded" and out["output"] == {"from": "handler"}


FLAKY = '''
import os
COUNTER = os.path.join(os.path.dirname(__file__), "calls.txt")

def handler(event, context):
    n = int(open(COUNTER).read()) if os.path.exists(COUNTER) else 0
    open(COUNTER, "w").write(str(n + 1))
    if n == 0:
        raise ValueError("first call fails")
    if n == 1:
        return {"attempt": n}
    raise KeyError("always after")
'''


def test_function_that_raised_is_fc_unknown_for_retry_and_catch(tmp_path, capsys):
    """A local handler that raises is FC.Unknown (docs/semantics.md): Retry
    sees it, and once the retry budget is spent Catch sees it with the detail."""
    (tmp_path / "index.py").write_text(FLAKY)
    flow = tmp_path / "flow.yaml"
    flow.write_text("""Type: StateMachine
Name: flaky
SpecVersion: v1
StartAt: First
States:
  - Name: First
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/flaky/LATEST
      invocationType: Sync
    Retry:
      - Errors: [FC.Unknown]
        MaxAttempts: 1
        IntervalSeconds: 5
    OutputConstructor:
      attempt.$: $Output.Body.attempt
    Next: Second
  - Name: Second
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/flaky/LATEST
      invocationType: Sync
    Catch:
      - Errors: [FC.Unknown]
        Next: Handled
        OutputConstructor:
          code.$: $Context.Current.Error.Code
          detail.$: $Context.Current.Error.Detail
    End: true
  - Name: Handled
    Type: Pass
    End: true
""")
    rc = main(["run", str(flow), "--local", f"flaky={tmp_path / 'index.py'}:handler", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["states"] == ["First", "Second", "Handled"]
    assert out["output"] == {"code": "FC.Unknown", "detail": "KeyError: 'always after'"}
    retrying = [e for e in out["events"] if e["type"] == "StepRetrying"]
    assert [(e["detail"]["wait"], e["detail"]["error"]["Code"]) for e in retrying] == [(5.0, "FC.Unknown")]
