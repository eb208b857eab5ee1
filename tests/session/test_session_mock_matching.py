"""Step back and restart keep `when:` matching exact: the door's use counts
are part of a checkpoint, so going forward again answers as the first time."""
from __future__ import annotations

import os

import pytest

from helpers.engine import ENGINE_FIXTURES, read, read_json, session
from flowdbg.engine.runner import summarize

FLOW = read(os.path.join(ENGINE_FIXTURES, "map-retry.yaml"))
MOCKS = read(os.path.join(ENGINE_FIXTURES, "map-retry.mocks.yaml"))
ITEMS = read_json(os.path.join(ENGINE_FIXTURES, "map-retry.input.json"))


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
