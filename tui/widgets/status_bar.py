"""One line: execution status, why it stopped, step count, virtual clock."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STATUS_STYLE = {"Running": "bold black on #89b4fa", "Succeeded": "bold black on #a6e3a1",
                "Failed": "bold black on #f38ba8", "Stopped": "bold black on #fab387"}
REASON = {"step": "stopped at", "breakpoint": "breakpoint at", "breakpoint-error": "breakpoint error at",
          "finished": "finished", "waiting": "waiting for a callback:", "paused": "paused at",
          "limit": "step limit at", "error": "error:"}


class StatusBar(Static):
    """The debugger's status line (updated by the main screen)."""

    def show(self, session, busy: str | None = None, steps: int | None = None) -> None:
        ex = session.execution
        t = Text()
        t.append(f" {ex.status} ", style=STATUS_STYLE.get(ex.status, "bold"))
        t.append("  ")
        if busy:
            t.append(f"running {busy}… ", style="bold #f9e2af")
            t.append(f"step {steps if steps is not None else ex.steps}", style="#f9e2af")
            t.append("   press p to pause", style="#7f849c")
            self.update(t)
            return
        stop = session.last_stop
        if ex.steps == 0 and stop.reason == "step":
            t.append("ready: F11/s steps into the first state, F5/c runs to a breakpoint", style="#a6adc8")
        elif stop.reason == "finished" or ex.finished:
            if ex.status == "Succeeded":
                t.append("execution succeeded", style="#a6e3a1")
            elif ex.error is not None:
                t.append(f"{ex.error.code}", style="bold #f38ba8")
                if ex.error.detail:
                    t.append(f": {ex.error.detail}", style="#f38ba8")
        else:
            t.append(REASON.get(stop.reason, stop.reason) + " ", style="#a6adc8")
            if stop.reason in ("waiting", "error", "breakpoint-error"):
                t.append(stop.message or "", style="#cba6f7" if stop.reason == "waiting" else "#f38ba8")
                if stop.reason == "waiting":
                    t.append("  (k: answer)", style="#7f849c")
            else:
                t.append(stop.state or "", style="bold")
                if stop.frame:
                    t.append(f" [{stop.frame}]", style="#7f849c")
                if stop.breakpoint is not None:
                    t.append(f" (breakpoint {stop.breakpoint})", style="#f38ba8")
        t.append(f"   step {ex.steps}", style="#a6adc8")
        t.append(f"   ⏱ {ex.clock:g} s", style="#89dceb")
        nt = ex.next_timer()
        if nt is not None:
            t.append(f"  next timer {nt:g} s (j)", style="#89dceb")
        if session.selected_record is not None:
            t.append(f"   inspecting #{session.selected_record.index}", style="#94e2d5")
        self.update(t)
