"""The session's breakpoints: on states or on events, with conditions."""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ..messages import BreakpointEdit, BreakpointRemoved, BreakpointToggled
from ..theme_style import th


class BreakpointList(DataTable):
    """``space`` enables/disables, ``enter`` edits, ``delete`` removes."""

    BINDINGS = [
        Binding("space", "toggle", "Enable/disable", id="bp.toggle", tooltip="Enable or disable the breakpoint"),
        Binding("enter", "edit", "Edit", id="bp.edit", tooltip="Edit it: condition, hit count, scope"),
        Binding("delete,x", "remove", "Remove", id="bp.remove", tooltip="Remove the breakpoint"),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_column("#", key="id")
        self.add_column("On", key="on")
        self.add_column("Condition", key="cond")
        self.add_column("Hits", key="hits")

    def show(self, breakpoints) -> None:
        row = self.cursor_row
        self.clear()
        if not breakpoints:
            self.add_row("", Text("F9 / b on a state adds one; B edits", style=th("italic $foreground-muted")), "", "")
            return
        for b in breakpoints:
            on = b.state if b.state else f"event {b.event}"
            if b.scope:
                on += f" in {b.scope}"
            mark = Text("● " if b.enabled else "○ ", style=th("bold $error"))
            cond = b.condition or ""
            if b.hit_count:
                cond = (cond + " " if cond else "") + f"[hit {b.hit_count}]"
            self.add_row(mark + Text(str(b.id)), Text(on, style="" if b.enabled else th("$foreground-muted")),
                         cond, str(b.hits), key=str(b.id))
        if 0 <= row < len(breakpoints):
            self.move_cursor(row=row)

    def _current(self) -> int | None:
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return int(key) if key else None

    def action_toggle(self) -> None:
        if (i := self._current()) is not None:
            self.post_message(BreakpointToggled(i))

    def action_edit(self) -> None:
        if (i := self._current()) is not None:
            self.post_message(BreakpointEdit(i))

    def action_remove(self) -> None:
        if (i := self._current()) is not None:
            self.post_message(BreakpointRemoved(i))
