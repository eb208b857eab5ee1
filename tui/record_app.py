"""The debugger on a recorded execution: ``flowdbg FLOW --replay HISTORY``
(post-mortem) and ``flowdbg FLOW --cloud`` (an execution running on
CloudFlow, followed as its history grows).

The main screen is the ordinary one: the session replays the record, so
stepping, breakpoints, step back and the panes all work; the record answers
the tasks and a divergence stops the run with what differs. Opening runs
to the first divergence or the end of the record, so the graph shows the
recorded path; u goes back to the start.
"""
from __future__ import annotations

from textual import work

from .app import FlowdbgApp


class RecordApp(FlowdbgApp):
    """``replay``: an engine.replay.Replay; ``follower``: an
    engine.replay.follow.Follower when the execution runs on CloudFlow."""

    def __init__(self, definition, replay, follower=None, poll: float = 1.5, label: str = "", **kw):
        super().__init__(definition, session=replay.session, inputs_store=None, **kw)
        self.replay, self.follower, self.poll, self.label = replay, follower, poll, label
        self._syncing = False
        self._cloud_error: str | None = None
        self._announced_end = False

    def on_mount(self) -> None:  # Textual runs FlowdbgApp.on_mount after this one (it opens the main screen)
        self.set_timer(0.05, self._first_run)
        if self.follower is not None:
            self._timer = self.set_interval(self.poll, self._tick)

    def _main_idle(self) -> bool:
        return self.main is not None and self.main.ready and not self.main.busy and self.screen is self.main

    def _first_run(self) -> None:
        if not self._main_idle():
            self.set_timer(0.1, self._first_run)
            return
        if self.label:
            self.sub_title = self.label
        self.main.action_continue()

    # -- following CloudFlow ------------------------------------------------------------------------
    def _tick(self) -> None:
        if self._syncing or not self._main_idle():
            return
        self._syncing = True
        self._sync(self.follower.outgoing(self.session))

    @work(thread=True, exit_on_error=False, group="cloud")
    def _sync(self, outgoing) -> None:
        lines = self.follower.send(outgoing) if outgoing else []
        try:
            record, error = self.follower.fetch(), None
        except Exception as e:  # CloudError, or a history flowdbg cannot read
            record, error = None, str(e)
        try:
            self.call_from_thread(self._synced, record, lines, error)
        except RuntimeError:  # the app is closing
            pass

    def _synced(self, record, lines, error) -> None:
        self._syncing = False
        for line in lines:
            self.notify(line, title="Callback", severity="error" if "not sent" in line else "information")
        if error is not None:
            if error != self._cloud_error:
                self.notify(error, severity="error", title="CloudFlow", timeout=15)
            self._cloud_error = error
            return
        self._cloud_error = None
        if record is None or not self._main_idle():
            return
        before = (len(self.follower.record.events), self.follower.record.status)
        reports = self.follower.absorb(record, self.session)
        for r in reports:
            res = self.session.report(r.token, succeeded=r.succeeded, output=r.output, error=r.error,
                                      cause=r.cause or "")
            what = "ReportTaskSucceeded" if r.succeeded else "ReportTaskFailed"
            self.notify(f"{what} arrived on CloudFlow" + ("" if res.accepted else f"; not applied: {res.reason}"),
                        title="Callback")
        grew = before != (len(record.events), record.status) or reports
        if self.follower.finished and not self._announced_end:
            self._announced_end = True
            self.notify(f"The execution {record.status.lower()} on CloudFlow"
                        + (f": {record.error}" if record.error else ""), title="CloudFlow", timeout=12)
        if grew and (self.session.last_stop.reason in ("following", "waiting") or self.session.execution.steps == 0):
            self.main.action_continue()
        elif grew:
            self.main.refresh_views()
        if self.follower.finished and self.session.execution.finished:
            self._timer.stop()
