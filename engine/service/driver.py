"""One thread per served execution drives its session (the engine is not
thread-safe; everything else posts to it).

Time: virtual, as everywhere in flowdbg (docs/serve.md "Time"). The clock
jumps to the next timer (a Wait, a retry interval, a mock's delay) whenever
no task waits for an answer from outside. While one does, the driver waits
in real time, up to the virtual time left until the next timer (a task's
Timeout, a Wait in another branch), for the application's ReportTask*; if
none comes, the clock jumps to that timer. So a Timeout of 30 s gives the
application 30 real seconds to answer, and a Wait of an hour takes none.

With ``debug`` the driver honours breakpoints: an execution that reaches
one parks until the user opens it; while the debugger holds the session
(:meth:`attach`), the driver only waits.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from ..session.inbox import Inbox

#: units per turn of the loop: between turns the driver applies stop
#: requests, lets the debugger take over and publishes progress
CHUNK = 500


class WakingInbox(Inbox):
    """The session's callback inbox, waking the driver on every report."""

    def __init__(self, wake: threading.Event):
        super().__init__()
        self._wake = wake

    def put(self, item) -> None:
        super().put(item)
        self._wake.set()


class Driver:
    def __init__(self, served, *, debug: bool = False, max_steps: int = 1_000_000,
                 on_change: Callable[[object], None] | None = None, log: Callable[[str], None] | None = None):
        self.served = served
        self.debug = debug
        self.max_steps = max_steps
        self.on_change = on_change or (lambda served: None)
        self.log = log or (lambda text: None)
        self.wake = threading.Event()
        self.idle = threading.Event()  # set while this thread keeps its hands off the session
        self.attached = False
        self.parked: str = ""  # why a debug execution waits for the user: "breakpoint at X", an error
        self._stop_request: tuple[str, str] | None = None
        self._stop_done = threading.Event()
        self._wait_key = None
        self._deadline: float | None = None
        self._closing = False
        served.session.inbox = WakingInbox(self.wake)
        self.thread = threading.Thread(target=self._loop, name=f"flowdbg-exec-{served.name}", daemon=True)

    def start(self) -> "Driver":
        self.thread.start()
        return self

    # -- requests from other threads --------------------------------------------------
    def request_stop(self, error: str, cause: str, wait: float = 5.0) -> bool:
        """StopExecution: applied by whoever drives the session; True once done."""
        self._stop_request = (error, cause)
        self._stop_done.clear()
        self.wake.set()
        return self._stop_done.wait(wait)

    def take_stop_request(self) -> tuple[str, str] | None:
        """For the debugger while it holds the session (serve --debug)."""
        req, self._stop_request = self._stop_request, None
        return req

    def stop_applied(self) -> None:
        self._stop_done.set()

    def attach(self, timeout: float = 10.0) -> bool:
        """Hand the session to the debugger; True once this thread let go."""
        self.attached = True
        self.served.session.pause()
        self.wake.set()
        return self.idle.wait(timeout)

    def detach(self) -> None:
        self.attached = False
        self.parked = ""
        self.wake.set()

    def close(self) -> None:
        self._closing = True
        self.wake.set()

    # -- the loop ---------------------------------------------------------------------------
    def _loop(self) -> None:
        s = self.served
        try:
            while not self._closing:
                self.wake.clear()
                if self.attached:
                    self.idle.set()
                    self.wake.wait()
                    continue
                self.idle.clear()
                if self.attached:  # the debugger asked between the check and the clear
                    continue
                req = self.take_stop_request()
                if req is not None:
                    self._stop(*req)
                    self.parked = ""
                    self.stop_applied()
                if self.parked:
                    self.idle.set()
                    self.wake.wait()
                    continue
                ex = s.session.execution
                if ex.finished:
                    self._finished()
                    self.idle.set()
                    self.wake.wait()
                    continue
                self._turn()
        except Exception as e:  # a flowdbg bug: stop the execution, keep serving
            import traceback
            self.log(f"execution {s.flow.name}/{s.name}: internal error: {type(e).__name__}: {e}\n"
                     + traceback.format_exc())
            try:
                self._stop("flowdbg.InternalError", f"{type(e).__name__}: {e}")
            except Exception:
                pass
            self._finished()
        finally:
            self.idle.set()

    def _turn(self) -> None:
        s = self.served
        session, ex = s.session, s.session.execution
        if ex.steps >= self.max_steps:
            self._problem(f"flowdbg stopped it after {self.max_steps} steps (--max-steps): an endless loop?")
            return
        if self.debug:
            stop = session.cont(max_steps=CHUNK)
        else:
            stop = session.run_to_end(max_steps=CHUNK, jump_clock=False)
        self.on_change(s)
        r = stop.reason
        if r in ("finished", "limit", "step", "paused"):
            return
        if r in ("breakpoint", "breakpoint-error"):
            self.parked = f"breakpoint at {stop.state}" if r == "breakpoint" else stop.message
            self.on_change(s)
            return
        if r == "error":
            self._problem(stop.message)
            return
        if r == "waiting":
            self._wait_for_outside()

    def _wait_for_outside(self) -> None:
        """Real time passes while only the application can move the execution on."""
        ex = self.served.session.execution
        t = ex.next_timer()
        key = (id(ex), ex.steps, t)
        if key != self._wait_key:
            self._wait_key = key
            self._deadline = None if t is None else time.monotonic() + max(0.0, t - ex.clock)
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._wait_key = None
            self.served.session.skip_to_next_timer()
            self.on_change(self.served)
            return
        remaining = None if self._deadline is None else self._deadline - time.monotonic()
        self.idle.set()
        self.wake.wait(remaining)

    def _problem(self, message: str) -> None:
        s = self.served
        s.problem = message
        self.log(f"execution {s.flow.name}/{s.name}: {message}")
        if self.debug:
            self.parked = message
            self.on_change(s)
            return
        self._stop("flowdbg.Stopped", message)

    def _stop(self, error: str, cause: str) -> None:
        ex = self.served.session.execution
        if not ex.finished:
            ex.stop(f"{error}: {cause}" if cause else error)
        self.on_change(self.served)

    def _finished(self) -> None:
        self.served.finished_event.set()
        self.on_change(self.served)
