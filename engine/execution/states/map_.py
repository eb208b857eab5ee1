"""Map: one Processor run per item of ItemsPath (shaped by ItemConstructor,
with ``$Item``), at most MaxConcurrency at once; the output is
``{"Items": [...]}`` in item order (decision 5)."""
from ...errors import RUNTIME_ERROR, FlowError
from ...expressions import Env, ExpressionError, flow_error_code, type_name
from .. import children
from ..frames import BLOCK, Group
from ..values import NO_OUTPUT, state_env


def run(ex, f, act):
    state, rec, inp = act.state, act.rec, act.input
    try:
        items = state.items_path.evaluate(state_env(rec, inp, ex.random, roots=state.items_path.roots,
                                                       limit=ex.options.data_limit))
    except ExpressionError as e:
        raise FlowError(flow_error_code(e), f"state {state.name!r}, ItemsPath: {e}") from None
    if not isinstance(items, list):
        raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, ItemsPath: {state.items_path.text} is "
                                       f"{type_name(items)}, not an array")
    if state.item_constructor is not None:
        ctx = rec.context()
        tpl = state.item_constructor
        inputs = [tpl.evaluate(Env({"$Input": inp, "$Context": ctx, "$Item": item}, ex.random, NO_OUTPUT,
                                   ex.options.data_limit), state.name)
                  for item in items]
    else:
        inputs = items
    rec.parameters = {"Items": len(inputs), "MaxConcurrency": state.max_concurrency or None}
    if state.distributed:
        rec.add_note("distributed mode runs inline in flowdbg")
    if not inputs:
        return {"Items": []}
    children.run_children(ex, f, Group(f, state.name, "iteration", inputs, [state.processor] * len(inputs),
                                       state.max_concurrency, rec.index))
    return BLOCK


def resume(ex, f, act, value):
    return {"Items": children.collect(f)}
