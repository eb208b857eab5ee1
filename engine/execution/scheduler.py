"""Which frame runs next, and the virtual clock's timers.

Depth first, like a debugger following one thread: the frame that ran last
if it still can, else its own branches/iterations, else its siblings, else
the oldest ready frame. Timers wake a blocked frame, time a callback task
out, or deliver a scripted callback; the clock jumps to the earliest one
only when nothing is ready (decision 7).
"""
from __future__ import annotations

import heapq

from .frames import Frame, Group


def first_ready(heap: list) -> Frame | None:
    """The oldest ready frame of a heap of ``(seq, id, frame)``, dropping stale entries."""
    while heap:
        f = heap[0][2]
        if f.status == "ready":
            return f
        heapq.heappop(heap)
    return None


class Scheduler:
    __slots__ = ("ready", "timers", "seq", "pending")

    def __init__(self, pending: dict) -> None:
        self.ready: list = []  # heap of (seq, id, frame)
        self.timers: list = []  # heap of (time, seq, kind, data); kind: wake | timeout | script
        self.seq = 0
        self.pending = pending  # token -> Pending, shared with the execution

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def make_ready(self, f: Frame) -> None:
        f.status = "ready"
        entry = (f.seq, id(f), f)
        heapq.heappush(self.ready, entry)
        g = f.group
        if g is not None:
            heapq.heappush(g.ready, entry)

    def pick(self, current: Frame | None, frames: list[Frame], frame_id: str | None) -> Frame | None:
        if frame_id is not None:
            for f in frames:
                if f.id == frame_id and f.status == "ready":
                    return f
            return None
        if current is not None:
            if current.status == "ready":
                return current
            for g in (current.owned, current.group):
                f = first_ready(g.ready) if g is not None else None
                if f is not None:
                    return f
        return first_ready(self.ready)

    def any_ready(self) -> bool:
        return first_ready(self.ready) is not None

    # -- timers -----------------------------------------------------------------
    def add_timer(self, when: float, kind: str, data) -> None:
        heapq.heappush(self.timers, (when, self.next_seq(), kind, data))

    def live(self, t) -> bool:
        _, _, kind, data = t
        if kind == "wake":
            return data.status == "blocked"
        p = self.pending.get(data[0])
        if p is None:
            return False
        # A scripted answer due after the task timed out still fires, to be refused with an event.
        return p.status == "waiting" or (kind == "script" and p.status == "timed_out")

    def next_timer(self) -> float | None:
        timers = self.timers
        while timers and not self.live(timers[0]):
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def pop_timer(self):
        """The earliest live timer, removed, or None."""
        while self.timers:
            t = heapq.heappop(self.timers)
            if self.live(t):
                return t
        return None

    def copy(self, memo: dict, pending: dict) -> "Scheduler":
        new = Scheduler(pending)
        new.seq = self.seq
        new.ready = [(s, i, f.copy(memo)) for s, i, f in self.ready if f.status == "ready"]
        heapq.heapify(new.ready)
        new.timers = [(w, s, k, d.copy(memo) if k == "wake" else d) for w, s, k, d in self.timers if self.live((w, s, k, d))]
        heapq.heapify(new.timers)
        return new


__all__ = ["Scheduler", "first_ready", "Group"]
