"""The footer, with ``? Help`` (and the pane keys) first.

Textual's Footer lists the focused widget's keys, then the screen's, then
the app's, and cuts what does not fit at the right edge: on a small
terminal the help key was the first to go. Here it is always the first.
"""
from __future__ import annotations

from textual.widgets import Footer

FIRST = ("help", "pane")  # action names (their start) shown before the rest, in this order


def _rank(widget) -> int:
    action = str(getattr(widget, "action", "") or "").rsplit(".", 1)[-1]
    for i, name in enumerate(FIRST):
        if action.startswith(name):
            return i
    return len(FIRST)


class KeyFooter(Footer):
    """A Footer whose first keys are ``? Help`` and ``1-5 Panes``."""

    def compose(self):
        widgets = list(super().compose())
        widgets.sort(key=_rank)  # stable: the rest keep their order
        yield from widgets
