"""A yes/no question (restart the execution?)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label
from ..theme_style import th


class ConfirmScreen(ModalScreen[bool]):
    """Returns True for y / Enter / the first button, False for n / Escape."""

    BINDINGS = [Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes"),
                Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="No")]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self.title_text, self.message, self.yes, self.no = title, message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield Label(Text(self.message, style=th("$foreground-muted")), id="confirm-message")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes}  y", variant="warning", id="confirm-yes")
                yield Button(f"{self.no}  n/esc", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
