"""Issue #5 parts 1-2: stepping granularity, step into/over/out, continue,
pause from another thread, scopes, deterministic scheduling, choose, and
MaxConcurrency as the debugger shows it."""
from __future__ import annotations

import threading
import time

import pytest

from flowdbg.engine.execution import MISSING
from flowdbg.engine.session import Session, Stop
from helpers.session import (CALLBACK_FLOW, CALLBACK_MOCKS, big_map_flow, defn_file, flow_session, make_session,
                             nested_session, order_session, records, snapshot, step_all, where)
from flowdbg.engine.mocks import load_mocks

ORDER_ENTERED = [("", "ValidateOrder"), ("", "NeedsApproval"), ("", "WaitForApproval"), ("", "Fulfil"),
                 ("Fulfil.Branch0", "PackItems"), ("Fulfil.Branch1", "ChargeCard"),
                 ("Fulfil.Branch0/PackItems[0]", "PackOne"), ("Fulfil.Branch0/PackItems[1]", "PackOne"),
                 ("Fulfil.Branch0/PackItems[2]", "PackOne"), ("", "CoolDown"), ("", "Notify"), ("", "Done")]


# -- granularity ---------------------------------------------------------------

def test_step_into_stops_at_every_state_boundary_of_order_pipeline():
    s = order_session()
    stops = step_all(s)
    assert stops[-1].reason == "finished"
    assert stops[-1].message == "Succeeded"
    steps = [(st.frame, st.state) for st in stops[:-1]]
    # One stop per state activation, in the order the activations began.
    assert steps == [(r.frame, r.state) for r in s.execution.records]
    assert sorted(steps) == sorted(ORDER_ENTERED)
    # Each state is entered before any state it leads to in the same scope.
    top = [st for f, st in steps if f == ""]
    assert top == ["ValidateOrder", "NeedsApproval", "WaitForApproval", "Fulfil", "CoolDown", "Notify", "Done"]
    assert [st.step for st in stops] == sorted({st.step for st in stops}), "stop steps must increase"


def test_each_stop_names_frame_and_state_and_current_record_matches():
    s = order_session()
    for _ in range(len(ORDER_ENTERED)):
        st = s.step_into()
        assert st.reason == "step"
        assert st.frame is not None and st.state
        assert s.frame is not None
        assert (s.frame.id, s.frame.state) == (st.frame, st.state)
        rec = s.current_record()
        assert (rec.frame, rec.state) == (st.frame, st.state)
        assert rec is s.execution.records[-1], "a step stop is at the state just entered"
        assert rec.status == "running" and rec.exited_at is None, "stopped before the state ran"
        assert st.step == s.execution.steps


def test_step_into_enters_first_state_of_parallel_branch_and_map_iteration():
    s = order_session()
    seen = []
    while True:
        st = s.step_into()
        if st.reason != "step":
            break
        seen.append((st.frame, st.state))
        if st.state == "Fulfil":
            nxt = s.step_into()
            # the very next stop is the first state of a branch, not the state after the Parallel
            assert nxt.frame.startswith("Fulfil.Branch") and nxt.state in ("PackItems", "ChargeCard")
            seen.append((nxt.frame, nxt.state))
    assert ("Fulfil.Branch0/PackItems[0]", "PackOne") in seen
    assert ("Fulfil.Branch1", "ChargeCard") in seen


def test_step_into_on_a_map_stops_at_its_first_iteration():
    s = nested_session()
    assert where([s.step_into(), s.step_into()]) == [("step", "", "Prepare"), ("step", "", "Orders")]
    st = s.step_into()
    assert (st.reason, st.frame, st.state) == ("step", "Orders[0]", "Check")


def test_first_step_stops_at_start_state_before_it_runs():
    s = order_session()
    assert s.execution.steps == 0
    st = s.step_into()
    assert (st.reason, st.frame, st.state) == ("step", "", "ValidateOrder")
    rec = s.current_record()
    assert not rec.attempts and rec.parameters is MISSING, "no call made yet at the stop on entry"
    assert rec.raw_input == {"orderId": "o-1001", "items": [{"sku": "apple", "qty": 3}, {"sku": "pear", "qty": 1},
                                                          {"sku": "plum", "qty": 6}]}


