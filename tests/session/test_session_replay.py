"""Issue #5 part 6: step back, restart, and callbacks sent by hand that are
journaled, replayed on step back, and replaced when a different one is sent."""
from __future__ import annotations

import pytest

from flowdbg.engine.mocks import MockFile, load_mocks
from flowdbg.engine.session.journal import read_journal
from flowdbg.engine.session import Session
from helpers.session import (CALLBACK_FLOW, CALLBACK_MOCKS, defn_file, journal_lines, make_session, nested_session,
                             order_session, snapshot, step_all, where)


def callback_session(journal=None) -> Session:
    return make_session(defn_file(CALLBACK_FLOW), {"req": 1}, load_mocks(CALLBACK_MOCKS),
                        str(journal) if journal else None)


# -- step back -----------------------------------------------------------------------

@pytest.mark.parametrize("factory", [order_session, nested_session], ids=["order-pipeline", "nested"])
@pytest.mark.parametrize("k, n", [(1, 1), (6, 3), (9, 1), (9, 9)])
def test_step_back_n_then_forward_gives_identical_records(factory, k, n):
    s = factory()
    trail = []  # (stop, snapshot) after each step
    for _ in range(k):
        st = s.step_into()
        trail.append(((st.reason, st.frame, st.state, st.step), snapshot(s)))
    st = s.step_back(n)
    if k - n > 0:
        want_stop, want_snap = trail[k - n - 1]
        assert (st.frame, st.state, st.step) == want_stop[1:]
        assert snapshot(s) == want_snap
        assert s.current_record().to_json() == s.execution.records[-1].to_json()
    else:
        assert s.execution.steps == 0 and s.execution.records == []
    for i in range(k - n, k):
        st = s.step_into()
        assert ((st.reason, st.frame, st.state, st.step), snapshot(s)) == trail[i]


def test_step_back_from_the_end_and_run_again():
    s = order_session()
    stops = step_all(s)
    full = snapshot(s)
    s.step_back(4)
    assert s.last_stop.state == stops[-5].state
    assert s.cont().reason == "finished"
    assert snapshot(s) == full


def test_step_back_restores_clock_and_pending_tasks():
    s = order_session()
    stops = {}
    while True:
        st = s.step_into()
        stops[st.state] = (s.execution.clock, [p.state for p in s.execution.pending_tasks()])
        if st.state == "CoolDown":
            break
    s.step_into()  # Notify, after the 60 s wait
    assert s.execution.clock == 182.0
    s.step_back(1)
    assert s.last_stop.state == "CoolDown"
    assert s.execution.clock == 122.0
    assert (s.execution.clock, [p.state for p in s.execution.pending_tasks()]) == stops["CoolDown"]


def test_step_back_at_the_start_does_nothing():
    s = order_session()
    st = s.step_back(1)
    assert s.execution.steps == 0 and st.step == 0


class _CountingBackend:
    """A stand-in for a local/live backend: counts how often it is called."""
    name = "local"

    def __init__(self):
        self.calls = 0

    def handles(self, request):
        return request.function.function == "validate-order"

    def invoke(self, request):
        from flowdbg.engine.backends.base import FunctionResponse
        self.calls += 1
        return FunctionResponse(payload=b'{"valid": true, "total": 1500}', source="local")


def test_step_back_does_not_ask_backends_again():
    backend = _CountingBackend()
    s = order_session(backends=[backend])
    step_all(s)
    assert backend.calls == 1
    answers = list(s.answers)
    s.step_back(6)
    s.restart()
    while s.step_into().reason == "step":
        pass
    assert s.execution.status == "Succeeded"
    assert backend.calls == 1, "a local/live answer comes from the journal, never from a second call"
    assert s.answers == answers


def test_going_forward_again_after_editing_the_mock_file_uses_the_edit():
    from flowdbg.engine.mocks import parse_mocks
    from helpers.session import ORDER_MOCKS
    s = order_session()
    step_all(s)
    assert s.execution.output["boxes"][0]["box"] == "B-1"
    text = open(ORDER_MOCKS, encoding="utf-8").read().replace('"B-1"', '"X-1"')
    s.set_mocks(parse_mocks(text, "edited.yaml"))
    s.restart()
    assert s.cont().reason == "finished"
    assert s.execution.output["boxes"][0]["box"] == "X-1"


