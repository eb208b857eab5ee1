"""Issue #5 part 3: the inspection record (StepRecord) of each step, with
exact values on order-pipeline and on small flows."""
from __future__ import annotations

import json

import pytest

from flowdbg.engine.execution import MISSING
from helpers.session import CALLBACK_FLOW, CALLBACK_MOCKS, defn_file, flow_session, make_session, order_session, records
from flowdbg.engine.mocks import load_mocks

ITEMS = [{"sku": "apple", "qty": 3}, {"sku": "pear", "qty": 1}, {"sku": "plum", "qty": 6}]
INPUT = {"orderId": "o-1001", "items": ITEMS}
VALIDATED = {"orderId": "o-1001", "total": 1500, "items": ITEMS}
APPROVED = {**VALIDATED, "approvedBy": "manager@example.com"}
BOXES = [{"sku": "apple", "box": "B-1"}, {"sku": "pear", "box": "B-2"}, {"sku": "plum", "box": "B-3"}]
THROTTLED = {"Code": "FC.ResourceThrottled", "Detail": "too many requests"}


@pytest.fixture(scope="module")
def order():
    s = order_session()
    assert s.cont().reason == "finished"
    return s


def one(s, state, frame=None):
    rs = [r for r in records(s, state) if frame is None or r.frame == frame]
    assert len(rs) == 1, rs
    return rs[0]


# -- order-pipeline ---------------------------------------------------------------

def test_validate_order_record_stages(order):
    r = one(order, "ValidateOrder")
    params = {"resourceArn": "acs:fc:cn-hangzhou:123456789:functions/validate-order/LATEST",
              "invocationType": "Sync", "body": {"orderId": "o-1001", "items": ITEMS}}
    assert (r.frame, r.type, r.status) == ("", "Task", "succeeded")
    assert r.raw_input == INPUT
    assert r.input == INPUT, "no InputConstructor: input is the raw input"
    assert r.parameters == params
    assert len(r.attempts) == 2
    a0, a1 = r.attempts
    assert a0["request"] == params and a1["request"] == params
    assert a0["error"] == THROTTLED
    assert a0["response"]["error"] == "FC.ResourceThrottled"
    assert "error" not in a1
    assert json.loads(a1["response"]["payload"]) == {"valid": True, "total": 1500}
    assert (a0["at"], a1["at"]) == (0.0, 2.0)
    assert r.retries == [{"rule": 0, "attempt": 1, "wait": 2.0, "error": THROTTLED}]
    assert r.catch is None
    assert r.result == {"Body": {"valid": True, "total": 1500}}
    assert r.output == VALIDATED
    assert r.next == "NeedsApproval"
    assert (r.entered_at, r.exited_at) == (0.0, 2.0)
    assert r.retry_count == 1


def test_needs_approval_choice_record(order):
    r = one(order, "NeedsApproval")
    assert r.type == "Choice"
    assert r.raw_input == VALIDATED and r.input == VALIDATED
    assert r.choice == [{"index": 0, "condition": "$Input.total > 1000", "value": True}]
    assert r.next == "WaitForApproval"
    assert r.output == VALIDATED
    ev = [e for e in order.execution.events if e.state == "NeedsApproval" and e.type == "StepExited"][0]
    assert ev.detail["branch"] == 0 and ev.detail["next"] == "WaitForApproval"


def test_wait_for_approval_callback_record(order):
    r = one(order, "WaitForApproval")
    assert r.token and r.token.startswith("v1#order-pipeline#")
    assert r.parameters == {"resourceArn": "acs:fc:cn-hangzhou:123456789:functions/ask-manager/LATEST",
                            "invocationType": "Async",
                            "body": {"orderId": "o-1001", "total": 1500, "callbackToken": r.token}}
    assert len(r.attempts) == 1
    assert r.attempts[0]["token"] == r.token
    assert r.attempts[0]["response"]["payload"] == ""
    assert r.attempts[0]["callback"] == {"approved": True, "by": "manager@example.com"}
    assert r.result == {"approved": True, "by": "manager@example.com"}
    assert r.output == APPROVED
    assert r.next == "Fulfil"
    assert (r.entered_at, r.exited_at) == (2.0, 122.0), "the scripted callback came 120 s after submission"


