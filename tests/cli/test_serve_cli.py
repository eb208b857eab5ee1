"""`flowdbg serve`, `flowdbg FLOW --replay` and `--cloud` from the command line:
bad input exits 2 with one clear line, before anything is served or shown."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from flowdbg.tui import record_launch
from flowdbg.tui.cli import build_tui_parser
from flowdbg.tui.record_app import RecordApp

from helpers import FIXTURES, REPO, SAMPLE_FLOWS
from helpers.serve import APPROVAL, serve_process

CLOUD_HISTORY = os.path.join(FIXTURES, "replay", "cloudflow-approval-rejected.history.json")


def test_a_bad_flow_is_reported_with_its_position(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("Type: StateMachine\nName: bad\nSpecVersion: v1\nStartAt: Nowhere\nStates:\n"
                   "  - Name: A\n    Type: Pass\n    End: true\n")
    code, out, err = cli("serve", str(bad))
    assert code == 2 and f"{bad}:4:" in err and "Nowhere" in err


def test_two_flows_with_one_name(cli):
    code, out, err = cli("serve", APPROVAL, APPROVAL)
    assert code == 2 and "both define flow 'approval'" in err


@pytest.mark.parametrize("args, message", [
    (["--access-key-id", "k"], "give --access-key-id and --secret together"),
    (["--callback-port", "0"], "serve answers ReportTaskSucceeded/Failed itself"),
    (["--debug"], "--debug needs a terminal"),
])
def test_usage_errors(cli, args, message):
    code, out, err = cli("serve", APPROVAL, *args)
    assert code == 2 and message in err


def test_a_port_in_use(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = cli("serve", APPROVAL, "--port", str(port))
    assert code == 2 and f"127.0.0.1:{port}" in err


def test_the_sample_application_runs_against_flowdbg_serve():
    with serve_process(os.path.join(SAMPLE_FLOWS, "order-approval.yaml")) as srv:
        for flag, want in (("--approve", 'Succeeded {"orderId": "A-1001", "approvedBy": "manager@example.com"}'),
                           ("", "Failed")):
            r = subprocess.run([sys.executable, os.path.join(SAMPLE_FLOWS, "order-approval-client.py"),
                                "--endpoint", f"127.0.0.1:{srv.port}", *([flag] if flag else [])],
                               capture_output=True, text=True, timeout=60, cwd=REPO)
            assert r.returncode == 0, r.stderr
            assert r.stdout.splitlines()[-1].split(": ", 1)[1].strip() == want


@pytest.fixture
def built(monkeypatch):
    box = {}

    def fake_run(self, *a, **k):
        box["app"] = self
        return 0
    monkeypatch.setattr(RecordApp, "run", fake_run)
    return box


def test_replay_builds_the_app_on_the_record(built):
    args = build_tui_parser().parse_args([APPROVAL, "--replay", CLOUD_HISTORY])
    assert record_launch.launch_recorded(args) == 0
    app = built["app"]
    assert app.replay.source.record.status == "Failed" and app.follower is None
    assert "the recorded execution failed (OrderRejected: the manager rejected the order)" in app.notices[0][0]


def test_a_history_flowdbg_cannot_read(built, tmp_path, capsys):
    bad = tmp_path / "h.json"
    bad.write_text('{"Events": [}')
    args = build_tui_parser().parse_args([APPROVAL, "--replay", str(bad)])
    assert record_launch.launch_recorded(args) == 2
    assert capsys.readouterr().err.strip() == f"flowdbg: error: {bad}:1:13: not valid JSON: Expecting value"
    args = build_tui_parser().parse_args([APPROVAL, "--replay", CLOUD_HISTORY, "--cloud"])
    assert record_launch.launch_recorded(args) == 2


def test_cloud_without_credentials_says_so_before_the_screen(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env.update(HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED="true")
    code = ("import sys; from flowdbg.tui.cli import build_tui_parser; from flowdbg.tui.record_launch import "
            "launch_recorded; sys.exit(launch_recorded(build_tui_parser().parse_args(sys.argv[1:])))")
    r = subprocess.run([sys.executable, "-c", code, APPROVAL, "--cloud", "--endpoint", "http://127.0.0.1:9"],
                       env=env, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("flowdbg: error: no Alibaba Cloud credentials")
