"""Issue #5 parts 4-5: breakpoints (state, scope, condition, hit count,
enable/disable, events, broken conditions) and watches."""
from __future__ import annotations

import pytest

from flowdbg.engine.session import SessionError
from helpers.session import records as records_of
from helpers.session import (CALLBACK_FLOW, CALLBACK_MOCKS, defn_file, flow_session, make_session, nested_session,
                             order_session)
from flowdbg.engine.mocks import load_mocks


def stops_until_end(s, limit=100):
    out = []
    for _ in range(limit):
        st = s.cont()
        out.append((st.reason, st.frame, st.state))
        if st.reason in ("finished", "waiting", "error"):
            return out
    raise AssertionError("never finished")


# -- by state and scope ------------------------------------------------------------

def test_state_breakpoint_hits_in_every_scope():
    s = order_session()
    bp = s.add_breakpoint("PackOne")
    assert (bp.state, bp.scope, bp.enabled) == ("PackOne", None, True)
    assert stops_until_end(s) == [("breakpoint", f"Fulfil.Branch0/PackItems[{i}]", "PackOne") for i in range(3)] + [
        ("finished", "", None)]


def test_breakpoint_stop_reports_its_id_and_is_before_the_state_runs():
    s = order_session()
    s.add_breakpoint("Notify")
    bp = s.add_breakpoint("CoolDown")
    st = s.cont()
    assert (st.reason, st.state, st.breakpoint) == ("breakpoint", "CoolDown", bp.id)
    rec = s.current_record()
    assert rec.state == "CoolDown" and rec.status == "running" and rec.exited_at is None


def test_breakpoint_restricted_to_one_scope():
    s = order_session()
    s.add_breakpoint("PackOne", scope="Fulfil.Branch0/PackItems[1]")
    assert stops_until_end(s) == [("breakpoint", "Fulfil.Branch0/PackItems[1]", "PackOne"), ("finished", "", None)]


def test_scope_breakpoint_in_nested_branch():
    s = nested_session()
    s.add_breakpoint("Price", scope="Orders[2]/Split.Branch0")
    assert stops_until_end(s) == [("breakpoint", "Orders[2]/Split.Branch0", "Price"), ("finished", "", None)]


def test_unknown_state_is_refused():
    s = order_session()
    with pytest.raises(SessionError, match="NoSuchState"):
        s.add_breakpoint("NoSuchState")


# -- conditions ----------------------------------------------------------------------

def test_condition_on_input():
    s = nested_session()
    s.add_breakpoint("Check", condition="$Input.amount > 100")
    assert stops_until_end(s) == [("breakpoint", "Orders[1]", "Check"), ("breakpoint", "Orders[2]", "Check"),
                                  ("finished", "", None)]


def test_condition_on_context():
    s = order_session()
    s.add_breakpoint("PackOne", condition='$Context.Current.Input.sku == "pear"')
    s.add_breakpoint("Notify", condition='$Context.Execution.Input.orderId == "o-1001"')
    assert stops_until_end(s) == [("breakpoint", "Fulfil.Branch0/PackItems[1]", "PackOne"),
                                  ("breakpoint", "", "Notify"), ("finished", "", None)]


def test_condition_on_order_amount():
    s = order_session()
    s.add_breakpoint("WaitForApproval", condition="$Input.total > 100")
    s.add_breakpoint("NeedsApproval", condition="$Input.total > 100000")
    assert stops_until_end(s)[0] == ("breakpoint", "", "WaitForApproval")


@pytest.mark.parametrize("condition, words", [
    ("$Input.orderId > 100", ["string", "number"]),   # wrong operand types at runtime
    ("$Input.nope > 1", ["nope"]),                    # a path that does not exist
    ("$Input.orderId", ["boolean"]),                  # not a boolean
])
def test_broken_condition_stops_with_breakpoint_error(condition, words):
    s = order_session()
    bp = s.add_breakpoint("ValidateOrder", condition=condition)
    st = s.cont()
    assert (st.reason, st.frame, st.state, st.breakpoint) == ("breakpoint-error", "", "ValidateOrder", bp.id)
    assert condition in st.message
    for w in words:
        assert w in st.message
    assert s.last_stop is st


