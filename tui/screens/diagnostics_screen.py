"""A flow with errors: each diagnostic with its source lines; reloads on save."""
from __future__ import annotations

import os

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from flowdbg.engine.definition import load_definition
from ..theme_style import th

CONTEXT = 2  # source lines shown above and below


def diagnostic_renderable(d, lines: list[str]) -> Group:
    sev_style = th("bold $error" if d.severity == "error" else "bold $warning")
    head = Text()
    head.append(f"{d.severity} ", style=sev_style)
    head.append(f"line {d.line}, column {d.col}", style="bold")
    head.append(f"  [{d.code}]", style=th("$foreground-muted"))
    body = Text(d.message)
    parts = [head, body]
    if d.hint:
        parts.append(Text.assemble(("hint: ", th("bold $secondary")), (d.hint, th("$secondary"))))
    if lines and d.line >= 1:
        width = len(str(min(len(lines), d.line + CONTEXT)))
        src = Text()
        for n in range(max(1, d.line - CONTEXT), min(len(lines), d.line + CONTEXT) + 1):
            mark = "▶" if n == d.line else " "
            src.append(f" {mark}{n:>{width}} │ ", style=sev_style if n == d.line else th("$foreground-muted"))
            src.append(lines[n - 1].rstrip("\n") + "\n", style="bold" if n == d.line else th("$foreground-muted"))
            if n == d.line:
                src.append(" " * (width + 5 + max(0, d.col - 1)) + "^\n", style=sev_style)
        parts.append(src)
    return Group(*parts)


class DiagnosticsScreen(Screen[object]):
    """Shown instead of the debugger while the definition has errors. It
    polls the file's modification time and reloads by itself; once the flow
    is valid it dismisses with the new ``Definition``."""

    BINDINGS = [Binding("r", "reload", "Reload now", id="diag.reload"),
                Binding("q", "app.quit", "Quit", id="diag.quit")]

    def __init__(self, definition, poll: float = 0.5):
        super().__init__()
        self.definition = definition
        self.poll = poll
        self._mtime = self._stat()

    def _stat(self):
        try:
            st = os.stat(self.definition.path)
            return st.st_mtime_ns, st.st_size
        except OSError:
            return None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="diag-summary")
        with VerticalScroll(id="diag-list"):
            pass
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self._timer = self.set_interval(self.poll, self._check)
        self._done = False

    def _show(self) -> None:
        d = self.definition
        errors, warnings = d.errors, d.warnings
        summary = Text()
        summary.append(f"{d.path}", style="bold")
        summary.append(f": {len(errors)} error(s), {len(warnings)} warning(s). ", style=th("$error"))
        summary.append("Fix the file in your editor and save: this screen reloads by itself "
                       "and opens the debugger once the flow is valid.", style=th("$foreground-muted"))
        self.query_one("#diag-summary", Static).update(summary)
        box = self.query_one("#diag-list", VerticalScroll)
        box.remove_children()
        lines = d.text.splitlines() if d.text else []
        box.mount_all([Static(diagnostic_renderable(x, lines), classes="diagnostic") for x in d.diagnostics])
        self.app.sub_title = f"{d.path} — invalid"

    def _check(self) -> None:
        m = self._stat()
        if m != self._mtime:
            self._mtime = m
            self.action_reload()

    def action_reload(self) -> None:
        if self._done:
            return
        new = load_definition(self.definition.path)
        self.definition = new
        if new.flow is not None:
            self._done = True
            self._timer.stop()
            self.notify(f"{new.path} is valid now", title="Reloaded")
            self.dismiss(new)
            return
        self._show()
