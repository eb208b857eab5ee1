"""``flowdbg serve --debug``: the executions application code started.

One row per execution: flow, name, status, where it is (the state it is
at, a breakpoint it is parked at, the tasks waiting for a callback). Enter
opens one in the debugger (the main screen); ``l`` there comes back here
and the execution goes on by itself.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ..theme_style import th
from ..widgets.key_footer import KeyFooter

STATUS_STYLE = {"Running": "bold $primary", "Succeeded": "bold $success", "Failed": "bold $error",
                "Stopped": "bold $accent"}


def where(served) -> Text:
    """What the execution is doing, in a few words."""
    ex = served.execution
    if served.driver.parked:
        return Text(f"⏸ {served.driver.parked}", style=th("bold $warning"))
    if served.driver.attached:
        return Text("open in the debugger", style=th("$secondary"))
    if ex.finished:
        if served.problem:
            return Text(served.problem.splitlines()[0], style=th("$error"))
        return Text(f"{ex.error.code}" if ex.error else "done", style=th("$foreground-muted"))
    pending = ex.pending_tasks()
    if pending:
        return Text("waiting for a callback: " + ", ".join(p.state for p in pending), style=th("$secondary"))
    cur = ex.current
    return Text(f"at {cur.state}" if cur is not None and cur.state else "running", style=th("$foreground-muted"))


class ExecutionsScreen(Screen):
    BINDINGS = [
        Binding("o", "open", "Open (or Enter)", id="executions.open"),
        Binding("x", "stop", "Stop execution", id="executions.stop"),
    ]

    def __init__(self, service, url: str):
        super().__init__()
        self.service, self.url = service, url
        self._keys: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="serve-endpoint")
        yield DataTable(id="executions", cursor_type="row", zebra_stripes=True)
        yield Static(id="serve-empty")
        yield KeyFooter()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for label, key in (("Flow", "flow"), ("Execution", "name"), ("Status", "status"), ("Where", "where"),
                           ("Steps", "steps"), ("Started", "started")):
            t.add_column(label, key=key)
        flows = ", ".join(self.service.store.flows) or "none yet: CreateFlow adds them"
        self.query_one("#serve-endpoint", Static).update(Text.assemble(
            ("CloudFlow API on ", th("$foreground-muted")), (self.url, "bold"), ("   flows: ", th("$foreground-muted")),
            (flows, "bold"), ("\nSDK: ", th("$foreground-muted")),
            (f"Config(endpoint='{self.url.split('//', 1)[1]}', protocol='http', ...)", th("$secondary"))))
        self.refresh_rows()
        self.set_interval(1.0, self.refresh_rows)
        t.focus()

    def on_executions_changed(self, message) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        t = self.query_one(DataTable)
        rows = self.service.store.all_executions()
        keys = [(e.flow.name, e.name) for e in rows]
        cursor = t.cursor_row
        if keys != self._keys:
            t.clear()
            for e in rows:
                t.add_row(*self._cells(e), key=f"{e.flow.name}/{e.name}")
            self._keys = keys
            if rows:
                t.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        else:
            for e in rows:
                for col, value in zip(("flow", "name", "status", "where", "steps", "started"), self._cells(e)):
                    t.update_cell(f"{e.flow.name}/{e.name}", col, value, update_width=True)
        empty = self.query_one("#serve-empty", Static)
        empty.display = not rows
        empty.update(Text("No execution yet: start one with StartExecution from your application.",
                          style=th("italic $foreground-muted")))

    @staticmethod
    def _cells(e):
        ex = e.execution
        return (Text(e.flow.name, style="bold"), e.name, Text(ex.status, style=th(STATUS_STYLE.get(ex.status, ""))),
                where(e), str(ex.steps), e.started.strftime("%H:%M:%S"))

    def selected(self):
        t = self.query_one(DataTable)
        if not self._keys or t.cursor_row < 0 or t.cursor_row >= len(self._keys):
            return None
        return self.service.store.executions.get(self._keys[t.cursor_row])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        served = self.selected()
        if served is None:
            self.notify("No execution to open yet", severity="warning")
            return
        self.app.open_execution(served)

    def action_stop(self) -> None:
        served = self.selected()
        if served is None or not served.running:
            self.notify("Pick a running execution first", severity="warning")
            return
        self.app.stop_execution(served)
