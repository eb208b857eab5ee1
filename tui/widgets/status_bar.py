"""One line: execution status, step count, virtual clock, why it stopped.

The step counter and the clock come first so that a long reason (a waiting
task, an error) is what gets cut at the right edge, never the numbers.
"""
from __future__ import annotations

import json

from textual.content import Content
from textual.widgets import Static

STATUS_STYLE = {"Running": "bold $text on $primary", "Succeeded": "bold $text on $success-muted",
                "Failed": "bold $text on $error-muted", "Stopped": "bold $text on $warning-muted",
                "Not started": "bold $text on $panel"}
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
    """The debugger's status line (updated by the main screen). Steps are
    numbered as in the panes: ``#4`` is the fourth state the run entered."""

    def show(self, session, busy: str | None = None, ran=(), rec=None) -> None:
        ex = session.execution
        badge = status_badge(ex)
        t: list = [(f" {badge} ", STATUS_STYLE.get(badge, "bold"))]
        rec = rec or session.current_record()
        # the number the panes give the step shown (busy: how far the run got)
        # (ended: how far it got, as "Just ran" says; the root frame's last record may be a Map entered earlier)
        last = busy or rec is None or (ex.finished and session.selected_record is None)
        t.append((f"  #{len(ex.records) if last else rec.index + 1}", "bold $text-muted"))
        t.append((f"  ⏱ {ex.clock:g} s", "$text-primary"))
        if busy:
            t.append((f"   running {busy}…", "bold $accent"))
            t.append(("  p pauses", "$text-muted"))
            self.update(Content.assemble(*t), layout=False)  # one row: no layout needed
            return
        nt = ex.next_timer()
        if nt is not None:
            t.append((f"  next timer {nt:g} s (j)", "$text-primary"))
        if session.selected_record is not None:
            t.append((f"  inspecting #{session.selected_record.index + 1} (Esc: back)", "$text-secondary"))
        t.append(("   ", ""))
        stop = session.last_stop
        future = describe_future(session, name_state=stop.reason != "waiting")
        if ex.steps == 0 and stop.reason == "step" and not ex.finished:
            t.append(("ready: s steps into the first state, c continues", "$text-muted"))
        elif stop.reason == "finished" or ex.finished:
            if ex.status == "Succeeded":
                t.append(("execution succeeded", "$text-success"))
            elif ex.error is not None:
                t.append((f"{ex.error.code}", "bold $text-error"))
                if ex.error.detail:
                    t.append((f": {ex.error.detail}", "$text-error"))
        elif stop.reason == "waiting":
            pending = ex.pending_tasks()
            names = ", ".join(p.state for p in pending)
            if future:
                t.append((f"waiting: {names or 'a callback'} — ", "$text-warning"))
                t.append((f"{future} will be replayed when you continue", "bold $text-warning"))
                t.append((" (f forgets it)", "$text-muted"))
                future = None
            elif pending:
                t.append((f"waiting for a callback: {names}", "$text-warning"))
                t.append((" (k answers)", "$text-muted"))
            else:
                t.append(("callback answered", "$text-success"))
                t.append((" — c continues", "$text-muted"))
        else:
            t.append((REASON.get(stop.reason, stop.reason) + " ", "$text-muted"))
            if stop.reason in ("error", "breakpoint-error"):
                t.append((_first_line(stop.message), "$text-error"))
            else:
                t.append((stop.state or "", "bold"))
                if stop.frame:
                    t.append((f" [{stop.frame}]", "$text-muted"))
                if stop.breakpoint is not None:
                    t.append((f" (breakpoint {stop.breakpoint})", "$text-error"))
        if ran and len(ran) > 1:
            from .step_view import summary
            t.append((f"   {summary(ran)}", "$text-muted"))
        if future:
            t.append((f"   {future} is replayed when you step on (f forgets it)", "$text-warning"))
        self.update(Content.assemble(*t), layout=False)
