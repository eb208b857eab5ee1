"""A run on the picture: the overlay from a session's records, from flowdbg's
history and from CloudFlow's history (no Scope) must tell the same story."""
from __future__ import annotations

import pytest

from flowdbg.tui.run_overlay import (CALLBACK, CAUGHT, FAILED, NOT_RUN, RUNNING, SUCCEEDED, WAITING, history_events,
                                     overlay_from_coverage, overlay_from_history, overlay_from_records)

from helpers.graph import CLAIMS, FLOWS, ORDER, cloudflow, history_of, load, ran, session_for, summary
from helpers.session import flow_session


def three_ways(s):
    flow = s.definition.flow
    ex = s.execution
    records = summary(overlay_from_records(ex.records, ex.events))
    mine = summary(overlay_from_history(history_of(s), flow))
    theirs = summary(overlay_from_history(cloudflow(history_of(s)), flow))
    return records, mine, theirs


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_records_and_both_histories_agree_at_every_stop(path):
    s = session_for(path)
    for _ in range(80):
        records, mine, theirs = three_ways(s)
        assert mine == records
        assert theirs == records
        if s.execution.finished or s.execution.status != "Running":
            break
        before = s.execution.steps
        s.step_into()
        if s.execution.steps == before:  # waiting for a callback nobody sends
            break


def test_a_finished_run():
    s = ran(ORDER)
    ov = overlay_from_history(history_of(s), s.definition.flow)
    assert ov.outcome("Done") == SUCCEEDED and ov.outcome("RejectOrder") == NOT_RUN
    assert ov.nodes["Fulfil.Branch0/PackItems/PackOne"].visits == 3
    prog = ov.nodes["Fulfil.Branch0/PackItems"].map
    assert (prog.total, prog.done, prog.failed) == (3, 3, 0)
    assert ov.nodes["ValidateOrder"].retries == 1  # the mock throttles the first call
    assert ("NeedsApproval", "WaitForApproval") in ov.edges and ("NeedsApproval", "Fulfil") not in ov.edges
    assert ov.current == set()


CATCH_MAP = """
Type: StateMachine
SpecVersion: v1
Name: catchy
StartAt: Try it
States:
  - Name: Try it
    Type: Task
    Action: FC:InvokeFunction
    Parameters: {resourceArn: "acs:fc:::services/s/functions/boom", invocationType: Sync}
    Catch:
      - Errors: [FnF.ALL]
        Next: Recover
        OutputConstructor: {xs.$: $Context.Execution.Input.xs}
    Next: Fine
  - Name: Fine
    Type: Succeed
  - Name: Recover
    Type: Map
    ItemsPath: $Input.xs
    Processor:
      StartAt: Each
      States:
        - Name: Each
          Type: Choice
          Branches:
            - Condition: $Input == 2
              Next: Bad
          Default: Good
        - Name: Good
          Type: Pass
          End: true
        - Name: Bad
          Type: Fail
          Code: TwoIsBad
    End: true
"""


def test_caught_failed_and_the_iteration_a_failure_ended():
    s = flow_session(CATCH_MAP, {"xs": [1, 2, 3]}, mocks="functions:\n  boom:\n    - error: FC.Unknown\n")
    s.run_to_end()
    for ov in (overlay_from_records(s.execution.records, s.execution.events),
               overlay_from_history(history_of(s), s.definition.flow),
               overlay_from_history(cloudflow(history_of(s)), s.definition.flow)):
        assert ov.outcome("Try it") == CAUGHT and ("Try it", "Recover") in ov.edges
        assert ov.outcome("Fine") == NOT_RUN
        assert ov.outcome("Recover") == FAILED  # the failure inside ended the Map and the execution
        prog = ov.nodes["Recover"].map
        assert (prog.total, prog.done, prog.failed) == (3, 1, 1)
        assert ov.outcome("Recover/Bad") == FAILED and ov.nodes["Recover/Each"].visits == 2
        assert ov.current == set()


WAIT_FLOW = """
Type: StateMachine
Name: w
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: MNS:SendMessage
    TaskMode: WaitForCustomCallback
    End: true
"""


