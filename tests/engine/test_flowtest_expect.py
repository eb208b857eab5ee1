"""Expectations of a case, each kind passing and failing, with the exact
lines a failure prints; runs go through flowdbg.run_flow (the same Session
as `flowdbg run`)."""
from __future__ import annotations

import pytest

from flowdbg import run_flow
from flowdbg.engine.testing.expect import ErrorExpectation, Expectation, check, contains, json_diff

from helpers.flowtests import claim

SMALL = {"claimId": "C-1", "amount": 500}
LARGE = {"claimId": "C-2", "amount": 5000}
REFUSE = {"callbacks": {"Wait for an adjuster": [{"fail": {"error": "Rejected", "cause": "too large"}}]}}
SILENT = {"callbacks": {"Wait for an adjuster": []}}


@pytest.fixture
def flow(tmp_path):
    return claim(tmp_path, "cases: [{name: a}]")["claim.yaml"]


def lines(expect: Expectation, result) -> list[str]:
    return [ln for m in check(expect, result) for ln in m.lines()]


def test_status(flow):
    paid = run_flow(flow, SMALL)
    refused = run_flow(flow, LARGE, mock_overrides=REFUSE)
    waiting = run_flow(flow, LARGE, mock_overrides=SILENT)
    assert (paid.status, refused.status, waiting.status) == ("Succeeded", "Failed", "Running")
    assert lines(Expectation(status="Succeeded"), paid) == []
    assert lines(Expectation(), paid) == []  # no status: Succeeded is expected
    assert lines(Expectation(status="Failed"), refused) == []
    assert lines(Expectation(status="Running"), waiting) == []
    assert lines(Expectation(), refused) == [
        "status: expected Succeeded, got Failed with ClaimRefused: the adjuster refused the claim"]
    assert lines(Expectation(status="Succeeded"), waiting) == [
        "status: expected Succeeded, got Running, waiting for 'Wait for an adjuster'"]
    assert lines(Expectation(status="Failed"), paid) == ["status: expected Failed, got Succeeded"]


def test_output_is_exact_and_type_strict(flow):
    paid = run_flow(flow, SMALL)
    assert paid.output == {"claimId": "C-1", "paid": True}
    assert lines(Expectation(output={"paid": True, "claimId": "C-1"}), paid) == []
    assert lines(Expectation(output={"claimId": "C-1", "paid": 1}), paid) == [
        "output differs (- expected, + got):",
        " {",
        '   "claimId": "C-1",',
        '-  "paid": 1',
        '+  "paid": true',
        " }",
    ]
    assert lines(Expectation(output={"paid": True}), paid) == [
        "output differs (- expected, + got):",
        " {",
        '+  "claimId": "C-1",',
        '   "paid": true',
        " }",
    ]
    refused = run_flow(flow, LARGE, mock_overrides=REFUSE)
    assert lines(Expectation(status="Failed", output={"paid": True}), refused) == [
        'output: expected {"paid": true}, but the execution failed with ClaimRefused: the adjuster refused the claim']


def test_output_contains_is_a_recursive_subset():
    assert contains({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}, "d": 3})
    assert not contains({"a": {"b": 1}}, {"a": {"b": 2}})
    assert contains({"items": [{"id": 1}, {}]}, {"items": [{"id": 1, "x": 0}, {"y": 1}]})
    assert not contains({"items": [{"id": 1}]}, {"items": [{"id": 1}, {"id": 2}]})  # same length
    assert not contains({"ok": True}, {"ok": 1}) and not contains({"n": 1}, {"n": "1"})
    assert contains({"n": 1}, {"n": 1.0}) and contains(None, None) and not contains({}, [])


def test_output_contains(flow):
    paid = run_flow(flow, SMALL)
    assert lines(Expectation(output_contains={"paid": True}), paid) == []
    assert lines(Expectation(output_contains={"paid": False, "claim": {"id": 1}}), paid) == [
        "output_contains: $.paid differs; $.claim is missing (- expected, + got):",
        " {",
        '-  "claim": {',
        '-    "id": 1',
        "-  },",
        '-  "paid": false',
        '+  "paid": true',
        " }",
    ]
    waiting = run_flow(flow, LARGE, mock_overrides=SILENT)
    assert lines(Expectation(status="Running", output_contains={}), waiting) == [
        "output_contains: expected an output, but the execution is still running, waiting for 'Wait for an adjuster'"]


def test_error(flow):
    refused = run_flow(flow, LARGE, mock_overrides=REFUSE)
    assert refused.error == {"code": "ClaimRefused", "detail": "the adjuster refused the claim"}
    ok = [ErrorExpectation(code="ClaimRefused"), ErrorExpectation(detail="the adjuster refused the claim"),
          ErrorExpectation(code="ClaimRefused", detail_contains="refused")]
    for e in ok:
        assert lines(Expectation(error=e), refused) == []
    assert lines(Expectation(error=ErrorExpectation("Rejected", "refused", "large")), refused) == [
        "error.code: expected Rejected, got ClaimRefused",
        'error.detail: expected "refused", got "the adjuster refused the claim"',
        'error.detail_contains: "large" is not in "the adjuster refused the claim"',
    ]
    assert lines(Expectation(error=ErrorExpectation(code="Rejected")), run_flow(flow, SMALL)) == [
        "status: expected Failed, got Succeeded",
        "error: expected Rejected, but the execution succeeded",
    ]


def test_visits_in_order_with_others_between(flow):
    large = run_flow(flow, LARGE)
    assert large.states == ["Check the form", "Wait for an adjuster", "Pay"]
    assert lines(Expectation(visits=("Check the form", "Pay")), large) == []
    assert lines(Expectation(visits=("Pay", "Check the form")), large) == [
        "visits: 'Check the form' was not entered after 'Pay' "
        "(entered: Check the form -> Wait for an adjuster -> Pay)"]
    assert lines(Expectation(visits=("Refuse",)), large) == [
        "visits: 'Refuse' was never entered (entered: Check the form -> Wait for an adjuster -> Pay)"]
    assert lines(Expectation(visits=("Pay", "Pay")), large) == [
        "visits: 'Pay' was not entered after 'Pay' (entered: Check the form -> Wait for an adjuster -> Pay)"]


def test_skips(flow):
    small = run_flow(flow, SMALL)
    assert lines(Expectation(skips=("Wait for an adjuster", "Refuse")), small) == []
    assert lines(Expectation(skips=("Pay",)), small) == [
        "skips: 'Pay' was entered once, first as step 2 (entered: Check the form -> Pay)"]


def test_json_diff_marks_gaps_between_hunks():
    a = {f"k{i:02}": i for i in range(20)}
    b = dict(a, k01=-1, k18=-1)
    assert json_diff(a, b) == (
        " {", '   "k00": 0,', '-  "k01": 1,', '+  "k01": -1,', '   "k02": 2,', '   "k03": 3,', '   "k04": 4,',
        "  …", '   "k15": 15,', '   "k16": 16,', '   "k17": 17,', '-  "k18": 18,', '+  "k18": -1,', '   "k19": 19',
        " }")
