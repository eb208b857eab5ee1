"""Save the session on screen as a case of a test file (``T``)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from flowdbg.engine.testing.record import RecordError, check_can_add


class SaveTestScreen(ModalScreen[tuple[str, str] | None]):
    """Asks for the case's name and the test file; returns ``(test file,
    name)``, or None on Escape. A name that is taken, or a file that cannot
    take the case, keeps the dialog open with the reason."""

    DEFAULT_CSS = """
    SaveTestScreen #save-test-status.-error { color: $error; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_test.cancel"),
                Binding("ctrl+s", "save", "Save", id="save_test.save")]

    def __init__(self, test_path: str, flow_path: str, status: str):
        super().__init__()
        self.test_path, self.flow_path, self.status = test_path, flow_path, status

    def compose(self) -> ComposeResult:
        with Vertical(id="save-test-box", classes="dialog"):
            yield Label(Text("Save this run as a test case", style="bold"))
            yield Label(f"The case gets the session's input, the mocks it used and the callbacks you answered, "
                        f"and expects what the run gives when it goes on to its end ({self.status} now). "
                        "flowdbg test runs it.")
            yield Label("Case name")
            yield Input(placeholder="what this run shows", id="save-test-name")
            yield Label("Test file")
            yield Input(self.test_path, id="save-test-path")
            yield Label("", id="save-test-status")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", variant="primary", id="save-test-save")
                yield Button("Cancel  esc", id="save-test-cancel")

    def on_mount(self) -> None:
        for w in self.query(Input):
            w.cursor_blink = not self.app.is_headless
        self.query_one("#save-test-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-test-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        name = self.query_one("#save-test-name", Input).value.strip()
        path = self.query_one("#save-test-path", Input).value.strip()
        status = self.query_one("#save-test-status", Label)
        status.add_class("-error")
        if not name:
            status.update("✗ Give the case a name")
            self.query_one("#save-test-name", Input).focus()
            return
        try:
            check_can_add(path, self.flow_path, name)
        except RecordError as e:
            status.update(f"✗ {e}")
            return
        self.dismiss((path, name))

    def action_cancel(self) -> None:
        self.dismiss(None)
