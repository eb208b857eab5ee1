"""Tasks (issue 4): FC ARNs and mock keys, bodies, TaskModes, callbacks and
tokens through the engine API, timeouts, missing mocks, other Actions."""
from __future__ import annotations

import json

import pytest

from helpers.engine import diagnostics, events_of, execute, execute_recording, records_of, run_flow, run_session, session
from flowdbg.engine.backends.base import BackendError
from flowdbg.engine.backends.fc import parse_function_arn
from flowdbg.engine.runner import exit_code, summarize

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def fc_flow(arn: str, body: str = "{}", mode: str = "RequestComplete", itype: str = "Sync", extra: str = "",
            name: str = "T") -> str:
    return H + f"""StartAt: {name}
States:
  - Type: Task
    Name: {name}
    Action: FC:InvokeFunction
    TaskMode: {mode}
    Parameters:
      resourceArn: {arn}
      invocationType: {itype}
      body: {body}
{extra}    End: true
"""


def until_pending(ex, limit: int = 1000):
    """Step until a callback token is waiting (or the run ends)."""
    for _ in range(limit):
        if ex.pending_tasks() or ex.finished:
            return ex.pending_tasks()
        ex.step()
    raise AssertionError("no pending task")


# -- ARNs and mock keys ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("arn,function,service,qualifier,region,account", [
    ("acs:fc:::services/myService1.LATEST/functions/myFunction1", "myFunction1", "myService1", "LATEST", "", ""),
    ("acs:fc:cn-hangzhou:123:services/fnf_test/functions/hello", "hello", "fnf_test", None, "cn-hangzhou", "123"),
    ("acs:fc:cn-shanghai:123:functions/dataji/LATEST", "dataji", None, "LATEST", "cn-shanghai", "123"),
    ("acs:fc:cn-shanghai:123:functions/dataji", "dataji", None, None, "cn-shanghai", "123"),
    ("acs:fc:::functions/f/prod", "f", None, "prod", "", ""),
    ("acs:fc:cn-shanghai:1234/functions/my-func", "my-func", None, None, "cn-shanghai", "1234"),
])
def test_fc_arn_forms(arn, function, service, qualifier, region, account):
    ref = parse_function_arn(arn)
    assert (ref.function, ref.service, ref.qualifier, ref.region, ref.account) == (
        function, service, qualifier, region, account)
    keys = [arn] + ([f"{service}/{function}"] if service else []) + [function]
    assert list(ref.mock_keys) == keys


@pytest.mark.parametrize("arn", [
    "acs:fc:::services/myService1.LATEST/functions/myFunction1",
    "acs:fc:cn-hangzhou:123:services/svc/functions/myFunction1",
    "acs:fc:cn-shanghai:123:functions/myFunction1/LATEST",
    "acs:fc:cn-shanghai:123:functions/myFunction1",
    "acs:fc:cn-shanghai:123/functions/myFunction1",
])
def test_every_arn_form_runs_against_a_function_name_mock(arn):
    ex = execute(fc_flow(arn), {}, "functions: {myFunction1: [{body: {hit: name}}]}")
    assert ex.status == "Succeeded"
    assert ex.output == {"Body": {"hit": "name"}}
    assert ex.records[0].attempts[0]["response"]["meta"]["mock"] == "myFunction1"


@pytest.mark.parametrize("arn", ["xxx", "acs:fc:::queues/q", "acs:oss:::bucket/x"])
def test_bad_arn_is_a_validation_error(arn):
    ds = diagnostics(fc_flow(arn))
    assert [(d.code, d.line) for d in ds if d.severity == "error"] == [("bad-arn", 11)]


def test_bad_arn_from_an_expression_is_a_runtime_error():
    flow = fc_flow("x").replace("      resourceArn: x\n", "      resourceArn.$: $Input.arn\n")
    s = run_flow(flow, {"arn": "not-an-arn"}, "functions: {f: [{body: {}}]}")
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "'T'" in s["error"]["detail"] and "not-an-arn" in s["error"]["detail"]


