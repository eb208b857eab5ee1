"""Step over when the stepped state waits (a Retry interval, a callback) or
its scope ends inside another Map/Parallel (the newcomer review of the
debugger): it stops at the next state of the same Map or Parallel, or at
its exit, never further; a waiting stop stays at the waiting task."""
from __future__ import annotations

import os

from helpers.session import SAMPLES, defn_file, make_session, order_session, read_json
from flowdbg.engine.mocks import load_mocks

CLAIM = os.path.join(SAMPLES, "claim-review.yaml")
P = "Assess the claim in parallel"
M = f"{P}.Branch0/Price each damaged item"


def claim_session():
    return make_session(defn_file(CLAIM), read_json(os.path.join(SAMPLES, "claim-review.input.json")),
                        load_mocks(os.path.join(SAMPLES, "claim-review.mocks.yaml")))


def _into(s, frame, state, limit=40):
    for _ in range(limit):
        st = s.step_into()
        if (st.frame, st.state) == (frame, state):
            return st
    raise AssertionError(f"never stopped at {state} in {frame}")


def _ran(s, since):
    return [(r.frame, r.state) for r in s.execution.records[since:]]


def test_a_state_waiting_for_its_retry_stops_at_the_next_iterations_state():
    s = claim_session()
    _into(s, f"{M}[0]", "Look up the replacement price")
    stepped = s.frame.record
    n = len(s.execution.records)
    st = s.step_over()
    assert (st.reason, st.frame, st.state) == ("step", f"{M}[1]", "Look up the replacement price")
    assert stepped.status == "waiting" and len(stepped.retries) == 1 and stepped.retries[0]["wait"] == 1
    assert _ran(s, n) == [(f"{M}[1]", "Look up the replacement price")]  # entered, not run
    assert s.execution.records[-1].exited_at is None
    assert s.execution.clock == 0  # the retry's second is not spent yet


def test_a_callback_wait_stops_at_the_task_and_stays_there_once_answered():
    s = claim_session()
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("waiting", f"{M}[0]", "Ask an appraiser")
    assert s.execution.clock == 1  # the laptop's look-up was retried after 1 s
    token = s.execution.pending_tasks()[0].token
    assert s.report(token, succeeded=True, output={"price": 1300}).accepted
    assert s.frame.id == f"{M}[0]" and s.frame.state == "Ask an appraiser"
    ask = s.frame.record
    st = s.step_over()  # the last live iteration ends, then the Map and its branch: the Parallel's exit
    assert ask.status == "succeeded" and ask.output == {"sku": "laptop", "price": 1300}
    assert (st.frame, st.state) == ("", "Decide whether to pay")


def test_each_item_gets_its_own_price_whatever_the_call_order():
    s = claim_session()
    s.run_to_end()
    prices = s.execution.records[[r.state for r in s.execution.records].index("Decide whether to pay")].raw_input
    # each its own look-up (nobody answered the appraiser: the laptop keeps its looked-up price)
    assert prices["prices"] == [{"sku": "laptop", "price": 1250}, {"sku": "lamp", "price": 35},
                                {"sku": "rug", "price": 240}]
    asked = [r.frame for r in s.execution.records if r.state == "Ask an appraiser"]
    assert asked == [f"{M}[0]"]  # only the laptop (1250 > 500) went to the appraiser


def test_the_last_iterations_last_state_stops_at_the_sibling_branch_not_past_the_parallel():
    s = order_session()
    _into(s, "Fulfil.Branch0/PackItems[2]", "PackOne")
    n = len(s.execution.records)
    st = s.step_over()
    assert (st.frame, st.state) == ("Fulfil.Branch1", "ChargeCard")
    charge = s.execution.records[-1]
    assert charge.state == "ChargeCard" and charge.exited_at is None  # stopped before it runs
    assert _ran(s, n - 1) == [("Fulfil.Branch0/PackItems[2]", "PackOne"), ("Fulfil.Branch1", "ChargeCard")]
    st = s.step_over()
    assert (st.frame, st.state) == ("", "CoolDown")  # the Parallel's exit


def test_over_a_map_inside_an_iteration_does_not_stop_in_its_iterations():
    s = order_session()
    _into(s, "", "Fulfil")
    st = s.step_over()  # the Parallel runs whole
    assert (st.frame, st.state) == ("", "CoolDown")


def test_a_nested_failure_names_each_scope_once():
    from helpers.session import flow_session
    s = flow_session("""\
        Type: StateMachine
        Name: nested
        SpecVersion: v1
        StartAt: P
        States:
          - Name: P
            Type: Parallel
            Branches:
              - StartAt: M
                States:
                  - Name: M
                    Type: Map
                    ItemsPath: $Input.items
                    Processor:
                      StartAt: Boom
                      States:
                        - Name: Boom
                          Type: Task
                          Action: FC:InvokeFunction
                          Parameters:
                            resourceArn: acs:fc:cn-hangzhou:123:functions/boom/LATEST
                            invocationType: Sync
                          End: true
                    End: true
            End: true
        """, {"items": [1]}, mocks="functions:\n  boom:\n    - error: Broken\n      detail: it broke\n")
    s.run_to_end()
    err = s.execution.error
    assert err.code == "Broken"
    # (it read "P.Branch0: P.Branch0 > M[0]: it broke")
    assert err.detail == "P.Branch0 > M[0]: it broke"
