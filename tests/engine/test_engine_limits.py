"""Bounded work (issues 11.3 and 15.3): every Retry attempt is a unit that
--max-steps counts, and CloudFlow's 5,000 events per execution are checked."""
from __future__ import annotations

import json

from flowdbg.engine.execution import EVENT_LIMIT_EXCEEDED, MAX_EVENTS

from helpers.engine import execute, flow, fn_task

RETRY_FOREVER = flow(fn_task("Call", "flaky", extra="""
    Retry:
      - Errors: [FC.ResourceThrottled]
        MaxAttempts: 100000000
        IntervalSeconds: 0
"""), "Call")
THROTTLED = "functions:\n  flaky:\n    - error: FC.ResourceThrottled\n"


def test_a_retry_that_never_gives_up_is_bounded_by_max_steps(tmp_path, cli):
    ex = execute(RETRY_FOREVER, mocks_yaml=THROTTLED, run=False)
    ex.run(max_steps=500)
    assert ex.status == "Running" and ex.steps == 500
    assert len(ex.records[0].attempts) == 499, "one attempt per unit after the first"
    p = tmp_path / "f.yaml"
    p.write_text(RETRY_FOREVER)
    (tmp_path / "f.mocks.yaml").write_text(THROTTLED)
    code, out, err = cli("run", str(p), "--max-steps", "2000", "--max-events", "0")
    assert code == 3, err
    assert "stopped after 2000 steps (--max-steps); the execution is still running" in err


MAP = """
Type: StateMachine
Name: m
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 10
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    End: true
"""


def test_the_5000_events_limit_fails_the_execution_as_cloudflow_does():
    ex = execute(MAP, {"items": list(range(2000))})
    assert ex.status == "Failed" and ex.error.code == EVENT_LIMIT_EXCEEDED
    assert len(ex.events) == MAX_EVENTS == 5000
    assert ex.events[-1].type == "ExecutionFailed"
    assert "limit of 5,000 events per execution" in ex.error.detail


def test_the_events_limit_can_be_raised_and_express_flows_have_none(cli, tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text(MAP.lstrip())
    (tmp_path / "m.input.json").write_text(json.dumps({"items": list(range(2000))}))
    code, out, err = cli("run", str(p), "--input-file", str(tmp_path / "m.input.json"), "--max-events", "0", "--json")
    assert code == 0, err
    assert json.loads(out)["event_count"] == 8004
    code, out, err = cli("run", str(p), "--input-file", str(tmp_path / "m.input.json"), "--max-events", "9000")
    assert code == 0 and "8004 events" in out
    code, out, err = cli("run", str(p), "--input-file", str(tmp_path / "m.input.json"))
    assert code == 1 and "FnF.EventLimitExceeded" in out
    from flowdbg.engine.execution import Execution, Options
    from helpers.engine import definition
    ex = Execution(definition(MAP).flow, {"items": list(range(2000))}, options=Options(express=True))
    ex.run()
    assert ex.status == "Succeeded"


BIG = """
Type: StateMachine
Name: big
SpecVersion: v1
StartAt: Grow
States:
  - Name: Grow
    Type: Pass
    InputConstructor:
      s.$: format("{}{}{}{}", $Input.x, $Input.x, $Input.x, $Input.x)
    End: true
"""


def test_a_raised_data_limit_holds_for_what_expressions_build_too():
    x = "a" * 30_000  # four copies: 120 KB, past the default 64 KiB limit, under 200 KB
    ex = execute(BIG, {"x": x})
    assert ex.status == "Failed" and ex.error.code == "FnF.DataLimitExceeded"
    ex = execute(BIG, {"x": x}, data_limit=200_000)
    assert ex.status == "Succeeded" and len(ex.output["s"]) == 120_000


def test_a_step_leaves_no_garbage_cycle_behind():
    """`flowdbg run` turns the cyclic GC off: that holds only while a unit of
    work makes no reference cycles, retries and failures included."""
    import gc

    from flowdbg.engine.door import Door
    from flowdbg.engine.execution import Execution, Options
    from helpers.engine import definition, mocks
    def ours(o) -> bool:  # other tests' threads may make garbage of their own meanwhile
        if type(o).__name__ == "frame":
            return "/engine/" in o.f_code.co_filename
        return type(o).__module__.startswith("flowdbg.engine") or isinstance(o, BaseException)

    flows = [(RETRY_FOREVER, THROTTLED, {}), (MAP, "", {"items": list(range(50))})]
    for text, mock_text, inp in flows:
        ex = Execution(definition(text).flow, inp, Door(mocks(mock_text)), Options(max_events=0))
        ex.run(max_steps=20)
        gc.collect()
        was = gc.isenabled()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            ex.run(max_steps=2000)
            gc.collect()
            left = [o for o in gc.garbage if ours(o)]
            assert not left, f"a unit of work left garbage only the cyclic GC can free: {left[:5]}"
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            if was:
                gc.enable()
