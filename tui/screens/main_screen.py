"""The debugger: the graph on the left; on the right the selected state in
full, what the step got beside what it produced (or will do), and the
scopes, watches, breakpoints and history below.

The session is driven from ONE thread worker at a time (the engine is not
thread-safe); while it runs, a timer shows the progress and ``p`` asks the
session to pause. The panes are refreshed together when the worker returns.
"""
from __future__ import annotations

import time
import traceback

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen


from ..widgets.graph_layout import node_key
from ..widgets.key_footer import KeyFooter
from ..widgets.pane_tabs import Pane, PaneTabs
from ..widgets.scope_list import ScopeList
from ..widgets.state_graph import StateGraph
from ..widgets.state_header import StateHeader
from ..widgets.status_bar import StatusBar
from ..widgets.title_bar import TitleBar
from ..widgets.step_view import StepView
from .main_actions import DebuggerActions
from .main_panes import LAZY, PaneRefresh

#: pane name -> (container, tab, widget to focus)
PANES = {
    "graph": (None, None, "#graph"),
    "step": ("#data", "tab-step", "#step"),
    "record": ("#data", "tab-record", "#record"),
    "values": ("#data", "tab-values", "#values"),
    "source": ("#data", "tab-source", "#source"),
    "scopes": ("#side", "tab-scopes", "#scopes"),
    "watches": ("#side", "tab-watches", "#watches"),
    "breakpoints": ("#side", "tab-breakpoints", "#breakpoints"),
    "history": ("#side", "tab-history", "#history-table"),
}


