"""A definition file taken through load -> validate -> model in one call
(or, for a file built before, out of the definition cache).

Both formats load here: FDL v1 (``Type: StateMachine``) and the legacy Serverless Workflow
format (``type: flow``, ``steps``; :mod:`.legacy`), told apart by the top-level keys.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

from . import defcache
from .diagnostics import ERROR, IGNORED, WARNING, Diagnostic, has_errors, ordered
from .model import Flow

#: Warnings ``--strict`` leaves as warnings: they describe what flowdbg
#: simulates, not a slip in the flow, so no edit of the flow could clear them
#: (``not-simulated``: a legacy flow's ``timeoutSeconds``).
NOT_STRICT = frozenset({"distributed-map", "not-simulated"})


def strictly(diagnostics, strict: bool = True) -> list[Diagnostic]:
    """``--strict``: every warning a slip is (all but :data:`NOT_STRICT`) becomes an error."""
    if not strict:
        return list(diagnostics)
    return [replace(d, severity=ERROR, message=d.message.replace(IGNORED, ""))
            if d.severity == WARNING and d.code not in NOT_STRICT else d
            for d in diagnostics]


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
    # Imported here: a definition from the cache needs no YAML parser, validator or builder.
    from .legacy.detect import is_legacy
    diags = list(res.diagnostics)
    root = res.root
    legacy = is_legacy(root)
    if root is not None:
        if legacy:
            from .legacy.validate import validate as validate_legacy
            found, refs = validate_legacy(root)
            # A !Ref on a resourceArn names a function (matched by name); keep the loader's
            # warning only for tags the legacy format does not read.
            diags = [d for d in diags if not (d.code == "yaml-tag" and (d.line, d.col) in refs)]
        else:
            from .legacy.mixed import legacy_fields_in_v1
            from .validate import validate
            mixed = legacy_fields_in_v1(root)
            at = {(m.line, m.col) for m in mixed}
            # The legacy-field error replaces the generic unknown-field warning at the same place;
            # a slip error there (`default:` for a Choice's Default) already names the v1 spelling.
            found = [d for d in validate(root, express=express, text=res.text)
                     if not (d.code == "unknown-field" and (d.line, d.col) in at)]
            slipped = {(d.line, d.col) for d in found if d.severity == "error"}
            found += [m for m in mixed if (m.line, m.col) not in slipped]
        # A value the loader refused (`BackoffRate: .inf`) is the cause: what
        # validation says about the same place ("must be a number, got string") is not.
        refused = {(d.line, d.col) for d in diags if d.severity == "error"}
        diags += [d for d in found if (d.line, d.col) not in refused]
    # A yaml11-value warning gives way to an error at the same place, which says
    # the same and what the field wanted ('Code' must be a string, got boolean false).
    errors_at = {(d.line, d.col) for d in diags if d.severity == "error"}
    diags = ordered(d for d in diags if not (d.code == "yaml11-value" and (d.line, d.col) in errors_at))
    if root is None or has_errors(diags):
        return Definition(path, res.text, tuple(diags), None, "legacy" if legacy else "v1")
    if legacy:
        from .legacy.build import build_flow as build_legacy
        from .legacy.model import FORMAT
        return Definition(path, res.text, tuple(diags), build_legacy(root, res.text, path), FORMAT)
    from .build import build_flow
    return Definition(path, res.text, tuple(diags), build_flow(root, res.text, path))


def load_definition(path: str, express: bool = False, strict: bool = False) -> Definition:
    """Load, validate and build ``path``. Never raises on bad input."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        from .load import load_file
        return _strict(_finish(path, load_file(path), express), strict)  # it says what is wrong with the file
    k = defcache.key(raw, express)
    hit = defcache.get(k)
    if hit is not None:
        diagnostics, flow = hit
        return _strict(Definition(path, text, diagnostics, dataclasses.replace(flow, source=text, path=path),
                                  getattr(flow, "format", "v1")), strict)
    from .load import load_text
    d = _finish(path, load_text(text), express)
    if d.flow is not None:
        defcache.put(k, d.diagnostics, d.flow, len(raw))  # as found; --strict is applied to what comes out
    return _strict(d, strict)


def parse_definition(text: str, path: str = "<text>", express: bool = False, strict: bool = False) -> Definition:
    from .load import load_text
    return _strict(_finish(path, load_text(text), express), strict)


def _strict(d: Definition, strict: bool) -> Definition:
    if not strict:
        return d
    diags = tuple(strictly(d.diagnostics))
    return Definition(d.path, d.text, diags, None if has_errors(diags) else d.flow, d.format)
