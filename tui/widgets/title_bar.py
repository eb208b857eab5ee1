"""The header: Textual's Header (the icon, "title — sub-title" centred, the
clock's room) drawn by one widget.

Textual's Header mounts four (Header, HeaderIcon, HeaderTitle,
HeaderClockSpace), each styled as the first frame mounts: ~24 M
instructions of the debugger's start-up. This one looks and behaves the same:
a click on the icon opens the command palette (its tooltip says so, it is
highlighted under the mouse), a click elsewhere makes the header tall.
"""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget


class TitleBar(Widget):
    """The screen's (or the app's) title and sub-title, as Textual's Header shows them."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"title-bar--icon-hover"}
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        &.-tall { height: 3; }
        & > .title-bar--icon-hover { background: $foreground 10%; }
    }
    """
    ICON = "⭘"
    ICON_WIDTH, CLOCK_WIDTH = 8, 10  # Header's HeaderIcon and HeaderClockSpace

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._icon_hover = False

    def on_mount(self) -> None:
        for node, name in ((self.app, "title"), (self.app, "sub_title"), (self.screen, "title"),
                           (self.screen, "sub_title")):
            self.watch(node, name, self.refresh, init=False)

    @property
    def title_text(self):
        """What Header shows: App.format_title of the screen's title and sub-title, else the app's."""
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return self.app.format_title(title, sub)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        blank = Style(bgcolor=base.bgcolor)
        if y != (self.size.height - 1) // 2:  # Header's content is in its middle row
            return Strip.blank(width, blank)
        icon = base
        if self._icon_hover:
            icon = base + Style(bgcolor=self.get_component_rich_style("title-bar--icon-hover").bgcolor)
        fill = base + Style(reverse=False)  # what Textual aligns a widget's content with
        room = max(0, width - self.ICON_WIDTH - self.CLOCK_WIDTH)
        parts = [seg for seg in self.title_text.render_segments() if seg.text]
        title = Text.assemble(*((seg.text, seg.style or "") for seg in parts), end="", no_wrap=True)
        if title.cell_len > room:  # cut with an ellipsis, as HeaderTitle's text-overflow
            title.truncate(room, overflow="ellipsis")
            parts = list(title.render(self.app.console, end=""))
        left = (room - title.cell_len) // 2
        segments = [Segment(" ", Style(bgcolor=icon.bgcolor)), Segment(self.ICON, icon),
                    Segment(" " * (self.ICON_WIDTH - 2 - len(self.ICON)), icon + Style(reverse=False)),
                    Segment(" ", Style(bgcolor=icon.bgcolor)), Segment(" " * left, fill),
                    *Segment.apply_style(parts, base),
                    Segment(" " * (room - left - title.cell_len), fill),
                    # the clock's room: its padding, its (empty) content, the rest
                    Segment(" ", blank), Segment("", blank), Segment(" " * (self.CLOCK_WIDTH - 1), blank)]
        return Strip(segments).adjust_cell_length(width, blank)

    # -- the mouse: the icon opens the command palette, the rest makes the header tall --------------------
    def _on_icon(self, event: events.MouseEvent) -> bool:
        return event.x < self.ICON_WIDTH

    def on_mouse_move(self, event: events.MouseMove) -> None:
        on_icon = self._on_icon(event) and self.app.ENABLE_COMMAND_PALETTE
        if on_icon != self._icon_hover:
            self._icon_hover = on_icon
            self.tooltip = "Open the command palette" if on_icon else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._icon_hover:
            self._icon_hover = False
            self.tooltip = None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        if self._on_icon(event) and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
