"""The Record view's rows for a legacy step: the ``$input`` and ``$local`` of its list, its
``$context``, and every mapping with its source and value (and why a path read null)."""
from __future__ import annotations

from typing import Any

from rich.text import Text

from flowdbg.engine.execution import MISSING

from ..theme_style import th


def is_legacy(rec) -> bool:
    """A legacy step whose input stage ran (its record holds the mappings)."""
    return isinstance(rec.extra, dict) and rec.extra.get("format") == "legacy"


def is_legacy_step(rec) -> bool:
    from flowdbg.engine.legacy.schema import STEP_TYPES
    return rec.type in STEP_TYPES


def _mappings(t, compact, title: str, entries) -> None:
    t.add_row(Text(title, style=th("bold $primary")), Text(""))
    for e in entries:
        line = Text(f"{e['target']} ← {e['source']}", style=th("$foreground"))
        line.append(" = ", style=th("$foreground-muted"))
        line.append(compact(e.get("value")), style=th("$warning") if "note" in e else "")
        t.add_row("", line)
        if "note" in e:
            t.add_row("", Text(f"  {e['note']}", style=th("italic $warning")))


def input_rows(rec, row, t, compact) -> None:
    x = rec.extra
    if x.get("flowInputMappings"):
        _mappings(t, compact, "flow input", x["flowInputMappings"])
    row("$input", x.get("$input", MISSING), "the list's input")
    row("$local", x.get("$local", MISSING), "the list's $local so far")
    row("$context", x.get("$context", MISSING))
    if x.get("inputMappings") is None:
        t.add_row("input", Text("= $input with $local merged over it (no inputMappings)", style=th("italic $foreground-muted")))
    else:
        _mappings(t, compact, "inputMappings", x["inputMappings"])
        row("input", rec.input)


def output_rows(rec, row, t, compact) -> None:
    x = rec.extra
    if "errorMappings" in x:
        if x["errorMappings"]:
            _mappings(t, compact, "errorMappings", x["errorMappings"])
        row("output", rec.output, "errorMappings" if x["errorMappings"] else "a caught step outputs nothing")
        return
    row("$local", x.get("local", rec.result if rec.result is not MISSING else MISSING), "the step's own")
    if x.get("outputMappings"):
        _mappings(t, compact, "outputMappings", x["outputMappings"])
    note = "" if x.get("outputMappings") else ("= its $local" if rec.type not in ("parallel", "foreach")
                                               else "nothing without outputMappings")
    row("output", rec.output, note)


def raw_input_row(rec, row) -> Any:
    row("default input", rec.raw_input, "$input with $local merged over it")
