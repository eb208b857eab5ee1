"""parallel: every branch gets the step's input; ``$local`` is the array of their ``$local``s."""
from .. import children
from ..frames import BLOCK, Group


def run(ex, f, act):
    step = act.state
    n = len(step.branches)
    children.run_children(ex, f, Group(f, step.name, "branch", [act.input] * n, list(step.branches), 0, act.rec.index))
    return BLOCK


def resume(ex, f, act, value):
    return children.collect(f)
