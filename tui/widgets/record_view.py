"""The inspection record of one state activation, stage by stage."""
from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from flowdbg.engine.execution import MISSING
from ..theme_style import th

from . import legacy_record

MAX_VALUE = 4000


def compact(value: Any, limit: int = MAX_VALUE) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _secs(t: float | None) -> str:
    return "—" if t is None else f"{t:g} s"


STATUS_STYLE = {"running": "bold $warning", "waiting": "bold $secondary", "succeeded": "bold $success",
                "failed": "bold $error", "caught": "bold $accent"}


def _payload(resp: dict) -> Any:
    """A function response's body as JSON when it is JSON."""
    text = resp.get("payload")
    if text is None:
        return MISSING
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _attempt_rows(rec, row, t) -> None:
    """Each attempt readably (request, response or error, token), with the
    Retry decision that followed it between attempts."""
    retries = list(rec.retries)
    for i, a in enumerate(rec.attempts):
        where = [f"at {_secs(a.get('at'))}"]
        if a.get("function"):
            where.append(f"function {a['function']}")
        resp = a.get("response") or {}
        entry = resp.get("entry") or (resp.get("meta") or {}).get("entry")  # which mock entry, as file:line
        if resp.get("source") or entry:
            where.append(f"answered by {resp.get('source', 'mock')}" + (f" ({entry})" if entry else ""))
        if resp.get("duration"):
            where.append(f"took {resp['duration']:g} s")
        t.add_row(Text(f"attempt {i + 1}", style=th("bold $foreground")), Text("  ·  ".join(where), style=th("$foreground-muted")))
        if rec.parameters is not MISSING and a.get("request") == rec.parameters:
            t.add_row("  request", Text("= request" if rec.type == "task" else "= parameters",
                                        style=th("italic $foreground-muted")))
        else:
            row("  request", a.get("request", MISSING))
        shown_error = False
        if "error" in resp:
            t.add_row(Text("  error", style=th("$error")),
                      Text(f"{resp['error']}: {resp.get('detail', '')}".rstrip(": "), style=th("$error")))
            shown_error = True
        elif "payload" in resp or "payload_b64" in resp:
            row("  response", _payload(resp) if "payload" in resp else f"<{len(resp['payload_b64'])} bytes base64>")
        elif "result" in resp:
            row("  response", resp["result"])
        if "callback" in a:
            row("  callback", a["callback"], "ReportTaskSucceeded")
        if a.get("child"):
            c = a["child"]
            t.add_row("  child", Text(f"flow {c.get('flow')} execution {c.get('execution')}: {c.get('status')} "
                                      f"({len(c.get('states') or [])} states)"))
        err = a.get("error")
        if err and not shown_error:
            t.add_row(Text("  error", style=th("$error")),
                      Text(f"{err.get('Code')}: {err.get('Detail', '')}".rstrip(": "), style=th("$error")))
        if a.get("token"):
            t.add_row("  token", Text(a["token"], style=th("$foreground-muted")))
        if resp.get("log"):  # FC's log tail: what a local or live handler printed, its traceback
            t.add_row("  log", Text(_log_tail(resp["log"]), style=th("$foreground-muted")))
        if i < len(rec.attempts) - 1 and retries:
            _retry_row(t, retries.pop(0))
    for r in retries:  # a Parallel/Map retried whole: no attempts of its own
        _retry_row(t, r)


LOG_LINES = 40


def _log_tail(log: str) -> str:
    lines = log.rstrip("\n").splitlines()
    if len(lines) <= LOG_LINES:
        return "\n".join(lines)
    return f"… {len(lines) - LOG_LINES} earlier lines\n" + "\n".join(lines[-LOG_LINES:])


def _retry_row(t, r: dict) -> None:
    err = r.get("error") or {}
    t.add_row(Text("  ↻ retry", style=th("bold $accent")),
              Text(f"Retry[{r.get('rule')}] #{r.get('attempt')} after {err.get('Code')}: {err.get('Detail', '')} "
                   f"— wait {r.get('wait', 0):g} s", style=th("$accent")))


