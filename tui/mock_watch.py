"""Notices edits of the debugger's mock file (FlowdbgApp.check_mocks reloads it)."""
from __future__ import annotations

import os


def _signature(path: str | None):
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return None if st is None else (st.st_mtime_ns, st.st_size, st.st_ino)


class MockWatcher:
    """Notices edits of the mock file (or, when there was none, the flow's
    sibling ``FLOW.mocks.yaml`` appearing). ``explicit``: ``--mocks PATH``;
    otherwise the sibling file flowdbg would load."""

    def __init__(self, flow_path: str, explicit: str | None = None):
        self.flow_path = flow_path
        self.explicit = explicit
        self.last = _signature(self.path)

    @property
    def path(self) -> str:
        if self.explicit:
            return self.explicit
        from flowdbg.engine.runner import default_mocks_path
        return default_mocks_path(self.flow_path) or os.path.splitext(self.flow_path)[0] + ".mocks.yaml"

    def changed(self) -> tuple[str, bool] | None:
        """``(path, exists)`` when the file changed since the last look."""
        path = self.path
        sig = _signature(path)
        if sig == self.last:
            return None
        self.last = sig
        return path, sig is not None
