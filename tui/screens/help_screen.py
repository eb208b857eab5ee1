"""Keys and panes at a glance (``?`` or F1), made from the BINDINGS of the
screens and widgets (the one list of keys), plus what the markers mean."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

MARKERS = """\
## What the graph shows

A box's border is coloured by what the run did there: not run, running
(the current state), waiting, succeeded, failed, an error caught. Taken
edges are highlighted. `▶` the current state, `●` a breakpoint (`○`
disabled), `×N` activations, a Map's `done/total` (`✗N` failed
iterations), `✉` waiting for a callback, `⧗` for a timer (Wait, Retry),
`✗` failed, `↯` an error caught.
Choice edges are numbered like the conditions in the header above the
data (`D` = Default); red edges are Catch. On a small terminal (under
120x32) the graph is on the left and the data, or the lists (4-7), on the
right. The mock file is reloaded when you save it; the session journal is
saved at every stop (`flowdbg FLOW --resume`).
"""


def key_text(app, binding: Binding) -> str:
    keys = [k.strip() for k in binding.key.split(",")]
    shown = []
    for k in keys:
        d = app.get_key_display(Binding(k, binding.action))
        if d not in shown:
            shown.append(d)
    return " / ".join(shown)


def binding_rows(app, bindings) -> list[tuple[str, str]]:
    """``(keys, what it does)`` for each binding (its tooltip, else its description)."""
    rows = []
    for b in bindings:
        if not isinstance(b, Binding):
            b = Binding(*b)
        rows.append((key_text(app, b), b.tooltip or b.description or b.action))
    return rows


def keys_markdown(app, groups) -> str:
    out = []
    for title, bindings in groups:
        rows = binding_rows(app, bindings)
        if not rows:
            continue
        out.append(f"## {title}\n\n| Key | What it does |\n|---|---|")
        out += [f"| **{k.replace('|', '¦')}** | {d.replace('|', '¦')} |" for k, d in rows]
        out.append("")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    """The key reference; scrolls with the keyboard (its scroll area has the
    focus: Up/Down, PageUp/PageDown, Home/End) and the mouse wheel.
    ``groups``: ``(title, bindings)`` pairs, from FlowdbgApp.help_groups."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, groups=()):
        super().__init__()
        self.groups = list(groups)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Label("↑↓ PgUp PgDn Home End scroll · Esc closes", id="help-keys")
            with VerticalScroll(id="help-scroll"):
                yield Markdown("# flowdbg keys\n\n" + keys_markdown(self.app, self.groups) + "\n" + MARKERS,
                               id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
