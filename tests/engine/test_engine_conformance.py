"""Conformance cases A1-A9 and C of fdl-reference.md §11, run end to end."""
from __future__ import annotations

import re
import time

import pytest

from helpers.engine import events_of, execute, execute_recording, run_flow

A1 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Pass1
States:
  - Type: Pass
    Name: Pass1
    End: true
    InputConstructor:
      FieldA: 123
"""

A2 = """
Type: StateMachine
Name: hello-world
SpecVersion: v1
StartAt: Greet
States:
  - Type: Pass
    Name: Greet
    End: true
"""

A3 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Parallel1
States:
  - Type: Parallel
    Name: Parallel1
    End: true
    Branches:
      - StartAt: Pass1
        States:
          - Type: Pass
            Name: Pass1
            End: true
            OutputConstructor:
              FieldA: 123
      - StartAt: Pass2
        States:
          - Type: Pass
            InputConstructor:
              FieldA: 321
            Name: Pass2
            End: true
"""

A4 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Parallel1
States:
  - Type: Parallel
    Name: Parallel1
    End: true
    Branches:
      - StartAt: Succeed1
        States:
          - Type: Succeed
            Name: Succeed1
            OutputConstructor:
              FieldA: 123
      - StartAt: Pass2
        States:
          - Type: Pass
            InputConstructor:
              FieldA: 321
            Name: Pass2
            End: true
"""

A5 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Choice1
States:
  - Type: Choice
    Name: Choice1
    Branches:
      - Condition: $Input.status=="ready"
        Next: Pass2
    Default: Pass1
  - Type: Pass
    Name: Pass1
    End: true
  - Type: Pass
    Name: Pass2
    End: true
"""

A6 = """
Type: StateMachine
Name: my-workflow
SpecVersion: v1
Description: " "
StartAt: Choice1
States:
  - Type: Choice
    Name: Choice1
    Branches:
      - Condition: $Input.status == "true"
        Next: Pass1
    Default: Fail1
  - Type: Fail
    Name: Fail1
    Code: "customBizCode"
    End: true
  - Type: Pass
    Name: Pass1
    End: true
"""

A7 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Wait1
States:
  - Type: Wait
    Name: Wait1
    Seconds: 12
    End: true
"""

A7_DYNAMIC = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Wait1
States:
  - Type: Wait
    Name: Wait1
    Seconds.$: $Input.timeout
    End: true
"""

A8 = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Map1
States:
  - Type: Map
    Name: Map1
    End: true
    InputConstructor:
      FieldA:
        - a: b
        - c: d
    ItemsPath: $Input.FieldA
    Processor:
      StartAt: Pass1
      States:
        - Type: Pass
          Name: Pass1
          End: true
"""

A9 = """
Type: StateMachine
Name: video_edit
SpecVersion: v1
StartAt: Analyze
States:
  - Type: Task
    Name: Analyze
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Parameters:
      invocationType: Sync
      resourceArn: acs:fc:cn-shanghai:123:functions/analyze/LATEST
      body:
        videoUrl.$: $Input.videoUrl
    OutputConstructor:
      returnID.$: uuid()
      videoContent.$: $Output.Body.videoContent
    Next: Cut
  - Type: Task
    Name: Cut
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Parameters:
      invocationType: Sync
      resourceArn: acs:fc:cn-shanghai:123:functions/cut/LATEST
      body:
        videoUrl.$: $Context.Execution.Input.videoUrl
        speech.$: $Input.videoContent
    OutputConstructor:
      outputUrl.$: $Output.Body.outputUrl
    Next: Done
  - Type: Succeed
    Name: Done
"""

A9_MOCKS = """
functions:
  analyze:
    - body: {videoContent: V}
  cut:
    - body: {outputUrl: U}
