"""The character picture a flow graph is drawn on (no Textual, no layout).

A :class:`Picture` is rows of cells, each a character and a *tag* naming
what the cell belongs to (``(kind, key)`` pairs interned in ``tag_items``),
plus the :class:`Box` of every state keyed by ``scope prefix + name`` as in
``Flow.all_states()`` (``"Map1/Price"``), and the :class:`Edge` cells of
every transition. The TUI graph and ``flowdbg graph --format svg`` both
draw from it, so they share one layout.

Tag kinds: ``border``/``cborder`` (a state's / a Parallel-Map's frame),
``type`` (the state type in the top border), ``title`` (its name), ``sub``
and ``cond`` (detail lines: a subtitle, a Choice condition), ``body`` (the
inside of a box), ``frame`` (branch dividers in a Parallel/Map), ``pill``
(``( start )``/``( end )``), ``edge`` (key ``next`` or ``catch``), ``arrow``
(an arrowhead, same keys) and ``label`` (an edge's label in the border).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len


@dataclass
class Box:
    """Where a state (or a start/end pill) is drawn. ``type``: the state
    type (``Task``...); ``title_y``: the row of its name and markers."""

    key: str
    name: str
    kind: str  # state | container | start | end
    x: int
    y: int
    w: int
    h: int
    line: int = 0
    end_line: int = 0
    type: str = ""
    title_y: int = -1
    name_lines: tuple = ()

    def __post_init__(self) -> None:
        if self.title_y < 0:
            self.title_y = self.y + 1 if self.h > 1 else self.y

    @property
    def bottom(self) -> int:
        return self.y + self.h - 1

    @property
    def right(self) -> int:
        return self.x + self.w - 1

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom

    def moved(self, dx: int, dy: int) -> "Box":
        return Box(self.key, self.name, self.kind, self.x + dx, self.y + dy, self.w, self.h, self.line,
                   self.end_line, self.type, self.title_y + dy, self.name_lines)


@dataclass
class Edge:
    """A transition: ``src`` -> ``dst`` (node keys), ``kind`` next | choice
    | catch | start | end, its ``label`` and the ``cells`` it is drawn on."""

    src: str
    dst: str
    kind: str
    label: str = ""
    cells: list = field(default_factory=list)

    def moved(self, dx: int, dy: int) -> "Edge":
        return Edge(self.src, self.dst, self.kind, self.label, [(x + dx, y + dy) for x, y in self.cells])


class Tags:
    """Interned cell tags ``(kind, key)``; index 0 is blank."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = [("", "")]
        self._index: dict[tuple[str, str], int] = {("", ""): 0}

    def __call__(self, kind: str, key: str = "") -> int:
        t = (kind, key)
        i = self._index.get(t)
        if i is None:
            i = self._index[t] = len(self.items)
            self.items.append(t)
        return i


@dataclass
class Canvas:
    w: int
    h: int
    chars: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    boxes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.chars:
            self.chars = [[" "] * self.w for _ in range(self.h)]
            self.tags = [[0] * self.w for _ in range(self.h)]

    def put(self, x: int, y: int, text: str, tag: int) -> int:
        """Write ``text`` at (x, y), wide characters taking two cells; returns the cells used."""
        if not 0 <= y < self.h:
            return 0
        row, trow = self.chars[y], self.tags[y]
        start = x
        for ch in text:
            cw = cell_len(ch)
            if x + cw > self.w:
                break
            if x >= 0:
                row[x], trow[x] = ch, tag
                if cw == 2:
                    row[x + 1], trow[x + 1] = "", tag
            x += cw
        return x - start

    def blank(self, x: int, y: int) -> bool:
        return 0 <= y < self.h and 0 <= x < self.w and self.chars[y][x] == " " and self.tags[y][x] == 0

    def blit(self, other: "Canvas", dx: int, dy: int) -> None:
        for y in range(other.h):
            ty = y + dy
            if not 0 <= ty < self.h:
                continue
            src, stags = other.chars[y], other.tags[y]
            dst, dtags = self.chars[ty], self.tags[ty]
            for x in range(other.w):
                if stags[x] or src[x] != " ":
                    tx = x + dx
                    if 0 <= tx < self.w:
                        dst[tx], dtags[tx] = src[x], stags[x]
        for k, b in other.boxes.items():
            self.boxes[k] = b.moved(dx, dy)
        self.edges += [e.moved(dx, dy) for e in other.edges]