def record_renderable(rec, state=None) -> Group:
    """A Rich renderable for a ``StepRecord`` (``state``: its model object)."""
    head = Text()
    head.append(f"#{rec.index + 1} ", style=th("$foreground-muted"))
    head.append(rec.state, style="bold")
    head.append(f"  {rec.type}", style=th("$primary"))
    head.append(f"  scope {rec.frame or 'top level'}", style=th("$foreground-muted"))
    head.append("\n")
    head.append(f"entered {_secs(rec.entered_at)}  exited {_secs(rec.exited_at)}  ", style=th("$foreground-muted"))
    head.append(rec.status, style=th(STATUS_STYLE.get(rec.status, "")))
    t = Table.grid(padding=(0, 1))
    t.add_column(style=th("bold $primary"), no_wrap=True, min_width=11)
    t.add_column(overflow="fold")

    def row(stage: str, value: Any, note: str = "", style: str = "") -> None:
        if value is MISSING:
            t.add_row(Text(stage, style=th("$foreground-muted")), Text("— not reached", style=th("italic $foreground-muted")))
            return
        txt = Text(compact(value), style=style)
        if note:
            txt.append(f"  ({note})", style=th("italic $foreground-muted"))
        t.add_row(stage, txt)

    legacy = legacy_record.is_legacy(rec)
    if legacy:
        legacy_record.input_rows(rec, row, t, compact)
    elif legacy_record.is_legacy_step(rec):
        legacy_record.raw_input_row(rec, row)  # a legacy step paused before its input is mapped
    else:
        row("raw input", rec.raw_input)
        has_in = state is not None and getattr(state, "input", None) is not None
        if rec.input is not MISSING and not has_in and rec.input == rec.raw_input:
            t.add_row("input", Text("= raw input (no InputConstructor)", style=th("italic $foreground-muted")))
        else:
            row("input", rec.input, "InputConstructor" if has_in else "")
    if rec.parameters is not MISSING or rec.type in ("Task", "Map", "Wait", "task", "foreach", "wait"):
        row("request" if rec.type == "task" else "parameters", rec.parameters)
    _attempt_rows(rec, row, t)
    if rec.catch:
        c = rec.catch
        err = c.get("error") or {}
        t.add_row(Text("catch", style=th("bold $accent")),
                  Text(f"Catch[{c.get('rule')}] took {err.get('Code')} → {c.get('next')}", style=th("$accent")))
    for ch in rec.choice:
        idx = ch.get("index")
        label = "choice D" if idx is None else f"choice {idx + 1}"
        if "error" in ch:
            t.add_row(label, Text(f"{ch.get('condition')} → error: {ch['error']}", style=th("$error")))
        else:
            v = ch.get("value")
            t.add_row(label, Text(f"{ch.get('condition')} → {json.dumps(v)}",
                                  style=th("bold $success" if v else "$foreground-muted")))
    if legacy:
        legacy_record.output_rows(rec, row, t, compact)
    else:
        if rec.type not in ("Choice", "choice"):
            row("$local" if legacy_record.is_legacy_step(rec) else "result", rec.result)
        has_out = state is not None and getattr(state, "output", None) is not None
        row("output", rec.output, "OutputConstructor" if has_out else "")
    if rec.next:
        t.add_row("next", Text(rec.next, style="bold"))
    elif rec.status == "succeeded":
        t.add_row("next", Text("(end of scope)", style=th("italic $foreground-muted")))
    if rec.error:
        t.add_row(Text("error", style=th("bold $error")),
                  Text(f"{rec.error.get('Code')}: {rec.error.get('Detail', '')}", style=th("$error")))
    for n in rec.notes:
        t.add_row(Text("note", style=th("bold $warning")), Text(str(n), style=th("$warning")))
    return Group(head, Text(""), t)


class RecordView(VerticalScroll):
    """Shows the selected step's inspection record: raw input, constructors,
    parameters, attempts, retry and catch decisions, Choice condition
    values, result, output, next state, error and notes; below it, the
    step that just ran (the one that led here), in full."""

    EMPTY = "No step yet: press s (F11) to step into the first state."

    def compose(self) -> ComposeResult:
        yield Static(Text(self.EMPTY, style=th("italic $foreground-muted")), id="record-body")

    def show(self, rec, state=None, previous=None, previous_state=None) -> None:
        body = self.query_one("#record-body", Static)
        if rec is None:
            body.update(Text(self.EMPTY, style=th("italic $foreground-muted")))
            return
        if previous is None:
            body.update(record_renderable(rec, state))
            return
        body.update(Group(record_renderable(rec, state), Text(""),
                          Rule(Text.assemble(("just ran: ", th("$foreground-muted")), (f"#{previous.index + 1} {previous.state}", "bold")),
                               style=th("$foreground-muted"), align="left"),
                          record_renderable(previous, previous_state)))
