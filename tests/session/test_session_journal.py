"""Issue #5 parts 7-8: the session journal (JSON Lines), Session.resume,
truncated journals, flow edits between save and resume, headless
``flowdbg run --session/--resume``, and ``--history`` export."""
from __future__ import annotations

import datetime
import json
import os
import shutil

import pytest

from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.session import Session, SessionError
from flowdbg.tui.cli import main
from helpers.session import (CALLBACK_FLOW, CALLBACK_MOCKS, NESTED_FLOW, ORDER_FLOW, ORDER_INPUT, ORDER_MOCKS, START,
                             defn_file, journal_lines, make_session, nested_session, order_session, read_json,
                             snapshot, where)


def resume_order(path, **kw) -> Session:
    return Session.resume(str(path), defn_file(ORDER_FLOW), mocks=load_mocks(ORDER_MOCKS), **kw)


# -- the journal file ------------------------------------------------------------------

def test_journal_is_json_lines_appended_at_every_stop(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.step_into()
    start = journal_lines(path)[0]
    s.restart()
    assert start["k"] == "start" and start["v"] == 2
    assert start["input"] == read_json(ORDER_INPUT)
    assert (start["seed"], start["start_time"]) == (0, START)
    assert start["flow"] == os.path.abspath(ORDER_FLOW)
    assert set(start["digests"]) >= {"ValidateOrder", "Fulfil", "Notify"}
    prev_answers: list = []
    while True:
        st = s.step_into()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert text.endswith("\n")
        lines = [json.loads(x) for x in text.splitlines()]  # every line is one JSON object
        assert lines[0] == start
        assert lines[-1]["k"] == "stop" and lines[-1]["step"] == st.step == s.execution.steps
        answers = [e for e in lines if e["k"] == "answer"]
        assert answers[:len(prev_answers)] == prev_answers, "the journal only grows"
        prev_answers = answers
        if st.reason != "step":
            break
    keys = [a["key"] for a in prev_answers]
    assert keys.count("fn:ValidateOrder:validate-order:LATEST") == 2
    assert "cb:WaitForApproval" in keys and "state:Notify" in keys
    assert sum(k.startswith("fn:PackOne:") for k in keys) == 3


def test_journal_records_settings_as_soon_as_they_change(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    bp = s.add_breakpoint("PackOne", condition="$Input.qty > 2", hit_count=1)
    s.add_watch("$Input.orderId")
    lines = journal_lines(path)
    bps = [e for e in lines if e["k"] == "breakpoints"][-1]["items"]
    assert bps == [{"id": bp.id, "state": "PackOne", "scope": None, "condition": "$Input.qty > 2", "hit_count": 1,
                    "enabled": True, "event": None}]
    assert [e for e in lines if e["k"] == "watches"][-1]["items"] == ["$Input.orderId"]
    s.set_breakpoint(bp.id, enabled=False)
    assert [e for e in journal_lines(path) if e["k"] == "breakpoints"][-1]["items"][0]["enabled"] is False


def test_no_journal_path_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = order_session()
    s.cont()
    assert os.listdir(tmp_path) == []


# -- resume ------------------------------------------------------------------------------

def test_resume_restores_last_stop_breakpoints_and_watches(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    for _ in range(7):
        s.step_into()
    s.add_breakpoint("Notify")
    s.add_breakpoint("PackOne", scope="Fulfil.Branch0/PackItems[2]", condition='$Input.sku == "plum"')
    s.add_breakpoint(event="retry")
    s.add_watch("$Input.sku")
    s.refresh_watches()
    original = snapshot(s)
    r = resume_order(path)
    assert r.resume_warnings == []
    assert r.execution.steps == s.execution.steps
    assert snapshot(r) == original
    assert (r.last_stop.frame, r.last_stop.state, r.last_stop.reason) == (s.last_stop.frame, s.last_stop.state, "step")
    assert r.frame.id == s.frame.id
    assert r.current_record().to_json() == s.current_record().to_json()
    assert [b.to_json() for b in r.breakpoints] == [b.to_json() for b in s.breakpoints]
    assert [(w.expression, w.value, w.error) for w in r.watches] == [(w.expression, w.value, w.error)
                                                                      for w in s.watches]
    # both go on the same way
    assert where([s.cont(), s.cont(), s.cont()]) == where([r.cont(), r.cont(), r.cont()])
    assert snapshot(r) == snapshot(s)
    # new breakpoints in the resumed session do not reuse ids
    assert r.add_breakpoint("Done").id > max(b.id for b in s.breakpoints)


def test_resume_allows_step_back(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    trail = []
    for _ in range(6):
        s.step_into()
        trail.append(snapshot(s))
    r = resume_order(path)
    r.step_back(2)
    assert snapshot(r) == trail[3]


def test_resume_of_a_finished_session(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.cont()
    r = resume_order(path)
    assert r.execution.status == "Succeeded"
    assert r.last_stop.reason == "finished"
    assert snapshot(r) == snapshot(s)


def test_resume_waiting_session_then_answer_by_hand(tmp_path):
    path = tmp_path / "s.jsonl"
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS), str(path))
    assert s.cont().reason == "waiting"
    r = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    pend = r.execution.pending_tasks()
    assert [p.token for p in pend] == [p.token for p in s.execution.pending_tasks()]
    assert r.report(pend[0].token, succeeded=True, output={"approved": True}).accepted
    assert r.cont().reason == "finished"
    assert r.execution.status == "Succeeded"
    # and the callback is now in the journal: resuming again replays it
    r2 = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    assert r2.execution.status == "Succeeded"
    assert snapshot(r2) == snapshot(r)


def test_resume_nested_session_mid_iteration(tmp_path):
    path = tmp_path / "s.jsonl"
    s = nested_session(path)
    for _ in range(9):
        s.step_into()
    assert s.last_stop.frame.startswith("Orders[")
    r = Session.resume(str(path), defn_file(NESTED_FLOW), mocks=s.mocks)
    assert snapshot(r) == snapshot(s)
    assert [sc["label"] for sc in r.scopes()] == [sc["label"] for sc in s.scopes()]


def test_resume_keeps_breakpoint_hit_counts(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.add_breakpoint("PackOne", hit_count=2)
    while s.step_into().frame != "Fulfil.Branch0/PackItems[0]":
        pass  # one hit so far
    r = resume_order(path)
    want = s.cont()
    got = r.cont()
    assert (want.reason, want.frame) == ("breakpoint", "Fulfil.Branch0/PackItems[1]")
    assert (got.reason, got.frame) == (want.reason, want.frame)


def test_resume_rejects_a_file_that_is_not_a_journal(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"k": "answer"}\n')
    with pytest.raises(SessionError):
        resume_order(p)
    with pytest.raises(SessionError):
        resume_order(tmp_path / "missing.jsonl")


# -- truncated journals --------------------------------------------------------------------

def _cut_last_line(path, keep_fraction=0.5):
    text = open(path, encoding="utf-8").read()
    body, last = text.rstrip("\n").rsplit("\n", 1)
    cut = body + "\n" + last[: max(1, int(len(last) * keep_fraction))]
    open(path, "w", encoding="utf-8").write(cut)
    return cut


def test_truncated_journal_resumes_with_a_warning(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.add_breakpoint("Notify")
    s.add_watch("$Input.orderId")
    assert s.cont().state == "Notify"
    assert s.cont().reason == "finished"
    final = snapshot(s)
    _cut_last_line(path)
    r = resume_order(path)
    assert len(r.resume_warnings) == 1
    assert "incomplete" in r.resume_warnings[0] or "cut" in r.resume_warnings[0]
    assert str(path) in r.resume_warnings[0]
    # settings written before the cut survive
    assert [b.state for b in r.breakpoints] == ["Notify"]
    assert [w.expression for w in r.watches] == ["$Input.orderId"]
    # the resumed run is the same run: going on reproduces it
    r.breakpoints = []
    r.cont()
    assert snapshot(r) == final


def test_truncated_journal_resumes_up_to_its_last_complete_step(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    trail = {}
    for _ in range(8):
        st = s.step_into()
        trail[st.step] = snapshot(s)
    _cut_last_line(path)
    r = resume_order(path)
    assert r.resume_warnings
    assert r.execution.steps > 0, "resumed at the very start: all progress lost"
    # It resumes at least at the last complete stop, and past it as far as
    # the journaled answers go (never beyond where the run got).
    assert sorted(trail)[-2] <= r.execution.steps <= max(trail), "at most the last stop may be lost"
    if r.execution.steps in trail:
        assert snapshot(r) == trail[r.execution.steps]
    while r.execution.steps < max(trail):
        r.step_into()
    assert snapshot(r) == trail[max(trail)], "the resumed run is the same run"


def test_truncated_journal_with_callback_resumes_past_the_callback(tmp_path):
    path = tmp_path / "s.jsonl"
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS), str(path))
    s.cont()
    token = s.execution.pending_tasks()[0].token
    s.report(token, succeeded=True, output={"approved": True})
    s.step_into()
    s.step_into()
    _cut_last_line(path, 0.3)
    r = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    assert r.resume_warnings
    assert r.execution.steps >= 3, "resumed at least up to the hand callback"
    assert r.cont().reason == "finished"
    assert r.execution.status == "Succeeded"


def test_journal_cut_inside_an_early_line_still_resumes(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.cont()
    final = snapshot(s)
    lines = open(path, encoding="utf-8").read().split("\n")
    open(path, "w", encoding="utf-8").write("\n".join(lines[:2]) + "\n" + lines[2][:20])
    r = resume_order(path)
    assert r.resume_warnings and ":3:" in r.resume_warnings[0]
    r.cont()
    assert snapshot(r) == final


# -- flow edited between save and resume ----------------------------------------------------

def _saved_order_session(tmp_path):
    flow = tmp_path / "order-pipeline.yaml"
    shutil.copy(ORDER_FLOW, flow)
    path = tmp_path / "s.jsonl"
    s = make_session(load_definition(str(flow)), read_json(ORDER_INPUT), load_mocks(ORDER_MOCKS), str(path))
    for _ in range(5):
        s.step_into()
    return flow, path, s


def test_edited_state_is_detected_and_named(tmp_path):
    flow, path, _ = _saved_order_session(tmp_path)
    text = flow.read_text()
    flow.write_text(text.replace("box.$: $Output.Body.box", "box.$: $Output.Body"))
    with pytest.raises(SessionError) as ei:
        Session.resume(str(path), load_definition(str(flow)), mocks=load_mocks(ORDER_MOCKS))
    msg = str(ei.value)
    assert "PackOne" in msg
    for untouched in ("ValidateOrder", "NeedsApproval", "Notify", "CoolDown", "ChargeCard"):
        assert untouched not in msg


def test_renamed_and_removed_states_are_named(tmp_path):
    flow, path, _ = _saved_order_session(tmp_path)
    text = flow.read_text().replace("Name: CoolDown", "Name: Pause").replace("Next: CoolDown", "Next: Pause")
    flow.write_text(text)
    with pytest.raises(SessionError) as ei:
        Session.resume(str(path), load_definition(str(flow)), mocks=load_mocks(ORDER_MOCKS))
    assert "CoolDown" in str(ei.value) and "Pause" in str(ei.value)


def test_comment_only_edit_is_not_a_change(tmp_path):
    flow, path, s = _saved_order_session(tmp_path)
    flow.write_text("# a new comment\n" + flow.read_text().replace("Seconds: 60", "Seconds: 60   # one minute"))
    r = Session.resume(str(path), load_definition(str(flow)), mocks=load_mocks(ORDER_MOCKS))
    assert snapshot(r) == snapshot(s)


def test_allow_changes_resumes_anyway(tmp_path):
    flow, path, _ = _saved_order_session(tmp_path)
    flow.write_text(flow.read_text().replace("Seconds: 60", "Seconds: 30"))
    r = Session.resume(str(path), load_definition(str(flow)), mocks=load_mocks(ORDER_MOCKS), allow_changes=True)
    assert r.cont().reason == "finished"
    assert r.execution.clock == 152.0


def test_edited_start_at_is_detected(tmp_path):
    flow = tmp_path / "f.yaml"
    src = ("Type: StateMachine\nName: f\nSpecVersion: v1\nStartAt: A\nStates:\n"
           "  - Name: A\n    Type: Pass\n    Next: B\n  - Name: B\n    Type: Pass\n    End: true\n")
    flow.write_text(src)
    path = tmp_path / "s.jsonl"
    s = make_session(load_definition(str(flow)), {}, None, str(path))
    s.step_into()
    s.step_into()
    edited = src.replace("StartAt: A", "StartAt: B")
    flow.write_text(edited)
    d = load_definition(str(flow))
    assert d.flow is not None
    with pytest.raises(SessionError):
        Session.resume(str(path), d)


# -- headless: flowdbg run --session / --resume ---------------------------------------------

def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _copy_callback_flow(tmp_path):
    flow = tmp_path / "approve.yaml"
    shutil.copy(CALLBACK_FLOW, flow)
    shutil.copy(CALLBACK_MOCKS, tmp_path / "approve.mocks.yaml")
    return flow


@pytest.mark.parametrize("answer, code, status, last", [
    ("    - succeed: {approved: true}\n", 0, "Succeeded", "Approved"),
    ("    - succeed: {approved: false}\n", 1, "Failed", "Rejected"),
    ("    - fail: {error: Denied, cause: nope}\n", 1, "Failed", "Approve"),
])
def test_headless_session_then_resume_after_mock_gained_callback(tmp_path, capsys, answer, code, status, last):
    flow = _copy_callback_flow(tmp_path)
    session = tmp_path / "run.jsonl"
    rc, out, err = _run(capsys, "run", str(flow), "--input", '{"id": 7}', "--session", str(session), "--json")
    assert rc == 3, err
    first = json.loads(out)
    assert first["status"] == "Running"
    assert [p["state"] for p in first["pending"]] == ["Approve"]
    assert session.exists()
    with open(tmp_path / "approve.mocks.yaml", "a", encoding="utf-8") as f:
        f.write("callbacks:\n  Approve:\n" + answer)
    rc, out, err = _run(capsys, "run", str(flow), "--resume", str(session), "--json")
    assert rc == code, err
    second = json.loads(out)
    assert second["status"] == status
    assert second["states"][-1] == last
    assert second["states"][:2] == ["Begin", "Approve"]
    assert second["events"][:len(first["events"])] == first["events"], "the resumed run continues the first one"


def test_headless_order_pipeline_session_and_resume(tmp_path, capsys):
    """The sample flow without its scripted approval (and without the 1-hour
    Timeout, which would otherwise reject the order) waits; after the mock
    file gains the callback, --resume finishes it."""
    flow = tmp_path / "order-pipeline.yaml"
    flow.write_text(open(ORDER_FLOW, encoding="utf-8").read().replace("    Timeout: 3600\n", ""))
    mocks_text = open(ORDER_MOCKS, encoding="utf-8").read()
    head, _, _ = mocks_text.partition("callbacks:")
    (tmp_path / "order-pipeline.mocks.yaml").write_text(head)
    session = tmp_path / "run.jsonl"
    rc, out, err = _run(capsys, "run", str(flow), "--input-file", ORDER_INPUT, "--session", str(session))
    assert rc == 3, out + err
    assert "WaitForApproval" in out and "--resume" in out
    (tmp_path / "order-pipeline.mocks.yaml").write_text(mocks_text)
    rc, out, err = _run(capsys, "run", str(flow), "--resume", str(session), "--json")
    assert rc == 0, err
    res = json.loads(out)
    assert res["status"] == "Succeeded"
    assert res["output"]["messageId"] == "m-1"
    assert res["states"].count("PackOne") == 3


def test_headless_resume_refuses_edited_flow(tmp_path, capsys):
    flow = _copy_callback_flow(tmp_path)
    session = tmp_path / "run.jsonl"
    assert _run(capsys, "run", str(flow), "--session", str(session))[0] == 3
    flow.write_text(flow.read_text().replace("Code: NotApproved", "Code: Nope"))
    rc, out, err = _run(capsys, "run", str(flow), "--resume", str(session))
    assert rc == 2
    assert "Rejected" in err


def test_headless_resume_of_truncated_session_warns(tmp_path, capsys):
    flow = _copy_callback_flow(tmp_path)
    session = tmp_path / "run.jsonl"
    assert _run(capsys, "run", str(flow), "--session", str(session))[0] == 3
    _cut_last_line(session)
    with open(tmp_path / "approve.mocks.yaml", "a", encoding="utf-8") as f:
        f.write("callbacks:\n  Approve:\n    - succeed: {approved: true}\n")
    rc, out, err = _run(capsys, "run", str(flow), "--resume", str(session))
    assert rc == 0
    assert "warning" in err


# -- history export -----------------------------------------------------------------------

def test_history_export_shape(tmp_path, capsys):
    hist = tmp_path / "h.json"
    rc, out, err = _run(capsys, "run", ORDER_FLOW, "--input-file", ORDER_INPUT, "--history", str(hist), "--json")
    assert rc == 0, err
    summary = json.loads(out)
    doc = json.loads(hist.read_text())
    assert list(doc) == ["Events"]
    evs = doc["Events"]
    assert len(evs) == len(summary["events"])
    for i, (h, e) in enumerate(zip(evs, summary["events"]), 1):
        assert {"EventId", "ScheduleEventId", "StepName", "Type", "Time", "EventDetail"} <= set(h)
        assert h["EventId"] == i == e["id"]
        assert h["Type"] == e["type"] and h["StepName"] == e["state"]
        assert h["ScheduleEventId"] == e["schedule_id"]
        assert isinstance(h["EventDetail"], str)
        detail = json.loads(h["EventDetail"])
        assert detail == (e["detail"] if e["detail"] is not None else {})
        assert h["Time"].endswith("Z")
        datetime.datetime.fromisoformat(h["Time"].replace("Z", "+00:00"))
    t0 = datetime.datetime.fromisoformat(evs[0]["Time"].replace("Z", "+00:00"))
    for h, e in zip(evs, summary["events"]):
        t = datetime.datetime.fromisoformat(h["Time"].replace("Z", "+00:00"))
        assert (t - t0).total_seconds() == pytest.approx(e["time"])
    assert evs[0]["Type"] == "ExecutionStarted" and evs[-1]["Type"] == "ExecutionSucceeded"
    by_id = {h["EventId"]: h for h in evs}
    done = [h for h in evs if h["Type"] in ("TaskSucceeded", "TaskFailed", "TaskSubmitted")]
    assert done
    for h in done:
        sched = by_id[h["ScheduleEventId"]]
        assert sched["Type"] == "TaskScheduled" and sched["StepName"] == h["StepName"]
        assert sched["EventId"] < h["EventId"]


def test_history_times_use_the_session_start_time(tmp_path, capsys):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.step_into()
    s.add_breakpoint("Notify")  # a headless run ignores breakpoints
    hist = tmp_path / "h.json"
    rc, out, err = _run(capsys, "run", ORDER_FLOW, "--resume", str(path), "--history", str(hist))
    assert rc == 0, err
    evs = json.loads(hist.read_text())["Events"]
    first = {}
    for h in evs:
        first.setdefault((h["Type"], h["StepName"]), h["Time"])
    assert first[("ExecutionStarted", "")] == "2026-01-01T00:00:00.000Z"
    assert first[("TaskScheduled", "ValidateOrder")] == "2026-01-01T00:00:00.000Z"
    assert first[("StepEntered", "NeedsApproval")] == "2026-01-01T00:00:02.000Z"
    assert first[("StepEntered", "Fulfil")] == "2026-01-01T00:02:02.000Z"
    assert first[("StepEntered", "Notify")] == "2026-01-01T00:03:02.000Z"
    assert first[("ExecutionSucceeded", "")] == "2026-01-01T00:03:02.000Z"
    retry = [h for h in evs if h["Type"] == "StepRetrying"][0]
    assert json.loads(retry["EventDetail"]) == {"rule": 0, "attempt": 1, "wait": 2.0, "error": {
        "Code": "FC.ResourceThrottled", "Detail": "too many requests"}}


def test_history_of_a_waiting_run(tmp_path, capsys):
    flow = _copy_callback_flow(tmp_path)
    hist = tmp_path / "h.json"
    rc, _, _ = _run(capsys, "run", str(flow), "--history", str(hist))
    assert rc == 3
    evs = json.loads(hist.read_text())["Events"]
    assert evs[-1]["Type"] == "TaskSubmitted" and evs[-1]["StepName"] == "Approve"
    assert "token" in json.loads(evs[-1]["EventDetail"])


def test_journaled_answers_win_over_an_edited_mock_file_on_resume(tmp_path):
    from flowdbg.engine.mocks import parse_mocks
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    while s.step_into().state != "CoolDown":
        pass
    text = open(ORDER_MOCKS, encoding="utf-8").read().replace('"B-1"', '"X-1"').replace("total: 1500", "total: 5")
    r = Session.resume(str(path), defn_file(ORDER_FLOW), mocks=parse_mocks(text, "edited.yaml"))
    assert snapshot(r) == snapshot(s), "answers recorded before the stop come from the journal"
    assert r.cont().reason == "finished"
    assert r.execution.output["boxes"][0]["box"] == "B-1"


def test_resume_of_a_waiting_session_is_still_waiting(tmp_path):
    path = tmp_path / "s.jsonl"
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS), str(path))
    assert s.cont().reason == "waiting"
    assert s.execution.waiting
    r = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    assert [p.state for p in r.execution.pending_tasks()] == ["Approve"]
    assert r.execution.waiting


def test_resume_of_a_waiting_session_restores_the_waiting_stop(tmp_path):
    path = tmp_path / "s.jsonl"
    s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS), str(path))
    assert s.cont().reason == "waiting"
    r = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    assert (r.last_stop.reason, r.last_stop.state) == ("waiting", "Approve")


def test_resume_refuses_a_journal_whose_answer_belongs_to_another_request(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.cont()
    s.close()
    lines = journal_lines(path)
    assert lines[1]["k"] == "answer" and lines[1]["req"]
    lines[0]["input"] = {**lines[0]["input"], "orderId": "somebody else's"}  # so ValidateOrder is sent another body
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    with pytest.raises(SessionError) as e:
        resume_order(path)
    assert str(e.value).startswith(f"{path}: recorded answer #1 is for 'fn:ValidateOrder:validate-order:LATEST' "
                                   "with another request (the event sent differs)")
    assert "does not belong to this run" in str(e.value)


def test_a_new_session_does_not_overwrite_an_existing_journal(tmp_path):
    path = tmp_path / "s.jsonl"
    order_session(path).close()
    before = path.read_bytes()
    with pytest.raises(SessionError, match="a journal exists already"):
        order_session(path)
    assert path.read_bytes() == before
    order_session(path, overwrite=True).close()


def test_resume_keeps_a_recorded_future_that_the_run_had_not_reached_yet(tmp_path):
    """The TUI review's finding: after a restart, forgetting the recorded
    callback and answering another one, a stop before the task whose request
    now differs left that task's old answer ahead in the journal; resume went
    past the last stop, met it, and refused the whole session."""
    from helpers import SAMPLE_FLOWS
    flow = os.path.join(SAMPLE_FLOWS, "claim-review.yaml")
    mocks = load_mocks(flow.replace(".yaml", ".mocks.yaml"))
    inp = read_json(flow.replace(".yaml", ".input.json"))
    path = tmp_path / "s.jsonl"
    s = make_session(defn_file(flow), inp, mocks, str(path))

    def answer(price):
        assert s.cont().reason == "waiting"
        token = s.execution.pending_tasks()[0].token
        assert s.report(token, succeeded=True, output={"price": price}).accepted
    answer(1)
    assert s.cont().reason == "finished" and s.execution.status == "Succeeded"
    s.restart()
    s.forget_future()
    s.add_breakpoint("Pay the claimant")
    answer(2)
    stop = s.cont()
    assert stop.reason == "breakpoint" and stop.state == "Pay the claimant"
    where, before = s.execution.steps, snapshot(s)
    s.close()
    r = Session.resume(str(path), defn_file(flow), mocks=mocks)
    assert r.execution.steps == where and snapshot(r) == before
    assert [b.state for b in r.breakpoints] == ["Pay the claimant"]
    assert r.cont().reason == "finished" and r.execution.status == "Succeeded"


def test_stopping_the_execution_is_a_stop_of_its_own_and_survives_resume(tmp_path):
    path = tmp_path / "s.jsonl"
    s = order_session(path)
    s.step_over()
    s.step_over()
    at = s.execution.steps
    s.stop_execution("enough")
    assert s.execution.status == "Stopped" and s.execution.error.detail == "enough"
    s.close()
    r = resume_order(path)
    assert r.execution.status == "Stopped" and r.execution.steps == at
    back = r.step_back()
    assert back.reason == "step" and r.execution.status == "Running" and r.execution.steps == at, \
        "one step back returns to just before the stop"
    assert r.step_back().step < at
