"""What a run did to each state of the graph, whatever drew the run.

One overlay feeds every picture of a run: the TUI graph, and
``flowdbg graph --session/--history/--coverage-json`` (SVG, Mermaid, DOT).
It knows nothing of Textual or Rich; colours are named by the theme
variable they take (``$success``...), so the terminal and the SVG agree.

A state's *node key* is its place in the definition, not in the run:
``"Map1/Price"`` for ``Price`` in every iteration of ``Map1``
(see :func:`node_key`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

NOT_RUN, RUNNING, WAITING, SUCCEEDED, FAILED, CAUGHT = "not-run", "running", "waiting", "succeeded", "failed", "caught"
OUTCOMES = (NOT_RUN, RUNNING, WAITING, SUCCEEDED, FAILED, CAUGHT)

#: The theme variable each outcome is drawn in (Textual's theme names).
THEME_VARIABLE = {
    NOT_RUN: "foreground-muted",
    RUNNING: "accent",
    WAITING: "warning",
    SUCCEEDED: "success",
    FAILED: "error",
    CAUGHT: "secondary",
}

# When one node ran several times (a loop, every iteration of a Map), the
# outcome that needs the user's eye most is the one shown.
_PRIORITY = {NOT_RUN: 0, SUCCEEDED: 1, CAUGHT: 2, FAILED: 3, WAITING: 4, RUNNING: 5}

_INDEX = re.compile(r"\[\d+\]")


def node_key(frame: str, state: str) -> str:
    """The graph key of a state running in ``frame`` (``"Map1[3]"`` -> ``"Map1/Price"``)."""
    if not frame:
        return state
    return _INDEX.sub("", frame) + "/" + state


@dataclass
class MapProgress:
    """Iterations of a Map state's latest activation."""

    total: int = 0
    done: int = 0
    failed: int = 0


@dataclass
class NodeRun:
    outcome: str = NOT_RUN
    visits: int = 0
    map: MapProgress | None = None

    def see(self, outcome: str) -> None:
        self.visits += 1
        if _PRIORITY[outcome] >= _PRIORITY[self.outcome]:
            self.outcome = outcome


#: The keys of the top level's ``( start )`` and ``( end )`` pills in the
#: graph picture; an edge from START or to END is taken like any other.
START, END = "^start", "$end"


@dataclass
class RunOverlay:
    """``nodes`` by node key (absent = not run); ``edges`` taken, as
    ``(from_key, to_key)`` (from :data:`START`, to :data:`END` for the top
    level's pills); ``current`` the node keys where the run is now."""

    nodes: dict[str, NodeRun] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)
    current: set[str] = field(default_factory=set)

    def outcome(self, key: str) -> str:
        n = self.nodes.get(key)
        return n.outcome if n is not None else NOT_RUN

    def node(self, key: str) -> NodeRun:
        return self.nodes.setdefault(key, NodeRun())


_RECORD_OUTCOME = {"running": RUNNING, "waiting": WAITING, "succeeded": SUCCEEDED, "failed": FAILED,
                   "caught": CAUGHT}


def overlay_from_records(records: Iterable, events: Iterable = ()) -> RunOverlay:
    """From an execution's step records (``frame``, ``state``, ``status``,
    ``next``, ``parameters``) and, for Map progress, its events."""
    ov = RunOverlay()
    maps: dict[int, MapProgress] = {}  # by the Map activation's record index
    for rec in records:
        key = node_key(rec.frame, rec.state)
        node = ov.node(key)
        outcome = _RECORD_OUTCOME.get(rec.status, RUNNING)
        if outcome == WAITING and rec.type in ("Map", "Parallel"):
            outcome = RUNNING  # waiting for its own iterations or branches: it is what runs
        node.see(outcome)
        if outcome in (RUNNING, WAITING):
            ov.current.add(key)
        if rec.next:
            ov.edges.add((key, node_key(rec.frame, rec.next)))
        elif not rec.frame and outcome == SUCCEEDED and rec.type not in ("Succeed", "Fail"):
            ov.edges.add((key, END))  # End: true at the top level
        if rec.index == 0:
            ov.edges.add((START, key))
        if rec.type == "Map":
            params = rec.parameters if isinstance(rec.parameters, dict) else {}
            total = params.get("Items")
            node.map = maps[rec.index] = MapProgress(total=total if isinstance(total, int) else 0)
    for ev in events:
        if ev.type == "IterationExited" and ev.step in maps:
            prog = maps[ev.step]
            failed = isinstance(ev.detail, dict) and "error" in ev.detail
            if failed:
                prog.failed += 1
            else:
                prog.done += 1
    return ov


__all__ = ["START", "END", "NOT_RUN", "RUNNING", "WAITING", "SUCCEEDED", "FAILED", "CAUGHT", "OUTCOMES", "THEME_VARIABLE",
           "node_key", "MapProgress", "NodeRun", "RunOverlay", "overlay_from_records"]
