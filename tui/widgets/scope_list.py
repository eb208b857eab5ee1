"""Live Parallel branches and Map iterations, like a debugger's threads.

A Map's iterations are grouped under one row with their counts by status
(Enter on it lists them), so a 1,000-item Map is one line, not 1,000."""
from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..messages import ScopeChosen

WAIT = {"enter": "ready", "timer": "timer", "token": "callback", "children": "children", None: "ready"}
#: what a blocked frame waits for, with the graph's marks (run_overlay.GLYPH)
BLOCKED = {"timer": "⧗ waiting for a timer", "token": "✉ waiting for a callback", "children": "waiting for its branches"}
#: a grouped Map's counts, by status (and what a waiting one waits for), in this order
GROUP_COUNTS = (("ready", "ready"), ("blocked:token", "✉ waiting for a callback"),
                ("blocked:timer", "⧗ waiting for a timer"), ("blocked:children", "running branches"),
                ("done", "done"), ("failed", "failed"), ("cancelled", "cancelled"))
GROUP_FROM = 4  # iterations of one Map shown one by one up to this many
LIST_LIMIT = 200  # rows listed when a group is expanded

_LAST_INDEX = re.compile(r"\[\d+\]$")


def group_key(frame_id: str) -> str | None:
    """``"Map1"`` for ``"Map1[3]"`` (``"P.Branch0/Map1"`` for ``"P.Branch0/Map1[3]"``)."""
    return _LAST_INDEX.sub("", frame_id) if _LAST_INDEX.search(frame_id or "") else None


class ScopeList(OptionList):
    """One row per live scope (iterations of a big Map grouped). A click
    only highlights a row; Enter on a *ready* scope advances it one step
    (``session.choose``), on a group row lists or folds its iterations."""

    BINDINGS = [Binding("enter", "select", "Advance", show=False, id="scopes.advance",
                        tooltip="Advance the highlighted scope one state (on a Map's row: list or fold its iterations)")]

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.expanded: set[str] = set()
        self._last = ([], None, ())
        self._ids: list = []
        self._frame_of: dict[str, str] = {}  # "c:<group>" row -> the frame it shows now
        self._frames: dict = {}

    async def _on_click(self, event: events.Click) -> None:
        # OptionList selects on click; here selecting runs the flow, so a
        # click must only pick the row (Enter advances it).
        event.prevent_default()
        clicked = event.style.meta.get("option")
        if clicked is not None and not self.get_option_at_index(clicked).disabled:
            self.highlighted = clicked

    def _row(self, s: dict, current: str | None, indent: str = "", row_id: str | None = None) -> Option:
        what = WAIT.get(s.get("wait"), s.get("wait") or "")
        if s["status"] == "blocked":
            what = BLOCKED.get(s.get("wait"), "blocked")
            f = self._frames.get(s["id"])
            rec = getattr(f, "record", None)
            if s.get("wait") == "children" and getattr(rec, "type", "") in ("Map", "foreach"):
                what = "waiting for its iterations"
        mark = "▶ " if s["id"] == current else "  "
        return Option(Content.assemble(
            (indent + mark, "bold $accent"),
            (s["label"] or "(top level)", "bold" if s["status"] == "ready" else "$text-muted"),
            (f"  {what}", "$text-success" if s["status"] == "ready" else "$text-warning")),
            id=row_id or "f:" + s["id"])

    def show(self, scopes: list[dict], current: str | None, frames=()) -> None:
        self._last = (scopes, current, frames)
        self._frames = {f.id: f for f in frames}
        old = self.highlighted_option.id if self.highlighted_option is not None else None
        groups: dict[str, list[dict]] = {}
        for s in scopes:
            g = group_key(s["id"]) if s.get("kind") == "iteration" else None
            if g is not None:
                groups.setdefault(g, []).append(s)
        totals: dict[str, dict[str, int]] = {}
        names: dict[str, str] = {}
        for f in frames:
            g = group_key(f.id) if f.kind == "iteration" else None
            if g in groups and len(groups[g]) >= GROUP_FROM:
                c = totals.setdefault(g, {})
                k = f"blocked:{f.wait}" if f.status == "blocked" else f.status
                c[k] = c.get(k, 0) + 1
                names.setdefault(g, _LAST_INDEX.sub("", f.label or g))
        opts, seen = [], set()
        for s in scopes:
            g = group_key(s["id"]) if s.get("kind") == "iteration" else None
            if g is None or len(groups[g]) < GROUP_FROM:
                opts.append(self._row(s, current))
                continue
            if g in seen:
                continue
            seen.add(g)
            members = groups[g]
            open_ = g in self.expanded
            c = totals.get(g, {})
            counts = [f"{c[k]} {name}" for k, name in GROUP_COUNTS if c.get(k)]
            counts += [f"{n} waiting" for k, n in c.items() if k.startswith("blocked:") and
                       k not in dict(GROUP_COUNTS)]
            opts.append(Option(Content.assemble(
                ("▾ " if open_ else "▸ ", "bold $accent"), (f"{names.get(g, g)}[…]", "bold"),
                (f"  {sum(c.values())} iterations: " + ", ".join(counts), "$text-muted"),
                ("  · Enter folds them" if open_ else "  · Enter lists them", "italic $text-muted")),
                id="g:" + g))
            if open_:
                opts += [self._row(m, current, "    ") for m in members[:LIST_LIMIT]]
            else:  # the group's current iteration, in a row of its own id: moving on relabels it
                for m in members:
                    if m["id"] == current:
                        self._frame_of["c:" + g] = m["id"]
                        opts.append(self._row(m, current, "    ", row_id="c:" + g))
            if open_ and len(members) > LIST_LIMIT:
                opts.append(Option(Content.styled(f"    … {len(members) - LIST_LIMIT} more", "italic $text-muted"),
                                   disabled=True))
        if not opts:
            opts.append(Option(Content.styled("no live scope", "italic $text-muted"), id="none", disabled=True))
        ids = [o.id for o in opts]
        if ids == self._ids:  # the same scopes: new labels in place (no layout)
            for i, o in enumerate(opts):
                self.replace_option_prompt_at_index(i, o.prompt)
            return
        self._ids = ids
        self.clear_options()
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
        if oid.startswith("g:"):
            g = oid[2:]
            self.expanded.symmetric_difference_update({g})
            self.show(*self._last)
            self.highlighted = self.get_option_index(oid)
        elif oid.startswith("f:"):
            self.post_message(ScopeChosen(oid[2:]))
        elif oid in self._frame_of:
            self.post_message(ScopeChosen(self._frame_of[oid]))
