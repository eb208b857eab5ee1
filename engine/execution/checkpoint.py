"""Checkpoints: a copy of an execution's state, to resume from later.

Because a run is plain data, a checkpoint copies only what can still
change (live frames, their groups and activations, open records, waiting
tasks, the scheduler) and shares the rest: closed records and emitted
events never change, so the checkpoint keeps the run's event and record
lists and their lengths. Restoring one cuts those lists back to its lengths
and the restored execution appends to them again; the run is deterministic,
so checkpoints further on are *covered* again once it gets back there (and
dropped by the session if it goes another way). The cost of taking or
restoring one is proportional to the live state, not to the length of the
run, which is what makes step back cost about the same at step 2,000 and at
step 100,000.
"""
from __future__ import annotations

from typing import Any

from .frames import LIVE, copy_record
from .scheduler import Scheduler
from .values import SizeCheck


class Checkpoint:
    __slots__ = ("step", "events", "n_events", "records", "n_records", "open_records", "frames", "pending",
                 "sched", "root", "current", "last_enter", "scalars", "random", "door", "extra")

    def __init__(self) -> None:
        self.extra: dict = {}  # what the owner (a session) keeps with it: breakpoint hits, ...


def _copy_state(frames: list, open_records: dict, pending: dict, sched: Scheduler, root, current, last_enter):
    memo: dict = {}
    new_frames = [f.copy(memo) if f.status in LIVE else f for f in frames]
    new_open = {i: copy_record(r, memo) for i, r in open_records.items()}
    new_pending = {t: p.copy(memo) for t, p in pending.items()}
    new_sched = sched.copy(memo, new_pending)
    cp = lambda f: f.copy(memo) if f is not None else None  # noqa: E731
    return new_frames, new_open, new_pending, new_sched, cp(root), cp(current), cp(last_enter)


def take(ex) -> Checkpoint:
    """A checkpoint of ``ex`` between two units of work."""
    c = Checkpoint()
    c.step = ex.steps
    c.events, c.n_events = ex.events, len(ex.events)
    c.records, c.n_records = ex.records, len(ex.records)
    (c.frames, c.open_records, c.pending, c.sched, c.root, c.current,
     c.last_enter) = _copy_state(ex.frames, ex.open_records, ex.pending, ex.sched, ex.root, ex.current, ex.last_enter)
    c.scalars = (ex.clock, ex.status, ex.output, ex.error, ex.steps, ex.started, ex.max_events)
    c.random = ex.random.getstate()
    c.door = ex.door.get_state()
    return c


def restore(c: Checkpoint, flow, input: Any, door, options):
    """A new Execution in the state ``c`` was taken in. ``c`` stays usable."""
    from ..expressions import SeededRandom
    from .core import Execution
    ex = Execution.__new__(Execution)
    ex.flow, ex.input, ex.door, ex.options = flow, input, door, options
    ex.random = SeededRandom(options.seed)
    ex.random.setstate(c.random)
    door.set_state(c.door)
    (ex.clock, ex.status, ex.output, ex.error, ex.steps, ex.started, ex.max_events) = c.scalars
    frames, open_records, pending, sched, root, current, last_enter = _copy_state(
        c.frames, c.open_records, c.pending, c.sched, c.root, c.current, c.last_enter)
    ex.frames, ex.pending, ex.sched, ex.root, ex.current, ex.last_enter = frames, pending, sched, root, current, last_enter
    del c.events[c.n_events:]
    del c.records[c.n_records:]
    records = c.records
    for i, r in open_records.items():
        records[i] = r
    ex.events, ex.records, ex.open_records = c.events, records, open_records
    ex.sizes = SizeCheck(options.data_limit)
    return ex


def covered(c: Checkpoint) -> bool:
    """The run's lists reach this checkpoint (they were cut back by restoring an earlier one)."""
    return c.n_events <= len(c.events) and c.n_records <= len(c.records)


def live_size(ex) -> int:
    """How much a checkpoint of ``ex`` copies (frames and open records), for spacing them."""
    return len(ex.frames) + len(ex.open_records) + len(ex.pending)


__all__ = ["Checkpoint", "take", "restore", "covered", "live_size"]
