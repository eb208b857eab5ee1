"""The Record view says which mock entry (file:line) answered each call and
shows a local handler's log tail (issue 15)."""
from __future__ import annotations

import os

from helpers.engine import SAMPLE_FLOWS, definition, read
from helpers.tui import plain
from flowdbg.engine.backends.local import LocalBackend
from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.session import Session
from flowdbg.tui.widgets.record_view import record_renderable

FLOW = os.path.join(SAMPLE_FLOWS, "seed-task-skeleton.yaml")


def test_a_mock_answer_names_its_entry():
    mocks = load_mocks(os.path.join(SAMPLE_FLOWS, "seed-task-skeleton.mocks.yaml"))
    s = Session(definition(read(FLOW)), {}, mocks=mocks, start_time="2024-01-01T00:00:00Z")
    s.run_to_end()
    text = plain(record_renderable(s.execution.records[0]))
    entry = mocks.functions["myFunction1"][0].line
    assert f"answered by mock ({mocks.path}:{entry})" in text


def test_a_local_handlers_output_and_traceback_are_shown_as_its_log(tmp_path):
    (tmp_path / "h.py").write_text("def handler(event, context):\n    print('looking at', event)\n"
                                   "    raise KeyError('sku')\n")
    backend = LocalBackend({"myFunction1": "h.py:handler"}, base_dir=tmp_path)
    s = Session(definition(read(FLOW)), {}, backends=[backend], start_time="2024-01-01T00:00:00Z")
    s.run_to_end()
    lines = [ln.strip() for ln in plain(record_renderable(s.execution.records[0])).splitlines()]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("log"))
    assert lines[at].split(None, 1) == ["log", lines[at].split(None, 1)[1]]
    assert lines[at].split(None, 1)[1].startswith("FC Invoke Start RequestId: ")
    assert lines[at + 1:at + 6] == ["looking at b'{\"greeting\":\"hello\"}'", "Traceback (most recent call last):",
                                    f'File "{tmp_path / "h.py"}", line 3, in handler', "raise KeyError('sku')",
                                    "KeyError: 'sku'"]
    assert "answered by local" in " ".join(lines)
