"""Edit a breakpoint: state or event, condition, hit count, scope."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from .watch_screen import expression_error
from ..theme_style import th

EVENTS = [("on the state (no event)", ""), ("a task fails (task-failed)", "task-failed"),
          ("a Retry happens (retry)", "retry"), ("a task waits for a callback (callback-wait)", "callback-wait")]


class BreakpointScreen(ModalScreen[dict | None]):
    """Returns ``{"id", "state", "event", "condition", "hit_count", "scope",
    "enabled"}`` (``"remove": True`` to delete), or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="bp.cancel", tooltip="Close without saving"),
                Binding("ctrl+s", "save", "Save", id="bp.save", tooltip="Save the breakpoint")]

    def __init__(self, state: str | None, bp=None, check_scope=None, fmt: str = "v1"):
        super().__init__()
        self.bp = bp
        self.state = bp.state if bp is not None else state
        self.check_scope = check_scope  # session.check_scope: raises with the reason
        self.fmt = fmt  # the flow's format: a legacy condition reads $input/$local/$context

    def compose(self) -> ComposeResult:
        bp = self.bp
        title = f"Breakpoint {bp.id}" if bp else "New breakpoint"
        with Vertical(id="bp-box", classes="dialog"):
            yield Label(Text(title, style="bold"))
            yield Label("State (empty for an event breakpoint)")
            yield Input(self.state or "", id="bp-state")
            yield Label("Stop when")
            yield Select(EVENTS, value=(bp.event or "") if bp else "", allow_blank=False, id="bp-event")
            legacy = self.fmt == "legacy"
            yield Label("Condition (on the step's $input / $local / $context; empty = always)" if legacy else
                        "Condition (FDL, on the state's $Input / $Context; empty = always)")
            yield Input((bp.condition or "") if bp else "", placeholder="$input.total > 100" if legacy
                        else "$Input.total > 100", id="bp-condition")
            yield Label("", id="bp-status")
            with Horizontal(id="bp-row"):
                with Vertical():
                    yield Label("Hit count (stop on the Nth hit)")
                    yield Input(str(bp.hit_count) if bp and bp.hit_count else "", placeholder="1",
                                id="bp-hits", type="integer")
                with Vertical():
                    yield Label("Only in scope (e.g. Map1[2])")
                    yield Input((bp.scope or "") if bp else "", placeholder="any scope", id="bp-scope")
            yield Label("", id="bp-scope-status")
            yield Checkbox("Enabled", value=bp.enabled if bp else True, id="bp-enabled")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", variant="primary", id="bp-save")
                if bp is not None:
                    yield Button("Remove", variant="error", id="bp-remove")
                yield Button("Cancel  esc", id="bp-cancel")

    def on_mount(self) -> None:
        for w in self.query(Input):
            w.cursor_blink = not self.app.is_headless
        self.query_one("#bp-condition", Input).focus()

    def scope_error(self, scope: str | None) -> str | None:
        if not scope or self.check_scope is None:
            return None
        try:
            self.check_scope(scope)
        except Exception as e:  # SessionError: its message says what is wrong
            return str(e)
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "bp-condition":
            text = event.value.strip()
            err = expression_error(text, self.fmt) if text else None
            self.query_one("#bp-status", Label).update(Text(f"✗ {err}", style=th("$error")) if err else "")
        elif event.input.id == "bp-scope":
            err = self.scope_error(event.value.strip())
            self.query_one("#bp-scope-status", Label).update(Text(f"✗ {err}", style=th("$error")) if err else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "bp-save":
            self.action_save()
        elif bid == "bp-remove":
            self.dismiss({"id": self.bp.id, "remove": True})
        else:
            self.action_cancel()

    def action_save(self) -> None:
        state = self.query_one("#bp-state", Input).value.strip() or None
        event = self.query_one("#bp-event", Select).value or None
        cond = self.query_one("#bp-condition", Input).value.strip() or None
        hits = self.query_one("#bp-hits", Input).value.strip()
        scope = self.query_one("#bp-scope", Input).value.strip() or None
        if cond and (err := expression_error(cond, self.fmt)):
            self.query_one("#bp-status", Label).update(Text(f"✗ {err}", style=th("$error")))
            self.notify(f"Condition: {err}", severity="error")
            return
        if err := self.scope_error(scope):
            self.query_one("#bp-scope-status", Label).update(Text(f"✗ {err}", style=th("$error")))
            self.notify(f"Scope: {err}", severity="error")
            self.query_one("#bp-scope", Input).focus()
            return
        if state is None and event is None:
            self.notify("Give a state or pick an event", severity="warning")
            return
        if event is not None:
            state = None
        self.dismiss({"id": self.bp.id if self.bp else None, "state": state, "event": event, "condition": cond,
                      "hit_count": int(hits) if hits and int(hits) > 0 else None, "scope": scope,
                      "enabled": self.query_one("#bp-enabled", Checkbox).value})

    def action_cancel(self) -> None:
        self.dismiss(None)
