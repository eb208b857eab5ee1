"""``flowdbg serve --debug``: the endpoint and the debugger in one process.

The executions screen lists what the application started; opening one
hands its session from its driver thread to the debugger (the ordinary
main screen, unchanged), ``l`` hands it back. Reports the application sends
while the debugger holds a session wait in that session's inbox and are
applied when the debugger is idle, as callbacks over HTTP always are.
"""
from __future__ import annotations

import collections

from textual import work
from textual.app import App
from textual.binding import Binding

from . import messages as M
from .app import FlowdbgApp
from .screens.executions_screen import ExecutionsScreen
from .screens.main_screen import MainScreen


class ServeApp(FlowdbgApp):
    """Reuses FlowdbgApp's helpers (help, palette, callback toasts, error
    log) without its single-flow start-up."""

    CSS_PATH = ["app.tcss", "serve.tcss"]
    TITLE = "flowdbg serve"
    BINDINGS = FlowdbgApp.BINDINGS + [
        Binding("l", "executions", "Executions", id="executions"),
    ]

    def __init__(self, service, endpoint, logs: list | None = None):
        App.__init__(self)
        self.service, self.endpoint = service, endpoint
        self.logs = logs if logs is not None else []
        self.definition = None
        self.session = None
        self.main: MainScreen | None = None
        self.served = None  # the execution open in the debugger
        self.callback_results = collections.deque()
        self.server = {"url": endpoint.url, "secret": endpoint.secret}
        self.executions: ExecutionsScreen | None = None

    # FlowdbgApp's mock-file watching is per flow: the service reloads mock files itself.
    @property
    def mocks_path(self) -> str | None:
        return getattr(self.service.source(self.served.flow.name), "path", None) if self.served else None

    def check_mocks(self) -> bool:
        if self.served is None:
            return False
        src = self.service.source(self.served.flow.name)
        if src.mocks is not self.session.mocks:
            self.session.set_mocks(src.mocks)
            self.notify(f"Mock file reloaded: {src.path}", title="Mocks")
            return True
        return False

    def get_default_screen(self):
        return App.get_default_screen(self)  # not FlowdbgApp's main screen first: the executions list comes first

    def on_mount(self, event) -> None:
        event.prevent_default()  # not FlowdbgApp's start-up: there is no flow to open yet
        self.sub_title = self.endpoint.url
        self.service.listeners.append(self._changed)
        self.service.callback_listeners.append(self._heard)
        self.executions = ExecutionsScreen(self.service, self.endpoint.url)
        self.push_screen(self.executions)
        self.set_interval(0.3, self._housekeeping)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "executions":  # only where there is a list to go back to
            return self.main is not None and self.screen is self.main
        return True

    def _changed(self, served) -> None:  # on a service thread
        if self.executions is not None:
            self.executions.post_message(M.ExecutionsChanged())
        if served is not None and served.driver.parked and not served.driver.attached:
            note = (served.flow.name, served.name, served.driver.parked)
            if note != getattr(served, "_noted", None):
                served._noted = note
                self.call_from_thread_safe(self.notify, f"{served.flow.name}/{served.name}: {served.driver.parked}. "
                                           "Enter opens it.", title="Execution paused")

    def call_from_thread_safe(self, fn, *args, **kw) -> None:
        try:
            self.call_from_thread(fn, *args, **kw)
        except RuntimeError:  # already on the app thread, or closing
            try:
                fn(*args, **kw)
            except Exception:
                pass

    def _heard(self, report, result) -> None:  # on a service thread
        if self.session is not None and report.token in self.session.execution.pending:
            self.callback_results.append((report, result))

    def _housekeeping(self) -> None:
        while self.logs:
            self.notify(self.logs.pop(0), title="flowdbg serve", severity="warning", timeout=10)
        if self.served is not None and self.main is not None and not self.main.busy:
            req = self.served.driver.take_stop_request()
            if req is not None:  # StopExecution while the debugger holds the session
                error, cause = req
                if not self.session.execution.finished:
                    self.session.execution.stop(f"{error}: {cause}" if cause else error)
                self.served.driver.stop_applied()
                self.main.refresh_views()
                self.notify(f"StopExecution from the application: {error}", title="Stopped")

    # -- opening and leaving an execution --------------------------------------------------------
    def open_execution(self, served) -> None:
        self.notify(f"Opening {served.flow.name}/{served.name}…")
        self._attach(served)

    @work(thread=True, exit_on_error=False, group="attach")
    def _attach(self, served) -> None:
        ok = served.driver.attach()
        self.call_from_thread(self._attached, served, ok)

    def _attached(self, served, ok: bool) -> None:
        if not ok:
            served.driver.detach()
            self.notify("The execution is busy (a long call?); try again", severity="warning")
            return
        self.served, self.session, self.definition = served, served.session, served.flow.definition
        self.title = f"flowdbg serve — {served.flow.name}/{served.name}"
        self.sub_title = f"l: back to the executions — {self.endpoint.url}"
        self.main = MainScreen(served.session, self.server)
        self.push_screen(self.main)
        self.refresh_bindings()

    def action_executions(self) -> None:
        if self.main is None or self.screen is not self.main:
            return
        if self.main.busy:
            self.notify(f"Still running {self.main.busy}: press p to pause it first", severity="warning")
            return
        served = self.served
        # Breakpoints set here apply to the flow's executions started from now on.
        served.flow.breakpoints = [b.to_json() for b in served.session.breakpoints]
        self.pop_screen()
        self.main = self.served = self.session = None
        self.title, self.sub_title = self.TITLE, self.endpoint.url
        served.driver.detach()
        self.refresh_bindings()
        if served.running:
            self.notify(f"{served.flow.name}/{served.name} goes on by itself", title="Executions")

    def stop_execution(self, served) -> None:
        self._stop(served)

    @work(thread=True, exit_on_error=False, group="stop")
    def _stop(self, served) -> None:
        served.driver.request_stop("FnF.ExecutionStopped", "stopped in flowdbg serve --debug")

    async def action_quit(self) -> None:
        if self.main is not None and self.main.busy:
            self.main.session.pause()
        self.exit(0)
