"""`flowdbg run --json` writes its events as a stream (issue 12.4): one JSON
object that parses to exactly what the summary holds, without building the
whole text in memory."""
from __future__ import annotations

import io
import json

from flowdbg.engine.runner import summarize, write_json

from helpers.session import order_session


def test_streamed_json_is_the_summary():
    s = order_session()
    s.run_to_end()
    full = summarize(s.execution)
    buf = io.StringIO()
    write_json(summarize(s.execution, events=False), s.execution, buf)
    assert json.loads(buf.getvalue()) == full
    assert full["event_count"] == len(full["events"]) == 54


def test_streamed_json_with_no_events_is_valid():
    from flowdbg.engine.execution import Execution
    from helpers.engine import definition
    ex = Execution(definition("Type: StateMachine\nName: x\nSpecVersion: v1\nStartAt: A\nStates:\n"
                              "  - Name: A\n    Type: Pass\n    End: true\n").flow, {})
    buf = io.StringIO()
    write_json(summarize(ex, events=False), ex, buf)
    assert json.loads(buf.getvalue())["events"] == []
