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


@dataclass(frozen=True)
class LocalCode:
    """A mock file's ``local:`` entry that would run Python code on this
    machine: where it is written, and why that file counts as not named
    (``origin``: "found beside claim.yaml", "named by claim.tests.yaml")."""

    path: str
    line: int
    col: int
    function: str
    target: str
    origin: str

    def __str__(self) -> str:
        path = self.path
        if os.path.isabs(path) and not os.path.relpath(path).startswith(".."):
            path = os.path.relpath(path)  # as the user would type it
        at = f"{path}:{self.line}:{self.col}" if self.line else path
        return f"{at}: {self.function} -> {self.target}  ({self.origin})"


def local_code(mocks: MockFile, origin: str) -> list[LocalCode]:
    """The ``local:`` entries of ``mocks``, each with its position."""
    return [LocalCode(mocks.path, *mocks.positions.get(("local", fn), (0, 0)), fn, target, origin)
            for fn, target in sorted(mocks.local.items())]


def needing_consent(sources, allow: bool) -> list[LocalCode]:
    """The one consent check every entry point makes (run, the debugger, --web,
    --replay, serve, test): of ``sources``, ``(MockFile, origin)`` pairs where
    ``origin`` is None for a file named on the command line (``--mocks``:
    naming it is consent) and says how the file was found otherwise, the
    ``local:`` entries that must not run without ``--allow-local``. A file
    the user did not name came with the flow, e.g. in a cloned repository:
    its ``local:`` entries would run that repository's Python code."""
    if allow:
        return []
    return [e for mocks, origin in sources if origin is not None for e in local_code(mocks, origin)]


def consent_refusal(entries: list[LocalCode], alternative: str = "") -> str:
    """The refusal, naming each file and entry: one wording for every command.
    ``alternative``: another way to consent (", or name the mock file with --mocks")."""
    n = len(entries)
    files = len({e.path for e in entries})
    lines = [f"local code needs your consent: {n} 'local:' entr{'y runs' if n == 1 else 'ies run'} Python code "
             f"on this machine from {'a file' if files == 1 else f'{files} files'} not named on the command line:"]
    lines += [f"  {e}" for e in entries]
    lines.append(f"pass --allow-local to run {'it' if n == 1 else 'them'}{alternative}")
    return "\n".join(lines)


def local_needs_consent(mocks: MockFile, named: bool, flow: str = "the flow") -> str | None:
    """:func:`consent_refusal` for one mock file (``named``: given with ``--mocks``), or None."""
    entries = needing_consent([(mocks, None if named else f"found beside {flow}")], allow=False)
    return consent_refusal(entries, ", or name the mock file with --mocks") if entries else None


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


__all__ = ["default_mocks_path", "LocalCode", "local_code", "needing_consent", "consent_refusal",
           "local_needs_consent", "BackendConfig", "make_backends", "summarize", "write_json",
           "exit_code",
           "EXIT_SUCCEEDED", "EXIT_FAILED", "EXIT_INVALID", "EXIT_RUNNING"]
