"""What the flow's test cases reach (``C``): the flow's ``NAME.tests.yaml``
run in a worker, its coverage listed; choosing what was never reached shows
that state on the graph."""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from flowdbg.engine.testing.coverage import KINDS, LABELS


class CoverageScreen(ModalScreen[str | None]):
    """Returns the graph key of the state to show (a never-reached state,
    or the state a never-taken branch, Catch or Retry rule belongs to), or
    None on Escape."""

    DEFAULT_CSS = """
    CoverageScreen #coverage-list { height: auto; max-height: 20; margin-top: 1; }
    CoverageScreen #coverage-status.-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Close", id="coverage.close")]

    def __init__(self, test_path: str):
        super().__init__()
        self.test_path = test_path

    def compose(self) -> ComposeResult:
        with Vertical(id="coverage-box", classes="dialog"):
            yield Label(Text("Test coverage", style="bold"))
            yield Label(f"Running the cases of {self.test_path} …", id="coverage-status")
            yield OptionList(id="coverage-list")
            yield Label("Enter shows the state on the graph · Escape closes", id="coverage-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self.run_cases()

    @work(thread=True, exit_on_error=False, group="coverage")
    def run_cases(self) -> None:
        from flowdbg.engine.testing.suite import LocalCodeRefused, run_suite
        try:
            result = run_suite([self.test_path], jobs=1)
        except LocalCodeRefused as e:  # the same consent as flowdbg test: never asked for here
            self.app.call_from_thread(self._failed, f"{e}\n(in a terminal: flowdbg test {self.test_path} --allow-local)")
            return
        except Exception as e:  # a path that went away, a flowdbg bug: say it, keep the debugger
            self.app.call_from_thread(self._failed, f"{type(e).__name__}: {e}")
            return
        self.app.call_from_thread(self._show, result)

    def _failed(self, message: str) -> None:
        status = self.query_one("#coverage-status", Label)
        status.add_class("-error")
        status.update(message)

    def _show(self, result) -> None:
        if result.invalid:
            self._failed(f"{self.test_path} is invalid:\n" + "\n".join(result.invalid[0].errors))
            return
        if not result.coverage:
            self._failed(f"{self.test_path} has no case to run")
            return
        fc = result.coverage[0]
        counts = "; ".join(f"{LABELS[k]} {fc.covered(k)}/{len(fc.all[k])}" for k in KINDS if fc.all[k])
        self.query_one("#coverage-status", Label).update(
            f"{result.passed} passed, {result.failed} failed · {counts}")
        options = []
        for k in KINDS:
            for name in fc.missed(k):
                options.append(Option(Text.assemble(("never reached  ", "dim"), name, f"  ({LABELS[k]})"),
                                      id=name))
        box = self.query_one(OptionList)
        if options:
            box.add_options(options)
            box.display = True
            box.highlighted = 0
            box.focus()
        else:
            self.query_one("#coverage-hint", Label).update("Every state, branch, Catch and Retry rule is reached. "
                                                           "Escape closes")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id).split("#", 1)[0])

    def action_cancel(self) -> None:
        self.dismiss(None)

