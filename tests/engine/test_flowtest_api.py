"""The Python API, ``from flowdbg import run_flow``: what it returns and how
its mocks combine, and its errors."""
from __future__ import annotations

import os

import pytest

import flowdbg
from flowdbg import FlowInvalid, MockFileError, RunError, run_flow
from flowdbg.engine.mocks import parse_mocks

from helpers.flowtests import claim, write

LARGE = {"claimId": "C-2", "amount": 5000}


def test_result_of_a_run(tmp_path):
    flow = claim(tmp_path, "cases: [{name: a}]")["claim.yaml"]
    r = run_flow(flow, LARGE)
    assert (r.status, r.output, r.error, r.succeeded) == ("Succeeded", {"claimId": "C-2", "paid": True}, None, True)
    assert r.states == ["Check the form", "Wait for an adjuster", "Pay"]
    assert r.time == 60.0  # the scripted callback comes 60 virtual seconds after the submission
    assert [e["type"] for e in r.events] == [
        "ExecutionStarted", "StepEntered", "StepExited", "StepEntered", "TaskScheduled", "TaskSubmitted",
        "TaskSucceeded", "StepExited", "StepEntered", "StepExited", "ExecutionSucceeded"]
    assert r.events[6]["detail"] == {"output": {"ok": True}} and r.events[6]["time"] == 60.0
    assert r.pending == [] and r.entered("Pay") == 1 and r.entered("Refuse") == 0
    assert [rec.state for rec in r.records] == r.states and r.keys == r.states


def test_mocks_default_replace_and_override(tmp_path):
    paths = claim(tmp_path, "cases: [{name: a}]", **{
        "other.mocks.yaml": "functions: {ask-adjuster: [{body: ''}]}\n"
                            "callbacks: {Wait for an adjuster: [{fail: {error: Rejected}}]}\n"})
    flow = paths["claim.yaml"]
    refused = {"status": "Failed", "code": "ClaimRefused"}
    for mocks in (paths["other.mocks.yaml"], "other.mocks.yaml",
                  parse_mocks(open(paths["other.mocks.yaml"]).read(), paths["other.mocks.yaml"])):
        r = run_flow(flow, LARGE, mocks=mocks, base_dir=str(tmp_path))
        assert {"status": r.status, "code": r.error["code"]} == refused
    # Overrides go over the sibling mock file key by key; later ones win; [] empties a key.
    r = run_flow(flow, LARGE, mock_overrides=[{"callbacks": {"Wait for an adjuster": [{"succeed": {"a": 1}}]}},
                                              {"callbacks": {"Wait for an adjuster": [{"fail": {"error": "X"}}]}}])
    assert (r.status, r.error) == ("Failed", {"code": "X", "detail": ""})
    r = run_flow(flow, LARGE, mock_overrides={"callbacks": {"Wait for an adjuster": []}})
    assert r.status == "Running" and [p["state"] for p in r.pending] == ["Wait for an adjuster"]


def test_relative_paths_from_base_dir(tmp_path):
    claim(tmp_path / "flows", "cases: [{name: a}]")
    r = run_flow("claim.yaml", {"claimId": "C", "amount": 1}, base_dir=str(tmp_path / "flows"))
    assert r.output == {"claimId": "C", "paid": True}


def test_errors(tmp_path):
    paths = claim(tmp_path, "cases: [{name: a}]", mocks=None, **{
        "bad.yaml": "Type: StateMachine\nSpecVersion: v1\nStartAt: Nowhere\nStates: []\n",
        "bad.mocks.yaml": "functions: {f: [{bdy: 1}]}\n"})
    with pytest.raises(FlowInvalid) as e:
        run_flow(paths["bad.yaml"])
    assert e.value.diagnostics and all(d.startswith(paths["bad.yaml"] + ":") for d in e.value.diagnostics)
    with pytest.raises(MockFileError) as m:
        run_flow(paths["claim.yaml"], LARGE, mocks=paths["bad.mocks.yaml"])
    assert str(m.value) == (paths["bad.mocks.yaml"] + ":1:18: error: functions.f: an answer needs 'body' or 'error' "
                            "('bdy' on line 1 is not it: it is spelt 'body') (hint: rename 'bdy' to 'body')")
    with pytest.raises(RunError) as r:
        run_flow(paths["claim.yaml"], LARGE)  # no mock file: nothing answers ask-adjuster
    assert str(r.value).startswith("state 'Wait for an adjuster' calls function 'ask-adjuster'")
    with pytest.raises(TypeError):
        run_flow(paths["claim.yaml"], [1])


def test_the_package_exports_only_on_use():
    assert {"run_flow", "FlowResult", "FlowInvalid", "RunError", "MockFileError"} <= set(dir(flowdbg))
    assert flowdbg.__version__
    with pytest.raises(AttributeError):
        flowdbg.nothing_here  # noqa: B018


def test_the_fixture_takes_paths_from_the_test_folder(run_flow, tmp_path, monkeypatch):
    """The pytest plugin's ``run_flow`` fixture (entry point pytest11): relative to this file's folder."""
    here = os.path.dirname(__file__)
    write(tmp_path, {"x": ""})
    monkeypatch.chdir(tmp_path)  # not the test's folder: the fixture must not care
    r = run_flow(os.path.join("..", "fixtures", "testing", "shipping.yaml"), {"orders": [{"id": 1, "kind": "slow"}]})
    assert r.output == {"shipped": [{"id": 1, "by": "freight"}]}
    assert os.path.exists(os.path.join(here, "..", "fixtures", "testing", "shipping.yaml"))