# -- restart -------------------------------------------------------------------------

def test_restart_replays_the_same_run(tmp_path):
    s = order_session(tmp_path / "j.jsonl")
    assert s.cont().reason == "finished"
    full = snapshot(s)
    answers_before = [e for e in journal_lines(tmp_path / "j.jsonl") if e["k"] == "answer"]
    st = s.restart()
    assert st.step == 0 and s.execution.steps == 0 and s.execution.records == []
    assert s.cont().reason == "finished"
    assert snapshot(s) == full
    answers_after = [e for e in journal_lines(tmp_path / "j.jsonl") if e["k"] == "answer"]
    assert answers_after == answers_before, "restart adds nothing new to the journal"


def test_restart_keeps_breakpoints_and_watches():
    s = order_session()
    s.add_breakpoint("Notify")
    s.add_watch("$Input.orderId")
    s.cont()
    s.restart()
    assert [b.state for b in s.breakpoints] == ["Notify"]
    st = s.cont()
    assert (st.reason, st.state) == ("breakpoint", "Notify")
    s.refresh_watches()
    assert s.watches[0].value == "o-1001"


# -- callbacks by hand ---------------------------------------------------------------------

def _wait_and_answer(s: Session, output) -> str:
    st = s.cont()
    assert st.reason == "waiting", st
    token = s.execution.pending_tasks()[0].token
    assert s.report(token, succeeded=True, output=output).accepted
    return token


def test_hand_callback_is_journaled(tmp_path):
    s = callback_session(tmp_path / "j.jsonl")
    token = _wait_and_answer(s, {"approved": True})
    cbs = [e for e in journal_lines(tmp_path / "j.jsonl") if e["k"] == "callback"]
    assert len(cbs) == 1
    assert cbs[0]["token"] == token and cbs[0]["succeeded"] is True and cbs[0]["output"] == {"approved": True}
    assert cbs[0]["step"] == s.execution.steps


def test_hand_callback_is_replayed_on_step_back():
    s = callback_session()
    _wait_and_answer(s, {"approved": True})
    assert s.cont().reason == "finished"
    full = snapshot(s)
    assert s.execution.status == "Succeeded"
    # back to the waiting stop, then on: the same callback applies again
    s.step_back(1)
    assert s.last_stop.state == "Approve"
    assert s.cont().reason == "finished"
    assert snapshot(s) == full
    # back to the very start: the whole run replays without waiting
    s.step_back(2)
    assert s.execution.steps == 0
    st = s.cont()
    assert st.reason == "finished" and snapshot(s) == full


def test_hand_callback_failure_is_replayed():
    s = callback_session()
    assert s.cont().reason == "waiting"
    token = s.execution.pending_tasks()[0].token
    assert s.report(token, succeeded=False, error="Denied", cause="no").accepted
    s.cont()
    assert s.execution.status == "Failed" and s.execution.error.code == "Denied"
    full = snapshot(s)
    s.restart()
    s.cont()
    assert snapshot(s) == full


def test_refused_callback_is_not_journaled(tmp_path):
    s = callback_session(tmp_path / "j.jsonl")
    token = _wait_and_answer(s, {"approved": True})
    res = s.report(token, succeeded=True, output={"approved": False})
    assert not res.accepted and "already answered" in res.reason
    assert not s.report("bogus", succeeded=True, output={}).accepted
    cbs = [e for e in journal_lines(tmp_path / "j.jsonl") if e["k"] == "callback"]
    assert [c["output"] for c in cbs] == [{"approved": True}]


def test_different_callback_after_step_back_diverges_and_stays_diverged(tmp_path):
    path = tmp_path / "j.jsonl"
    s = callback_session(path)
    token = _wait_and_answer(s, {"approved": True})
    assert s.cont().reason == "finished" and s.execution.status == "Succeeded"
    s.step_back(1)  # the waiting stop, before the callback
    assert s.execution.pending_tasks()[0].token == token
    assert s.report(token, succeeded=True, output={"approved": False}).accepted
    assert s.cont().reason == "finished"
    assert s.execution.status == "Failed" and s.execution.error.code == "NotApproved"
    diverged = snapshot(s)
    # the new future must survive replay
    s.step_back(1)
    s.cont()
    assert s.execution.status == "Failed"
    assert snapshot(s) == diverged
    s.restart()
    s.cont()
    assert snapshot(s) == diverged
    # The journal only grows; read as a whole it holds the new callback only.
    cbs = [e for e in read_journal(str(path)).inputs if e["k"] == "callback"]
    assert [c["output"] for c in cbs] == [{"approved": False}]
    r = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    assert r.execution.status == "Failed"


