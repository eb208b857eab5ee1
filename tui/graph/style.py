"""What each part of a picture is drawn in, named by Textual theme variable.

Outcome colours are the run overlay's (``run_overlay.THEME_VARIABLE``); this
adds the parts of a picture that are not about a run. Every format
(SVG, Mermaid, DOT) takes its colours from here and :mod:`.theme`.
"""
from __future__ import annotations

from ..run_overlay import CALLBACK, CAUGHT, FAILED, GLYPH, NOT_RUN, RUNNING, SUCCEEDED, THEME_VARIABLE, WAITING

#: by the TUI graph's component class (``state-graph--<role>`` in tui/app.tcss), the same
#: theme value, so the SVG and the terminal agree; and a picture's own parts. Text the
#: SVG writes on a filled box takes the theme's text shade of that colour (``text-secondary``
#: for ``secondary``), which stays readable on the outcome fills the terminal does not draw.
ROLE = {
    "edge": "foreground-muted",
    "edge-taken": "success",  # an edge the run took
    "edge-catch": "error 70%",
    "label": "text-primary",  # an edge's label ("1", "D", "catch")
    "pill": "foreground-muted",  # ( start ) / ( end )
    "frame": "foreground-muted",  # the outline of a Parallel branch or a Map processor
    "type": "foreground-muted",  # the state type in a box's top border
    "title": "foreground",
    "sub": "foreground-muted",
    "cond": "text-secondary",
    "current": "accent",
    "count": "success",
    # not in the TUI's CSS: the page and a state box nothing coloured
    "background": "background",
    "box": "surface",
}

#: what a picture's legend calls each outcome
LEGEND = {SUCCEEDED: "succeeded", FAILED: "failed", CAUGHT: "caught", WAITING: "waiting for a timer",
          CALLBACK: "waiting for a callback",
          RUNNING: "running", NOT_RUN: "never reached"}
#: drawn in a state's corner, as in the TUI
ICON = {SUCCEEDED: "✓", RUNNING: "▶", NOT_RUN: "", **GLYPH}


def stroke(outcome: str) -> str:
    return THEME_VARIABLE[outcome]


def fill(outcome: str) -> str:
    """A state's fill: the muted shade of its outcome colour."""
    return "box" if outcome == NOT_RUN else THEME_VARIABLE[outcome] + "-muted"


def resolve(role_or_variable: str) -> str:
    """A role or theme value (``error``, ``error 70%``) as ``#rrggbb`` (imports Textual's theme)."""
    from .theme import colour
    return colour(ROLE.get(role_or_variable, role_or_variable))


def badge(node) -> str:
    """``×3 ↻1`` for a NodeRun: visits and retries ("" if none)."""
    if node is None:
        return ""
    parts = []
    if node.visits:
        parts.append(f"×{node.visits}")
    if node.retries:
        parts.append(f"↻{node.retries}")
    return " ".join(parts)


def map_progress(node) -> str:
    """``2/3 done · 1 failed`` for a Map's NodeRun ("" if not a Map run)."""
    prog = getattr(node, "map", None)
    if prog is None:
        return ""
    if prog.total == 0:
        return "empty: no items"
    text = f"{prog.done}/{prog.total} done"
    return text + (f" · {prog.failed} failed" if prog.failed else "")


def taken(edge, overlay) -> bool:
    """Did the run take ``edge`` (a :class:`.model.Edge`, start and end ones included)?"""
    return (edge.src, edge.dst) in overlay.edges
