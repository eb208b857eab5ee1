"""Headless driving: build the door from a mock file and backend options,
run an execution to its end, and summarize it (``flowdbg run``)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .backends.base import Backend
from .execution import RUNNING, SUCCEEDED, Execution
from .mocks import MockFile

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_INVALID, EXIT_RUNNING = 0, 1, 2, 3


def default_mocks_path(flow_path: str) -> str | None:
    """``x.yaml`` -> ``x.mocks.yaml`` (or ``.yml``/``.json``) beside it, if present."""
    base, _ = os.path.splitext(flow_path)
    for ext in (".mocks.yaml", ".mocks.yml", ".mocks.json"):
        if os.path.exists(base + ext):
            return base + ext
    return None


def local_needs_consent(mocks: MockFile, named: bool) -> str | None:
    """Why the mock file's ``local:`` entries must not run without an opt-in,
    or None. A mock file found beside the flow (not named with ``--mocks``)
    came with the flow, e.g. a cloned repository: its ``local:`` entries would
    run that repository's Python code."""
    if named or not mocks.local:
        return None
    entries = ", ".join(f"{fn} -> {target}" for fn, target in sorted(mocks.local.items()))
    return (f"{mocks.path} (found beside the flow, not named with --mocks) has 'local:' entries that run "
            f"Python code on this machine: {entries}")


@dataclass
class BackendConfig:
    """Which functions go where. ``local`` maps function keys to
    ``path.py:handler``; ``live`` lists function keys for live FC
    (``live_all`` sends every function not run locally to FC)."""

    local: dict[str, str] = field(default_factory=dict)
    live: list[str] = field(default_factory=list)
    live_all: bool = False
    fc_endpoint: str | None = None
    base_dir: str = "."
    callback_url: str | None = None
    callback_secret: str | None = None
    local_timeout: float = 60.0


def make_backends(mocks: MockFile, cfg: BackendConfig) -> list[Backend]:
    """Explicit local and live backends, in that order (mocks answer the rest)."""
    backends: list[Backend] = []
    # --local paths are relative to the working directory, the mock file's
    # `local:` paths to the mock file; --local wins for the same function.
    mock_dir = os.path.dirname(os.path.abspath(mocks.path)) if mocks.path else cfg.base_dir
    for handlers, base in ((cfg.local, cfg.base_dir), (mocks.local, mock_dir)):
        if handlers:
            from .backends.local import LocalBackend
            backends.append(LocalBackend(handlers, base_dir=base, timeout=cfg.local_timeout,
                                         callback_secret=cfg.callback_secret))
    live = list(mocks.live) + list(cfg.live)
    if live or cfg.live_all:
        from .backends.live import LiveBackend
        lv = LiveBackend(endpoint=cfg.fc_endpoint)
        if not cfg.live_all:
            backends.append(_Only(lv, set(live)))
        else:
            backends.append(lv)
    return backends


class _Only:
    """Restrict a backend to some function keys."""

    def __init__(self, backend, keys: set[str]):
        self.backend, self.keys, self.name = backend, keys, backend.name

    def handles(self, request) -> bool:
        return any(k in self.keys for k in request.function.mock_keys)

    def invoke(self, request):
        return self.backend.invoke(request)


def summarize(ex: Execution, events: bool = True) -> dict:
    """What the execution did, for the ``flowdbg run --json`` object: its
    status, output or error, the states and events so far (``events=False``:
    without the events, which are most of its size; ``event_count`` says how
    many), the tasks still waiting, the virtual time, and who answered each
    call (``calls``: the state, scope, attempt, ``source`` mock/local/live,
    the mock ``entry`` as file:line, and a local or live function's log tail)."""
    status = ex.status
    err = None
    if ex.error is not None and status != SUCCEEDED:
        err = {"code": ex.error.code, "detail": ex.error.detail}
    out = {
        "status": status,
        "output": ex.output if status == SUCCEEDED else None,
        "error": err,
        "states": [r.state for r in ex.records],
        "pending": [p.to_json() for p in ex.pending_tasks()],
        "calls": [dict(c) for c in getattr(ex.door, "answered", ())],
        "time": ex.clock,
        "event_count": len(ex.events),
    }
    if events:
        out["events"] = [e.to_json() for e in ex.events]
    return out


def write_json(summary: dict, ex: Execution, stream) -> None:
    """Write ``summary`` as one JSON object with ``"events"`` streamed one
    per line: the same data as ``json.dumps(summarize(ex))`` without holding
    every event's dict, or the whole text, in memory at once."""
    import json
    head = {k: v for k, v in summary.items() if k != "events"}
    text = json.dumps(head, ensure_ascii=False, indent=2)
    stream.write(text[:-2] + ',\n  "events": [')
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for i, e in enumerate(ex.events):
        stream.write(("\n    " if i == 0 else ",\n    ") + enc(e.to_json()))
    stream.write("\n  ]\n}\n" if ex.events else "]\n}\n")


def exit_code(ex: Execution) -> int:
    if ex.status == SUCCEEDED:
        return EXIT_SUCCEEDED
    if ex.status == RUNNING:
        return EXIT_RUNNING
    return EXIT_FAILED


__all__ = ["default_mocks_path", "local_needs_consent", "BackendConfig", "make_backends", "summarize", "write_json",
           "exit_code",
           "EXIT_SUCCEEDED", "EXIT_FAILED", "EXIT_INVALID", "EXIT_RUNNING"]
