"""Keys and panes at a glance (``?`` or F1)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

HELP = """\
# flowdbg keys

| Key | What it does |
|---|---|
| **F5** / **c** | continue to the next breakpoint, a callback wait or the end |
| **F10** / **n** | step over: to the next state in this scope (runs a whole Parallel/Map) |
| **F11** / **s** | step into: to the very next state, entering branches and iterations |
| **Shift+F11** / **o** | step out of the current branch or iteration |
| **p** | pause a running continue |
| **u** | step back to the previous stop (replays the journal) |
| **r** | restart with the same input (recorded answers are reused) |
| **t** | run to the state under the graph cursor |
| **j** | skip to the next timer (Wait, Retry interval, task delay or timeout) |
| **F9** / **b** | toggle a breakpoint on the state under the graph cursor |
| **B** | breakpoint editor: condition, hit count, scope, event breakpoints |
| **w** | add a watch expression (e.g. `$Input.orders[0].id`) |
| **k** | callbacks: answer tasks waiting for ReportTaskSucceeded / Failed |
| **Escape** | back to the current step after inspecting an older one |
| **Tab** | next pane · **Ctrl+P** command palette · **?** this help · **q** quit |

## Panes

* **Graph** — arrows move the cursor between states, **Enter** inspects the
  state's latest activation, **.** jumps to the current state. `▶` current,
  `●` breakpoint, `×N` activations, `⧗` waiting for a callback, `✗` failed,
  `↯` error caught. Choice edges are numbered like the conditions in the box
  (`D` = Default); red edges are Catch.
* **Source** — the definition; the current state's lines are highlighted,
  the graph cursor's state has a blue background.
* **Values** — `$Input`, `$Context`, `$Output` of the selected step as a tree
  (**Space**/**Enter** fold, **y** copies the highlighted value, **e** expands all).
* **Record** — every stage of the step: raw input, constructors, parameters,
  attempts, Retry/Catch decisions, Choice condition values, output, next.
* **Scopes** — live Parallel branches and Map iterations; **Enter** advances
  the chosen one, and stepping then continues in it.
* **Watches** / **Breakpoints** — **x** or **Delete** removes; on a
  breakpoint **Space** enables/disables and **Enter** edits.
* **History** — the event log; type to filter, **Enter** shows that event's step.

The session journal is saved at every stop: `flowdbg FLOW --resume` brings
back the step, breakpoints and watches.
"""


class HelpScreen(ModalScreen[None]):
    """The key reference; scrolls with the keyboard (its scroll area has the
    focus: Up/Down, PageUp/PageDown, Home/End) and the mouse wheel."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Label("↑↓ PgUp PgDn Home End scroll · Esc closes", id="help-keys")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(HELP, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
