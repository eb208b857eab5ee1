"""``flowdbg FLOW`` wiring: launch() builds the app from the command line."""
from __future__ import annotations

import pytest
from helpers.tui import CHOICE_FLOW, MAP_FLOW, SIZE, settle  # noqa: F401

from flowdbg.tui import launch as launch_mod
from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.cli import build_tui_parser


@pytest.fixture
def captured(monkeypatch, tmp_path):
    """Run launch() without a terminal: keep the app it would run."""
    box = {}

    def fake_run(self, *a, **k):
        box["app"] = self
        return 0
    monkeypatch.setattr(FlowdbgApp, "run", fake_run)
    monkeypatch.setattr("flowdbg.tui.app.default_inputs_store", lambda: None)
    monkeypatch.setattr("flowdbg.engine.session.state_dir", lambda: str(tmp_path / "sessions"))
    return box


def test_launch_wires_input_breaks_and_session_journal(captured, tmp_path):
    journal = tmp_path / "j.jsonl"
    args = build_tui_parser().parse_args([str(CHOICE_FLOW), "--input", '{"Threshold": 1}', "--break",
                                          "conditional statement", "--session", str(journal)])
    assert launch_mod.launch(args) == 0
    app = captured["app"]
    assert app.input == {"Threshold": 1} and app.breaks == ["conditional statement"]
    s = app.session_factory(app.definition, app.input)
    assert s.journal_path == str(journal)
    s.step_into()
    assert journal.exists()


async def test_launch_shows_a_broken_mock_file_in_the_app(captured, tmp_path):
    bad = tmp_path / "bad.mocks.yaml"
    bad.write_text("functions:\n  ship:\n    - bodyy: 1\n")
    args = build_tui_parser().parse_args([str(MAP_FLOW), "--input", "{}", "--mocks", str(bad)])
    assert launch_mod.launch(args) == 0
    app = captured["app"]
    assert app.startup_errors and "bodyy" in app.startup_errors[0][1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ErrorScreen"


def test_launch_starts_and_stops_the_callback_server(captured):
    args = build_tui_parser().parse_args([str(CHOICE_FLOW), "--input", "{}", "--callback-port", "0"])
    assert launch_mod.launch(args) == 0
    app = captured["app"]
    assert app.server and app.server["url"].startswith("http://127.0.0.1:")
    assert any(app.server["secret"] in m for m, _ in app.notices)


def test_resume_latest_without_a_saved_session_is_reported(captured):
    args = build_tui_parser().parse_args([str(CHOICE_FLOW), "--resume"])
    launch_mod.launch(args)
    app = captured["app"]
    from flowdbg.engine.session import SessionError
    with pytest.raises(SessionError, match="no saved session"):
        app.resume(app.definition)


def test_launch_watches_the_mock_file_it_loaded(captured, tmp_path):
    args = build_tui_parser().parse_args([str(MAP_FLOW), "--input", "{}"])
    launch_mod.launch(args)
    assert captured["app"].mocks_path == "tests/fixtures/tui/map-orders.mocks.yaml"  # the sibling
    other = tmp_path / "other.mocks.yaml"
    other.write_text("functions: {}\n")
    args = build_tui_parser().parse_args([str(MAP_FLOW), "--input", "{}", "--mocks", str(other)])
    launch_mod.launch(args)
    assert captured["app"].mocks_path == str(other)


@pytest.mark.parametrize("key,ran", [("y", "local code"), ("n", "mock")])
async def test_the_sibling_mock_files_local_code_runs_only_after_the_prompt(captured, tmp_path, key, ran):
    flow = tmp_path / "flow.yaml"
    flow.write_text("Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: A\nStates:\n  - Name: A\n"
                    "    Type: Task\n    Action: FC:InvokeFunction\n    Parameters:\n"
                    "      resourceArn: acs:fc:cn-hangzhou:123:functions/f\n      invocationType: Sync\n"
                    "    End: true\n")
    (tmp_path / "flow.mocks.yaml").write_text("functions:\n  f:\n    - body: {ran: mock}\n"
                                              "local:\n  f: h.py:handler\n")
    (tmp_path / "h.py").write_text("def handler(event, context):\n    return {'ran': 'local code'}\n")
    args = build_tui_parser().parse_args([str(flow), "--input", "{}"])
    assert launch_mod.launch(args) == 0
    app = captured["app"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        message = str(app.screen.query_one("#confirm-message").render())
        assert "flow.mocks.yaml was found beside the flow (not named with --mocks)" in message
        assert "\n  f -> h.py:handler  (line 5)\n" in message
        await pilot.press(key)
        await settle(pilot)
        app.session.cont()
        assert app.session.execution.output == {"Body": {"ran": ran}}


def test_allow_local_skips_the_prompt(captured, tmp_path):
    (tmp_path / "flow.yaml").write_text(CHOICE_FLOW.read_text())
    (tmp_path / "flow.mocks.yaml").write_text("local:\n  f: h.py:handler\n")
    args = build_tui_parser().parse_args([str(tmp_path / "flow.yaml"), "--input", "{}", "--allow-local"])
    assert launch_mod.launch(args) == 0
    assert captured["app"].local_prompt is None
