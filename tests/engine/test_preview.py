"""engine/preview.py: what a state will do, evaluated before it runs.

Every test previews at a stop, then steps, and compares the preview with
what the step really did (its record: input, parameters, token, Choice
branch, Wait seconds, Map items, output), and checks the preview changed
nothing (events, records, the random generator).
"""
from __future__ import annotations

import glob
import json
import os

import pytest

from flowdbg.engine.execution import MISSING
from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.preview import preview
from flowdbg.engine.session import Session
from flowdbg.engine.definition import load_definition

from helpers.engine import SAMPLE_FLOWS, session

RANDOM_FLOW = """\
Type: StateMachine
Name: RandomThings
SpecVersion: v1
StartAt: Tag
States:
  - Name: Tag
    Type: Pass
    InputConstructor:
      id.$: uuid()
      n.$: randomInt(1, 1000000)
      items.$: $Input.items
    Next: Ask
  - Name: Ask
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: WaitForCustomCallback
    Parameters:
      resourceArn: acs:fc:::services/s.LATEST/functions/ask
      invocationType: Async
      body:
        token.$: $Context.Current.TaskToken
        again.$: uuid()
        id.$: $Input.id
    Next: Route
  - Name: Route
    Type: Choice
    Branches:
      - Condition: $Input.approved == false
        Next: Stop
      - Condition: $Input.approved == true
        Next: Pause
    Default: Stop
  - Name: Pause
    Type: Wait
    Seconds.$: $Input.wait
    Next: Each
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    ItemConstructor:
      item.$: $Item
      tag.$: uuid()
    Processor:
      StartAt: One
      States:
        - Name: One
          Type: Pass
          End: true
    End: true
  - Name: Stop
    Type: Fail
    Code: Rejected
"""


def _state_of(ex):
    return (len(ex.events), len(ex.records), ex.random.getstate(), ex.steps)


def _check_then_step(s: Session):
    """Preview the current frame, step, and compare. Returns the preview."""
    ex = s.execution
    frame = s.frame if ex.events else ex.root
    before = _state_of(ex)
    p = preview(ex, frame)
    assert _state_of(ex) == before, "preview changed the execution"
    s.step_into()
    if p is None:
        return None
    if not ex.events or p.state not in {r.state for r in ex.records}:
        return p
    if before[0] == 0:
        s.step_into()  # the first unit only entered the start state
    rec = next(r for r in ex.records if r.state == p.state and r.frame == p.frame and r.index >= before[1] - 1)
    if p.error is None:
        assert p.input == rec.input, p.state
        if rec.type == "Task":
            assert p.parameters == rec.parameters, p.state
            assert p.token == rec.token
        if rec.type == "Choice" or rec.type in ("Pass", "Succeed"):
            assert p.output == rec.output
            assert p.next == rec.next
        if rec.type == "Wait":
            assert {"Seconds": p.seconds} == rec.parameters
        if rec.type == "Map":
            assert p.items == rec.parameters["Items"]
    else:
        assert rec.error is not None and rec.error["Code"] == p.error["Code"], (p.error, rec.error)
    return p


def test_tokens_uuids_and_random_ints_are_what_the_run_uses():
    s = session(RANDOM_FLOW, {"items": [1, 2, 3]}, mocks_yaml="functions: {ask: [{body: {}}]}")
    ex = s.execution
    s.step_into()  # at Tag
    p = preview(ex, s.frame)
    assert p.state == "Tag" and isinstance(p.input["id"], str) and len(p.input["id"]) == 36
    s.step_into()  # Tag ran
    tag = ex.records[0]
    assert tag.input == p.input  # the same uuid() and randomInt()
    p = preview(ex, s.frame)
    assert p.state == "Ask" and p.token.startswith("v1#RandomThings#")
    assert p.parameters["body"]["token"] == p.token
    assert p.function == "s/ask:LATEST" and p.body == p.parameters["body"]
    stop = s.step_into()
    ask = ex.records[1]
    assert stop.reason == "waiting"
    assert ask.token == p.token and ask.parameters == p.parameters
    assert ex.pending_tasks()[0].token == p.token


