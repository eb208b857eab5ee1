"""How served executions run: virtual time that waits in real time only for
the outside, local handlers answering through the endpoint, a child execution
answering its parent (CallbackFnFTaskToken), a backend that cannot answer,
and mock files edited while serving."""
from __future__ import annotations

import json
import time

from helpers import dedent
from helpers.serve import api_error, detail, history, models, serve_process, task_token, wait_for

TIMED = dedent("""
    Type: StateMachine
    Name: timed
    SpecVersion: v1
    StartAt: Nap
    States:
      - Name: Nap
        Type: Wait
        Seconds: 300
        Next: Ask
      - Name: Ask
        Type: Task
        Action: FC:InvokeFunction
        TaskMode: WaitForCustomCallback
        Timeout: 2
        Parameters:
          resourceArn: acs:fc:cn-hangzhou:1:functions/ask/LATEST
          invocationType: Async
          body:
            callbackToken.$: $Context.Current.TaskToken
        End: true
""")

PARENT = dedent("""
    Type: StateMachine
    Name: parent
    SpecVersion: v1
    StartAt: RunChild
    States:
      - Name: RunChild
        Type: Task
        Action: FC:InvokeFunction
        TaskMode: WaitForCustomCallback
        Parameters:
          resourceArn: acs:fc:cn-hangzhou:1:functions/ask/LATEST
          invocationType: Async
          body:
            callbackToken.$: $Context.Current.TaskToken
        End: true
""")

CHILD = dedent("""
    Type: StateMachine
    Name: child
    SpecVersion: v1
    StartAt: Answer
    States:
      - Name: Answer
        Type: Pass
        OutputConstructor:
          answer.$: $Input.question
        End: true
""")

NOTIFY = dedent("""
    Type: StateMachine
    Name: child
    SpecVersion: v1
    StartAt: Answer
    States:
      - Name: Answer
        Type: Task
        Action: MNS:SendMessage
        End: true
""")

HANDLER = dedent('''
    import json, os, urllib.request

    def handler(event, context):
        token = json.loads(event)["callbackToken"]
        body = json.dumps({"TaskToken": token, "Output": json.dumps({"from": "handler"})}).encode()
        req = urllib.request.Request(os.environ["FLOWDBG_CALLBACK_URL"] + "/ReportTaskSucceeded", data=body,
                                     headers={"content-type": "application/json",
                                              "x-flowdbg-secret": os.environ["FLOWDBG_CALLBACK_SECRET"]})
        urllib.request.urlopen(req, timeout=10).read()
        return ""
''')


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_waits_take_no_time_and_a_timeout_takes_real_time(tmp_path):
    flow = _write(tmp_path, "timed.yaml", TIMED)
    _write(tmp_path, "timed.mocks.yaml", "functions:\n  ask:\n    - body: ''\n")
    with serve_process(flow) as srv:
        c = srv.client()
        t0 = time.monotonic()
        c.start_execution(models.StartExecutionRequest(flow_name="timed", execution_name="t1"))
        task_token(c, "timed", "t1", "Ask")
        reached = time.monotonic() - t0
        assert reached < 1.5  # the 300 s Wait took none
        body = c.describe_execution(models.DescribeExecutionRequest(flow_name="timed", execution_name="t1",
                                                                    wait_time_seconds=20)).body
        took = time.monotonic() - t0
        assert body.status == "Failed" and 1.9 <= took < 10, took
        events = history(c, "timed", "t1")
        timed_out = next(e for e in events if e.type == "TaskTimedOut")
        assert detail(timed_out)["error"]["Code"] == "FnF.TaskTimeout"
        # Event times are virtual: the Wait's 300 s, then the Timeout's 2.
        scheduled = next(e for e in events if e.type == "TaskScheduled")
        assert _seconds(scheduled.time) - _seconds(events[0].time) == 300
        assert _seconds(timed_out.time) - _seconds(scheduled.time) == 2


