"""The debugger's two flow-test keys: T saves the session on screen as a case
of the flow's NAME.tests.yaml, C runs the flow's cases and shows what they
never reach, on the graph."""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers.tui import CALLBACK_FLOW, SIZE, callback_mocks, make_app, press, settle, toasts

from flowdbg.engine.testing.suite import run_suite
from flowdbg.engine.testing.testfile import load_test_file
from flowdbg.tui.screens.callbacks_screen import CallbacksScreen
from flowdbg.tui.screens.coverage_screen import CoverageScreen
from flowdbg.tui.screens.save_test_screen import SaveTestScreen
from flowdbg.tui.widgets.state_graph import StateGraph

TASK = "an example of asynchronous function invocation."


def _flow(tmp_path: Path) -> tuple[Path, Path]:
    flow = tmp_path / "callback.yaml"
    shutil.copy(CALLBACK_FLOW, flow)
    return flow, callback_mocks(tmp_path)  # its functions, and no scripted callback


async def _save_as(pilot, name: str) -> SaveTestScreen:
    await press(pilot, "T")
    dlg = pilot.app.screen
    assert isinstance(dlg, SaveTestScreen)
    dlg.query_one("#save-test-name").value = name
    await press(pilot, "ctrl+s")
    return dlg


async def test_save_a_session_with_a_callback_answered_by_hand(tmp_path):
    flow, mocks = _flow(tmp_path)
    app = make_app(flow, mocks=mocks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert app.main.session.last_stop.reason == "waiting"
        await press(pilot, "k")
        assert isinstance(app.screen, CallbacksScreen)
        app.screen.query_one("#cb-output").text = '{"approved": "by me"}'
        await settle(pilot)
        await press(pilot, "ctrl+s", "escape", "c")
        assert app.main.session.execution.status == "Succeeded"
        dlg = await _save_as(pilot, "approved by hand")
        assert dlg is not app.screen  # dismissed
        await settle(pilot)
        saved = [t for t in toasts(app) if t.startswith("Case 'approved by hand' saved")]
        assert saved == [f"Case 'approved by hand' saved to {tmp_path / 'callback.tests.yaml'} (1 case); it expects "
                         f"Succeeded. Run it with: flowdbg test {tmp_path / 'callback.tests.yaml'}"]
    tf = load_test_file(str(tmp_path / "callback.tests.yaml"))
    assert tf.errors == []
    [case] = tf.cases
    assert case.expect.output == {"approved": "by me"}
    text = (tmp_path / "callback.tests.yaml").read_text()
    # callback.mocks.yaml is the flow's sibling, the test file's default: only the hand-sent callback is written.
    assert (f"    mocks:\n      callbacks:\n        {TASK}:\n        - succeed: {{approved: by me}}\n"
            "    expect:\n      status: Succeeded\n      output: {approved: by me}\n") in text, text
    result = run_suite([str(tmp_path / "callback.tests.yaml")])
    assert (result.passed, result.failed) == (1, 0)


async def test_an_unfinished_session_is_saved_as_it_will_run(tmp_path):
    flow, mocks = _flow(tmp_path)
    app = make_app(flow, mocks=mocks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")  # waits for a callback nobody sends
        await _save_as(pilot, "nobody answers")
        await settle(pilot)
        assert any("it expects Running" in t for t in toasts(app))
        # A taken name keeps the dialog open and says why.
        dlg = await _save_as(pilot, "nobody answers")
        assert app.screen is dlg
        status = str(dlg.query_one("#save-test-status").render())
        assert status.startswith("✗ ") and "a case named 'nobody answers' exists already" in status
        await press(pilot, "escape")
        assert app.screen is app.main
    [case] = load_test_file(str(tmp_path / "callback.tests.yaml")).cases
    assert case.expect.expected_status == "Running"


async def test_coverage_shows_what_no_case_reaches(tmp_path):
    flow, mocks = _flow(tmp_path)
    (tmp_path / "callback.tests.yaml").write_text(
        "mocks: callback.mocks.yaml\ncases:\n  - name: the submission fails\n    mocks:\n      functions:\n"
        "        myFunction1: [{error: FC.Unknown}]\n    expect: {error: {code: FC.Unknown}}\n")
    app = make_app(flow, mocks=mocks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        dlg = app.screen
        assert isinstance(dlg, CoverageScreen)
        await pilot.pause()
        await dlg.workers.wait_for_complete()
        await settle(pilot)
        assert str(dlg.query_one("#coverage-status").render()) == "1 passed, 0 failed · states 1/2"
        box = dlg.query_one("#coverage-list")
        assert [str(box.get_option_at_index(i).id) for i in range(box.option_count)] == [TASK]
        await press(pilot, "enter")
        assert app.screen is app.main
        assert app.main.query_one(StateGraph).cursor == TASK


async def test_coverage_without_a_test_file_says_how_to_start(tmp_path):
    flow, mocks = _flow(tmp_path)
    app = make_app(flow, mocks=mocks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        assert app.screen is app.main
        assert "No callback.tests.yaml beside the flow yet: T saves this run as its first case" in toasts(app)