def test_choice_wait_and_map_previews_match_their_steps():
    s = session(RANDOM_FLOW, {"items": ["a", "b"]}, mocks_yaml="functions: {ask: [{body: {}}]}")
    ex = s.execution
    s.step_into()
    s.step_into()
    s.step_into()  # Ask waits
    s.report(ex.pending_tasks()[0].token, succeeded=True, output={"approved": True, "wait": 30,
                                                                  "items": ["a", "b"]})
    s.step_into()  # Ask finished, at Route
    p = preview(ex, s.frame)
    assert p.state == "Route" and p.next == "Pause"
    assert [c.get("value") for c in p.choice] == [False, True]
    s.step_into()
    assert ex.records[-2].next == "Pause"
    p = preview(ex, s.frame)
    assert p.state == "Pause" and p.seconds == 30 and p.until == ex.clock + 30
    s.step_into()  # the Wait's timer fires on the way: at Each
    assert ex.clock == p.until
    p = preview(ex, s.frame)
    assert p.state == "Each" and p.items == 2 and [i["item"] for i in p.item_inputs] == ["a", "b"]
    s.step_into()
    assert next(r for r in ex.records if r.state == "Each").parameters["Items"] == 2
    each = next(e for e in ex.events if e.type == "IterationEntered")
    assert each.detail["input"] == p.item_inputs[0]  # the same uuid() as the preview drew


def test_not_started_previews_the_start_state():
    s = session(RANDOM_FLOW, {"items": []})
    p = preview(s.execution, s.execution.root)
    assert p.state == "Tag" and p.input["items"] == []
    s.step_into()
    s.step_into()
    assert s.execution.records[0].input == p.input


def test_an_expression_that_would_fail_shows_its_error():
    s = session(RANDOM_FLOW, {"items": "not a list"}, mocks_yaml="functions: {ask: [{body: {}}]}")
    ex = s.execution
    for _ in range(3):
        s.step_into()
    s.report(ex.pending_tasks()[0].token, succeeded=True, output={"approved": True, "wait": -5,
                                                                  "items": "x"})
    s.step_into()
    s.step_into()  # at Pause with wait -5
    p = preview(ex, s.frame)
    assert p.state == "Pause" and p.error["Code"] == "FnF.RuntimeError" and p.stage == "Seconds"
    assert "-5" in p.error["Detail"]
    s.step_into()
    assert ex.records[-1].error["Code"] == "FnF.RuntimeError"


def test_a_running_or_blocked_frame_has_no_preview():
    s = session(RANDOM_FLOW, {"items": []}, mocks_yaml="functions: {ask: [{body: {}}]}")
    for _ in range(3):
        s.step_into()
    assert s.last_stop.reason == "waiting"
    assert preview(s.execution, s.frame) is None


@pytest.mark.parametrize("flow", sorted(f for f in glob.glob(os.path.join(SAMPLE_FLOWS, "*.yaml"))
                                        if not f.endswith((".mocks.yaml", ".tests.yaml"))), ids=os.path.basename)
def test_every_stop_of_the_sample_flows(flow):
    base = flow[:-len(".yaml")]
    d = load_definition(flow)
    mocks = load_mocks(base + ".mocks.yaml") if os.path.exists(base + ".mocks.yaml") else None
    inp = json.load(open(base + ".input.json")) if os.path.exists(base + ".input.json") else {}
    s = Session(d, inp, mocks=mocks, seed=3, start_time="2026-01-01T00:00:00Z")
    compared = 0
    for _ in range(400):
        if s.execution.finished:
            break
        if s.last_stop.reason == "waiting":
            pending = s.execution.pending_tasks()
            if not pending:
                s.skip_to_next_timer()
                continue
            s.report(pending[0].token, succeeded=True, output={"approved": True, "by": "test"})
        p = _check_then_step(s)
        compared += p is not None and p.input is not MISSING
    assert compared > 0
