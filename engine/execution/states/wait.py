"""Wait: ``Seconds`` (or ``Seconds.$``) on the virtual clock; output = input."""
import json

from ...errors import RUNTIME_ERROR, FlowError
from ...expressions import ExpressionError, flow_error_code
from ...schema import WAIT_LIMIT, WAIT_SECONDS
from ..frames import BLOCK
from ..values import state_env


def run(ex, f, act):
    state, rec, inp = act.state, act.rec, act.input
    seconds = state.seconds
    if state.seconds_expr is not None:
        try:
            seconds = state.seconds_expr.evaluate(state_env(rec, inp, ex.random, roots=state.seconds_expr.roots,
                                                                  limit=ex.options.data_limit))
        except ExpressionError as e:
            raise FlowError(flow_error_code(e), f"state {state.name!r}, Seconds.$: {e}") from None
        kind = "Express" if ex.options.express else "Standard"
        lo, hi = WAIT_SECONDS[kind]
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not lo <= seconds <= hi:
            raise FlowError(RUNTIME_ERROR, f"state {state.name!r}, Seconds.$: {state.seconds_expr.text} gave "
                                           f"{json.dumps(seconds)}; it must be an integer from {lo} to {hi} "
                                           f"({WAIT_LIMIT[kind]})")
    rec.parameters = {"Seconds": seconds}
    rec.status = "waiting"
    ex.block(f, "timer", ex.clock + seconds)
    return BLOCK


def resume(ex, f, act, value):
    act.rec.status = "running"
    return act.input