def test_condition_selects_matching_iterations():
    s = order_session()
    s.add_breakpoint("PackOne", condition="$Input.qty > 2")
    assert stops_until_end(s) == [("breakpoint", "Fulfil.Branch0/PackItems[0]", "PackOne"),
                                  ("breakpoint", "Fulfil.Branch0/PackItems[2]", "PackOne"), ("finished", "", None)]


def test_condition_broken_in_one_iteration_only_is_not_silently_false():
    orders = {"orders": [{"id": "a", "amount": 50}, {"id": "b", "amount": "150"}, {"id": "c", "amount": 250}]}
    s = nested_session(input=orders)
    s.add_breakpoint("Check", condition="$Input.amount > 100")
    stops = stops_until_end(s)
    assert stops == [("breakpoint-error", "Orders[1]", "Check"), ("breakpoint", "Orders[2]", "Check"),
                     ("finished", "", None)]


@pytest.mark.parametrize("condition", ["$Input.amount >", "$Input.amount > > 1", "nosuchfn($Input)", "(("])
def test_condition_syntax_error_raises_at_add_time(condition):
    s = order_session()
    with pytest.raises(SessionError, match="condition"):
        s.add_breakpoint("PackOne", condition=condition)
    assert s.breakpoints == []


def test_set_breakpoint_with_bad_condition_raises():
    s = order_session()
    bp = s.add_breakpoint("PackOne")
    with pytest.raises(SessionError):
        s.set_breakpoint(bp.id, condition="$Input.qty >")
    assert s.breakpoints[0].condition is None


# -- hit counts -----------------------------------------------------------------------

def test_hit_count_skips_earlier_hits():
    s = order_session()
    s.add_breakpoint("PackOne", hit_count=2)
    st = s.cont()
    assert (st.reason, st.frame) == ("breakpoint", "Fulfil.Branch0/PackItems[1]")


def test_hit_count_counts_only_condition_true_hits():
    s = nested_session()
    s.add_breakpoint("Check", condition="$Input.amount > 100", hit_count=2)
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "Orders[2]", "Check")


def test_hit_count_larger_than_hits_never_stops():
    s = order_session()
    s.add_breakpoint("PackOne", hit_count=4)
    assert s.cont().reason == "finished"


def test_hit_count_after_restart_is_the_same_as_in_the_first_run():
    s = order_session()
    s.add_breakpoint("PackOne", hit_count=2)
    first = s.cont()
    assert first.frame == "Fulfil.Branch0/PackItems[1]"
    s.restart()
    again = s.cont()
    assert (again.reason, again.frame) == ("breakpoint", "Fulfil.Branch0/PackItems[1]")


def test_hit_count_after_step_back_matches_the_position():
    s = order_session()
    s.step_into()  # ValidateOrder
    s.add_breakpoint("PackOne", hit_count=2)
    assert s.cont().frame == "Fulfil.Branch0/PackItems[1]"
    s.step_back(1)  # back at ValidateOrder, before any PackOne
    assert s.last_stop.state == "ValidateOrder"
    st = s.cont()
    assert (st.reason, st.frame) == ("breakpoint", "Fulfil.Branch0/PackItems[1]")


# -- enable / disable / remove -----------------------------------------------------------

def test_disable_and_enable_breakpoint():
    s = order_session()
    bp = s.add_breakpoint("PackOne")
    s.set_breakpoint(bp.id, enabled=False)
    assert s.breakpoints[0].enabled is False
    st = s.cont()
    assert st.reason == "finished"
    s.restart()
    s.set_breakpoint(bp.id, enabled=True)
    st = s.cont()
    assert (st.reason, st.state) == ("breakpoint", "PackOne")


