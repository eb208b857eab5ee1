"""Coverage: which states, Choice branches, Catch rules and Retry rules of a
flow the cases reached, read off the executions' step records.

Names are the places in the definition, not in a run: a state is named by
its node key (``Map1/Price`` for ``Price`` in every iteration of ``Map1``,
``Par.Branch0/Ship`` inside a Parallel branch; the same keys as the graph's
run overlay), a branch ``KEY#Branches[i]`` or ``KEY#Default``, a catch
``KEY#Catch[i]``, a retry ``KEY#Retry[i]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..model import ChoiceState, Flow, MapState, ParallelState, TaskState

KINDS = ("states", "choice_branches", "catches", "retries")
LABELS = {"states": "states", "choice_branches": "choice branches", "catches": "catches", "retries": "retries"}

_INDEX = re.compile(r"\[\d+\]")


def node_key(frame: str, state: str) -> str:
    """The definition key of ``state`` running in ``frame`` (``"Map1[3]"`` -> ``"Map1/Price"``)."""
    return _INDEX.sub("", frame) + "/" + state if frame else state


def universe(flow: Flow) -> dict[str, list[str]]:
    """Everything there is to reach, in definition order."""
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for prefix, s in flow.all_states():
        key = prefix + s.name
        out["states"].append(key)
        if getattr(flow, "format", "v1") == "legacy":
            _legacy(s, key, out)
        elif isinstance(s, ChoiceState):
            out["choice_branches"] += [f"{key}#Branches[{i}]" for i in range(len(s.branches))]
            if s.default:
                out["choice_branches"].append(f"{key}#Default")
        if isinstance(s, (TaskState, ParallelState, MapState)):
            out["catches"] += [f"{key}#Catch[{i}]" for i in range(len(s.catch))]
            out["retries"] += [f"{key}#Retry[{i}]" for i in range(len(s.retry))]
    return out


def _legacy(s, key: str, out: dict) -> None:
    """A legacy step's rules, named as FDL v1's (a choice's choices[i] is Branches[i])."""
    if s.type == "choice":
        out["choice_branches"] += [f"{key}#Branches[{i}]" for i in range(len(s.choices))]
        if s.default is not None:
            out["choice_branches"].append(f"{key}#Default")
    elif s.type == "task":
        out["catches"] += [f"{key}#Catch[{i}]" for i in range(len(s.catch))]
        out["retries"] += [f"{key}#Retry[{i}]" for i in range(len(s.retry))]


def hits(records: Iterable) -> dict[str, set[str]]:
    """What one execution reached, from its StepRecords (``frame``,
    ``state``, ``choice``, ``catch``, ``retries``)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    for rec in records:
        key = node_key(rec.frame, rec.state)
        out["states"].add(key)
        taken = next((c for c in rec.choice if "error" not in c and c.get("value")), None)
        if taken is not None:
            i = taken.get("index")
            out["choice_branches"].add(f"{key}#Default" if i is None else f"{key}#Branches[{i}]")
        if rec.catch:
            out["catches"].add(f"{key}#Catch[{rec.catch['rule']}]")
        for r in rec.retries:
            out["retries"].add(f"{key}#Retry[{r['rule']}]")
    return out


@dataclass
class FlowCoverage:
    """One flow's coverage over every case that ran it."""

    flow: str  # the flow's path as the test files name it
    all: dict[str, list[str]]
    reached: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    cases: int = 0

    @classmethod
    def of(cls, path: str, flow: Flow) -> "FlowCoverage":
        return cls(path, universe(flow))

    def add(self, hit: dict[str, Iterable[str]]) -> None:
        self.cases += 1
        for k in KINDS:
            self.reached[k].update(hit.get(k, ()))

    def missed(self, kind: str) -> list[str]:
        return [x for x in self.all[kind] if x not in self.reached[kind]]

    def covered(self, kind: str) -> int:
        return sum(1 for x in self.all[kind] if x in self.reached[kind])

    def to_json(self) -> dict:
        out: dict = {"flow": self.flow}
        for k in KINDS:
            out[k] = {"total": len(self.all[k]), "covered": self.covered(k), "missed": self.missed(k)}
        return out

    def lines(self) -> list[str]:
        """The ``--coverage`` report of this flow."""
        out = [f"coverage of {self.flow} ({self.cases} case{'s' if self.cases != 1 else ''})"]
        width = max(len(v) for v in LABELS.values())
        absent = []
        for k in KINDS:
            total, got = len(self.all[k]), self.covered(k)
            if not total:
                absent.append(LABELS[k])
                continue
            pct = f"{100 * got // total}%" if got < total else "100%"
            line = f"  {LABELS[k]:<{width}}  {got}/{total} ({pct})"
            missed = self.missed(k)
            if missed:
                line += "  never reached: " + ", ".join(missed)
            out.append(line)
        if absent:
            out.append(f"  (the flow has no {' or '.join(absent)})" if len(absent) < 3
                       else f"  (the flow has no {', '.join(absent[:-1])} or {absent[-1]})")
        return out


def coverage_json(flows: Iterable[FlowCoverage]) -> dict:
    """The ``--coverage-json`` document."""
    return {"flows": [f.to_json() for f in flows]}


__all__ = ["KINDS", "node_key", "universe", "hits", "FlowCoverage", "coverage_json"]
