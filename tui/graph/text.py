"""The TUI graph as plain text (``flowdbg graph --format text``), for a
terminal, a log or a code review comment.

With a run, each box gets the TUI's markers where they fit (outcome icon at
the left of its title row, visits and retries, ``×3 ↻1``, at the right) and
a Map its progress (``3/3 done · 1 failed``) on its bottom border; what does
not fit in the box goes on its bottom border too, and a table below lists
every state with its outcome, visits, retries and Map progress, then what
was never reached.
"""
from __future__ import annotations

from ..run_overlay import NOT_RUN
from . import style


def render(flow, overlay=None, *, caption: str = "") -> str:
    from ..widgets.graph_layout import layout_flow
    from .model import describe
    pic = layout_flow(flow)
    rows = [list(r) for r in pic.chars]
    if overlay is not None:
        _mark(pic, rows, overlay)
    lines = ["".join(r).rstrip() for r in rows]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    head = [x for x in (describe(flow).name, caption) if x]
    out = ([" · ".join(head), ""] if head else []) + lines
    if overlay is not None:
        out += [""] + table(describe(flow), overlay)
    return "\n".join(out) + "\n"


def _put(row: list, x: int, text: str, gap: int = 0) -> bool:
    """Write ``text`` at ``x`` if every cell it needs (and ``gap`` before it) is blank."""
    if x - gap < 0 or x + len(text) > len(row) or any(row[x + i] != " " for i in range(-gap, len(text))):
        return False
    row[x:x + len(text)] = list(text)
    return True


def _mark(pic, rows: list, overlay) -> None:
    for b in pic.boxes.values():
        if b.kind not in ("state", "container") or not 0 <= b.y + 1 < len(rows):
            continue
        row = rows[b.y + 1]
        o = overlay.outcome(b.key)
        if b.key in overlay.current:
            _put(row, b.x + 1, "▶")
        if style.ICON[o] and o != "running":
            _put(row, b.x + 3, style.ICON[o])
        run = overlay.nodes.get(b.key)
        if run is None or not run.visits:
            continue
        badge, visits = style.badge(run), f"×{run.visits}"
        if _put(row, b.x + b.w - 2 - len(badge), badge, gap=1):
            badge = ""
        elif _put(row, b.x + b.w - 2 - len(visits), visits, gap=1):
            badge = f"↻{run.retries}" if run.retries else ""
        progress = style.map_progress(run)
        on_border = " · ".join(x for x in (badge, progress) if x)
        if on_border and 0 <= b.bottom < len(rows):
            _border(rows[b.bottom], b, on_border)


def _border(row: list, b, text: str) -> None:
    """``text`` on a box's bottom border (``╰─ 3/3 done ─╯``), cut to fit."""
    room = b.w - 6
    if room < 3:
        return
    if len(text) > room:
        text = text[: room - 1] + "…"
    cells = f" {text} "
    # The first stretch of plain border wide enough: an edge leaving the box (┬) stays drawn.
    for x in range(b.x + 2, b.x + b.w - 1 - len(cells)):
        if all(row[x + i] == "─" for i in range(len(cells))):
            row[x:x + len(cells)] = list(cells)
            return


def table(graph, overlay) -> list[str]:
    """One line per state: key, outcome, visits, retries, Map progress."""
    rows = [("state", "outcome", "visits", "notes")]
    missed = []
    for key, node in graph.nodes.items():
        run = overlay.nodes.get(key)
        o = overlay.outcome(key)
        if o == NOT_RUN:
            missed.append(key)
        notes = [x for x in (style.map_progress(run), _retries(run)) if x]
        if key in overlay.current:
            notes.insert(0, "current")
        rows.append((key, style.LEGEND[o], str(run.visits) if run and run.visits else "-", ", ".join(notes)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip() for r in rows]
    out.insert(1, "-" * len(out[0]))
    out.append("")
    out.append("never reached: " + (", ".join(missed) if missed else "none"))
    return out


def _retries(run) -> str:
    if run is None or not run.retries:
        return ""
    return f"{run.retries} retr{'y' if run.retries == 1 else 'ies'}"
