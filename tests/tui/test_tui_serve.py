"""The debugger on served, replayed and cloud executions:
`flowdbg serve --debug` (the executions screen, opening one, stepping it,
callbacks from the application), `flowdbg FLOW --replay` and
`flowdbg FLOW --cloud` (followed against a real `flowdbg serve`)."""
from __future__ import annotations

import asyncio
import json
import os

import pytest
from helpers.serve import APPROVAL, history, models, sdk_client, serve_process, task_token
from helpers.tui import SIZE, settle

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.replay import load_record, parse_record, replay_session
from flowdbg.engine.service import Endpoint, Service, ServeOptions
from flowdbg.tui.record_app import RecordApp
from flowdbg.tui.serve_app import ServeApp
from flowdbg.tui.widgets.status_bar import StatusBar

CLOUD_HISTORY = os.path.join("tests", "fixtures", "replay", "cloudflow-approval-rejected.history.json")
MOCKS = APPROVAL.replace(".yaml", ".mocks.yaml")


async def until(pilot, predicate, timeout: float = 20.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting in the TUI")
        await pilot.pause(0.1)


def status_text(app) -> str:
    return str(app.main.query_one(StatusBar).render())


def capture_notes(app) -> list[str]:
    notes: list[str] = []
    original = app.notify

    def notify(message, *a, **kw):
        notes.append(str(message))
        return original(message, *a, **kw)
    app.notify = notify
    return notes


@pytest.fixture
def served():
    service = Service(ServeOptions(debug=True, breaks=["WaitForApproval"]))
    service.add_flow(load_definition(APPROVAL), MOCKS)
    endpoint = Endpoint(service).start()
    yield service, endpoint
    endpoint.stop()
    service.close()


async def test_serve_debug_lists_opens_steps_and_takes_the_applications_callback(served):
    service, endpoint = served
    app = ServeApp(service, endpoint)
    sdk = sdk_client(endpoint.port)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ExecutionsScreen"
        await asyncio.to_thread(sdk.start_execution, models.StartExecutionRequest(
            flow_name="approval", execution_name="dbg-1", input='{"orderId": "D-1"}'))
        served_ex = service.store.executions[("approval", "dbg-1")]
        await until(pilot, lambda: served_ex.driver.parked == "breakpoint at WaitForApproval")
        await pilot.pause(0.3)
        table = app.screen.query_one("#executions")
        assert table.row_count == 1
        assert "breakpoint at WaitForApproval" in str(table.get_row_at(0)[3])
        await pilot.press("enter")
        await until(pilot, lambda: app.main is not None and app.main.ready)
        await settle(pilot)
        assert served_ex.driver.attached and app.session is served_ex.session
        assert "breakpoint at WaitForApproval" in status_text(app)
        await pilot.press("n")  # step over: the task is submitted and waits for its callback
        await settle(pilot)
        assert [p.state for p in app.session.execution.pending_tasks()] == ["WaitForApproval"]
        # The application answers, with the token it finds in the history.
        token = await asyncio.to_thread(task_token, sdk, "approval", "dbg-1", "WaitForApproval")
        await asyncio.to_thread(sdk.report_task_succeeded, models.ReportTaskSucceededRequest(
            task_token=token, output='{"by": "the app"}'))
        await until(pilot, lambda: not app.session.execution.pending_tasks())
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.session.execution.status == "Succeeded"
        body = await asyncio.to_thread(sdk.describe_execution, models.DescribeExecutionRequest(
            flow_name="approval", execution_name="dbg-1"))
        assert (body.body.status, json.loads(body.body.output)) == ("Succeeded",
                                                                     {"orderId": "D-1", "approvedBy": "the app"})
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExecutionsScreen" and not served_ex.driver.attached


async def test_a_detached_execution_goes_on_and_stop_execution_reaches_an_open_one(served):
    service, endpoint = served
    app = ServeApp(service, endpoint)
    sdk = sdk_client(endpoint.port)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("dbg-a", "dbg-b"):
            await asyncio.to_thread(sdk.start_execution, models.StartExecutionRequest(
                flow_name="approval", execution_name=name, input='{"orderId": "x"}'))
        a, b = (service.store.executions[("approval", n)] for n in ("dbg-a", "dbg-b"))
        await until(pilot, lambda: a.driver.parked and b.driver.parked)
        await pilot.pause(0.3)
        await pilot.press("enter")  # opens dbg-a, the first row
        await until(pilot, lambda: app.main is not None and app.main.ready)
        await settle(pilot)
        r = await asyncio.to_thread(sdk.stop_execution, models.StopExecutionRequest(
            flow_name="approval", execution_name="dbg-a", error="Cancelled"))
        await until(pilot, lambda: a.execution.status == "Stopped")
        assert r.body.status in ("Running", "Stopped")
        await pilot.press("l")
        await settle(pilot)
        # Leaving the breakpoint the driver goes on by itself: dbg-b, opened and left, waits for its callback.
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.main is not None and app.main.ready)
        await pilot.press("l")
        await until(pilot, lambda: b.execution.pending_tasks())
        assert b.running and not b.driver.parked


