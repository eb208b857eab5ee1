"""The state graph: every state and transition, coloured by what the run did."""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..messages import GraphZoomed, StateActivated, StateHighlighted
from ..run_overlay import GLYPH, OUTCOMES, THEME_VARIABLE
from .graph_layout import Box, Picture
from .graph_marks import GraphMarks, axis, changed_boxes, taken_cells
from .graph_pictures import ZOOM, Pictures

OUTCOME_CSS = "\n".join(f"StateGraph > .state-graph--outcome-{o} {{ color: ${THEME_VARIABLE[o]}; }}" for o in OUTCOMES)


class StateGraph(ScrollView, can_focus=True):
    """A scrollable drawing of the flow. Arrow keys move a cursor between
    states; Enter inspects the state's latest activation; a click selects
    a state; ``+``/``-`` zoom, down to an outline of one line per state."""

    COMPONENT_CLASSES = {
        "state-graph--edge", "state-graph--edge-taken", "state-graph--edge-catch", "state-graph--label",
        "state-graph--pill", "state-graph--frame", "state-graph--type", "state-graph--title",
        "state-graph--sub", "state-graph--cond", "state-graph--cursor", "state-graph--current",
        "state-graph--inspected", "state-graph--breakpoint", "state-graph--count",
        *(f"state-graph--outcome-{o}" for o in OUTCOMES),
    }
    DEFAULT_CSS = OUTCOME_CSS

    BINDINGS = [
        Binding("up", "cursor(-1)", "Prev state", show=False, id="graph.up"),
        Binding("down", "cursor(1)", "Next state", show=False, id="graph.down"),
        Binding("left", "side(-1)", "Left", show=False, id="graph.left"),
        Binding("right", "side(1)", "Right", show=False, id="graph.right"),
        Binding("enter", "activate", "Inspect", show=False, id="graph.inspect"),
        Binding("full_stop", "center_current", "To current", show=False, id="graph.current"),
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", show=False, id="graph.zoom_in",
                tooltip="Zoom in: the graph with more detail (types, functions), up from the outline"),
        Binding("minus", "zoom(-1)", "Zoom out", show=False, id="graph.zoom_out",
                tooltip="Zoom out: the graph with less detail, down to the outline"),
        Binding("pageup", "page_up", "Page up", show=False, id="graph.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="graph.page_down"),
    ]

    cursor: reactive[str | None] = reactive(None, init=False)

    def __init__(self, flow, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.flow = flow
        self.pictures = Pictures(flow)
        self.detail: int | None = None  # None: the drawing that fits (MainScreen asks choose()); else zoomed
        self.picture: Picture = self._picture(1)
        self.marks = GraphMarks()
        self._cache: dict[int, Strip] = {}
        self._styles: dict[int, Style] = {}
        self._taken_cells: set = set()
        self._cursor_rows: dict[int, tuple[int, int]] = {}
        self.virtual_size = Size(self.picture.width, self.picture.height)

    # -- pictures and zoom (graph_pictures.py chooses) ------------------------------
    ZOOM = ZOOM

    def _picture(self, detail: int, name_w: int = 26) -> Picture:
        return self.pictures.get(detail, name_w)

    def fitting(self, width: int, height: int) -> Picture | None:
        """The most readable drawing wholly inside ``width`` x ``height``, or None."""
        pic = self.pictures.fitting(width, height)
        if pic is not None and self.detail is None:
            self._auto = pic
        return pic

    def choose(self, width: int, height: int) -> Picture:
        """What the pane shows in ``width`` x ``height`` cells
        (:meth:`Pictures.choose`); the user's zoom is kept (the outline
        still fits the width)."""
        if self.detail is not None and self.detail >= 0:
            return self.picture
        if self.detail is None:
            self._auto = self.pictures.choose(width, height)
            return self._auto
        return self.pictures.outline(width)

    _auto: Picture | None = None  # what choose() picked without a zoom

    def show_picture(self, pic: Picture) -> None:
        if pic is self.picture:
            return
        self.picture = pic
        self._restyle()
        self.virtual_size = Size(pic.width, pic.height)
        self.call_after_refresh(self.scroll_to_box, self.cursor)

    def set_detail(self, detail: int, name_w: int = 26) -> None:
        """Zoom to ``detail`` (the user's choice: kept until the outline toggles back)."""
        self.detail = detail
        self.show_picture(self._picture(detail, name_w))

    @property
    def outline(self) -> bool:
        return self.picture.detail < 0

    def toggle_outline(self) -> None:
        if self.outline:  # back to the drawing that fits (MainScreen sizes the pane), or, when the
            # pane is too small for any, the normal one, scrolled: the user asked for the diagram
            fit = self._auto
            self.detail = None if fit is not None and fit.detail >= 0 else 1
            if self.detail is not None:
                self.show_picture(self._picture(1, 26))
        else:
            self.set_detail(-1, 0)

    def action_zoom(self, step: int) -> None:
        levels = [d for d, _ in self.ZOOM]
        i = levels.index(self.picture.detail) if self.picture.detail in levels else 1
        d, w = self.ZOOM[max(0, min(len(self.ZOOM) - 1, i - step))]
        self.set_detail(d, w)
        self.post_message(GraphZoomed())

    def on_resize(self) -> None:
        self.call_after_refresh(self.scroll_to_box, self.cursor)

    # -- public -----------------------------------------------------------------
    def set_marks(self, marks: GraphMarks) -> None:
        """Show a stop's marks, repainting only the rows they change."""
        old, self.marks = self.marks, marks
        if old.taken != marks.taken:
            taken = taken_cells(self.picture, marks)
            for _, y in taken.symmetric_difference(self._taken_cells):
                self._cache.pop(y, None)
            self._taken_cells = taken
        for key in changed_boxes(self.picture, old, marks):
            self._forget_box(key)
        self.refresh()

    def _forget_box(self, key: str | None) -> None:
        b = self.box(key)
        if b is not None:
            for y in range(b.y, b.bottom + 1):
                self._cache.pop(y, None)

    def _restyle(self) -> None:
        self._cache.clear()
        self._styles.clear()
        self._taken_cells = taken_cells(self.picture, self.marks)
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
        """Bring the box into view with as many of its neighbours as fit,
        scrolling as little as possible (never centring it so that its
        neighbours lose their left edge)."""
        b = self.box(key)
        view = self.scrollable_content_region
        if b is None or view.width <= 0 or view.height <= 0:
            return
        head = Region(b.x, b.y, b.w, min(b.h, 4 if b.kind == "container" else b.h))
        want = head
        for k in self.picture.neighbours(key):
            n = self.box(k)
            if n is None:
                continue
            grown = want.union(Region(n.x, n.y, n.w, min(n.h, 4)))
            if grown.width <= view.width and grown.height <= view.height:
                want = grown
        sx, sy = self.scroll_offset
        x = axis(sx, view.width, want.x, want.right, head.x, head.right)
        y = axis(sy, view.height, want.y, want.bottom, head.y, head.bottom)
        if (x, y) != (sx, sy):
            self.scroll_to(x=x, y=y, animate=animate, force=True)

    # -- reactive ---------------------------------------------------------------
    _announce = True

    def watch_cursor(self, old: str | None, new: str | None) -> None:
        self._forget_box(old)
        self._forget_box(new)
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
        if self.outline:  # left/right in an outline: out of / into a nested scope
            self.action_cursor(direction)
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
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._cache.clear()
        self._styles.clear()

    def _cls(self, name: str) -> Style:
        return self.get_component_rich_style(f"state-graph--{name}", partial=True)

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
        if row >= self.picture.height:
            return Strip.blank(width, self._base_style)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._cache[row] = self._render_row(row)
        return strip.crop_extend(sx, sx + width, self._base_style)

    def _outcome(self, key: str) -> str:
        return self.marks.overlay.outcome(key)

    def _style(self, kind: str, key: str) -> Style:
        m = self.marks
        if kind in ("edge", "arrow"):
            return self._cls("edge-catch" if key == "catch" else "edge")
        if kind == "label":
            return self._cls("edge-catch" if key == "catch" else "label")
        if kind in ("pill", "frame", "sub", "cond", "type"):
            style = self._cls(kind)
            if kind == "type" and key in m.overlay.nodes:
                style = self._cls(f"outcome-{self._outcome(key)}")
            return style
        if kind in ("border", "cborder"):
            style = self._cls(f"outcome-{self._outcome(key)}")
            if key == m.current:
                style += self._cls("current")
            elif key == m.inspected:
                style += self._cls("inspected")
            return style
        if kind == "title":
            style = self._cls("title")
            if key == m.current:
                style += self._cls("current")
            if key == self.cursor:
                style += self._cls("cursor")
            return style
        return Style()

    def _overlays(self, row: int) -> dict[int, tuple[str, Style]]:
        out: dict[int, tuple[str, Style]] = {}
        m = self.marks
        for b in self.picture.title_rows.get(row, ()):
            if b.key == m.current:
                out[b.x + 1] = ("▶", self._cls("current"))
            bp = m.breakpoints.get(b.name)
            if bp is not None:
                out[b.x + 2] = ("●" if bp else "○", self._cls("breakpoint"))
            outcome = self._outcome(b.key)
            glyph = GLYPH.get(outcome)
            if glyph:
                out[b.x + 3] = (glyph, self._cls(f"outcome-{outcome}"))
            node = m.overlay.nodes.get(b.key)
            if node is None or not node.visits:
                continue
            if node.map is not None:
                text = node.map.label()
            else:
                text = f"×{node.visits}" if node.visits < 1000 else "×999+"
            x0 = b.right - 1 - len(text)
            style = self._cls("count")
            for i, ch in enumerate(text):
                out[x0 + i] = (ch, style)
        return out

    def _render_row(self, row: int) -> Strip:
        pic = self.picture
        chars, tags, items = pic.chars[row], pic.tags[row], pic.tag_items
        over = self._overlays(row)
        taken = self._taken_cells
        styles = self._styles
        base = self._base_style
        segs: list[Segment] = []
        buf: list[str] = []
        cur_style: Style | None = None
        taken_style = None
        for x, ch in enumerate(chars):
            if x in over:
                ch, style = over[x]
            else:
                t = tags[x]
                if t and items[t][0] in ("edge", "arrow") and (x, row) in taken:
                    if taken_style is None:
                        taken_style = self._cls("edge-taken")
                    style = taken_style
                else:
                    style = styles.get(t) if t else base
                    if style is None:
                        kind, key = items[t]
                        style = self._style(kind, key)
                        if kind not in ("title", "border", "cborder", "type"):  # these depend on the marks
                            styles[t] = style
            if style is not cur_style:
                if buf:
                    segs.append(Segment("".join(buf), base + cur_style if cur_style is not base else base))
                buf, cur_style = [], style
            buf.append(ch)
        if buf:
            segs.append(Segment("".join(buf), base + cur_style if cur_style is not base else base))
        return Strip(segs, pic.width)
