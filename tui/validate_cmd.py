"""``flowdbg validate``: the diagnostics of flows, and of the mock files that answer them.

Each FLOW is checked as ``run`` would load it; its mock file (``--mocks``,
else the sibling ``FLOW.mocks.yaml``) is parsed and checked against it
(:mod:`flowdbg.engine.mock_check`). ``--strict`` makes warnings errors.
Exit 0 when nothing is an error, 2 otherwise. ``--json`` prints one object
of the shape in :func:`.json_contract.validate_object`, for one file or many.
"""
from __future__ import annotations

from flowdbg.engine.definition import load_definition, strictly
from flowdbg.engine.diagnostics import ERROR, ordered
from flowdbg.engine.mocks import MockFileError, load_mocks
from flowdbg.engine.runner import default_mocks_path

from . import json_contract as J


def _mock_diagnostics(flow, path: str, strict: bool) -> list:
    try:
        mocks = load_mocks(path)
    except MockFileError as e:
        return list(e.diagnostics)
    found = list(mocks.warnings)  # the loader's own (yaml11-value, yaml-tag)
    if flow is not None:  # else nothing to check it against
        from flowdbg.engine.mock_check import check_mocks
        found += check_mocks(flow, mocks)
    return strictly(ordered(found), strict)


def _file(path: str, kind: str, diags) -> dict:
    errors = sum(d.severity == ERROR for d in diags)
    return {"path": path, "kind": kind, "valid": errors == 0, "errors": errors, "warnings": len(diags) - errors}


def cmd_validate(args) -> int:
    files, diagnostics = [], []
    for path in args.flows:
        d = load_definition(path, express=args.express, strict=args.strict)
        results = [(path, "flow", list(d.diagnostics))]
        mocks = args.mocks or default_mocks_path(path)
        if mocks:
            results.append((mocks, "mocks", _mock_diagnostics(d.flow, mocks, args.strict)))
        for p, kind, diags in results:
            files.append(_file(p, kind, diags))
            diagnostics += [J.diagnostic(x, p) for x in diags]
            if args.json:
                continue
            for x in diags:
                print(x.format(p))
            if kind == "flow" and not diags:
                print(f"{p}: valid")
            elif diags:
                errors = sum(x.severity == ERROR for x in diags)
                what = " (mock file)" if kind == "mocks" else ""
                print(f"{p}{what}: {errors} error(s), {len(diags) - errors} warning(s)")
    obj = J.validate_object(files, diagnostics)
    if args.json:
        print(J.dumps(obj))
    return obj["exit_code"]