async def test_replay_opens_at_the_end_of_the_record_with_its_path():
    d = load_definition(APPROVAL)
    replay = replay_session(d, load_record(CLOUD_HISTORY))
    app = RecordApp(d, replay)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main is not None and app.session.execution.finished)
        await settle(pilot)
        ex = app.session.execution
        assert (ex.status, [r.state for r in ex.records]) == ("Failed", ["CheckOrder", "WaitForApproval", "Rejected"])
        assert "OrderRejected" in status_text(app)
        await pilot.press("u")  # back to the start, to step through it
        await settle(pilot)
        assert app.session.execution.steps == 0


async def test_replay_stops_where_the_edited_flow_diverges():
    text = open(APPROVAL, encoding="utf-8").read().replace("total.$: $Output.Body.total", "total.$: $Output.Body")
    d = parse_definition(text, "edited.yaml")
    app = RecordApp(d, replay_session(d, load_record(CLOUD_HISTORY)))
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main is not None and app.session.last_stop.reason == "diverged")
        await settle(pilot)
        assert "diverged from the record at CheckOrder" in status_text(app)
        assert any("its output differs — total: recorded 900" in n for n in notes)


async def test_cloud_follows_an_execution_and_sends_the_callback_given_by_hand():
    from flowdbg.engine.cloud import Cloud
    from flowdbg.engine.replay.follow import Follower
    from alibabacloud_credentials.client import Client
    from alibabacloud_credentials.models import Config

    with serve_process("--mocks", MOCKS) as srv:
        cloud = Cloud(endpoint=srv.url, credentials=Client(Config(type="access_key", access_key_id="k",
                                                                  access_key_secret="s")))
        d = load_definition(APPROVAL)
        cloud.deploy("approval", d.text, "")
        cloud.start("approval", {"orderId": "C-1"}, "cloud-1")
        replay = replay_session(d, parse_record(json.dumps(cloud.history("approval", "cloud-1"))), live=True)
        app = RecordApp(d, replay, Follower(cloud, "approval", "cloud-1", replay), poll=0.3)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.main is not None and app.session.execution.pending_tasks())
            await settle(pilot)
            assert "waiting for a callback: WaitForApproval" in status_text(app)
            await pilot.press("k")
            await settle(pilot)
            app.screen.query_one("#cb-output").load_text('{"by": "flowdbg --cloud"}')
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("escape")
            await until(pilot, lambda: app.session.execution.finished, timeout=30)
            await settle(pilot)
            assert app.session.execution.status == "Succeeded"
        sdk = srv.client()
        body = sdk.describe_execution(models.DescribeExecutionRequest(flow_name="approval",
                                                                      execution_name="cloud-1")).body
        assert (body.status, json.loads(body.output)) == ("Succeeded", {"orderId": "C-1",
                                                                         "approvedBy": "flowdbg --cloud"})
        assert [e.type for e in history(sdk, "approval", "cloud-1")][-1] == "ExecutionSucceeded"
