"""choice: the first option whose condition is true runs its ``steps`` (as a branch of its own,
``pick.Choice0``; ``pick.Default`` for the default), then its ``goto``; with none true the
``default``; with no default the choice ends. Its ``$local`` is the option's."""
from ...errors import RUNTIME_ERROR, FlowError
from ...legacy import dataflow as D
from .. import children
from .dataflow import data_limit
from ..frames import BLOCK, Group


def run(ex, f, act):
    step, rec, inp = act.state, act.rec, act.input
    for i, o in enumerate(step.choices):
        try:
            value, notes = D.condition_value(o, inp, data_limit(ex))
        except FlowError as e:
            rec.add_choice({"index": i, "condition": o.condition.text, "error": e.detail})
            raise FlowError(RUNTIME_ERROR, f"step {step.name!r}, choices[{i}].{e.detail}") from None
        rec.add_note(*notes)
        rec.add_choice({"index": i, "condition": o.condition.text, "value": value})
        if value:
            return _take(ex, f, act, o, f"Choice{i}", i)
    if step.default is not None:
        rec.add_choice({"index": None, "condition": "default", "value": True})
        return _take(ex, f, act, step.default, "Default", "default")
    rec.add_note("no condition is true and there is no default: the choice ends and the next step runs")
    act.exit_detail = {"branch": None, "next": None}
    return {}


def _take(ex, f, act, option, label: str, branch):
    step = act.state
    act.next = option.goto
    act.exit_detail = {"branch": branch, "next": option.goto}
    if option.steps is None:
        return {}
    children.run_children(ex, f, Group(f, step.name, "branch", [act.input], [option.steps], 0, act.rec.index,
                                       names=[f"{step.name}.{label}"]))
    return BLOCK


def resume(ex, f, act, value):
    return children.collect(f)[0]
