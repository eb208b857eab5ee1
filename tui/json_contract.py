"""The one JSON object ``flowdbg run --json`` and ``flowdbg validate --json`` print.

Whatever happened (a run that succeeded, failed or still waits, a bad flag,
a broken mock file, a backend that could not answer), stdout gets exactly
one object, with every key present and the same shapes: the contract
scripts and CI rely on, documented in docs/semantics.md ("The JSON
contract"). Diagnostics are objects everywhere (:func:`diagnostic`).
"""
from __future__ import annotations

import json
from typing import Any, Iterable

#: ``status`` -> exit code. Running is 3 unless interrupted (EXIT_SIGNAL).
EXIT = {"Succeeded": 0, "Failed": 1, "Stopped": 1, "Invalid": 2, "Error": 2, "Running": 3,
        "Valid": 0}
EXIT_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}

#: ``reason`` values, per status (None for Succeeded, Failed, Stopped, Valid).
REASONS = {
    "Running": ("waiting", "max-steps", "interrupted", "callback-timeout"),
    "Invalid": ("definition", "mocks", "input", "usage", "session"),
    "Error": ("backend", "journal", "history"),
}


def diagnostic(d, file: str | None) -> dict:
    """A :class:`~flowdbg.engine.diagnostics.Diagnostic` as its JSON object."""
    return d.to_json(file)


def message_diagnostic(message: str, file: str | None = None, line: int = 0, col: int = 0,
                       code: str = "usage", severity: str = "error") -> dict:
    """A problem with no place in a file (a bad flag, a backend's refusal) in the same shape."""
    return {"file": file, "line": line, "col": col, "severity": severity, "code": code,
            "message": _scrub(message), "hint": ""}


def run_object(*, status: str, reason: str | None = None, message: str | None = None, summary: dict | None = None,
               diagnostics: Iterable[dict] = (), flow: str | None = None, mocks: str | None = None,
               input_source: str | None = None, start_time: str | None = None, express: bool = False,
               history: str | None = None, exit_code: int | None = None) -> dict:
    """The ``run --json`` object. ``summary`` (engine.runner.summarize) is
    what the execution did so far; without one (the run never started),
    its parts are empty."""
    s = summary or {}
    return {
        "status": status,
        "exit_code": EXIT[status] if exit_code is None else exit_code,
        "reason": reason,
        "message": _scrub(message),
        "flow": flow,
        "mocks": mocks,
        "input": input_source,
        "express": express,
        "start_time": start_time,
        "output": s.get("output"),
        "error": s.get("error"),
        "states": s.get("states", []),
        "events": s.get("events", []),
        "event_count": s.get("event_count", len(s.get("events", []))),
        "pending": s.get("pending", []),
        "calls": s.get("calls", []),
        "time": s.get("time", 0),
        "history": history,
        "diagnostics": list(diagnostics),
    }


def _scrub(message: str | None) -> str | None:
    """Credentials never reach stdout (engine/scrub.py): a backend's message may echo them."""
    from flowdbg.engine.scrub import scrub_text
    return None if message is None else scrub_text(message)


def validate_object(files: list[dict], diagnostics: list[dict]) -> dict:
    """The ``validate --json`` object: one shape for one file or many.
    ``files``: ``{"path", "kind" (flow | mocks | tests), "valid", "errors", "warnings"}``."""
    valid = all(f["valid"] for f in files)
    status = "Valid" if valid else "Invalid"
    return {"status": status, "exit_code": EXIT[status], "valid": valid, "files": files, "diagnostics": diagnostics}


def usage_object(command: str, message: str) -> dict:
    """What ``--json`` prints when the command line itself is wrong."""
    diags = [message_diagnostic(message)]
    if command == "validate":
        return {**validate_object([], diags), "status": "Invalid", "exit_code": 2, "valid": False}
    return run_object(status="Invalid", reason="usage", message=message, diagnostics=diags)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def write_run_object(obj: dict, events, stream) -> None:
    """Write the ``run --json`` object with its ``events`` streamed one per
    line (they are most of its size): the same data as ``dumps`` of the
    object with every event in it, without holding them all as text at once.
    ``obj["events"]`` must be empty; ``events`` are Event objects."""
    text = dumps({**obj, "events": []})
    marker = '\n  "events": [],'  # once, at the top level: inside strings quotes are escaped
    head, tail = text.split(marker, 1)
    stream.write(head + '\n  "events": [')
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for i, e in enumerate(events):
        stream.write(("\n    " if i == 0 else ",\n    ") + enc(e.to_json()))
    stream.write(("\n  ]," if events else "],") + tail + "\n")


__all__ = ["EXIT", "EXIT_SIGNAL", "REASONS", "diagnostic", "message_diagnostic", "run_object", "validate_object",
           "usage_object", "dumps", "write_run_object"]
