"""Graphviz DOT of a flow (``dot -Tsvg flow.dot > flow.svg``).

Parallel and Map states are clusters (``compound=true``), a Parallel's
branches nested in it. Each container has two invisible points, where its
branches begin and end, so an edge into the container stops at its border
(``lhead``) and the state after it is ranked below everything inside.

With a run the picture takes the theme's colours (dark background, states
by outcome, taken edges bold); without one it is Graphviz's plain black on
white.
"""
from __future__ import annotations

from ..run_overlay import NOT_RUN
from . import style
from .model import CATCH, CHOICE, DEFAULT, END, START, FlowGraph, Node, Scope


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render(graph: FlowGraph, overlay=None, *, caption: str = "") -> str:
    d = _Dot(graph, overlay)
    title = " · ".join(x for x in (graph.name, caption) if x)
    lines = [f"digraph {quote(graph.name or 'flow')} {{",
             "  compound=true; rankdir=TB; newrank=true; nodesep=0.35; ranksep=0.45;",
             f"  label={quote(title)}; labelloc=t; fontname=\"Helvetica\";"]
    lines.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
                 + (d.node_colours() if overlay is not None else 'fillcolor="#f4f4f4"') + "];")
    lines.append("  edge [fontname=\"Helvetica\", fontsize=10" + (d.edge_colours() if overlay is not None else "") + "];")
    if overlay is not None:
        lines.append(f"  bgcolor={quote(d.c('background'))}; fontcolor={quote(d.c('title'))};")
    lines.append(f"  {quote(START)} [label=\"start\", shape=circle, width=0.5, fixedsize=true, style=filled];")
    if any(e.dst == END for e in graph.edges):
        lines.append(f"  {quote(END)} [label=\"end\", shape=doublecircle, width=0.45, fixedsize=true, style=filled];")
    d.scope(graph.root, lines, "  ")
    for e in graph.edges:
        lines.append("  " + d.edge(e))
    lines.append("}")
    return "\n".join(lines) + "\n"


class _Dot:
    def __init__(self, graph: FlowGraph, overlay):
        self.g, self.ov = graph, overlay
        self.c = style.resolve

    def node_colours(self) -> str:
        c = self.c
        return f"color={quote(c(style.stroke(NOT_RUN)))}, fontcolor={quote(c('title'))}, fillcolor={quote(c('box'))}"

    def edge_colours(self) -> str:
        c = self.c
        return f", color={quote(c('edge'))}, fontcolor={quote(c('sub'))}"

    def label(self, node: Node, left: bool = False) -> str:
        """Name, type and what the run did, one per line (``left``: left-justified, for a cluster)."""
        parts = [node.name, node.subtitle]
        if self.ov is not None:
            run = self.ov.nodes.get(node.key)
            extra = [x for x in (style.map_progress(run), style.badge(run)) if x]
            if extra:
                parts.append(" · ".join(extra))
        if not left:
            return quote("\n".join(parts))
        return '"' + "".join(quote(p)[1:-1] + "\\l" for p in parts) + '"'

    def run_attrs(self, key: str) -> str:
        if self.ov is None:
            return ""
        c, o = self.c, self.ov.outcome(key)
        attrs = [f"color={quote(c(style.stroke(o)))}", f"fillcolor={quote(c(style.fill(o)))}",
                 f"penwidth={'3' if key in self.ov.current else '2' if o != NOT_RUN else '1'}"]
        if o == NOT_RUN:
            attrs += ['style="rounded,filled,dashed"', f"fontcolor={quote(c('sub'))}"]
        return ", " + ", ".join(attrs)

    def scope(self, scope: Scope, lines: list, pad: str) -> None:
        for node in scope.nodes:
            if node.container:
                self.container(node, lines, pad)
                continue
            shape = {"Choice": "diamond", "Succeed": "box", "Fail": "box"}.get(node.kind, "box")
            extra = ', style="filled", peripheries=2' if node.kind in ("Succeed", "Fail") and self.ov is None else ""
            if shape == "diamond":
                extra += ", margin=0.02"
            lines.append(f"{pad}{quote(node.key)} [label={self.label(node)}, shape={shape}{extra}{self.run_attrs(node.key)}];")

    def container(self, node: Node, lines: list, pad: str) -> None:
        c = self.c
        lines.append(f"{pad}subgraph {quote('cluster_' + node.key)} {{")
        lines.append(f"{pad}  label={self.label(node, left=True)}; style=\"rounded\"; labeljust=l;")
        if self.ov is not None:
            o = self.ov.outcome(node.key)
            lines.append(f"{pad}  style=\"rounded,filled{',dashed' if o == NOT_RUN else ''}\"; "
                         f"color={quote(c(style.stroke(o)))}; fillcolor={quote(c(style.fill(o)))}; "
                         f"fontcolor={quote(c('title'))}; penwidth=2;")
        lines.append(f"{pad}  {quote(node.key + '/^in')} [shape=point, style=invis, width=0.01];")
        lines.append(f"{pad}  {quote(node.key + '/$out')} [shape=point, style=invis, width=0.01];")
        for sub in node.scopes:
            inner = pad + "  "
            if len(node.scopes) > 1:
                lines.append(f"{inner}subgraph {quote('cluster_' + sub.prefix)} {{")
                lines.append(f"{inner}  label={quote(sub.label)}; style=\"dashed\"; labeljust=l;"
                             + (f" color={quote(c('frame'))}; fontcolor={quote(c('sub'))};" if self.ov else ""))
                inner += "  "
            self.scope(sub, lines, inner)
            if len(node.scopes) > 1:
                lines.append(f"{pad}  }}")
            lines.append(f"{pad}  {quote(node.key + '/^in')} -> {quote(self.anchor(sub.start, '/^in'))} [style=invis];")
            for last in _last(sub, self.g):
                lines.append(f"{pad}  {quote(last)} -> {quote(node.key + '/$out')} [style=invis];")
        lines.append(f"{pad}}}")

    def anchor(self, key: str, point: str) -> str:
        """The node an edge to or from ``key`` attaches to: a container's entry or exit point."""
        node = self.g.nodes.get(key)
        return key + point if node is not None and node.container else key

    def edge(self, e) -> str:
        src, dst, attrs = e.src, e.dst, []
        if src in self.g.nodes and self.g.nodes[src].container:
            attrs.append(f"ltail={quote('cluster_' + src)}")
            src = src + "/$out"
        if dst in self.g.nodes and self.g.nodes[dst].container:
            attrs.append(f"lhead={quote('cluster_' + dst)}")
            dst = dst + "/^in"
        if e.kind in (CHOICE, DEFAULT, CATCH):
            attrs.append(f"label={quote(e.label)}")
        if e.kind == CATCH:
            attrs.append("style=dashed")
            if self.ov is not None:
                attrs.append(f"color={quote(self.c('edge-catch'))}")
        if self.ov is not None and style.taken(e, self.ov):
            attrs.append("penwidth=2.5")
            if e.kind != CATCH:
                attrs.append(f"color={quote(self.c('edge-taken'))}")
        return f"{quote(src)} -> {quote(dst)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";"


def _last(scope: Scope, graph: FlowGraph) -> list[str]:
    """States of a scope that end it (no transition inside the scope): the
    container's exit point hangs below them."""
    inside = {n.key for n in scope.nodes}
    out = []
    for n in scope.nodes:
        if not any(e.dst in inside and e.kind != CATCH for e in graph.successors(n.key)):
            out.append(n.key + "/$out" if n.container else n.key)
    return out or [scope.start + "/$out" if graph.nodes[scope.start].container else scope.start]
