"""Record instead of write: `flowdbg run ... --save-test T --case NAME`
appends the run as a case, which `flowdbg test` then passes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.session import Session
from flowdbg.engine.testing.record import record_case, save_case
from flowdbg.engine.testing.testfile import load_test_file

from helpers import read
from helpers.flowtests import claim, write


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    claim(tmp_path, "cases:\n  - name: first\n    input: {claimId: C-0, amount: 1}\n")
    os.remove("claim.tests.yaml")
    return tmp_path


def test_a_new_test_file(cli, folder):
    code, out, err = cli("run", "claim.yaml", "--input", '{"claimId": "C-1", "amount": 500}',
                         "--save-test", "claim.tests.yaml", "--case", "small claim is paid")
    assert code == 0 and out.startswith("status: Succeeded")
    assert err == ("flowdbg: saved case 'small claim is paid' to claim.tests.yaml (1 case; run them with: "
                   "flowdbg test claim.tests.yaml)\n")
    assert read("claim.tests.yaml") == (
        "# Cases for flowdbg test (see docs/testing.md); recorded with flowdbg run --save-test\n"
        "cases:\n"
        "  - name: small claim is paid\n"
        "    input: {claimId: C-1, amount: 500}\n"
        "    expect:\n"
        "      status: Succeeded\n"
        "      output: {claimId: C-1, paid: true}\n")
    assert cli("test")[1].splitlines()[-1] == "1 passed, 0 failed"


def test_appending_keeps_what_is_there(cli, folder):
    write(folder, {"claim.tests.yaml": """
        # my cases
        cases:
          - name: first   # the first one
            input: {claimId: C-0, amount: 1}

        # keep this
        mocks: claim.mocks.yaml
        """})
    before = read("claim.tests.yaml")
    assert cli("run", "claim.yaml", "--input", '{"claimId": "C-2", "amount": 5000}', "--save-test", "claim.tests.yaml",
               "--case", "large claim")[0] == 0
    text = read("claim.tests.yaml")
    head = before.split("\n\n# keep this")[0]
    assert text.startswith(head + "\n  - name: large claim\n")
    assert text.endswith("\n# keep this\nmocks: claim.mocks.yaml\n")
    tf = load_test_file("claim.tests.yaml")
    assert [c.name for c in tf.cases] == ["first", "large claim"]
    assert tf.cases[1].expect.output == {"claimId": "C-2", "paid": True}
    code, out, _ = cli("test")
    assert code == 0 and out.splitlines()[-1] == "2 passed, 0 failed"


def test_flow_style_empty_cases_and_a_failed_run(cli, folder):
    write(folder, {"claim.tests.yaml": "cases: []   # none yet\n"})
    mocks = write(folder, {"refuse.mocks.yaml": """
        functions: {ask-adjuster: [{body: ""}]}
        callbacks: {Wait for an adjuster: [{fail: {error: Rejected, cause: no}}]}
        """})
    code, _, _ = cli("run", "claim.yaml", "--input", '{"claimId": "C-3", "amount": 5000}', "--mocks",
                     "refuse.mocks.yaml", "--save-test", "claim.tests.yaml", "--case", "refused")
    assert code == 1
    assert read("claim.tests.yaml") == (
        "cases:\n"
        "  - name: refused\n"
        "    input: {claimId: C-3, amount: 5000}\n"
        "    mocks: refuse.mocks.yaml\n"
        "    expect:\n"
        "      status: Failed\n"
        "      error: {code: ClaimRefused, detail: the adjuster refused the claim}\n"
        "# none yet\n")
    assert os.path.exists(mocks["refuse.mocks.yaml"])
    assert cli("test")[1].splitlines()[-1] == "1 passed, 0 failed"


def test_refusals_leave_the_file_alone(cli, folder):
    write(folder, {"claim.tests.yaml": "cases:\n  - name: taken\n", "other.yaml": read("claim.yaml")})
    before = read("claim.tests.yaml")
    run = ("run", "claim.yaml", "--input", '{"claimId": "C", "amount": 1}')
    assert cli(*run, "--save-test", "claim.tests.yaml", "--case", "taken")[0::2] == (
        2, "flowdbg: error: claim.tests.yaml:2: a case named 'taken' exists already; choose another name\n")
    assert cli(*run, "--save-test", "claim.tests.yaml")[0::2] == (
        2, "flowdbg: error: --save-test and --case go together: --save-test NAME.tests.yaml --case 'what it shows'\n")
    assert cli(*run, "--save-test", "claim.yaml", "--case", "x")[0::2] == (
        2, "flowdbg: error: claim.yaml: a test file is named NAME.tests.yaml\n")
    assert cli("run", "other.yaml", "--input", '{"claimId": "C", "amount": 1}', "--mocks", "claim.mocks.yaml",
               "--save-test", "claim.tests.yaml", "--case", "y")[0::2] == (
        2, "flowdbg: error: claim.tests.yaml tests claim.yaml, not other.yaml\n")
    assert read("claim.tests.yaml") == before


def test_local_handlers_and_a_waiting_run_are_recorded(cli, folder):
    write(folder, {"handlers/adjuster.py": "def handler(event, context):\n    return ''\n"})
    code, _, err = cli("run", "claim.yaml", "--input", '{"claimId": "C-4", "amount": 5000}', "--mocks",
                       "claim.mocks.yaml", "--local",
                       "ask-adjuster=handlers/adjuster.py:handler", "--save-test", "t/claim.tests.yaml", "--case",
                       "local adjuster")
    assert code == 0, err
    tf = load_test_file("t/claim.tests.yaml")
    assert tf.errors == []
    text = read("t/claim.tests.yaml")
    assert "flow: ../claim.yaml\n" in text
    # The mock file is the test file's default (the flow's sibling): only --local is written.
    assert "    mocks:\n      local: {ask-adjuster: '../handlers/adjuster.py:handler'}\n" in text
    assert "flowdbg test t/claim.tests.yaml --allow-local)" in err  # the case runs local code: test asks consent
    code, _, err = cli("test", "t")
    assert code == 2 and "t/claim.tests.yaml:" in err and "ask-adjuster -> ../handlers/adjuster.py:handler" in err
    assert cli("test", "t", "--allow-local")[1].splitlines()[-1] == "1 passed, 0 failed"


def test_callbacks_answered_by_hand_become_mocks(folder):
    """In a session (the TUI's), a callback the user sent is written as a scripted callback."""
    defn = load_definition("claim.yaml")
    mocks = load_mocks("claim.mocks.yaml")
    mocks.callbacks.clear()
    s = Session(defn, {"claimId": "C-5", "amount": 5000}, mocks=mocks)
    assert s.run_to_end(jump_clock=False).reason == "waiting"
    s.skip_to_next_timer() if s.execution.next_timer() is not None else None
    [task] = s.execution.pending_tasks()
    assert s.report(task.token, succeeded=False, error="Rejected", cause="by hand") is not None
    s.run_to_end(jump_clock=False)
    assert s.execution.status == "Failed"
    case, warnings = record_case(s.execution, "refused by hand", "claim.tests.yaml", "claim.yaml", None,
                                 s.start["input"])
    assert warnings == ["the run used no mock file, but the case starts from claim.mocks.yaml"]
    assert case == {"name": "refused by hand", "input": {"claimId": "C-5", "amount": 5000},
                    "mocks": {"callbacks": {"Wait for an adjuster": [{"fail": {"error": "Rejected",
                                                                              "cause": "by hand"}}]}},
                    "expect": {"status": "Failed",
                               "error": {"code": "ClaimRefused", "detail": "the adjuster refused the claim"}}}
    tf = save_case("claim.tests.yaml", "claim.yaml", case)
    assert [c.name for c in tf.cases] == ["refused by hand"]


def test_a_callback_sent_with_flowdbg_callback_is_recorded(folder):
    """`run --callback-port 0 --save-test`: the answer sent by `flowdbg callback` replays as a mock."""
    write(folder, {"ask.mocks.yaml": "functions: {ask-adjuster: [{body: ''}]}\n"})
    exe = [sys.executable, "-m", "flowdbg.tui.cli"]
    proc = subprocess.Popen(exe + ["run", "claim.yaml", "--input", '{"claimId": "C-6", "amount": 5000}', "--mocks",
                                   "ask.mocks.yaml", "--callback-port", "0", "--save-test", "claim.tests.yaml",
                                   "--case", "the adjuster approves by hand"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = secret = token = None
        deadline = time.time() + 60
        while time.time() < deadline and not (url and token):
            line = proc.stderr.readline()
            t = re.search(r" token (v1#\S+)", line)
            token = t.group(1) if t else token
            m = re.search(r"FLOWDBG_CALLBACK_URL=(\S+) FLOWDBG_CALLBACK_SECRET=(\S+)\)", line)
            if m:
                url, secret = m.group(1), m.group(2)
        ok = subprocess.run(exe + ["callback", "succeed", token, "--output", '{"approved": true}', "--url", url,
                                   "--secret", secret], capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
    tf = load_test_file("claim.tests.yaml")
    assert tf.errors == []
    [case] = tf.cases
    text = read("claim.tests.yaml")
    assert "    - ask.mocks.yaml\n    - callbacks:\n        Wait for an adjuster:\n        - succeed: {approved: true}\n" \
           in text, text
    assert case.expect.output == {"claimId": "C-6", "paid": True}
    done = subprocess.run(exe + ["test", "claim.tests.yaml"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "1 passed, 0 failed", done.stdout
    assert json.loads(json.dumps(case.input)) == {"claimId": "C-6", "amount": 5000}


def test_with_json_the_output_stays_one_object(cli, folder):
    code, out, err = cli("run", "claim.yaml", "--input", '{"claimId": "C-7", "amount": 1}', "--json",
                         "--save-test", "claim.tests.yaml", "--case", "json run")
    assert code == 0 and json.loads(out)["status"] == "Succeeded"
    assert err.startswith("flowdbg: saved case 'json run' to claim.tests.yaml")


def test_a_callback_that_timed_out_is_recorded_as_no_answer(cli, folder):
    """Nobody answered: the case says so ([]), not a made-up answer after the Timeout."""
    with open("claim.yaml", encoding="utf-8") as f:
        text = f.read()
    with open("claim.yaml", "w", encoding="utf-8") as f:
        f.write(text.replace("    TaskMode: WaitForCustomCallback\n", "    TaskMode: WaitForCustomCallback\n    Timeout: 600\n"))
    write(folder, {"ask.mocks.yaml": "functions: {ask-adjuster: [{body: ''}]}\n"})
    code, out, err = cli("run", "claim.yaml", "--input", '{"claimId": "C-9", "amount": 5000}', "--mocks",
                         "ask.mocks.yaml", "--save-test", "claim.tests.yaml", "--case", "nobody answers")
    assert code == 1 and "error: FnF.TaskTimeout" in out, err
    text = read("claim.tests.yaml")
    assert "    - ask.mocks.yaml\n    - callbacks:\n        Wait for an adjuster: []\n" in text, text
    assert "after: 601" not in text
    assert cli("test", "claim.tests.yaml")[1].splitlines()[-1] == "1 passed, 0 failed"
