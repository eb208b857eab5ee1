"""`flowdbg serve` through Alibaba's official CloudFlow SDK (alibabacloud_fnf20190315),
against a real server process: every action, the error shapes the SDK
surfaces, callbacks answered with the token found in the history, paging."""
from __future__ import annotations

import json
import time

import pytest

from helpers import dedent, read
from helpers.serve import (APPROVAL, api_error, detail, history, models, serve_process, status, task_token,
                           wait_for)

EXPRESS = dedent("""
    Type: StateMachine
    Name: quick
    SpecVersion: v1
    StartAt: Double
    States:
      - Name: Double
        Type: Pass
        OutputConstructor:
          n.$: $Input.n
          done: true
        End: true
""")

FAILING = dedent("""
    Type: StateMachine
    Name: quick
    SpecVersion: v1
    StartAt: Boom
    States:
      - Name: Boom
        Type: Fail
        Code: Broken
        Detail: it broke
""")


@pytest.fixture(scope="module")
def srv():
    with serve_process(APPROVAL) as s:
        yield s


def start(c, name, inp=None, flow="approval"):
    return c.start_execution(models.StartExecutionRequest(flow_name=flow, execution_name=name,
                                                          input=json.dumps(inp or {"orderId": name}))).body


def describe(c, name, flow="approval", wait=None):
    return c.describe_execution(models.DescribeExecutionRequest(flow_name=flow, execution_name=name,
                                                                wait_time_seconds=wait)).body


# -- flows -----------------------------------------------------------------------------------------
def test_the_flow_given_on_the_command_line_exists_by_its_name(srv):
    body = srv.client().describe_flow(models.DescribeFlowRequest(name="approval")).body
    assert body.name == "approval" and body.type == "FDL" and body.definition == read(APPROVAL)
    assert body.request_id and body.created_time.endswith("Z")


def test_create_describe_update_list_delete(srv):
    c = srv.client()
    made = c.create_flow(models.CreateFlowRequest(name="quick", definition=EXPRESS, description="doubles n",
                                                  type="FDL", execution_mode="Express")).body
    assert (made.name, made.description, made.execution_mode) == ("quick", "doubles n", "Express")
    e = api_error(c.create_flow, models.CreateFlowRequest(name="quick", definition=EXPRESS, description="",
                                                          type="FDL"))
    assert (e.status_code, e.code) == (409, "FlowAlreadyExists") and "quick" in e.message
    up = c.update_flow(models.UpdateFlowRequest(name="quick", description="now fails", definition=FAILING)).body
    assert up.description == "now fails" and up.definition == FAILING
    assert up.last_modified_time >= up.created_time
    names = [f.name for f in c.list_flows(models.ListFlowsRequest()).body.flows]
    assert names == ["approval", "quick"]
    page = c.list_flows(models.ListFlowsRequest(limit=1)).body
    assert [f.name for f in page.flows] == ["approval"] and page.next_token == "quick"
    page2 = c.list_flows(models.ListFlowsRequest(limit=1, next_token=page.next_token)).body
    assert [f.name for f in page2.flows] == ["quick"] and not page2.next_token
    sync = c.start_sync_execution(models.StartSyncExecutionRequest(flow_name="quick", input="{}")).body
    assert (sync.status, sync.error_code, sync.error_message) == ("Failed", "Broken", "it broke")
    c.delete_flow(models.DeleteFlowRequest(name="quick"))
    e = api_error(c.describe_flow, models.DescribeFlowRequest(name="quick"))
    assert (e.status_code, e.code, e.data["Message"]) == (404, "FlowNotExists", "Flow quick does not exist.")
    assert e.data["RequestId"] and e.data["HostId"] == f"127.0.0.1:{srv.port}"


