"""The flow as an outline: one line per state, nested scopes indented.

The overview of a flow too big to read as a diagram (``z`` in the graph
pane): every state on one row with the same markers as a box (current,
breakpoint, outcome, visits or Map progress), then its type line.
"""
from __future__ import annotations

from rich.cells import cell_len

from ..state_text import subtitle
from .graph_canvas import Box, Canvas, Tags, picture
from flowdbg.engine.model import MapState, ParallelState

INDENT = 3
COUNT_W = 13


def outline_flow(flow):
    if getattr(flow, "format", "v1") == "legacy":  # through its FDL v1 shaped view, as the diagram
        from .legacy_view import view
        flow = view(flow)
    tags = Tags()
    rows: list[tuple] = []  # (indent, kind, key, text, state)

    def scope(sc, prefix: str, depth: int) -> None:
        for st in sc.states.values():
            key = prefix + st.name
            label = getattr(st, "label", "")  # a legacy view state: its step name; a choice option's
            at = depth + st.name.count("/") if label else depth  # steps (pick.Choice0/x) one level in
            rows.append((at, "container" if isinstance(st, (ParallelState, MapState)) else "state", key,
                         label or st.name, st))
            if isinstance(st, ParallelState):
                for i, b in enumerate(st.branches):
                    rows.append((at + 1, "branch", key, f"Branch{i}", None))
                    scope(b, f"{key}.Branch{i}/", at + 2)
            elif isinstance(st, MapState) and st.processor is not None:
                rows.append((at + 1, "branch", key, "each item", None))
                scope(st.processor, f"{key}/", at + 2)

    scope(flow.scope, "", 0)
    name_w = max((d * INDENT + cell_len(text) for d, kind, _, text, _ in rows if kind != "branch"), default=0)
    sub_w = max((cell_len(subtitle(st)) for *_, st in rows if st is not None), default=0)
    width = 1 + 4 + name_w + 2 + sub_w + COUNT_W
    c = Canvas(width, len(rows) + 2)
    c.put(1, 0, "( start )", tags("pill", "start"))
    for i, (depth, kind, key, text, st) in enumerate(rows, 1):
        x = 1 + depth * INDENT
        if kind == "branch":
            c.put(x + 1, i, "┆ " + text, tags("frame", key))
            continue
        c.put(x + 4, i, text, tags("title", key))
        c.put(1 + 4 + name_w + 2, i, subtitle(st), tags("type", key))
        c.boxes[key] = Box(key, text, kind, x, i, width - x, 1, st.line, st.end_line, st.type, i, (text,))
    return picture(c, tags, -1)