def test_disabled_breakpoint_mid_run():
    s = order_session()
    bp = s.add_breakpoint("PackOne")
    assert s.cont().frame == "Fulfil.Branch0/PackItems[0]"
    s.set_breakpoint(bp.id, enabled=False)
    assert s.cont().reason == "finished"


def test_remove_and_toggle_breakpoint():
    s = order_session()
    bp = s.add_breakpoint("Notify")
    s.remove_breakpoint(bp.id)
    assert s.breakpoints == []
    assert s.toggle_breakpoint("Notify") is not None
    assert s.toggle_breakpoint("Notify") is None
    assert s.breakpoints == []
    assert s.cont().reason == "finished"


def test_breakpoint_ids_are_unique():
    s = order_session()
    ids = [s.add_breakpoint(x).id for x in ("PackOne", "Notify", "CoolDown")]
    assert len(set(ids)) == 3


# -- event breakpoints ----------------------------------------------------------------------

def test_retry_event_breakpoint():
    s = order_session()
    bp = s.add_breakpoint(event="retry")
    st = s.cont()
    assert (st.reason, st.frame, st.state, st.breakpoint) == ("breakpoint", "", "ValidateOrder", bp.id)
    assert "StepRetrying" in st.message
    rec = s.current_record()
    assert rec.state == "ValidateOrder" and len(rec.retries) == 1
    assert s.cont().reason == "finished", "one retry only"


def test_task_failed_event_breakpoint():
    s = order_session()
    s.add_breakpoint(event="task-failed")
    st = s.cont()
    assert (st.reason, st.state) == ("breakpoint", "ValidateOrder")
    assert "TaskFailed" in st.message
    assert s.current_record().attempts[0]["error"]["Code"] == "FC.ResourceThrottled"


def test_task_failed_event_breakpoint_inside_map():
    s = flow_session("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: M
        States:
          - Name: M
            Type: Map
            ItemsPath: $Input.xs
            Processor:
              StartAt: T
              States:
                - Name: T
                  Type: Task
                  Action: HTTP:Request
                  Parameters: {url: "https://example.com"}
                  Retry:
                    - Errors: [E1]
                      MaxAttempts: 1
                      IntervalSeconds: 1
                  End: true
            End: true
        """, {"xs": [1, 2]}, "states:\n  T:\n    - result: ok\n    - error: E1\n    - result: ok\n")
    s.add_breakpoint(event="task-failed")
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "M[1]", "T")
    assert s.cont().reason == "finished"
    assert s.execution.output == {"Items": ["ok", "ok"]}


def test_callback_wait_event_breakpoint():
    s = order_session()
    s.add_breakpoint(event="callback-wait")
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "", "WaitForApproval")
    assert "TaskSubmitted" in st.message
    assert [p.state for p in s.execution.pending_tasks()] == ["WaitForApproval"]


def test_unknown_event_breakpoint_is_refused():
    s = order_session()
    with pytest.raises(SessionError):
        s.add_breakpoint(event="nope")


def test_disabled_event_breakpoint():
    s = order_session()
    bp = s.add_breakpoint(event="retry")
    s.set_breakpoint(bp.id, enabled=False)
    assert s.cont().reason == "finished"


# -- watches ------------------------------------------------------------------------------

def test_watches_reevaluated_at_every_stop():
    s = order_session()
    w_total = s.add_watch("$Input.total")
    w_name = s.add_watch("$Context.Current.Name")
    assert (w_total.value, w_name.value) == (None, None)
    assert w_total.error and w_name.error, "nothing has started yet"
    seen = []
    while True:
        st = s.step_into()
        if st.reason != "step":
            break
        s.refresh_watches()
        seen.append((st.state, w_total.value, w_total.error is None, w_name.value))
        assert w_name.error is None and w_name.value == st.state
    assert seen[0] == ("ValidateOrder", None, False, "ValidateOrder"), "no total yet: an error, not null"
    assert seen[1] == ("NeedsApproval", 1500, True, "NeedsApproval")
    assert ("PackOne", None, False, "PackOne") in seen
    assert seen[-1][0] == "Done"


def test_watch_error_message_names_the_path():
    s = order_session()
    s.step_into()
    w = s.add_watch("$Input.nope.deeper")
    assert w.value is None and "nope" in w.error
    w2 = s.add_watch('$Input.orderId > 3')
    assert w2.error and w2.value is None


def test_watch_values_follow_the_selected_scope():
    s = order_session()
    w = s.add_watch("$Input.sku")
    for i, sku in enumerate(["apple", "pear", "plum"]):
        while True:
            st = s.step_into()
            if (st.frame, st.state) == (f"Fulfil.Branch0/PackItems[{i}]", "PackOne"):
                break
        s.refresh_watches()
        assert (w.value, w.error) == (sku, None)


def test_watch_syntax_error_raises():
    s = order_session()
    with pytest.raises(SessionError):
        s.add_watch("$Input.a >")
    assert s.watches == []


def test_remove_watch():
    s = order_session()
    s.add_watch("$Input")
    s.add_watch("$Context")
    s.remove_watch(0)
    assert [w.expression for w in s.watches] == ["$Context"]


def test_watch_on_output_after_state_ran():
    s = flow_session("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: A
        States:
          - Name: A
            Type: Pass
            OutputConstructor:
              b.$: $Input.a
            Next: B
          - Name: B
            Type: Pass
            End: true
        """, {"a": 1})
    s.step_into()
    w = s.add_watch("$Input")
    assert w.value == {"a": 1}
    s.step_into()
    s.refresh_watches()
    assert w.value == {"b": 1}
    # evaluate against an earlier record
    rec_a = s.execution.records[0]
    assert s.evaluate("$Output", rec_a) == ({"b": 1}, None)


