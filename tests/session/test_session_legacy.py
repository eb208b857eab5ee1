"""Debugging a legacy flow: stepping, breakpoints on steps, scopes and conditions over
$input/$local/$context, watches, the Record's mappings, step back, a callback sent by hand,
and a saved session resumed — the same verbs as for FDL v1."""
from __future__ import annotations

import os

import pytest

from flowdbg.engine.session import Session, SessionError

from helpers import SAMPLE_FLOWS
from helpers.session import START, defn_file, flow_session, make_session, mocks_text, snapshot, step_all, where
from flowdbg.engine.mocks import load_mocks

FLOW = """\
version: v1
type: flow
steps:
  - type: pass
    name: init
    outputMappings:
      - {target: n, source: 2}
  - type: foreach
    name: each
    iterationMapping: {collection: $.items, item: item}
    steps:
      - type: task
        name: work
        resourceArn: acs:fc:::services/s/functions/work
        inputMappings:
          - {target: item, source: $input.item}
          - {target: n, source: $input.n}
  - type: choice
    name: pick
    choices:
      - condition: $.n > 1
        steps:
          - type: pass
            name: big
            outputMappings:
              - {target: size, source: big}
  - type: task
    name: approve
    resourceArn: !Ref Svc/ask
    pattern: waitForCallback
    inputMappings:
      - {target: token, source: $context.task.token}
      - {target: missing, source: $input.nope}
"""
MOCKS = "functions:\n  work: [{body: {done: true}}]\n  ask: [{body: {}}]\n"


def session(**kw) -> Session:
    return flow_session(FLOW, {"items": ["a", "b"]}, MOCKS, **kw)


def test_step_into_walks_the_steps_in_list_order_with_their_scopes():
    s = session()
    stops = step_all(s)
    assert where(stops) == [
        ("step", "", "init"), ("step", "", "each"), ("step", "each[0]", "work"), ("step", "each[1]", "work"),
        ("step", "", "pick"), ("step", "pick.Choice0", "big"), ("step", "", "approve"),
        ("waiting", "", "approve")]


def test_the_record_view_has_input_local_context_and_each_mapping():
    s = session()
    s.run_to_end()
    rec = [r for r in s.execution.records if r.state == "approve"][0]
    extra = rec.extra
    assert extra["format"] == "legacy"
    assert extra["$local"] == {"n": 2, "size": "big"}  # the list's $local its mappings read
    assert extra["inputMappings"][0] == {"target": "token", "source": "$context.task.token", "value": rec.token}
    assert extra["inputMappings"][1] == {"target": "missing", "source": "$input.nope", "value": None,
                                         "note": "$input.nope: $input has no key 'nope' (keys: items); read as null"}
    assert rec.input == {"token": rec.token, "missing": None}
    values = s.record_values(rec)
    assert set(values) == {"$input", "$local", "$context"} and values["$context"]["task"] == {"token": rec.token}


def test_a_breakpoint_on_a_step_in_one_iteration_with_a_condition_on_input_and_local():
    s = session()
    s.add_breakpoint("work", scope="each[1]", condition='$input.item == "b" && $local == {}')
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "each[1]", "work")
    assert s.evaluate("$input.item") == ("b", None)
    s.add_breakpoint("big", scope="pick.Choice0", condition="$input.n == 2 && $local == {}")  # the option's own $local
    st = s.cont()
    assert (st.reason, st.frame, st.state) == ("breakpoint", "pick.Choice0", "big")


@pytest.mark.parametrize("scope,message", [
    ("pick.Default", "scope 'pick.Default': pick has steps in Choice0"),
    ("each.Branch0", "scope 'each.Branch0': no parallel step named 'each'"),
    ("work[0]", "scope 'work[0]': no foreach step named 'work'"),
    ("nothing", "scope 'nothing': 'nothing' is not 'each[n]', 'par.Branch<n>' or 'pick.Choice<n>'"),
])
def test_a_bad_scope_says_what_a_legacy_scope_looks_like(scope, message):
    with pytest.raises(SessionError) as e:
        session().add_breakpoint("work", scope=scope)
    assert str(e.value) == message


def test_watches_read_legacy_roots_and_v1_roots_are_refused():
    s = session()
    s.run_to("approve")
    w = s.add_watch("$local.size")
    assert (w.value, w.error) == ("big", None)
    assert s.add_watch("$context.step.name").value == "approve"
    with pytest.raises(SessionError) as e:
        s.add_watch("$Input.n")
    assert str(e.value).startswith("watch: unknown root '$Input'")


def test_step_back_restores_the_list_local_and_replays_the_same_run():
    s = session()
    s.run_to_end()
    full = snapshot(s)
    s.step_back(4)
    s.run_to_end()
    assert snapshot(s) == full


def test_a_callback_sent_by_hand_ends_the_run_and_a_saved_session_resumes(tmp_path):
    journal = tmp_path / "s.jsonl"
    s = session(journal=journal)
    assert s.run_to_end().reason == "waiting"
    token = s.execution.pending_tasks()[0].token
    assert s.report(token, succeeded=True, output={"decision": "ok"}).accepted
    s.run_to_end()
    assert (s.execution.status, s.execution.output) == (
        "Succeeded", {"n": 2, "size": "big", "decision": "ok"})
    s.close()
    r = Session.resume(str(journal), s.definition, mocks=mocks_text(MOCKS))
    r.run_to_end()
    assert (r.execution.status, r.execution.output) == ("Succeeded", {"n": 2, "size": "big", "decision": "ok"})


def test_the_legacy_sample_with_a_child_flow_steps_through():
    d = defn_file(os.path.join(SAMPLE_FLOWS, "legacy", "subflow-audit-main.yaml"))
    s = make_session(d, {"auditMessage": "hi"}, load_mocks(os.path.join(SAMPLE_FLOWS, "legacy",
                                                                         "subflow-audit-main.mocks.yaml")))
    assert [st.state for st in step_all(s)][:-1] == ["triggerAudit", "check_status", "auditPassedDoJobs",
                                                     "notifyDeveloper"]
    assert (s.execution.status, s.execution.output, START) == ("Succeeded", {"audited": "true"}, START)


def test_a_changed_step_refuses_the_resume_and_names_it(tmp_path):
    journal = tmp_path / "s.jsonl"
    s = session(journal=journal)
    s.run_to("pick")
    s.close()
    from helpers.session import defn_text
    changed = defn_text(FLOW.replace("source: big", "source: huge"))
    with pytest.raises(SessionError) as e:
        Session.resume(str(journal), changed, mocks=mocks_text(MOCKS))
    assert "changed since the session was saved (states 'pick', 'big' in pick.Choice0)" in str(e.value)
