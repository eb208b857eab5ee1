"""A definition file taken through load -> validate -> model in one call."""
from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, has_errors
from .load import load_file, load_text
from .model import Flow, build_flow
from .validate import validate


@dataclass(frozen=True)
class Definition:
    """``flow`` is ``None`` when any diagnostic is an error."""

    path: str
    text: str
    diagnostics: tuple[Diagnostic, ...]
    flow: Flow | None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def _finish(path: str, res, express: bool) -> Definition:
    diags = list(res.diagnostics)
    if res.root is not None:
        # A value the loader refused (`BackoffRate: .inf`) is the cause: what
        # validation says about the same place ("must be a number, got string") is not.
        refused = {(d.line, d.col) for d in diags if d.severity == "error"}
        diags += [d for d in validate(res.root, express=express) if (d.line, d.col) not in refused]
    # A yaml11-value warning gives way to an error at the same place, which says
    # the same and what the field wanted ('Code' must be a string, got boolean false).
    errors_at = {(d.line, d.col) for d in diags if d.severity == "error"}
    diags = [d for d in diags if not (d.code == "yaml11-value" and (d.line, d.col) in errors_at)]
    diags.sort(key=lambda d: (d.line, d.col))
    flow = None
    if res.root is not None and not has_errors(diags):
        flow = build_flow(res.root, res.text, path)
    return Definition(path, res.text, tuple(diags), flow)


def load_definition(path: str, express: bool = False) -> Definition:
    """Load, validate and build ``path``. Never raises on bad input."""
    return _finish(path, load_file(path), express)


def parse_definition(text: str, path: str = "<text>", express: bool = False) -> Definition:
    return _finish(path, load_text(text), express)