def test_callback_session_watch_while_waiting():
    s = make_session(defn_file(CALLBACK_FLOW), {"who": "x"}, load_mocks(CALLBACK_MOCKS))
    w = s.add_watch("$Context.Current.TaskToken")
    assert s.cont().reason == "waiting"
    s.refresh_watches()
    assert w.error is None and w.value == s.execution.pending_tasks()[0].token


def test_task_failed_event_breakpoint_on_callback_timeout():
    from flowdbg.engine.mocks import parse_mocks
    from helpers.session import ORDER_FLOW, ORDER_INPUT, ORDER_MOCKS, read_json
    text = open(ORDER_MOCKS, encoding="utf-8").read().partition("callbacks:")[0]
    s = make_session(defn_file(ORDER_FLOW), read_json(ORDER_INPUT), parse_mocks(text, "m.yaml"))
    s.add_breakpoint(event="task-failed")
    assert s.cont().state == "ValidateOrder"
    st = s.cont()  # a person could still answer: continue does not jump the clock past the Timeout
    assert (st.reason, st.state) == ("waiting", "WaitForApproval")
    assert "next timer at 3602 s" in st.message and s.execution.clock == 2.0
    st = s.skip_to_next_timer()
    assert (st.reason, st.state) == ("breakpoint", "WaitForApproval")
    assert "TaskTimedOut" in st.message
    assert s.execution.clock == 3602.0
    rec = records_of(s, "WaitForApproval")[0]
    assert rec.attempts[0]["error"]["Code"] == "FnF.TaskTimeout"
    assert s.cont().reason == "finished"
    assert s.execution.error.code == "OrderRejected"


def test_event_breakpoint_stop_and_current_record_agree_when_failure_is_caught():
    s = flow_session("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: Call
        States:
          - Name: Call
            Type: Task
            Action: HTTP:Request
            Parameters: {url: "https://example.com"}
            Catch:
              - Errors: [E1]
                Next: Handler
            End: true
          - Name: Handler
            Type: Pass
            End: true
        """, {}, "states:\n  Call:\n    - error: E1\n")
    s.add_breakpoint(event="task-failed")
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "", "Call")
    rec = s.current_record()
    assert (rec.frame, rec.state) == (st.frame, st.state)
    assert rec.attempts[0]["error"] == {"Code": "E1", "Detail": ""}
