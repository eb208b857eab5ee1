"""Read the TUI graph's character picture back as lines, arrows and boxes.

``graph_layout.layout_flow`` draws edges with box-drawing characters in
cells tagged ``("edge", ...)`` (arrowheads ``("arrow", ...)`` or
``("edge", ...)``). To draw the same picture as vectors, and to light up the
edges a run took, this decodes each cell into the sides its line touches.
Which cells an edge is drawn on comes from ``Picture.edges`` where the
layout gives it; otherwise the lines are followed from a state's box to the
arrowheads at other boxes. It reads only the Picture's public data, so it
follows whatever the layout draws.

A *half* ``(x, y, side)`` is the half of cell ``(x, y)`` from its centre to
that side; a path through the grid is a set of halves.
"""
from __future__ import annotations

from collections import deque

UP, DOWN, LEFT, RIGHT = "U", "D", "L", "R"
STEP = {UP: (0, -1), DOWN: (0, 1), LEFT: (-1, 0), RIGHT: (1, 0)}
OPPOSITE = {UP: DOWN, DOWN: UP, LEFT: RIGHT, RIGHT: LEFT}

_SIDES = {
    "│": "UD", "┃": "UD", "╎": "UD", "┆": "UD", "─": "LR", "━": "LR", "╌": "LR", "┄": "LR",
    "┌": "DR", "╭": "DR", "┐": "DL", "╮": "DL", "└": "UR", "╰": "UR", "┘": "UL", "╯": "UL",
    "├": "UDR", "┤": "UDL", "┬": "DLR", "┴": "ULR", "┼": "UDLR",
}
SIDES = {ch: frozenset(s) for ch, s in _SIDES.items()}
_NONE: frozenset = frozenset()
#: arrow heads, by the side they point to
ARROWS = {"▼": DOWN, "▽": DOWN, "▲": UP, "△": UP, "◀": LEFT, "◁": LEFT, "▶": RIGHT, "▷": RIGHT, "►": RIGHT,
          "◄": LEFT}


