"""Watch expressions and their values at the selected step."""
from __future__ import annotations

import json

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ..messages import WatchRemoved
from ..theme_style import th


class WatchList(DataTable):
    """Expression | value (or the error, in red). ``delete`` removes the
    highlighted watch; ``w`` (anywhere) adds one."""

    BINDINGS = [Binding("delete,x", "remove", "Remove watch", id="watch.remove", tooltip="Remove the highlighted watch")]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_column("Expression", key="expr")
        self.add_column("Value", key="value")

    def show(self, watches) -> None:
        row = self.cursor_row
        self.clear()
        if not watches:
            self.add_row(Text("press w to add a watch", style=th("italic $foreground-muted")), "")
            return
        for i, w in enumerate(watches):
            if w.error:
                # the error without the expression again (it is in the first column)
                err = w.error[len(w.expression) + 2:] if w.error.startswith(w.expression + ": ") else w.error
                value = Text(f"✗ {err}", style=th("$error"))
            else:
                value = Text(json.dumps(w.value, ensure_ascii=False, default=str)[:500], style=th("$success"))
            self.add_row(Text(w.expression, style="bold"), value, key=str(i))
        if 0 <= row < len(watches):
            self.move_cursor(row=row)

    def action_remove(self) -> None:
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return
        if key is not None:
            self.post_message(WatchRemoved(int(key)))
