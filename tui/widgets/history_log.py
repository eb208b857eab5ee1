"""The execution's event log, filterable; picking an event selects its step."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input

from ..messages import EventSelected
from ..theme_style import th

MAX_ROWS = 2000
TYPE_STYLE = {"Failed": "$error", "TimedOut": "$error", "Succeeded": "$success", "Retrying": "$accent",
              "Submitted": "$secondary", "Refused": "$error", "Entered": "$primary"}


def _type_text(t: str) -> Text:
    for suffix, style in TYPE_STYLE.items():
        if t.endswith(suffix):
            return Text(t, style=th(style))
    return Text(t)


class HistoryLog(Vertical):
    """Event id, virtual time, type, state and scope (GetExecutionHistory's
    vocabulary). Type in the filter box to narrow by type, state or scope;
    Enter or a click on a row shows that event's step in the data panes.
    Only the last ``MAX_ROWS`` matching events are listed."""

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._events: list = []  # the events listed, row by row
        self._source = None
        self._shown = 0  # events of _source already considered
        self._filter = ""
        self.title_prefix = ""  # e.g. the key that shows the pane

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter events: type, state or scope (e.g. Failed, Map1[2])", id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for label, key in (("Id", "id"), ("Time", "time"), ("Type", "type"), ("State", "state"), ("Scope", "scope")):
            t.add_column(label, key=key)

    def _match(self, ev) -> bool:
        f = self._filter
        return not f or f in ev.type.lower() or f in ev.state.lower() or f in ev.scope.lower()

    def _row(self, ev):
        return (Text(str(ev.id), style=th("$foreground-muted")), f"{ev.time:g}", _type_text(ev.type), ev.state or "—",
                ev.scope or "—")

    def sync(self, execution, force: bool = False) -> None:
        """Show ``execution.events``: appends new ones, rebuilds after a replay."""
        events = execution.events
        table = self.query_one(DataTable)
        rebuild = force or execution is not self._source or len(events) < self._shown
        if rebuild:
            self._source, self._events = execution, []
            table.clear()
        # Follow the newest event unless the user is browsing older rows.
        follow = rebuild or not table.has_focus or table.cursor_row >= len(self._events) - 1
        new = [e for e in events[0 if rebuild else self._shown:] if self._match(e)]
        self._shown = len(events)
        if len(self._events) + len(new) > MAX_ROWS:
            new = (self._events + new)[-MAX_ROWS:]
            self._events = []
            table.clear()
        if new:
            table.add_rows([self._row(e) for e in new])
            self._events.extend(new)
            if follow:
                self.follow()
        self._title(len(events))

    def follow(self) -> None:
        """Put the cursor on the newest row and scroll it into view."""
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
            table.call_after_refresh(table.scroll_end, animate=False, immediate=True, x_axis=False)

    def _title(self, total: int) -> None:
        n = len(self._events)
        if self._filter:
            title = f"History ({n} of {total} events match {self._filter!r})"
        elif n < total:
            title = f"History (last {n} of {total} events)"
        else:
            title = f"History ({total} events)"
        self.border_title = self.title_prefix + title

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value.strip().lower()
        if self._source is not None:
            self.sync(self._source, force=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        i = event.cursor_row
        if 0 <= i < len(self._events):
            ev = self._events[i]
            self.post_message(EventSelected(ev.id, ev.step))
