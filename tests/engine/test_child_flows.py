"""FNF:StartExecution with a local child flow (mock file `flows:`), in every TaskMode."""
from __future__ import annotations

import pytest

from flowdbg.engine.definition import parse_definition
from flowdbg.engine.door import Door
from flowdbg.engine.execution import Execution, Options
from flowdbg.engine.mocks import parse_mocks

CHILD = """Type: StateMachine
Name: child-flow
SpecVersion: v1
StartAt: Check
States:
  - Name: Check
    Type: Choice
    Branches:
      - Condition: $Input.ok == true
        Next: Greet
    Default: Boom
  - Name: Greet
    Type: Wait
    Seconds: 7
    InputConstructor:
      greeting.$: format("hello, {}", $Input.name)
    End: true
  - Name: Boom
    Type: Fail
    Code: ChildFailed
    Detail: not ok
"""


def parent(mode: str) -> str:
    token = "\n        token.$: $Context.Current.TaskToken" if mode == "WaitForCustomCallback" else ""
    return f"""Type: StateMachine
Name: parent
SpecVersion: v1
StartAt: RunChild
States:
  - Name: RunChild
    Type: Task
    Action: FNF:StartExecution
    TaskMode: {mode}
    Parameters:
      resourceArn: acs:fnf:cn-hangzhou::flow/child-flow
      executionName: child-1
      input:
        name.$: $Input.name
        ok.$: $Input.ok{token}
    Catch:
      - Errors: [ChildFailed]
        Next: Caught
        OutputConstructor:
          code.$: $Context.Current.Error.Code
    End: true
  - Name: Caught
    Type: Pass
    End: true
"""


@pytest.fixture
def run(tmp_path):
    (tmp_path / "child.yaml").write_text(CHILD)
    mocks_path = tmp_path / "m.yaml"
    mocks_path.write_text("flows:\n  child-flow: child.yaml\n")

    def _run(mode: str, inp: dict) -> Execution:
        mocks = parse_mocks(mocks_path.read_text(), str(mocks_path))
        ex = Execution(parse_definition(parent(mode)).flow, inp, Door(mocks), Options(seed=1))
        ex.run()
        return ex
    return _run


def test_wait_for_system_callback_returns_child_output_after_its_time(run):
    ex = run("WaitForSystemCallback", {"name": "a", "ok": True})
    assert ex.status == "Succeeded"
    assert ex.output == {"greeting": "hello, a"}
    assert ex.clock == 7  # the child's Wait ran on the shared virtual clock
    child = ex.records[0].attempts[0]["child"]
    assert child["states"] == ["Check", "Greet"] and child["status"] == "Succeeded"


def test_wait_for_system_callback_child_failure_is_the_task_error(run):
    ex = run("WaitForSystemCallback", {"name": "a", "ok": False})
    assert ex.status == "Succeeded"
    assert ex.output == {"code": "ChildFailed"}
    assert [r.state for r in ex.records] == ["RunChild", "Caught"]


def test_request_complete_returns_the_start_execution_answer(run):
    ex = run("RequestComplete", {"name": "a", "ok": True})
    assert ex.status == "Succeeded"
    assert set(ex.output) == {"FlowName", "ExecutionName", "RequestID"}
    assert ex.output["FlowName"] == "child-flow" and ex.output["ExecutionName"] == "child-1"
    assert ex.clock == 0  # RequestComplete does not wait for the child


def test_wait_for_custom_callback_waits_for_the_token(run):
    ex = run("WaitForCustomCallback", {"name": "a", "ok": True})
    assert ex.status == "Running" and ex.waiting
    [p] = ex.pending_tasks()
    assert p.state == "RunChild"
    assert ex.report(p.token, succeeded=True, output={"done": True}).accepted
    ex.run()
    assert ex.status == "Succeeded" and ex.output == {"done": True}


def test_missing_child_file_is_a_clear_backend_error(tmp_path):
    from flowdbg.engine.backends.base import BackendError
    mocks = parse_mocks("flows:\n  child-flow: nope.yaml\n", str(tmp_path / "m.yaml"))
    ex = Execution(parse_definition(parent("WaitForSystemCallback")).flow, {"name": "a", "ok": True}, Door(mocks))
    with pytest.raises(BackendError, match="child flow 'child-flow'.*nope.yaml"):
        ex.run()
