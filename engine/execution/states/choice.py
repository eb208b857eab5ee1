"""Choice: the first Branch whose Condition is true names the next state,
else Default. The output is the input."""
from ...errors import FlowError
from ...expressions import ExpressionError, flow_error_code
from ..values import state_env


def run(ex, f, act):
    state, rec, inp = act.state, act.rec, act.input
    env = state_env(rec, inp, ex.random, roots=frozenset().union(*(b.condition.roots for b in state.branches)),
                    limit=ex.options.data_limit)
    for i, b in enumerate(state.branches):
        try:
            value = b.condition.evaluate_condition(env)
        except ExpressionError as e:
            rec.add_choice({"index": i, "condition": b.condition.text, "error": str(e)})
            raise FlowError(flow_error_code(e), f"state {state.name!r}, Branches[{i}].Condition: {e}") from None
        rec.add_choice({"index": i, "condition": b.condition.text, "value": value})
        if value:
            act.next, act.exit_detail = b.next, {"branch": i, "next": b.next}
            return inp
    rec.add_choice({"index": None, "condition": "Default", "value": True})
    act.next, act.exit_detail = state.default, {"branch": "Default", "next": state.default}
    return inp


def resume(ex, f, act, value):
    raise AssertionError("Choice does not wait")
