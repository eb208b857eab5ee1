"""``flowdbg test [PATH ...]``: run the cases of ``*.tests.yaml`` files.

One line per case (``✓``/``✗``, and for a failure what was expected and
what came), closing with the plain line ``N passed, M failed``. Exit 0 when
every case passed, 1 when one failed, 2 when a test file or a flow is
invalid. Never imports Textual.
"""
from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the test runner is imported when a suite runs: every command builds this parser
    from flowdbg.engine.testing.suite import CaseResult, FileResult, SuiteResult

EXIT_INVALID = 2


class Printer:
    """Writes results as they come; colour only on a terminal (and never with NO_COLOR)."""

    def __init__(self, out=None, err=None):
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.color = self.out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        enc = getattr(self.out, "encoding", None) or "utf-8"
        try:
            "✓✗…".encode(enc)
            self.ok, self.bad = "✓", "✗"
        except (UnicodeEncodeError, LookupError):
            self.ok, self.bad = "ok", "FAIL"

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def file(self, fr: FileResult) -> None:
        self.line(fr.path)
        if not fr.test_file.valid:
            errors = fr.test_file.errors
            for e in errors:
                print(e, file=self.err)
            self.err.flush()
            self.line(f"  {self._paint(self.bad, '31')} invalid test file: {len(errors)} error"
                      f"{'s' if len(errors) != 1 else ''} (listed on stderr)")

    def case(self, fr: FileResult, res: CaseResult) -> None:
        if res.passed:
            self.line(f"  {self._paint(self.ok, '32')} {res.name}")
            return
        self.line(f"  {self._paint(self.bad, '31')} {res.name}")
        if res.error is not None:
            lines = res.error.splitlines()
            self.line(f"      could not run: {lines[0]}")
            for ln in lines[1:]:
                self.line(f"        {ln}")
            return
        for m in res.mismatches:
            self.line(f"      {m.message}")
            for d in m.diff:
                colour = "31" if d.startswith("-") else "32" if d.startswith("+") else ""
                self.line("        " + (self._paint(d, colour) if colour else d))

    def summary(self, result: SuiteResult, coverage: bool) -> None:
        if coverage:
            for fc in result.coverage:
                self.line()
                for ln in fc.lines():
                    self.line(ln)
        self.line()
        invalid = len(result.invalid)
        if invalid:
            self.line(f"{invalid} test file{'s are' if invalid != 1 else ' is'} invalid")
        self.line(f"{result.passed} passed, {result.failed} failed")


def _check_output(option: str, path: str) -> None:
    if os.path.isdir(path):
        raise SystemExit(_usage(f"{option} {path}: is a directory; give a file path"))
    if path.endswith((".yaml", ".yml")):
        raise SystemExit(_usage(f"{option} {path}: that looks like a flow or test file; give an .xml/.json path"))


def _usage(msg: str) -> int:
    print(f"flowdbg: error: {msg}", file=sys.stderr)
    return EXIT_INVALID


def _write(option: str, path: str, write) -> None:
    try:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        write(path)
    except OSError as e:
        raise SystemExit(_usage(f"{option} {path}: cannot write: {e.strerror or e}")) from None


def run_paths(paths: list[str], args, printer: Printer) -> SuiteResult | None:
    """Run and print the cases under ``paths``; None when a path names nothing."""
    from flowdbg.engine.testing.run import Limits
    from flowdbg.engine.testing.suite import LocalCodeRefused, NoTestFiles, run_suite
    try:
        return run_suite(paths, jobs=args.jobs, limits=Limits(args.max_steps, args.max_events),
                         on_file=printer.file, on_case=printer.case, allow_local=args.allow_local)
    except (NoTestFiles, LocalCodeRefused) as e:
        _usage(str(e))
        return None


def finish(result: SuiteResult, args, printer: Printer) -> None:
    """The closing lines and the report files."""
    if not result.files:
        _usage(f"no test files (*.tests.yaml) under {', '.join(args.paths or ['.'])}")
    printer.summary(result, args.coverage)
    if args.junit:
        from flowdbg.engine.testing.junit import write_junit
        _write("--junit", args.junit, lambda path: write_junit(result, path))
    if args.coverage_json:
        from flowdbg.engine.testing.coverage import coverage_json

        def dump(path):
            from flowdbg.engine.atomic import atomic_write
            with atomic_write(path) as f:
                json.dump(coverage_json(result.coverage), f, ensure_ascii=False, indent=2)
                f.write("\n")
        _write("--coverage-json", args.coverage_json, dump)


def cmd_test(args) -> int:
    for option, path in (("--junit", args.junit), ("--coverage-json", args.coverage_json)):
        if path:
            _check_output(option, path)
    if args.watch:
        from .test_watch import watch
        return watch(args)
    printer = Printer()
    result = run_paths(args.paths or ["."], args, printer)
    if result is None:
        return EXIT_INVALID
    finish(result, args, printer)
    return result.exit_code


def add_test_parser(sub, positive) -> None:
    t = sub.add_parser("test", help="run the cases of *.tests.yaml files (CI)",
                       description="Run every case of the test files under PATH (default: the current folder) "
                                   "with the same interpreter as 'flowdbg run'. Exit 0 when all pass, 1 when "
                                   "one fails, 2 when a test file or flow is invalid.")
    t.add_argument("paths", metavar="PATH", nargs="*", help="test files, flows (their NAME.tests.yaml) or folders")
    t.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    t.add_argument("--coverage", action="store_true",
                   help="print which states, Choice branches, Catch and Retry rules the cases reached")
    t.add_argument("--coverage-json", metavar="FILE", help="write the coverage as JSON")
    t.add_argument("--watch", action="store_true", help="run again when a flow, mock, input or test file changes")
    t.add_argument("--allow-local", action="store_true",
                   help="run the 'local:' handlers (Python code) of the mock files the test files name or write")
    t.add_argument("-j", "--jobs", type=positive, metavar="N",
                   help="worker processes (default: one per core once the cases take long enough)")
    t.add_argument("--max-steps", type=positive, default=1_000_000,
                   help="stop a case after this many steps (default 1,000,000)")
    t.add_argument("--max-events", type=positive, metavar="N",
                   help="CloudFlow's events-per-execution limit, if your account's is not 5,000")
