"""How a state is named in words: its type line and its Choice conditions.

Shared by the graph (a box's top border, the outline) and the state header
above the data panes; no Textual here.
"""
from __future__ import annotations

from flowdbg.engine.model import ChoiceState, FailState, MapState, ParallelState, TaskState, WaitState


def function_name(state: TaskState) -> str:
    """The function a FC task calls (from a constant resourceArn), or ""."""
    from flowdbg.engine.backends.fc import parse_function_arn
    try:
        items = state.parameters.root.items if state.parameters is not None else ()
        for k, v in items:
            if k == "resourceArn" and isinstance(v, str):
                try:
                    return parse_function_arn(v).function
                except ValueError:
                    return v.rsplit("/", 1)[-1]
    except AttributeError:
        pass
    return ""


MODE = {"WaitForCustomCallback": "callback", "WaitForSystemCallback": "system callback"}


def subtitle(state) -> str:
    """``Task · validate-order``, ``Wait · 60 s``, ``Map · $Input.items``... (a legacy
    step's view state has its own type: ``task · bookFlight``, ``foreach · $.items``)."""
    t = state.type
    if isinstance(state, TaskState):
        detail = function_name(state) if state.action == "FC:InvokeFunction" else state.action
        mode = f" ✉{MODE[state.task_mode]}" if state.task_mode in MODE else ""
        return f"{t} · {detail}{mode}" if detail else f"{t}{mode}"
    if isinstance(state, WaitState):
        return f"{t} · {state.seconds} s" if state.seconds is not None else f"{t} · " + state.seconds_expr.text
    if isinstance(state, FailState):
        return f"{t} · {state.code}" if state.code else t
    if isinstance(state, MapState):
        extra = f" · max {state.max_concurrency}" if state.max_concurrency else ""
        return f"{t} · {state.items_path.text}{extra}"
    if isinstance(state, ParallelState):
        return f"{t} · {len(state.branches)} branches"
    return t


def condition_lines(state: ChoiceState) -> list[str]:
    """``1 $Input.total > 1000 → Review`` ... ``D default → Ship``."""
    # a legacy view state (it has a label) names a choice option's inline step by its key
    # (CheckStatus.Choice0/OnSuccess): the step's own name is what the reader knows
    name = (lambda k: k.rsplit("/", 1)[-1] if k else "end") if hasattr(state, "label") else (lambda k: k or "end")
    out = [f"{i} {b.condition.text} → {name(b.next)}" for i, b in enumerate(state.branches, 1)]
    if state.default:
        out.append(f"D default → {name(state.default)}")
    return out
