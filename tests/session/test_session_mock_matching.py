"""Step back and restart keep `when:` matching exact: the door's use counts
are part of a checkpoint, so going forward again answers as the first time."""
from __future__ import annotations

import pytest

from helpers.engine import session
from flowdbg.engine.runner import summarize

FLOW = """
Type: StateMachine
Name: t
SpecVersion: v1
StartAt: M
States:
  - Name: M
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 3
    Processor:
      StartAt: T
      States:
        - Name: T
          Type: Task
          Action: FC:InvokeFunction
          Parameters:
            resourceArn: acs:fc:cn-hangzhou:123:functions/transcode/LATEST
            invocationType: Sync
            body.$: $Input
          Retry:
            - Errors: [FC.ResourceThrottled]
              IntervalSeconds: 1
              MaxAttempts: 2
          OutputConstructor:
            out.$: $Output.Body.out
          Next: Log
        - Name: Log
          Type: Pass
          End: true
    End: true
"""
MOCKS = """
functions:
  transcode:
    - when: {body: {file: b.mp4}, attempt: 0}
      error: FC.ResourceThrottled
    - when: {body: {file: b.mp4}}
      body: {out: b}
    - when: {scope: "M[2]"}
      body: {out: c}
    - body: {out: a}
"""
ITEMS = {"items": [{"file": "a.mp4"}, {"file": "b.mp4"}, {"file": "c.mp4"}]}


@pytest.mark.parametrize("back", [1, 2, 3, 5])
def test_step_back_then_continue_answers_the_same(back):
    s = session(FLOW, ITEMS, MOCKS)
    stops = 0
    while not s.execution.finished:
        s.step_into()
        stops += 1
    first = summarize(s.execution)
    assert [x["out"] for x in first["output"]["Items"]] == ["a", "b", "c"]
    s.step_back(min(back, stops - 1))
    s.cont()
    again = summarize(s.execution)
    assert again["output"] == first["output"]
    assert again["calls"] == first["calls"]
    assert [e["type"] for e in again["events"]] == [e["type"] for e in first["events"]]


def test_restart_answers_the_same():
    s = session(FLOW, ITEMS, MOCKS)
    s.cont()
    first = summarize(s.execution)
    s.restart()
    s.cont()
    assert summarize(s.execution)["calls"] == first["calls"]
