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


def _clip(text: str, width: int) -> str:
    """``text`` in ``width`` cells, ending in … when it is cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def outline_flow(flow, max_width: int = 0):
    """``max_width`` (cells, 0: as wide as it needs): the type column is cut
    first, then dropped, then the names are cut with an ellipsis, so the
    outline fits a narrow pane instead of scrolling sideways."""
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
    indent = INDENT
    name_w = max((d * indent + cell_len(text) for d, kind, _, text, _ in rows if kind != "branch"), default=0)
    sub_w = max((cell_len(subtitle(st)) for *_, st in rows if st is not None), default=0)
    width = 1 + 4 + name_w + 2 + sub_w + COUNT_W
    count_w = COUNT_W
    if max_width and width > max_width:
        count_w = 9  # "×999+", "10/12 ✗2": the counts need no more
        indent = 2  # nested names keep more of their text
        name_w = max((d * indent + cell_len(text) for d, kind, _, text, _ in rows if kind != "branch"), default=0)
        sub_w = max(0, max_width - (1 + 4 + name_w + 2 + count_w))
        if sub_w < 16:  # a type column of a few cells ("Task · va…") says nothing: the names get its room
            sub_w = 0
        name_w = min(name_w, max(8, max_width - (1 + 4 + count_w) - (2 + sub_w if sub_w else 0)))
        width = 1 + 4 + name_w + (2 + sub_w if sub_w else 0) + count_w
    c = Canvas(width, len(rows) + 2)
    c.put(1, 0, "( start )", tags("pill", "start"))
    for i, (depth, kind, key, text, st) in enumerate(rows, 1):
        x = 1 + depth * indent
        if kind == "branch":
            c.put(x + 1, i, _clip("┆ " + text, max(1, width - count_w - x - 1)), tags("frame", key))
            continue
        shown = _clip(text, max(1, 1 + 4 + name_w - (x + 4)))
        c.put(x + 4, i, shown, tags("title", key))
        if sub_w:
            c.put(1 + 4 + name_w + 2, i, _clip(subtitle(st), sub_w), tags("type", key))
        c.boxes[key] = Box(key, text, kind, x, i, width - x, 1, st.line, st.end_line, st.type, i, (text,))
    return picture(c, tags, -1)
