"""How the main screen sizes the graph pane and brings its panes up to date after a stop: the
graph's marks, the header, the status line, and the panes on screen (a
pane behind a tab is refreshed when it is shown)."""
from __future__ import annotations

import traceback


from flowdbg.engine.preview import preview

from ..run_overlay import CALLBACK, RUNNING, overlay_from_records
from ..widgets.graph_layout import node_key
from ..widgets.pane_tabs import PaneTabs
from ..widgets.scope_list import ScopeList
from ..widgets.state_graph import GraphMarks, StateGraph
from ..widgets.state_header import StateHeader
from ..widgets.status_bar import StatusBar
from ..widgets.step_view import StepShown, StepView

# The panes behind a tab (Record, Values, Source, Watches, Breakpoints,
# History) are mounted after the first frame (MainScreen.mount_panes) and
# found by id: their modules are not imported before then.

#: the panes refreshed only while on screen
LAZY = ("step", "record", "values", "source", "scopes", "watches", "breakpoints", "history")


class PaneRefresh:
    """Mixed into MainScreen (``self`` is the screen)."""

    def focus_frame(self):
        """The frame the panes are about: the session's, or, when that one
        ended while others wait (a stop on a callback in a sibling branch),
        the frame of the first waiting task, else the first live one."""
        s, ex = self.session, self.session.execution
        f = s.frame
        if ex.finished or (f is not None and f.status in ("ready", "blocked") and f.state):
            return f
        for p in ex.pending_tasks():
            if getattr(p, "frame", None) is not None and p.frame.state:
                return p.frame
        return next((x for x in ex.frames if x.status in ("ready", "blocked") and x.state), f)

    def focus_record(self):
        """The record the panes show: the one inspected, else the focus frame's."""
        s = self.session
        if s.selected_record is not None:
            return s.selected_record
        f = self.focus_frame()
        if f is not None and f.record is not None:
            return f.record
        return s.current_record()

    # -- the graph pane's width ----------------------------------------------------------
    def _size_graph(self, size=None) -> None:
        """The graph pane is as wide as the drawing that fits needs, so a
        small flow leaves the room to the data (and a 12-state flow with
        sentence names is whole at 160x48). A big flow does not take more
        than its share: the data keeps DATA_SHARE of the width when a
        narrower drawing is whole in the rest."""
        graph = self.query_one(StateGraph)
        w, h = size or self.app.size
        narrow = self.has_class("-narrow")
        compact = self.has_class("-compact")
        chrome = 2 + 2 + (0 if h < 30 else 1)  # status, footer, the pane's borders, the header
        avail_h = max(4, (h - chrome) // (2 if narrow else 1))
        if narrow:
            graph.show_picture(graph.choose(max(20, w - 3), avail_h))
            graph.styles.width = "100%"
            return
        least = self.DATA_MIN_COMPACT if compact else self.DATA_MIN
        pic = None
        if graph.detail is None:
            for data in range(max(least, int(w * self.DATA_SHARE)), least - 1, -1):
                pic = graph.fitting(w - data - 3, avail_h)
                if pic is not None:
                    break
        avail_w = w - least - 3
        pic = pic or graph.choose(max(20, avail_w), avail_h)
        graph.show_picture(pic)
        graph.styles.width = max(24, min(pic.width + 3, avail_w + 3))

    def on_graph_zoomed(self, message) -> None:
        self._size_graph()
        self._graph_title()

    # -- refreshing the panes ------------------------------------------------------------
    def _marks(self) -> GraphMarks:
        s, ex = self.session, self.session.execution
        overlay = overlay_from_records(ex.records, ex.events)
        for p in ex.pending.values():  # answered, not yet finished: no longer waiting for its callback
            f = getattr(p, "frame", None)
            node = overlay.nodes.get(node_key(f.id, f.state)) if f is not None and f.state else None
            if p.status == "answered" and node is not None and node.outcome == CALLBACK:
                node.outcome = RUNNING
        cur = None
        f = self.focus_frame()
        if f is not None and not ex.finished and f.state:
            cur = node_key(f.id, f.state)
        sel = s.selected_record
        bps: dict[str, bool] = {}
        for b in s.breakpoints:
            if b.state:
                bps[b.state] = bps.get(b.state, False) or b.enabled
        return GraphMarks(overlay, cur, node_key(sel.frame, sel.state) if sel is not None else None, bps,
                          set(overlay.edges))

    def refresh_views(self, follow: bool = False, inspect: bool = False) -> None:
        """Bring every pane up to date with the session (idle only).

        ``follow``: after a stop, the graph cursor moves to the current state
        only if it was there (or where flowdbg last put it); a cursor the user
        moved elsewhere stays, so ``t`` keeps its target. ``inspect``: the
        user picked a step to look at; the cursor goes to it."""
        s, ex = self.session, self.session.execution
        graph = self.query_one(StateGraph)
        previous = graph.marks.current
        marks = self._marks()
        graph.set_marks(marks)
        target = marks.inspected or marks.current
        if target is None and ex.finished and ex.records:  # show where it ended
            target = node_key(ex.records[-1].frame, ex.records[-1].state)
        if follow and target and (inspect or graph.cursor in (None, previous, self._auto_cursor)):
            graph.select(target, announce=False)
            self._auto_cursor = target
        self._follow = follow
        self._dirty = set(LAZY)
        for pane in self._visible():
            self._refresh_pane(pane)
        self._show_header()
        self.query_one(StatusBar).show(s, ran=self.ran, rec=self.focus_record())
        self._titles()

    def _visible(self) -> list[str]:
        """The panes on screen now: the data tab, the list tab (on a small
        terminal only the one the right slot shows)."""
        data = {"tab-step": "step", "tab-record": "record", "tab-values": "values", "tab-source": "source"}
        side = {"tab-scopes": "scopes", "tab-watches": "watches", "tab-breakpoints": "breakpoints",
                "tab-history": "history"}
        out = [data.get(self.query_one("#data", PaneTabs).active, "step")]
        out.append(side.get(self.query_one("#side", PaneTabs).active, "scopes"))
        if self.has_class("-compact"):
            out = out[1:] if self._right == "side" else out[:1]
        return out

    def _refresh_pane(self, pane: str) -> None:
        """Bring one pane up to date; the hidden ones wait until shown (a
        step repaints what is on screen, not a tree or a table behind a tab)."""
        if pane not in ("step", "scopes") and not self.mount_panes():
            return  # still dirty: refreshed once mounted (MainScreen._panes_mounted)
        self._dirty.discard(pane)
        s, ex = self.session, self.session.execution
        rec = self.focus_record()
        if pane == "step":
            self._show_step(rec)
        elif pane == "source":
            graph = self.query_one(StateGraph)
            cur_state = self.states.get(graph.marks.current) if graph.marks.current else None
            sel_state = self.states.get(graph.cursor) if graph.cursor else None
            bps: dict[int, bool] = {}
            for b in s.breakpoints:
                for st in self.states.values():
                    if b.state and st.name == b.state:
                        bps[st.line] = bps.get(st.line, False) or b.enabled
            self.query_one("#source").show(
                current=(cur_state.line, cur_state.end_line) if cur_state else None,
                selected=(sel_state.line, sel_state.end_line) if sel_state else None,
                scroll_to="current" if cur_state and self._follow else "selected", breakpoints=bps)
        elif pane == "values":
            values = self.query_one("#values")
            if rec is None:
                values.show(empty="No step yet: press s (F11)")  # short: a tree label does not wrap
            else:
                values.show(s.record_values(rec), title=f"#{rec.index + 1} {rec.state}  {rec.frame or 'top level'}")
        elif pane == "record":
            shown = self.states.get(node_key(rec.frame, rec.state)) if rec is not None else None
            prev = self.ran[-1] if self.ran and s.selected_record is None and self.ran[-1] is not rec else None
            self.query_one("#record").show(rec, shown, prev,
                                            self.states.get(node_key(prev.frame, prev.state)) if prev else None)
        elif pane == "scopes":
            f = self.focus_frame()
            self.query_one(ScopeList).show(s.scopes(), f.id if f is not None else None, ex.frames)
        elif pane == "watches":
            self.query_one("#watches").show(s.refresh_watches())
        elif pane == "breakpoints":
            self.query_one("#breakpoints").show(s.breakpoints)
        elif pane == "history":
            self.query_one("#history").sync(ex)

    def on_pane_tabs_tab_activated(self, event: PaneTabs.TabActivated) -> None:
        pane = {"tab-step": "step", "tab-record": "record", "tab-values": "values", "tab-source": "source",
                "tab-scopes": "scopes", "tab-watches": "watches", "tab-breakpoints": "breakpoints",
                "tab-history": "history"}.get(event.pane.id or "")
        if pane in getattr(self, "_dirty", ()):
            self._refresh_pane(pane)

    def _show_header(self) -> None:
        graph = self.query_one(StateGraph)
        key = graph.cursor
        state = self.states.get(key) if key else None
        node = graph.marks.overlay.nodes.get(key) if key else None
        outcome, visits = (node.outcome, node.visits) if node else ("not-run", 0)
        ex = self.session.execution
        if outcome == RUNNING and key and not ex.finished:
            f = self.focus_frame()
            if f is not None and f.wait == "enter" and f.state and node_key(f.id, f.state) == key:
                outcome = "next"  # entered and paused before it runs: not running yet (the newcomer review)
        self.query_one(StateHeader).show(state, self.scopes_of.get(key, ""), outcome, visits)

    def _show_step(self, rec) -> None:
        s, ex = self.session, self.session.execution
        inspecting = s.selected_record is not None
        p = None
        if not inspecting and not ex.finished:
            f = self.focus_frame() if ex.events else ex.root
            try:
                p = preview(ex, f)
            except Exception as e:  # a preview bug must not stop the debugger
                self.app.log_error(traceback.format_exc())
                p = None
                self.log.error(f"preview failed: {e}")
        token = rec.token if rec is not None and rec.status == "waiting" and rec.token else None
        stepped = None if inspecting else getattr(self, "stepped", None)
        self.query_one(StepView).show(StepShown(self.ran, rec, p, inspecting, token, ex, stepped))

    def side_tabs(self) -> tuple[dict[str, str], dict[str, bool]]:
        """The list tabs' labels (tab id -> label) and which lists are empty
        (widget id -> empty), as composed and after every stop."""
        s = self.session
        n_scopes = sum(1 for f in s.execution.frames if f.status in ("ready", "blocked"))
        labels = {"tab-scopes": f"4 Scopes ({n_scopes})", "tab-watches": f"5 Watches ({len(s.watches)})",
                  "tab-breakpoints": f"6 Breakpoints ({len(s.breakpoints)})",
                  "tab-history": "7 History"}  # (its count changes at every step: it is in the pane)
        empty = {"scopes": n_scopes == 0, "watches": not s.watches, "breakpoints": not s.breakpoints,
                 "history": not s.execution.events}
        return labels, empty

    def _titles(self) -> None:
        side = self.query_one("#side", PaneTabs)
        labels, empty = self.side_tabs()
        for tab_id, label in labels.items():
            side.set_label(tab_id, label)  # (only a change is drawn again)
        # the lists take only the room they need (CSS: -empty is one row)
        for name, is_empty in empty.items():
            for pane in self.query("#" + name):  # (not there before mount_panes)
                pane.set_class(is_empty, "-empty")
        self._graph_title()

    def _graph_title(self) -> None:
        graph = self.query_one(StateGraph)
        hint = "z diagram" if graph.outline else "z outline · +/- zoom"
        graph.border_title = f"1 Graph — {self.session.definition.flow.name or 'flow'}"
        graph.border_subtitle = hint

