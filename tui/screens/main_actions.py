"""What the debugger's keys do (the actions of :class:`MainScreen`):
stepping verbs, breakpoints, watches, callbacks, and the toasts that say
why the run stopped. Kept apart from the layout and the refresh."""
from __future__ import annotations

import os

from textual import work

from flowdbg.engine.session import SessionError, Stop

from .. import messages as M
from ..widgets.state_graph import StateGraph
from ..widgets.status_bar import describe_future

# The dialogs are imported when first opened (start-up time).


#: the titles of the toasts that tell of a stop: the next verb leaves it, so they go
STOP_TOASTS = frozenset({"Error — nothing was lost", "Breakpoint condition", "Diverged from the recorded run",
                         "Waiting — recorded answer", "Waiting", "Finished", "Paused", "Stopped", "Stop",
                         "Callback"})


class DebuggerActions:
    """Mixed into MainScreen (``self`` is the screen)."""

    def clear_stop_toasts(self) -> None:
        app = self.app
        stale = [n for n in app._notifications if n.title in STOP_TOASTS]  # Textual has no public remove-one
        for n in stale:
            app._unnotify(n, refresh=False)
        if stale:
            app._refresh_notifications()

    # -- why it stopped -------------------------------------------------------------------
    def _announce(self, stop) -> None:
        ex = self.session.execution
        r = stop.reason
        if r == "error":
            msg = stop.message or "backend error"
            path = getattr(self.app, "mocks_path", None)
            if path and "mock" in msg:
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
            self.notify(f"Paused after {len(ex.records)} states", title="Paused")
        elif r == "limit":
            self.notify(stop.message, severity="warning", title="Stop")
        elif stop.message and r == "step":
            self.notify(stop.message, title="Stop")

    # -- stepping --------------------------------------------------------------------------
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

    def action_stop_execution(self) -> None:
        """Shift+F5: end the execution as StopExecution would."""
        ex = self.session.execution
        if ex.finished:
            self.notify("The execution has already ended")
            return
        if not self._idle("stop the execution"):
            return
        self.session.stop_execution("stopped in the debugger (Shift+F5)")
        self.ran, self.stepped = [], None
        self.refresh_views(follow=True)
        self.notify("The execution is stopped. u steps back to before the stop, r restarts.", title="Stopped")

    def action_restart(self) -> None:
        """Asks first: the steps so far are dropped (their recorded answers
        are reused, but u cannot bring the stops back)."""
        ex = self.session.execution
        if ex.steps == 0 or not self._idle("restart"):
            if ex.steps == 0:
                self.notify("Nothing to restart: no step has run yet")
            return
        from .confirm_screen import ConfirmScreen
        self.app.push_screen(ConfirmScreen(
            "Restart the execution?",
            f"The {len(ex.records)} states run so far and their history are dropped (u cannot return to them); "
            f"the run starts again with the same input: callbacks you answered and answers from local code or live FC are "
            f"replayed, the mock file is asked again (so an edit to it takes effect).",
            yes="Restart"), self._restart_confirmed)

    def _restart_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.run_verb("restart", self.session.restart)

    def action_next_timer(self) -> None:
        if not self.busy and self.session.execution.next_timer() is None:
            self.notify("No timer is set (no Wait, Retry interval, task delay or timeout pending)")
            return
        self.run_verb("skip to the next timer", self.session.skip_to_next_timer)

    def _cursor_state(self) -> str | None:
        """The state a breakpoint key means: in Source, the one at the
        cursor line; elsewhere, the graph cursor's."""
        source = self.focused
        if source is not None and source.id == "source":
            name = source.state_at_cursor(self.session.definition.flow)
            if name is None:
                self.notify("No state at this line: move the cursor into a state's definition", severity="warning")
            return name
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
        from .breakpoint_screen import BreakpointScreen
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
            from .watch_screen import WatchScreen
            self.app.push_screen(WatchScreen(self.session.definition.format), self._watch_given)

    def _watch_given(self, expression: str | None) -> None:
        if not expression or not self._idle("add a watch"):
            return
        try:
            self.session.add_watch(expression)
        except SessionError as e:
            self.notify(str(e), severity="error", title="Watch not added")
            return
        self.action_pane("watches")
        self.refresh_views()

    def on_watch_removed(self, message: M.WatchRemoved) -> None:
        if self._idle("remove a watch") and 0 <= message.index < len(self.session.watches):
            self.session.remove_watch(message.index)
            self.refresh_views()

    # -- callbacks -------------------------------------------------------------------------------
    def action_callbacks(self) -> None:
        if self._idle("answer callbacks"):
            from .callbacks_screen import CallbacksScreen
            self.app.push_screen(CallbacksScreen(self.session, self.server, on_change=self.refresh_views),
                                 self._callbacks_closed)

    def _callbacks_closed(self, result) -> None:
        self.refresh_views()
        if result == "continue":  # sent from the dialog with F5: go on at once
            self.action_continue()
