"""Step over at the end of a Map iteration or a Parallel branch (issue 10):
it stops at the next state of the same Map/Parallel, or at its exit, never
further; a stop at a sibling that already waits at its next state runs
nothing of it."""
from __future__ import annotations

from helpers.session import dedent, defn_text
from flowdbg.engine.mocks import MockFile
from flowdbg.engine.session import Session

FLOW = """\
Type: StateMachine
Name: Groups
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 2
    Processor:
      StartAt: First
      States:
        - Name: First
          Type: Pass
          Next: Last
        - Name: Last
          Type: Pass
          End: true
    Next: Both
  - Name: Both
    Type: Parallel
    Branches:
      - StartAt: Left
        States:
          - Name: Left
            Type: Pass
            End: true
      - StartAt: Right
        States:
          - Name: Right
            Type: Pass
            End: true
    Next: After
  - Name: After
    Type: Succeed
"""


def session(n: int) -> Session:
    return Session(defn_text(FLOW), {"items": list(range(n))}, mocks=MockFile(), seed=0,
                   start_time="2026-01-01T00:00:00Z")


def _until(s, frame, state):
    for _ in range(50):
        st = s.step_into()
        if (st.frame, st.state) == (frame, state):
            return st
    raise AssertionError(f"never stopped at {state} in {frame}")


def test_last_state_of_an_iteration_goes_to_the_next_iteration_then_the_exit():
    s = session(3)
    _until(s, "Each[0]", "Last")
    seen = []
    for _ in range(10):
        n = len(s.execution.records)
        st = s.step_over()
        ran = [r for r in s.execution.records[n - 1:] if r.exited_at is not None]
        seen.append((st.frame, st.state, len(ran)))
        if st.frame == "":
            break
    assert seen[0][:2] == ("Each[1]", "First")
    assert seen[0][2] == 1  # only Each[0]'s Last ran: Each[1] already waited at First
    assert [x[:2] for x in seen] == [("Each[1]", "First"), ("Each[1]", "Last"), ("Each[2]", "First"),
                                     ("Each[2]", "Last"), ("", "Both")]
    assert all(x[2] <= 2 for x in seen)  # never more than the state and the scope's exit


def test_last_state_of_a_branch_goes_to_the_sibling_branch():
    s = session(1)
    _until(s, "Both.Branch0", "Left")
    st = s.step_over()
    assert (st.frame, st.state) == ("Both.Branch1", "Right")
    st = s.step_over()
    assert (st.frame, st.state) == ("", "After")


def test_a_thousand_item_map_steps_the_same_way():
    s = session(1000)
    _until(s, "Each[0]", "Last")
    st = s.step_over()
    assert (st.frame, st.state) == ("Each[1]", "First")
