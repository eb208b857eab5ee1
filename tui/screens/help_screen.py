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
| **F5** / **c** | continue to the next breakpoint, a callback wait, an error or the end |
| **F10** / **n** | step over: to the next state in this scope (runs a whole Parallel/Map) |
| **F11** / **s** | step into: to the very next state, entering branches and iterations |
| **Shift+F11** / **o** | step out of the current branch or iteration |
| **u** | step back to the previous stop (replays the journal) |
| **p** | pause a running continue |
| **r** | restart with the same input (asks first; recorded answers are reused) |
| **t** | run to the state under the graph cursor (the cursor stays there) |
| **j** | skip to the next timer (Wait, Retry interval, task delay or timeout) |
| **F9** / **b** | toggle a breakpoint on the state under the graph cursor |
| **B** | breakpoint editor: condition, hit count, scope, event breakpoints |
| **w** | add a watch expression (e.g. `$Input.orders[0].id`) |
| **k** | callbacks: answer tasks waiting for ReportTaskSucceeded / Failed |
| **f** | forget the recorded callbacks/choices ahead (after a step back) |
| **e** | export the history as GetExecutionHistory JSON |
| **T** | save this run as a case of the flow's `NAME.tests.yaml` (for `flowdbg test`) |
| **C** | run the flow's test cases: what they never reach; Enter shows it on the graph |
| **Escape** | back to the current step after inspecting an older one |
| **1**–**5** | go to a pane: 1 graph, 2 source, 3 values/record, 4 scopes/watches/breakpoints, 5 history |
| **v** | switch Values / Record |
| **/** | type in the history filter |
| **Tab** | next pane · **Ctrl+P** command palette · **?** / **F1** this help · **q** quit |

On a small terminal (under 120x32) two panes show side by side, graph or
source on the left and values, scopes or history on the right: **1**–**5**
choose. The mock file is reloaded when you save it.

In dialogs: **Ctrl+S** saves / sends success / starts, **Ctrl+F** sends a
failure (callbacks), **Escape** cancels or closes; **y** / **n** answer a
question.

## Panes

* **Graph** — arrows move the cursor between states, **Enter** (or a double
  click) inspects the state's latest activation, **.** jumps to the current
  state, **PageUp**/**PageDown** scroll. `▶` current, `●` breakpoint,
  `×N` activations, `⧗` waiting for a callback, `✗` failed, `↯` error
  caught. Choice edges are numbered like the conditions in the box
  (`D` = Default); red edges are Catch.
* **Source** — the definition; the current state's lines are highlighted,
  the graph cursor's state has a blue background.
* **Values** — `$Input`, `$Context`, `$Output` of the selected step as a tree
  (**Space**/**Enter** fold, **\\*** expands all below, **y** copies the
  highlighted value).
* **Record** — every stage of the step: raw input, constructors, parameters,
  each attempt (request, response or error, token) with the Retry decision
  after it, Catch, Choice condition values, output, next; below it, the step
  that just ran.
* **Scopes** — live Parallel branches and Map iterations; a click or the
  arrows pick one, **Enter** advances it, and stepping then continues in it.
* **Watches** / **Breakpoints** — **x** or **Delete** removes; on a
  breakpoint **Space** enables/disables and **Enter** edits.
* **History** — the event log; type in the filter (**/**) to narrow it,
  **Enter** on a row shows that event's step.

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
