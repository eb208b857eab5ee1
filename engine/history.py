"""History export in the shape of CloudFlow's GetExecutionHistory.

``{"Events": [{"EventId", "ScheduleEventId", "StepName", "Type", "Time",
"EventDetail"}, ...]}`` where ``EventDetail`` is a JSON string and ``Time``
is the virtual time added to the execution's start (ISO 8601, UTC).
flowdbg adds ``Scope`` (the branch/iteration path) to each event.

Source: GetExecutionHistory, FnF API 2019-03-15.
"""
from __future__ import annotations

import datetime
import json


def history(execution, start: datetime.datetime) -> dict:
    return {"Events": [e.to_history(start) for e in execution.events]}


def write_history(path: str, execution, start: datetime.datetime) -> None:
    """Write the history to ``path`` (the same JSON as :func:`history`, one
    event at a time, so a long run's history is never all in memory at once).
    Raises OSError if it cannot."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n  "Events": [')
        for i, e in enumerate(execution.events):
            text = json.dumps(e.to_history(start), ensure_ascii=False, indent=2).replace("\n", "\n    ")
            f.write(("\n    " if i == 0 else ",\n    ") + text)
        f.write("\n  ]\n}\n" if execution.events else "]\n}\n")
