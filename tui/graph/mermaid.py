"""Mermaid flowchart of a flow, to paste into GitHub or GitLab Markdown as is.

Parallel and Map states are subgraphs (a Parallel's branches nested inside
it), so edges into and out of them attach to the whole box. Every label is
quoted, with Mermaid's entity codes for the characters its parser or the
page's HTML would take (``"``, ``#``, ``<``, ``>``, ``&``, ``|``, backquote).

With a run, states get one class per outcome (colours from the theme, text
colour set so they read on a light or a dark page) and taken edges a
``linkStyle``; without one the output has no colours, so it follows the
page's own Mermaid theme.
"""
from __future__ import annotations

import re

from ..run_overlay import NOT_RUN, OUTCOMES
from . import style
from .model import CATCH, CHOICE, DEFAULT, END, START, FlowGraph, Node, Scope

_ENTITIES = [("#", "#35;"), ("&", "#38;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"),
             ("`", "#96;")]


def escape(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label."""
    text = " ".join(str(text).split())
    for ch, code in _ENTITIES:  # "#" first: the codes themselves start with it
        text = text.replace(ch, code)
    return text


def render(graph: FlowGraph, overlay=None, *, caption: str = "") -> str:
    ids = _Ids()
    lines = ["flowchart TD"]
    if graph.name or caption:
        lines.append(f"  %% {' · '.join(x for x in (graph.name, caption) if x)}".replace("\n", " "))
    lines.append(f'  {ids(START)}(("start"))')
    if any(e.dst == END for e in graph.edges):
        lines.append(f'  {ids(END)}(("end"))')
    _scope(graph.root, lines, ids, overlay, "  ")
    taken, links = [], []
    for e in graph.edges:
        arrow = "-.->" if e.kind == CATCH else "-->"
        label = e.label if e.kind in (CHOICE, DEFAULT, CATCH) else ""
        text = f'|"{escape(label)}"|' if label else ""
        links.append(f"  {ids(e.src)} {arrow}{text} {ids(e.dst)}")
        if overlay is not None and style.taken(e, overlay):
            taken.append(len(links) - 1)
    lines += links
    if overlay is not None:
        lines += _styles(graph, overlay, ids, taken)
    return "\n".join(lines) + "\n"


def _label(node: Node, overlay) -> str:
    parts = [node.name, node.subtitle]
    if overlay is not None:
        run = overlay.nodes.get(node.key)
        extra = [x for x in (style.map_progress(run), style.badge(run)) if x]
        if extra:
            parts.append(" · ".join(extra))
    # A subgraph's title gets one line of room: more would run into its content.
    return " · ".join(escape(p) for p in parts) if node.container else "<br/>".join(escape(p) for p in parts)


def _scope(scope: Scope, lines: list, ids, overlay, pad: str) -> None:
    for node in scope.nodes:
        label = _label(node, overlay)
        if node.container:
            lines.append(f'{pad}subgraph {ids(node.key)}["{label}"]')
            lines.append(f"{pad}  direction TB")
            if len(node.scopes) == 1:  # a Map: its processor's states sit in the Map's box
                _scope(node.scopes[0], lines, ids, overlay, pad + "  ")
            else:
                for sub in node.scopes:
                    lines.append(f'{pad}  subgraph {ids(sub.prefix)}["{escape(sub.label)}"]')
                    lines.append(f"{pad}    direction TB")
                    _scope(sub, lines, ids, overlay, pad + "    ")
                    lines.append(f"{pad}  end")
            lines.append(f"{pad}end")
        elif node.kind == "Choice":
            lines.append(f'{pad}{ids(node.key)}{{{{"{label}"}}}}')
        elif node.kind in ("Succeed", "Fail"):
            lines.append(f'{pad}{ids(node.key)}(["{label}"])')
        else:
            lines.append(f'{pad}{ids(node.key)}("{label}")')


def _styles(graph: FlowGraph, overlay, ids, taken: list) -> list:
    c = style.resolve
    out = []
    by_outcome: dict[str, list] = {}
    containers = []
    for key, node in graph.nodes.items():
        o = overlay.outcome(key)
        (containers if node.container else by_outcome.setdefault(o, [])).append((key, o))
    for o in OUTCOMES:
        if o not in by_outcome:
            continue
        out.append(f"  classDef {_class(o)} {_css(o, c)}")
        out.append(f"  class {','.join(ids(k) for k, _ in by_outcome[o])} {_class(o)}")
    for key, o in containers:
        out.append(f"  style {ids(key)} {_css(o, c)}")
        for sub in graph.nodes[key].scopes if len(graph.nodes[key].scopes) > 1 else ():
            out.append(f"  style {ids(sub.prefix)} fill:{c('background')},stroke:{c('frame')},color:{c('sub')}")
    current = [ids(k) for k in sorted(overlay.current) if k in graph.nodes and not graph.nodes[k].container]
    if current:
        out.append("  classDef current stroke-width:4px")
        out.append(f"  class {','.join(current)} current")
    if taken:
        out.append(f"  linkStyle {','.join(map(str, taken))} stroke:{c('edge-taken')},stroke-width:3px")
    return out


def _class(outcome: str) -> str:
    return "unreached" if outcome == NOT_RUN else outcome


def _css(outcome: str, c) -> str:
    text = c("foreground") if outcome != NOT_RUN else c("foreground-muted")
    css = f"fill:{c(style.fill(outcome))},stroke:{c(style.stroke(outcome))},color:{text},stroke-width:2px"
    return css + (",stroke-dasharray:4 3" if outcome == NOT_RUN else "")


class _Ids:
    """Mermaid ids from node keys: readable, ASCII, unique, never a keyword."""

    def __init__(self):
        self.ids: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, key: str) -> str:
        got = self.ids.get(key)
        if got is None:
            base = "start" if key == START else "stop" if key == END else re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_")
            base = "s_" + (base[:40] or "state")
            got, n = base, 2
            while got in self.used:
                got, n = f"{base}_{n}", n + 1
            self.ids[key] = got
            self.used.add(got)
        return got
