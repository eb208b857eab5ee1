"""Local code runs only with consent, through one check, at every entry point:
``run``, ``test``, ``serve`` (at start and when a mock file gains ``local:``
later), the debugger (a dialog), ``--web`` (the same debugger), ``--replay``
(mock answers stand in), ``graph --session`` (never runs anything).

A mock file named on the command line (``--mocks``) is consent; a sibling
mock file, a mock file a test file names, and a case's inline ``local:`` came
with the repository and need ``--allow-local``."""
from __future__ import annotations

import json
import os
import time

import pytest

from helpers import dedent
from helpers.serve import models, serve_process, wait_for

FLOW = dedent("""
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: A
    States:
      - Name: A
        Type: Task
        Action: FC:InvokeFunction
        Parameters:
          resourceArn: acs:fc:cn-hangzhou:123:functions/f
          invocationType: Sync
        End: true
""")
MOCKS = "functions:\n  f:\n    - body: {ran: mock}\nlocal:\n  f: h.py:handler\n"
#: the handler leaves a file behind, so a test sees that it ran even when its answer is not looked at
HANDLER = ("import pathlib\n"
           "def handler(event, context):\n"
           "    pathlib.Path(__file__).with_name('RAN').write_text('yes')\n"
           "    return {'ran': 'local code'}\n")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A cloned repository: a flow, its sibling mock file with a local: entry, the code."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flow.yaml").write_text(FLOW)
    (tmp_path / "flow.mocks.yaml").write_text(MOCKS)
    (tmp_path / "h.py").write_text(HANDLER)
    return tmp_path


def ran(repo) -> bool:
    return (repo / "RAN").exists()


def refusal(*entries: str, alternative: str = "") -> str:
    n = len(entries)
    head = (f"flowdbg: error: local code needs your consent: {n} 'local:' "
            f"{'entry runs' if n == 1 else 'entries run'} Python code on this machine from ")
    files = len({e.split(':')[0] for e in entries})
    head += f"{'a file' if files == 1 else f'{files} files'} not named on the command line:\n"
    return head + "".join(f"  {e}\n" for e in entries) + f"pass --allow-local to run {'it' if n == 1 else 'them'}" \
        f"{alternative}\n"


# -- flowdbg test --------------------------------------------------------------------------------

def test_flowdbg_test_refuses_the_sibling_mock_files_local_code(cli, repo):
    (repo / "flow.tests.yaml").write_text("cases:\n  - name: a\n    expect: {status: Succeeded}\n")
    code, out, err = cli("test", ".")
    assert (code, out) == (2, "")
    assert err == refusal("flow.mocks.yaml:5:3: f -> h.py:handler  (found beside flow.yaml)")
    assert not ran(repo)
    code, out, _ = cli("test", ".", "--allow-local")
    assert code == 0 and "1 passed, 0 failed" in out and ran(repo)


def test_flowdbg_test_names_each_file_and_entry_a_test_file_brings(cli, repo):
    (repo / "flow.mocks.yaml").write_text("functions:\n  f:\n    - body: {ran: mock}\n")  # no local: here
    (repo / "other.mocks.yaml").write_text("local:\n  f: h.py:handler\n")
    (repo / "flow.tests.yaml").write_text(dedent("""
        mocks: other.mocks.yaml
        cases:
          - name: named
            expect: {status: Succeeded}
          - name: inline
            mocks:
              local: {f: h.py:handler}
            expect: {status: Succeeded}
    """))
    code, out, err = cli("test", "flow.tests.yaml")
    assert (code, out) == (2, "")
    assert err == refusal("other.mocks.yaml:2:3: f -> h.py:handler  (named by flow.tests.yaml:1:8)",
                          "flow.tests.yaml:7:15: f -> h.py:handler  (the mocks of case 'inline')")
    assert not ran(repo)
    code, out, _ = cli("test", "flow.tests.yaml", "--allow-local")
    assert code == 0 and "2 passed, 0 failed" in out and ran(repo)


def test_test_files_without_local_code_need_no_consent(cli, repo):
    (repo / "flow.mocks.yaml").write_text("functions:\n  f:\n    - body: {ran: mock}\n")
    (repo / "flow.tests.yaml").write_text("cases:\n  - name: a\n    expect: {output: {Body: {ran: mock}}}\n")
    code, out, _ = cli("test", ".")
    assert code == 0 and "1 passed" in out


