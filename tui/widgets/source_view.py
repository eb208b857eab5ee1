"""The FDL source, syntax-highlighted with pygments, current lines marked,
with a cursor line (F9 there breaks on the state at that line) and, in the
gutter, ● on the first line of a state with a breakpoint (○ disabled)."""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class SourceView(ScrollView, can_focus=True):
    """Read-only YAML with line numbers. ``current`` (the state the
    debugger stopped at) and ``selected`` (the graph cursor) are line
    ranges drawn with a background; the view scrolls to keep them visible.
    Up/Down move the cursor line."""

    COMPONENT_CLASSES = {"source-view--current", "source-view--selected", "source-view--gutter",
                         "source-view--gutter-current", "source-view--cursor", "source-view--breakpoint"}
    BINDINGS = [
        Binding("up", "move(-1)", "Line up", show=False, id="source.up"),
        Binding("down", "move(1)", "Line down", show=False, id="source.down"),
        Binding("pageup", "move(-20)", "Page up", show=False, id="source.page_up"),
        Binding("pagedown", "move(20)", "Page down", show=False, id="source.page_down"),
        Binding("home", "move(-1000000)", "First line", show=False, id="source.home"),
        Binding("end", "move(1000000)", "Last line", show=False, id="source.end"),
    ]

    cursor_line: reactive[int] = reactive(1, init=False)

    def __init__(self, text: str, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        # Highlighted when first drawn or read: the pane starts behind a tab,
        # and pygments is a good part of a start-up (its import and the lexing).
        self._text = text
        self._lines: list[Text] | None = None
        self.current: tuple[int, int] | None = None
        self.selected: tuple[int, int] | None = None
        self.breakpoints: dict[int, bool] = {}  # a state's first line -> its breakpoint is enabled
        self._cache: dict[int, Strip] = {}
        from rich.cells import cell_len
        plain = text.replace("\r\n", "\n").split("\n")[:max(text.count("\n") + (not text.endswith("\n")), 1)]
        self._size_for([cell_len(line) for line in plain])

    def _size_for(self, widths: list[int]) -> None:
        self._gutter = len(str(len(widths))) + 3  # breakpoint, number, marker, space
        self.virtual_size = Size(max(widths, default=0) + self._gutter + 1, len(widths))

    @property
    def lines(self) -> list[Text]:
        if self._lines is None:
            self._lines = self._highlight(self._text)
            self._size_for([t.cell_len for t in self._lines])  # the same, unless a line has a tab
        return self._lines

    @staticmethod
    def _highlight(text: str) -> list[Text]:
        from rich.syntax import Syntax
        syntax = Syntax(text, "yaml", theme="monokai", word_wrap=False)
        hl = syntax.highlight(text)
        # drop the theme's background so the pane's own (and our markers) show
        clean = Text(hl.plain, end="")
        for span in hl.spans:
            st = span.style if isinstance(span.style, Style) else Style.parse(span.style)
            clean.stylize(Style(color=st.color, bold=st.bold, italic=st.italic), span.start, span.end)
        lines = clean.split("\n", allow_blank=True)
        n = text.count("\n") + (0 if text.endswith("\n") else 1)
        return list(lines)[:max(n, 1)]

    def show(self, current: tuple[int, int] | None = None, selected: tuple[int, int] | None = None,
             scroll_to: str = "current", breakpoints: dict[int, bool] | None = None) -> None:
        """Mark line ranges (1-based, inclusive) and scroll to one of them
        (the cursor line goes to its first line); ``breakpoints``: first
        line -> enabled (None: as before)."""
        bps = self.breakpoints if breakpoints is None else breakpoints
        if (current, selected, bps) != (self.current, self.selected, self.breakpoints):
            self.current, self.selected, self.breakpoints = current, selected, dict(bps)
            self._cache.clear()
            self.refresh()
        target = current if scroll_to == "current" else selected
        if target is not None:
            if not self.has_focus:
                self.cursor_line = target[0]
            self.call_after_refresh(self._scroll_to_lines, target)

    def state_at_cursor(self, flow) -> str | None:
        """The innermost state whose definition holds the cursor line."""
        best = None
        for _, st in flow.all_states():
            if st.line <= self.cursor_line <= st.end_line:
                if best is None or st.end_line - st.line <= best.end_line - best.line:
                    best = st
        return best.name if best is not None else None

    def action_move(self, delta: int) -> None:
        self.cursor_line = max(1, min(len(self.lines), self.cursor_line + delta))
        self._scroll_to_lines((self.cursor_line, self.cursor_line))

    def watch_cursor_line(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_click(self, event: Click) -> None:
        off = event.get_content_offset(self)
        if off is not None:
            self.cursor_line = max(1, min(len(self.lines), off.y + int(self.scroll_y) + 1))

    def _scroll_to_lines(self, lines: tuple[int, int]) -> None:
        a, b = lines
        height = max(1, self.scrollable_content_region.height)
        first = a - 1
        span = min(b - a + 1, height - 2)
        if first >= self.scroll_y and first + span <= self.scroll_y + height:
            return
        self.scroll_to(y=max(0, first - 2), animate=False, force=True)

    _base = None

    @property
    def _base_style(self):
        """``rich_style`` is costly (it walks the styles up the tree): once
        per style change, not once per line."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_line(self, y: int) -> Strip:
        sx, sy = self.scroll_offset
        row = y + sy
        width = self.scrollable_content_region.width
        if row >= len(self.lines):
            return Strip.blank(width, self._base_style)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._cache[row] = self._render_row(row)
        # keep the gutter fixed while scrolling sideways
        g = self._gutter
        if sx:
            strip = Strip.join([strip.crop(0, g), strip.crop(g + sx, g + sx + width - g)])
        return strip.crop_extend(0, width, self._base_style)

    def _in(self, rng: tuple[int, int] | None, line: int) -> bool:
        return rng is not None and rng[0] <= line <= rng[1]

    def _render_row(self, row: int) -> Strip:
        line = row + 1
        console = self.app.console
        cls = self.get_component_rich_style
        cur, sel = self._in(self.current, line), self._in(self.selected, line)
        mark = "▶" if cur and line == self.current[0] else ("›" if line == self.cursor_line and self.has_focus else " ")
        gutter = Text(f" {line:>{self._gutter - 3}}{mark} ",
                      style=cls("source-view--gutter-current" if cur else "source-view--gutter"))
        bp = self.breakpoints.get(line)
        if bp is not None:
            gutter = Text.assemble(("●" if bp else "○", cls("source-view--breakpoint")), gutter[1:])
        body = self.lines[row].copy()
        segs = list(gutter.render(console)) + [s for s in body.render(console) if s.text != "\n"]
        width = max(self.virtual_size.width, self.scrollable_content_region.width)
        strip = Strip(segs).extend_cell_length(width)
        if line == self.cursor_line and self.has_focus:
            bg = cls("source-view--cursor")
        elif cur:
            bg = cls("source-view--current")
        elif sel:
            bg = cls("source-view--selected")
        else:
            bg = None
        if bg is not None:
            strip = Strip(Segment.apply_style(list(strip), post_style=Style(bgcolor=bg.bgcolor)), strip.cell_length)
        return strip

    def on_resize(self) -> None:
        self._cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._cache.clear()
