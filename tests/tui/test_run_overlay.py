"""The run overlay that every picture of a run is coloured from."""
from __future__ import annotations

from flowdbg.tui.run_overlay import (CALLBACK, CAUGHT, FAILED, GLYPH, NOT_RUN, SUCCEEDED, WAITING, node_key,
                                    overlay_from_records)

from helpers.session import flow_session, order_session


def test_node_key_strips_iteration_indices():
    assert node_key("", "A") == "A"
    assert node_key("Map1[3]", "Price") == "Map1/Price"
    assert node_key("Map1[3]/P.Branch1", "X") == "Map1/P.Branch1/X"


def test_finished_run_colours_every_state_and_the_edges_taken():
    s = order_session()
    s.run_to_end()
    ov = overlay_from_records(s.execution.records, s.execution.events)
    assert ov.outcome("Done") == SUCCEEDED
    assert ov.nodes["Fulfil.Branch0/PackItems/PackOne"].visits == 3
    prog = ov.nodes["Fulfil.Branch0/PackItems"].map
    assert (prog.total, prog.done, prog.failed) == (3, 3, 0)
    assert ("ValidateOrder", "NeedsApproval") in ov.edges
    assert ov.current == set()


CAUGHT_FLOW = """
Type: StateMachine
Name: c
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: MNS:SendMessage
    TaskMode: WaitForCustomCallback
    Next: Boom
  - Name: Boom
    Type: Fail
    Code: Bad
  - Name: Never
    Type: Pass
    End: true
"""


def test_waiting_then_failed_and_unreached():
    s = flow_session(CAUGHT_FLOW, mocks="states:\n  Ask:\n    - result: {}\n")
    s.run_to_end(jump_clock=False)
    ov = overlay_from_records(s.execution.records)
    assert ov.outcome("Ask") == CALLBACK and ov.current == {"Ask"}
    assert ov.outcome("Never") == NOT_RUN
    tok = s.execution.pending_tasks()[0].token
    s.report(tok, succeeded=True, output={})
    s.run_to_end()
    ov = overlay_from_records(s.execution.records)
    assert ov.outcome("Boom") == FAILED and ("Ask", "Boom") in ov.edges


def test_caught_outranks_succeeded_on_a_node_run_twice():
    from flowdbg.tui.run_overlay import NodeRun
    n = NodeRun()
    n.see(SUCCEEDED)
    n.see(CAUGHT)
    n.see(SUCCEEDED)
    assert (n.outcome, n.visits) == (CAUGHT, 3)


RETRY_FLOW = """
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


def test_a_retry_interval_is_a_timer_and_a_callback_has_its_own_mark():
    """The review: ⧗ is for timers only; a task waiting for its callback shows ✉, in the
    records' overlay."""
    s = flow_session(RETRY_FLOW, mocks="functions:\n  charge:\n    - error: Payment.Throttled\n    - body: {}\n")
    ex = s.execution
    while ex.records == [] or ex.records[0].status == "running":
        ex.step()  # until the first attempt failed: it waits 5 s for its Retry
    assert ex.records[0].status == "waiting"
    assert overlay_from_records(ex.records).outcome("Charge") == WAITING
    s2 = flow_session(CAUGHT_FLOW, mocks="states:\n  Ask:\n    - result: {}\n")
    s2.run_to_end(jump_clock=False)
    assert overlay_from_records(s2.execution.records).outcome("Ask") == CALLBACK
    assert GLYPH[WAITING] == "⧗" and GLYPH[CALLBACK] == "✉"