class MainScreen(PaneRefresh, DebuggerActions, Screen):
    """Drives one :class:`~flowdbg.engine.session.Session`.

    ``BINDINGS`` is the one list of the debugger's keys: the footer shows
    those with ``show``; the help screen and the command palette list every
    one with its ``tooltip`` ("Title: what it does")."""

    BINDINGS = [
        Binding("f5,c", "continue", "Continue", key_display="F5/c", id="continue",
                tooltip="Continue: run to the next breakpoint, a callback wait, an error or the end"),
        Binding("shift+f5,f17", "stop_execution", "Stop", key_display="⇧F5", show=False, id="stop_execution",
                tooltip="Stop the execution: end it as StopExecution does (u steps back before it)"),
        Binding("f10,n", "step_over", "Over", key_display="F10/n", id="step_over",
                tooltip="Step over: to the next state in this scope; at the end of an iteration or branch, "
                        "to the next one of the same Map/Parallel or its exit"),
        Binding("f11,s", "step_into", "Into", key_display="F11/s", id="step_into",
                tooltip="Step into: to the very next state, entering branches and iterations"),
        Binding("shift+f11,f23,o", "step_out", "Out", key_display="⇧F11/o", id="step_out",
                tooltip="Step out: leave the current branch or iteration"),
        Binding("u", "step_back", "Back", id="step_back", tooltip="Step back: to the previous stop (replays the journal)"),
        Binding("f9,b", "toggle_breakpoint", "Break", key_display="F9/b", id="toggle_breakpoint",
                tooltip="Toggle breakpoint: on the graph cursor's state, or in Source on the state at the cursor line"),
        Binding("B", "edit_breakpoint", "Break if…", show=False, id="edit_breakpoint",
                tooltip="Edit breakpoint: condition, hit count, scope, or a break on an event"),
        Binding("t", "run_to", "Run to", id="run_to", tooltip="Run to the selected state: until the graph cursor's state"),
        Binding("k", "callbacks", "Callbacks", id="callbacks",
                tooltip="Callbacks: answer tasks waiting for ReportTaskSucceeded / ReportTaskFailed"),
        Binding("p", "pause", "Pause", id="pause", tooltip="Pause: stop a running continue"),
        Binding("r", "restart", "Restart", id="restart", tooltip="Restart: start again with the same input (asks first)"),
        Binding("j", "next_timer", "Timer", show=False, id="next_timer",
                tooltip="Skip to the next timer: a Wait, Retry interval, task delay or timeout"),
        Binding("w", "add_watch", "Watch", show=False, id="add_watch", tooltip="Add watch: an FDL expression"),
        Binding("e", "export_history", "Export history", show=False, id="export_history",
                tooltip="Export history: the events as GetExecutionHistory JSON"),
        Binding("f", "forget_future", "Forget recorded", show=False, id="forget_future",
                tooltip="Forget recorded future: after a step back, drop the callbacks/choices recorded ahead"),
        Binding("escape", "live", "Current step", show=False, id="live",
                tooltip="Back to the current step: after inspecting an older one"),
        Binding("T", "save_test", "Save as test", show=False, id="save_test",
                tooltip="Save as test case: append this run to the flow's NAME.tests.yaml (flowdbg test)"),
        Binding("C", "coverage", "Test coverage", show=False, id="coverage",
                tooltip="Test coverage: run the flow's test cases and list what they never reach"),
        Binding("z", "outline", "Outline", show=False, id="outline",
                tooltip="Outline: the graph as one line per state, or back to the diagram (+/- zoom)"),
        Binding("1", "pane('graph')", "Panes", key_display="1-7", id="pane_graph", tooltip="Graph pane"),
        Binding("2", "pane('source')", "Source", show=False, id="pane_source",
                tooltip="Source pane: the definition (2 again: the whole width); F9 there breaks on the line's state"),
        Binding("3", "pane('data')", "Step", show=False, id="pane_data",
                tooltip="Step pane: what the step got and produced, or will do (v: Record, Values)"),
        Binding("4", "pane('scopes')", "Scopes", show=False, id="pane_scopes",
                tooltip="Scopes pane: live Parallel branches and Map iterations"),
        Binding("5", "pane('watches')", "Watches", show=False, id="pane_watches", tooltip="Watches pane"),
        Binding("6", "pane('breakpoints')", "Breakpoints", show=False, id="pane_breakpoints",
                tooltip="Breakpoints pane"),
        Binding("7", "pane('history')", "History", show=False, id="pane_history", tooltip="History pane: the events"),
        Binding("v", "data_view", "Step/Record/Values", show=False, id="data_view",
                tooltip="Switch Step / Record / Values"),
        Binding("slash", "history_filter", "Filter history", show=False, id="history_filter",
                tooltip="Filter history: type an event type, state or scope"),
    ]

    #: Below these sizes the panes do not fit: two are shown side by side
    #: (the graph | the data or the lists), 1-7 switch them. Below 70
    #: columns (-narrow) the two are stacked; below 30 rows (-short) the
    #: header goes (FlowdbgApp's breakpoints).
    COMPACT_WIDTH, COMPACT_HEIGHT = 120, 32
    #: the verbs whose "Just ran" is the state they stepped (whatever else ran meanwhile)
    STEPPING = ("step over", "step into")
    #: the columns the data keeps beside the graph (wide / small terminal);
    #: the graph takes what its drawing needs of the rest
    DATA_MIN, DATA_MIN_COMPACT = 44, 36
    DATA_SHARE = 0.36

    def __init__(self, session, server: dict | None = None):
        super().__init__()
        self.session = session
        self.server = server
        flow = session.definition.flow
        self.states = {prefix + s.name: s for prefix, s in flow.all_states()}
        self.scopes_of = {prefix + s.name: prefix for prefix, s in flow.all_states()}
        self.busy: str | None = None
        self._started = 0.0
        self._announced_wait = None
        self.last_repaint_ms = 0.0
        self.ready = False  # every pane is mounted (mount_panes) and the ones on screen show the session
        self._auto_cursor: str | None = None  # where flowdbg (not the user) last put the graph cursor
        self._right = "data"  # what the right slot shows on a small terminal: data | side
        self._before = None  # (execution, records, open record indices) when the last verb started
        self._dirty: set[str] = set(LAZY)  # panes to refresh when they are shown
        self._follow = False
        self.ran: list = []  # the records the last verb finished
        self._stepped_index: int | None = None
        self.stepped = None  # the record the last step over/into stepped (its outcome is "Just ran")

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.session.definition
        yield TitleBar()
        with Horizontal(id="panes"):
            yield StateGraph(d.flow, id="graph")
            with Vertical(id="right"):
                yield StateHeader(id="state-header")
                with PaneTabs(id="data"):
                    with Pane("3 Step", id="tab-step"):
                        yield StepView(id="step")
                    yield Pane("Record", id="tab-record", later=True)  # the panes behind a tab: mount_panes
                    yield Pane("Values", id="tab-values", later=True)
                    yield Pane("2 Source", id="tab-source", later=True)
                labels, empty = self.side_tabs()  # as they will be: a label changed later costs a layout
                with PaneTabs(id="side"):
                    with Pane(labels["tab-scopes"], id="tab-scopes"):
                        yield ScopeList(id="scopes", classes="-empty" if empty["scopes"] else "")
                    yield Pane(labels["tab-watches"], id="tab-watches", later=True)
                    yield Pane(labels["tab-breakpoints"], id="tab-breakpoints", later=True)
                    yield Pane(labels["tab-history"], id="tab-history", later=True)
        yield StatusBar(id="status")
        yield KeyFooter()

    panes_ready = False  # the panes behind a tab are mounted
    _mounting = False
    _want_focus: str | None = None  # what a key asked to focus before they were

    def mount_panes(self) -> bool:
        """Mount the panes behind a tab (Record, Values, Source, Watches,
        Breakpoints, History) once: just after the first frame, or as soon
        as a key or a click wants one. Their modules, styles and widgets
        (three DataTables, a Tree, an Input) were a good part of the
        start-up. True when they are there; each is filled when first
        shown (``_dirty``)."""
        if self.panes_ready or self._mounting or not self.is_attached or getattr(self.app, "_exit", False):
            return self.panes_ready  # (nothing to mount into while the app closes)
        self._mounting = True
        from ..widgets.breakpoint_list import BreakpointList
        from ..widgets.history_log import HistoryLog
        from ..widgets.json_tree import JsonTree
        from ..widgets.record_view import RecordView
        from ..widgets.source_view import SourceView
        from ..widgets.watch_list import WatchList
        _, empty = self.side_tabs()
        source = SourceView(self.session.definition.text, id="source")
        source.border_title = self.session.definition.path
        values = JsonTree("values", id="values")
        values._expanded |= {("$Input",), ("$Output",), ("$input",), ("output",)}  # $Context folded
        lists = [(name, cls(id=name, classes="-empty" if empty[name] else ""))
                 for name, cls in (("watches", WatchList), ("breakpoints", BreakpointList), ("history", HistoryLog))]
        mounts = [self.query_one(PANES[name][0], PaneTabs).mount_pane(PANES[name][1], widget)
                  for name, widget in [("record", RecordView(id="record")), ("values", values), ("source", source),
                                       *lists]]
        self.call_later(self._panes_mounted, mounts)
        return False

    async def _panes_mounted(self, mounts) -> None:
        for m in mounts:
            await m
        self.panes_ready = True
        self.ready = True
        for pane in self._visible():  # one a key showed meanwhile
            if pane in self._dirty:
                self._refresh_pane(pane)
        if self._want_focus:
            self.query_one(self._want_focus).focus()
            self._want_focus = None

    def _focus_later(self, target: str) -> None:
        if self.panes_ready:
            self.call_after_refresh(self.query_one(target).focus)
        else:
            self._want_focus = target

    def on_mount(self) -> None:
        if not self.query("#step"):
            return  # removed while its panes were still being composed (the app is closing)
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
            self._show_header()
        self.call_after_refresh(graph.scroll_to_box, graph.cursor)
        graph.focus()
        # after the first frame and the refresh that follows it (a key that wants one earlier mounts them at once)
        self.call_after_refresh(self.call_after_refresh, self.mount_panes)

    def on_resize(self, event) -> None:
        self._apply_size(event.size)

    _resumed = False

    def on_screen_resume(self, event) -> None:
        # The first resume follows the mount, which styled every pane (a
        # change of the size classes restyles on its own): Textual restyling
        # them all again here would only repeat it (start-up time).
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _apply_size(self, size) -> None:
        w, h = size
        compact = w < self.COMPACT_WIDTH or h < self.COMPACT_HEIGHT
        self.set_class(compact, "-compact")  # -narrow and -short come from the app's breakpoints
        footer = self.query_one(KeyFooter)
        footer.compact = compact  # tighter keys on a small terminal; Ctrl+P still opens the palette
        footer.show_command_palette = not compact
        self._size_graph(size)
        self._slots()

    def _slots(self) -> None:
        """On a small terminal the right slot shows the data or the lists."""
        self.set_class(self._right == "side", "-right-side")
        if self.is_mounted:
            for pane in self._visible():
                if pane in self._dirty:
                    self._refresh_pane(pane)
        node = self.focused
        while node is not None and node is not self and node.display:
            node = node.parent
        if node is not None and node is not self:  # the focus is in a pane that just went out of sight
            self.call_after_refresh(self.query_one("#graph").focus)

    def action_pane(self, pane: str) -> None:
        """1-7: show a pane and focus it. 2 again: the source takes the
        graph's room too (1 brings the graph back)."""
        if pane == "source" and self.focused is not None and self.focused.id == "source":
            self.set_class(not self.has_class("-wide-source"), "-wide-source")
        elif pane != "source":  # the source no longer shown: the graph comes back
            self.remove_class("-wide-source")
        if pane == "data":  # 3: the Step view, as its tab, the footer and the help say (v goes on to the others)
            pane = "step"
        container, tab, target = PANES[pane]
        if container is not None:
            self.query_one(container, PaneTabs).active = tab
            self._right = "side" if container == "#side" else "data"
        self._slots()
        self._focus_later(target)

    def action_data_view(self) -> None:
        tabs = self.query_one("#data", PaneTabs)
        order = ["tab-step", "tab-record", "tab-values"]
        nxt = order[(order.index(tabs.active) + 1) % 3] if tabs.active in order else "tab-step"
        self.action_pane({"tab-step": "step", "tab-record": "record", "tab-values": "values"}[nxt])

    def action_history_filter(self) -> None:
        self.action_pane("history")
        self._focus_later("#history-filter")

    def action_outline(self) -> None:
        graph = self.query_one(StateGraph)
        graph.toggle_outline()
        self._size_graph()
        self._graph_title()

    # -- the worker --------------------------------------------------------------------
    def run_verb(self, label: str, fn, *args) -> bool:
        """Run ``fn(*args)`` (a session verb) in the engine worker."""
        if self.busy:
            self.notify(f"Still running {self.busy}: press p to pause it first", severity="warning")
            return False
        self.clear_stop_toasts()  # they told of the stop this verb leaves
        check = getattr(self.app, "check_mocks", None)
        if check is not None:
            check()  # an edited mock file takes effect from this verb on
        ex = self.session.execution
        self._before = (ex, len(ex.records), {r.index for r in ex.records if r.exited_at is None})
        rec = self.focus_record() if label in self.STEPPING and self.session.selected_record is None else None
        self._stepped_index = rec.index if rec is not None else None
        self.busy = label
        self._started = time.perf_counter()
        self._progress.resume()  # says "running…" if the verb takes more than a tick
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

    def _ran_records(self) -> list:
        """The records the verb just run finished (none after a replay)."""
        ex = self.session.execution
        if self._before is None or self._before[0] is not ex:
            return []
        _, n, open_ = self._before
        recs = ex.records

        def ended(r) -> bool:  # finished, or failed (a failed state has no exit time)
            return r.exited_at is not None or r.status == "failed"
        return [recs[i] for i in sorted(open_) if i < len(recs) and ended(recs[i])] + \
            [r for r in recs[n:] if ended(r)]

    def _verb_done(self, label: str, stop, err) -> None:
        self.busy = None
        self._progress.pause()
        self.ran = self._ran_records()
        ex, i = self.session.execution, self._stepped_index
        same = self._before is not None and self._before[0] is ex
        self.stepped = ex.records[i] if same and i is not None and i < len(ex.records) else None
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
            self.query_one(StatusBar).show(self.session, busy=self.busy)

    def _poll_inbox(self) -> None:
        """Callbacks that arrived over HTTP are applied here when idle."""
        if not self.busy and not self.session.inbox.empty():
            self.run_verb("callback", self.session.drain_inbox)
        elif not self.busy and self.app.callback_results:  # refused at once by the endpoint
            self.app.report_callback_results()

    # -- selection ---------------------------------------------------------------------------------
    def on_state_highlighted(self, message) -> None:
        if self.panes_ready:  # (else the Source pane is drawn from the cursor when first shown)
            src = self.query_one("#source")
            st = self.states.get(message.key)
            src.show(current=src.current, selected=(st.line, st.end_line) if st else None, scroll_to="selected")
        self._show_header()

    def on_state_activated(self, message) -> None:
        if self.busy:
            return
        recs = [r for r in self.session.execution.records if node_key(r.frame, r.state) == message.key]
        if not recs:
            self.notify(f"{message.name} has not run yet", severity="warning")
            return
        self._inspect(recs[-1])

    def on_event_selected(self, message) -> None:
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
        f = self.focus_frame()
        live = f.record if f is not None else None
        s.selected_record = None if rec is live else rec
        self.refresh_views(follow=True, inspect=True)
