"""Parallel: every branch gets the same input; the output is
``{"Branch0": out0, "Branch1": out1, ...}`` (decision 5)."""
from .. import children
from ..frames import BLOCK, Group


def run(ex, f, act):
    state, inp = act.state, act.input
    n = len(state.branches)
    children.run_children(ex, f, Group(f, state.name, "branch", [inp] * n, list(state.branches), 0, act.rec.index))
    return BLOCK


def resume(ex, f, act, value):
    return {f"Branch{i}": out for i, out in enumerate(children.collect(f))}
