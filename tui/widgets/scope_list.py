"""Live Parallel branches and Map iterations, like a debugger's threads."""
from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..messages import ScopeChosen

WAIT = {"enter": "ready", "timer": "timer", "token": "callback", "children": "children", None: "ready"}


class ScopeList(OptionList):
    """One row per live scope. A click only highlights a row; Enter on a
    *ready* scope advances it one step (``session.choose``); stepping then
    continues in that scope."""

    async def _on_click(self, event: events.Click) -> None:
        # OptionList selects on click; here selecting runs the flow, so a
        # click must only pick the row (Enter advances it).
        event.prevent_default()
        clicked = event.style.meta.get("option")
        if clicked is not None and not self.get_option_at_index(clicked).disabled:
            self.highlighted = clicked

    def show(self, scopes: list[dict], current: str | None) -> None:
        old = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        opts = []
        for s in scopes:
            t = Text()
            t.append("▶ " if s["id"] == current else "  ", style="bold #f9e2af")
            t.append(s["label"] or "(top level)", style="bold" if s["status"] == "ready" else "#7f849c")
            what = WAIT.get(s.get("wait"), s.get("wait") or "")
            if s["status"] == "blocked":
                what = {"timer": "waiting for a timer", "token": "waiting for a callback",
                        "children": "waiting for its branches"}.get(s.get("wait"), "blocked")
            t.append(f"  {what}", style="#a6e3a1" if s["status"] == "ready" else "#cba6f7")
            opts.append(Option(t, id="f:" + s["id"]))
        if not opts:
            opts.append(Option(Text("no live scope", style="italic #7f849c"), id="none", disabled=True))
        self.add_options(opts)
        target = old if old is not None else ("f:" + current if current is not None else None)
        try:
            if target is not None:
                self.highlighted = self.get_option_index(target)
        except Exception:  # the scope is gone
            pass

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or ""
        if oid.startswith("f:"):
            self.post_message(ScopeChosen(oid[2:]))
