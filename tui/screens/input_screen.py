"""Ask for the execution input: a JSON editor validated as you type."""
from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea
from textual.widgets.text_area import Selection

from flowdbg.engine.expressions.values import BadJSON, parse_json, type_name
from ..theme_style import th


def _article(name: str) -> str:
    return name if name == "null" else ("an " if name[0] in "aeiou" else "a ") + name


def check_json_object(text: str) -> tuple[object, str | None]:
    """``(value, None)`` for a JSON object, else ``(None, message)``."""
    try:
        value = parse_json(text)  # strict, as --input: no NaN, numbers in range, no lone surrogates
    except BadJSON as e:
        return None, (f"line {e.line}, column {e.col}: {e.message.removeprefix('not valid JSON: ')}" if e.line
                      else e.message)
    if not isinstance(value, dict):
        return None, f"the execution input must be a JSON object {{…}}, not {_article(type_name(value))}"
    return value, None


class InputScreen(ModalScreen[dict | None]):
    """Returns the input (a dict), or None when the user quits."""

    # Escape has priority: the editor would otherwise take the first one
    # (it leaves the editor) and only a second one would quit.
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="input.start", priority=True,
                tooltip="Start the execution with this input"),
        Binding("escape", "cancel", "Quit", id="input.cancel", priority=True, tooltip="Quit without starting"),
    ]

    def __init__(self, flow_path: str, initial: dict | None = None, source: str | None = None):
        super().__init__()
        self.flow_path = flow_path
        self.initial = json.dumps(initial if initial is not None else {}, ensure_ascii=False, indent=2)
        self.value: dict | None = initial if initial is not None else {}
        self.source = source  # where the initial value came from, said under the title

    def compose(self) -> ComposeResult:
        with Vertical(id="input-box", classes="dialog"):
            yield Label(Text.assemble(("Execution input", "bold"), f" for {self.flow_path}"), id="input-title")
            note = "A JSON object, as in StartExecution's Input."
            if self.source:
                note += f" Filled in from {self.source}."
            yield Label(Text(note, style=th("$foreground-muted")), id="input-note")
            yield TextArea(self.initial, language="json", id="input-editor", tab_behavior="indent",
                           show_line_numbers=True)
            yield Label("", id="input-status")
            with Horizontal(classes="buttons"):
                yield Button("Start  ctrl+s", variant="primary", id="input-start")
                yield Button("Quit  esc", id="input-cancel")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.cursor_blink = not self.app.is_headless
        # all selected (typing replaces the pre-filled input) with the cursor at the start, so a
        # long input opens at its top, not scrolled to its last line
        editor.selection = Selection(editor.document.end, (0, 0))
        editor.focus()
        self._validate(editor.text)

    def _validate(self, text: str) -> None:
        value, err = check_json_object(text)
        self.value = value
        status = self.query_one("#input-status", Label)
        if err is None:
            status.update(Text("✓ valid JSON object", style=th("$success")))
        else:
            status.update(Text(f"✗ {err}", style=th("$error")))
        self.query_one("#input-start", Button).disabled = err is not None

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._validate(event.text_area.text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "input-start":
            self.action_start()
        else:
            self.action_cancel()

    def action_start(self) -> None:
        if self.value is None:
            self.notify("Fix the JSON first (see the message under the editor)", severity="warning")
            return
        self.dismiss(self.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
