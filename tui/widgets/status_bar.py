"""One line: execution status, step count, virtual clock, why it stopped.

The step counter and the clock come first so that a long reason (a waiting
task, an error) is what gets cut at the right edge, never the numbers.
"""
from __future__ import annotations

import json

from rich.text import Text
from textual.widgets import Static

STATUS_STYLE = {"Running": "bold black on #89b4fa", "Succeeded": "bold black on #a6e3a1",
                "Failed": "bold black on #f38ba8", "Stopped": "bold black on #fab387",
                "Not started": "bold black on #a6adc8"}
REASON = {"step": "stopped at", "breakpoint": "breakpoint at", "breakpoint-error": "breakpoint error at",
          "finished": "finished", "waiting": "waiting:", "paused": "paused at",
          "limit": "step limit at", "error": "error:", "diverged": "diverged from the record at",
          "following": "waiting for CloudFlow at"}


def describe_future(session, name_state: bool = True, detail: bool = False) -> str | None:
    """What stepping forward will replay from the journal (after a step
    back), e.g. "a recorded ReportTaskSucceeded for Approve", or None.
    ``detail`` adds the recorded output or error."""
    future = session.future_inputs()
    if not future:
        return None
    first = future[0]
    if first.get("k") == "callback":
        what = "ReportTaskSucceeded" if first.get("succeeded") else "ReportTaskFailed"
        p = session.execution.pending.get(first.get("token"))
        text = f"a recorded {what}"
        if p is not None and name_state:
            text += f" for {p.state}"
        if detail:
            if first.get("succeeded"):
                out = json.dumps(first.get("output"), ensure_ascii=False)
                text += f" (output {out if len(out) <= 60 else out[:57] + '…'})"
            else:
                text += f" (error {first.get('error')}{': ' + first['cause'] if first.get('cause') else ''})"
    else:
        text = f"a recorded choice of scope {first.get('frame') or 'top level'}"
    if len(future) > 1:
        text += f" (and {len(future) - 1} more recorded input{'s' if len(future) > 2 else ''})"
    return text


def status_badge(ex) -> str:
    return "Not started" if ex.steps == 0 and not ex.finished else ex.status


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


class StatusBar(Static):
    """The debugger's status line (updated by the main screen)."""

    def show(self, session, busy: str | None = None, steps: int | None = None) -> None:
        ex = session.execution
        badge = status_badge(ex)
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(f" {badge} ", style=STATUS_STYLE.get(badge, "bold"))
        t.append(f"  step {steps if steps is not None else ex.steps}", style="#a6adc8")
        t.append(f"  ⏱ {ex.clock:g} s", style="#89dceb")
        if busy:
            t.append(f"   running {busy}…", style="bold #f9e2af")
            t.append("  p pauses", style="#7f849c")
            self.update(t)
            return
        nt = ex.next_timer()
        if nt is not None:
            t.append(f"  next timer {nt:g} s (j)", style="#89dceb")
        if session.selected_record is not None:
            t.append(f"  inspecting #{session.selected_record.index} (Esc: back)", style="#94e2d5")
        t.append("   ")
        stop = session.last_stop
        future = describe_future(session, name_state=stop.reason != "waiting")
        if ex.steps == 0 and stop.reason == "step" and not ex.finished:
            t.append("ready: s steps into the first state, c continues", style="#a6adc8")
        elif stop.reason == "finished" or ex.finished:
            if ex.status == "Succeeded":
                t.append("execution succeeded", style="#a6e3a1")
            elif ex.error is not None:
                t.append(f"{ex.error.code}", style="bold #f38ba8")
                if ex.error.detail:
                    t.append(f": {ex.error.detail}", style="#f38ba8")
        elif stop.reason == "waiting":
            pending = ex.pending_tasks()
            names = ", ".join(p.state for p in pending)
            if future:
                t.append(f"waiting: {names or 'a callback'} — ", style="#cba6f7")
                t.append(f"{future} will be replayed when you continue", style="bold #f9e2af")
                t.append(" (f forgets it)", style="#7f849c")
                future = None
            elif pending:
                t.append(f"waiting for a callback: {names}", style="#cba6f7")
                t.append(" (k answers)", style="#7f849c")
            else:
                t.append("callback answered", style="#a6e3a1")
                t.append(" — c continues", style="#7f849c")
        else:
            t.append(REASON.get(stop.reason, stop.reason) + " ", style="#a6adc8")
            if stop.reason in ("error", "breakpoint-error"):
                t.append(_first_line(stop.message), style="#f38ba8")
            else:
                t.append(stop.state or "", style="bold")
                if stop.frame:
                    t.append(f" [{stop.frame}]", style="#7f849c")
                if stop.breakpoint is not None:
                    t.append(f" (breakpoint {stop.breakpoint})", style="#f38ba8")
        if future:
            t.append(f"   {future} is replayed when you step on (f forgets it)", style="#f9e2af")
        self.update(t)
