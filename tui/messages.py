"""Messages the debugger's widgets post to the main screen.

Each is a small dataclass: widgets say *what the user picked*; the main
screen decides what to do with the session (widgets never drive the engine).
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StateHighlighted(Message):
    """The graph cursor moved to a state (``key`` as in ``Flow.all_states``)."""

    key: str
    name: str
    line: int
    end_line: int


@dataclass
class StateActivated(Message):
    """Enter / double click on a state: inspect its latest activation."""

    key: str
    name: str


@dataclass
class EventSelected(Message):
    """A history row was picked; ``step`` indexes ``execution.records``."""

    event_id: int
    step: int


@dataclass
class ScopeChosen(Message):
    """Advance this Parallel branch / Map iteration (a frame id)."""

    frame_id: str


@dataclass
class WatchRemoved(Message):
    index: int


@dataclass
class BreakpointEdit(Message):
    """Open the breakpoint editor on breakpoint ``bp_id``."""

    bp_id: int


@dataclass
class BreakpointRemoved(Message):
    bp_id: int


@dataclass
class BreakpointToggled(Message):
    """Enable or disable breakpoint ``bp_id``."""

    bp_id: int


@dataclass
class GraphZoomed(Message):
    """The user zoomed the graph (+/-): the screen resizes its pane."""


@dataclass
class ExecutionsChanged(Message):
    """``flowdbg serve --debug``: an execution was started, moved on or ended
    (posted from the service's threads)."""
