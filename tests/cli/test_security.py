"""Local code runs only when asked, crash logs are private, journals are not
replaced by accident, credentials are never printed (issue 11)."""
from __future__ import annotations

import json
import os
import stat

import pytest

from flowdbg.engine.scrub import register, scrub

FLOW = """Type: StateMachine
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
"""
HANDLER = "def handler(event, context):\n    return {'ran': 'local code'}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A cloned repository: a flow, its sibling mock file with a local: entry, the code."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flow.yaml").write_text(FLOW)
    (tmp_path / "flow.mocks.yaml").write_text("functions:\n  f:\n    - body: {ran: mock}\nlocal:\n  f: h.py:handler\n")
    (tmp_path / "h.py").write_text(HANDLER)
    return tmp_path


def test_sibling_mock_file_local_code_needs_allow_local(cli, repo):
    code, out, err = cli("run", "flow.yaml")
    assert code == 2 and out == ""
    assert err == ("flowdbg: error: local code needs your consent: 1 'local:' entry runs Python code on this "
                   "machine from a file not named on the command line:\n"
                   "  flow.mocks.yaml:5:3: f -> h.py:handler  (found beside flow.yaml)\n"
                   "pass --allow-local to run it, or name the mock file with --mocks\n")
    code, out, _ = cli("run", "flow.yaml", "--allow-local", "--json")
    assert code == 0 and json.loads(out)["output"] == {"Body": {"ran": "local code"}}


def test_a_mock_file_named_on_the_command_line_is_consent(cli, repo):
    code, out, _ = cli("run", "flow.yaml", "--mocks", "flow.mocks.yaml", "--json")
    assert code == 0 and json.loads(out)["output"] == {"Body": {"ran": "local code"}}


def test_refusal_is_a_json_object_with_json(cli, repo):
    code, out, _ = cli("run", "flow.yaml", "--json")
    s = json.loads(out)
    assert code == 2 and s["status"] == "Invalid" and "--allow-local" in s["message"]  # the JSON contract


def test_the_crash_log_is_private_and_never_follows_a_symlink(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from flowdbg.tui import crash_log as c
    d = c.crash_dir()
    assert d == str(tmp_path / "state" / "flowdbg" / "crashes")
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    try:
        raise RuntimeError("boom at https://alice:s3cret@example.com")
    except RuntimeError as e:
        assert c._report_bug(e) == 70
    err = capsys.readouterr().err
    assert "s3cret" not in err and "https://***@example.com" in err
    [log] = os.listdir(d)
    path = os.path.join(d, log)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and "s3cret" not in open(path).read()
    # a name someone planted as a symlink is never written through
    planted = os.path.join(d, "crash-planted.log")
    os.symlink(victim, planted)
    with pytest.raises(OSError):
        os.open(planted, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    assert victim.read_text() == "keep me"


def test_a_crash_dir_that_is_a_symlink_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    os.makedirs(tmp_path / "state" / "flowdbg")
    os.symlink(tmp_path, tmp_path / "state" / "flowdbg" / "crashes")
    from flowdbg.tui import crash_log as c
    with pytest.raises(OSError):
        c.crash_dir()


def test_session_refuses_to_replace_an_existing_journal(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_text(FLOW.replace("Task\n    Action: FC:InvokeFunction\n    Parameters:\n"
                                                  "      resourceArn: acs:fc:cn-hangzhou:123:functions/f\n"
                                                  "      invocationType: Sync\n", "Pass\n"))
    assert cli("run", "f.yaml", "--session", "s.jsonl")[0] == 0
    before = (tmp_path / "s.jsonl").read_text()
    code, _, err = cli("run", "f.yaml", "--session", "s.jsonl")
    assert code == 2 and err == ("flowdbg: error: --session s.jsonl: a file is already there (a saved session?); "
                                 "resume it with --resume s.jsonl, give another path, or pass "
                                 "--overwrite-session to replace it\n")
    assert (tmp_path / "s.jsonl").read_text() == before
    assert cli("run", "f.yaml", "--session", "s.jsonl", "--overwrite-session")[0] == 0
    assert cli("run", "f.yaml", "--resume", "s.jsonl", "--session", "s.jsonl")[0] == 0


def test_the_tui_launcher_refuses_too(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_text(FLOW)
    (tmp_path / "s.jsonl").write_text('{"k": "start"}\n')
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    code, _, err = cli("f.yaml", "--session", "s.jsonl")
    assert code == 2 and "--overwrite-session to replace it" in err


def test_scrub_masks_userinfo_headers_and_registered_secrets_only():
    register("a-registered-secret-value")
    text = ("GET https://u:p@host/x with Authorization: ACS3-HMAC-SHA256 Credential=AK,Signature=ab12\n"
            "a-registered-secret-value inside, password stays\nCookie: a=1; b=2")
    assert scrub(text) == ("GET https://***@host/x with Authorization: ***\n"
                           "*** inside, password stays\nCookie: ***")
    data = {"Authorization": "Bearer x", "user": {"password": "their data"}, "n": 1}
    assert scrub(data) == {"Authorization": "***", "user": {"password": "their data"}, "n": 1}
    plain = {"a": [1, "b"]}
    assert scrub(plain) is plain
