"""foreach: one run of its steps per element of ``collection``, the element (and its index)
merged into the iteration's input, at most 100 at once; ``$local`` is the array of the
iterations' ``$local``s in item order."""
from ...legacy import dataflow as D
from ...legacy.schema import MAX_FOREACH_CONCURRENCY
from .. import children
from ..frames import BLOCK, Group


def run(ex, f, act):
    step, rec, inp = act.state, act.rec, act.input
    items, notes = D.collection(step, inp)
    rec.add_note(*notes)
    inputs = [D.iteration_input(step, inp, item, i) for i, item in enumerate(items)]
    rec.parameters = {"Items": len(inputs)}  # as a Map's, which the run overlays count
    if not inputs:
        return []
    children.run_children(ex, f, Group(f, step.name, "iteration", inputs, [step.steps] * len(inputs),
                                       MAX_FOREACH_CONCURRENCY, rec.index))
    return BLOCK


def resume(ex, f, act, value):
    return children.collect(f)