def test_a_bad_definition_is_refused_with_its_diagnostics(srv):
    c = srv.client()
    bad = EXPRESS.replace("Name: quick", "Name: broken").replace("End: true", "Next: Nowhere")
    e = api_error(c.create_flow, models.CreateFlowRequest(name="broken", definition=bad, description="",
                                                          type="FDL"))
    assert (e.status_code, e.code) == (400, "InvalidArgument")
    assert "Definition:11:11:" in e.message and "Nowhere" in e.message
    e = api_error(c.create_flow, models.CreateFlowRequest(name="other", definition=EXPRESS, description="",
                                                          type="FDL"))
    assert e.code == "InvalidArgument" and "'quick'" in e.message and "'other'" in e.message
    e = api_error(c.create_flow, models.CreateFlowRequest(name="9lives", definition=EXPRESS, description="",
                                                          type="FDL"))
    assert e.code == "InvalidArgument" and "9lives" in e.message
    e = api_error(c.create_flow, models.CreateFlowRequest(name="quick", definition=EXPRESS, type="FDL"))
    assert (e.code, e.data["Message"]) == ("MissingRequiredParams", "The HTTP query 'Description' must be specified.")
    e = api_error(c.create_flow, models.CreateFlowRequest(name="quick", definition=EXPRESS, description="",
                                                          type="YAML"))
    assert e.code == "InvalidArgument" and "FDL" in e.message


def test_express_and_standard_starts_are_not_interchangeable(srv):
    c = srv.client()
    e = api_error(c.start_sync_execution, models.StartSyncExecutionRequest(flow_name="approval", input="{}"))
    assert e.code == "InvalidArgument" and "StartExecution" in e.message
    c.create_flow(models.CreateFlowRequest(name="quick", definition=EXPRESS, description="", type="FDL",
                                           execution_mode="Express"))
    try:
        e = api_error(c.start_execution, models.StartExecutionRequest(flow_name="quick", input="{}"))
        assert e.code == "InvalidArgument" and "StartSyncExecution" in e.message
        r = c.start_sync_execution(models.StartSyncExecutionRequest(flow_name="quick", execution_name="q1",
                                                                    input='{"n": 21}')).body
        assert (r.status, json.loads(r.output), r.name, r.flow_name) == ("Succeeded", {"n": 21, "done": True}, "q1", "quick")
        assert r.stopped_time >= r.started_time
    finally:
        c.delete_flow(models.DeleteFlowRequest(name="quick"))


# -- executions and callbacks ---------------------------------------------------------------------------------
def test_report_task_succeeded_with_the_token_from_the_history(srv):
    c = srv.client()
    body = start(c, "order-ok", {"orderId": "A-1"})
    assert (body.name, body.flow_name, body.status) == ("order-ok", "approval", "Running")
    assert json.loads(body.input) == {"orderId": "A-1"} and body.flow_definition == read(APPROVAL)
    token = task_token(c, "approval", "order-ok", "WaitForApproval")
    scheduled = next(e for e in history(c, "approval", "order-ok") if e.type == "TaskScheduled"
                     and e.step_name == "WaitForApproval")
    assert detail(scheduled)["parameters"] == {
        "resourceArn": "acs:fc:cn-hangzhou:123456789:functions/ask-manager/LATEST", "invocationType": "Async",
        "body": {"orderId": "A-1", "total": 1500, "callbackToken": token}}
    assert status(c, "approval", "order-ok") == "Running"
    r = c.report_task_succeeded(models.ReportTaskSucceededRequest(task_token=token,
                                                                  output='{"by": "manager@example.com"}')).body
    assert r.event_id == scheduled.event_id and r.request_id
    done = describe(c, "order-ok", wait=10)
    assert done.status == "Succeeded"
    assert json.loads(done.output) == {"orderId": "A-1", "approvedBy": "manager@example.com"}
    assert done.stopped_time >= done.started_time
    events = history(c, "approval", "order-ok")
    types = [e.type for e in events]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    succeeded = next(e for e in events if e.type == "TaskSucceeded" and e.step_name == "WaitForApproval")
    assert succeeded.schedule_event_id == scheduled.event_id
    assert detail(succeeded) == {"output": {"by": "manager@example.com"}}
    assert [e.event_id for e in events] == list(range(1, len(events) + 1))
    # The same token again: the task has completed.
    e = api_error(c.report_task_succeeded, models.ReportTaskSucceededRequest(task_token=token, output="{}"))
    assert (e.status_code, e.code) == (400, "TaskAlreadyCompleted") and token in e.message


