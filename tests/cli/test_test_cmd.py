"""`flowdbg test`: the exact lines it prints, its exit codes, JUnit XML read
back, the coverage JSON file, parallel runs, and the sample flows' tests."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest
from junitparser import Error, Failure, JUnitXml

from helpers import SAMPLE_FLOWS
from helpers.flowtests import claim, write

CASES = """
    cases:
      - name: small claim is paid
        input: {claimId: C-1, amount: 500}
        expect:
          output: {claimId: C-1, paid: true}
          skips: [Wait for an adjuster]
      - name: large claim is refused
        input: {claimId: C-2, amount: 5000}
        expect:
          error: {code: ClaimRefused}
      - name: large claim is paid after the adjuster
        input: {claimId: C-3, amount: 5000}
        expect:
          output_contains: {paid: false}
          visits: [Wait for an adjuster, Pay]
    """


@pytest.fixture
def suite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return claim(tmp_path, CASES)


def test_lines_and_exit_code_when_a_case_fails(cli, suite):
    code, out, err = cli("test")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "claim.tests.yaml",
        "  ✓ small claim is paid",
        "  ✗ large claim is refused",
        "      status: expected Failed, got Succeeded",
        "      error: expected ClaimRefused, but the execution succeeded",
        "  ✗ large claim is paid after the adjuster",
        "      output_contains: $.paid differs (- expected, + got):",
        "         {",
        '        -  "paid": false',
        '        +  "paid": true',
        "         }",
        "",
        "1 passed, 2 failed",
    ]


def test_exit_zero_when_all_pass(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    claim(tmp_path, """
        cases:
          - name: small claim is paid
            input: {claimId: C-1, amount: 500}
        """)
    code, out, _ = cli("test", "claim.tests.yaml")
    assert code == 0
    assert out.splitlines() == ["claim.tests.yaml", "  ✓ small claim is paid", "", "1 passed, 0 failed"]
    # A flow stands for its sibling test file.
    assert cli("test", "claim.yaml")[:2] == (0, out)


def test_invalid_test_file_exit_two_and_the_others_still_run(cli, suite, tmp_path):
    write(tmp_path, {"broken.tests.yaml": "flow: claim.yaml\ncases:\n  - name: x\n    expect: {status: Succeded}\n"})
    code, out, err = cli("test")
    assert code == 2
    assert err.splitlines() == [
        "broken.tests.yaml:4:22: error: case 'x': expect.status: 'Succeded' is not a status; one of Succeeded, "
        "Failed, Running (hint: did you mean 'Succeeded'?)"]
    lines = out.splitlines()
    assert lines[:2] == ["broken.tests.yaml", "  ✗ invalid test file: 1 error (listed on stderr)"]
    assert lines[2:4] == ["claim.tests.yaml", "  ✓ small claim is paid"]
    assert lines[-2:] == ["1 test file is invalid", "1 passed, 2 failed"]


def test_invalid_flow_exit_two(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"f.yaml": "Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates:\n  - Name: A\n    Type: Pas\n",
                     "f.tests.yaml": "cases: [{name: x}]\n"})
    code, out, err = cli("test", "f.tests.yaml")
    assert code == 2
    assert err.startswith("f.yaml:6:11: error: ")
    assert out.splitlines()[-1] == "0 passed, 0 failed"


def test_a_case_that_cannot_run(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    claim(tmp_path, "cases:\n  - name: no mock for the adjuster\n    input: {claimId: C-9, amount: 5000}\n", mocks=None)
    code, out, _ = cli("test")
    assert code == 1
    assert out.splitlines()[:3] == [
        "claim.tests.yaml",
        "  ✗ no mock for the adjuster",
        "      could not run: state 'Wait for an adjuster' calls function 'ask-adjuster' "
        "(acs:fc:cn-hangzhou:123456789:functions/ask-adjuster/LATEST) and no mock answers it: add it to a mock "
        "file (FLOW.mocks.yaml beside the flow, or --mocks PATH) under 'functions:' as 'ask-adjuster', e.g.",
    ]
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_paths_that_name_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("test", "nowhere")[0::2] == (2, "flowdbg: error: nowhere: no such file or folder\n")
    os.mkdir("empty")
    code, out, err = cli("test", "empty")
    assert code == 2 and err == "flowdbg: error: no test files (*.tests.yaml) under empty\n"
    assert out.splitlines()[-1] == "0 passed, 0 failed"
    write(tmp_path, {"lone.yaml": "x: 1\n"})
    assert cli("test", "lone.yaml")[2] == ("flowdbg: error: lone.yaml: not a test file (NAME.tests.yaml), and it has "
                                           "no lone.tests.yaml beside it\n")
    assert cli("test", "--junit", "empty")[0::2] == (2, "flowdbg: error: --junit empty: is a directory; give a file "
                                                        "path\n")


def test_junit_xml(cli, suite, tmp_path):
    write(tmp_path, {"broken.tests.yaml": "flow: claim.yaml\ncases: []\n",
                     "sub/none.tests.yaml": "flow: ../claim.yaml\nmocks: []\ncases:\n  - name: no mocks\n"
                                            "    input: {claimId: C-9, amount: 5000}\n"})
    code, _, _ = cli("test", "--junit", "reports/junit.xml")
    assert code == 2
    xml = JUnitXml.fromfile("reports/junit.xml")
    assert (xml.tests, xml.failures, xml.errors) == (5, 2, 2)
    suites = {s.name: s for s in xml}
    assert list(suites) == ["broken.tests.yaml", "claim.tests.yaml", os.path.join("sub", "none.tests.yaml")]
    broken = list(suites["broken.tests.yaml"])
    assert [c.name for c in broken] == ["(test file)"]
    assert isinstance(broken[0].result[0], Error)
    assert broken[0].result[0].message == ("broken.tests.yaml:2:8: error: 'cases' is empty; a test file needs "
                                           "at least one case")
    cases = list(suites["claim.tests.yaml"])
    assert [c.name for c in cases] == ["small claim is paid", "large claim is refused",
                                       "large claim is paid after the adjuster"]
    assert [c.classname for c in cases] == ["claim"] * 3
    assert cases[0].is_passed and cases[0].result == []
    fail = cases[1].result[0]
    assert isinstance(fail, Failure) and fail.type == "ExpectationFailed"
    assert fail.message == "status: expected Failed, got Succeeded"
    assert fail.text == ("status: expected Failed, got Succeeded\n"
                         "error: expected ClaimRefused, but the execution succeeded")
    assert cases[2].result[0].text.splitlines() == [
        "output_contains: $.paid differs (- expected, + got):", " {", '-  "paid": false', '+  "paid": true', " }"]
    assert cases[0].system_out == "status: Succeeded\nflow: claim.yaml"
    [none] = list(suites[os.path.join("sub", "none.tests.yaml")])
    assert isinstance(none.result[0], Error) and none.result[0].type == "RunError"
    assert none.result[0].message.startswith("state 'Wait for an adjuster' calls function 'ask-adjuster'")
    # The attributes CI reporters read, straight from the XML.
    root = ET.parse("reports/junit.xml").getroot()
    tc = root.find("testsuite[@name='claim.tests.yaml']/testcase[@name='large claim is refused']")
    assert (tc.get("file"), tc.get("line"), tc.get("classname")) == ("claim.tests.yaml", "7", "claim")
    assert float(tc.get("time")) >= 0
    assert root.find("testsuite[@name='claim.tests.yaml']").get("tests") == "3"
    assert root.find("testsuite[@name='claim.tests.yaml']").get("failures") == "2"


def test_coverage_text_and_json(cli, suite):
    code, out, _ = cli("test", "--coverage", "--coverage-json", "cov.json")
    assert code == 1
    lines = out.splitlines()
    assert lines[-8:] == [
        "",
        "coverage of claim.yaml (3 cases)",
        "  states           3/4 (75%)  never reached: Refuse",
        "  choice branches  2/2 (100%)",
        "  catches          0/1 (0%)  never reached: Wait for an adjuster#Catch[0]",
        "  (the flow has no retries)",
        "",
        "1 passed, 2 failed",
    ]
    with open("cov.json", encoding="utf-8") as f:
        assert json.load(f) == {"flows": [{
            "flow": "claim.yaml",
            "states": {"total": 4, "covered": 3, "missed": ["Refuse"]},
            "choice_branches": {"total": 2, "covered": 2, "missed": []},
            "catches": {"total": 1, "covered": 0, "missed": ["Wait for an adjuster#Catch[0]"]},
            "retries": {"total": 0, "covered": 0, "missed": []},
        }]}


def test_parallel_runs_print_the_same(cli, tmp_path, monkeypatch):
    """Cases in worker processes report in file and case order, as a serial run does."""
    monkeypatch.chdir(tmp_path)
    for i in range(3):
        write(tmp_path / f"f{i}", {})
        claim(tmp_path / f"f{i}", CASES)
    serial = cli("test", "-j", "1", "--coverage")
    parallel = cli("test", "-j", "2", "--coverage")
    assert serial == parallel
    assert serial[1].splitlines()[-1] == "3 passed, 6 failed"


def test_the_sample_flows_tests_pass(cli):
    code, out, err = cli("test", SAMPLE_FLOWS, "--coverage")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1] == "29 passed, 0 failed"  # 5 of them: sample_flows/legacy/trip-booking-saga.tests.yaml, 4 claim-review
    assert not [ln for ln in lines if "never reached" in ln], out


LOOP = """
    Type: StateMachine
    Name: loop
    SpecVersion: v1
    StartAt: Count
    States:
      - Name: Count
        Type: Pass
        InputConstructor:
          n.$: intAdd($Input.n, 1)
        Next: Again
      - Name: Again
        Type: Choice
        Branches:
          - Condition: $Input.n < 1500
            Next: Count
        Default: Done
      - Name: Done
        Type: Succeed
    """


def test_event_and_step_limits(cli, tmp_path, monkeypatch):
    """1,500 rounds make about 6,000 events: over CloudFlow's 5,000 unless --max-events says otherwise."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"loop.yaml": LOOP, "loop.tests.yaml": "cases:\n  - name: counts to 1500\n    input: {n: 0}\n"
                                                           "    expect: {output: {n: 1500}}\n"})
    code, out, _ = cli("test")
    assert code == 1
    assert out.splitlines()[2] == (
        "      status: expected Succeeded, got Failed with FnF.EventLimitExceeded: the execution reached "
        "CloudFlow's limit of 5,000 events per execution (at StepEntered of state 'Again'); raise it with "
        "--max-events if your account's limit is higher")
    assert cli("test", "--max-events", "10000")[0] == 0
    code, out, _ = cli("test", "--max-events", "10000", "--max-steps", "100")
    assert code == 1 and out.splitlines()[2] == "      status: expected Succeeded, got Running"
