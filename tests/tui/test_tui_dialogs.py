"""Dialogs and error paths: callbacks, watches, input, diagnostics, mocks."""
from __future__ import annotations

import json
import shutil

from helpers.tui import (BROKEN_FLOW, CALLBACK_FLOW, CHOICE_FLOW, MAP_FLOW, SIZE, START,  # noqa: F401
                              callback_mocks, make_app, on_screen, plain, press, screen_lines, settle, toasts)

from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import MockFile
from flowdbg.engine.session import Session
from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.screens.callbacks_screen import CallbacksScreen
from flowdbg.tui.screens.diagnostics_screen import DiagnosticsScreen
from flowdbg.tui.screens.error_screen import ErrorScreen
from flowdbg.tui.screens.input_screen import InputScreen
from flowdbg.tui.screens.main_screen import MainScreen
from flowdbg.tui.screens.watch_screen import WatchScreen
from flowdbg.tui.widgets.watch_list import WatchList


async def _to_waiting(pilot):
    await settle(pilot)
    await press(pilot, "c")
    assert pilot.app.main.session.last_stop.reason == "waiting"


async def test_callbacks_dialog_sends_success(tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        assert any("Press k to answer" in t for t in toasts(app))
        await press(pilot, "k")
        dlg = app.screen
        assert isinstance(dlg, CallbacksScreen)
        token = app.main.session.execution.pending_tasks()[0].token
        assert dlg.query_one("#cb-token").value == token
        out = dlg.query_one("#cb-output")
        out.text = '{"approved": '  # invalid: the send button is disabled
        await settle(pilot)
        assert dlg.query_one("#cb-send-ok").disabled
        await press(pilot, "ctrl+s")
        assert "not valid JSON" in str(dlg.query_one("#cb-result").render())
        assert app.main.session.execution.pending_tasks()
        out.text = '{"approved": true}'
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert "accepted" in str(dlg.query_one("#cb-result").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        await press(pilot, "c")
        ex = app.main.session.execution
        assert ex.status == "Succeeded" and ex.output == {"approved": True}


async def test_step_back_to_a_wait_says_the_recorded_answer_replays_and_f_forgets_it(tmp_path):
    from flowdbg.tui.widgets.status_bar import StatusBar
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        s = app.main.session
        await press(pilot, "k")
        dlg = app.screen
        assert dlg.focused is dlg.query_one("#cb-output")  # the answer is typed first
        assert not dlg.query_one("#cb-future-row").display
        dlg.query_one("#cb-output").text = '{"approved": true}'
        await settle(pilot)
        await press(pilot, "ctrl+s")
        status = str(app.main.query_one(StatusBar).render())
        assert "callback answered" in status  # updated at once, behind the dialog
        await press(pilot, "escape", "c")
        assert s.execution.status == "Succeeded"
        await press(pilot, "u")  # back to the wait: the answer is in the journal
        assert s.last_stop.reason == "waiting" and s.future_inputs()
        status = str(app.main.query_one(StatusBar).render())
        assert ("waiting: an example of asynchronous function invocation. — a recorded ReportTaskSucceeded "
                "will be replayed when you continue (f forgets it)") in status
        assert status.index("#") < status.index("waiting")  # the step number is never the part cut off
        assert any("will be replayed when you continue" in t for t in toasts(app))
        await press(pilot, "k")
        dlg = app.screen
        assert dlg.query_one("#cb-future-row").display
        future = str(dlg.query_one("#cb-future").render())
        assert 'ReportTaskSucceeded for an example of asynchronous function invocation. (output {"approved": true})' \
            in future and "will be replayed when you continue" in future
        assert on_screen(dlg.query_one("#cb-forget"))
        await press(pilot, "escape")
        await press(pilot, "c")  # replays it
        assert s.execution.status == "Succeeded" and s.execution.output == {"approved": True}
        await press(pilot, "u", "f")  # ... or forget it
        assert not s.future_inputs()
        assert any("Forgot a recorded ReportTaskSucceeded" in t for t in toasts(app))
        status = str(app.main.query_one(StatusBar).render())
        assert "waiting for a callback" in status and "recorded" not in status
        await press(pilot, "c")
        assert s.last_stop.reason == "waiting" and s.execution.status == "Running"
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert "Forget recorded future" in titles


async def test_callbacks_dialog_forgets_the_recorded_answer(tmp_path):
    from flowdbg.tui.widgets.status_bar import StatusBar
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        s = app.main.session
        tok = s.execution.pending_tasks()[0].token
        s.report(tok, succeeded=False, error="Rejected", cause="no")
        await press(pilot, "c", "u", "k")
        dlg = app.screen
        assert "ReportTaskFailed" in str(dlg.query_one("#cb-future").render())
        assert "(error Rejected: no)" in str(dlg.query_one("#cb-future").render())
        await pilot.click("#cb-forget")
        await settle(pilot)
        assert not s.future_inputs() and not dlg.query_one("#cb-future-row").display
        assert "forgot 1 recorded input" in str(dlg.query_one("#cb-result").render())
        assert "waiting for a callback" in str(app.main.query_one(StatusBar).render())  # updated behind


async def test_callbacks_dialog_tab_order(tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        await press(pilot, "k")
        dlg = app.screen
        order = []
        for _ in range(5):
            order.append(dlg.focused.id)
            await press(pilot, "tab")
        assert order == ["cb-output", "cb-send-ok", "cb-error", "cb-cause", "cb-send-fail"]


async def test_callbacks_dialog_shows_refusals(tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        await press(pilot, "k")
        dlg = app.screen
        token = dlg.query_one("#cb-token").value
        await press(pilot, "ctrl+f")  # no error code: checked before sending
        assert "needs an error code" in str(dlg.query_one("#cb-result").render())
        dlg.query_one("#cb-error").value = "Rejected"
        dlg.query_one("#cb-cause").value = "manager said no"
        dlg.query_one("#cb-token").value = "v1#nope"
        await press(pilot, "ctrl+f")
        assert "refused: unknown task token" in str(dlg.query_one("#cb-result").render())
        dlg.query_one("#cb-token").value = token
        await press(pilot, "ctrl+f")
        assert "ReportTaskFailed accepted" in str(dlg.query_one("#cb-result").render())
        await press(pilot, "ctrl+f")  # the same token again
        assert "refused" in str(dlg.query_one("#cb-result").render())
        assert "already answered" in str(dlg.query_one("#cb-result").render())
        await press(pilot, "escape", "c")
        ex = app.main.session.execution
        assert ex.status == "Failed" and ex.error.code == "Rejected"


async def test_watch_add_and_error():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n")
        await press(pilot, "w")
        await pilot.press(*"$Input.ObjectSize", "enter")
        await settle(pilot)
        s = app.main.session
        assert [w.expression for w in s.watches] == ["$Input.ObjectSize"]
        assert s.watches[0].value == 2048
        table = app.main.query_one(WatchList)
        assert "2048" in str(table.get_row_at(0)[1])
        await press(pilot, "w")
        assert str(app.screen.query_one("#watch-status").render()) == ""  # the offered $Input. is no error yet
        await pilot.press(*"$Input.(", "enter")  # a syntax error: the dialog stays, with the text and the error
        await settle(pilot)
        assert len(s.watches) == 1
        assert isinstance(app.screen, WatchScreen)
        assert app.screen.query_one("#watch-input").value == "$Input.("
        assert "✗" in str(app.screen.query_one("#watch-status").render())
        assert "fix it, or Escape to cancel" in str(app.screen.query_one("#watch-status").render())
        assert toasts(app) == []  # said in the dialog, no toast over it
        await press(pilot, "backspace")  # fixed in place
        await pilot.press(*"Threshold", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert [w.expression for w in s.watches] == ["$Input.ObjectSize", "$Input.Threshold"]
        s.remove_watch(1)
        await press(pilot, "w")
        await pilot.press(*"$Input.nope", "enter")  # compiles, fails at this step
        await settle(pilot)
        assert s.watches[1].error
        assert "nope" in str(table.get_row_at(1)[1])
        table.focus()
        table.move_cursor(row=1)
        await press(pilot, "x")
        assert len(s.watches) == 1


async def test_input_modal_validates_and_remembers(tmp_path):
    store = tmp_path / "inputs.json"
    d = load_definition(str(CHOICE_FLOW))
    app = FlowdbgApp(d, mocks=MockFile(), start_time=START, inputs_store=str(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dlg = app.screen
        assert isinstance(dlg, InputScreen)
        editor = dlg.query_one("#input-editor")
        editor.text = '{"Threshold": '
        await settle(pilot)
        assert dlg.query_one("#input-start").disabled
        assert "line 1" in str(dlg.query_one("#input-status").render())
        editor.text = "[1, 2]"
        await settle(pilot)
        assert "must be a JSON object {…}, not an array" in str(dlg.query_one("#input-status").render())
        editor.text = '{"Threshold": 10}'
        await settle(pilot)
        assert not dlg.query_one("#input-start").disabled
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert app.main.session.execution.input == {"Threshold": 10}
    saved = json.loads(store.read_text())
    assert list(saved.values()) == [{"Threshold": 10}]
    # next time, the editor starts with it
    app2 = FlowdbgApp(d, mocks=MockFile(), start_time=START, inputs_store=str(store))
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert json.loads(app2.screen.query_one("#input-editor").text) == {"Threshold": 10}


async def test_input_editor_starts_from_the_sibling_input_file_and_one_escape_quits(tmp_path):
    d = load_definition(str(CHOICE_FLOW))
    app = FlowdbgApp(d, mocks=MockFile(), start_time=START, inputs_store=str(tmp_path / "none.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dlg = app.screen
        assert isinstance(dlg, InputScreen)
        sibling = "sample_flows/seed-result-choice.input.json"
        assert json.loads(dlg.query_one("#input-editor").text) == json.loads(open(sibling).read())
        assert f"Filled in from {sibling}" in str(dlg.query_one("#input-note").render())
        assert dlg.focused is dlg.query_one("#input-editor")
        await pilot.press("escape")  # one is enough, even from inside the editor
        await settle(pilot)
        assert app.return_value == 0 and not app.is_running


async def test_resume_with_nothing_saved_says_so_before_asking_for_input(tmp_path):
    from flowdbg.engine.session import SessionError
    d = load_definition(str(CHOICE_FLOW))

    def resume(defn):
        raise SessionError(f"no saved session for {defn.path} yet")
    app = FlowdbgApp(d, mocks=MockFile(), start_time=START, inputs_store=None, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)  # first, not behind the input editor
        assert "no saved session" in plain(app.screen.query_one("#error-message"))
        await press(pilot, "enter")
        assert isinstance(app.screen, InputScreen)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)  # and it is not shown a second time


async def test_diagnostics_screen_and_reload(tmp_path):
    flow = tmp_path / "broken.yaml"
    shutil.copy(BROKEN_FLOW, flow)
    d = load_definition(str(flow))
    assert d.flow is None
    app = FlowdbgApp(d, input={}, mocks=MockFile(), start_time=START, inputs_store=None, diagnostics_poll=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scr = app.screen
        assert isinstance(scr, DiagnosticsScreen)
        text = "\n".join(plain(w) for w in scr.query(".diagnostic"))
        assert "line 7, column 3" in text
        assert "'-Name:' is not a list item" in text
        assert "hint: write '- Name:'" in text
        assert "-Name: an example of synchronous" in text  # the source line itself
        flow.write_text(flow.read_text().replace("  -Name:", "  - Name:"))
        # app.screen is the main screen as soon as it is pushed; wait until
        # its panes are mounted and filled, or the test would end mid-mount
        for _ in range(100):
            await pilot.pause(0.05)
            if app.main is not None and app.main.ready:
                break
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.main.ready
        assert app.main.session.definition.flow is not None
        # the panes on screen are filled (the Step pane shows what the first state will do)
        assert "Will do" in plain(app.main.query_one("#step").renderable)


async def test_missing_mock_is_a_notification_not_a_crash():
    app = make_app(MAP_FLOW, mocks=None)  # no mock for the 'ship' function
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        s = app.main.session
        assert s.last_stop.reason == "error"
        assert any("no mock answers it" in t for t in toasts(app))
        assert s.execution.status == "Running"  # the session is intact
        await press(pilot, "u")
        assert isinstance(app.screen, MainScreen)


def _orders_copy(tmp_path):
    """map-orders in tmp_path, with no mock file beside it yet."""
    flow = tmp_path / "orders.yaml"
    shutil.copy(MAP_FLOW, flow)
    return flow


async def test_missing_mock_names_the_file_and_creating_it_fixes_the_run(tmp_path):
    flow = _orders_copy(tmp_path)
    app = make_app(flow, mocks=None, input={"orders": [{"id": "A", "total": 10}]})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        s = app.main.session
        assert s.last_stop.reason == "error"
        mock_path = str(tmp_path / "orders.mocks.yaml")
        assert app.mocks_path == mock_path
        assert any("no mock answers it" in t and f"Mock file: {mock_path}" in t and "Create it" in t
                   for t in toasts(app))
        (tmp_path / "orders.mocks.yaml").write_text("functions:\n  ship:\n    - body: {shipped: true}\n")
        await press(pilot, "c")  # checked before the verb: no need to wait for the timer
        assert any("Mock file reloaded" in t for t in toasts(app))
        assert s.execution.status == "Succeeded"
        assert s.execution.output == {"shipped": 1}


async def test_edited_mock_file_is_reloaded_on_a_timer_and_a_broken_edit_is_refused(tmp_path):
    flow = _orders_copy(tmp_path)
    mocks = tmp_path / "orders.mocks.yaml"
    mocks.write_text("functions:\n  ship:\n    - error: Ship.Down\n")
    app = make_app(flow, input={"orders": [{"id": "A", "total": 10}]}, mock_poll=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.main.session
        await press(pilot, "c")
        assert s.execution.status == "Failed" and s.execution.error.code == "Ship.Down"
        mocks.write_text("functions:\n  ship:\n    - bodyy: 1\n")  # broken
        await pilot.pause(0.3)
        assert any(f"{mocks}:3:7:" in t and "('bodyy' on line 3 is not it: it is spelt 'body')" in t and "stay in use" in t
                   for t in toasts(app))
        assert [e.data for e in s.mocks.functions["ship"]] == [{"error": "Ship.Down"}]  # the old mocks
        mocks.write_text("functions:\n  ship:\n    - body: {shipped: true}\n")
        await pilot.pause(0.3)
        assert any("Mock file reloaded" in t for t in toasts(app))
        await press(pilot, "r", "y", "c")
        assert s.execution.status == "Succeeded"


async def test_mock_file_edited_while_the_input_is_asked_is_used(tmp_path):
    flow = _orders_copy(tmp_path)
    mocks = tmp_path / "orders.mocks.yaml"
    mocks.write_text("functions:\n  ship:\n    - error: Ship.Down\n")
    from flowdbg.engine.mocks import load_mocks
    d = load_definition(str(flow))
    app = FlowdbgApp(d, mocks=load_mocks(str(mocks)), start_time=START, inputs_store=None, mock_poll=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InputScreen)
        mocks.write_text("functions:\n  ship:\n    - body: {shipped: true}\n")
        await pilot.pause(0.3)  # the timer runs while there is no session yet
        app.screen.query_one("#input-editor").text = '{"orders": [{"id": "A", "total": 10}]}'
        await settle(pilot)
        await press(pilot, "ctrl+s", "c")
        assert any("Mock file reloaded" in t for t in toasts(app))
        assert app.main.session.execution.status == "Succeeded"


async def test_broken_mock_file_is_shown_in_an_error_modal():
    d = load_definition(str(CHOICE_FLOW))
    s = Session(d, {}, start_time=START)
    app = FlowdbgApp(d, session=s, inputs_store=None,
                     startup_errors=[("The mock file has errors", "m.yaml:3:5: error: unknown field 'bodyy'")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "unknown field" in plain(app.screen.query_one("#error-message"))
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)


async def test_help_screen_and_command_palette_commands():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await press(pilot, "escape")
        titles = [c.title for c in app.get_system_commands(app.main)]
        for t in ("Continue", "Step over", "Step into", "Step out", "Step back", "Restart", "Callbacks",
                  "Toggle breakpoint", "Add watch", "Run to the selected state", "Skip to the next timer"):
            assert t in titles
        cmd = next(c for c in app.get_system_commands(app.main) if c.title == "Step over")
        cmd.callback()
        await settle(pilot)
        assert app.main.session.last_stop.state == "Example 1 of function invocation."


async def test_help_scrolls_with_the_keyboard_to_the_panes():
    from flowdbg.tui.screens.help_screen import HelpScreen
    for size in (SIZE, (80, 24)):
        app = make_app(CHOICE_FLOW)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            scroll = app.screen.query_one("#help-scroll")
            assert scroll.has_focus and scroll.max_scroll_y > 0
            last = "flowdbg FLOW --resume"  # in "What the graph shows", at the end
            assert not any(last in line for line in screen_lines(app))
            await press(pilot, "pagedown")
            assert scroll.scroll_y > 0
            await press(pilot, "home")
            assert scroll.scroll_y == 0
            await press(pilot, "down")
            assert scroll.scroll_y == 1
            await press(pilot, "end")
            assert scroll.scroll_y == scroll.max_scroll_y
            assert any(last in line for line in screen_lines(app)), size
            await press(pilot, "escape")
            assert isinstance(app.screen, MainScreen)


async def test_callback_over_http_reaches_the_session(tmp_path):
    import asyncio

    import httpx

    from flowdbg.engine.backends.callback_server import CallbackServer
    from flowdbg.tui.launch import _Sink

    sink = _Sink()
    server = CallbackServer(sink, port=0).start()
    try:
        app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path),
                       server={"url": server.url, "secret": server.secret})
        sink.app = app
        async with app.run_test(size=SIZE) as pilot:
            await _to_waiting(pilot)
            token = app.main.session.execution.pending_tasks()[0].token

            def post(tok):
                return httpx.post(f"{server.url}/ReportTaskSucceeded", headers={"x-flowdbg-secret": server.secret},
                                  json={"TaskToken": tok, "Output": '{"via": "http"}'}, timeout=10)
            r = await asyncio.to_thread(post, token)
            assert r.status_code == 200, r.text
            await settle(pilot)
            assert any("accepted (over HTTP)" in t for t in toasts(app))
            r = await asyncio.to_thread(post, token)
            assert r.status_code == 409 and "already answered" in r.json()["Reason"]
            await settle(pilot)
            assert any("refused" in t for t in toasts(app))
            await press(pilot, "c")
            assert app.main.session.execution.output == {"via": "http"}
    finally:
        server.stop()


TIMEOUT_FLOW = """
Type: StateMachine
Name: T
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: MNS:SendMessage
    TaskMode: WaitForCustomCallback
    Timeout: 60
    End: true
"""


async def test_callback_task_with_a_timeout_can_still_be_answered():
    from flowdbg.engine.definition import parse_definition
    from flowdbg.engine.mocks import parse_mocks
    d = parse_definition(TIMEOUT_FLOW, "timeout.yaml")
    app = FlowdbgApp(d, input={}, mocks=parse_mocks("states:\n  Ask:\n    - result: {}\n"), start_time=START,
                     inputs_store=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.main.session
        await press(pilot, "c")  # continue stops waiting: the clock does not jump past the Timeout
        assert s.last_stop.reason == "waiting" and s.execution.clock == 0
        await press(pilot, "k")
        app.screen.query_one("#cb-output").text = '{"ok": true}'
        await settle(pilot)
        await press(pilot, "ctrl+s", "escape", "c")
        assert s.execution.status == "Succeeded" and s.execution.output == {"ok": True}


async def test_export_history_writes_get_execution_history(tmp_path):
    journal = tmp_path / "s.jsonl"
    app = make_app(CHOICE_FLOW, journal=str(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "e")
        data = json.loads((tmp_path / "s.history.json").read_text())
        events = app.main.session.execution.events
        assert [e["Type"] for e in data["Events"]] == [e.type for e in events]
        assert data["Events"][0]["EventId"] == 1 and data["Events"][0]["Time"] == "2026-01-01T00:00:00.000Z"
        assert any("events written to" in t for t in toasts(app))


async def test_callbacks_dialog_says_which_output_keys_the_task_reads():
    """claim-review's 'Ask an appraiser' reads $Output.price in its OutputConstructor: the
    pre-filled {} is valid JSON but would fail the run there, and the dialog says so."""
    from pathlib import Path
    flow = Path("sample_flows/claim-review.yaml")
    app = make_app(flow, input=json.loads(Path("sample_flows/claim-review.input.json").read_text()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await settle(pilot)
        pending = app.main.session.execution.pending_tasks()
        assert [p.state for p in pending] == ["Ask an appraiser"]
        await press(pilot, "k")
        dlg = app.screen
        assert isinstance(dlg, CallbacksScreen)
        status = str(dlg.query_one("#cb-json-status").render())
        assert "valid JSON" in status and "lacks $Output.price (read by its OutputConstructor)" in status
        dlg.query_one("#cb-output").text = '{"price": 300}'
        await settle(pilot)
        status = str(dlg.query_one("#cb-json-status").render())
        assert "lacks" not in status and "F5 sends it and continues" in status


async def test_the_output_editor_selects_its_prefilled_braces_whenever_it_is_focused_again(tmp_path):
    """A newcomer tabbed through the dialog and back, typed an answer and
    sent '{"price": 1250}{}' ('Extra data'): the {} is selected on each focus
    while it is untouched, and an answer typed is never selected by it."""
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_waiting(pilot)
        await press(pilot, "k")
        dlg = app.screen
        out = dlg.query_one("#cb-output")
        dlg.query_one("#cb-token").focus()  # away (a click on the token field)...
        await settle(pilot)
        out.selection = out.selection.cursor((0, 0))  # (what leaving and coming back by the mouse leaves)
        out.focus()  # ... and back
        await settle(pilot)
        for ch in '{"price": 1250}':
            await pilot.press(ch if ch != " " else "space")
        await settle(pilot)
        assert out.text == '{"price": 1250}'
        dlg.query_one("#cb-token").focus()
        await settle(pilot)
        out.focus()
        await settle(pilot)
        assert out.selected_text == "" and out.text == '{"price": 1250}'