def test_report_task_failed_goes_through_catch_to_the_fail_state(srv):
    c = srv.client()
    start(c, "order-no")
    token = task_token(c, "approval", "order-no", "WaitForApproval")
    c.report_task_failed(models.ReportTaskFailedRequest(task_token=token, error="Rejected", cause="too expensive"))
    assert describe(c, "order-no", wait=10).status == "Failed"
    events = history(c, "approval", "order-no")
    failed = next(e for e in events if e.type == "TaskFailed")
    assert (failed.step_name, detail(failed)) == ("WaitForApproval",
                                                  {"error": {"Code": "Rejected", "Detail": "too expensive"}})
    last = events[-1]
    assert last.type == "ExecutionFailed"
    assert detail(last) == {"error": {"Code": "OrderRejected", "Detail": "the manager rejected the order"}}


def test_bad_reports_are_refused_as_the_service_does(srv):
    c = srv.client()
    e = api_error(c.report_task_succeeded, models.ReportTaskSucceededRequest(task_token="v1#nope", output="{}"))
    assert (e.status_code, e.code) == (400, "InvalidArgument") and "v1#nope" in e.message
    start(c, "order-bad")
    token = task_token(c, "approval", "order-bad", "WaitForApproval")
    e = api_error(c.report_task_succeeded, models.ReportTaskSucceededRequest(task_token=token, output="not json"))
    assert e.code == "InvalidArgument" and "JSON" in e.message
    e = api_error(c.report_task_succeeded, models.ReportTaskSucceededRequest(task_token=token, output="[1]"))
    assert e.code == "InvalidArgument" and "object" in e.message
    e = api_error(c.report_task_failed, models.ReportTaskFailedRequest(task_token=token, error="x" * 129))
    assert e.code == "InvalidArgument"
    assert status(c, "approval", "order-bad") == "Running"  # nothing was applied


def test_execution_names(srv):
    c = srv.client()
    first = start(c, "same-name")
    again = start(c, "same-name", {"orderId": "other input"})  # running: the ongoing execution comes back
    assert again.started_time == first.started_time and json.loads(again.input) == {"orderId": "same-name"}
    token = task_token(c, "approval", "same-name", "WaitForApproval")
    c.report_task_succeeded(models.ReportTaskSucceededRequest(task_token=token, output='{"by": "x"}'))
    assert describe(c, "same-name", wait=10).status == "Succeeded"
    e = api_error(c.start_execution, models.StartExecutionRequest(flow_name="approval", execution_name="same-name"))
    assert (e.status_code, e.code) == (400, "ExecutionAlreadyExists")
    generated = c.start_execution(models.StartExecutionRequest(flow_name="approval", input="{}")).body
    assert len(generated.name) == 36  # a UUID, as the service names executions
    e = api_error(c.start_execution, models.StartExecutionRequest(flow_name="approval", execution_name="bad name"))
    assert e.code == "InvalidArgument"
    e = api_error(c.start_execution, models.StartExecutionRequest(flow_name="nope", execution_name="x"))
    assert (e.status_code, e.code) == (404, "FlowNotExists")
    e = api_error(c.start_execution, models.StartExecutionRequest(flow_name="approval", input="[1, 2]"))
    assert e.code == "InvalidArgument" and "object" in e.message
    e = api_error(c.describe_execution, models.DescribeExecutionRequest(flow_name="approval", execution_name="nope"))
    assert (e.status_code, e.code, e.message.split(", ", 1)[1].split(" request id")[0]) == (
        404, "ExecutionNotExists", "Execution nope for flow approval does not exist.")


def test_stop_execution(srv):
    c = srv.client()
    start(c, "to-stop")
    task_token(c, "approval", "to-stop", "WaitForApproval")
    r = c.stop_execution(models.StopExecutionRequest(flow_name="approval", execution_name="to-stop",
                                                     error="Cancelled", cause="the customer cancelled")).body
    assert (r.name, r.status) == ("to-stop", "Stopped") and r.stopped_time
    last = history(c, "approval", "to-stop")[-1]
    assert last.type == "ExecutionStopped" and "the customer cancelled" in last.event_detail
    e = api_error(c.stop_execution, models.StopExecutionRequest(flow_name="approval", execution_name="to-stop"))
    assert (e.status_code, e.code) == (400, "ExecutionAlreadyCompleted")


