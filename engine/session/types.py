"""The small values a debug session hands out."""
from __future__ import annotations

from dataclasses import dataclass


class SessionError(Exception):
    """A session cannot be created or resumed, or a request to it is bad; the message says why."""


@dataclass
class Stop:
    """Why stepping stopped. ``reason``: step | breakpoint | breakpoint-error
    | finished | waiting | paused | limit | error."""

    reason: str
    frame: str | None = None
    state: str | None = None
    message: str = ""
    breakpoint: int | None = None
    step: int = 0
    record: int | None = None  # the step record to show, when not the frame's current one
