"""Issue #5 part 9: sessions on a flow with a Parallel nested inside a Map
(tests/fixtures/session/nested-map-parallel.yaml; MaxConcurrency 2 over 3
orders; each iteration: Check -> Split (Parallel: Price | Stock -> Reserve)
-> Merge; then Summary)."""
from __future__ import annotations

import pytest

from helpers.session import (NESTED_FLOW, NESTED_INPUT, defn_file, make_session, mocks_text, nested_session, read_json,
                             records, snapshot, step_all)

ORDERS = [{"id": "a", "amount": 50}, {"id": "b", "amount": 150}, {"id": "c", "amount": 250}]


def _until(s, frame, state):
    for _ in range(100):
        st = s.step_into()
        if (st.frame, st.state) == (frame, state):
            return st
        assert st.reason == "step", st
    raise AssertionError((frame, state))


def test_full_run_output_and_records():
    s = nested_session()
    stops = step_all(s)
    assert stops[-1].reason == "finished"
    assert s.execution.output == {"n": 3, "items": [{"price": 10}, {"price": 20}, {"price": 30}]}
    assert [(st.frame, st.state) for st in stops[:-1]] == [(r.frame, r.state) for r in s.execution.records]
    for i, order in enumerate(ORDERS):
        it = f"Orders[{i}]"
        assert [r.state for r in s.execution.records if r.frame == it] == ["Check", "Split", "Merge"]
        assert [r.state for r in s.execution.records if r.frame == f"{it}/Split.Branch0"] == ["Price"]
        assert [r.state for r in s.execution.records if r.frame == f"{it}/Split.Branch1"] == ["Stock", "Reserve"]
        check = [r for r in records(s, "Check") if r.frame == it][0]
        assert check.raw_input == order
        split = [r for r in records(s, "Split") if r.frame == it][0]
        assert split.output == {"Branch0": {"price": 10 * (i + 1)}, "Branch1": order}
        price = [r for r in records(s, "Price") if r.frame == f"{it}/Split.Branch0"][0]
        assert price.parameters == {"url": "https://prices.example.com", "id": order["id"]}
    assert len(s.execution.records) == 1 + 1 + 3 * 6 + 1


def test_nested_scope_labels_and_kinds():
    s = nested_session()
    _until(s, "Orders[1]/Split.Branch1", "Stock")
    by_id = {sc["id"]: sc for sc in s.scopes()}
    assert by_id["Orders[1]/Split.Branch1"]["label"] == "Orders[1] > Split.Branch1 > Stock"
    assert by_id["Orders[1]/Split.Branch1"]["kind"] == "branch"
    assert by_id["Orders[1]"]["label"] == "Orders[1] > Split"
    assert by_id["Orders[1]"]["kind"] == "iteration"
    assert by_id[""]["label"] == "Orders"
    # the third order waits for a free slot (MaxConcurrency 2) but has started once Orders[0] ended
    assert "Orders[0]" not in by_id


def test_max_concurrency_counts_iterations_not_their_branches():
    s = nested_session()
    most_iters = most_branches = 0
    while True:
        st = s.step_into()
        live = s.execution.live_frames()
        iters = sum(f.kind == "iteration" for f in live)
        branches = sum(f.kind == "branch" for f in live)
        assert iters <= 2
        most_iters, most_branches = max(most_iters, iters), max(most_branches, branches)
        if st.reason != "step":
            break
    assert most_iters == 2
    assert most_branches >= 2


def test_step_over_nested_parallel_and_step_out_twice():
    s = nested_session()
    _until(s, "Orders[1]", "Split")
    st = s.step_over()
    assert (st.frame, st.state) == ("Orders[1]", "Merge")
    s2 = nested_session()
    _until(s2, "Orders[0]/Split.Branch0", "Price")
    st = s2.step_out()
    assert (st.reason, st.frame, st.state) == ("step", "Orders[0]", "Merge")
    st = s2.step_out()
    assert (st.reason, st.frame, st.state) == ("step", "", "Summary")
    assert s2.execution.records[-2].state == "Merge", "all iterations finished before Summary"


def test_step_out_of_last_iteration_branch():
    s = nested_session()
    _until(s, "Orders[2]/Split.Branch1", "Reserve")
    st = s.step_out()
    assert (st.frame, st.state) == ("Orders[2]", "Merge")


def test_breakpoints_in_nested_branch():
    s = nested_session()
    s.add_breakpoint("Reserve", scope="Orders[1]/Split.Branch1")
    s.add_breakpoint("Price", condition='$Input.id == "c"')
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "Orders[1]/Split.Branch1", "Reserve")
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "Orders[2]/Split.Branch0", "Price")
    assert s.cont().reason == "finished"


def test_choose_a_nested_branch_and_replay_it():
    s = nested_session()
    _until(s, "Orders[0]", "Split")
    s.step_into()  # Orders[1] Check (Orders[0]'s branches are now ready)
    ready = [f.id for f in s.execution.runnable()]
    assert "Orders[0]/Split.Branch1" in ready and "Orders[0]/Split.Branch0" in ready
    st = s.choose("Orders[0]/Split.Branch1")
    assert (st.frame, st.state) == ("Orders[0]/Split.Branch1", "Stock")
    assert s.cont().reason == "finished"
    # the choice changed the order of events but not the result
    assert s.execution.output == {"n": 3, "items": [{"price": 10}, {"price": 20}, {"price": 30}]}
    full = snapshot(s)
    plain = nested_session()
    plain.cont()
    assert snapshot(plain) != full
    s.restart()
    s.cont()
    assert snapshot(s) == full, "the choice is replayed after restart"


def test_failure_in_nested_branch_fails_execution_and_clears_scopes():
    s = make_session(defn_file(NESTED_FLOW), read_json(NESTED_INPUT), mocks_text("""
        states:
          Price:
            - result: {price: 10}
            - error: PriceDown
              detail: no price
        """))
    st = s.cont()
    assert st.reason == "finished"
    assert s.execution.status == "Failed"
    assert s.execution.error.code == "PriceDown"
    assert s.scopes() == []
    assert s.execution.pending_tasks() == []


@pytest.mark.parametrize("n", [1, 4, 10])
def test_step_back_inside_nested_scopes(n):
    s = nested_session()
    trail = []
    for _ in range(14):
        s.step_into()
        trail.append((s.last_stop.frame, s.last_stop.state, snapshot(s), [sc["label"] for sc in s.scopes()]))
    s.step_back(n)
    want = trail[13 - n]
    assert (s.last_stop.frame, s.last_stop.state, snapshot(s), [sc["label"] for sc in s.scopes()]) == want
