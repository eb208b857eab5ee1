"""Add a watch expression (checked as you type)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from flowdbg.engine.expressions import ExpressionError, compile_expression
from ..theme_style import th


def expression_error(text: str, fmt: str = "v1") -> str | None:
    """Why ``text`` is not a watch expression of the flow's format (legacy: over $input/$local/$context)."""
    try:
        if fmt == "legacy":
            from flowdbg.engine.expressions.legacy import compile_legacy_expression
            compile_legacy_expression(text)
        else:
            compile_expression(text)
    except ExpressionError as e:
        return str(e)
    return None


EXAMPLES = {"v1": ("An FDL expression evaluated at the selected step, e.g. $Input.orders[0].id, "
                   "length($Input.items), $Context.Current.RetryCount", "$Input."),
            "legacy": ("An expression over the selected step's $input, $local and $context, e.g. $input.orderId, "
                       "length($local.keys), $context.step.eventId", "$input.")}


class WatchScreen(ModalScreen[str | None]):
    """Returns the expression, or None on Escape. An expression that does
    not compile keeps the dialog open, with the error and the text."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="watch.cancel", tooltip="Close without adding a watch")]

    def __init__(self, fmt: str = "v1") -> None:
        super().__init__()
        self.fmt = fmt if fmt in EXAMPLES else "v1"

    def compose(self) -> ComposeResult:
        with Vertical(id="watch-box", classes="dialog"):
            yield Label(Text("Add a watch", style="bold"))
            hint, prefill = EXAMPLES[self.fmt]
            yield Label(Text(hint, style=th("$foreground-muted")))
            # real text (a grey placeholder was taken for text, issue 10), the cursor after it: typing
            # "orders" makes $Input.orders; a whole expression typed from its "$" replaces it
            self.prefix = prefill
            yield Input(prefill, id="watch-input")
            yield Label("", id="watch-status")
            yield Label(Text("Enter adds · Escape cancels", style=th("$foreground-muted")))

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = not self.app.is_headless
        inp.focus()
        inp.cursor_position = len(inp.value)
        self._fresh = True  # the prefix as it was offered: not typed after yet

    _fresh = False

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._fresh and event.value != self.prefix:
            self._fresh = False
            typed = event.value[len(self.prefix):] if event.value.startswith(self.prefix) else None
            if typed is not None and typed.startswith("$"):  # a whole expression: not after the prefix
                event.input.value = typed
                event.input.cursor_position = len(typed)
                return  # its own Changed follows
        text = event.value.strip()
        status = self.query_one("#watch-status", Label)
        if not text or event.value == self.prefix:  # nothing typed yet: no verdict on the offered prefix
            status.update("")
            return
        err = expression_error(text, self.fmt)
        status.update(Text(f"✗ {err}", style=th("$error")) if err else Text("✓ Enter adds it", style=th("$success")))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        err = expression_error(text, self.fmt)
        if err is not None:
            self.query_one("#watch-status", Label).update(
                Text(f"✗ {err} — fix it, or Escape to cancel", style=th("$error")))
            return  # said under the field, not in a toast over the dialog
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
