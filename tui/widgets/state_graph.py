"""The state graph: every state and transition, scrollable, with markers."""
from __future__ import annotations

from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..messages import StateActivated, StateHighlighted
from .graph_layout import Box, Picture, layout_flow


@dataclass
class GraphMarks:
    """What the graph shows on top of the layout, computed after each stop."""

    counts: dict = field(default_factory=dict)  # key -> activations
    status: dict = field(default_factory=dict)  # key -> latest record status
    current: str | None = None  # key of the state the debugger stopped at
    inspected: str | None = None  # key of an older record being inspected
    waiting: set = field(default_factory=set)  # keys waiting for a callback
    breakpoints: dict = field(default_factory=dict)  # state name -> enabled


_STYLE_CACHE: dict[str, Style] = {}


def _s(spec: str) -> Style:
    st = _STYLE_CACHE.get(spec)
    if st is None:
        st = _STYLE_CACHE[spec] = Style.parse(spec) if spec else Style()
    return st


EDGE = {"next": "#7f849c", "catch": "#f38ba8"}
LABEL = {"next": "bold #89b4fa", "catch": "bold #f38ba8"}


class StateGraph(ScrollView, can_focus=True):
    """A scrollable drawing of the flow (grandalf Sugiyama layout, top to
    bottom). Arrow keys move a cursor between states; Enter inspects the
    highlighted state's latest activation; clicking selects a state."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Prev state", show=False, id="graph.up"),
        Binding("down", "cursor(1)", "Next state", show=False, id="graph.down"),
        Binding("left", "side(-1)", "Left", show=False, id="graph.left"),
        Binding("right", "side(1)", "Right", show=False, id="graph.right"),
        Binding("enter", "activate", "Inspect", show=False, id="graph.inspect"),
        Binding("full_stop", "center_current", "To current", show=False, id="graph.current"),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]

    cursor: reactive[str | None] = reactive(None, init=False)

    def __init__(self, flow, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.picture: Picture = layout_flow(flow)
        self.marks = GraphMarks()
        self._cache: dict[int, Strip] = {}
        self.virtual_size = Size(self.picture.width, self.picture.height)

    # -- public -----------------------------------------------------------------
    def set_marks(self, marks: GraphMarks) -> None:
        self.marks = marks
        self._cache.clear()
        self.refresh()

    def box(self, key: str | None) -> Box | None:
        return self.picture.boxes.get(key) if key else None

    def select(self, key: str | None, *, scroll: bool = True, announce: bool = True) -> None:
        """Move the cursor to ``key`` (a state key)."""
        if key not in self.picture.boxes:
            return
        if self.cursor != key:
            self._announce = announce
            self.cursor = key
        if scroll:
            self.scroll_to_box(key)

    def scroll_to_box(self, key: str | None, animate: bool = False) -> None:
        b = self.box(key)
        if b is None:
            return
        # a Parallel/Map box can be taller than the view: keep its title in sight
        h = min(b.h if b.kind == "state" else 4, max(1, self.scrollable_content_region.height - 2))
        self.scroll_to_region(Region(b.x, b.y, b.w, h), animate=animate, force=True, center=True)

    # -- reactive ---------------------------------------------------------------
    _announce = True

    def watch_cursor(self, old: str | None, new: str | None) -> None:
        self._cache.clear()
        self.refresh()
        b = self.box(new)
        if b is not None and self._announce:
            self.post_message(StateHighlighted(b.key, b.name, b.line, b.end_line))
        self._announce = True

    # -- actions ------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        order = self.picture.order
        if not order:
            return
        if self.cursor not in order:
            self.select(self.marks.current if self.marks.current in order else order[0])
            return
        i = max(0, min(len(order) - 1, order.index(self.cursor) + delta))
        self.select(order[i])

    def action_side(self, direction: int) -> None:
        cur = self.box(self.cursor)
        if cur is None:
            self.action_cursor(0)
            return
        cx, cy = cur.x + cur.w / 2, cur.y + cur.h / 2
        best, best_d = None, None
        for k in self.picture.order:
            b = self.picture.boxes[k]
            bx = b.x + b.w / 2
            if (bx - cx) * direction <= 0 or k == cur.key:
                continue
            d = abs(bx - cx) + 3 * abs(b.y + b.h / 2 - cy)
            if best_d is None or d < best_d:
                best, best_d = k, d
        if best is not None:
            self.select(best)

    def action_activate(self) -> None:
        b = self.box(self.cursor)
        if b is not None:
            self.post_message(StateActivated(b.key, b.name))

    def action_center_current(self) -> None:
        if self.marks.current:
            self.select(self.marks.current)

    def on_click(self, event: Click) -> None:
        off = event.get_content_offset(self)
        if off is None:
            return
        x, y = off.x + int(self.scroll_x), off.y + int(self.scroll_y)
        b = self.picture.box_at(x, y)
        if b is not None:
            self.select(b.key, scroll=False)
            if event.chain >= 2:
                self.post_message(StateActivated(b.key, b.name))

    # -- rendering -------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        sx, sy = self.scroll_offset
        row = y + sy
        width = self.scrollable_content_region.width
        if row >= self.picture.height:
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._cache[row] = self._render_row(row)
        return strip.crop_extend(sx, sx + width, self.rich_style)

    def _style(self, kind: str, key: str) -> Style:
        m = self.marks
        if kind == "edge":
            return _s(EDGE[key])
        if kind == "label":
            return _s(LABEL[key])
        if kind == "pill":
            return _s("italic #a6adc8")
        if kind in ("border", "cborder"):
            if key == m.current:
                return _s("bold #f9e2af")
            if key in m.waiting:
                return _s("bold #cba6f7")
            st = m.status.get(key)
            if st == "failed":
                return _s("bold #f38ba8")
            if st == "caught":
                return _s("#fab387")
            if key == m.inspected:
                return _s("bold #94e2d5")
            if m.counts.get(key):
                return _s("#a6e3a1")
            return _s("#6c7086")
        bg = ""
        if key == self.cursor and kind == "title":
            return _s("bold reverse #89dceb")
        if key == m.current:
            bg = " on #3b3520"
        elif key == m.inspected:
            bg = " on #1f3a3a"
        if kind == "title":
            return _s("bold #f9e2af" + bg if key == m.current else "bold #cdd6f4" + bg)
        if kind == "sub":
            return _s("#a6adc8" + bg)
        if kind == "cond":
            return _s("#94e2d5" + bg)
        if kind == "frame":
            return _s("#585b70")
        return _s(bg.strip())

    def _overlays(self, row: int) -> dict[int, tuple[str, Style]]:
        out: dict[int, tuple[str, Style]] = {}
        m = self.marks
        for b in self.picture.title_rows.get(row, ()):
            bg = " on #3b3520" if b.key == m.current else " on #1f3a3a" if b.key == m.inspected else ""
            if b.key == m.current:
                out[b.x + 1] = ("▶", _s("bold #f9e2af" + bg))
            bp = m.breakpoints.get(b.name)
            if bp is not None:
                out[b.x + 2] = ("●" if bp else "○", _s("bold #f38ba8" + bg))
            if b.key in m.waiting:
                out[b.x + 3] = ("⧗", _s("bold #cba6f7" + bg))
            elif m.status.get(b.key) == "failed":
                out[b.x + 3] = ("✗", _s("bold #f38ba8" + bg))
            elif m.status.get(b.key) == "caught":
                out[b.x + 3] = ("↯", _s("bold #fab387" + bg))
            n = m.counts.get(b.key)
            if n:
                text = f"×{n}" if n < 1000 else "×999+"
                x0 = b.right - 1 - len(text)
                for i, ch in enumerate(text):
                    out[x0 + i] = (ch, _s("#a6e3a1" + bg))
        return out

    def _render_row(self, row: int) -> Strip:
        pic = self.picture
        chars, tags, items = pic.chars[row], pic.tags[row], pic.tag_items
        over = self._overlays(row)
        segs: list[Segment] = []
        buf: list[str] = []
        cur_style: Style | None = None
        for x, ch in enumerate(chars):
            if x in over:
                ch, style = over[x]
            else:
                t = tags[x]
                style = self._style(*items[t]) if t else _s("")
            if style is not cur_style:
                if buf:
                    segs.append(Segment("".join(buf), cur_style))
                buf, cur_style = [], style
            buf.append(ch)
        if buf:
            segs.append(Segment("".join(buf), cur_style))
        return Strip(segs, pic.width)
