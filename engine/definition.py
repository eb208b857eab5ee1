"""A definition file taken through load -> validate -> model in one call."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .diagnostics import ERROR, WARNING, Diagnostic, has_errors, ordered
from .load import load_file, load_text
from .model import Flow, build_flow
from .validate import validate

#: Warnings ``--strict`` leaves as warnings: they describe what flowdbg
#: simulates, not a slip in the flow, so no edit of the flow could clear them.
NOT_STRICT = frozenset({"distributed-map"})


def strictly(diagnostics, strict: bool = True) -> list[Diagnostic]:
    """``--strict``: every warning a slip is (all but :data:`NOT_STRICT`) becomes an error."""
    if not strict:
        return list(diagnostics)
    return [replace(d, severity=ERROR) if d.severity == WARNING and d.code not in NOT_STRICT else d
            for d in diagnostics]


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


def _finish(path: str, res, express: bool, strict: bool) -> Definition:
    diags = list(res.diagnostics)
    if res.root is not None:
        diags += validate(res.root, express=express, text=res.text)
    diags = strictly(ordered(diags), strict)
    flow = None
    if res.root is not None and not has_errors(diags):
        flow = build_flow(res.root, res.text, path)
    return Definition(path, res.text, tuple(diags), flow)


def load_definition(path: str, express: bool = False, strict: bool = False) -> Definition:
    """Load, validate and build ``path``. Never raises on bad input."""
    return _finish(path, load_file(path), express, strict)


def parse_definition(text: str, path: str = "<text>", express: bool = False, strict: bool = False) -> Definition:
    return _finish(path, load_text(text), express, strict)