class Grid:
    """The picture's cells with their line sides, edge kinds and box outlines."""

    def __init__(self, pic):
        self.pic = pic
        self.w, self.h = pic.width, pic.height
        self.outline: dict[tuple[int, int], str] = {}  # perimeter cell -> box key (innermost wins)
        for b in sorted(pic.boxes.values(), key=lambda b: -(b.w * b.h)):
            for x in range(b.x, b.x + b.w):
                self.outline[(x, b.y)] = self.outline[(x, b.y + b.h - 1)] = b.key
            for y in range(b.y, b.y + b.h):
                self.outline[(b.x, y)] = self.outline[(b.x + b.w - 1, y)] = b.key
        self.perimeter: dict[str, list] = {}
        for cell, key in self.outline.items():
            self.perimeter.setdefault(key, []).append(cell)
        #: every cell of a kind: kind -> {(x, y): (character, tag key)}
        self.cells: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
        for y, row in enumerate(pic.tags):
            for x, t in enumerate(row):
                if t:
                    kind, key = pic.tag_items[t]
                    self.cells.setdefault(kind, {})[(x, y)] = (pic.chars[y][x], key)
        #: (x, y) -> (character, "next" | "catch"): lines and arrowheads
        self.edges = {**self.cells.get("edge", {}), **self.cells.get("arrow", {})}

    def tag(self, x: int, y: int) -> tuple[str, str]:
        if 0 <= y < self.h and 0 <= x < len(self.pic.tags[y]):
            return self.pic.tag_items[self.pic.tags[y][x]]
        return ("", "")

    def char(self, x: int, y: int) -> str:
        if 0 <= y < self.h and 0 <= x < len(self.pic.chars[y]):
            return self.pic.chars[y][x]
        return " "

    def is_edge(self, x: int, y: int) -> bool:
        return (x, y) in self.edges

    def sides(self, x: int, y: int) -> frozenset:
        """The sides an edge line in (x, y) touches (empty if none)."""
        cell = self.edges.get((x, y))
        return SIDES.get(cell[0], _NONE) if cell else _NONE

    def arrow(self, x: int, y: int) -> str | None:
        cell = self.edges.get((x, y))
        return ARROWS.get(cell[0]) if cell else None

    def edge_cells(self):
        return iter(self.edges)

    def starts(self, key: str) -> list[tuple]:
        """Where edge lines leave box ``key``: the first half of each, as ``(x, y, side)``."""
        b = self.pic.boxes[key]
        out = []
        for x, y in self.perimeter.get(key, ()):
            for side, (dx, dy) in STEP.items():
                nx, ny = x + dx, y + dy
                inside = b.x <= nx < b.x + b.w and b.y <= ny < b.y + b.h
                if not inside and OPPOSITE[side] in self.sides(nx, ny):
                    out.append((nx, ny, OPPOSITE[side]))
        return sorted(out)

    def label(self, start: tuple) -> str:
        """The edge label written beside where a line leaves its box ("1", "D",
        "catch"...): in the line's first cell's row or in the border it leaves; or ""."""
        x, y, side = start
        dx, dy = STEP[side]

        def run(y, xs):
            text = ""
            for cx in xs:
                if self.tag(cx, y)[0] != "label":
                    break
                text += self.char(cx, y)
            return text
        for cx, cy in ((x, y), (x + dx, y + dy)):
            found = run(cy, range(cx + 1, cx + 40)) or run(cy, range(cx - 1, cx - 40, -1))[::-1]
            if found:
                return found
        return ""

    def paths_from(self, key: str, starts: list | None = None) -> dict[str, set]:
        """For each box an edge from box ``key`` ends at: the halves on the way
        (from ``starts`` only, if given)."""
        starts = self.starts(key) if starts is None else starts
        parent: dict[tuple, tuple | None] = {s: None for s in starts}
        queue = deque(starts)
        found: dict[str, tuple] = {}
        while queue:
            x, y, came = state = queue.popleft()
            sides = self.sides(x, y)
            outs = [OPPOSITE[came]] if len(sides) == 4 else [s for s in sides if s != came]  # ┼ crosses
            for side in outs:
                dx, dy = STEP[side]
                nx, ny = x + dx, y + dy
                head = self.arrow(nx, ny)
                if head is not None and head == side:
                    # the head sits on the target's border, or just outside it
                    target = self.outline.get((nx, ny)) or self.outline.get((nx + dx, ny + dy))
                    if target is not None and target != key and target not in found:
                        found[target] = (state, side, (nx, ny, OPPOSITE[side]))
                    continue
                if OPPOSITE[side] in self.sides(nx, ny):
                    nxt = (nx, ny, OPPOSITE[side])
                    if nxt not in parent:
                        parent[nxt] = (state, side)
                        queue.append(nxt)
        out: dict[str, set] = {}
        for target, (state, side, arrow_half) in found.items():
            halves = {arrow_half, (state[0], state[1], side)}
            cur = state
            while cur is not None:
                halves.add(cur)  # (x, y, side it was entered from)
                link = parent[cur]
                if link is None:
                    break
                prev, out_side = link
                halves.add((prev[0], prev[1], out_side))
                cur = prev
            out[target] = halves
        return out


def edge_halves(grid: Grid, edge) -> set:
    """The halves of one ``Picture.edges`` entry (``src``, ``dst``, ``cells``):
    in each of its cells, the sides toward its own next cell or its boxes, so
    a cell it shares with another edge lights up only on its own way."""
    cells = set(edge.cells)
    ends = (edge.src, edge.dst)
    out = set()
    for x, y in cells:
        head = grid.arrow(x, y)
        sides = {OPPOSITE[head]} if head else grid.sides(x, y)
        for side in sides:
            dx, dy = STEP[side]
            n = (x + dx, y + dy)
            if n in cells or grid.outline.get(n) in ends:
                out.add((x, y, side))
    return out
