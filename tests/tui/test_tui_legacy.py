"""The debugger on legacy flows: the graph draws the steps with their lists (a choice's steps
under the keys the run gives them), stepping moves through them, the Record view shows
$input, $local, $context and every mapping, and a waitForCallback token is answered by hand."""
from __future__ import annotations

from pathlib import Path

from helpers.tui import SIZE, make_app, plain, press, settle

from flowdbg.tui.screens.callbacks_screen import CallbacksScreen
from flowdbg.tui.widgets.record_view import RecordView
from flowdbg.tui.widgets.state_graph import StateGraph

VSCODE = Path("sample_flows/legacy/vscode-mock-all-steps.yaml")
ML = Path("sample_flows/legacy/ml-pipeline.yaml")
SUBFLOW = Path("sample_flows/legacy/subflow-audit-main.yaml")


async def test_the_graph_draws_legacy_steps_and_follows_the_step():
    app = make_app(SUBFLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        assert {"triggerAudit", "check_status", "check_status.Choice0/auditPassedDoJobs",
                "notifyDeveloper"} <= set(graph.picture.boxes)
        await press(pilot, "s", "s", "s")
        s = app.main.session
        assert (s.last_stop.frame, s.last_stop.state) == ("check_status.Choice0", "auditPassedDoJobs")
        assert graph.marks.current == "check_status.Choice0/auditPassedDoJobs"


async def test_the_record_view_shows_the_mappings():
    app = make_app(ML)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "s", "s")  # StartTraining, Wait10s, GetTrainStatus, IsTrainComplete
        await press(pilot, "v")
        body = plain(app.main.query_one(RecordView).query_one("#record-body"))
        assert "just ran: #3 GetTrainStatus" in body
        assert "inputMappings" in body and 'action ← "get-train-status" = "get-train-status"' in body
        assert "default input" in body  # IsTrainComplete, paused before its mappings run
        assert '$local        {"status": "running"}  (the step\'s own)' in body  # GetTrainStatus's result


async def test_a_wait_for_callback_step_is_answered_by_hand(tmp_path):
    flow = tmp_path / "cb.yaml"
    flow.write_text(Path("/work/shared/realflows/wait-for-callback.yaml").read_text()
                    if Path("/work/shared/realflows/wait-for-callback.yaml").exists() else
                    "version: v1\ntype: flow\nsteps:\n  - type: task\n    name: test\n"
                    "    resourceArn: !Ref WaitForCallbackService/funcProxy\n    pattern: waitForCallback\n"
                    "    inputMappings:\n      - {target: taskToken, source: $context.task.token}\n")
    mocks = tmp_path / "cb.mocks.yaml"
    mocks.write_text("functions:\n  funcProxy: [{body: {}}]\n")
    app = make_app(flow, mocks=mocks, input={"serviceName": "svc", "functionName": "job"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert app.main.session.last_stop.reason == "waiting"
        await press(pilot, "k")
        dlg = app.screen
        assert isinstance(dlg, CallbacksScreen)
        token = app.main.session.execution.pending_tasks()[0].token
        assert dlg.query_one("#cb-token").value == token
        # the function got the token through its inputMappings
        assert app.main.session.execution.records[0].input["taskToken"] == token
        dlg.query_one("#cb-output").text = '{"result": "done"}'
        await settle(pilot)
        await press(pilot, "ctrl+s", "escape", "c")
        ex = app.main.session.execution
        assert (ex.status, ex.output) == ("Succeeded", {"result": "done"})


async def test_every_step_type_draws_at_80x24():
    app = make_app(VSCODE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert app.main.session.execution.status == "Succeeded"
        assert "CheckStatus.Choice0/OnSucceess" in app.main.query_one(StateGraph).picture.boxes


async def test_a_watch_and_a_breakpoint_condition_in_legacy_terms():
    from flowdbg.tui.screens.watch_screen import WatchScreen
    app = make_app(ML)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        dlg = app.screen
        assert isinstance(dlg, WatchScreen) and dlg.query_one("#watch-input").value == "$input."
        await pilot.press(*"$local.status")
        await press(pilot, "enter")
        s = app.main.session
        assert [w.expression for w in s.watches] == ["$local.status"]
        s.add_breakpoint("IsTrainComplete", condition='$input.status == "succeeded"')
        await press(pilot, "c")
        assert (s.last_stop.reason, s.last_stop.state) == ("breakpoint", "IsTrainComplete")
        assert s.execution.clock == 20.0  # the second poll, not the first (status running)


async def test_the_step_pane_says_what_a_legacy_step_will_do():
    app = make_app(ML)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = plain(app.main.query_one("#step").renderable)
        assert "Input (after inputMappings)" in text and "calls fnfDemoMLPipelineService/k8sActions" in text
        assert '"action": "train-model"' in text
        await press(pilot, "s", "s", "s", "s")  # at IsTrainComplete (the first poll says running)
        text = plain(app.main.query_one("#step").renderable)
        assert '3 $.status == "running" → true  ⇒ Wait10s' in text


async def test_the_outline_lists_a_choice_options_steps_under_it():
    app = make_app(VSCODE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "z")
        graph = app.main.query_one(StateGraph)
        rows = sorted((b.y, b.name) for b in graph.picture.boxes.values() if b.kind in ("state", "container"))
        names = [n for _, n in rows]
        assert names.index("CheckStatus") + 1 == names.index("OnSucceess")
        assert "CheckStatus.Choice0/OnSucceess" in graph.picture.boxes
