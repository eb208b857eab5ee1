"""A definition file taken through load -> validate -> model in one call.

Both formats load here: FDL v1 (``Type: StateMachine``) and the legacy Serverless Workflow
format (``type: flow``, ``steps``; :mod:`.legacy`), told apart by the top-level keys.
"""
from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, has_errors
from .legacy.detect import is_legacy
from .load import load_file, load_text
from .model import Flow, build_flow
from .validate import validate


@dataclass(frozen=True)
class Definition:
    """``flow`` is ``None`` when any diagnostic is an error."""

    path: str
    text: str
    diagnostics: tuple[Diagnostic, ...]
    flow: "Flow | LegacyFlow | None"  # noqa: F821 (engine.legacy.model)
    format: str = "v1"  # or "legacy"

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def _finish(path: str, res, express: bool) -> Definition:
    diags = list(res.diagnostics)
    root = res.root
    if is_legacy(root):
        from .legacy.model import FORMAT, build_flow as build_legacy
        from .legacy.validate import validate as validate_legacy
        found, refs = validate_legacy(root)
        # A !Ref on a resourceArn names a function (matched by name); keep the loader's
        # warning only for tags the legacy format does not read.
        diags = [d for d in diags if not (d.code == "yaml-tag" and (d.line, d.col) in refs)] + found
        diags.sort(key=lambda d: (d.line, d.col))
        flow = build_legacy(root, res.text, path) if not has_errors(diags) else None
        return Definition(path, res.text, tuple(diags), flow, FORMAT)
    if root is not None:
        found = validate(root, express=express)
        from .legacy.mixed import legacy_fields_in_v1
        mixed = legacy_fields_in_v1(root)
        at = {(m.line, m.col) for m in mixed}
        # The legacy-field error replaces the generic unknown-field warning at the same place.
        diags += [d for d in found if not (d.code == "unknown-field" and (d.line, d.col) in at)] + mixed
    diags.sort(key=lambda d: (d.line, d.col))
    flow = None
    if root is not None and not has_errors(diags):
        flow = build_flow(root, res.text, path)
    return Definition(path, res.text, tuple(diags), flow)


def load_definition(path: str, express: bool = False) -> Definition:
    """Load, validate and build ``path``. Never raises on bad input."""
    return _finish(path, load_file(path), express)


def parse_definition(text: str, path: str = "<text>", express: bool = False) -> Definition:
    return _finish(path, load_text(text), express)
