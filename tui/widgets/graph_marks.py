"""What the graph shows on top of a drawing after a stop, and which boxes
a new stop changes (no Textual: the widget repaints only those rows)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..run_overlay import RunOverlay


@dataclass
class GraphMarks:
    """What the graph shows on top of the layout, computed after each stop."""

    overlay: RunOverlay = field(default_factory=RunOverlay)
    current: str | None = None  # key of the state the debugger stopped at
    inspected: str | None = None  # key of an older record being inspected
    breakpoints: dict = field(default_factory=dict)  # state name -> enabled
    taken: set = field(default_factory=set)  # (src, dst) edges the run took, start/end pills included

    @property
    def counts(self) -> dict:
        return {k: n.visits for k, n in self.overlay.nodes.items()}


def taken_cells(picture, marks: GraphMarks) -> set:
    """The cells of the edges the run took."""
    cells = set()
    for e in picture.edges:
        if (e.src, e.dst) in marks.taken:
            cells.update(e.cells)
    return cells


def box_marks(m: GraphMarks, key: str, name: str):
    n = m.overlay.nodes.get(key)
    prog = (n.map.done, n.map.failed, n.map.total) if n is not None and n.map is not None else None
    return (n.outcome if n else None, n.visits if n else 0, prog, key == m.current, key == m.inspected,
            m.breakpoints.get(name))


def changed_boxes(picture, old: GraphMarks, new: GraphMarks) -> list[str]:
    """The boxes whose marks differ between two stops."""
    keys = set(old.overlay.nodes) | set(new.overlay.nodes) | {old.current, new.current, old.inspected,
                                                               new.inspected} - {None}
    names = set(old.breakpoints) | set(new.breakpoints)
    keys |= {k for k, b in picture.boxes.items() if b.name in names}
    out = []
    for k in keys:
        b = picture.boxes.get(k)
        if b is not None and box_marks(old, k, b.name) != box_marks(new, k, b.name):
            out.append(k)
    return out


def axis(pos: float, size: int, lo: int, hi: int, head_lo: int, head_hi: int) -> float:
    """The scroll offset on one axis that shows [lo, hi] (else at least
    [head_lo, head_hi], the box itself), moving as little as possible."""
    if hi - lo + 1 > size:
        lo, hi = head_lo, min(head_hi, head_lo + size - 1)
    if lo < pos:
        return max(0, lo - 1)
    if hi >= pos + size:
        return hi - size + 2
    return pos


__all__ = ["GraphMarks", "taken_cells", "box_marks", "changed_boxes", "axis"]