"""

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_a1_static_input_constructor_replaces_input():
    s = run_flow(A1, {"requestId": "abc-123"})
    assert s["status"] == "Succeeded"
    assert s["output"] == {"FieldA": 123}
    assert s["states"] == ["Pass1"]
    assert s["error"] is None


def test_a2_minimal_pass_through():
    s = run_flow(A2, {"requestId": "abc-123"})
    assert (s["status"], s["output"], s["states"]) == ("Succeeded", {"requestId": "abc-123"}, ["Greet"])


def test_a3_parallel_two_pass_branches():
    ex = execute(A3, {})
    assert ex.status == "Succeeded"
    assert ex.output == {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}}
    outs = {r.state: r.output for r in ex.records}
    assert outs == {"Parallel1": {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}},
                    "Pass1": {"FieldA": 123}, "Pass2": {"FieldA": 321}}
    # each branch ran in its own scope
    scopes = {r.state: r.frame for r in ex.records}
    assert scopes == {"Parallel1": "", "Pass1": "Parallel1.Branch0", "Pass2": "Parallel1.Branch1"}


def test_a4_succeed_inside_a_branch_ends_only_that_branch():
    ex = execute(A4, {})
    assert ex.status == "Succeeded"
    assert ex.output == {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}}
    # branch 0 ended at Succeed1 with its output; the execution went on
    exits = [e for e in events_of(ex, "BranchExited")]
    assert [(e["scope"], e["detail"]) for e in exits] == [
        ("Parallel1.Branch0", {"output": {"FieldA": 123}}),
        ("Parallel1.Branch1", {"output": {"FieldA": 321}})]
    succeed = [r for r in ex.records if r.state == "Succeed1"]
    assert len(succeed) == 1 and succeed[0].frame == "Parallel1.Branch0" and succeed[0].next is None
    assert events_of(ex, "ExecutionSucceeded")[0]["detail"] == {
        "output": {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}}}


@pytest.mark.parametrize("status,path", [("ready", ["Choice1", "Pass2"]), ("pending", ["Choice1", "Pass1"])])
def test_a5_choice(status, path):
    s = run_flow(A5, {"status": status})
    assert s["status"] == "Succeeded"
    assert s["states"] == path
    assert s["output"] == {"status": status}


def test_a6_choice_to_pass_when_true():
    s = run_flow(A6, {"status": "true"})
    assert (s["status"], s["states"], s["output"]) == ("Succeeded", ["Choice1", "Pass1"], {"status": "true"})


def test_a6_choice_default_to_fail():
    s = run_flow(A6, {"status": "false"})
    assert s["status"] == "Failed"
    assert s["states"] == ["Choice1", "Fail1"]
    assert s["error"] == {"code": "customBizCode", "detail": ""}
    assert s["output"] is None
    assert events_of(s, "ExecutionFailed")[0]["detail"] == {"error": {"Code": "customBizCode", "Detail": ""}}


def test_a7_wait_12_seconds_on_the_virtual_clock():
    t0 = time.monotonic()
    s = run_flow(A7, {"a": 1})
    assert time.monotonic() - t0 < 2.0  # nothing sleeps
    assert (s["status"], s["output"], s["time"]) == ("Succeeded", {"a": 1}, 12.0)
    exited = events_of(s, "StepExited", "Wait1")
    entered = events_of(s, "StepEntered", "Wait1")
    assert entered[0]["time"] == 0.0 and exited[0]["time"] == 12.0


def test_a7_wait_seconds_dollar_from_input():
    t0 = time.monotonic()
    s = run_flow(A7_DYNAMIC, {"timeout": 3})
    assert time.monotonic() - t0 < 2.0
    assert (s["status"], s["output"], s["time"]) == ("Succeeded", {"timeout": 3}, 3.0)
    assert events_of(s, "StepExited", "Wait1")[0]["time"] == 3.0


def test_a8_inline_map():
    s = run_flow(A8, {})
    assert s["status"] == "Succeeded"
    assert s["output"] == {"Items": [{"a": "b"}, {"c": "d"}]}
    assert s["states"] == ["Map1", "Pass1", "Pass1"]
    its = events_of(s, "IterationEntered")
    assert [(e["scope"], e["detail"]) for e in its] == [
        ("Map1[0]", {"input": {"a": "b"}, "index": 0}), ("Map1[1]", {"input": {"c": "d"}, "index": 1})]


def test_a9_task_with_mocked_functions_bodies_and_output():
    ex, door = execute_recording(A9, {"videoUrl": "https://abc.com/xyz.mp4"}, A9_MOCKS)
    assert ex.status == "Succeeded"
    assert ex.output == {"outputUrl": "U"}
    # exact events each function received (the bytes FC would deliver)
    assert door.bodies("analyze") == [{"videoUrl": "https://abc.com/xyz.mp4"}]
    assert door.bodies("cut") == [{"videoUrl": "https://abc.com/xyz.mp4", "speech": "V"}]
    assert [r.invocation_type for r in door.requests] == ["Sync", "Sync"]
    # the same bodies in the step records and TaskScheduled events
    analyze, cut = ex.records[0], ex.records[1]
    assert [a["request"]["body"] for a in analyze.attempts] == [{"videoUrl": "https://abc.com/xyz.mp4"}]
    assert [a["request"]["body"] for a in cut.attempts] == [{"videoUrl": "https://abc.com/xyz.mp4", "speech": "V"}]
    sched = events_of(ex, "TaskScheduled")
    assert [e["detail"]["parameters"]["body"] for e in sched] == [
        {"videoUrl": "https://abc.com/xyz.mp4"}, {"videoUrl": "https://abc.com/xyz.mp4", "speech": "V"}]
    # Analyze's output: the UUID plus the lifted field; the task result is {"Body": ...}
    assert analyze.result == {"Body": {"videoContent": "V"}}
    assert set(analyze.output) == {"returnID", "videoContent"}
    assert analyze.output["videoContent"] == "V"
    assert UUID.match(analyze.output["returnID"])
    assert cut.input == analyze.output
    assert [r.state for r in ex.records] == ["Analyze", "Cut", "Done"]


def test_a9_uuid_is_deterministic_for_a_seed():
    a = execute(A9, {"videoUrl": "u"}, A9_MOCKS, seed=7).records[0].output["returnID"]
    b = execute(A9, {"videoUrl": "u"}, A9_MOCKS, seed=7).records[0].output["returnID"]
    c = execute(A9, {"videoUrl": "u"}, A9_MOCKS, seed=8).records[0].output["returnID"]
    assert a == b
    assert a != c


HTTP_FLOW = """
Type: StateMachine
Name: http
SpecVersion: v1
StartAt: Call
States:
  - Type: Task
    Name: Call
    Action: HTTP:Request
    Parameters:
      url: https://example.com/hello
      method: GET
    OutputConstructor:
      code.$: $Output.Code
      text.$: $Output.Body
      ctype.$: $Output.Header["Content-Type"]
    End: true