def test_list_executions_pages_and_filters(srv):
    c = srv.client()
    for i in range(5):
        start(c, f"page-{i}")
    for i in range(5):
        task_token(c, "approval", f"page-{i}", "WaitForApproval")
    c.stop_execution(models.StopExecutionRequest(flow_name="approval", execution_name="page-3"))
    seen, token = [], None
    while True:
        body = c.list_executions(models.ListExecutionsRequest(flow_name="approval", execution_name_prefix="page-",
                                                              limit=2, next_token=token)).body
        assert len(body.executions) <= 2
        seen += [(e.name, e.status) for e in body.executions]
        token = body.next_token
        if not token:
            break
    assert seen == [("page-0", "Running"), ("page-1", "Running"), ("page-2", "Running"), ("page-3", "Stopped"),
                    ("page-4", "Running")]
    stopped = c.list_executions(models.ListExecutionsRequest(flow_name="approval", status="Stopped",
                                                             execution_name_prefix="page-")).body
    assert [e.name for e in stopped.executions] == ["page-3"]
    meta = c.list_executions(models.ListExecutionsRequest(flow_name="approval", execution_name_prefix="page-0",
                                                          metadata_only=True)).body.executions[0]
    assert meta.name == "page-0" and meta.input is None and meta.flow_definition is None
    full = c.list_executions(models.ListExecutionsRequest(flow_name="approval",
                                                          execution_name_prefix="page-0")).body.executions[0]
    assert json.loads(full.input) == {"orderId": "page-0"}
    future = c.list_executions(models.ListExecutionsRequest(flow_name="approval", execution_name_prefix="page-",
                                                            started_time_begin="2999-01-01T00:00:00Z")).body
    assert future.executions == []
    e = api_error(c.list_executions, models.ListExecutionsRequest(flow_name="approval", limit=100))
    assert e.code == "InvalidArgument" and "99" in e.message
    e = api_error(c.list_executions, models.ListExecutionsRequest(flow_name="approval", next_token="no-such"))
    assert e.code == "InvalidArgument"


def test_history_pages(srv):
    c = srv.client()
    start(c, "paged")
    task_token(c, "approval", "paged", "WaitForApproval")
    everything = c.get_execution_history(models.GetExecutionHistoryRequest(
        flow_name="approval", execution_name="paged", limit=999)).body
    assert not everything.next_token
    ids, token = [], None
    while True:
        body = c.get_execution_history(models.GetExecutionHistoryRequest(
            flow_name="approval", execution_name="paged", limit=3, next_token=token)).body
        assert len(body.events) <= 3
        ids += [e.event_id for e in body.events]
        token = body.next_token
        if not token:
            break
    assert ids == [e.event_id for e in everything.events] and len(ids) > 3


def test_describe_execution_long_polls(srv):
    c = srv.client()
    start(c, "long-poll")
    token = task_token(c, "approval", "long-poll", "WaitForApproval")
    t0 = time.monotonic()
    assert describe(c, "long-poll", wait=1).status == "Running"
    assert time.monotonic() - t0 >= 0.9

    import threading
    threading.Timer(0.5, lambda: c.report_task_succeeded(
        models.ReportTaskSucceededRequest(task_token=token, output='{"by": "x"}'))).start()
    t0 = time.monotonic()
    assert describe(c, "long-poll", wait=30).status == "Succeeded"
    assert time.monotonic() - t0 < 10
    e = api_error(c.describe_execution, models.DescribeExecutionRequest(flow_name="approval",
                                                                        execution_name="long-poll",
                                                                        wait_time_seconds=61))
    assert e.code == "InvalidArgument"


def test_request_level_errors(srv):
    import httpx
    r = httpx.get(srv.url + "/", params={"Action": "CreateSchedule", "Version": "2019-03-15"})
    assert r.status_code == 400 and r.json()["Code"] == "ActionNotSupported"
    assert set(r.json()) == {"RequestId", "HostId", "Code", "Message"}
    r = httpx.get(srv.url + "/", params={"Action": "ListFlows", "Version": "2015-01-01"})
    assert r.status_code == 400 and r.json()["Code"] == "APIVersionNotSupported"
    r = httpx.post(srv.url + "/", params={"Action": "CreateFlow", "Version": "2019-03-15"},
                   content=b"x" * (1024 * 1024 + 1), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["Code"] == "EntityTooLarge"
    r = httpx.get(srv.url + "/", params={"Version": "2019-03-15"})
    assert r.status_code == 400 and r.json()["Code"] == "MissingRequiredParams"
    assert r.headers["x-acs-request-id"] == r.json()["RequestId"]