# -- step over -----------------------------------------------------------------

def _step_until(s: Session, frame: str, state: str, limit: int = 200) -> Stop:
    for _ in range(limit):
        st = s.step_into()
        if (st.frame, st.state) == (frame, state):
            return st
        assert st.reason == "step", f"never reached {frame}/{state}: {st}"
    raise AssertionError("limit")


def test_step_over_parallel_runs_all_of_it_and_stops_after():
    s = order_session()
    _step_until(s, "", "Fulfil")
    st = s.step_over()
    assert (st.reason, st.frame, st.state) == ("step", "", "CoolDown")
    packs = records(s, "PackOne")
    assert len(packs) == 3 and all(r.status == "succeeded" for r in packs)
    assert records(s, "ChargeCard")[0].status == "succeeded"
    assert records(s, "Fulfil")[0].status == "succeeded"
    assert [(sc["id"], sc["label"], sc["kind"]) for sc in s.scopes()] == [("", "CoolDown", "execution")]


def test_step_over_map_runs_all_iterations_and_stops_at_state_after_it():
    s = nested_session()
    _step_until(s, "", "Orders")
    st = s.step_over()
    assert (st.reason, st.frame, st.state) == ("step", "", "Summary")
    assert len(records(s, "Merge")) == 3
    assert records(s, "Orders")[0].output == {"Items": [{"price": 10}, {"price": 20}, {"price": 30}]}


def test_step_over_parallel_inside_iteration_stops_at_next_state_of_that_iteration():
    s = nested_session()
    _step_until(s, "Orders[0]", "Split")
    st = s.step_over()
    # other iterations may run meanwhile, but the stop is Orders[0]'s next state
    assert (st.reason, st.frame, st.state) == ("step", "Orders[0]", "Merge")
    split = [r for r in records(s, "Split") if r.frame == "Orders[0]"][0]
    assert split.status == "succeeded"
    assert split.output == {"Branch0": {"price": 10}, "Branch1": {"id": "a", "amount": 50}}


def test_step_over_plain_state_goes_to_next_state():
    s = nested_session()
    s.step_into()
    st = s.step_over()
    assert (st.frame, st.state) == ("", "Orders")


def test_step_over_stops_at_breakpoint_inside_parallel():
    s = order_session()
    _step_until(s, "", "Fulfil")
    bp = s.add_breakpoint("ChargeCard")
    st = s.step_over()
    assert (st.reason, st.frame, st.state, st.breakpoint) == ("breakpoint", "Fulfil.Branch1", "ChargeCard", bp.id)
    st = s.step_over()
    # stepping over ChargeCard ends its branch; the next stop is in the parent scope
    assert (st.reason, st.frame, st.state) == ("step", "", "CoolDown")


def test_step_over_map_stops_at_breakpoint_in_iteration():
    s = nested_session()
    _step_until(s, "", "Orders")
    s.add_breakpoint("Merge", scope="Orders[1]")
    st = s.step_over()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "Orders[1]", "Merge")
    st = s.step_over()  # from Merge in Orders[1]: the iteration ends; the next stop is the next iteration's
    assert (st.reason, st.frame, st.state) == ("step", "Orders[2]", "Check")  # first state (issue 10)
    frames = []
    while st.frame != "" and len(frames) < 20:
        st = s.step_over()
        frames.append(st.frame)
    # F10 stays in Orders[2] (its nested Parallel runs whole) and then stops at the Map's exit
    assert all(f in ("Orders[2]", "") for f in frames), frames
    assert (st.reason, st.frame, st.state) == ("step", "", "Summary")


# -- step out ----------------------------------------------------------------------

def test_step_out_of_branch_stops_in_parent_iteration():
    s = nested_session()
    _step_until(s, "Orders[0]/Split.Branch1", "Stock")
    st = s.step_out()
    assert (st.reason, st.frame, st.state) == ("step", "Orders[0]", "Merge")
    branch = [f for f in s.execution.frames if f.id == "Orders[0]/Split.Branch1"][0]
    assert branch.status == "done"
    assert [r.state for r in s.execution.records if r.frame == "Orders[0]/Split.Branch1"] == ["Stock", "Reserve"]