def test_fulfil_parallel_and_pack_items_map_records(order):
    p = one(order, "Fulfil")
    assert p.type == "Parallel"
    assert p.input == APPROVED
    assert p.result == {"Branch0": {"Items": BOXES}, "Branch1": {"paymentId": "pay-77"}}
    assert p.output == {"orderId": "o-1001", "boxes": BOXES, "paymentId": "pay-77"}
    assert p.next == "CoolDown"
    m = one(order, "PackItems")
    assert m.frame == "Fulfil.Branch0"
    assert m.parameters == {"Items": 3, "MaxConcurrency": 2}
    assert m.output == {"Items": BOXES}
    assert m.next is None
    packs = records(order, "PackOne")
    assert [r.frame for r in packs] == [f"Fulfil.Branch0/PackItems[{i}]" for i in range(3)]
    assert [r.raw_input for r in packs] == [{**it, "orderId": "o-1001"} for it in ITEMS]
    assert [r.parameters["body"] for r in packs] == ITEMS
    assert [r.output for r in packs] == BOXES
    c = one(order, "ChargeCard")
    assert c.parameters == {"url": "https://payments.example.com/charge", "method": "POST",
                            "body": {"orderId": "o-1001", "amount": 1500}}
    assert c.result["Body"] == {"paymentId": "pay-77"}
    assert c.output == {"paymentId": "pay-77"}


def test_wait_and_notify_records(order):
    w = one(order, "CoolDown")
    assert w.parameters == {"Seconds": 60}
    assert (w.entered_at, w.exited_at) == (122.0, 182.0)
    assert w.output == w.input
    n = one(order, "Notify")
    assert n.parameters == {"resourceArn": "acs:mns:cn-hangzhou:123456789:/topics/orders/messages",
                            "message": "order o-1001 shipped in 3 boxes"}
    assert n.result == {"MessageId": "m-1"}
    assert n.output == {"orderId": "o-1001", "boxes": BOXES, "paymentId": "pay-77", "messageId": "m-1"}
    assert n.next == "Done"
    d = one(order, "Done")
    assert d.next is None and d.output == n.output


def test_record_to_json_round_trips_as_json(order):
    for r in order.execution.records:
        j = r.to_json()
        assert json.loads(json.dumps(j)) == j
        assert j["state"] == r.state and j["frame"] == r.frame


def test_record_while_waiting_for_callback_shows_partial_stages():
    s = make_session(defn_file(CALLBACK_FLOW), {"k": 1}, load_mocks(CALLBACK_MOCKS))
    assert s.cont().reason == "waiting"
    r = s.current_record()
    assert r.state == "Approve"
    assert r.status == "waiting"
    assert r.parameters["body"] == {"token": r.token}
    assert len(r.attempts) == 1 and "callback" not in r.attempts[0]
    assert r.result is MISSING and r.output is MISSING and r.next is None


# -- small flows -----------------------------------------------------------------------

CATCH_FLOW = """
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: Call
    States:
      - Name: Call
        Type: Task
        Action: HTTP:Request
        InputConstructor:
          x.$: $Input.x
        Parameters:
          url: https://example.com
          x.$: $Input.x
        Retry:
          - Errors: [Other]
            MaxAttempts: 5
            IntervalSeconds: 9
          - Errors: [E1]
            MaxAttempts: 2
            IntervalSeconds: 1
            BackoffRate: 3
        Catch:
          - Errors: [Nope]
            Next: Never
          - Errors: [E1]
            Next: Handler
            OutputConstructor:
              why.$: $Context.Current.Error.Code
              detail.$: $Context.Current.Error.Detail
              orig.$: $Input.x
        End: true
      - Name: Never
        Type: Pass
        End: true
      - Name: Handler
        Type: Pass
        End: true
    """


def test_retries_then_catch_record():
    s = flow_session(CATCH_FLOW, {"x": 5, "y": 0}, "states:\n  Call:\n    - error: E1\n      detail: boom\n")
    assert s.cont().reason == "finished"
    r = one(s, "Call")
    err = {"Code": "E1", "Detail": "boom"}
    assert r.raw_input == {"x": 5, "y": 0}
    assert r.input == {"x": 5}
    assert r.parameters == {"url": "https://example.com", "x": 5}
    assert [a["error"] for a in r.attempts] == [err, err, err], "1 call + MaxAttempts 2 retries"
    assert [a["at"] for a in r.attempts] == [0.0, 1.0, 4.0]
    assert r.retries == [{"rule": 1, "attempt": 1, "wait": 1.0, "error": err},
                         {"rule": 1, "attempt": 2, "wait": 3.0, "error": err}]
    assert r.catch == {"rule": 1, "next": "Handler", "error": err}
    assert r.output == {"why": "E1", "detail": "boom", "orig": 5}
    assert r.next == "Handler"
    assert r.status == "caught"
    assert r.result is MISSING
    h = one(s, "Handler")
    assert h.raw_input == {"why": "E1", "detail": "boom", "orig": 5}
    assert s.execution.status == "Succeeded"