ARN2 = "acs:fc:cn-hangzhou:123:services/svc.LATEST/functions/fn"


@pytest.mark.parametrize("mocks,winner", [
    (f"functions:\n  fn: [{{body: name}}]\n  svc/fn: [{{body: svc}}]\n  '{ARN2}': [{{body: arn}}]\n", "arn"),
    ("functions:\n  fn: [{body: name}]\n  svc/fn: [{body: svc}]\n", "svc"),
    ("functions:\n  fn: [{body: name}]\n", "name"),
    ("functions:\n  fn: [{body: name}]\n  other/fn: [{body: other}]\n", "name"),
])
def test_mock_key_precedence_full_arn_then_service_function_then_name(mocks, winner):
    ex = execute(fc_flow(ARN2), {}, mocks)
    assert ex.output == {"Body": winner}


def test_state_key_beats_function_key():
    mocks = "functions:\n  fn: [{body: fromFunction}]\nstates:\n  T: [{result: {from: state}}]\n"
    ex = execute(fc_flow(ARN2), {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == {"from": "state"}  # a state mock gives the whole result


def test_function_mock_entries_answer_in_order_and_the_last_repeats():
    flow = H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    MaxConcurrency: 1
    Processor:
      StartAt: T
      States:
        - Type: Task
          Name: T
          Action: FC:InvokeFunction
          Parameters:
            resourceArn: acs:fc:::functions/fn
            invocationType: Sync
          End: true
    End: true
"""
    mocks = "functions:\n  fn:\n    - body: 1\n      times: 2\n    - body: 2\n    - body: 3\n"
    ex = execute(flow, {"items": [0, 0, 0, 0, 0, 0]}, mocks)
    assert ex.output == {"Items": [{"Body": b} for b in (1, 1, 2, 3, 3, 3)]}


# -- bodies and results ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body,expected", [
    ("{a: 1, b: [true, null], c: 中文}", '{"a":1,"b":[true,null],"c":"中文"}'.encode()),
    ("myEvent", b"myEvent"),
    ('"{\\"already\\": \\"json\\"}"', b'{"already": "json"}'),
    ("12", b"12"),
])
def test_body_is_sent_as_bytes_object_as_json_string_as_is(body, expected):
    ex, door = execute_recording(fc_flow("acs:fc:::functions/f", body=body), {}, "functions: {f: [{body: ok}]}")
    assert ex.status == "Succeeded"
    assert door.requests[0].body == expected


def test_no_body_sends_an_empty_event():
    flow = fc_flow("acs:fc:::functions/f").replace("      body: {}\n", "")
    ex, door = execute_recording(flow, {}, "functions: {f: [{body: ok}]}")
    assert door.requests[0].body == b""


@pytest.mark.parametrize("mock_body,result", [
    ("{x: 1}", {"Body": {"x": 1}}),
    ("'[1, 2]'", {"Body": [1, 2]}),
    ("'{\"parsed\": true}'", {"Body": {"parsed": True}}),
    ("plain text", {"Body": "plain text"}),
    ("''", {"Body": ""}),
])
def test_fc_result_is_body_parsed_when_json(mock_body, result):
    ex = execute(fc_flow("acs:fc:::functions/f"), {}, f"functions:\n  f:\n    - body: {mock_body}\n")
    assert ex.records[0].result == result


def test_request_complete_sync_and_async():
    ex, door = execute_recording(fc_flow("acs:fc:::functions/f", itype="Async"), {}, "functions: {f: [{body: ''}]}")
    assert ex.status == "Succeeded"
    assert ex.output == {"Body": ""}
    assert door.requests[0].invocation_type == "Async"
    ex, door = execute_recording(fc_flow("acs:fc:::functions/f", itype="Sync"), {}, "functions: {f: [{body: {r: 1}}]}")
    assert ex.output == {"Body": {"r": 1}}
    assert door.requests[0].invocation_type == "Sync"


def test_request_complete_sync_takes_the_mocks_delay():
    ex = execute(fc_flow("acs:fc:::functions/f"), {}, "functions: {f: [{body: {}, delay: 9}]}")
    assert ex.status == "Succeeded" and ex.clock == 9.0


# -- WaitForSystemCallback -----------------------------------------------------------------------------------------------

def test_wait_for_system_callback_completes_with_the_mock_answer_after_its_delay():
    ex = execute(fc_flow("acs:fc:::functions/f", mode="WaitForSystemCallback", itype="Async"), {},
                 "functions: {f: [{body: {done: finished}, delay: 42}]}")
    assert ex.status == "Succeeded"
    assert ex.output == {"Body": {"done": "finished"}}
    assert ex.clock == 42.0
    types = [(e["type"], e["time"]) for e in events_of(ex, "TaskSubmitted") + events_of(ex, "TaskSucceeded")]
    assert types == [("TaskSubmitted", 0.0), ("TaskSucceeded", 42.0)]


def test_wait_for_system_callback_error_answer_fails_the_task():
    s = run_flow(fc_flow("acs:fc:::functions/f", mode="WaitForSystemCallback", itype="Async"), {},
                 "functions: {f: [{error: FC.InternalServerError, detail: async failed}]}")
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "FC.InternalServerError", "detail": "async failed"}


def test_wait_for_system_callback_with_sync_is_a_validation_error():
    ds = diagnostics(fc_flow("acs:fc:::functions/f", mode="WaitForSystemCallback", itype="Sync"))
    assert [(d.code, d.line, d.col) for d in ds if d.severity == "error"] == [("mode-not-supported", 12, 23)]


# -- WaitForCustomCallback -------------------------------------------------------------------------------------------------

CB_BODY = "{payload: p, token.$: $Context.Current.TaskToken}"
CB_EXTRA = """    OutputConstructor:
      got.$: $Output
      token.$: $Context.Current.TaskToken
"""


def cb_flow(extra: str = "", timeout: str = "") -> str:
    return fc_flow("acs:fc:::functions/f", body=CB_BODY, mode="WaitForCustomCallback", itype="Async",
                   extra=(f"    Timeout: {timeout}\n" if timeout else "") + extra + CB_EXTRA)


FN_OK = "functions:\n  f:\n    - body: ''\n"


def test_custom_callback_token_is_in_context_and_in_the_body():
    ex, door = execute_recording(cb_flow(), {}, FN_OK)
    assert ex.status == "Running" and ex.waiting
    [p] = ex.pending_tasks()
    assert (p.state, p.scope, p.since, p.timeout_at, p.status) == ("T", "", 0.0, None, "waiting")
    assert json.loads(door.requests[0].body) == {"payload": "p", "token": p.token}
    assert door.requests[0].task_token == p.token
    assert ex.records[0].token == p.token
    assert events_of(ex, "TaskSubmitted")[0]["detail"] == {"token": p.token}
    assert ex.report(p.token, succeeded=True, output={"answer": 42}).accepted
    ex.run()
    assert ex.status == "Succeeded"
    assert ex.output == {"got": {"answer": 42}, "token": p.token}


def test_report_failure_becomes_the_state_error():
    ex = execute(cb_flow(), {}, FN_OK)
    [p] = ex.pending_tasks()
    res = ex.report(p.token, succeeded=False, error="Rejected", cause="manager said no")
    assert res.accepted
    ex.run()
    assert ex.status == "Failed"
    assert (ex.error.code, ex.error.detail) == ("Rejected", "manager said no")
    assert events_of(ex, "TaskFailed")[0]["detail"] == {"error": {"Code": "Rejected", "Detail": "manager said no"}}


def test_report_failure_is_caught_by_name():
    flow = cb_flow(extra="    Catch:\n      - Errors: [Rejected]\n        Next: H\n").replace(
        "    End: true\n", "    Next: Done\n  - Type: Pass\n    Name: Done\n    End: true\n"
                          "  - Type: Pass\n    Name: H\n    End: true\n", 1)
    ex = execute(flow, {"in": 1}, FN_OK)
    [p] = ex.pending_tasks()
    ex.report(p.token, succeeded=False, error="Rejected", cause="no")
    ex.run()
    assert ex.status == "Succeeded"
    assert [r.state for r in ex.records] == ["T", "H"]
    assert ex.output == {"in": 1}


def test_duplicate_report_is_refused_and_changes_nothing():
    ex = execute(cb_flow(), {}, FN_OK)
    [p] = ex.pending_tasks()
    assert ex.report(p.token, succeeded=True, output={"n": 1}).accepted
    again = ex.report(p.token, succeeded=True, output={"n": 2})
    fail = ex.report(p.token, succeeded=False, error="Late")
    assert not again.accepted and not fail.accepted
    assert "already answered" in again.reason
    ex.run()
    assert ex.output["got"] == {"n": 1}


def test_unknown_token_is_refused():
    ex = execute(cb_flow(), {}, FN_OK)
    res = ex.report("v1#t#test-exec#999#deadbeef", succeeded=True, output={})
    assert not res.accepted
    assert "unknown task token" in res.reason
    assert ex.status == "Running" and len(ex.pending_tasks()) == 1


def test_report_failed_needs_an_error_name():
    ex = execute(cb_flow(), {}, FN_OK)
    [p] = ex.pending_tasks()
    assert not ex.report(p.token, succeeded=False, error="").accepted
    assert ex.pending_tasks()[0].status == "waiting"


def test_retry_gets_a_new_token_and_the_stale_one_is_refused():
    flow = cb_flow(extra="    Retry:\n      - Errors: [Rejected]\n        MaxAttempts: 1\n        IntervalSeconds: 3\n")
    ex, door = execute_recording(flow, {}, FN_OK)
    [p1] = ex.pending_tasks()
    ex.report(p1.token, succeeded=False, error="Rejected")
    ex.run()
    [p2] = ex.pending_tasks()
    assert p2.token != p1.token
    assert p2.since == 3.0
    # the function got the new token in its second event
    assert [json.loads(r.body)["token"] for r in door.requests] == [p1.token, p2.token]
    stale = ex.report(p1.token, succeeded=True, output={"stale": True})
    assert not stale.accepted
    assert ex.report(p2.token, succeeded=True, output={"fresh": True}).accepted
    ex.run()
    assert ex.output == {"got": {"fresh": True}, "token": p2.token}


def test_callback_timeout_fails_with_task_timeout_and_the_token_is_refused_after():
    ex = execute(cb_flow(timeout="60"), {}, FN_OK, run=False)
    [p] = until_pending(ex)
    assert p.timeout_at == 60.0
    ex.run()  # nothing answers: the clock jumps to the timeout
    assert ex.status == "Failed"
    assert ex.error.code == "FnF.TaskTimeout"
    assert "'T'" in ex.error.detail
    assert ex.clock == 60.0
    assert events_of(ex, "TaskTimedOut")[0]["time"] == 60.0
    late = ex.report(p.token, succeeded=True, output={})
    assert not late.accepted and "timed out" in late.reason


def test_callback_timeout_is_retried_with_a_new_token_then_caught():
    extra = ("    Retry:\n      - Errors: [FnF.TaskTimeout]\n        MaxAttempts: 1\n        IntervalSeconds: 5\n"
             "    Catch:\n      - Errors: [FnF.TaskTimeout]\n        Next: H\n        OutputConstructor:\n"
             "          code.$: $Context.Current.Error.Code\n")
    flow = cb_flow(timeout="10", extra=extra).replace(
        "    End: true\n", "    Next: H\n  - Type: Pass\n    Name: H\n    End: true\n", 1)
    ex = execute(flow, {}, FN_OK)
    assert ex.status == "Succeeded"
    assert ex.output == {"code": "FnF.TaskTimeout"}
    assert [e["time"] for e in events_of(ex, "TaskTimedOut")] == [10.0, 25.0]
    tokens = [a["token"] for a in ex.records[0].attempts]
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_callback_answered_before_timeout_wins():
    ex = execute(cb_flow(timeout="60"), {}, FN_OK, run=False)
    [p] = until_pending(ex)
    assert ex.report(p.token, succeeded=True, output={"ok": 1}).accepted
    ex.run()
    assert ex.status == "Succeeded" and ex.clock == 0.0


def test_scripted_callbacks_succeed_after_a_delay():
    mocks = FN_OK + "callbacks:\n  T:\n    - succeed: {approved: true}\n      after: 30\n"
    ex = execute(cb_flow(), {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output["got"] == {"approved": True}
    assert ex.clock == 30.0


def test_scripted_callbacks_fail_then_succeed_on_retry():
    mocks = FN_OK + ("callbacks:\n  T:\n    - fail: {error: Rejected, cause: first no}\n      after: 5\n"
                     "    - succeed: {second: ok}\n      after: 7\n")
    flow = cb_flow(extra="    Retry:\n      - Errors: [Rejected]\n        MaxAttempts: 1\n        IntervalSeconds: 1\n")
    ex = execute(flow, {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output["got"] == {"second": "ok"}
    assert ex.clock == 13.0  # 5 + 1 + 7
    assert events_of(ex, "StepRetrying")[0]["detail"]["error"] == {"Code": "Rejected", "Detail": "first no"}


def test_scripted_callback_later_than_the_timeout_times_out():
    mocks = FN_OK + "callbacks:\n  T:\n    - succeed: {late: true}\n      after: 100\n"
    ex = execute(cb_flow(timeout="20"), {}, mocks)
    assert ex.status == "Failed" and ex.error.code == "FnF.TaskTimeout" and ex.clock == 20.0


def test_headless_run_with_no_answer_is_running_exit_3_and_lists_the_token():
    s = run_session(cb_flow(), {}, FN_OK)
    summary = summarize(s.execution)
    assert summary["status"] == "Running"
    assert exit_code(s.execution) == 3
    assert summary["output"] is None and summary["error"] is None
    [p] = summary["pending"]
    assert (p["state"], p["scope"], p["status"]) == ("T", "", "waiting")
    assert p["token"] == s.execution.records[0].token
    # answering through the session finishes it
    assert s.report(p["token"], succeeded=True, output={"late": 1}).accepted
    s.run_to_end()
    assert s.execution.status == "Succeeded"
    assert exit_code(s.execution) == 0


PAR_CB = H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Branches:
      - StartAt: Wait4Token
        States:
          - Type: Task
            Name: Wait4Token
            Action: FC:InvokeFunction
            TaskMode: WaitForCustomCallback
            Parameters:
              resourceArn: acs:fc:::functions/f
              invocationType: Async
              body:
                token.$: $Context.Current.TaskToken
            End: true
      - StartAt: Boom
        States:
          - Type: Task
            Name: Boom
            Action: HTTP:Request
            End: true
    Catch:
      - Errors: [Broken]
        Next: H
    End: true
  - Type: Pass
    Name: H
    End: true
"""


def test_token_of_a_cancelled_parallel_branch_is_refused():
    mocks = FN_OK + "states:\n  Boom:\n    - error: Broken\n      delay: 5\n"
    ex = execute(PAR_CB, {}, mocks, run=False)
    [p] = until_pending(ex)
    assert p.state == "Wait4Token" and p.scope == "P.Branch0"
    ex.run()
    assert ex.status == "Succeeded"  # the Parallel failed with Broken and its Catch went to H
    assert [r.state for r in ex.records][-1] == "H"
    assert ex.pending_tasks() == []
    res = ex.report(p.token, succeeded=True, output={})
    assert not res.accepted
    assert "stopped" in res.reason


def test_token_of_a_cancelled_map_iteration_is_refused():
    flow = H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    Processor:
      StartAt: Route
      States:
        - Type: Choice
          Name: Route
          Branches:
            - Condition: $Input == 1
              Next: Boom
          Default: Wait4Token
        - Type: Task
          Name: Boom
          Action: HTTP:Request
          End: true
        - Type: Task
          Name: Wait4Token
          Action: FC:InvokeFunction
          TaskMode: WaitForCustomCallback
          Parameters:
            resourceArn: acs:fc:::functions/f
            invocationType: Async
            body:
              token.$: $Context.Current.TaskToken
          End: true
    End: true
"""
    mocks = FN_OK + "states:\n  Boom:\n    - error: Broken\n      delay: 5\n"
    ex = execute(flow, {"items": [0, 1]}, mocks, run=False)
    [p] = until_pending(ex)
    assert p.scope == "M[0]"
    ex.run()
    assert ex.status == "Failed" and ex.error.code == "Broken"
    res = ex.report(p.token, succeeded=True, output={})
    assert not res.accepted and "stopped" in res.reason


def test_tokens_are_deterministic_for_a_seed():
    a = execute(cb_flow(), {}, FN_OK, seed=5).pending_tasks()[0].token
    b = execute(cb_flow(), {}, FN_OK, seed=5).pending_tasks()[0].token
    c = execute(cb_flow(), {}, FN_OK, seed=6).pending_tasks()[0].token
    assert a == b and a != c
    assert a.startswith("v1#t#test-exec#")


# -- missing mocks ------------------------------------------------------------------------------------------------------

def test_no_mock_for_a_function_is_a_backend_error_saying_how_to_add_one():
    ex = execute(fc_flow("acs:fc:cn-hangzhou:123:functions/ghost/LATEST", name="CallGhost"), {}, "", run=False)
    with pytest.raises(BackendError) as info:
        ex.run()
    msg = str(info.value)
    assert "'CallGhost'" in msg
    assert "ghost" in msg
    assert "functions:" in msg and "ghost:" in msg and "- body:" in msg


def test_no_mock_for_a_function_stops_the_session_with_the_message():
    s = run_session_allow_error(fc_flow("acs:fc:::services/svc/functions/ghost", name="CallGhost"))
    assert s.last_stop.reason == "error"
    assert "'CallGhost'" in s.last_stop.message and "ghost" in s.last_stop.message
    assert "'svc/ghost'" in s.last_stop.message  # the mock key to add


def run_session_allow_error(text):
    s = session(text, {}, "")
    s.run_to_end()
    return s


def test_no_state_mock_for_another_action_is_a_backend_error():
    flow = H + "StartAt: Send\nStates:\n  - Type: Task\n    Name: Send\n    Action: MNS:SendMessage\n    End: true\n"
    ex = execute(flow, {}, "", run=False)
    with pytest.raises(BackendError) as info:
        ex.run()
    msg = str(info.value)
    assert "'Send'" in msg and "MNS:SendMessage" in msg and "states:" in msg and "Send:" in msg


# -- other Actions --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("action,params,result", [
    ("HTTP:Request", "{url: 'https://example.com', method: POST, body: {a.$: $Input.a}}",
     {"Header": {"Content-Type": "text/plain"}, "Code": 201, "Body": "created"}),
    ("MNS:SendMessage", "{resourceArn: 'acs:mns:cn-hangzhou:123:/queues/q/messages', message.$: $Input}",
     {"MessageId": "m-1"}),
    ("EventBridge:PutEvents", "{eventBusName: bus, source: flow, type: t, data.$: $Input}",
     {"EventId": "e-1"}),
])
def test_other_actions_are_answered_by_state_mocks(action, params, result):
    flow = H + f"""StartAt: Call
States:
  - Type: Task
    Name: Call
    Action: {action}
    Parameters: {params}
    End: true
"""
    mocks = "states:\n  Call:\n    - result: " + json.dumps(result) + "\n"
    ex = execute(flow, {"a": 1}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == result
    sched = events_of(ex, "TaskScheduled", "Call")[0]["detail"]
    assert sched["action"] == action
    if action == "HTTP:Request":
        assert sched["parameters"]["body"] == {"a": 1}
    else:
        assert list(sched["parameters"].values())[-1] == {"a": 1}


def test_state_mock_error_is_a_state_error():
    flow = H + "StartAt: Call\nStates:\n  - Type: Task\n    Name: Call\n    Action: HTTP:Request\n    End: true\n"
    s = run_flow(flow, {}, "states:\n  Call:\n    - error: HTTP.Timeout\n      detail: upstream slow\n      delay: 3\n")
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "HTTP.Timeout", "detail": "upstream slow"}
    assert s["time"] == 3.0


def test_http_custom_callback_via_state_mock_and_scripted_callback():
    flow = H + """StartAt: Call
States:
  - Type: Task
    Name: Call
    Action: HTTP:Request
    TaskMode: WaitForCustomCallback
    Parameters:
      url: https://example.com/hook
      method: POST
      body:
        token.$: $Context.Current.TaskToken
    End: true
"""
    mocks = ("states:\n  Call:\n    - result: {Code: 200}\ncallbacks:\n  Call:\n    - succeed: {hooked: true}\n"
             "      after: 4\n")
    ex = execute(flow, {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == {"hooked": True}
    assert ex.clock == 4.0
    assert events_of(ex, "TaskScheduled")[0]["detail"]["parameters"]["body"]["token"] == ex.records[0].token


# -- more callback and mock-order cases -------------------------------------------------------------------------------

def test_function_mock_entries_are_consumed_across_states_in_call_order():
    from helpers.engine import flow, fn_task, read, SAMPLE_FLOWS
    text = flow(fn_task("A", "f", "B") + "\n" + fn_task("B", "f"), "A")
    ex = execute(text, {}, "functions:\n  f:\n    - body: first\n    - body: second\n")
    assert [r.result for r in ex.records] == [{"Body": "first"}, {"Body": "second"}]
    # the published sample's mocks say the Async submission is answered by the second entry (line 4)
    ex = execute(read(SAMPLE_FLOWS + "/seed-custom-callback.yaml"), {},
                 read(SAMPLE_FLOWS + "/seed-custom-callback.mocks.yaml"))
    assert [r.attempts[0]["response"]["meta"]["line"] for r in ex.records] == [3, 4]


def test_parallel_retry_stops_the_first_attempts_token():
    flow = H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Retry:
      - Errors: [Broken]
        MaxAttempts: 1
        IntervalSeconds: 2
    Branches:
      - StartAt: CB
        States:
          - Type: Task
            Name: CB
            Action: FC:InvokeFunction
            TaskMode: WaitForCustomCallback
            Parameters:
              resourceArn: acs:fc:::functions/f
              invocationType: Async
              body:
                t.$: $Context.Current.TaskToken
            End: true
      - StartAt: Boom
        States:
          - Type: Task
            Name: Boom
            Action: HTTP:Request
            End: true
    End: true
"""
    ex = execute(flow, {}, FN_OK + "states: {Boom: [{error: Broken, delay: 1}, {result: fine}]}")
    assert ex.waiting and ex.clock == 3.0
    old, new = list(ex.pending.values())
    assert (old.status, new.status) == ("stopped", "waiting")
    assert (old.since, new.since) == (0.0, 3.0)
    assert not ex.report(old.token, succeeded=True, output={"x": 1}).accepted
    assert ex.report(new.token, succeeded=True, output={"y": 1}).accepted
    ex.run()
    assert ex.output == {"Branch0": {"y": 1}, "Branch1": "fine"}


def test_callback_failure_in_an_inner_parallel_stops_its_siblings_and_outer_catch_applies():
    """Pitfall 19: outer Parallel catches customError; the inner Parallel's branch A waits on a token,
    branch B waits on another; A's token is reported failed."""
    def cb(name):
        return f"""                      - StartAt: {name}
                        States:
                          - Type: Task
                            Name: {name}
                            Action: HTTP:Request
                            TaskMode: WaitForCustomCallback
                            Parameters:
                              token.$: $Context.Current.TaskToken
                            End: true
"""
    flow = H + """StartAt: Outer
States:
  - Type: Parallel
    Name: Outer
    Catch:
      - Errors: [customError]
        Next: Handled
        OutputConstructor:
          detail.$: $Context.Current.Error.Detail
    Branches:
      - StartAt: Inner
        States:
          - Type: Parallel
            Name: Inner
            End: true
            Branches:
""" + cb("A") + cb("B") + """    End: true
  - Type: Pass
    Name: Handled
    End: true
"""
    ex = execute(flow, {}, "states: {A: [{result: {}}], B: [{result: {}}]}")
    assert ex.waiting
    tokens = {p.state: p.token for p in ex.pending_tasks()}
    assert sorted(tokens) == ["A", "B"]
    assert ex.report(tokens["A"], succeeded=False, error="customError", cause="A gave up").accepted
    ex.run()
    assert ex.status == "Succeeded"
    assert [r.state for r in ex.records][-1] == "Handled"
    assert "A gave up" in ex.output["detail"]
    late = ex.report(tokens["B"], succeeded=True, output={})
    assert not late.accepted and "stopped" in late.reason
    assert ex.pending_tasks() == []


def test_fail_state_stops_a_waiting_sibling_token():
    flow = H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Branches:
      - StartAt: CB
        States:
          - Type: Task
            Name: CB
            Action: HTTP:Request
            TaskMode: WaitForCustomCallback
            Parameters:
              token.$: $Context.Current.TaskToken
            End: true
      - StartAt: W
        States:
          - Type: Wait
            Name: W
            Seconds: 5
            Next: F
          - Type: Fail
            Name: F
            Code: Stop
    End: true
"""
    ex = execute(flow, {}, "states: {CB: [{result: {}}]}")
    assert ex.status == "Failed" and ex.error.code == "Stop" and ex.clock == 5.0
    [p] = [p for p in ex.pending.values()]
    assert p.status == "stopped"
    assert not ex.report(p.token, succeeded=True, output={}).accepted


def test_custom_callback_whose_submission_fails_is_task_submit_failed():
    s = run_flow(cb_flow(), {}, "functions: {f: [{error: FC.ResourceThrottled, detail: busy}]}")
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "FC.ResourceThrottled", "detail": "busy"}
    assert s["pending"] == []
    assert [e["type"] for e in s["events"] if e["state"] == "T"] == [
        "StepEntered", "TaskScheduled", "TaskSubmitFailed", "StepFailed"]


def test_report_output_must_be_json():
    ex = execute(cb_flow(), {}, FN_OK)
    [p] = ex.pending_tasks()
    res = ex.report(p.token, succeeded=True, output={"bad": object()})
    assert not res.accepted and "not JSON" in res.reason
    assert ex.pending_tasks()[0].status == "waiting"


def test_timeout_zero_means_never():
    ex = execute(fc_flow("acs:fc:::functions/f", extra="    Timeout: 0\n"), {}, "functions: {f: [{body: {}, delay: 500}]}")
    assert ex.status == "Succeeded" and ex.clock == 500.0
    ex = execute(cb_flow(timeout="0"), {}, FN_OK)
    assert ex.waiting and ex.pending_tasks()[0].timeout_at is None


def test_a_wait_out_of_range_says_whose_limit_it_is():
    """Express waits at most 20 s: said as the Express limit, in validation and at run time."""
    from flowdbg.engine.definition import parse_definition
    from flowdbg.engine.session import Session
    text = ("Type: StateMachine\nSpecVersion: v1\nStartAt: W\nStates:\n  - Name: W\n    Type: Wait\n"
            "    Seconds{}\n    End: true\n")
    [d] = parse_definition(text.format(": 60"), express=True).diagnostics
    assert d.message == ("state 'W': 'Seconds' is 60; it must be between 1 and 20 (the Express workflow limit, "
                         "--express; a Standard one waits up to 300 s)")
    [d] = parse_definition(text.format(": 400")).diagnostics
    assert d.message == "state 'W': 'Seconds' is 400; it must be between 1 and 300 (CloudFlow's limit for a Wait state)"
    s = Session(parse_definition(text.format(".$: $Input.s"), express=True), {"s": 60}, express=True)
    s.run_to_end()
    assert s.execution.error.detail == ("state 'W', Seconds.$: $Input.s gave 60; it must be an integer from 1 to 20 "
                                        "(the Express workflow limit, --express; a Standard one waits up to 300 s)")