def test_different_callback_after_step_back_diverges_immediately():
    s = callback_session()
    token = _wait_and_answer(s, {"approved": True})
    s.cont()
    s.step_back(1)
    assert s.report(token, succeeded=True, output={"approved": False}).accepted
    assert s.cont().reason == "finished"
    assert s.execution.status == "Failed"
    assert [r.state for r in s.execution.records] == ["Begin", "Approve", "Decide", "Rejected"]


def test_callback_sent_earlier_in_history_drops_the_later_future():
    """Stepping back before the waiting point, then stepping on, reaches the
    same waiting point and the journaled callback answers it again."""
    s = callback_session()
    _wait_and_answer(s, {"approved": True})
    s.cont()
    s.step_back(2)
    assert s.execution.steps == 0
    stops = step_all(s)
    assert where(stops)[-1][0] == "finished"
    assert s.execution.status == "Succeeded"


def test_callback_posted_from_another_thread_is_applied_and_journaled(tmp_path):
    import threading
    from flowdbg.engine.backends.callback_server import CallbackReport
    path = tmp_path / "j.jsonl"
    s = callback_session(path)
    assert s.cont().reason == "waiting"
    token = s.execution.pending_tasks()[0].token
    replies = []
    th = threading.Thread(target=lambda: s.post_callback(CallbackReport(token, True, {"approved": True}),
                                                         replies.append))
    th.start()
    th.join(5)
    assert s.wait_for_callback(timeout=5)
    assert [r.accepted for r in replies] == [True]
    assert s.cont().reason == "finished" and s.execution.status == "Succeeded"
    assert [e["output"] for e in journal_lines(path) if e["k"] == "callback"] == [{"approved": True}]
    full = snapshot(s)
    s.restart()
    s.cont()
    assert snapshot(s) == full


UUID_FLOW = """
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: A
    States:
      - Name: A
        Type: Pass
        OutputConstructor:
          id.$: uuid()
        Next: B
      - Name: B
        Type: Pass
        OutputConstructor:
          first.$: $Input.id
          second.$: uuid()
        End: true
    """


def test_random_values_are_the_same_after_step_back_and_restart():
    from helpers.session import flow_session
    s = flow_session(UUID_FLOW)
    step_all(s)
    out = s.execution.output
    assert out["first"] != out["second"]
    s.step_back(2)
    s.cont()
    assert s.execution.output == out
    s.restart()
    s.cont()
    assert s.execution.output == out
    other = flow_session(UUID_FLOW, seed=1)
    other.cont()
    assert other.execution.output != out


def test_choose_is_restored_by_resume(tmp_path):
    path = tmp_path / "j.jsonl"
    s = nested_session(path)
    for _ in range(3):
        s.step_into()
    assert s.choose("Orders[1]").frame == "Orders[1]"
    s.step_into()
    s.step_into()
    from helpers.session import NESTED_FLOW
    r = Session.resume(str(path), defn_file(NESTED_FLOW), mocks=s.mocks)
    assert snapshot(r) == snapshot(s)
    s.cont()
    r.cont()
    assert snapshot(r) == snapshot(s)


def _back_to_waiting_stop():
    s = callback_session()
    assert s.cont().reason == "waiting"
    token = s.execution.pending_tasks()[0].token
    s.report(token, succeeded=True, output={"approved": True})
    s.cont()
    st = s.step_back(1)
    assert [p.token for p in s.execution.pending_tasks()] == [token]
    return s, st


def test_step_back_to_a_waiting_stop_execution_is_waiting():
    s, _ = _back_to_waiting_stop()
    assert s.execution.waiting


def test_step_back_to_a_waiting_stop_reports_waiting():
    _, st = _back_to_waiting_stop()
    assert (st.reason, st.state) == ("waiting", "Approve")
