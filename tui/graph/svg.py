"""SVG of the TUI graph: the same layout, drawn as vectors in the theme's colours.

The layout is ``graph_layout.layout_flow``'s, cell for cell: state boxes and
Parallel/Map containers from ``Picture.boxes``, edge lines decoded from the
box-drawing characters (:mod:`.cells`), text from the cells that hold it,
and the TUI's markers in the cells the layout keeps for them (current
state, outcome, visits or Map progress). Each cell is ``CW`` x ``CH``
pixels and each run of text is stretched to its cells (``textLength``), so
the picture lines up in any monospace font.
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..run_overlay import GLYPH as _GLYPH, NOT_RUN, SUCCEEDED
from . import style
from .cells import ARROWS, DOWN, LEFT, OPPOSITE, RIGHT, SIDES, STEP, UP, Grid, edge_halves
from .model import CATCH, CHOICE, DEFAULT

CW, CH = 9.0, 18.0  # one cell, in px
FONT = 14
HEADER = 3  # rows above the graph for the title and the legend
FONTS = "'DejaVu Sans Mono', 'Menlo', 'Consolas', 'Liberation Mono', monospace"
DIM = "0.45"  # what the run did not take

#: the TUI's glyphs for an outcome, in the cell left of a state's name
GLYPH = _GLYPH


def render(flow, overlay=None, *, caption: str = "") -> str:
    """The SVG document for ``flow``; ``overlay`` (a RunOverlay) draws a run on it."""
    from ..widgets.graph_layout import layout_flow
    from .model import describe
    return Drawing(layout_flow(flow), describe(flow), overlay, caption).svg()


class Drawing:
    def __init__(self, pic, graph, overlay=None, caption: str = ""):
        self.pic, self.graph, self.ov, self.caption = pic, graph, overlay, caption
        self.grid = Grid(pic)
        self.c = style.resolve
        self.taken = self._taken_halves() if overlay is not None else set()

    # -- what the run did ------------------------------------------------------------
    def outcome(self, key: str) -> str:
        return self.ov.outcome(key) if self.ov is not None else NOT_RUN

    def _taken_halves(self) -> set:
        edges = getattr(self.pic, "edges", None)
        if edges:  # the layout says which cells each edge is drawn on
            out: set = set()
            for e in edges:
                if (e.src, e.dst) in self.ov.edges:
                    out |= edge_halves(self.grid, e)
            return out
        return self._traced_halves()

    def _traced_halves(self) -> set:
        """Follow the lines: to a state the run took the edge to, from a start
        pill to a state that ran, from a state that succeeded to an end pill."""
        ov, boxes = self.ov, self.pic.boxes
        out: set = set()
        for key, b in boxes.items():
            if b.kind == "end" or (b.kind != "start" and self.outcome(key) == NOT_RUN):
                continue
            for target, halves in self.grid.paths_from(key).items():
                if b.kind == "start":
                    took = self.outcome(target) != NOT_RUN
                elif boxes[target].kind == "end":
                    took = self.outcome(key) == SUCCEEDED
                else:
                    took = (key, target) in ov.edges
                if took:
                    out |= self._path_to(key, target, halves)
        return out

    def _path_to(self, key: str, target: str, halves: set) -> set:
        """The line to ``target`` that leaves by the port labelled for that edge.

        Lines that share cells lose which edge a cell was drawn for, and the
        nearest way can run out of another edge's port; the label at each port
        ("1", "D", "catch", none for Next) says which edge it starts."""
        starts = self.grid.starts(key)
        labels = {s: set(self.grid.label(s).split(",")) for s in starts}
        wanted = _port_labels(self.graph, key, target)
        mine = [s for s in starts if labels[s] & wanted]
        if not mine or len(mine) == len(starts):
            return halves
        return self.grid.paths_from(key, mine).get(target, halves)

    # -- the document ------------------------------------------------------------------
    def svg(self) -> str:
        pic = self.pic
        width = max(pic.width * CW, self._header_width())
        height = (pic.height + HEADER) * CH
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
                 f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONTS}" font-size="{FONT}">',
                 f"<title>{escape(self.graph.name or 'flow')}</title>",
                 f'<rect width="100%" height="100%" fill="{self.c("background")}"/>',
                 self._header(),
                 f'<g transform="translate(0 {HEADER * CH:.0f})">',
                 # containers under the lines inside them; states over the lines that meet them
                 self._boxes(containers=True), self._lines(), self._boxes(containers=False), self._arrows(),
                 self._texts(), self._markers(),
                 "</g>", "</svg>"]
        return "\n".join(p for p in parts if p) + "\n"

    def _legend_items(self) -> list[str]:
        if self.ov is None:
            return []
        seen = {self.outcome(b.key) for b in self.pic.boxes.values() if b.kind in ("state", "container")}
        return [o for o in style.LEGEND if o in seen]

    def _header_width(self) -> float:
        text = max(len(self.graph.name or "flow") + 2, len(self.caption) + 2)
        legend = sum(len(style.LEGEND[o]) + 5 for o in self._legend_items())
        return (max(text, legend) + 2) * CW

    def _header(self) -> str:
        c = self.c
        out = [f'<g class="header"><text x="{CW:.1f}" y="{CH * 0.9:.1f}" fill="{c("title")}" font-weight="bold">'
               f"{escape(self.graph.name or 'flow')}</text>"]
        if self.caption:
            out.append(f'<text x="{CW:.1f}" y="{CH * 1.9:.1f}" fill="{c("sub")}" '
                       f'font-size="{FONT - 2}">{escape(self.caption)}</text>')
        x, y = CW, CH * 2.35
        for o in self._legend_items():
            dash = f' stroke-dasharray="3 2" opacity="{DIM}"' if o == NOT_RUN else ""
            out.append(f'<rect class="legend {o}" x="{x:.1f}" y="{y:.1f}" width="{CW * 1.6:.1f}" height="{CH * 0.5:.1f}" '
                       f'rx="2" fill="{c(style.fill(o))}" stroke="{c(style.stroke(o))}" stroke-width="1.5"{dash}/>')
            label = style.LEGEND[o]
            out.append(f'<text x="{x + CW * 2.2:.1f}" y="{y + CH * 0.5:.1f}" fill="{c("sub")}" '
                       f'font-size="{FONT - 2}">{escape(label)}</text>')
            x += (len(label) + 5) * CW
        out.append("</g>")
        return "".join(out)

    # -- edges and frames --------------------------------------------------------------
    def _lines(self) -> str:
        grid, c = self.grid, self.c
        groups: dict[str, set] = {}
        for (x, y), (_, kind) in grid.edges.items():
            head = grid.arrow(x, y)
            halves = [(x, y, OPPOSITE[head])] if head else [(x, y, s) for s in grid.sides(x, y)]
            for h in halves:
                taken = h in self.taken
                state = "taken" if taken else "dim" if self.ov is not None else ""
                role = ("catch" if kind == "catch" else "next") + ":" + state
                groups.setdefault(role, set()).add(h)
                # reach into the box outline the line leaves from
                dx, dy = STEP[h[2]]
                n = (x + dx, y + dy)
                if head is None and n in grid.outline and not grid.is_edge(*n):
                    groups[role].add((n[0], n[1], OPPOSITE[h[2]]))
        frames = {(x, y, s) for (x, y), (ch, _) in grid.cells.get("frame", {}).items() for s in SIDES.get(ch, ())}
        out = []
        if frames:
            out.append(self._path(frames, c("frame"), 1.0, extra=' class="frame" opacity="0.7"'))
        # lines a box draws inside itself (the dividers between a Parallel's branches): in its colour
        dividers: dict[str, set] = {}
        for kind in ("border", "cborder"):
            for (x, y), (ch, key) in grid.cells.get(kind, {}).items():
                if (x, y) not in grid.outline and ch in SIDES:
                    dividers.setdefault(key, set()).update((x, y, s) for s in SIDES[ch])
        for key, halves in dividers.items():
            out.append(self._path(halves, c(style.stroke(self.outcome(key))), 1.0,
                                  extra=' class="divider" stroke-dasharray="2 3" opacity="0.8"'))
        for role in ("next:dim", "catch:dim", "next:", "catch:", "next:taken", "catch:taken"):
            if role not in groups:
                continue
            kind, state = role.split(":")
            colour = c(_edge_role(kind, state == "taken"))
            extra = f' class="edge {kind}{" taken" if state == "taken" else ""}"'
            if kind == "catch" and state != "taken":
                extra += ' stroke-dasharray="5 3"'
            if state == "dim":
                extra += f' opacity="{DIM}"'
            out.append(self._path(groups[role], colour, 2.4 if state == "taken" else 1.3, extra=extra))
        return "\n".join(out)

    @staticmethod
    def _path(halves: set, colour: str, width: float, extra: str = "") -> str:
        """Halves merged into straight runs (half-cell units: centre of cell x is 2x+1)."""
        rows: dict[int, list] = {}
        cols: dict[int, list] = {}
        for x, y, s in halves:
            if s == LEFT:
                rows.setdefault(y, []).append((2 * x, 2 * x + 1))
            elif s == RIGHT:
                rows.setdefault(y, []).append((2 * x + 1, 2 * x + 2))
            elif s == UP:
                cols.setdefault(x, []).append((2 * y, 2 * y + 1))
            elif s == DOWN:
                cols.setdefault(x, []).append((2 * y + 1, 2 * y + 2))
        d = []
        for y, spans in sorted(rows.items()):
            for a, b in _merge(spans):
                d.append(f"M{a * CW / 2:.1f} {(y + 0.5) * CH:.1f}H{b * CW / 2:.1f}")
        for x, spans in sorted(cols.items()):
            for a, b in _merge(spans):
                d.append(f"M{(x + 0.5) * CW:.1f} {a * CH / 2:.1f}V{b * CH / 2:.1f}")
        return (f'<path{extra} d="{"".join(d)}" fill="none" stroke="{colour}" stroke-width="{width}" '
                f'stroke-linecap="square"/>')

    def _arrows(self) -> str:
        grid, out = self.grid, []
        for (x, y), (_, kind) in grid.edges.items():
            head = grid.arrow(x, y)
            if head is None:
                continue
            taken = (x, y, OPPOSITE[head]) in self.taken
            colour = self.c(_edge_role(kind, taken))
            dim = f' opacity="{DIM}"' if self.ov is not None and not taken else ""
            dx, dy = STEP[head]
            cx, cy = (x + 0.5) * CW, (y + 0.5) * CH
            if (x, y) in grid.outline:  # drawn on the target's border: the tip touches its line
                tip, back = (cx, cy), (cx - dx * CW * 0.9, cy - dy * CH * 0.6)
            else:  # just outside it: the tip reaches the border in the next cell
                tip, back = (cx + dx * CW, cy + dy * CH), (cx - dx * CW * 0.1, cy - dy * CH * 0.1)
            hw, hh = CW * 0.55, CH * 0.3
            if dx == 0:
                pts = [(back[0] - hw, back[1]), (back[0] + hw, back[1]), tip]
            else:
                pts = [(back[0], back[1] - hh), (back[0], back[1] + hh), tip]
            out.append(f'<polygon class="arrow{" taken" if taken else ""}" points="'
                       + " ".join(f"{px:.1f},{py:.1f}" for px, py in pts) + f'" fill="{colour}"{dim}/>')
        return "\n".join(out)

    # -- boxes ----------------------------------------------------------------------------
    def _boxes(self, containers: bool) -> str:
        c, out = self.c, []
        for b in sorted(self.pic.boxes.values(), key=lambda b: -(b.w * b.h)):  # outer first
            if (b.kind == "container") != containers:
                continue
            if b.kind in ("start", "end"):
                out.append(f'<g class="pill {b.kind}"><rect x="{b.x * CW + 1:.1f}" y="{b.y * CH + 2:.1f}" '
                           f'width="{b.w * CW - 2:.1f}" height="{CH - 4:.1f}" rx="{CH / 2 - 2:.1f}" fill="{c("box")}" '
                           f'stroke="{c("pill")}"/><text x="{(b.x + b.w / 2) * CW:.1f}" y="{(b.y + 0.72) * CH:.1f}" '
                           f'text-anchor="middle" font-style="italic" font-size="{FONT - 1}" fill="{c("pill")}">'
                           f"{escape(b.name)}</text></g>")
                continue
            node = self.graph.nodes.get(b.key)
            o = self.outcome(b.key)
            unreached = self.ov is not None and o == NOT_RUN
            now = self.ov is not None and b.key in self.ov.current
            width = 3.0 if now else 2.0 if self.ov is not None and o != NOT_RUN else 1.4
            attrs = f' stroke-dasharray="4 3" opacity="{DIM}"' if unreached else ""
            kind = "container" if b.kind == "container" else "state"
            stroke = c("current") if now else c(style.stroke(o))
            out.append(f'<g class="{kind} {o}{" current" if now else ""}" data-key={quoteattr(b.key)}>'
                       f"<title>{escape(self._tooltip(b.key, node))}</title>"
                       f'<rect x="{(b.x + 0.5) * CW:.1f}" y="{(b.y + 0.5) * CH:.1f}" width="{(b.w - 1) * CW:.1f}" '
                       f'height="{(b.h - 1) * CH:.1f}" rx="{CW * 0.9:.1f}" fill="{c(style.fill(o))}" '
                       f'stroke="{stroke}" stroke-width="{width}"{attrs}/></g>')
        return "\n".join(out)

    def _tooltip(self, key: str, node) -> str:
        lines = [node.name, node.subtitle] if node is not None else [key]
        if self.ov is not None:
            n = self.ov.nodes.get(key)
            extra = ", ".join(x for x in (style.badge(n), style.map_progress(n)) if x)
            lines.append(style.LEGEND[self.outcome(key)] + (f" ({extra})" if extra else ""))
        return "\n".join(lines)

    def _markers(self) -> str:
        """The TUI's markers, in the cells it draws them in: ▶ at the current
        state, the outcome glyph, visits (``×3``) or a Map's ``done/total``."""
        if self.ov is None:
            return ""
        out = []
        for b in self.pic.boxes.values():
            if b.kind not in ("state", "container"):
                continue
            row = getattr(b, "title_y", b.y + 1)
            o = self.outcome(b.key)
            if b.key in self.ov.current:
                out.append(self._text(b.x + 1, row, 1, "▶", "marker", b.key, colour=self.c("current")))
            if o in GLYPH:
                out.append(self._text(b.x + 3, row, 1, GLYPH[o], "marker", b.key, colour=self.c(style.stroke(o))))
            node = self.ov.nodes.get(b.key)
            if node is None or not node.visits:
                continue
            if node.map is not None:
                text = node.map.label()
            else:
                text = f"×{node.visits}" if node.visits < 1000 else "×999+"
            out.append(self._text(b.right - 1 - len(text), row, len(text), text, "count", b.key, colour=self.c("count")))
        return "\n".join(out)

    # -- text ------------------------------------------------------------------------------
    def _texts(self) -> str:
        pic, out = self.pic, []
        for y in range(pic.height):
            row, tags = pic.chars[y], pic.tags[y]
            x = 0
            while x < len(row):
                t = tags[x]
                kind, key = pic.tag_items[t]
                ch = row[x]
                if not t or kind in ("border", "cborder", "body", "pill") or ch in SIDES or ch in ARROWS or ch == " ":
                    x += 1
                    continue
                start = x
                while x < len(row) and tags[x] == t and row[x] not in SIDES and row[x] not in ARROWS:
                    x += 1
                text = "".join(row[start:x]).rstrip()
                cells = x - start - (len("".join(row[start:x])) - len(text))  # wide characters fill 2 cells
                if text:
                    out.append(self._text(start, y, cells, text, kind, key))
        return "\n".join(out)

    def _text(self, x: int, y: int, cells: int, text: str, kind: str, key: str, colour: str | None = None) -> str:
        c = self.c
        attrs = ""
        if colour is None:
            colour = c(self._text_role(kind, key))
        if kind in ("title", "label", "marker"):
            attrs += ' font-weight="bold"'
        if kind in ("title", "sub", "cond", "type") and self.ov is not None and self.outcome(key) == NOT_RUN:
            attrs += f' opacity="{DIM}"'
        back = ""
        owner = self.grid.outline.get((x, y))
        if owner is not None and kind in ("type", "label", "frame"):  # written on a border line: mask it
            o = self.outcome(owner) if owner in self.graph.nodes else NOT_RUN
            back = (f'<rect x="{x * CW - 1:.1f}" y="{y * CH + 2:.1f}" width="{cells * CW + 2:.1f}" height="{CH - 4:.1f}" '
                    f'fill="{c(style.fill(o))}"/>')
        return (f'{back}<text class="{kind}" x="{x * CW:.1f}" y="{(y + 0.72) * CH:.1f}" textLength="{cells * CW:.1f}" '
                f'lengthAdjust="spacingAndGlyphs" xml:space="preserve" fill="{colour}"{attrs}>{escape(text)}</text>')

    def _text_role(self, kind: str, key: str) -> str:
        if kind == "label":
            return "edge-catch" if key == "catch" else "label"
        if kind in ("edge", "arrow"):
            return "edge-catch" if key == "catch" else "edge"
        if kind == "type" and self.ov is not None and key in self.ov.nodes:
            return style.stroke(self.outcome(key))
        if kind == "title" and self.ov is not None and key in self.ov.current:
            return "current"
        return kind if kind in style.ROLE else "title"


def _edge_role(kind: str, taken: bool) -> str:
    if kind == "catch":
        return "error" if taken else "edge-catch"
    return "edge-taken" if taken else "edge"


def _port_labels(graph, key: str, target: str) -> set:
    """The labels graph_layout writes at the ports of the edges from ``key`` to ``target``."""
    out = set()
    choice = 0
    for e in graph.successors(key):
        if e.kind == CHOICE:
            choice += 1
        if e.dst != target:
            continue
        out.add(str(choice) if e.kind == CHOICE else "D" if e.kind == DEFAULT else "catch" if e.kind == CATCH else "")
    return out


def _merge(spans: list) -> list:
    spans.sort()
    out = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out
