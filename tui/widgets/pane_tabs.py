"""Panes behind tabs, with the tab row drawn by one widget.

Textual's TabbedContent draws its tab row with nine widgets (a Tabs, three
containers, a widget per tab and the underline); the main screen has two of
them, a good part of what its first frame mounted, styled and laid out.
:class:`PaneTabs` draws the row with one :class:`TabStrip` that looks and
behaves as Textual's Tabs do: the labels, the active tab's underline (it
slides to a new tab), a row wider than the strip scrolled to keep the active
tab in view, hover, a click on a label or the bar, and when focused the
cursor and left/right. Its :class:`Pane` children are shown one at a time
(as TabbedContent's ContentSwitcher and TabPanes do, without that extra
container: Textual draws every line of each container on screen, covered
or not, and importing TabbedContent's modules cost the start-up too).
"""
from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.strip import Strip
from textual.widget import Widget


class Pane(Widget):
    """One pane of a :class:`PaneTabs`, with the label of its tab (TabPane's role)."""

    DEFAULT_CSS = """
    Pane {
        height: auto;
    }
    """

    class Focused(Message):
        """A widget in the pane was focused."""

        def __init__(self, pane: "Pane") -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, title: str, *children: Widget, id: str | None = None, later: bool = False) -> None:
        super().__init__(*children, id=id)
        self.tab_label = title
        #: its tab is shown from the start, the pane itself mounted with its content by
        #: ``PaneTabs.mount_pane`` (an empty pane cost the first frame its mount and styles)
        self.later = later

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.post_message(self.Focused(self))


