"""Answer tasks waiting for ReportTaskSucceeded / ReportTaskFailed."""
from __future__ import annotations

import re
import shlex

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, TextArea

from flowdbg.engine.expressions.values import BadJSON, parse_json

from ..widgets.status_bar import describe_future
from ..theme_style import th

MAX_ERROR, MAX_CAUSE = 128, 4096
_OUTPUT_KEY = re.compile(r"\$Output\.([^\W\d]\w*)")  # a plain key right after $Output (normalized path text)


def _secs(t) -> str:
    return "never" if t is None else f"{t:g} s"


def _cut(text: str, width: int, middle: bool = False) -> str:
    """``text`` in ``width`` cells: the end cut with …, or (a token, whose
    end tells tokens apart) its middle."""
    if len(text) <= width:
        return text
    if width < 2:
        return "…"
    if middle:
        head = (width - 1) // 2
        return text[:head] + "…" + text[len(text) - (width - 1 - head):]
    return text[:width - 1] + "…"


def column_widths(rows: list[tuple[str, ...]], heads: tuple[str, ...], room: int,
                  shrink: tuple[int, ...]) -> list[int]:
    """Each column as wide as its widest cell; when that is more than
    ``room`` (cells, 2 of padding per column), the ``shrink`` columns give
    up the excess, the widest first, down to 8 cells each."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    excess = sum(widths) + 2 * len(widths) - room
    while excess > 0:
        i = max(shrink, key=lambda j: widths[j])
        if widths[i] <= 8:
            break
        widths[i] -= 1
        excess -= 1
    return widths


class CallbacksScreen(ModalScreen):
    """Lists the pending task tokens; sends a success (output JSON, checked
    before sending) or a failure (error code + cause) through
    ``session.report``, and shows whether it was accepted or refused.
    Dismisses with True when at least one report was accepted, or with
    "continue" after F5 (send and continue)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="cb.close", tooltip="Close the dialog (c continues then)"),
        Binding("ctrl+s", "succeed", "Send success", id="cb.succeed",
                tooltip="Send ReportTaskSucceeded with the output typed"),
        Binding("ctrl+f", "fail", "Send failure", id="cb.fail",
                tooltip="Send ReportTaskFailed with the error and cause typed"),
        Binding("f5", "send_and_continue", "Send and continue", id="cb.continue",
                tooltip="Send and continue: the answer being edited (success, or failure from its fields), "
                        "then close and continue the run"),
    ]

    def __init__(self, session, server: dict | None = None, on_change=None):
        super().__init__()
        self.session = session
        self.server = server
        self.on_change = on_change  # called after a report is accepted or the recorded one forgotten
        self.accepted = False
        self._tokens: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="cb-box", classes="dialog"):
            yield Label(Text("Callbacks — tasks waiting for ReportTaskSucceeded / ReportTaskFailed", style="bold"))
            yield DataTable(id="cb-table", cursor_type="row")
            with Horizontal(id="cb-future-row"):
                yield Label("", id="cb-future")
                yield Button("Forget it", id="cb-forget", variant="warning")
            yield Label("Task token (picked from the list; paste another to try it)")
            yield Input(id="cb-token")
            with Horizontal(id="cb-forms"):
                with Vertical(id="cb-succeed"):
                    yield Label(Text("Succeed: Output (JSON)", style=th("bold $success")))
                    yield TextArea("{}", language="json", id="cb-output")
                    yield Label("", id="cb-json-status")
                    yield Button("ReportTaskSucceeded  ctrl+s", variant="success", id="cb-send-ok")
                with Vertical(id="cb-fail"):
                    yield Label(Text("Fail: Error code and Cause", style=th("bold $error")))
                    yield Input(placeholder="Error, e.g. Rejected", id="cb-error")
                    yield Input(placeholder="Cause (free text)", id="cb-cause")
                    yield Button("ReportTaskFailed  ctrl+f", variant="error", id="cb-send-fail")
            yield Label("", id="cb-result")
            yield Label("", id="cb-hint")
            with Horizontal(classes="buttons"):
                yield Button("Close  esc", id="cb-close")

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        heads = ("State", "Scope", "Since", "Timeout at", "Token")
        rows = [self._cells(p) for p in self.session.execution.pending_tasks()]
        room = min(130, self.app.size.width) - 4 - 2 - 2  # the box's padding and border, the scrollbar
        self._widths = column_widths(rows, heads, room, shrink=(1, 4, 0))  # scope, token, state: cut on purpose
        for label, key, w in zip(heads, ("state", "scope", "since", "timeout", "token"), self._widths):
            t.add_column(label, key=key, width=w)
        for w in self.query(Input):
            w.cursor_blink = not self.app.is_headless
        self.query_one(TextArea).cursor_blink = not self.app.is_headless
        self._load()
        self._check_output()
        # The answer is what one types first; Tab goes on to its button, then
        # to the failure fields (error, cause, ReportTaskFailed).
        editor = self.query_one("#cb-output", TextArea)
        editor.select_all()  # typing replaces the {} it starts with
        editor.focus()

    def on_descendant_focus(self, event) -> None:
        """Back in the Output editor by Tab or a click while it still holds
        the {} it starts with: selected again, so typing replaces it (not
        ``{"approved": true}{}``)."""
        editor = self.query_one("#cb-output", TextArea)
        if event.widget is editor and editor.text.strip() == "{}":
            editor.select_all()

    @staticmethod
    def _cells(p) -> tuple[str, str, str, str, str]:
        return p.state, p.scope or "top level", _secs(p.since), _secs(p.timeout_at), p.token

    def _load(self) -> None:
        t = self.query_one(DataTable)
        t.clear()
        pending = self.session.execution.pending_tasks()
        self._tokens = [p.token for p in pending]
        w = getattr(self, "_widths", None) or [200] * 5
        for p in pending:
            state, scope, since, timeout, token = self._cells(p)
            t.add_row(Text(_cut(state, w[0]), style="bold"), _cut(scope, w[1], middle=True), since, timeout,
                      Text(_cut(token, w[4], middle=True), style=th("$foreground-muted")), key=p.token)
        if not pending:
            t.add_row(Text("no task is waiting for a callback", style=th("italic $foreground-muted")), "", "", "", "")
        token = self.query_one("#cb-token", Input)
        if self._tokens and token.value not in self._tokens:
            token.value = self._tokens[0]
        self._hint()
        self._future()

    def _future(self) -> None:
        future = describe_future(self.session, detail=True)
        self.query_one("#cb-future-row").display = future is not None
        if future:
            self.query_one("#cb-future", Label).update(Text.assemble(
                ("↻ ", th("bold $warning")), (f"{future} will be replayed when you continue", th("bold $warning")),
                (" — forget it to answer differently (sending an answer here replaces it too)", th("$foreground-muted"))))

    def _hint(self) -> None:
        token = self.query_one("#cb-token", Input).value or "TOKEN"
        hint = Text("From a shell: ", style=th("$foreground-muted"))
        if self.server:
            hint.append(f"flowdbg callback succeed {shlex.quote(token)} --output '{{}}' --url {self.server['url']} "
                        f"--secret={self.server['secret']}", style=th("$foreground-muted"))
        else:
            hint.append("start flowdbg with --callback-port N to accept callbacks over HTTP "
                        "(flowdbg callback …, curl, or your function)", style=th("$foreground-muted"))
        self.query_one("#cb-hint", Label).update(hint)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if key:
            self.query_one("#cb-token", Input).value = key

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cb-token":
            self._hint()
            self._check_output()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._check_output()

    def _check_output(self):
        text = self.query_one("#cb-output", TextArea).text
        status = self.query_one("#cb-json-status", Label)
        try:
            value = parse_json(text)  # strict, as the endpoint: no NaN, numbers in range, no lone surrogates
        except BadJSON as e:
            where = f"line {e.line}, column {e.col}: " if e.line else ""
            status.update(Text(f"✗ {where}{e.message.removeprefix('not valid JSON: ')}", style=th("$error")))
            self.query_one("#cb-send-ok", Button).disabled = True
            return None, False
        missing = self._unread_keys(value)
        if missing:  # the task's OutputConstructor would fail on this output: say so before it is sent
            status.update(Text.assemble(("✓ valid JSON", th("$success")), ("  ·  ", th("$foreground-muted")),
                                        (f"lacks {', '.join(missing)} (read by its OutputConstructor)",
                                         th("$warning"))))
        else:
            status.update(Text.assemble(("✓ valid JSON", th("$success")),
                                        ("  ·  F5 sends it and continues", th("$foreground-muted"))))
        self.query_one("#cb-send-ok", Button).disabled = False
        return value, True

    def _unread_keys(self, value) -> list[str]:
        """The ``$Output.key`` paths the chosen task's OutputConstructor reads
        whose key ``value`` lacks (a newcomer's ``{}`` fails the run there)."""
        token = self.query_one("#cb-token", Input).value
        pending = next((p for p in self.session.execution.pending_tasks() if p.token == token), None)
        if pending is None or not isinstance(value, dict):
            return []
        act = pending.frame.act if pending.frame is not None else None  # the waiting task's own state,
        output = getattr(act.state, "output", None) if act is not None else None  # whatever its name
        missing: dict[str, None] = {}
        for expr in (output.expressions if output is not None else ()):
            for path in expr.paths:
                m = _OUTPUT_KEY.match(path)
                if m and m.group(1) not in value:
                    missing.setdefault(path)
        return list(missing)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "cb-send-ok":
            self.action_succeed()
        elif bid == "cb-send-fail":
            self.action_fail()
        elif bid == "cb-close":
            self.action_close()
        elif bid == "cb-forget":
            n = self.session.forget_future()
            self._result(True, f"forgot {n} recorded input{'s' if n != 1 else ''}: continuing waits for an answer")
            self._load()
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _token(self) -> str | None:
        token = self.query_one("#cb-token", Input).value.strip()
        if not token:
            self._result(False, "give a task token (pick a row above)")
            return None
        return token

    def action_send_and_continue(self) -> None:
        focused = self.focused
        failing = focused is not None and any(a.id == "cb-fail" for a in focused.ancestors_with_self)
        if (self.action_fail() if failing else self.action_succeed()):
            self.dismiss("continue")

    def action_succeed(self) -> bool:
        value, ok = self._check_output()
        if not ok:
            self._result(False, "the output is not valid JSON; nothing was sent")
            return False
        token = self._token()
        return token is not None and self._send(token, succeeded=True, output=value)

    def action_fail(self) -> bool:
        error = self.query_one("#cb-error", Input).value.strip()
        cause = self.query_one("#cb-cause", Input).value
        if not 1 <= len(error) <= MAX_ERROR:
            self._result(False, f"ReportTaskFailed needs an error code of 1-{MAX_ERROR} characters")
            return False
        if len(cause) > MAX_CAUSE:
            self._result(False, f"the cause is longer than {MAX_CAUSE} characters")
            return False
        token = self._token()
        return token is not None and self._send(token, succeeded=False, error=error, cause=cause)

    def _send(self, token: str, **kw) -> bool:
        try:
            res = self.session.report(token, **kw)
        except Exception as e:  # an engine bug must not lose the session
            self._result(False, f"internal error: {type(e).__name__}: {e}")
            return False
        what = "ReportTaskSucceeded" if kw.get("succeeded") else "ReportTaskFailed"
        if res.accepted:
            self.accepted = True
            self._result(True, f"{what} accepted. Close (esc) and continue (c) to run the task's next state.")
            self._load()
            self._changed()
            return True
        self._result(False, f"{what} refused: {res.reason}")
        return False

    def _result(self, ok: bool, message: str) -> None:
        style = th("bold $success" if ok else "bold $error")
        # in the dialog, not a toast over it
        self.query_one("#cb-result", Label).update(Text(("✓ " if ok else "✗ ") + message, style=style))

    def action_close(self) -> None:
        self.dismiss(self.accepted)