def test_the_suite_api_refuses_before_any_case_runs(repo):
    from flowdbg.engine.testing import suite
    (repo / "flow.tests.yaml").write_text("cases:\n  - name: a\n    expect: {status: Succeeded}\n")
    with pytest.raises(suite.LocalCodeRefused) as e:
        suite.run_suite(["flow.tests.yaml"])
    assert [(x.path, x.line, x.function, x.target) for x in e.value.entries] == [
        ("flow.mocks.yaml", 5, "f", "h.py:handler")]
    assert not ran(repo)


# -- flowdbg serve ---------------------------------------------------------------------------------

def test_serve_refuses_the_sibling_mock_files_local_code_at_start(cli, repo):
    code, out, err = cli("serve", "flow.yaml")
    assert code == 2
    assert err == refusal("flow.mocks.yaml:5:3: f -> h.py:handler  (found beside flow.yaml)",
                          alternative=", or name the mock file with --mocks")


def _run(client, name: str) -> dict:
    client.start_execution(models.StartExecutionRequest(flow_name="t", execution_name=name, input="{}"))
    body = client.describe_execution(models.DescribeExecutionRequest(flow_name="t", execution_name=name,
                                                                     wait_time_seconds=20)).body
    return json.loads(body.output)


@pytest.mark.parametrize("consent", [["--allow-local"], ["--mocks", "flow.mocks.yaml"]])  # naming it is consent
def test_serve_runs_the_local_code_with_consent(repo, consent):
    args = [str(repo / "flow.yaml")] + [str(repo / a) if a.endswith(".yaml") else a for a in consent]
    with serve_process(*args) as srv:
        assert _run(srv.client(), "x1") == {"Body": {"ran": "local code"}}
    assert ran(repo)


def test_a_sibling_mock_file_that_gains_local_code_while_serving_is_not_run(repo):
    (repo / "flow.mocks.yaml").write_text("functions:\n  f:\n    - body: {ran: mock}\n")
    with serve_process(str(repo / "flow.yaml")) as srv:
        c = srv.client()
        assert _run(c, "before") == {"Body": {"ran": "mock"}}
        time.sleep(0.05)
        (repo / "flow.mocks.yaml").write_text(MOCKS)
        assert _run(c, "after") == {"Body": {"ran": "mock"}}
        assert not ran(repo)
        log = wait_for(lambda: "local code needs your consent" in srv.log() and srv.log())
        assert f"{repo / 'flow.mocks.yaml'}:5:3: f -> h.py:handler  (found beside {repo / 'flow.yaml'})" in log
        assert "the mock file's answers stand in for them" in log


# -- the debugger, --web, --replay, graph --session -------------------------------------------------

def test_web_hands_allow_local_to_each_tabs_debugger():
    from flowdbg.tui.cli import build_tui_parser
    from flowdbg.tui.web import child_argv
    p = build_tui_parser()
    assert child_argv(p, p.parse_args(["f.yaml", "--web", "--allow-local"])) == ["f.yaml", "--allow-local"]
    assert child_argv(p, p.parse_args(["f.yaml", "--web"])) == ["f.yaml"]  # and without it, the dialog asks


def test_replay_without_consent_answers_with_mocks_and_says_so(cli, repo, monkeypatch):
    from flowdbg.tui import record_launch
    from flowdbg.tui.cli import build_tui_parser
    assert cli("run", "flow.yaml", "--mocks", "flow.mocks.yaml", "--history", "h.json")[0] == 0
    captured = {}
    monkeypatch.setattr("flowdbg.tui.record_app.RecordApp.run", lambda self: captured.update(app=self) or 0)
    assert record_launch.launch_recorded(build_tui_parser().parse_args(["flow.yaml", "--replay", "h.json"])) == 0
    app = captured["app"]
    [(notice, severity)] = [n for n in app.notices if "consent" in n[0]]
    assert severity == "warning" and "flow.mocks.yaml:5:3: f -> h.py:handler  (found beside flow.yaml)" in notice
    assert notice.endswith("Until then, the mock file's answers stand in for them.")
    assert app.session.mocks.local == {}
    record_launch.launch_recorded(build_tui_parser().parse_args(["flow.yaml", "--replay", "h.json", "--allow-local"]))
    assert captured["app"].session.mocks.local == {"f": "h.py:handler"}


def test_graph_of_a_session_never_runs_a_handler(cli, repo):
    code, _, _ = cli("run", "flow.yaml", "--allow-local", "--session", "s.jsonl")
    assert code == 0 and ran(repo)
    os.remove(repo / "RAN")
    code, out, err = cli("graph", "flow.yaml", "--session", "s.jsonl")
    assert code == 0 and "A" in out and not ran(repo)  # replayed from the journal's answers