def test_waiting_for_a_callback_is_current():
    s = flow_session(WAIT_FLOW, mocks="states:\n  Ask:\n    - result: {}\n")
    s.run_to_end(jump_clock=False)
    assert s.execution.pending_tasks()
    for ov in (overlay_from_history(history_of(s), s.definition.flow),
               overlay_from_history(cloudflow(history_of(s)), s.definition.flow)):
        waiting = [k for k, n in ov.nodes.items() if n.outcome == CALLBACK]  # ✉, not a timer's ⧗
        assert waiting == ["Ask"] and ov.current == {"Ask"}


def test_same_name_in_two_scopes_without_scope_field():
    text = """
    Type: StateMachine
    SpecVersion: v1
    Name: twins
    StartAt: Work
    States:
      - Name: Work
        Type: Pass
        Next: Both
      - Name: Both
        Type: Parallel
        Branches:
          - StartAt: Work
            States:
              - Name: Work
                Type: Pass
                End: true
          - StartAt: Other
            States:
              - Name: Other
                Type: Pass
                End: true
        End: true
    """
    s = flow_session(text, {})
    s.run_to_end()
    ov = overlay_from_history(cloudflow(history_of(s)), s.definition.flow)
    assert ov.nodes["Work"].visits == 1 and ov.nodes["Both.Branch0/Work"].visits == 1
    assert ("Work", "Both") in ov.edges


def test_history_shapes_and_bad_ones():
    """Read by flowdbg.engine.replay, as --replay reads them: a response, pages of them, a bare
    list, lowerCamelCase fields, an SDK response's body."""
    s = ran(ORDER)
    h = history_of(s)
    want = summary(overlay_from_history(h, s.definition.flow))
    camel = [{k[0].lower() + k[1:]: v for k, v in e.items()} for e in h["Events"]]
    half = len(h["Events"]) // 2
    for shape in (h["Events"], {"Events": list(reversed(h["Events"]))},
                  [{"Events": h["Events"][:half], "NextToken": "t"}, {"Events": h["Events"][half:]}],
                  {"body": {"Events": h["Events"]}}, {"Events": camel}):
        assert summary(overlay_from_history(shape, s.definition.flow)) == want
    assert len(history_events(h)) == len(h["Events"]) and history_events({"Events": []}) == []
    for bad, msg in (({"events": 3}, "no 'Events' list"), ([{"StepName": "x"}], "event 1: no 'Type'"),
                     ("text", "expected a GetExecutionHistory response")):
        with pytest.raises(ValueError, match=msg):
            history_events(bad)


# -- coverage (flowdbg test --coverage-json, issue 14's shape) -----------------------------------

def test_coverage_as_documented():
    flow = load(ORDER)
    entry = {"flow": "sample_flows/order-pipeline.yaml",
             "states": {"total": 11, "covered": 9, "missed": ["RejectOrder", "WaitForApproval"]},
             "choice_branches": {"total": 2, "covered": 1, "missed": ["NeedsApproval#Branches[0]"]},
             "catches": {"total": 2, "covered": 0, "missed": ["ValidateOrder#Catch[0]", "WaitForApproval#Catch[0]"]},
             "retries": {"total": 1, "covered": 1, "missed": []}}
    ov = overlay_from_coverage(entry, flow)
    assert ov.outcome("Done") == SUCCEEDED and ov.outcome("Fulfil.Branch0/PackItems/PackOne") == SUCCEEDED
    assert ov.outcome("RejectOrder") == NOT_RUN and ov.outcome("WaitForApproval") == NOT_RUN
    assert ("NeedsApproval", "Fulfil") in ov.edges  # the Default branch
    assert ("NeedsApproval", "WaitForApproval") not in ov.edges
    assert ("ValidateOrder", "RejectOrder") not in ov.edges
    assert ("CoolDown", "Notify") in ov.edges  # a Next between two entered states
    assert ov.nodes["ValidateOrder"].retries == 1