def test_step_out_of_map_iteration_stops_in_parent_scope():
    s = order_session()
    _step_until(s, "Fulfil.Branch0/PackItems[0]", "PackOne")
    st = s.step_out()
    # the iteration's parent (Branch0) has no state after PackItems, so the next
    # stop in an enclosing scope is the state after the Parallel
    assert (st.reason, st.frame, st.state) == ("step", "", "CoolDown")
    it0 = [f for f in s.execution.frames if f.id == "Fulfil.Branch0/PackItems[0]"][0]
    assert it0.status == "done"


def test_step_out_of_branch_into_state_after_map_in_same_branch():
    s = flow_session("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: Par
        States:
          - Name: Par
            Type: Parallel
            Branches:
              - StartAt: M
                States:
                  - Name: M
                    Type: Map
                    ItemsPath: $Input.xs
                    Processor:
                      StartAt: Inner
                      States:
                        - Name: Inner
                          Type: Pass
                          Next: Inner2
                        - Name: Inner2
                          Type: Pass
                          End: true
                    Next: AfterMap
                  - Name: AfterMap
                    Type: Pass
                    End: true
              - StartAt: Other
                States:
                  - Name: Other
                    Type: Pass
                    End: true
            End: true
        """, {"xs": [1, 2]})
    _step_until(s, "Par.Branch0/M[1]", "Inner")
    st = s.step_out()
    assert (st.reason, st.frame, st.state) == ("step", "Par.Branch0", "AfterMap")


def test_step_out_at_top_level_runs_to_the_end():
    s = order_session()
    s.step_into()
    st = s.step_out()
    assert st.reason == "finished" and s.execution.status == "Succeeded"


# -- continue ---------------------------------------------------------------------

def test_cont_runs_to_end():
    s = order_session()
    st = s.cont()
    assert (st.reason, st.message) == ("finished", "Succeeded")
    assert s.execution.output == {"orderId": "o-1001", "boxes": [{"sku": "apple", "box": "B-1"},
                                  {"sku": "pear", "box": "B-2"}, {"sku": "plum", "box": "B-3"}],
                                  "paymentId": "pay-77", "messageId": "m-1"}
    assert s.execution.clock == 182.0


def test_cont_stops_waiting_on_unanswered_callback_then_finishes_after_report():
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS))
    st = s.cont()
    assert st.reason == "waiting"
    assert "Approve" in st.message
    pend = s.execution.pending_tasks()
    assert [(p.state, p.scope) for p in pend] == [("Approve", "")]
    assert s.cont().reason == "waiting", "continuing again without an answer still waits"
    assert s.report(pend[0].token, succeeded=True, output={"approved": True}).accepted
    st = s.cont()
    assert (st.reason, st.message) == ("finished", "Succeeded")
    assert [r.state for r in s.execution.records] == ["Begin", "Approve", "Decide", "Approved"]


def test_cont_stops_at_breakpoint():
    s = order_session()
    s.add_breakpoint("Notify")
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "", "Notify")
    assert s.cont().reason == "finished"


# -- pause from another thread ----------------------------------------------------------

def _long_map_flow(states: int = 10) -> str:
    body = "".join(f"        - Name: P{i}\n          Type: Pass\n          "
                   f"{'Next: P%d' % (i + 1) if i < states - 1 else 'End: true'}\n" for i in range(states))
    return ("Type: StateMachine\nName: big\nSpecVersion: v1\nStartAt: Map1\nStates:\n"
            "  - Name: Map1\n    Type: Map\n    ItemsPath: $Input.items\n"
            "    Processor:\n      StartAt: P0\n      States:\n" + body + "    Next: After\n"
            "  - Name: After\n    Type: Pass\n    End: true\n")


@pytest.mark.parametrize("verb", ["cont", "step_over"])
def test_pause_from_another_thread_interrupts_long_run_quickly(verb):
    s = flow_session(_long_map_flow(), {"items": list(range(10_000))}, max_events=0)  # past the 5,000-event limit
    if verb == "step_over":
        s.step_into()  # at Map1: stepping over it runs all 10,000 iterations
    result = {}

    def run():
        result["stop"] = getattr(s, verb)()
        result["t"] = time.perf_counter()

    th = threading.Thread(target=run, daemon=True)
    th.start()
    deadline = time.perf_counter() + 10
    while s.execution.steps < 3000 and time.perf_counter() < deadline:
        time.sleep(0.001)
    assert th.is_alive(), "the run ended before it could be paused (machine too fast?)"
    t0 = time.perf_counter()
    s.pause()
    th.join(5)
    assert not th.is_alive(), "pause() did not stop the run"
    latency = result["t"] - t0
    assert latency < 0.25, f"pause took {latency:.3f} s (the issue asks for 100 ms)"
    st = result["stop"]
    assert st.reason == "paused"
    assert not s.execution.finished
    assert st.step == s.execution.steps and 3000 <= st.step < 110_000
    assert s.last_stop is st
    # the session is usable after a pause: it steps on
    nxt = s.cont(max_steps=50)
    assert nxt.reason == "limit"


def test_pause_before_cont_does_not_stop_the_next_cont():
    s = order_session()
    s.pause()
    assert s.cont().reason == "finished"


# -- scopes ----------------------------------------------------------------------------

def test_scopes_list_live_branches_and_iterations_with_labels():
    s = order_session()
    _step_until(s, "Fulfil.Branch0/PackItems[0]", "PackOne")
    labels = {sc["id"]: sc["label"] for sc in s.scopes()}
    assert labels[""] == "Fulfil"
    assert labels["Fulfil.Branch0"] == "Fulfil.Branch0 > PackItems"
    assert labels["Fulfil.Branch0/PackItems[0]"] == "Fulfil.Branch0 > PackItems[0] > PackOne"
    # Depth first: stepping follows PackItems into its iterations before Branch1 runs.
    assert labels["Fulfil.Branch1"] == "Fulfil.Branch1 > (not started)"
    kinds = {sc["id"]: sc["kind"] for sc in s.scopes()}
    assert kinds == {"": "execution", "Fulfil.Branch0": "branch", "Fulfil.Branch1": "branch",
                     "Fulfil.Branch0/PackItems[0]": "iteration", "Fulfil.Branch0/PackItems[1]": "iteration"}


def test_scopes_of_nested_flow_use_map_and_branch_labels():
    s = nested_session()
    _step_until(s, "Orders[0]/Split.Branch0", "Price")
    labels = {sc["id"]: sc["label"] for sc in s.scopes()}
    assert labels["Orders[0]/Split.Branch0"] == "Orders[0] > Split.Branch0 > Price"
    assert labels["Orders[0]"] == "Orders[0] > Split"
    assert labels["Orders[1]"] == "Orders[1] > (not started)"  # depth first: Orders[0] goes on first
    assert labels[""] == "Orders"


def test_scope_labels_never_show_python_none():
    s = order_session()
    while True:
        st = s.step_into()
        for sc in s.scopes():
            assert "None" not in sc["label"], (st, sc)
        if st.reason != "step":
            break


def test_scopes_empty_after_finish():
    s = order_session()
    s.cont()
    assert s.scopes() == []


# -- deterministic scheduling --------------------------------------------------------------

@pytest.mark.parametrize("factory", [order_session, nested_session], ids=["order-pipeline", "nested"])
def test_same_run_twice_gives_identical_events(factory):
    a, b = factory(), factory()
    stops_a, stops_b = step_all(a), step_all(b)
    assert where(stops_a) == where(stops_b)
    assert snapshot(a) == snapshot(b)
    c = factory()
    c.cont()
    assert snapshot(c) == snapshot(a), "stepping and continuing schedule the same way"


def test_choose_advances_the_chosen_scope():
    s = nested_session()
    _step_until(s, "Orders[0]", "Check")
    ready = [f.id for f in s.execution.runnable()]
    assert ready == ["Orders[0]", "Orders[1]"]
    st = s.choose("Orders[1]")
    assert (st.reason, st.frame, st.state) == ("step", "Orders[1]", "Check")
    check0 = [r for r in records(s, "Check") if r.frame == "Orders[0]"][0]
    assert check0.status == "running", "Orders[0] did not advance"
    # the default scheduler keeps going with the chosen scope
    st = s.step_into()
    assert (st.frame, st.state) == ("Orders[1]", "Split")


def test_choose_refuses_a_scope_that_cannot_run():
    s = nested_session()
    _step_until(s, "Orders[0]", "Check")
    before = s.execution.steps
    st = s.choose("Orders[2]")  # MaxConcurrency 2: the third iteration has not started
    assert st.reason == "error" and "Orders[2]" in st.message
    st = s.choose("NoSuchFrame")
    assert st.reason == "error"
    assert s.execution.steps == before
    assert [r.frame for r in records(s, "Check")] == ["Orders[0]"]


def test_choose_is_journaled_and_replayed_on_step_back(tmp_path):
    s = nested_session(tmp_path / "j.jsonl")
    _step_until(s, "Orders[0]", "Check")
    s.choose("Orders[1]")
    s.step_into()
    s.step_into()
    after = snapshot(s)
    s.step_back(3)
    assert s.last_stop.frame == "Orders[0]" and s.last_stop.state == "Check"
    s.step_into()
    s.step_into()
    s.step_into()
    assert snapshot(s) == after
    from helpers.session import journal_lines
    chooses = [e for e in journal_lines(tmp_path / "j.jsonl") if e["k"] == "choose"]
    assert [c["frame"] for c in chooses] == ["Orders[1]"]


# -- MaxConcurrency --------------------------------------------------------------------------

def _live_iterations(s: Session) -> int:
    return sum(1 for sc in s.scopes() if sc["kind"] == "iteration")


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_max_concurrency_limits_live_iterations(limit):
    s = flow_session(big_map_flow(limit), {"items": list(range(7))})
    most = 0
    while True:
        st = s.step_into()
        n = _live_iterations(s)
        assert n <= limit, f"{n} iterations live with MaxConcurrency {limit} at {st}"
        most = max(most, n)
        if st.reason != "step":
            break
    assert most == limit, "the limit is reached (iterations do run concurrently)"
    # the events agree: never more than `limit` iterations between Entered and Exited
    active = peak = 0
    for e in s.execution.events:
        if e.type == "IterationEntered":
            active += 1
            peak = max(peak, active)
        elif e.type == "IterationExited":
            active -= 1
    assert peak == limit
    assert s.execution.output == {"Items": list(range(7))}


def test_max_concurrency_in_order_pipeline_map():
    s = order_session()
    while True:
        st = s.step_into()
        assert sum(1 for f in s.execution.live_frames() if f.kind == "iteration") <= 2
        if st.reason != "step":
            break


def test_unlimited_map_starts_all_iterations():
    s = flow_session(big_map_flow(), {"items": list(range(5))})
    s.step_into()
    s.step_into()
    assert _live_iterations(s) == 5


def test_scheduling_follows_the_virtual_clock_deterministically():
    flow = """
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: M
        States:
          - Name: M
            Type: Map
            ItemsPath: $Input.waits
            Processor:
              StartAt: W
              States:
                - Name: W
                  Type: Wait
                  Seconds.$: $Input
                  Next: After
                - Name: After
                  Type: Pass
                  End: true
            End: true
        """
    runs = []
    for _ in range(2):
        s = flow_session(flow, {"waits": [3, 1, 2]})
        stops = step_all(s)
        runs.append((where(stops), snapshot(s)))
        exits = [(e.scope, e.time) for e in s.execution.events if e.type == "IterationExited"]
        assert exits == [("M[1]", 1.0), ("M[2]", 2.0), ("M[0]", 3.0)]
        assert s.execution.output == {"Items": [3, 1, 2]}, "item order, whatever order they finished in"
        afters = [st.frame for st in stops if st.state == "After"]
        assert afters == ["M[1]", "M[2]", "M[0]"]
    assert runs[0] == runs[1]


def test_choosing_the_top_level_while_its_branches_run_names_it_and_says_why():
    """The Scopes pane's top row is the top-level frame (id ''): the refusal
    said "scope '' cannot run now (runnable: none)" while every scope waited."""
    s = nested_session()
    _step_until(s, "Orders[0]", "Check")
    st = s.choose("")
    assert st.reason == "error"
    assert st.message == "the top level cannot run now (runnable: scope 'Orders[0]', scope 'Orders[1]')"
