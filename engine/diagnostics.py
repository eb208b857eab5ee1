"""Diagnostics: problems found in a definition, collected rather than raised.

Each has a severity (``error`` or ``warning``), a stable ``code`` such as
``unknown-field`` or ``missing-target``, a 1-based ``line`` and ``col``, a
message, and an optional hint that says how to fix it. ``cause`` is the
position of the slip a knock-on diagnostic follows from (a ``StartAt`` that
names no state because the state's ``Name`` carries a ``//`` comment):
:func:`ordered` lists it right after its cause, so the fix is read first.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
#: What a warning says of a field or parameter flowdbg skips; ``--strict`` (nothing runs) drops it.
IGNORED = " (ignored)"


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str
    line: int
    col: int
    message: str
    hint: str = ""
    cause: tuple[int, int] | None = None

    def format(self, path: str) -> str:
        """``path:line:col: severity: message (hint)`` — the one-line form
        (``path: severity: ...`` for the file as a whole, line 0)."""
        where = f"{path}:{self.line}:{self.col}" if self.line else path
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_json(self, file: str | None = None) -> dict:
        """The one object shape ``run --json`` and ``validate --json`` print
        (docs/semantics.md, "The JSON contract"): every key always present."""
        return {"file": file, "line": self.line, "col": self.col, "severity": self.severity, "code": self.code,
                "message": self.message, "hint": self.hint}


def has_errors(diagnostics) -> bool:
    return any(d.severity == ERROR for d in diagnostics)


def sort_key(d: Diagnostic):
    return (d.line, d.col, 0 if d.severity == ERROR else 1, d.code)


def ordered(diagnostics) -> list[Diagnostic]:
    """By position, each knock-on right after the slip that caused it, each
    diagnostic once. Diagnostics at one position keep the order they were
    found in: checks run cause first (a ``//`` comment before the unknown
    state type it makes)."""
    seen: set = set()
    unique = []
    for d in diagnostics:
        key = (d.severity, d.code, d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    order = {id(d): i for i, d in enumerate(unique)}
    return sorted(unique, key=lambda d: (*(d.cause or (d.line, d.col)), d.cause is not None, d.line, d.col,
                                         order[id(d)]))
