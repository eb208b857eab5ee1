"""``flowdbg validate``: the diagnostics of flows, and of the mock and test files that go with them.

Each FLOW is checked as ``run`` would load it; its mock file (``--mocks``,
else the sibling ``FLOW.mocks.yaml``) is parsed and checked against it
(:mod:`flowdbg.engine.mock_check`). A mock file or test file given itself
(``validate sample_flows/*.yaml`` lists all three kinds) is checked as what
it is: a mock file against its sibling flow (once: not again when that flow
is listed too), a test file as ``flowdbg test`` loads it. ``--strict`` makes
warnings errors. Exit 0 when nothing is an error, 2 otherwise. ``--json``
prints one object of the shape in :func:`.json_contract.validate_object`,
for one file or many; without it, more than one file ends with a total line.
"""
from __future__ import annotations

import os

from flowdbg.engine.definition import load_definition, strictly
from flowdbg.engine.diagnostics import ERROR, Diagnostic, ordered
from flowdbg.engine.file_kinds import FLOW, MOCKS, TESTS, kind_by_name, kind_of
from flowdbg.engine.files import file_problem
from flowdbg.engine.mocks import MockFileError, load_mocks
from flowdbg.engine.runner import default_mocks_path

from . import json_contract as J

_KIND = {FLOW: "flow", MOCKS: "mocks", TESTS: "tests"}  # the JSON contract's names


def _mock_diagnostics(flow, path: str, strict: bool) -> list:
    try:
        mocks = load_mocks(path)
    except MockFileError as e:
        found = list(e.diagnostics)
        partial = getattr(e, "partial", None)  # what parsed: checked against the flow all the same
        if flow is not None and partial is not None:
            from flowdbg.engine.mock_check import check_mocks
            found += check_mocks(flow, partial)
        return strictly(ordered(found), strict)
    found = list(mocks.warnings)  # the loader's own (yaml11-value, yaml-tag)
    if flow is not None:  # else nothing to check it against
        from flowdbg.engine.mock_check import check_mocks
        found += check_mocks(flow, mocks)
    return strictly(ordered(found), strict)


def _file(path: str, kind: str, diags) -> dict:
    errors = sum(d.severity == ERROR for d in diags)
    return {"path": path, "kind": kind, "valid": errors == 0, "errors": errors, "warnings": len(diags) - errors}


def kind_of_file(path: str) -> str:
    """FLOW, MOCKS or TESTS: by the file's name, else by its top-level keys (a flow when they say nothing)."""
    by_name = kind_by_name(path)
    if by_name is not None:
        return by_name
    if os.path.isfile(path):
        from flowdbg.engine.load import load_file
        return kind_of(load_file(path).root) or FLOW
    return FLOW


def _flow_of_mocks(path: str) -> str | None:
    """``x.mocks.yaml`` -> ``x.yaml`` (or .yml/.json) beside it, if there."""
    for suffix in (".mocks.yaml", ".mocks.yml", ".mocks.json"):
        if path.endswith(suffix):
            base = path[: -len(suffix)]
            return next((base + e for e in (".yaml", ".yml", ".json") if os.path.isfile(base + e)), None)
    return None


class _Report:
    def __init__(self, args):
        self.args = args
        self.files: list[dict] = []
        self.diagnostics: list[dict] = []

    def unreadable(self, path: str, kind: str, problem: str, option: str = "") -> None:
        """A file that cannot be read at all: the one wording every command uses, on stderr."""
        import sys
        d = Diagnostic(ERROR, "io", 0, 0, problem)
        self.files.append(_file(path, _KIND[kind], [d]))
        self.diagnostics.append(J.diagnostic(d, path))
        if not self.args.json:
            print(f"flowdbg: error: {option}{path}: {problem}", file=sys.stderr)

    def add(self, path: str, kind: str, diags, note: str = "") -> None:
        """One file's result; ``diags`` are ``(diagnostic, its file)`` pairs (a test file's may be in the mock
        or input files it names)."""
        pairs = [(d, p) for d, p in diags]
        self.files.append(_file(path, _KIND[kind], [d for d, _ in pairs]))
        self.diagnostics += [J.diagnostic(d, p) for d, p in pairs]
        if self.args.json:
            return
        for d, p in pairs:
            print(d.format(p))
        errors = sum(d.severity == ERROR for d, _ in pairs)
        what = "" if kind == FLOW else f" ({kind}{note})"
        if not pairs:
            print(f"{path}: valid{what}")
        else:
            print(f"{path}{what}: {errors} error(s), {len(pairs) - errors} warning(s)")