def test_input_and_output_constructor_stages():
    s = flow_session("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: T
        States:
          - Name: T
            Type: Task
            Action: HTTP:Request
            InputConstructor:
              v.$: $Input.x
              const: 7
            Parameters:
              url: https://example.com
              val.$: $Input.v
            OutputConstructor:
              got.$: $Output.Body
              in.$: $Input.v
            End: true
        """, {"x": 5, "y": 1}, "states:\n  T:\n    - result: {Body: r}\n")
    s.cont()
    r = one(s, "T")
    assert r.raw_input == {"x": 5, "y": 1}
    assert r.input == {"v": 5, "const": 7}
    assert r.parameters == {"url": "https://example.com", "val": 5}
    assert r.attempts[0]["request"] == {"url": "https://example.com", "val": 5}
    # the answer, and which mock entry (file:line) gave it
    assert r.attempts[0]["response"] == {"result": {"Body": "r"}, "entry": "<mocks>:3", "key": "T"}
    assert r.result == {"Body": "r"}
    assert r.output == {"got": "r", "in": 5}
    assert r.next is None
    assert s.execution.output == {"got": "r", "in": 5}


CHOICE_FLOW = """
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: Pick
    States:
      - Name: Pick
        Type: Choice
        Branches:
          - Condition: $Input.n > 10
            Next: Big
          - Condition: $Input.n > 5
            Next: Mid
          - Condition: $Input.n > 1
            Next: Small
        Default: Zero
      - Name: Big
        Type: Succeed
      - Name: Mid
        Type: Succeed
      - Name: Small
        Type: Succeed
      - Name: Zero
        Type: Succeed
    """


def test_choice_records_each_evaluated_condition_and_first_true_wins():
    s = flow_session(CHOICE_FLOW, {"n": 7})
    s.cont()
    r = one(s, "Pick")
    # n=7 makes branches 1 and 2 true; the first true one wins and the rest are not evaluated
    assert r.choice == [{"index": 0, "condition": "$Input.n > 10", "value": False},
                        {"index": 1, "condition": "$Input.n > 5", "value": True}]
    assert r.next == "Mid"
    ev = [e for e in s.execution.events if e.state == "Pick" and e.type == "StepExited"][0]
    assert ev.detail["branch"] == 1
    assert [x.state for x in s.execution.records] == ["Pick", "Mid"]


def test_choice_default_records_all_false_conditions():
    s = flow_session(CHOICE_FLOW, {"n": 0})
    s.cont()
    r = one(s, "Pick")
    assert [(c["index"], c["value"]) for c in r.choice[:3]] == [(0, False), (1, False), (2, False)]
    assert r.next == "Zero"
    ev = [e for e in s.execution.events if e.state == "Pick" and e.type == "StepExited"][0]
    assert ev.detail["branch"] == "Default"


def test_choice_condition_error_is_recorded():
    s = flow_session(CHOICE_FLOW, {"n": "7"})
    s.cont()
    r = one(s, "Pick")
    assert len(r.choice) == 1 and r.choice[0]["index"] == 0 and "error" in r.choice[0]
    assert "value" not in r.choice[0]
    assert r.status == "failed" and r.error["Code"] == "FnF.RuntimeError"
    assert s.execution.status == "Failed"


def test_record_stages_are_visible_at_the_stop_after_the_state_ran():
    """At the stop on the next state, the previous state's record is complete."""
    s = order_session()
    s.step_into()  # at ValidateOrder (not run yet)
    r = s.current_record()
    assert r.input is MISSING and r.output is MISSING
    s.step_into()  # at NeedsApproval
    assert r.output == VALIDATED and r.next == "NeedsApproval"
    assert s.current_record().state == "NeedsApproval"


def test_callback_failure_is_recorded_in_the_attempt():
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS))
    s.cont()
    r = s.current_record()
    assert s.report(r.token, succeeded=False, error="Denied", cause="not today").accepted
    s.cont()
    assert r.attempts[0]["error"] == {"Code": "Denied", "Detail": "not today"}
    assert r.error == {"Code": "Denied", "Detail": "not today"}
    assert r.status == "failed" and r.catch is None and r.output is MISSING
    assert s.execution.status == "Failed"
