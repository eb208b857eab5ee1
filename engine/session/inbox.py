"""The callback inbox: reports that arrive on other threads (the callback
endpoint, ``flowdbg serve``) wait here until the thread driving the
session applies them between two units of work."""
from __future__ import annotations

import threading
from collections import deque


class Inbox:
    """Thread-safe FIFO of ``(report, reply)``. Checking it costs one
    attribute read when it is empty, the case on every unit of a run."""

    def __init__(self) -> None:
        self._items: deque = deque()
        self._cv = threading.Condition()

    def put(self, item) -> None:
        with self._cv:
            self._items.append(item)
            self._cv.notify_all()

    def empty(self) -> bool:
        return not self._items

    def take_all(self) -> list:
        with self._cv:
            items = list(self._items)
            self._items.clear()
        return items

    def tokens(self) -> set[str]:
        with self._cv:
            return {report.token for report, _ in self._items}

    def wait(self, timeout: float | None) -> bool:
        """Block until something is queued (True) or ``timeout`` passes (False)."""
        with self._cv:
            return self._cv.wait_for(lambda: bool(self._items), timeout)