def cmd_validate(args) -> int:
    report = _Report(args)
    kinds = {path: kind_of_file(path) for path in args.flows}
    flows = {os.path.realpath(p) for p, k in kinds.items() if k == FLOW}
    named_mocks = args.mocks
    if named_mocks and (problem := file_problem(named_mocks)) is not None:
        report.unreadable(named_mocks, MOCKS, problem, "--mocks ")
        named_mocks = ""  # reported once; no flow falls back to its sibling instead
    # A mock file listed beside its flow is checked with that flow (as its sibling), not twice.
    with_flow = set() if named_mocks is not None else {os.path.realpath(m) for p in flows
                                                       if (m := default_mocks_path(p))}
    for path, kind in kinds.items():
        if (problem := file_problem(path)) is not None:
            report.unreadable(path, kind, problem)
            continue
        if kind == MOCKS:
            if os.path.realpath(path) not in with_flow:
                _mocks(report, path)
            continue
        if kind == TESTS:
            _tests(report, path)
            continue
        d = load_definition(path, express=args.express, strict=args.strict)
        report.add(path, FLOW, [(x, path) for x in d.diagnostics])
        mocks = named_mocks if named_mocks is not None else default_mocks_path(path)
        if mocks:
            report.add(mocks, MOCKS, [(x, mocks) for x in _mock_diagnostics(d.flow, mocks, args.strict)])
    obj = J.validate_object(report.files, report.diagnostics)
    if args.json:
        print(J.dumps(obj))
    elif len(report.files) > 1:
        bad = [f for f in report.files if not f["valid"]]
        warned = sum(f["warnings"] for f in report.files)
        print(f"{len(report.files)} files checked: " + (f"{len(bad)} with errors" if bad else "all valid")
              + (f", {warned} warning(s)" if warned else ""))
    return obj["exit_code"]


def _mocks(report: _Report, path: str) -> None:
    """A mock file given itself: checked against its sibling flow when there is one."""
    args = report.args
    flow_path = _flow_of_mocks(path)
    flow = load_definition(flow_path).flow if flow_path else None
    note = f" of {flow_path}" if flow is not None else ""
    report.add(path, MOCKS, [(x, path) for x in _mock_diagnostics(flow, path, args.strict)], note)


def _tests(report: _Report, path: str) -> None:
    """A test file, loaded as ``flowdbg test`` loads it (its flow, mock and input files too)."""
    from flowdbg.engine.testing.testfile import load_test_file
    tf = load_test_file(path)
    diags = [(d, getattr(d, "path", "") or path) for d in tf.diagnostics]
    d = tf.definition
    if d is not None and d.flow is None:  # one line: the flow's own errors are its to list
        diags.append((Diagnostic(ERROR, "flow-invalid", 0, 0,
                                 f"its flow {tf.flow_path} has {len(d.errors)} error(s): "
                                 f"flowdbg validate {tf.flow_path} lists them"), path))
    n = len(tf.cases)
    report.add(path, TESTS, strictly_pairs(diags, report.args.strict), f", {n} case{'s' if n != 1 else ''}"
               if tf.valid else "")


def strictly_pairs(pairs, strict: bool):
    return list(zip(strictly([d for d, _ in pairs], strict), [p for _, p in pairs]))