def test_coverage_names_nested_states_by_key_as_flowdbg_test_writes_them():
    from flowdbg.tui.graph.model import CHOICE, DEFAULT, describe
    flow = load(CLAIMS)
    legible = "Investigate the claim.Branch0/Check every document/Is it legible?"
    branches = [e.rule for e in describe(flow).edges if e.kind in (CHOICE, DEFAULT)]
    assert f"{legible}#Branches[0]" in branches
    entry = {"flow": "claims.yaml",
             "states": {"total": 32, "covered": 30, "missed": ["Investigate the claim.Branch1/Policy lapsed",
                                                               "Close as abandoned"]},
             "choice_branches": {"total": len(branches), "covered": 1,
                                 "missed": [r for r in branches if r != f"{legible}#Branches[0]"]},
             "catches": {"total": 3, "covered": 1, "missed": ["Check the claim form#Catch[0]",
                                                              "Ask for the missing fields#Catch[0]"]},
             "retries": {"total": 1, "covered": 0, "missed": ["Check the claim form#Retry[0]"]}}
    ov = overlay_from_coverage(entry, flow)
    assert ov.outcome("Investigate the claim.Branch1/Policy lapsed") == NOT_RUN
    assert ov.outcome("Investigate the claim.Branch1/Policy is fine") == SUCCEEDED
    assert ov.outcome("Close as abandoned") == NOT_RUN
    assert (legible, "Investigate the claim.Branch0/Check every document/Keep the document") in ov.edges
    assert (legible, "Investigate the claim.Branch0/Check every document/Flag the document") not in ov.edges
    assert ov.outcome("Investigate the claim") == CAUGHT  # its Catch[0] was taken
    assert ("Investigate the claim", "Deny the claim") in ov.edges
    assert ov.nodes["Check the claim form"].retries == 0


def test_coverage_as_counts_and_lists():
    flow = load(ORDER)
    entry = {"states": {"covered": ["ValidateOrder", "RejectOrder"], "visits": {"ValidateOrder": 4}},
             "choice_branches": {"NeedsApproval#Branches[0]": 0},
             "catches": {"ValidateOrder#Catch[0]": 3}}
    ov = overlay_from_coverage(entry, flow)
    assert ov.outcome("ValidateOrder") == CAUGHT and ov.nodes["ValidateOrder"].visits == 4
    assert ("ValidateOrder", "RejectOrder") in ov.edges
    assert ov.outcome("Done") == NOT_RUN
    assert overlay_from_coverage({}, flow).nodes == {}


def test_states_cut_off_by_the_end_of_the_execution_are_not_left_running():
    text = """
    Type: StateMachine
    SpecVersion: v1
    Name: cut
    StartAt: Both
    States:
      - Name: Both
        Type: Parallel
        Branches:
          - StartAt: Slow
            States:
              - Name: Slow
                Type: Wait
                Seconds: 100
                End: true
          - StartAt: Boom
            States:
              - Name: Boom
                Type: Fail
                Code: Bad
        End: true
    """
    s = flow_session(text, {})
    s.run_to_end()
    assert s.execution.status == "Failed"
    for ov in (overlay_from_records(s.execution.records, s.execution.events),
               overlay_from_history(history_of(s), s.definition.flow)):
        assert RUNNING not in {n.outcome for n in ov.nodes.values()}
        assert ov.outcome("Both") == FAILED and ov.current == set()


RETRY_WAIT_FLOW = """
Type: StateMachine
Name: r
SpecVersion: v1
StartAt: Charge
States:
  - Name: Charge
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:::services/pay.LATEST/functions/charge
      invocationType: Sync
    Retry:
      - Errors: [Payment.Throttled]
        MaxAttempts: 1
        IntervalSeconds: 5
    End: true
"""


def test_a_retry_interval_in_a_saved_history_is_a_timer_wait_not_a_callback():
    s = flow_session(RETRY_WAIT_FLOW, mocks="functions:\n  charge:\n    - error: Payment.Throttled\n    - body: {}\n")
    ex = s.execution
    while not ex.records or ex.records[0].status == "running":
        ex.step()  # the first attempt failed: it waits 5 s for its Retry
    ov = overlay_from_history(history_of(s), s.definition.flow)
    assert ov.outcome("Charge") == WAITING and ov.current == {"Charge"}
