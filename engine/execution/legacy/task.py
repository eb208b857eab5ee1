"""task: calls what its resource names with the step's input (``serviceParams`` for MNS, child
flows and ``action`` integrations), in its ``pattern``; the result is the step's ``$local``.
Scheduling, the TaskMode, timeouts and callbacks are the FDL v1 Task's (``../states/task.py``);
a retry of a ``waitForCallback`` task gets a new token, and its input is mapped again with it."""
from ...legacy import dataflow as D
from ...legacy.resources import FC
from ..states import task as v1_task
from . import task_invoke
from .dataflow import map_input


def run(ex, f, act):
    step, rec = act.state, act.rec
    if step.pattern == "waitForCallback" and rec.attempts:
        rec.token = ex.task_token(rec, len(ex.events) + 1)
        rec.input = act.input = map_input(ex, f, act)
    notes: list[str] = []
    params = D.params(step.service_params, act.input, notes) if step.service_params is not None else None
    rec.add_note(*notes)
    res = step.resource
    request = act.input if res.kind == FC or params is None else params
    detail = {"resource": res.label, "pattern": step.pattern, "taskMode": step.task_mode, "request": request,
              "token": rec.token}
    return v1_task.submit(ex, f, act, request, detail, lambda: task_invoke.invoke(ex, f, act, params))


resume = v1_task.resume
