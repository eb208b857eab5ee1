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
    """``Task · validate-order``, ``Wait · 60 s``, ``Map · $Input.items``..."""
    t = state.type
    if isinstance(state, TaskState):
        detail = function_name(state) if state.action == "FC:InvokeFunction" else state.action
        mode = f" ⧗{MODE[state.task_mode]}" if state.task_mode in MODE else ""
        return f"Task · {detail}{mode}" if detail else f"Task{mode}"
    if isinstance(state, WaitState):
        return f"Wait · {state.seconds} s" if state.seconds is not None else "Wait · " + state.seconds_expr.text
    if isinstance(state, FailState):
        return f"Fail · {state.code}" if state.code else "Fail"
    if isinstance(state, MapState):
        extra = f" · max {state.max_concurrency}" if state.max_concurrency else ""
        return f"Map · {state.items_path.text}{extra}"
    if isinstance(state, ParallelState):
        return f"Parallel · {len(state.branches)} branches"
    return t


def condition_lines(state: ChoiceState) -> list[str]:
    """``1 $Input.total > 1000 → Review`` ... ``D default → Ship``."""
    out = [f"{i} {b.condition.text} → {b.next}" for i, b in enumerate(state.branches, 1)]
    if state.default:
        out.append(f"D default → {state.default}")
    return out
