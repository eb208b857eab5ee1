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
    """Write the history to ``path``: the same JSON as :func:`history`, one
    event to a line, so a long run's history is never all in memory at once
    and two histories diff event by event. The file appears whole or not at
    all (a Ctrl-C while writing leaves no cut-off file). Raises OSError if it
    cannot be written."""
    from .atomic import atomic_write
    encode = json.JSONEncoder(ensure_ascii=False).encode  # no indent: the C encoder, ~5x faster
    dumps = json.dumps
    times: dict[float, str] = {}  # virtual time moves in steps: most events share their time
    with atomic_write(path) as f:
        f.write('{"Events": [')
        sep = "\n  "
        for e in execution.events:
            t = times.get(e.time)
            if t is None:
                if len(times) > 4096:
                    times.clear()
                t = times[e.time] = e.to_history(start)["Time"]
            f.write(sep + encode({"EventId": e.id, "ScheduleEventId": e.schedule_id, "StepName": e.state,
                                  "Type": e.type, "Time": t,
                                  "EventDetail": dumps(e.detail, ensure_ascii=False) if e.detail is not None
                                  else "{}", "Scope": e.scope}))
            sep = ",\n  "
        f.write("\n]}\n" if execution.events else "]}\n")
