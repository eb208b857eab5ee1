"""Lay out a flow's states as a character picture for :class:`StateGraph`.

Each scope (the flow, a Parallel branch, a Map processor) is laid out on
its own with grandalf's Sugiyama layout (layers top to bottom, crossings
minimised, long edges through dummy vertices); a Parallel or Map box holds
its laid-out inner scopes side by side. The drawing is compact: a box is a
top border carrying the state type, its name wrapped on up to two lines,
and a bottom border where the edges leave, labelled (``1``, ``2`` for a
Choice's branches, ``D`` its Default, ``catch``). An edge costs one row
between layers (none at ``detail=0`` where it runs straight) and ends in an
arrowhead in the target's top border; loops run back up in lanes on the
right. Only the top level has ``( start )`` and ``( end )``.

grandalf stays: it is pure Python, orders layers well for flows this size,
and a scope is small; y positions are computed here so rows are not wasted.

``detail``: 0 tight, 1 normal (the type and a short detail in the border),
2 detailed (wider names, a subtitle line, a Choice's conditions).
:func:`outline_flow` draws one line per state instead.
Markers (current state, counts, breakpoints, Map progress) are drawn by the
widget in cells reserved here, so a step never re-lays out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.cells import cell_len

from ..run_overlay import END, START, node_key  # noqa: F401 (the graph keys; re-exported)
from .graph_canvas import (DOWN, LINES, UP, Box, Canvas, Edge, Picture, Tags, fit, picture,  # noqa: F401
                           render_text, walk, wrap)
from .graph_outline import outline_flow  # noqa: F401
from ..state_text import condition_lines, subtitle  # noqa: F401
from flowdbg.engine.model import ChoiceState, FailState, MapState, ParallelState, Scope, SucceedState

XSPACE = 2
NAME_W = {0: 26, 1: 26, 2: 34}  # widest name line inside a box
MIN_W = 16  # narrowest box (room for the type and an arrow in the top border)
MARK_W = 4  # left of the name: border, current, breakpoint, outcome
COUNT_W = {"Map": 9}  # right of the first name line: ×N, or a Map's done/total


@dataclass
class _Node:
    key: str
    name: str
    kind: str
    w: int
    h: int
    state: object = None
    names: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # detail lines (kind, text)
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
    def __init__(self, scope: Scope, prefix: str, tags: Tags, detail: int, top: bool, name_w: int):
        self.scope, self.prefix, self.tags, self.detail, self.top = scope, prefix, tags, detail, top
        self.name_w = name_w
        self.nodes: dict[str, _Node] = {}
        self.edges: list[tuple[str, str, str, str]] = []  # (src, dst, label, kind)

    def key(self, name: str) -> str:
        return self.prefix + name

    # -- nodes and edges ------------------------------------------------------
    def build(self) -> None:
        end = END
        if self.top:
            start = START
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
                if (st.end or not st.next) and self.top:
                    if end not in self.nodes:  # a blank row on top takes the arrowhead
                        self.nodes[end] = _Node(end, "end", "end", 7, 2)
                    self.edges.append((k, end, "", "end"))
                elif st.next:
                    add(st.next, "", "next")
            for c in getattr(st, "catch", ()):
                add(c.next, "catch", "catch")
            for tk, labels in out.items():
                if any(tk == self.key(n) for n in self.scope.states):
                    self.edges.append((k, tk, ",".join(labels), kinds[tk]))
        if end in self.nodes:  # the end pill last, so it is drawn at the bottom
            self.nodes[end] = self.nodes.pop(end)
        for i, n in enumerate(self.nodes.values()):
            n.order = i

    def _node(self, key: str, st) -> _Node:
        d = self.detail
        label = getattr(st, "label", "") or st.name  # a legacy view state is named by its key
        names = wrap(label, self.name_w, 2 if self.name_w >= 20 else 3)
        lines = []
        if d >= 2:  # (the subtitle is in the top border)
            if isinstance(st, ChoiceState):
                lines += [("cond", c) for c in condition_lines(st)]
        count = COUNT_W.get(st.type, 4)
        inner_w = max([cell_len(names[0]) + count] + [cell_len(x) for x in names[1:]] +
                      [cell_len(t) for _, t in lines])
        w = max(MARK_W + inner_w + 2, MIN_W)
        if d >= 2:
            w = min(w, MARK_W + self.name_w + count + 2)
        if isinstance(st, (ParallelState, MapState)):
            if isinstance(st, ParallelState):
                subs = [(f"Branch{i}", layout_scope(b, f"{key}.Branch{i}/", self.tags, d, name_w=self.name_w))
                        for i, b in enumerate(st.branches)]
            else:
                subs = [("each item", layout_scope(st.processor, f"{key}/", self.tags, d, name_w=self.name_w))]
            inner = 1 + sum(c.w + 2 for _, c in subs) + (len(subs) - 1) + 1
            w = max(w, inner, 2 + max(cell_len(lb) + 4 for lb, _ in subs))
            names = wrap(label, max(self.name_w, w - MARK_W - count - 2))  # as wide as the box
            h = 1 + len(names) + len(lines) + 1 + max(c.h for _, c in subs) + 1
            return _Node(key, label, "container", w, h, st, names, lines, subs)
        return _Node(key, label, "state", w, 2 + len(names) + len(lines), st, names, lines)

    # -- placement --------------------------------------------------------------
    def place(self) -> Canvas:
        from grandalf.graphs import Edge as GEdge, Graph, Vertex
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
            e = GEdge(verts[a], verts[b])
            e.view = _EView()
            e.meta = (label, kind)
            gedges.append(e)
        g = Graph(list(verts.values()), gedges)
        comps = sorted(g.C, key=lambda c: min(self.nodes[v.data].order for v in c.sV))
        canvases = [self._place_component(comp, SugiyamaLayout) for comp in comps]
        out = Canvas(sum(c.w for c in canvases) + 2 * (len(canvases) - 1), max(c.h for c in canvases))
        x = 0
        for c in canvases:
            out.blit(c, x, 0)
            x += c.w + 2
        for k in self_loops:
            b = out.boxes.get(k)
            if b is not None and out.blank(b.right + 1, b.title_y):
                out.put(b.right + 1, b.title_y, "↺", self.tags("edge", "next"))
                out.edges.append(Edge(k, k, "next", "", [(b.right + 1, b.title_y)]))
        return out

    def _place_component(self, comp, SugiyamaLayout) -> Canvas:
        sug = SugiyamaLayout(comp)
        sug.xspace, sug.yspace = XSPACE, 1
        sug.dw, sug.dh = 1, 1
        roots = [v for v in comp.sV if self.nodes[v.data].kind == "start"]
        if not roots:
            roots = sorted(comp.sV, key=lambda v: self.nodes[v.data].order)[:1]
        self._init(sug, comp, roots)
        sug.draw(2)
        real = list(comp.sV)
        realset = set(real)
        dummies = [d for layer in sug.layers for d in layer if d not in realset]
        lefts = [v.view.xy[0] - v.view.w / 2 for v in real] + [d.view.xy[0] for d in dummies]
        shift = -min(lefts)
        rank = {v.data: sug.grx[v].rank for v in real}
        nranks = max(rank.values()) + 1
        xs = {v.data: _round(v.view.xy[0] - self.nodes[v.data].w / 2 + shift) for v in real}
        height = [0] * nranks
        for k, r in rank.items():
            height[r] = max(height[r], self.nodes[k].h)
        for r in range(nranks):
            height[r] = height[r] or 1  # a layer of dummies only
        # routes as x per rank: forward edges pass ranks through their dummies
        routes = []
        for e in comp.sE:
            a, b = e.v[0].data, e.v[1].data
            back = rank[a] >= rank[b]
            mids = []
            if not back:
                ctrl = sug.ctrls.get(e, {})
                mids = [_round(ctrl[r].view.xy[0] + shift) for r in range(rank[a] + 1, rank[b])]
            routes.append([e, a, b, back, mids])
        out_port, in_port = self._ports(routes, xs)
        # which gaps between layers need a row: all of them, except (detail 0)
        # those every edge crosses straight
        need = [self.detail > 0] * nranks
        top_row = False
        for i, (e, a, b, back, mids) in enumerate(routes):
            if back:
                need[rank[a]] = True
                if rank[b] == 0:
                    top_row = True
                else:
                    need[rank[b] - 1] = True
                continue
            path = [out_port[i]] + mids + [in_port[i]]
            for j, r in enumerate(range(rank[a], rank[b])):
                if path[j] != path[j + 1] or e.meta[0] or self.nodes[b].kind == "end":
                    need[r] = True
        ys = [1 if top_row else 0]
        for r in range(nranks - 1):
            ys.append(ys[r] + height[r] + (1 if need[r] else 0))
        boxes: dict[str, Box] = {}
        for k, n in self.nodes.items():
            if k in rank:
                boxes[k] = Box(k, n.name, n.kind, xs[k], ys[rank[k]], n.w, n.h, getattr(n.state, "line", 0),
                               getattr(n.state, "end_line", 0), getattr(n.state, "type", ""),
                               name_lines=tuple(n.names))
        width = max(max(b.right for b in boxes.values()) + 1,
                    max((_round(d.view.xy[0] + shift) + 1 for d in dummies), default=0))
        nback = sum(1 for r in routes if r[3])
        canvas = Canvas(width + 2 * nback, ys[-1] + height[-1])
        gap = [ys[r] + height[r] for r in range(nranks)]  # the row below each layer
        masks: dict[tuple[int, int], int] = {}
        edge_tag: dict[tuple[int, int], int] = {}
        arrows, labels = [], []
        lane = 0
        for i, (e, a, b, back, mids) in enumerate(routes):
            label, kind = e.meta
            ba, bb = boxes[a], boxes[b]
            px, qx = out_port[i], in_port[i]
            end_y = bb.y  # the arrowhead's row: the target's top border
            pts = [(px, ba.bottom + 1)]
            if not back:
                path = [px] + mids + [qx]
                cur = px
                for j, r in enumerate(range(rank[a], rank[b])):
                    if need[r]:
                        pts += [(cur, gap[r]), (path[j + 1], gap[r])]
                        cur = path[j + 1]
                pts.append((qx, end_y - 1))
            else:
                lx = width + 2 * lane
                lane += 1
                above = bb.y - 1
                pts += [(px, gap[rank[a]]), (lx, gap[rank[a]]), (lx, above), (qx, above), (qx, end_y - 1)]
            tag = self.tags("edge", "catch" if kind == "catch" else "next")
            if not back:
                pts = [p for p in pts if ba.bottom < p[1] < end_y]
            cells = walk(pts, masks, edge_tag, tag)
            if back or ba.bottom + 1 < end_y:
                last = (qx, end_y - 1)
                for pt, d in ((pts[0], UP), (last, DOWN)):  # join the border above and the arrow below
                    masks[pt] = masks.get(pt, 0) | d
                    edge_tag[pt] = tag
                    cells.add(pt)
            arrows.append((qx, end_y, kind, px, ba))
            cells.add((qx, end_y))
            canvas.edges.append(Edge(a, b, kind, label, sorted(cells)))
            if label:
                labels.append((px, ba.bottom, label, kind))
        for (x, y), m in masks.items():
            if 0 <= y < canvas.h and 0 <= x < canvas.w:
                canvas.chars[y][x] = LINES.get(m, "┼")
                canvas.tags[y][x] = edge_tag[(x, y)]
        first_in: dict[str, int] = {}
        for i, (e, a, b, back, mids) in enumerate(routes):
            first_in[b] = min(first_in.get(b, 10 ** 9), in_port[i])
        for k, b in boxes.items():
            self._draw(canvas, self.nodes[k], b, first_in.get(k, b.right) - b.x - 3)
        for qx, y, kind, px, ba in arrows:
            canvas.put(qx, y, "▼", self.tags("arrow", "catch" if kind == "catch" else "next"))
            if ba.kind in ("state", "container"):
                canvas.put(px, ba.bottom, "┬", self.tags("border" if ba.kind == "state" else "cborder", ba.key))
        for x, y, text, kind in labels:
            tag = self.tags("label", "catch" if kind == "catch" else "next")
            n = cell_len(text)
            if all(canvas.chars[y][x + 1 + j] == "─" for j in range(n) if x + 1 + j < canvas.w):
                canvas.put(x + 1, y, text, tag)
            elif all(canvas.chars[y][x - n + j] == "─" for j in range(n) if x - n + j >= 0):
                canvas.put(x - n, y, text, tag)
        return canvas

    def _init(self, sug, comp, roots) -> None:
        """grandalf's init_all, with one change: a Fail state only reached
        by Catch edges sinks to the deepest layer, so the error path runs
        down the side instead of widening the layer where the error can
        happen (the console draws it the same way)."""
        _ = sug.g.get_scs_with_feedback(roots)
        sug.alt_e = [x for x in sug.g.sE if x.feedback]
        sug.rank_all(roots)
        states = [v for v in comp.sV if self.nodes[v.data].kind in ("state", "container")]
        deepest = max((sug.grx[v].rank for v in states), default=0)
        for v in states:
            node, gv = self.nodes[v.data], sug.grx[v]
            ins = v.e_in()
            if (isinstance(node.state, FailState) and ins and not v.e_out() and gv.rank < deepest
                    and all(getattr(e, "meta", ("", ""))[1] == "catch" for e in ins)):
                sug.layers[gv.rank].remove(v)
                gv.rank = deepest
                sug.layers[deepest].append(v)
        for e in sug.g.E():
            sug.setdummies(e)
        for layer in sug.layers:
            layer.setup(sug)
        sug.initdone = True

    def _ports(self, routes, xs):
        """Where each edge leaves its source (bottom border) and enters its
        target (top border), spread by the other end's position."""
        outs: dict[str, list] = {}
        ins: dict[str, list] = {}
        for i, (e, a, b, back, mids) in enumerate(routes):
            outs.setdefault(a, []).append((back, (mids[0] if mids else xs[b] + self.nodes[b].w / 2), i))
            ins.setdefault(b, []).append((back, (mids[-1] if mids else xs[a] + self.nodes[a].w / 2), i))
        out_port, in_port = {}, {}
        for k, lst in outs.items():
            for j, item in enumerate(sorted(lst)):
                out_port[item[2]] = self._port(k, xs[k], j, len(lst))
        for k, lst in ins.items():
            for j, item in enumerate(sorted(lst)):
                in_port[item[2]] = self._port(k, xs[k], j, len(lst), incoming=True)
        for i, (e, a, b, back, mids) in enumerate(routes):  # straighten one-to-one edges
            if back or mids or len(outs[a]) != 1 or len(ins[b]) != 1:
                continue
            na, nb = self.nodes[a], self.nodes[b]
            lo_b, hi_b = xs[b] + self._type_min(nb), xs[b] + nb.w - 3
            lo_a, hi_a = xs[a] + 2, xs[a] + na.w - 3
            if nb.kind == "end":
                continue
            if lo_b <= out_port[i] <= hi_b:
                in_port[i] = out_port[i]
            elif na.kind not in ("start", "end") and lo_a <= in_port[i] <= hi_a:
                out_port[i] = in_port[i]
        return out_port, in_port

    def _port(self, key: str, x: int, i: int, n: int, incoming: bool = False) -> int:
        node = self.nodes[key]
        lo, hi = x + 2, x + node.w - 3
        if incoming:  # arrows land right of the state type in the top border
            lo = min(x + self._type_min(node), hi)
        if node.kind in ("start", "end") or n == 1:
            return min(max(x + node.w // 2, lo), hi) if node.kind not in ("start", "end") else x + node.w // 2
        return lo + _round(i * (hi - lo) / (n - 1))

    @staticmethod
    def _type_min(node: _Node) -> int:
        return cell_len(node.state.type) + 4 if node.state is not None else 2

    def _draw(self, c: Canvas, n: _Node, b: Box, room: int = 0) -> None:
        t = self.tags
        if n.kind in ("start", "end"):
            c.put(b.x, b.bottom, "( start )" if n.kind == "start" else "( end )", t("pill", n.kind))
            c.boxes[b.key] = b
            return
        border = t("border" if n.kind == "state" else "cborder", n.key)
        c.put(b.x, b.y, "╭" + "─" * (b.w - 2) + "╮", border)
        label = self._type_label(n.state)
        if cell_len(label) > room:
            label = n.state.type  # the whole detail or none of it
        c.put(b.x + 2, b.y, label, t("type", n.key))
        rows = len(n.names) + len(n.lines)
        for y in range(b.y + 1, b.y + 1 + rows):
            c.put(b.x, y, "│", border)
            c.put(b.right, y, "│", border)
            c.put(b.x + 1, y, " " * (b.w - 2), t("body", n.key))
        for i, name in enumerate(n.names):
            c.put(b.x + MARK_W, b.y + 1 + i, name, t("title", n.key))
        for i, (kind, text) in enumerate(n.lines):
            c.put(b.x + MARK_W, b.y + 1 + len(n.names) + i, fit(text, b.w - MARK_W - 2), t(kind, n.key))
        c.put(b.x, b.bottom, "╰" + "─" * (b.w - 2) + "╯", border)
        c.boxes[b.key] = b
        if n.kind != "container":
            return
        y0 = b.y + 1 + rows
        ft = t("frame", n.key)
        c.put(b.x, y0, "├" + "┄" * (b.w - 2) + "┤", border)
        for y in range(y0 + 1, b.bottom):
            c.put(b.x, y, "│", border)
            c.put(b.right, y, "│", border)
        x = b.x + 1
        for i, (label, inner) in enumerate(n.inner):
            if i:
                c.put(x, y0, "┬", ft)
                for y in range(y0 + 1, b.bottom):
                    c.put(x, y, "┆", ft)
                c.put(x, b.bottom, "┴", border)
                x += 1
            c.put(x + 1, y0, f" {label} ", ft)
            c.blit(inner, x + 1, y0 + 1)
            x += inner.w + 2

    def _type_label(self, st) -> str:
        return subtitle(st) if self.detail >= 1 else st.type


def layout_scope(scope: Scope, prefix: str, tags: Tags, detail: int = 1, top: bool = False,
                 name_w: int | None = None) -> Canvas:
    s = _ScopeLayout(scope, prefix, tags, detail, top, name_w or NAME_W[detail])
    s.build()
    return s.place()


def layout_flow(flow, detail: int = 1, name_w: int | None = None) -> Picture:
    """Lay out every state of ``flow`` (a ``flowdbg.engine.model.Flow``, or a legacy flow
    through its FDL v1 shaped view); ``name_w``: the widest name line (narrower boxes,
    names on more lines)."""
    if getattr(flow, "format", "v1") == "legacy":
        from .legacy_view import view
        flow = view(flow)
    tags = Tags()
    inner = layout_scope(flow.scope, "", tags, detail, top=True, name_w=name_w)
    c = Canvas(inner.w + 1, inner.h + 1)  # a margin left and below
    c.blit(inner, 1, 0)
    return picture(c, tags, detail)
