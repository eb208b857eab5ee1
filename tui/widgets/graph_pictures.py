"""Which drawing of a flow the graph pane shows (no Textual): the most
readable one that is whole in the pane; else the shortest that fits its
width, scrolled up and down (never cut at the sides); else the outline,
cut to the width. Every drawing is made once and kept."""
from __future__ import annotations

from .graph_cache import drawing
from .graph_layout import Picture, layout_flow, outline_flow

#: drawings tried, most readable first, until one fits the pane: the
#: normal one, tight rows, then narrower names (on more lines)
VARIANTS = ((1, 26), (0, 26), (1, 22), (0, 22), (1, 20), (0, 20), (0, 16))
ZOOM = ((2, 34), (1, 26), (0, 20), (-1, 0))  # what +/- step through
#: how much taller than the pane a drawing that fits its width may be
#: (scrolled up and down) before the outline is the better view
TALL = 1.5


class Pictures:
    def __init__(self, flow):
        self.flow = flow
        self._made: dict[tuple[int, int], Picture] = {}

    def get(self, detail: int, name_w: int = 26) -> Picture:
        """A drawing; for the outline (``detail`` < 0) ``name_w`` is the
        width it must fit (0: its own)."""
        key = (detail, name_w)
        pic = self._made.get(key)
        if pic is None:
            flow = self.flow
            if detail < 0:
                pic = outline_flow(flow, name_w)
            else:  # (laid out once: graph_cache keeps it for the next run)
                pic = drawing(flow, "layout", key, lambda: layout_flow(flow, detail, name_w))
            self._made[key] = pic
        return pic

    def fitting(self, width: int, height: int) -> Picture | None:
        """The most readable drawing wholly inside ``width`` x ``height``, or None."""
        for d, w in VARIANTS:
            pic = self.get(d, w)
            if pic.width <= width and pic.height <= height:
                return pic
        return None

    def choose(self, width: int, height: int) -> Picture:
        pic = self.fitting(width, height)
        if pic is not None:
            return pic
        wide = [self.get(d, w) for d, w in VARIANTS if self.get(d, w).width <= width]
        wide = [p for p in wide if p.height <= height * TALL]
        return min(wide, key=lambda p: p.height) if wide else self.outline(width)

    def outline(self, width: int) -> Picture:
        natural = self.get(-1, 0)
        return natural if natural.width <= width else self.get(-1, max(24, width))


__all__ = ["Pictures", "VARIANTS", "ZOOM", "TALL"]
