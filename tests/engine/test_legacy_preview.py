"""The Step pane's preview of a legacy step (engine/execution/legacy/preview.py): at every stop
of the legacy sample flows and the 35 published legacy flows, what the preview says the step
will do is what stepping then does (input after inputMappings, a task's request and token, a
choice's conditions, a wait's seconds, a foreach's items, a pass's output), and the preview
changes nothing."""
from __future__ import annotations

import glob
import json
import os

import pytest

from flowdbg.engine.definition import load_definition
from flowdbg.engine.execution import MISSING
from flowdbg.engine.mocks import load_mocks, parse_mocks
from flowdbg.engine.preview import preview
from flowdbg.engine.session import Session

from helpers import FIXTURES, REALFLOWS, SAMPLE_FLOWS, read, read_json
from helpers.engine import legacy

START = "2024-01-01T00:00:00Z"


def _state_of(ex):
    return (len(ex.events), len(ex.records), ex.random.getstate(), ex.steps, ex.clock)


def _check_then_step(s: Session):
    ex = s.execution
    frame = s.frame if ex.events else ex.root
    before = _state_of(ex)
    local = dict(frame.local) if isinstance(getattr(frame, "local", None), dict) else None
    p = preview(ex, frame)
    assert _state_of(ex) == before, "preview changed the execution"
    if local is not None:
        assert frame.local == local, "preview changed the list's data"
    s.step_into()
    if p is None:
        return None
    if before[0] == 0:
        s.step_into()  # the first unit only entered the start step
    rec = next((r for r in ex.records if r.state == p.state and r.frame == p.frame and r.index >= before[1] - 1),
               None)
    if rec is None:
        return p
    if p.error is not None:
        assert rec.error is not None and rec.error["Code"] == p.error["Code"], (p.error, rec.error)
        return p
    assert p.input == rec.input, p.state
    if rec.type == "task":
        assert p.parameters == rec.parameters, p.state
        assert p.token == rec.token
    elif rec.type == "choice":
        assert [(c["index"], c.get("value")) for c in p.choice] == \
            [(c["index"], c.get("value")) for c in rec.choice], p.state
    elif rec.type == "wait":
        assert p.seconds == rec.parameters["seconds"]
    elif rec.type == "foreach":
        assert p.items == rec.parameters["Items"]
    elif rec.type in ("pass", "succeed") and rec.output is not MISSING:
        assert p.output == rec.output and p.next == rec.next, p.state
    return p


def _walk(s: Session) -> int:
    compared = 0
    for _ in range(600):
        if s.execution.finished:
            break
        if s.last_stop.reason == "waiting":
            pending = s.execution.pending_tasks()
            if not pending:
                s.skip_to_next_timer()
                continue
            s.report(pending[0].token, succeeded=True, output={"status": "succeeded", "approved": True})
        p = _check_then_step(s)
        compared += p is not None and p.input is not MISSING
    assert s.execution.finished
    return compared


SAMPLES = sorted(f for f in glob.glob(os.path.join(SAMPLE_FLOWS, "legacy", "*.yaml"))
                 if not f.endswith((".mocks.yaml", ".tests.yaml")))


@pytest.mark.parametrize("flow", SAMPLES, ids=os.path.basename)
def test_every_stop_of_the_legacy_sample_flows(flow):
    base = flow[: -len(".yaml")]
    mocks = load_mocks(base + ".mocks.yaml") if os.path.exists(base + ".mocks.yaml") else None
    s = Session(load_definition(flow), read_json(base + ".input.json"), mocks=mocks, seed=3, start_time=START)
    assert _walk(s) > 0


HERE = os.path.join(FIXTURES, "legacy", "realflows")
NAMES = sorted(f[: -len(".mocks.yaml")] for f in os.listdir(HERE) if f.endswith(".mocks.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_every_stop_of_the_published_legacy_flows(name):
    if not os.path.isdir(REALFLOWS):
        pytest.skip("shared/realflows not present")
    d = load_definition(os.path.join(REALFLOWS, name + ".yaml"))
    mocks = parse_mocks(read(os.path.join(HERE, name + ".mocks.yaml")), os.path.join(REALFLOWS, name + ".mocks.yaml"))
    s = Session(d, read_json(os.path.join(HERE, name + ".input.json")), mocks=mocks, seed=3, start_time=START)
    assert _walk(s) > 0


def _session(text: str, inp, mocks_yaml: str = ""):
    from flowdbg.engine.definition import parse_definition
    return Session(parse_definition(text, "p.yaml"), inp, mocks=parse_mocks(mocks_yaml) if mocks_yaml else None,
                   seed=1, start_time=START)


def test_not_started_previews_the_first_step_after_the_flows_input_mappings():
    s = _session(legacy("""
        - type: pass
          name: a
          inputMappings:
            - {target: x, source: $input.n}
    """, top="inputMappings:\n  - {target: n, source: $input.v}\n"), {"v": 7})
    p = preview(s.execution, s.execution.root)
    assert (p.state, p.input, p.output, p.next) == ("a", {"x": 7}, {}, None)


def test_a_choice_option_with_steps_names_its_first_step_and_a_callback_task_its_token():
    s = _session(legacy("""
        - type: choice
          name: pick
          choices:
            - condition: $.n > 1
              steps:
                - type: pass
                  name: big
          default:
            goto: ask
        - type: task
          name: ask
          resourceArn: acs:fc:cn-hangzhou:1:services/s/functions/ask
          pattern: waitForCallback
          inputMappings:
            - {target: token, source: $context.task.token}
    """), {"n": 2}, "functions:\n  ask: [{body: ''}]\n")
    p = preview(s.execution, s.execution.root)
    assert p.next == "big (in pick.Choice0)" and p.choice == [
        {"index": 0, "condition": "$.n > 1", "next": "big (in pick.Choice0)", "value": True}]
    for _ in range(4):
        s.step_into()
        if s.frame is not None and s.frame.state == "ask":
            break
    p = preview(s.execution, s.frame)
    assert p.function == "s/ask" and p.token and p.input == {"token": p.token}
    s.step_into()
    rec = s.execution.records[-1]
    assert (rec.token, rec.input) == (p.token, {"token": p.token})


def test_a_foreach_on_something_not_an_array_previews_its_error():
    s = _session(legacy("""
        - type: foreach
          name: each
          iterationMapping: {collection: $.items, item: it}
          steps:
            - type: pass
              name: one
    """), {"items": 3})
    p = preview(s.execution, s.execution.root)
    assert p.error["Code"] == "FnF.RuntimeError" and "not an array" in p.error["Detail"]
    assert p.stage == "iterationMapping"
