"""The footer, with the keys a user needs most first.

Textual's Footer lists the focused widget's keys, then the screen's, then
the app's, and cuts what does not fit at the right edge. Here ``? Help``,
the stepping keys, ``k Callbacks`` and ``q Quit`` come first, so they stay
on screen from 80 columns up; the rest follow in their BINDINGS order.
"""
from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: action names in the order they are shown first
FIRST = ("help", "continue", "step_over", "step_into", "callbacks", "quit", "step_out", "step_back",
         "toggle_breakpoint", "run_to", "pause", "restart", "pane")


def _rank(widget) -> int:
    action = str(getattr(widget, "action", "") or "").rsplit(".", 1)[-1]
    for i, name in enumerate(FIRST):
        if action.startswith(name):
            return i
    return len(FIRST)


class KeyFooter(Footer):
    """A Footer whose keys come in the :data:`FIRST` order."""

    def compose(self):
        # Textual's Footer composes its keys only once the screen says its
        # bindings changed, a refresh after it is mounted: the first frame
        # had an empty footer. The bindings are the screen's and the app's
        # from the start (the graph, focused next, shows none of its own).
        self._bindings_ready = True
        self._composed = self._keys()
        widgets = list(super().compose())
        widgets.sort(key=_rank)  # stable: the rest keep their order
        for w in widgets:
            if isinstance(w, FooterKey) and not w.has_class("-command-palette"):  # that one is not bound
                # A binding's key starts compact and is then bound to the
                # footer's setting: each was restyled twice as it mounted.
                # Mounted with the footer's value, it is styled once (start-up time).
                w.set_reactive(FooterKey.compact, self.compact)
                w.set_class(self.compact, "-compact")
        yield from widgets

    _composed: tuple | None = None

    def _keys(self) -> tuple:
        """What the keys shown depend on."""
        try:
            active = self.screen.active_bindings.values()
        except Exception:  # not on a screen yet
            return ()
        return (self.compact, self.show_command_palette,
                tuple((b.key, b.action, b.description, enabled, tip) for _, b, enabled, tip in active if b.show))

    def bindings_changed(self, screen) -> None:
        # A focus change that shows the same keys (the graph focused as the
        # screen starts, a pane without keys of its own) recomposed them all,
        # a layout of the screen: now only a change the footer shows does.
        if screen is self.screen and self._composed is not None and self._keys() == self._composed:
            return
        super().bindings_changed(screen)
