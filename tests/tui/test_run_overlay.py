"""The run overlay that every picture of a run is coloured from."""
from __future__ import annotations

from flowdbg.tui.run_overlay import CAUGHT, FAILED, NOT_RUN, SUCCEEDED, WAITING, node_key, overlay_from_records

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
    assert ov.outcome("Ask") == WAITING and ov.current == {"Ask"}
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