"""

HTTP_MOCK = """
states:
  Call:
    - result:
        Header: {"Content-Type": "application/json;charset=UTF-8", "Access-Control-Allow-Methods": "GET,POST,OPTIONS"}
        Code: 200
        Body: hello world
"""


def test_c_http_request_result_shape_from_state_mock():
    ex = execute(HTTP_FLOW, {}, HTTP_MOCK)
    assert ex.status == "Succeeded"
    assert ex.records[0].result == {
        "Header": {"Content-Type": "application/json;charset=UTF-8", "Access-Control-Allow-Methods": "GET,POST,OPTIONS"},
        "Code": 200, "Body": "hello world"}
    assert ex.output == {"code": 200, "text": "hello world", "ctype": "application/json;charset=UTF-8"}
    assert ex.records[0].parameters == {"url": "https://example.com/hello", "method": "GET"}


CHILD_FLOW = """
Type: StateMachine
Name: parent
SpecVersion: v1
StartAt: StartChild
States:
  - Type: Task
    Name: StartChild
    Action: FNF:StartExecution
    Parameters:
      resourceArn: acs:fnf:cn-hangzhou::flow/test-workflow
      input: {a: 1}
    End: true
"""

CHILD_MOCK = """
states:
  StartChild:
    - result: {FlowName: test-workflow, ExecutionName: 36cc6107-26cc-495f-b80b-d9fadff13fdd, RequestID: "12423452346y345634"}
"""


def test_c_child_flow_request_complete_shape():
    s = run_flow(CHILD_FLOW, {}, CHILD_MOCK)
    assert s["status"] == "Succeeded"
    assert s["output"] == {"FlowName": "test-workflow", "ExecutionName": "36cc6107-26cc-495f-b80b-d9fadff13fdd",
                           "RequestID": "12423452346y345634"}
