"""SIGINT and SIGTERM during ``flowdbg run``: the first stops the run between two steps,
a second stops it at once (never in the middle of the summary)."""
from __future__ import annotations

import contextlib
import signal


class Signals:
    """SIGINT and SIGTERM ask the session to stop between two steps (the
    summary is printed as for any stop); a second signal stops at once,
    except while the summary is being printed (``holding``): it then takes
    effect right after, so the summary is never cut off."""

    def __init__(self):
        self.name: str | None = None
        self.session = None
        self._saved: dict = {}
        self._holding = False
        self._held = False
        self._abandon = False

    def hold(self) -> None:
        self._holding = True

    @contextlib.contextmanager
    def abandoning(self):
        """While writing an output file after the run: any signal, first or
        second, gives the file up at once (KeyboardInterrupt)."""
        self._abandon = True
        try:
            yield
        finally:
            self._abandon = False

    def release(self) -> bool:
        """Stop holding; True when a second signal came meanwhile (it is spent)."""
        self._holding, held, self._held = False, self._held, False
        return held

    def __enter__(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._saved[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    def __exit__(self, *exc):
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    def _handle(self, signum, frame):
        if self._abandon:
            self.name = self.name or signal.Signals(signum).name
            raise KeyboardInterrupt
        if self.name is not None:
            if self._holding:
                self._held = True
                return
            raise KeyboardInterrupt
        self.name = signal.Signals(signum).name
        if self.session is not None:
            self.session.pause()
