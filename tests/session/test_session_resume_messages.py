"""Resuming a journal on the wrong flow says which flow the session is of
(its start line names the flow's file and Name); on an edited flow, which
states changed, by their names (never the digests' internal keys)."""
from __future__ import annotations

import json

import pytest

from flowdbg.engine.definition import load_definition
from flowdbg.engine.session import Session, SessionError
from flowdbg.engine.session.resume import describe_changes

from helpers.session import CALLBACK_FLOW, ORDER_FLOW, order_session


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """A finished session of the order-pipeline sample, journaled as op.jsonl in tmp_path."""
    monkeypatch.chdir(tmp_path)
    order_session(tmp_path / "op.jsonl").run_to_end()
    return tmp_path


def test_the_start_line_names_the_flow(saved):
    start = json.loads((saved / "op.jsonl").read_text().splitlines()[0])
    assert start["flow_name"] == "order-pipeline" and start["flow"] == ORDER_FLOW


def test_a_session_of_another_flow_says_which(saved):
    with pytest.raises(SessionError) as e:
        Session.resume("op.jsonl", load_definition(CALLBACK_FLOW))
    assert str(e.value) == (f"op.jsonl is a session of flow 'order-pipeline' ({ORDER_FLOW}), not of {CALLBACK_FLOW}: "
                            "resume it with that flow, or start a new session of this one")


def test_an_edited_flow_lists_the_changed_states_by_name(saved):
    with open(ORDER_FLOW, encoding="utf-8") as f:
        text = f.read()
    edited = saved / "edited.yaml"
    edited.write_text(text.replace("MaxConcurrency: 2", "MaxConcurrency: 3"))
    # the journal is of sample_flows/order-pipeline.yaml; an edited copy of it has the same Name and states
    with pytest.raises(SessionError) as e:
        Session.resume("op.jsonl", load_definition(str(edited)))
    assert str(e.value) == (f"op.jsonl: {edited} changed since the session was saved (state 'PackItems' in "
                            "Fulfil.Branch0); replaying it would not reproduce the run. Start a new session, or "
                            "restore the flow as it was")


def test_changes_are_named_innermost_with_their_scope():
    old = {"@StartAt": "A", "A": "1", "M": "2", "M/@StartAt": "B", "M/B": "3", "P": "4", "P.Branch0/@StartAt": "C",
           "P.Branch0/C": "5", "Gone": "6"}
    new = dict(old, **{"M": "2x", "M/B": "3x", "P": "4x", "P.Branch0/@StartAt": "D", "P.Branch0/D": "7",
                       "@StartAt": "Z"})
    del new["Gone"]
    assert describe_changes(old, new) == ("the flow's StartAt, 'Gone' (removed), 'B' in M, "
                                          "the StartAt of P.Branch0, 'D' in P.Branch0 (new)")
    assert describe_changes({"A": "1"}, {"A": "2"}) == "state 'A'"
