"""What ``flowdbg run`` (and the debugger, ``flowdbg serve``, ``--save-test``) checks before
anything runs: the mock file and backends, the ``--local`` handlers, and the paths a run
may write. A problem ends the command with exit 2 (:class:`_Invalid`)."""
from __future__ import annotations

import json
import os
import sys

from flowdbg.engine.mocks import MockFile, MockFileError, load_mocks
from flowdbg.engine.runner import EXIT_INVALID, BackendConfig, default_mocks_path, local_needs_consent
from flowdbg.engine.scrub import scrub_text

from . import json_contract as J
from .cli_input import _die


class _Invalid(Exception):
    """The command ends early, exit 2: ``Invalid`` (bad input or usage; nothing ran) or, with
    ``status="Error"``, a run that could not go on. With --json, the one JSON object says so."""

    def __init__(self, message: str, diagnostics: list[dict] | None = None, reason: str = "usage",
                 status: str = "Invalid", printed: bool = False):
        super().__init__(message)
        self.printed = printed  # its diagnostics are on stderr already
        self.diagnostics = [J.message_diagnostic(message, code=reason)] if diagnostics is None else diagnostics
        self.reason, self.status = reason, status


def parse_local(specs: list[str]) -> dict[str, str]:
    """``--local FN=file.py:handler`` options; each file and handler is checked
    now (parsed, not run), not when the task first calls it."""
    out: dict[str, str] = {}
    if not specs:
        return out  # the local backend (subprocess, pathlib, uuid) is imported only for a run that uses it
    from flowdbg.engine.backends.local import handler_problem
    for s in specs:
        fn, sep, target = s.partition("=")
        if not sep or ":" not in target:
            _die(f"--local {s!r}: expected FUNCTION=path/to/file.py:handler")
        problem = handler_problem(target, os.getcwd())
        if problem is not None:
            _die(f"--local {s}: {problem}")
        out[fn] = target
    return out


def print_error(msg: str) -> int:
    print(f"flowdbg: error: {scrub_text(msg)}", file=sys.stderr)
    return EXIT_INVALID


def load_backend_setup(args, flow=None):
    """(MockFile, BackendConfig) from the command line; raises _Invalid on a bad mock file
    (listing, with its errors, what engine.mock_check finds in the rest of it against ``flow``)."""
    mocks_path = args.mocks or default_mocks_path(args.flow)
    mocks = MockFile()
    if mocks_path:
        try:
            mocks = load_mocks(mocks_path)
        except MockFileError as e:
            found = list(e.diagnostics)
            if flow is not None and e.partial is not None:
                from flowdbg.engine.diagnostics import ordered
                from flowdbg.engine.mock_check import check_mocks
                found = ordered(found + e.partial.warnings + check_mocks(flow, e.partial))
            for d in found:
                print(d.format(mocks_path), file=sys.stderr)
            errors = sum(d.severity == "error" for d in found)
            raise _Invalid(f"{mocks_path}: the mock file has {errors} error(s)",
                           [J.diagnostic(d, mocks_path) for d in found], "mocks", printed=True) from None
    if not getattr(args, "json", False):
        for d in mocks.warnings:  # the loader's (yaml11-value, yaml-tag); in --json they are diagnostics
            print(d.format(mocks_path), file=sys.stderr)
    why = local_needs_consent(mocks, named=bool(args.mocks), flow=args.flow)
    if why and not getattr(args, "allow_local", False):
        raise _Invalid(why, reason="mocks")
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    return mocks, cfg


#: warnings of one kind printed before the rest are counted (one broken Next can leave
#: hundreds of states "never reached"); errors are all printed, and --json and
#: `flowdbg validate` list everything
SAME_WARNINGS_SHOWN = 10


def print_diagnostics(diagnostics, path: str) -> None:
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for d in diagnostics:
        if d.severity != "error":
            if shown.get(d.code, 0) >= SAME_WARNINGS_SHOWN:
                hidden[d.code] = hidden.get(d.code, 0) + 1
                continue
            shown[d.code] = shown.get(d.code, 0) + 1
        print(d.format(path), file=sys.stderr)
    for code, n in hidden.items():
        print(f"{path}: … and {n} more {code} warning{'s' if n != 1 else ''} (flowdbg validate {path} lists them all)",
              file=sys.stderr)


def print_definition_errors(defn) -> None:
    print_diagnostics(defn.diagnostics, defn.path)


def _same_file(a: str, b: str | None) -> bool:
    try:
        return b is not None and os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(option: str, path: str, args, journal: bool) -> None:
    """Refuse to write over the flow, the mocks or the input, a directory,
    or (for a journal) a file that is not a flowdbg journal."""
    for what, other in (("the flow", args.flow), ("the mock file", args.mocks), ("the input file", args.input_file)):
        if _same_file(path, other):
            raise _Invalid(f"{option} {path}: that is {what}; give another path")
    if os.path.isdir(path):
        raise _Invalid(f"{option} {path}: is a directory; give a file path")
    if journal and os.path.exists(path) and path != getattr(args, "resume", None):
        try:
            with open(path, encoding="utf-8") as f:
                first = f.readline()
            ok = json.loads(first).get("k") == "start" if first.strip() else True
        except (OSError, ValueError, AttributeError):
            ok = False
        if not ok:
            raise _Invalid(f"{option} {path}: exists and is not a flowdbg session journal; not overwriting it")
