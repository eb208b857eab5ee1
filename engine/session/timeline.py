"""Checkpoints along one run, so that going back costs the same at any length.

A session keeps a checkpoint every so many units of work (spaced by their
cost: copying a large live state, such as a Map with thousands of
iterations in flight, is spread further apart). Going back to step N is a
restore of the nearest checkpoint at or before N and a replay of the few
units after it. A checkpoint holds only until the run changes: a new
callback, choice or answer after a step back drops those past that point.
"""
from __future__ import annotations

import bisect
import time

from ..execution import checkpoint as cp

MIN_SPACING = 256
MAX_SPACING = 65_536
MAX_CHECKPOINTS = 400
COST_SHARE = 0.05  # at most this share of stepping time goes into taking checkpoints


class Timeline:
    def __init__(self) -> None:
        self.points: list[cp.Checkpoint] = []
        self.spacing = MIN_SPACING
        self._since = time.perf_counter()

    def clear(self) -> None:
        self.points.clear()
        self._since = time.perf_counter()

    def consider(self, ex, extra: dict) -> None:
        """After a unit of work: take a checkpoint if it is time to."""
        last = self.points[-1].step if self.points else 0
        if ex.steps - last < self.spacing or ex.steps <= last:
            return
        t0 = time.perf_counter()
        point = cp.take(ex)
        point.extra = extra
        cost = time.perf_counter() - t0
        stepping = max(t0 - self._since, 1e-9)
        # Keep checkpoints cheap relative to the stepping between them.
        if cost > COST_SHARE * stepping:
            self.spacing = min(MAX_SPACING, self.spacing * 2)
        elif cost < COST_SHARE * stepping / 4 and self.spacing > MIN_SPACING:
            self.spacing //= 2
        self.points.append(point)
        if len(self.points) > MAX_CHECKPOINTS:  # thin out: keep every other one, space further
            self.points = self.points[1::2]
            self.spacing = min(MAX_SPACING, self.spacing * 2)
        self._since = time.perf_counter()

    def nearest(self, step: int) -> cp.Checkpoint | None:
        """The latest usable checkpoint at or before ``step``."""
        i = bisect.bisect_right(self.points, step, key=_step)
        while i and not cp.covered(self.points[i - 1]):
            i -= 1
        return self.points[i - 1] if i else None

    def drop_after(self, step: int) -> None:
        """The run changed at ``step``: checkpoints past it no longer hold."""
        self.points = [p for p in self.points if p.step <= step]
        self._since = time.perf_counter()


def _step(p: cp.Checkpoint) -> int:
    return p.step


__all__ = ["Timeline"]
