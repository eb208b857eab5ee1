"""Lay out a flow's states as a character picture for :class:`StateGraph`.

Each scope (the flow, a Parallel branch, a Map processor) is laid out on its
own with grandalf's Sugiyama layout, top to bottom. A Parallel or Map state
is a container box whose size comes from its laid-out inner scopes, so nested
scopes are drawn inside their parent. Edges are routed orthogonally through
the gaps between layers (using grandalf's dummy vertices for long edges);
edges that go back up (loops) run in lanes on the right.

The result is a :class:`Picture`: rows of cells (a character and a tag
naming what the cell belongs to) and the boxes of the states, keyed by
``scope prefix + name`` as in ``Flow.all_states()`` (``"Map1/Price"``).
Markers (current state, counts, breakpoints) are drawn by the widget at
render time in the cells reserved here, so a step never re-lays out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.cells import cell_len

from ..run_overlay import node_key  # noqa: F401 (the graph keys; re-exported)
from flowdbg.engine.model import (ChoiceState, FailState, MapState, ParallelState, Scope, SucceedState,
                                  TaskState, WaitState)

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
LINES = {UP: "│", DOWN: "│", UP | DOWN: "│", LEFT: "─", RIGHT: "─", LEFT | RIGHT: "─",
         DOWN | RIGHT: "┌", DOWN | LEFT: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
         UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", DOWN | LEFT | RIGHT: "┬", UP | LEFT | RIGHT: "┴",
         UP | DOWN | LEFT | RIGHT: "┼"}
GAP = 4  # rows between layers: label, jog row, back-edge row, arrow
XSPACE = 3
MAX_INNER = 30  # widest text inside a box
TOP_MARGIN = 2


@dataclass
class Box:
    """Where a state (or a start/end pill) is drawn."""

    key: str
    name: str
    kind: str  # state | container | start | end
    x: int
    y: int
    w: int
    h: int
    line: int = 0
    end_line: int = 0

    @property
    def bottom(self) -> int:
        return self.y + self.h - 1

    @property
    def right(self) -> int:
        return self.x + self.w - 1

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


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

    def trim(self) -> "Canvas":
        """Drop blank rows at the top and bottom (boxes move up)."""
        def empty(y):
            return all(ch == " " for ch in self.chars[y]) and not any(self.tags[y])
        top = 0
        while top < self.h - 1 and empty(top):
            top += 1
        bottom = self.h - 1
        while bottom > top and empty(bottom):
            bottom -= 1
        out = Canvas(self.w, bottom - top + 1, self.chars[top:bottom + 1], self.tags[top:bottom + 1])
        for k, b in self.boxes.items():
            out.boxes[k] = Box(b.key, b.name, b.kind, b.x, b.y - top, b.w, b.h, b.line, b.end_line)
        return out

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
            self.boxes[k] = Box(b.key, b.name, b.kind, b.x + dx, b.y + dy, b.w, b.h, b.line, b.end_line)


@dataclass
class Picture:
    """The laid-out graph: ``chars``/``tags`` rows, ``boxes`` by key,
    ``order`` of state keys for keyboard navigation."""

    width: int
    height: int
    chars: list
    tags: list
    tag_items: list
    boxes: dict
    order: list
    title_rows: dict  # row -> [Box] whose title (marker, count) is on that row

    def box_at(self, x: int, y: int) -> Box | None:
        best = None
        for b in self.boxes.values():
            if b.kind in ("state", "container") and b.contains(x, y):
                if best is None or b.w * b.h < best.w * best.h:  # innermost
                    best = b
        return best


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


# -- box contents -----------------------------------------------------------------

def _function_name(state: TaskState) -> str:
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


def subtitle(state) -> str:
    t = state.type
    if isinstance(state, TaskState):
        detail = _function_name(state) if state.action == "FC:InvokeFunction" else state.action
        mode = {"WaitForCustomCallback": " ⧗callback", "WaitForSystemCallback": " ⧗system"}.get(state.task_mode, "")
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


def _text_lines(state) -> list[str]:
    lines = [subtitle(state)]
    if isinstance(state, ChoiceState):
        for i, b in enumerate(state.branches, 1):
            lines.append(f"{i} {b.condition.text}")
        if state.default:
            lines.append("D default")
    return lines


# -- scope layout -------------------------------------------------------------------

@dataclass
class _Node:
    key: str
    name: str
    kind: str
    w: int
    h: int
    state: object = None
    lines: list = field(default_factory=list)
    inner: list = field(default_factory=list)  # [(label, Canvas)] for containers
    order: int = 0


class _View:
    def __init__(self, w: float, h: float):
        self.w, self.h, self.xy = w, h, (0.0, 0.0)


class _EView:
    def setpath(self, pts) -> None:
        self.pts = pts


def _round(v: float) -> int:
    return int(math.floor(v + 0.5))


class _ScopeLayout:
    def __init__(self, scope: Scope, prefix: str, tags: Tags):
        self.scope, self.prefix, self.tags = scope, prefix, tags
        self.nodes: dict[str, _Node] = {}
        self.edges: list[tuple[str, str, str, str]] = []  # (src, dst, label, kind)

    def key(self, name: str) -> str:
        return self.prefix + name

    # nodes and edges
    def build(self) -> None:
        start = self.key("^start")
        self.nodes[start] = _Node(start, "start", "start", 9, 1)
        self.edges.append((start, self.key(self.scope.start_at), "", "start"))
        for name, st in self.scope.states.items():
            k = self.key(name)
            self.nodes[k] = self._node(k, st)
            out: dict[str, list[str]] = {}
            kinds: dict[str, str] = {}

            def add(target, label, kind):
                if target is None:  # a legacy choice option that ends its list
                    return
                tk = self.key(target)
                out.setdefault(tk, [])
                if label:
                    out[tk].append(label)
                if kinds.get(tk) != "catch":
                    kinds[tk] = kind

            if isinstance(st, ChoiceState):
                for i, b in enumerate(st.branches, 1):
                    add(b.next, str(i), "choice")
                if st.default:
                    add(st.default, "D", "choice")
            elif not isinstance(st, (SucceedState, FailState)):
                if st.end or not st.next:
                    ek = self.key("$end:" + name)
                    self.nodes[ek] = _Node(ek, "end", "end", 7, 1)
                    self.edges.append((k, ek, "", "end"))
                else:
                    add(st.next, "", "next")
            for c in getattr(st, "catch", ()):
                add(c.next, "catch", "catch")
            for tk, labels in out.items():
                if tk in self.nodes or any(tk == self.key(n) for n in self.scope.states):
                    self.edges.append((k, tk, ",".join(labels), kinds[tk]))
        for i, n in enumerate(self.nodes.values()):
            n.order = i

    def _node(self, key: str, st) -> _Node:
        lines = _text_lines(st)
        name = getattr(st, "label", "") or st.name  # a legacy view state is named by its key
        inner_w = max([cell_len(name) + 9] + [cell_len(x) + 4 for x in lines])
        inner_w = min(max(inner_w, 14), MAX_INNER)
        if isinstance(st, (ParallelState, MapState)):
            if isinstance(st, ParallelState):
                subs = [(f"Branch{i}", layout_scope(b, f"{key}.Branch{i}/", self.tags))
                        for i, b in enumerate(st.branches)]
            else:
                subs = [("Processor (each item)", layout_scope(st.processor, f"{key}/", self.tags))]
            frames_w = sum(c.w + 2 for _, c in subs) + 2 * (len(subs) - 1)
            w = max(inner_w + 2, frames_w + 4)
            h = 3 + max(c.h + 2 for _, c in subs) + 1
            return _Node(key, name, "container", w, h, st, lines[:1], subs)
        h = 2 + 1 + len(lines)
        return _Node(key, name, "state", inner_w + 2, h, st, lines)

    # placement
    def place(self) -> Canvas:
        from grandalf.graphs import Edge, Graph, Vertex
        from grandalf.layouts import SugiyamaLayout

        verts = {}
        for k, n in self.nodes.items():
            v = Vertex(k)
            v.view = _View(n.w, n.h)
            verts[k] = v
        gedges, self_loops = [], []
        for (a, b, label, kind) in self.edges:
            if a == b:
                self_loops.append(a)
                continue
            e = Edge(verts[a], verts[b])
            e.view = _EView()
            e.meta = (label, kind)
            gedges.append(e)
        g = Graph(list(verts.values()), gedges)
        comps = sorted(g.C, key=lambda c: min(self.nodes[v.data].order for v in c.sV))
        canvases = []
        for comp in comps:
            canvases.append(self._place_component(comp, SugiyamaLayout))
        w = sum(c.w for c in canvases) + 4 * (len(canvases) - 1)
        h = max(c.h for c in canvases)
        out = Canvas(w, h)
        x = 0
        for c in canvases:
            out.blit(c, x, 0)
            x += c.w + 4
        for k in self_loops:
            b = out.boxes.get(k)
            if b is not None and out.blank(b.right + 1, b.y + 1):
                out.put(b.right + 1, b.y + 1, "↺", self.tags("edge", "next"))
        return out

    def _place_component(self, comp, SugiyamaLayout) -> Canvas:
        sug = SugiyamaLayout(comp)
        sug.xspace, sug.yspace = XSPACE, GAP
        sug.dw, sug.dh = 1, 1
        roots = [v for v in comp.sV if self.nodes[v.data].kind == "start"]
        if not roots:
            roots = sorted(comp.sV, key=lambda v: self.nodes[v.data].order)[:1]
        sug.init_all(roots=roots)
        sug.draw(2)
        real = list(comp.sV)
        lefts = [v.view.xy[0] - v.view.w / 2 for v in real]
        dummies = [d for l in sug.layers for d in l if d not in set(real)]
        lefts += [d.view.xy[0] for d in dummies]
        shift = 1 - min(lefts)
        boxes: dict[str, Box] = {}
        rank: dict[str, int] = {}
        for v in real:
            n = self.nodes[v.data]
            x = _round(v.view.xy[0] - n.w / 2 + shift)
            y = _round(v.view.xy[1] - n.h / 2) + TOP_MARGIN
            st = n.state
            boxes[n.key] = Box(n.key, n.name, n.kind, x, y, n.w, n.h,
                               getattr(st, "line", 0), getattr(st, "end_line", 0))
            rank[n.key] = sug.grx[v].rank
        nranks = max(rank.values()) + 1
        top = [10 ** 9] * nranks
        bot = [-1] * nranks
        for k, b in boxes.items():
            r = rank[k]
            top[r], bot[r] = min(top[r], b.y), max(bot[r], b.bottom)
        for r in range(nranks):  # a layer of dummies only
            if bot[r] < 0:
                y = _round(sug.layers[r][0].view.xy[1]) + TOP_MARGIN
                top[r], bot[r] = y, y
        width = max(b.right for b in boxes.values()) + 2
        width = max(width, max((_round(d.view.xy[0] + shift) + 2 for d in dummies), default=0))
        height = max(b.bottom for b in boxes.values()) + 2
        # ports
        outs: dict[str, list] = {}
        ins: dict[str, list] = {}
        routes = []
        for e in comp.sE:
            a, b = e.v[0].data, e.v[1].data
            back = rank[a] >= rank[b]
            routes.append((e, a, b, back))
            outs.setdefault(a, []).append((back, boxes[b].x + boxes[b].w / 2, boxes[b].y, len(routes) - 1))
            ins.setdefault(b, []).append((back, boxes[a].x + boxes[a].w / 2, boxes[a].y, len(routes) - 1))
        out_port, in_port = {}, {}
        for k, lst in outs.items():
            for i, item in enumerate(sorted(lst)):
                out_port[item[3]] = _port(boxes[k], i, len(lst))
        for k, lst in ins.items():
            for i, item in enumerate(sorted(lst)):
                in_port[item[3]] = _port(boxes[k], i, len(lst))
        for i, (e, a, b, back) in enumerate(routes):  # straighten one-to-one edges
            if not back and len(outs[a]) == 1 and len(ins[b]) == 1:
                ba, bb = boxes[a], boxes[b]
                px = out_port[i]
                if bb.x + 2 <= px <= bb.right - 2:
                    in_port[i] = px
                elif ba.kind not in ("start", "end") and ba.x + 2 <= in_port[i] <= ba.right - 2:
                    out_port[i] = in_port[i]
        nback = sum(1 for r in routes if r[3])
        canvas = Canvas(width + 3 * nback + 1, height + 1)
        masks: dict[tuple[int, int], int] = {}
        edge_tag: dict[tuple[int, int], int] = {}
        ends = []
        labels = []
        lane = 0
        for i, (e, a, b, back) in enumerate(routes):
            label, kind = e.meta
            ba, bb = boxes[a], boxes[b]
            px, qx = out_port[i], in_port[i]
            pts = [(px, ba.bottom + 1)]
            if not back:
                ctrl = sug.ctrls.get(e, {})
                xs = [_round(ctrl[r].view.xy[0] + shift) for r in range(rank[a] + 1, rank[b])] + [qx]
                cur = px
                for j, r in enumerate(range(rank[a], rank[b])):
                    row = bot[r] + 2
                    pts += [(cur, row), (xs[j], row)]
                    cur = xs[j]
                pts.append((qx, bb.y - 1))
            else:
                lx = width + 1 + 3 * lane
                lane += 1
                r1, r2 = bot[rank[a]] + 3, top[rank[b]] - 2
                pts += [(px, r1), (lx, r1), (lx, r2), (qx, r2), (qx, bb.y - 1)]
            tag = self.tags("edge", "catch" if kind == "catch" else "next")
            _walk(pts, masks, edge_tag, tag)
            masks[pts[0]] = masks.get(pts[0], 0) | UP
            ends.append((qx, bb.y - 1, tag, px, ba))
            if label:
                labels.append((px, ba.bottom + 1, label, self.tags("label", "catch" if kind == "catch" else "next")))
        for (x, y), m in masks.items():
            if 0 <= y < canvas.h and 0 <= x < canvas.w:
                canvas.chars[y][x] = LINES.get(m, "┼")
                canvas.tags[y][x] = edge_tag[(x, y)]
        for qx, y, tag, px, ba in ends:
            canvas.put(qx, y, "▼", tag)
        # boxes over lines
        for k, b in boxes.items():
            self._draw(canvas, self.nodes[k], b)
        for qx, y, tag, px, ba in ends:
            if ba.kind in ("state", "container"):
                canvas.put(px, ba.bottom, "┬", self.tags("border", ba.key) if ba.kind == "state" else self.tags("cborder", ba.key))
        for x, y, text, tag in labels:
            if all(canvas.blank(x + 1 + j, y) for j in range(cell_len(text))):
                canvas.put(x + 1, y, text, tag)
            elif all(canvas.blank(x - cell_len(text) + j, y) for j in range(cell_len(text))):
                canvas.put(x - cell_len(text), y, text, tag)
            else:
                canvas.put(x + 1, y, text, tag)
        return canvas

    def _draw(self, c: Canvas, n: _Node, b: Box) -> None:
        t = self.tags
        if n.kind == "start":
            c.put(b.x, b.y, "( start )", t("pill", "start"))
            c.boxes[b.key] = b
            return
        if n.kind == "end":
            c.put(b.x, b.y, "( end )", t("pill", "end"))
            c.boxes[b.key] = b
            return
        border = t("border" if n.kind == "state" else "cborder", n.key)
        c.put(b.x, b.y, "╭" + "─" * (b.w - 2) + "╮", border)
        for y in range(b.y + 1, b.bottom):
            c.put(b.x, y, "│", border)
            c.put(b.right, y, "│", border)
            c.put(b.x + 1, y, " " * (b.w - 2), t("body", n.key))
        c.put(b.x, b.bottom, "╰" + "─" * (b.w - 2) + "╯", border)
        c.put(b.x + 4, b.y + 1, fit(n.name, b.w - 11), t("title", n.key))
        for i, line in enumerate(n.lines):
            kind = "sub" if i == 0 else "cond"
            c.put(b.x + 4, b.y + 2 + i, fit(line, b.w - 6), t(kind, n.key))
        c.boxes[b.key] = b
        if n.kind == "container":
            x = b.x + 2
            for label, inner in n.inner:
                fw, fh = inner.w + 2, inner.h + 2
                ft = t("frame", n.key)
                c.put(x, b.y + 3, "┌" + "─" * (fw - 2) + "┐", ft)
                c.put(x + 2, b.y + 3, fit(f" {label} ", fw - 4), ft)
                for y in range(b.y + 4, b.y + 3 + fh - 1):
                    c.put(x, y, "│", ft)
                    c.put(x + fw - 1, y, "│", ft)
                c.put(x, b.y + 3 + fh - 1, "└" + "─" * (fw - 2) + "┘", ft)
                c.blit(inner, x + 1, b.y + 4)
                x += fw + 2


def _port(b: Box, i: int, n: int) -> int:
    if b.kind in ("start", "end"):
        return b.x + b.w // 2
    if n == 1:
        return b.x + b.w // 2
    lo, hi = b.x + 2, b.right - 2
    return lo + _round(i * (hi - lo) / (n - 1))


def _walk(pts, masks, edge_tag, tag) -> None:
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        dx = (x1 > x0) - (x1 < x0)
        dy = (y1 > y0) - (y1 < y0)
        x, y = x0, y0
        while (x, y) != (x1, y1):
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
            if (x, y) != (x1, y1):
                dx = (x1 > x) - (x1 < x)
                dy = (y1 > y) - (y1 < y)


def layout_scope(scope: Scope, prefix: str, tags: Tags) -> Canvas:
    s = _ScopeLayout(scope, prefix, tags)
    s.build()
    return s.place().trim()


def layout_flow(flow) -> Picture:
    """Lay out every state of ``flow`` (a ``flowdbg.engine.model.Flow``, or a legacy flow
    through its FDL v1 shaped view)."""
    if getattr(flow, "format", "v1") == "legacy":
        from .legacy_view import view
        flow = view(flow)
    tags = Tags()
    inner = layout_scope(flow.scope, "", tags)
    c = Canvas(inner.w + 1, inner.h + 2)  # a margin all round
    c.blit(inner, 1, 1)
    order = sorted((b for b in c.boxes.values() if b.kind in ("state", "container")), key=lambda b: (b.y, b.x))
    title_rows: dict[int, list] = {}
    for b in order:
        title_rows.setdefault(b.y + 1, []).append(b)
    return Picture(c.w, c.h, c.chars, c.tags, tags.items, c.boxes, [b.key for b in order], title_rows)


def render_text(pic: Picture) -> str:
    """The picture as plain text (tests, debugging)."""
    return "\n".join("".join(row).rstrip() for row in pic.chars)