def _seconds(iso: str) -> float:
    import datetime
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_a_local_handler_answers_through_the_endpoint(tmp_path):
    flow = _write(tmp_path, "timed.yaml", TIMED.replace("Timeout: 2", "Timeout: 60"))
    _write(tmp_path, "handler.py", HANDLER)
    _write(tmp_path, "timed.mocks.yaml", "local:\n  ask: handler.py:handler\n")
    with serve_process(flow, "--allow-local") as srv:  # the sibling mock file runs local code: consent
        c = srv.client()
        c.start_execution(models.StartExecutionRequest(flow_name="timed", execution_name="h1"))
        body = c.describe_execution(models.DescribeExecutionRequest(flow_name="timed", execution_name="h1",
                                                                    wait_time_seconds=30)).body
        assert body.status == "Succeeded", (body.to_map(), srv.log(), history(c, "timed", "h1")[-1].event_detail)
        assert json.loads(body.output) == {"from": "handler"}


def test_a_child_execution_answers_its_parent(tmp_path):
    parent = _write(tmp_path, "parent.yaml", PARENT)
    _write(tmp_path, "parent.mocks.yaml", "functions:\n  ask:\n    - body: ''\n")
    child = _write(tmp_path, "child.yaml", CHILD)
    with serve_process(parent, child) as srv:
        c = srv.client()
        c.start_execution(models.StartExecutionRequest(flow_name="parent", execution_name="p1"))
        token = task_token(c, "parent", "p1", "RunChild")
        c.start_execution(models.StartExecutionRequest(flow_name="child", execution_name="c1",
                                                       input='{"question": 42}', callback_fn_ftask_token=token))
        body = c.describe_execution(models.DescribeExecutionRequest(flow_name="parent", execution_name="p1",
                                                                    wait_time_seconds=20)).body
        assert (body.status, json.loads(body.output)) == ("Succeeded", {"answer": 42})


def test_a_task_nothing_answers_stops_the_execution_and_says_why(tmp_path):
    flow = _write(tmp_path, "timed.yaml", TIMED)
    with serve_process(flow) as srv:
        c = srv.client()
        c.start_execution(models.StartExecutionRequest(flow_name="timed", execution_name="m1"))
        wait_for(lambda: c.describe_execution(models.DescribeExecutionRequest(
            flow_name="timed", execution_name="m1")).body.status == "Stopped")
        last = history(c, "timed", "m1")[-1]
        assert last.type == "ExecutionStopped" and "no mock answers it" in detail(last)["reason"]
        assert "timed/m1" in srv.log() and "functions:" in srv.log()
        e = api_error(c.stop_execution, models.StopExecutionRequest(flow_name="timed", execution_name="m1"))
        assert e.code == "ExecutionAlreadyCompleted"


def test_an_edited_mock_file_answers_the_next_execution(tmp_path):
    flow = _write(tmp_path, "child.yaml", NOTIFY)
    mocks = _write(tmp_path, "child.mocks.yaml", "states:\n  Answer:\n    - result: {n: 1}\n")
    with serve_process(flow) as srv:
        c = srv.client()

        def run(name):
            return json.loads(c.describe_execution(models.DescribeExecutionRequest(
                flow_name="child", execution_name=name, wait_time_seconds=10)).body.output)
        c.start_execution(models.StartExecutionRequest(flow_name="child", execution_name="a"))
        assert run("a") == {"n": 1}
        time.sleep(0.05)
        with open(mocks, "w", encoding="utf-8") as f:
            f.write("states:\n  Answer:\n    - result: {n: 2}\n")
        c.start_execution(models.StartExecutionRequest(flow_name="child", execution_name="b"))
        assert run("b") == {"n": 2}
        with open(mocks, "w", encoding="utf-8") as f:
            f.write("states: [broken\n")
        c.start_execution(models.StartExecutionRequest(flow_name="child", execution_name="c"))
        assert run("c") == {"n": 2}  # a broken edit keeps the last good mocks, and says so
        assert "not reloaded" in srv.log()
