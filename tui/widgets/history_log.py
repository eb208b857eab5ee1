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


#: the graph's marks (run_overlay.GLYPH) on the events a state starts waiting at
MARK = {"TaskSubmitted": "✉ ", "StepRetrying": "⧗ "}


def _fit(text: Text, width: int) -> Text:
    """One line of ``width`` cells at most, cut with … (not chopped by the table)."""
    if text.cell_len <= width:
        return text
    out = text.copy()
    out.truncate(max(1, width), overflow="ellipsis")
    return out


def _type_text(t: str) -> Text:
    shown = MARK.get(t, "") + t
    for suffix, style in TYPE_STYLE.items():
        if t.endswith(suffix):
            return Text(shown, style=th(style))
    return Text(shown)


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
        yield Input(placeholder="filter: type, state, scope", id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)

    #: below this many columns a row is two lines: its type and time, then its state and scope
    TWO_LINES = 64
    ID_W, TIME_W, TYPE_W = 5, 6, 18
    _layout: tuple = ()

    def on_mount(self) -> None:
        self._columns(self.size.width or 80)

    def on_resize(self, event) -> None:
        if self._columns(event.size.width) and self._source is not None:
            self.sync(self._source, force=True)

    def _columns(self, width: int) -> bool:
        """Columns that fit ``width`` (the state and scope cut with … on
        purpose, never chopped mid-column); True when they changed."""
        room = max(20, width - 2)  # the scrollbar
        if room >= self.TWO_LINES:
            rest = room - (self.ID_W + self.TIME_W + self.TYPE_W) - 2 * 5
            state_w = max(8, rest * 3 // 5)
            layout = ("wide", state_w, max(6, rest - state_w))
        else:
            layout = ("two", max(10, room - self.ID_W - 2 * 2))
        tables = self.query(DataTable)
        if layout == self._layout or not tables:  # (none: mounted as the app closes, its children never composed)
            return False
        self._layout = layout
        t = tables.first()
        t.clear(columns=True)
        if layout[0] == "wide":
            for label, key, w in (("Id", "id", self.ID_W), ("Time", "time", self.TIME_W),
                                  ("Type", "type", self.TYPE_W), ("State", "state", layout[1]),
                                  ("Scope", "scope", layout[2])):
                t.add_column(label, key=key, width=w)
        else:
            t.add_column("Id", key="id", width=self.ID_W)
            t.add_column("Event / state · scope", key="event", width=layout[1])
        self._events, self._shown = [], 0
        return True

    def _match(self, ev) -> bool:
        f = self._filter
        return not f or f in ev.type.lower() or f in ev.state.lower() or f in ev.scope.lower()

    def _row(self, ev):
        ident = Text(str(ev.id), style=th("$foreground-muted"))
        if self._layout and self._layout[0] == "two":
            w = self._layout[1]
            head = _type_text(ev.type)
            head.append(f"  {ev.time:g} s", style=th("$foreground-muted"))
            where = f"{ev.state or '—'} · {ev.scope}" if ev.scope else (ev.state or "—")
            return ident, Text.assemble(_fit(head, w), "\n", _fit(Text(where), w))
        w = self._layout[1:] if self._layout else (200, 200)
        return (ident, f"{ev.time:g}", _fit(_type_text(ev.type), self.TYPE_W), _fit(Text(ev.state or "—"), w[0]),
                _fit(Text(ev.scope or "—"), w[1]))

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
            height = 2 if self._layout and self._layout[0] == "two" else 1
            for e in new:
                table.add_row(*self._row(e), height=height)
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
