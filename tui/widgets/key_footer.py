"""The footer: the keys of the screen's BINDINGS, the ones a user needs most first.

Textual's Footer lists the focused widget's keys, then the screen's, then
the app's, and cuts what does not fit at the right edge. Here ``? Help``,
the stepping keys, ``k Callbacks`` and ``q Quit`` come first, so they stay
on screen from 80 columns up; the rest follow in their BINDINGS order.

It is ONE widget that draws every key (Textual's Footer mounts a widget per
key, each styled with two component classes: about 130 M instructions of
the debugger's start-up for 14 keys). It looks as that Footer does: the same
theme variables, padding, compact style and the command palette's key at
the right edge; a key is hovered, clicked and has its tooltip as there.
"""
from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

#: action names in the order they are shown first
FIRST = ("help", "continue", "step_over", "step_into", "callbacks", "quit", "step_out", "step_back",
         "toggle_breakpoint", "run_to", "pause", "restart", "pane")


def _rank(action: str) -> int:
    action = action.rsplit(".", 1)[-1]
    for i, name in enumerate(FIRST):
        if action.startswith(name):
            return i
    return len(FIRST)


class FooterEntry(NamedTuple):
    """One key as drawn: ``x`` and ``width`` in cells from the footer's left edge."""
    key: str
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    x: int = 0
    width: int = 0
    palette: bool = False  # the command palette's key, at the right edge


class KeyFooter(Widget, can_focus=False):
    """The keys of the active bindings that have ``show``, in :data:`FIRST` order."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--hover",
                         "key-footer--palette-border"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .key-footer--palette-border {
            color: $foreground 20%;
        }
    }
    """

    compact = reactive(False, toggle_class="-compact")
    """Tighter keys (no padding; a space between them)."""
    show_command_palette = reactive(True)
    """The command palette's key at the right edge."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
                 compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(KeyFooter.compact, compact)
        self.set_reactive(KeyFooter.show_command_palette, show_command_palette)
        self.set_class(compact, "-compact", update=False)
        self._entries: list[FooterEntry] | None = None  # made from the screen's bindings when first drawn
        self._laid_out: tuple[int, list[FooterEntry]] = (-1, [])
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if screen is self.screen and self.is_attached:
            entries = self._make_entries()
            if entries != self._entries:  # a focus change that shows the same keys costs nothing
                self._entries = entries
                self._laid_out = (-1, [])
                self.refresh()

    def watch_compact(self) -> None:
        self._laid_out = (-1, [])

    def watch_show_command_palette(self) -> None:
        self._entries = None
        self._laid_out = (-1, [])

    # -- the keys -------------------------------------------------------------------------------------
    def _make_entries(self) -> list[FooterEntry]:
        try:
            active = self.screen.active_bindings
        except Exception:  # not on a screen yet
            return []
        app = self.app
        firsts: dict[str, FooterEntry] = {}  # one key per action, as Textual's Footer shows
        for _, b, enabled, tooltip in active.values():
            if b.show and b.action not in firsts:
                firsts[b.action] = FooterEntry(b.key, app.get_key_display(b), b.description, b.action,
                                               enabled, tooltip)
        entries = sorted(firsts.values(), key=lambda e: _rank(e.action))  # stable: the rest keep their order
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, b, enabled, _tip = found
                entries.append(FooterEntry(b.key, app.get_key_display(b), b.description, b.action, enabled,
                                           b.tooltip or b.description, palette=True))
        return entries

    @property
    def entries(self) -> list[FooterEntry]:
        """The keys as drawn at the footer's width, with their place: those
        cut off at the right edge have ``x + width`` beyond it."""
        width = self.size.width
        if self._entries is None:
            self._entries = self._make_entries()
        if self._laid_out[0] != width:
            self._laid_out = (width, self._layout(width))
        return self._laid_out[1]

    def _label(self, e: FooterEntry) -> tuple[str, str]:
        """The key's two parts as drawn, with Footer's padding (the palette's
        key is always compact there)."""
        if not e.description:
            return e.key_display, ""
        if self.compact or e.palette:
            return e.key_display, " " + e.description
        return f" {e.key_display} ", e.description + " "

    def _layout(self, width: int) -> list[FooterEntry]:
        out, x = [], 0
        gap = 1 if self.compact else 0  # a compact key's margin
        for e in self._entries or ():
            if e.palette:
                key, desc = self._label(e)
                w = 1 + len(key) + len(desc) + (0 if self.compact else 1)  # border, padding right
                out.append(e._replace(x=max(0, width - w), width=w))
                continue
            key, desc = self._label(e)
            w = len(key) + len(desc)
            out.append(e._replace(x=x, width=w))
            x += w + gap
        return out

    def entry_at(self, x: int) -> int | None:
        """The index in :attr:`entries` of the key drawn at column ``x``."""
        entries = self.entries
        for i in sorted(range(len(entries)), key=lambda i: not entries[i].palette):  # the palette's key is on top
            e = entries[i]
            if e.x <= x < e.x + e.width:
                return i
        return None

    # -- drawing ----------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        blank = Style(bgcolor=base.bgcolor)  # between and after the keys, as the Footer's own background
        if y or width <= 0:
            return Strip.blank(width, blank)
        key_style = self.get_component_rich_style("key-footer--key")
        desc_style = self.get_component_rich_style("key-footer--description")
        text = Text(no_wrap=True, end="", overflow="crop")
        palette = None
        for i, e in enumerate(self.entries):
            if e.palette:
                palette = (i, e)
                continue
            if len(text) < e.x:
                text.append(" " * (e.x - len(text)), blank)
            text.append_text(self._key_text(i, e, base, key_style, desc_style))
        if palette is not None:
            i, e = palette
            if len(text) < e.x:
                text.append(" " * (e.x - len(text)), blank)
            text.truncate(e.x)
            border = self.get_component_rich_style("key-footer--palette-border")
            text.append("▏", base + Style(color=border.color))
            text.append_text(self._key_text(i, e, base, key_style, desc_style))
            if not self.compact:
                text.append(" ", blank)
        if len(text) < width:
            text.append(" " * (width - len(text)), blank)
        text.truncate(width)
        return Strip(list(text.render(self.app.console, end="")), width)

    def _key_text(self, i: int, e: FooterEntry, base: Style, key_style: Style, desc_style: Style) -> Text:
        key, desc = self._label(e)
        t = Text.assemble((key, key_style), (desc, desc_style))
        if i == self._hover:  # the key's background, as a hovered FooterKey's
            t.stylize(Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor))
        if not e.enabled:
            t.stylize(Style(dim=True))
        t.stylize_before(base)
        return t

    # -- the mouse ---------------------------------------------------------------------------------------
    def on_mouse_move(self, event: events.MouseMove) -> None:
        i = self.entry_at(event.x)
        if i != self._hover:
            self._hover = i
            self.tooltip = (self.entries[i].tooltip or None) if i is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        i = self.entry_at(event.x)
        if i is None:
            return
        e = self.entries[i]
        if e.enabled:
            self.app.simulate_key(e.key)
        else:
            self.app.bell()
