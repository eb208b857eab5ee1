"""Diagnostics: problems found in a definition, collected rather than raised.

Each has a severity (``error`` or ``warning``), a stable ``code`` such as
``unknown-field`` or ``missing-target``, a 1-based ``line`` and ``col``, a
message, and an optional hint that says how to fix it.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str
    line: int
    col: int
    message: str
    hint: str = ""

    def format(self, path: str) -> str:
        """``path:line:col: severity: message (hint)`` — the one-line form."""
        text = f"{path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_json(self) -> dict:
        return asdict(self)


def has_errors(diagnostics) -> bool:
    return any(d.severity == ERROR for d in diagnostics)


def sort_key(d: Diagnostic):
    return (d.line, d.col, 0 if d.severity == ERROR else 1, d.code)