class TabStrip(Widget, can_focus=True):
    """The labels of a :class:`PaneTabs` and the bar under the active one."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"tab-strip--tab", "tab-strip--active", "tab-strip--hover", "tab-strip--bar"}
    DEFAULT_CSS = """
    TabStrip {
        width: 100%;
        height: 2;
        dock: top;
        & > .tab-strip--tab { color: $foreground 50%; }
        & > .tab-strip--active { color: $foreground; }
        & > .tab-strip--hover { color: $foreground; }
        & > .tab-strip--bar {
            color: $block-cursor-background;
            background: $foreground 10%;
        }
        &:focus {
            & > .tab-strip--active {
                text-style: $block-cursor-text-style;
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
            & > .tab-strip--bar { background: $foreground 30%; }
        }
        &:ansi {
            & > .tab-strip--tab { text-style: dim; }
            & > .tab-strip--active { text-style: not dim bold; }
            & > .tab-strip--hover { text-style: dim; }
            & > .tab-strip--bar { background: $border-blurred; }
        }
    }
    """
    BINDINGS = [
        Binding("left", "move(-1)", "Previous tab", show=False),
        Binding("right", "move(1)", "Next tab", show=False),
    ]

    bar_start = reactive(0.0)
    bar_end = reactive(0.0)
    #: the row scrolled sideways when it is wider than the strip (the active tab is kept in view)
    row_x = reactive(0.0)

    def __init__(self, labels: dict[str, str], active: str) -> None:
        super().__init__()
        self.labels = dict(labels)  # pane id -> label
        self.active = active
        self._hover: str | None = None

    def spans(self) -> dict[str, tuple[int, int]]:
        """Each tab's columns (start, end), its padding included."""
        out, x = {}, 0
        for pane_id, label in self.labels.items():
            w = Text(label).cell_len + 2
            out[pane_id] = (x, x + w)
            x += w
        return out

    def _bar_span(self) -> tuple[int, int]:
        start, end = self.spans().get(self.active, (0, 0))
        return (start + 1, end - 1) if end else (0, 0)  # under the label, as Tabs' underline

    def on_mount(self) -> None:
        self.bar_start, self.bar_end = self._bar_span()

    def on_resize(self) -> None:
        self.move_bar(animate=False)
        self.scroll_active()

    def _scroll_target(self) -> float:
        """Where Tabs scrolls its row: the active tab centred (its left edge in
        view), within the row."""
        spans, width = self.spans(), self.size.width
        total = max((end for _, end in spans.values()), default=0)
        if self.active not in spans or total <= width:
            return 0.0
        start, end = spans[self.active]
        x = min(start + (end - start) / 2 - width / 2, start)
        return float(max(0, min(x, total - width)))

    def scroll_active(self, animate: bool = True) -> None:
        if not self.size.width:  # hidden (a small terminal's other slot): done on its next resize
            return
        target = self._scroll_target()
        if target == self.row_x:
            return
        if animate and self.is_mounted:
            self.animate("row_x", target, duration=0.2, level="basic")
        else:
            self.row_x = target

    def move_bar(self, animate: bool = True) -> None:
        start, end = self._bar_span()
        if animate and self.is_mounted:
            self.animate("bar_start", start, duration=0.3, level="basic")
            self.animate("bar_end", end, duration=0.3, level="basic")
        else:
            self.bar_start, self.bar_end = start, end

    def set_label(self, pane_id: str, label: str) -> None:
        if self.labels.get(pane_id) != label:
            self.labels[pane_id] = label
            self.move_bar(animate=False)
            self.scroll_active(animate=False)
            self.refresh()

    # -- drawing ----------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        ox = round(self.row_x)
        full = max(width, ox + width, sum(Text(label).cell_len + 2 for label in self.labels.values()))
        if y == 0:
            text = Text(no_wrap=True, end="", overflow="crop")
            for pane_id, label in self.labels.items():
                part = "tab-strip--active" if pane_id == self.active else \
                    "tab-strip--hover" if pane_id == self._hover else "tab-strip--tab"
                style = self.get_component_rich_style(part)
                pad = Style(bgcolor=style.bgcolor)  # the padding, as a Tab widget's
                t = Text.assemble((label, style))
                t.stylize_before(base)
                text.append(" ", pad)
                text.append_text(t)
                text.append(" ", pad)
            if text.cell_len < full:
                text.append(" " * (full - text.cell_len), Style(bgcolor=base.bgcolor))
            strip = Strip(list(text.render(self.app.console, end="")), full)
            return strip.crop(ox, ox + width) if ox or full > width else strip
        if y == 1:
            bar = self.get_component_rich_style("tab-strip--bar")
            renderable = Bar(highlight_range=(self.bar_start, self.bar_end),
                             highlight_style=Style.from_color(bar.color),
                             background_style=Style.from_color(bar.bgcolor))
            options = self.app.console.options.update_width(full)
            segments = list(self.app.console.render(renderable, options))
            strip = Strip(segments).apply_style(base).simplify().adjust_cell_length(full, base)
            return strip.crop(ox, ox + width) if ox or full > width else strip
        return Strip.blank(width, base)

    # -- keys and the mouse -------------------------------------------------------------------------------
    def _tab_at(self, x: int) -> str | None:
        x += round(self.row_x)
        return next((p for p, (a, b) in self.spans().items() if a <= x < b), None)

    def action_move(self, step: int) -> None:
        ids = list(self.labels)
        if self.active in ids:
            self.parent.active = ids[(ids.index(self.active) + step) % len(ids)]

    def on_click(self, event: events.Click) -> None:
        pane_id = self._tab_at(event.x)
        if pane_id is not None:
            event.stop()
            self.parent.active = pane_id

    def on_mouse_move(self, event: events.MouseMove) -> None:
        pane_id = self._tab_at(event.x) if event.y == 0 else None
        if pane_id != self._hover:
            self._hover = pane_id
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()


class PaneTabs(Widget):
    """Panes behind a :class:`TabStrip` (TabbedContent's role): ``active``
    is the shown pane's id; :class:`PaneTabs.TabActivated` tells of a change."""

    DEFAULT_CSS = """
    PaneTabs {
        height: auto;
    }
    """

    active: reactive[str] = reactive("", init=False)

    class TabActivated(Message):
        """The active pane changed (a key, a click, or ``active`` set)."""

        def __init__(self, pane_tabs: "PaneTabs", pane: Pane) -> None:
            super().__init__()
            self.pane_tabs = pane_tabs
            self.pane = pane

        @property
        def control(self) -> "PaneTabs":
            return self.pane_tabs

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._panes: list[Pane] = []

    def compose_add_child(self, widget: Widget) -> None:
        self._panes.append(widget)

    def compose(self):
        first = self._panes[0].id if self._panes else ""
        self.set_reactive(PaneTabs.active, first)
        yield TabStrip({p.id: p.tab_label for p in self._panes}, first)
        for pane in self._panes:
            pane.display = pane.id == first
            if not pane.later:
                yield pane

    def mount_pane(self, pane_id: str, *widgets: Widget):
        """Mount the pane ``pane_id`` given as ``later``, with ``widgets`` in it
        (awaitable, as ``mount``)."""
        i = next(i for i, p in enumerate(self._panes) if p.id == pane_id)
        old = self._panes[i]
        pane = self._panes[i] = Pane(old.tab_label, *widgets, id=pane_id)
        pane.display = pane_id == self.active
        return self.mount(pane)

    @property
    def strip(self) -> TabStrip:
        return self.query_one(TabStrip)

    def label(self, pane_id: str) -> str:
        return self.strip.labels[pane_id]

    def set_label(self, pane_id: str, label: str) -> None:
        self.strip.set_label(pane_id, label)

    def watch_active(self, old: str, active: str) -> None:
        if active == old or not self.is_mounted:
            return
        strip = self.strip
        strip.active = active
        strip.move_bar()
        strip.scroll_active()
        strip.refresh()
        shown = None
        for pane in self._panes:
            pane.display = pane.id == active
            shown = pane if pane.id == active else shown
        self.post_message(self.TabActivated(self, shown))

    def _on_pane_focused(self, event: Pane.Focused) -> None:
        """A widget in a pane was focused: its pane is shown (as TabbedContent does)."""
        event.stop()
        # only while the focus is still there: a pane's message can arrive after a key showed another
        # pane and moved the focus on (the History tab came back over the Scopes tab 4 had just shown)
        focused = self.screen.focused
        if event.pane.id is not None and event.pane.parent is self and focused is not None \
                and event.pane in focused.ancestors_with_self:
            self.active = event.pane.id
