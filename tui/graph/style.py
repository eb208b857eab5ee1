"""What each part of a picture is drawn in, named by Textual theme variable.

Outcome colours are the run overlay's (``run_overlay.THEME_VARIABLE``); this
adds the parts of a picture that are not about a run. Every format
(SVG, Mermaid, DOT) takes its colours from here and :mod:`.theme`.
"""
from __future__ import annotations

from ..run_overlay import CAUGHT, FAILED, NOT_RUN, RUNNING, SUCCEEDED, THEME_VARIABLE, WAITING

ROLE = {
    "background": "background",
    "box": "surface",  # a state's fill when no run colours it
    "title": "foreground",
    "subtitle": "foreground-muted",
    "condition": "text-primary",
    "edge": "foreground-muted",
    "catch": "error",
    "taken": "foreground",  # an edge the run took
    "label": "text-primary",
    "label-catch": "text-error",
    "frame": "foreground-muted",  # the outline of a Parallel branch or a Map processor
    "pill": "foreground-muted",
}

#: what a picture's legend calls each outcome
LEGEND = {SUCCEEDED: "succeeded", FAILED: "failed", CAUGHT: "caught", WAITING: "waiting for a callback",
          RUNNING: "running", NOT_RUN: "never reached"}
#: drawn in a state's corner, as in the TUI
ICON = {SUCCEEDED: "✓", FAILED: "✗", CAUGHT: "↯", WAITING: "⧗", RUNNING: "▶", NOT_RUN: ""}


def stroke(outcome: str) -> str:
    return THEME_VARIABLE[outcome]


def fill(outcome: str) -> str:
    """A state's fill: the muted shade of its outcome colour."""
    return "box" if outcome == NOT_RUN else THEME_VARIABLE[outcome] + "-muted"


def resolve(role_or_variable: str) -> str:
    """A role or theme variable as ``#rrggbb`` (imports Textual's theme)."""
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
    text = f"{prog.done}/{prog.total} done"
    return text + (f" · {prog.failed} failed" if prog.failed else "")


def taken(edge, overlay) -> bool:
    """Did the run take ``edge`` (a :class:`.model.Edge`)? Start and end
    edges count when the state at their other end ran (and succeeded)."""
    from .model import BEGIN, FINISH
    if edge.kind == BEGIN:
        return overlay.outcome(edge.dst) != NOT_RUN
    if edge.kind == FINISH:
        return overlay.outcome(edge.src) == SUCCEEDED
    return (edge.src, edge.dst) in overlay.edges
