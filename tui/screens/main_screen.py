"""The debugger: graph, source, values, record, scopes, watches, history.

The session is driven from ONE thread worker at a time (the engine is not
thread-safe); while it runs, a timer shows the step count and ``p`` asks the
session to pause. The panes are refreshed together when the worker returns.
"""
from __future__ import annotations

import time
import traceback

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane

from flowdbg.engine.session import SessionError

from .. import messages as M
from ..widgets.breakpoint_list import BreakpointList
from ..widgets.graph_layout import node_key
from ..widgets.history_log import HistoryLog
from ..widgets.json_tree import JsonTree
from ..widgets.key_footer import KeyFooter
from ..widgets.record_view import RecordView
from ..widgets.scope_list import ScopeList
from ..widgets.source_view import SourceView
from ..widgets.state_graph import GraphMarks, StateGraph
from ..widgets.status_bar import StatusBar, describe_future
from ..widgets.watch_list import WatchList
from .breakpoint_screen import BreakpointScreen
from .callbacks_screen import CallbacksScreen
from .confirm_screen import ConfirmScreen
from .watch_screen import WatchScreen


class MainScreen(Screen):
    """Drives one :class:`~flowdbg.engine.session.Session`."""

    BINDINGS = [
        Binding("f5,c", "continue", "Continue", key_display="F5/c", id="continue"),
        Binding("f10,n", "step_over", "Over", key_display="F10/n", id="step_over"),
        Binding("f11,s", "step_into", "Into", key_display="F11/s", id="step_into"),
        Binding("shift+f11,f23,o", "step_out", "Out", key_display="⇧F11/o", id="step_out"),
        Binding("u", "step_back", "Back", id="step_back"),
        Binding("f9,b", "toggle_breakpoint", "Break", key_display="F9/b", id="toggle_breakpoint"),
        Binding("B", "edit_breakpoint", "Break if…", show=False, id="edit_breakpoint"),
        Binding("t", "run_to", "Run to", id="run_to"),
        Binding("k", "callbacks", "Callbacks", id="callbacks"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("r", "restart", "Restart", id="restart"),
        Binding("j", "next_timer", "Timer", show=False, id="next_timer"),
        Binding("w", "add_watch", "Watch", show=False, id="add_watch"),
        Binding("e", "export_history", "Export history", show=False, id="export_history"),
        Binding("f", "forget_future", "Forget recorded", show=False, id="forget_future"),
        Binding("T", "save_test", "Save as test", show=False, id="save_test"),
        Binding("C", "coverage", "Test coverage", show=False, id="coverage"),
        Binding("escape", "live", "Current step", show=False, id="live"),
        Binding("1", "pane('graph')", "Panes", key_display="1-5", id="pane_graph"),
        Binding("2", "pane('source')", "Source", show=False, id="pane_source"),
        Binding("3", "pane('data')", "Values/Record", show=False, id="pane_data"),
        Binding("4", "pane('side')", "Scopes/Watches/Breakpoints", show=False, id="pane_side"),
        Binding("5", "pane('history')", "History", show=False, id="pane_history"),
        Binding("v", "values_or_record", "Values/Record", show=False, id="values_or_record"),
        Binding("slash", "history_filter", "Filter history", show=False, id="history_filter"),
    ]

    #: Below these sizes the five panes do not fit: two are shown side by
    #: side (graph or source | data, side or history), 1-5 switch them.
    #: Below 70 columns (-narrow) the two are stacked; below 30 rows
    #: (-short) the header goes (FlowdbgApp's breakpoints).
    COMPACT_WIDTH, COMPACT_HEIGHT = 120, 32

    def __init__(self, session, server: dict | None = None):
        super().__init__()
        self.session = session
        self.server = server
        flow = session.definition.flow
        self.states = {prefix + s.name: s for prefix, s in flow.all_states()}
        self.busy: str | None = None
        self._started = 0.0
        self._announced_wait = None
        self.last_repaint_ms = 0.0
        self.ready = False  # every pane is mounted and shows the session
        self._auto_cursor: str | None = None  # where flowdbg (not the user) last put the graph cursor
        self._left, self._right = "graph", "data"  # the panes shown on a small terminal

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.session.definition
        yield Header()
        # One grid: graph | source | data over side | history when there is
        # room; on a small terminal two slots (see _apply_size).
        with Container(id="panes"):
            yield StateGraph(d.flow, id="graph")
            yield SourceView(d.text, id="source")
            with TabbedContent(id="data"):
                with TabPane("Values", id="tab-values"):
                    yield JsonTree("values", id="values")
                with TabPane("Record", id="tab-record"):
                    yield RecordView(id="record")
            with TabbedContent(id="side"):
                with TabPane("Scopes", id="tab-scopes"):
                    yield ScopeList(id="scopes")
                with TabPane("Watches", id="tab-watches"):
                    yield WatchList(id="watches")
                with TabPane("Breakpoints", id="tab-breakpoints"):
                    yield BreakpointList(id="breakpoints")
            yield HistoryLog(id="history")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        if not self.query("#values"):
            return  # removed while its panes were still being composed (the app is closing)
        self.query_one("#graph").border_title = "1 Graph"
        self.query_one("#source").border_title = f"2 Source — {self.session.definition.path}"
        self.query_one("#values", JsonTree)._expanded |= {("$Input",), ("$Output",), ("$input",), ("output",)}
        self.query_one(HistoryLog).title_prefix = "5 "
        self._progress = self.set_interval(0.1, self._tick, pause=True)
        self.set_interval(0.2, self._poll_inbox)
        self._apply_size(self.app.size)
        graph = self.query_one(StateGraph)
        # Open at the current state (a resumed session) or the start state.
        self.refresh_views(follow=True)
        if graph.cursor is None:
            start = self.session.definition.flow.start_at
            graph.select(start, scroll=False, announce=False)
            self._auto_cursor = start
        self.call_after_refresh(graph.scroll_to_box, graph.cursor)
        graph.focus()
        self.ready = True

    def on_resize(self, event) -> None:
        self._apply_size(event.size)

    def _apply_size(self, size) -> None:
        w, h = size
        compact = w < self.COMPACT_WIDTH or h < self.COMPACT_HEIGHT
        if compact != self.has_class("-compact") and self.ready:
            # the panes change size: keep the graph cursor's box in view
            graph = self.query_one(StateGraph)
            self.call_after_refresh(graph.scroll_to_box, graph.cursor)
        self.set_class(compact, "-compact")  # -narrow and -short come from the app's breakpoints
        footer = self.query_one(KeyFooter)
        footer.compact = compact  # tighter keys on a small terminal; Ctrl+P still opens the palette
        footer.show_command_palette = not compact
        self._slots()

    def _slots(self) -> None:
        """Show the chosen panes in the two slots of the compact layout."""
        left, right = self._left, self._right
        self.set_class(left == "source", "-left-source")
        self.set_class(right == "side", "-right-side")
        self.set_class(right == "history", "-right-history")
        node = self.focused
        while node is not None and node is not self and node.display:
            node = node.parent
        if node is not None and node is not self:  # the focus is in a pane that just went out of sight
            self.call_after_refresh(self._focus_pane, left)

    def _focus_pane(self, pane: str) -> None:
        target = {"graph": "#graph", "source": "#source", "history": "#history-table"}.get(pane)
        if pane in ("data", "side"):
            tabs = self.query_one(f"#{pane}", TabbedContent)
            target = {"tab-values": "#values", "tab-record": "#record", "tab-scopes": "#scopes",
                      "tab-watches": "#watches", "tab-breakpoints": "#breakpoints"}.get(tabs.active)
        if target:
            self.query_one(target).focus()

    def action_pane(self, pane: str) -> None:
        """1-5: focus a pane; on a small terminal, show it in its slot."""
        if pane in ("graph", "source"):
            self._left = pane
        else:
            self._right = pane
        self._slots()
        self.call_after_refresh(self._focus_pane, pane)

    def action_values_or_record(self) -> None:
        tabs = self.query_one("#data", TabbedContent)
        tabs.active = "tab-record" if tabs.active == "tab-values" else "tab-values"
        self.action_pane("data")

    def action_history_filter(self) -> None:
        self.action_pane("history")
        self.call_after_refresh(self.query_one("#history-filter").focus)

    # -- the worker --------------------------------------------------------------------
    def run_verb(self, label: str, fn, *args) -> bool:
        """Run ``fn(*args)`` (a session verb) in the engine worker."""
        if self.busy:
            self.notify(f"Still running {self.busy}: press p to pause it first", severity="warning")
            return False
        check = getattr(self.app, "check_mocks", None)
        if check is not None:
            check()  # an edited mock file takes effect from this verb on
        self.busy = label
        self._started = time.perf_counter()
        self._tick()
        self._progress.resume()
        self._engine(label, fn, args)
        return True

    @work(thread=True, exit_on_error=False, group="engine")
    def _engine(self, label: str, fn, args) -> None:
        try:
            result, err = fn(*args), None
        except Exception as e:  # an engine bug: keep the session and say so
            result, err = None, (e, traceback.format_exc())
        try:
            self.app.call_from_thread(self._verb_done, label, result, err)
        except RuntimeError:  # the app is gone
            pass

    def _verb_done(self, label: str, stop, err) -> None:
        self.busy = None
        self._progress.pause()
        if err is not None:
            e, tb = err
            self.app.log_error(tb)
            self.notify(f"{label} failed inside flowdbg: {type(e).__name__}: {e}. The session is kept; "
                        f"details: {self.app.crash_log_path()}", severity="error", title="flowdbg bug", timeout=15)
        self.refresh_views(follow=True)
        self.call_after_refresh(self._painted)
        if stop is not None:
            self._announce(stop)
        self.app.report_callback_results()

    def _painted(self) -> None:
        """Key press to repainted screen, for bench/bench_tui.py."""
        self.last_repaint_ms = (time.perf_counter() - self._started) * 1000

    def _tick(self) -> None:
        if self.busy:
            self.query_one(StatusBar).show(self.session, busy=self.busy, steps=self.session.execution.steps)

    def _poll_inbox(self) -> None:
        """Callbacks that arrived over HTTP are applied here when idle."""
        if not self.busy and not self.session.inbox.empty():
            self.run_verb("callback", self.session.drain_inbox)
        elif not self.busy and self.app.callback_results:  # refused at once by the endpoint
            self.app.report_callback_results()

    def _announce(self, stop) -> None:
        ex = self.session.execution
        r = stop.reason
        if r == "error":
            msg = stop.message or "backend error"
            path = getattr(self.app, "mocks_path", None)
            if path and "mock" in msg:
                import os
                verb = "Edit" if os.path.exists(path) else "Create"
                msg += (f"\n\nMock file: {path}\n{verb} it and save: flowdbg reloads it, "
                        f"then continue (c).")
            self.notify(msg, severity="error", title="Error — nothing was lost", timeout=20)
        elif r == "breakpoint-error":
            self.notify(stop.message, severity="warning", title="Breakpoint condition")
        elif r == "diverged":  # a replayed history (flowdbg FLOW --replay/--cloud)
            self.notify(stop.message, severity="warning", title="Diverged from the recorded run", timeout=20)
        elif r == "waiting":
            future = describe_future(self.session)
            if future:
                self.notify(f"{future[0].upper()}{future[1:]} will be replayed when you continue. "
                            f"Press f to forget it and answer again (k).", title="Waiting — recorded answer")
            elif self._announced_wait != ex.steps:
                self._announced_wait = ex.steps
                names = ", ".join(f"{p.state} ({p.scope or 'top level'})" for p in ex.pending_tasks())
                self.notify(f"Waiting for a callback: {names or stop.message}. Press k to answer.", title="Waiting")
        elif r == "finished":
            if ex.status == "Succeeded":
                self.notify("The execution succeeded. u steps back, r restarts.", title="Finished")
            else:
                err = ex.error
                msg = f"{err.code}: {err.detail}" if err and err.detail else (err.code if err else ex.status)
                self.notify(f"The execution {ex.status.lower()}: {msg}", severity="error", title="Finished")
        elif r == "paused":
            self.notify(f"Paused after step {stop.step}", title="Paused")
        elif r == "limit":
            self.notify(stop.message, severity="warning")
        elif stop.message and r == "step":
            self.notify(stop.message)

    # -- refreshing the panes ------------------------------------------------------------
    def _marks(self) -> GraphMarks:
        s, ex = self.session, self.session.execution
        counts: dict[str, int] = {}
        status: dict[str, str] = {}
        for rec in ex.records:
            k = node_key(rec.frame, rec.state)
            counts[k] = counts.get(k, 0) + 1
            status[k] = rec.status
        cur = None
        f = s.frame
        if f is not None and not ex.finished and f.state:
            cur = node_key(f.id, f.state)
        sel = s.selected_record
        bps: dict[str, bool] = {}
        for b in s.breakpoints:
            if b.state:
                bps[b.state] = bps.get(b.state, False) or b.enabled
        return GraphMarks(counts, status, cur, node_key(sel.frame, sel.state) if sel is not None else None,
                          {node_key(p.scope, p.state) for p in ex.pending_tasks()}, bps)

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
        rec = s.current_record()
        cur_state = self.states.get(marks.current) if marks.current else None
        shown = self.states.get(node_key(rec.frame, rec.state)) if rec is not None else None
        sel_state = self.states.get(graph.cursor) if graph.cursor else None
        self.query_one(SourceView).show(
            current=(cur_state.line, cur_state.end_line) if cur_state else None,
            selected=(sel_state.line, sel_state.end_line) if sel_state else None,
            scroll_to="current" if cur_state and follow else "selected")
        values = self.query_one("#values", JsonTree)
        if rec is None:
            values.show(empty="No step yet: press s (F11)")  # short: a tree label does not wrap
        else:
            values.show(s.record_values(rec))
            values.root.set_label(Text.assemble(
                (f"#{rec.index} ", "#7f849c"), (rec.state, "bold"), (f"  {rec.frame or 'top level'}", "#7f849c")))
        prev = self._just_ran(rec) if s.selected_record is None else None
        self.query_one(RecordView).show(rec, shown, prev,
                                        self.states.get(node_key(prev.frame, prev.state)) if prev else None)
        self.query_one(ScopeList).show(s.scopes(), s.frame.id if s.frame is not None else None)
        self.query_one(WatchList).show(s.refresh_watches())
        self.query_one(BreakpointList).show(s.breakpoints)
        self.query_one(HistoryLog).sync(ex)
        self.query_one(StatusBar).show(s)
        self._titles()

    def _just_ran(self, rec):
        """The latest step that finished, other than ``rec``: what the last
        verb ran (the Record pane shows it under the current one)."""
        for r in reversed(self.session.execution.records):
            if r is not rec and r.exited_at is not None:
                return r
        return None

    def _titles(self) -> None:
        s = self.session
        tabs = self.query_one("#side", TabbedContent)
        tabs.get_tab("tab-scopes").label = f"Scopes ({len(s.scopes())})"
        tabs.get_tab("tab-watches").label = f"Watches ({len(s.watches)})"
        tabs.get_tab("tab-breakpoints").label = f"Breakpoints ({len(s.breakpoints)})"

    # -- stepping actions ------------------------------------------------------------------
    def action_continue(self) -> None:
        self.run_verb("continue", self.session.cont)

    def action_step_over(self) -> None:
        self.run_verb("step over", self.session.step_over)

    def action_step_into(self) -> None:
        self.run_verb("step into", self.session.step_into)

    def action_step_out(self) -> None:
        self.run_verb("step out", self.session.step_out)

    def action_step_back(self) -> None:
        self.run_verb("step back", self.session.step_back, 1)

    def action_restart(self) -> None:
        """Asks first: the steps so far are dropped (their recorded answers
        are reused, but u cannot bring the stops back)."""
        ex = self.session.execution
        if ex.steps == 0 or not self._idle("restart"):
            if ex.steps == 0:
                self.notify("Nothing to restart: no step has run yet")
            return
        self.app.push_screen(ConfirmScreen(
            "Restart the execution?",
            f"Step {ex.steps} and its history are dropped (u cannot return to them); the run starts again with "
            f"the same input, and recorded backend answers and callbacks are replayed.", yes="Restart"),
            self._restart_confirmed)

    def _restart_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.run_verb("restart", self.session.restart)

    def action_next_timer(self) -> None:
        if not self.busy and self.session.execution.next_timer() is None:
            self.notify("No timer is set (no Wait, Retry interval, task delay or timeout pending)")
            return
        self.run_verb("skip to the next timer", self.session.skip_to_next_timer)

    def _cursor_state(self) -> str | None:
        graph = self.query_one(StateGraph)
        b = graph.box(graph.cursor)
        if b is None or b.kind not in ("state", "container"):
            self.notify("Put the graph cursor on a state first (click it or use the arrow keys)",
                        severity="warning")
            return None
        return b.name

    def action_run_to(self) -> None:
        name = self._cursor_state()
        if name is not None:
            self.run_verb(f"run to {name}", self.session.run_to, name)

    def action_export_history(self) -> None:
        """Write the events in GetExecutionHistory's shape beside the session
        journal (or the flow), like ``flowdbg run --history``."""
        import os
        from flowdbg.engine.history import write_history
        s = self.session
        base = s.journal_path or os.path.splitext(s.definition.path)[0]
        path = os.path.splitext(base)[0] + ".history.json"
        try:
            write_history(path, s.execution, s.start_time)
        except OSError as e:
            self.notify(f"Could not write {path}: {e.strerror or e}", severity="error", title="Export history")
            return
        self.notify(f"{len(s.execution.events)} events written to {path}", title="Export history")

    # -- flow tests (flowdbg test): see screens/save_test_screen.py, screens/coverage_screen.py ----------
    def action_save_test(self) -> None:
        if not self._idle("save the run as a test case"):
            return
        from flowdbg.engine.testing.testfile import tests_beside
        from .save_test_screen import SaveTestScreen
        s = self.session
        status = s.execution.status if s.execution.finished else "still running"
        self.app.push_screen(SaveTestScreen(tests_beside(s.definition.path), s.definition.path, status),
                             self._save_test)

    def _save_test(self, answer: tuple[str, str] | None) -> None:
        if answer is not None:
            self._write_test(*answer)

    @work(thread=True, exit_on_error=False, group="save_test")
    def _write_test(self, path: str, name: str) -> None:
        from flowdbg.engine.testing.record import RecordError, record_session
        try:
            tf, case, warnings = record_session(self.session, name, path, getattr(self.app, "mocks_path", None))
        except (RecordError, OSError) as e:
            self.app.call_from_thread(self.notify, str(e), severity="error", title="Not saved")
            return
        expect = case["expect"]["status"]
        text = (f"Case {name!r} saved to {path} ({len(tf.cases)} case{'s' if len(tf.cases) != 1 else ''}); it "
                f"expects {expect}. Run it with: flowdbg test {path}")
        self.app.call_from_thread(self.notify, text, title="Saved as a test case", timeout=12)
        for w in warnings:
            self.app.call_from_thread(self.notify, w, severity="warning", title="Test case", timeout=12)

    def action_coverage(self) -> None:
        import os
        from flowdbg.engine.testing.testfile import tests_beside
        from .coverage_screen import CoverageScreen
        path = tests_beside(self.session.definition.path)
        if not os.path.exists(path):
            self.notify(f"No {os.path.basename(path)} beside the flow yet: T saves this run as its first case",
                        severity="warning", title="Test coverage")
            return
        self.app.push_screen(CoverageScreen(path), self._show_on_graph)

    def _show_on_graph(self, key: str | None) -> None:
        if key is not None:
            graph = self.query_one(StateGraph)
            graph.select(key)
            graph.focus()

    def action_forget_future(self) -> None:
        """Drop the callbacks/choices recorded ahead of this step (after a
        step back), so stepping forward waits for new ones."""
        if not self._idle("forget the recorded future"):
            return
        future = describe_future(self.session)
        if future is None:
            self.notify("Nothing is recorded ahead of this step")
            return
        n = self.session.forget_future()
        self.notify(f"Forgot {future} ({n} recorded input{'s' if n != 1 else ''}). Stepping on waits for "
                    f"new answers.", title="Recorded future")
        self.refresh_views()

    def action_pause(self) -> None:
        if self.busy:
            self.session.pause()
        else:
            self.notify("Nothing is running")

    def action_live(self) -> None:
        if self.session.selected_record is not None and not self.busy:
            self.session.selected_record = None
            self.refresh_views(follow=True, inspect=True)

    def on_scope_chosen(self, message: M.ScopeChosen) -> None:
        self.run_verb(f"scope {message.frame_id or 'top level'}", self.session.choose, message.frame_id)

    # -- breakpoints and watches --------------------------------------------------------------
    def _idle(self, what: str) -> bool:
        if self.busy:
            self.notify(f"Pause first (p) to {what}", severity="warning")
            return False
        return True

    def action_toggle_breakpoint(self) -> None:
        name = self._cursor_state()
        if name is None or not self._idle("change breakpoints"):
            return
        try:
            bp = self.session.toggle_breakpoint(name)
        except SessionError as e:
            self.notify(str(e), severity="error")
            return
        self.notify(f"Breakpoint {bp.id} on {name}" if bp else f"Breakpoint on {name} removed")
        self.refresh_views()

    def action_edit_breakpoint(self, bp_id: int | None = None) -> None:
        if not self._idle("change breakpoints"):
            return
        bp = None
        if bp_id is not None:
            bp = next((b for b in self.session.breakpoints if b.id == bp_id), None)
            name = bp.state if bp else None
        else:
            graph = self.query_one(StateGraph)
            b = graph.box(graph.cursor)
            name = b.name if b is not None and b.kind in ("state", "container") else None
            bp = next((x for x in self.session.breakpoints if name and x.state == name and x.event is None), None)
        self.app.push_screen(BreakpointScreen(name, bp, check_scope=self.session.check_scope,
                                                fmt=self.session.definition.format), self._breakpoint_edited)

    def _breakpoint_edited(self, result: dict | None) -> None:
        if not result or not self._idle("change breakpoints"):
            return
        s = self.session
        try:
            if result.get("remove"):
                s.remove_breakpoint(result["id"])
                self.notify(f"Breakpoint {result['id']} removed")
            elif result["id"] is not None:
                s.set_breakpoint(result["id"], state=result["state"], event=result["event"],
                                 condition=result["condition"], hit_count=result["hit_count"],
                                 scope=result["scope"], enabled=result["enabled"])
                self.notify(f"Breakpoint {result['id']} updated")
            else:
                bp = s.add_breakpoint(result["state"], scope=result["scope"], condition=result["condition"],
                                      hit_count=result["hit_count"], event=result["event"])
                if not result["enabled"]:
                    s.set_breakpoint(bp.id, enabled=False)
                self.notify(f"Breakpoint {bp.id} added")
        except SessionError as e:
            self.notify(str(e), severity="error", title="Breakpoint")
        self.refresh_views()

    def on_breakpoint_edit(self, message: M.BreakpointEdit) -> None:
        self.action_edit_breakpoint(message.bp_id)

    def on_breakpoint_removed(self, message: M.BreakpointRemoved) -> None:
        if self._idle("change breakpoints"):
            self.session.remove_breakpoint(message.bp_id)
            self.refresh_views()

    def on_breakpoint_toggled(self, message: M.BreakpointToggled) -> None:
        if self._idle("change breakpoints"):
            bp = next((b for b in self.session.breakpoints if b.id == message.bp_id), None)
            if bp is not None:
                self.session.set_breakpoint(bp.id, enabled=not bp.enabled)
                self.refresh_views()

    def action_add_watch(self) -> None:
        if self._idle("add a watch"):
            self.app.push_screen(WatchScreen(self.session.definition.format), self._watch_given)

    def _watch_given(self, expression: str | None) -> None:
        if not expression or not self._idle("add a watch"):
            return
        try:
            self.session.add_watch(expression)
        except SessionError as e:
            self.notify(str(e), severity="error", title="Watch not added")
            return
        self.query_one("#side", TabbedContent).active = "tab-watches"
        self.refresh_views()

    def on_watch_removed(self, message: M.WatchRemoved) -> None:
        if self._idle("remove a watch") and 0 <= message.index < len(self.session.watches):
            self.session.remove_watch(message.index)
            self.refresh_views()

    # -- callbacks -------------------------------------------------------------------------------
    def action_callbacks(self) -> None:
        if self._idle("answer callbacks"):
            self.app.push_screen(CallbacksScreen(self.session, self.server, on_change=self.refresh_views),
                                 self._callbacks_closed)

    def _callbacks_closed(self, accepted: bool | None) -> None:
        self.refresh_views()

    # -- selection ---------------------------------------------------------------------------------
    def on_state_highlighted(self, message: M.StateHighlighted) -> None:
        src = self.query_one(SourceView)
        st = self.states.get(message.key)
        cur = src.current
        src.show(current=cur, selected=(st.line, st.end_line) if st else None, scroll_to="selected")

    def on_state_activated(self, message: M.StateActivated) -> None:
        if self.busy:
            return
        recs = [r for r in self.session.execution.records if node_key(r.frame, r.state) == message.key]
        if not recs:
            self.notify(f"{message.name} has not run yet", severity="warning")
            return
        self._inspect(recs[-1])

    def on_event_selected(self, message: M.EventSelected) -> None:
        if self.busy:
            return
        ex = self.session.execution
        ev = ex.events[message.event_id - 1] if 0 < message.event_id <= len(ex.events) else None
        if ev is None or not ev.state:
            return
        rec = ex.records[message.step] if 0 <= message.step < len(ex.records) else None
        if rec is not None:
            self._inspect(rec)

    def _inspect(self, rec) -> None:
        s = self.session
        live = s.frame.record if s.frame is not None else None
        s.selected_record = None if rec is live else rec
        self.refresh_views(follow=True, inspect=True)
