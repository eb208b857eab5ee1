"""A definition file taken through load -> validate -> model in one call
(or, for a file built before, out of the definition cache)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import defcache
from .diagnostics import Diagnostic, has_errors
from .model import Flow


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
    # Imported here: a definition from the cache needs no YAML parser, validator or builder.
    from .build import build_flow
    from .validate import validate
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
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        from .load import load_file
        return _finish(path, load_file(path), express)  # it says what is wrong with the file
    k = defcache.key(raw, express)
    hit = defcache.get(k)
    if hit is not None:
        diagnostics, flow = hit
        return Definition(path, text, diagnostics, dataclasses.replace(flow, source=text, path=path))
    from .load import load_text
    d = _finish(path, load_text(text), express)
    if d.flow is not None:
        defcache.put(k, d.diagnostics, d.flow)
    return d


def parse_definition(text: str, path: str = "<text>", express: bool = False) -> Definition:
    from .load import load_text
    return _finish(path, load_text(text), express)