@dataclass
class Picture:
    """The laid-out graph: ``chars``/``tags`` rows, ``boxes`` by key,
    ``order`` of state keys for keyboard navigation, ``title_rows`` (row ->
    the boxes whose name and markers are on it), ``edges``; ``detail`` the
    zoom it was drawn at (-1 is the outline)."""

    width: int
    height: int
    chars: list
    tags: list
    tag_items: list
    boxes: dict
    order: list
    title_rows: dict
    edges: list = field(default_factory=list)
    detail: int = 1

    def box_at(self, x: int, y: int) -> Box | None:
        best = None
        for b in self.boxes.values():
            if b.kind in ("state", "container") and b.contains(x, y):
                if best is None or b.w * b.h < best.w * best.h:  # innermost
                    best = b
        return best

    def neighbours(self, key: str) -> list[str]:
        """The states an edge joins to ``key`` (either way)."""
        out = []
        for e in self.edges:
            if e.src == key and e.dst in self.boxes:
                out.append(e.dst)
            elif e.dst == key and e.src in self.boxes:
                out.append(e.src)
        return out


def picture(c: Canvas, tags: Tags, detail: int) -> Picture:
    order = sorted((b for b in c.boxes.values() if b.kind in ("state", "container")), key=lambda b: (b.y, b.x))
    title_rows: dict[int, list] = {}
    for b in order:
        title_rows.setdefault(b.title_y, []).append(b)
    return Picture(c.w, c.h, c.chars, c.tags, tags.items, c.boxes, [b.key for b in order], title_rows,
                   c.edges, detail)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis."""
    text = " ".join(str(text).split())
    if cell_len(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        cw = cell_len(ch)
        if used + cw > width - 1:
            break
        out += ch
        used += cw
    return out + "…"


def wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width`` cells, broken at
    spaces (a word longer than a line is broken inside); the last line ends
    with an ellipsis when the text does not fit."""
    out: list[str] = []
    cur = ""
    for w in " ".join(str(text).split()).split(" "):
        cand = f"{cur} {w}" if cur else w
        if cell_len(cand) <= width:
            cur = cand
            continue
        if cur:
            out.append(cur)
        cur = w
        while cell_len(cur) > width:  # a word longer than a line
            out.append(cur[:width])
            cur = cur[width:]
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines - 1] + [fit(" ".join(out[lines - 1:]), width)]
    return out or [""]


UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
LINES = {UP: "│", DOWN: "│", UP | DOWN: "│", LEFT: "─", RIGHT: "─", LEFT | RIGHT: "─",
         DOWN | RIGHT: "┌", DOWN | LEFT: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
         UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", DOWN | LEFT | RIGHT: "┬", UP | LEFT | RIGHT: "┴",
         UP | DOWN | LEFT | RIGHT: "┼"}

def walk(pts, masks, edge_tag, tag) -> set:
    """Draw the orthogonal path through ``pts`` as direction masks (joined
    into box-drawing characters later); returns the cells it covers."""
    cells = set()
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        x, y = x0, y0
        cells.add((x, y))
        while (x, y) != (x1, y1):
            dx = (x1 > x) - (x1 < x)
            dy = (y1 > y) - (y1 < y)
            if dx and dy:  # never diagonal: go vertical first
                dx = 0
            nx, ny = x + dx, y + dy
            fwd = RIGHT if dx > 0 else LEFT if dx < 0 else DOWN if dy > 0 else UP
            back = {RIGHT: LEFT, LEFT: RIGHT, DOWN: UP, UP: DOWN}[fwd]
            masks[(x, y)] = masks.get((x, y), 0) | fwd
            masks[(nx, ny)] = masks.get((nx, ny), 0) | back
            edge_tag[(x, y)] = tag
            edge_tag[(nx, ny)] = tag
            x, y = nx, ny
            cells.add((x, y))
    if len(pts) == 1:
        x, y = pts[0]
        masks[(x, y)] = masks.get((x, y), 0) | DOWN | UP
        edge_tag[(x, y)] = tag
        cells.add((x, y))
    return cells


def render_text(pic: Picture) -> str:
    """The picture as plain text (tests, debugging)."""
    return "\n".join("".join(row).rstrip() for row in pic.chars)
