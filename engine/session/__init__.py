"""Debug session: stepping verbs, breakpoints, watches, step back, and a
journal appended as things happen, so that nothing is lost.

- ``core``: :class:`Session` (construction, replay, position, views).
- ``stepping``: the stepping verbs. ``inputs``: callbacks, choices, the inbox.
- ``breakpoints``: breakpoints and watches. ``journal``: the JSONL journal.
- ``timeline``: checkpoints for a constant-cost step back. ``resume``.
"""
from .breakpoints import EVENT_BREAKS, Breakpoint, Watch
from .core import Session
from .paths import default_session_dir, latest_session, state_dir
from .types import SessionError, Stop

__all__ = ["Session", "SessionError", "Breakpoint", "Stop", "Watch", "EVENT_BREAKS", "latest_session",
           "default_session_dir", "state_dir"]
