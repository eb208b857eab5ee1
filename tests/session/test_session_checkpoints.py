"""Step back from checkpoints (issue 12.3): going back restores the nearest
checkpoint and replays the few units after it, and lands on exactly the
state the run was in."""
from __future__ import annotations

from helpers.session import flow_session, snapshot

LOOP = """
Type: StateMachine
Name: loop
SpecVersion: v1
StartAt: Count
States:
  - Name: Count
    Type: Pass
    InputConstructor:
      n.$: intAdd($Input.n, 1)
      items.$: $Input.items
    Next: Fan
  - Name: Fan
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 2
    Processor:
      StartAt: Call
      States:
        - Name: Call
          Type: Task
          Action: FC:InvokeFunction
          Parameters:
            resourceArn: acs:fc:cn-hangzhou:1:functions/work/LATEST
            invocationType: Sync
            body.$: $Input
          Retry:
            - Errors: [FC.ResourceThrottled]
              MaxAttempts: 1
              IntervalSeconds: 2
          End: true
    OutputConstructor:
      n.$: $Input.n
      items.$: $Input.items
    Next: Again?
  - Name: Again?
    Type: Choice
    Branches:
      - Condition: $Input.n < 250
        Next: Count
    Default: Done
  - Name: Done
    Type: Succeed
"""

MOCKS = """
functions:
  work:
    - error: FC.ResourceThrottled
    - body: {ok: true}
      times: 3
"""


def _session():
    return flow_session(LOOP, {"n": 0, "items": [1, 2, 3]}, mocks=MOCKS, max_events=0)


def test_step_back_from_checkpoints_lands_on_the_same_state():
    s = _session()
    trail = {}
    while True:
        st = s.step_over()
        if len(s.stops) % 97 in (1, 2) or st.reason != "step":  # a sample of stops, both sides of checkpoints
            trail[st.step] = snapshot(s)
        if st.reason != "step":
            break
    assert s.execution.status == "Succeeded" and s.execution.steps > 2000
    assert len(s.timeline.points) >= 4, "a long run keeps checkpoints"
    final = s.execution.steps
    for step in sorted(trail, reverse=True):
        s.goto(step)
        assert snapshot(s) == trail[step], f"state at step {step} differs after going back"
    # and forward again from a restored point gives the same end
    s.goto(sorted(trail)[len(trail) // 3])
    s.cont()
    assert snapshot(s) == trail[final]


def test_a_new_callback_after_going_back_drops_the_checkpoints_ahead():
    s = _session()
    s.cont()
    far = s.execution.steps
    s.goto(far // 2)
    ahead = [p.step for p in s.timeline.points if p.step > far // 2]
    assert ahead, "checkpoints ahead of the stop are kept while the run is unchanged"
    s.forget_future()  # a change at this point: the recorded run ahead no longer holds
    assert all(p.step <= far // 2 for p in s.timeline.points)


def test_restart_and_step_back_need_no_replay_from_zero():
    s = _session()
    s.cont()
    point = s.timeline.nearest(s.execution.steps - 1)
    assert point is not None and point.step > 0
    before = snapshot(s)
    s.step_back()
    s.cont()
    assert snapshot(s) == before
