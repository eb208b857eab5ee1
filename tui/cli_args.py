"""The ``flowdbg`` command line: the headless commands' parser (each subcommand's own
usage on a slip), the debugger's parser, and the argument types they share."""
from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .cli_input import CliError


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error raises CliError (after printing this
    subcommand's usage) instead of exiting, so ``--json`` can still answer."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise CliError(f"{self.prog}: {message}")


class _Version(argparse.Action):
    """``--version``, looked up only when asked: the package metadata costs ~0.1 s to read."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"flowdbg {version()}")
        parser.exit()


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as v
    try:
        return v("flowdbg")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _add_backend_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mocks", metavar="PATH", help="mock file (default: FLOW's sibling *.mocks.yaml)")
    p.add_argument("--local", metavar="FN=FILE.py:HANDLER", action="append", default=[],
                   help="run function FN from local code (repeatable)")
    p.add_argument("--allow-local", action="store_true",
                   help="run the 'local:' handlers of the sibling FLOW.mocks.yaml (found, not named with --mocks)")
    p.add_argument("--backend", choices=["mock", "live"], default="mock",
                   help="default backend for functions with no local handler")
    p.add_argument("--live", metavar="FN", action="append", default=[], help="call FN on real Function Compute")
    p.add_argument("--fc-endpoint", metavar="URL", help="FC endpoint (http only for loopback)")
    p.add_argument("--callback-port", metavar="N", type=_port,
                   help="serve ReportTask* callbacks on 127.0.0.1:N (0 = any free port)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for uuid(), randomInt(), execution name and task tokens (default 0)")


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{n} is not a port number (0-65535)")
    return n


def _whole(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    bound = "must be at least 1" if minimum == 1 else f"must be {minimum} or more"

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(bound)
        return n
    return parse


_positive, _count = _whole(1), _whole(0)


def _seconds(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not n > 0 or n == float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return n


def _start_time(text: str) -> str:
    """An ISO 8601 time, given back as ``...Z`` in UTC (a time without a zone is UTC)."""
    import datetime
    try:
        t = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time such as 2024-01-01T00:00:00Z") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    t = t.astimezone(datetime.timezone.utc)
    return t.isoformat(timespec="milliseconds" if t.microsecond else "seconds").replace("+00:00", "Z")


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", metavar="JSON", help="execution input (a JSON object)")
    p.add_argument("--input-file", metavar="PATH",
                   help="file holding the execution input, - for stdin (default: FLOW's sibling FLOW.input.json)")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The headless commands' parser; with ``only``, that command's subparser alone (each
    one brings imports and ~100 arguments: a `flowdbg run` need not build `serve`'s)."""
    p = _Parser(
        prog="flowdbg", description="Debug and simulate CloudFlow (FDL v1) flows locally.",
        epilog="Interactive debugger: flowdbg FLOW [--input JSON | --input-file PATH] [--mocks PATH] [--break STATE] "
               "[--resume [SESSION]] (see 'flowdbg FLOW --help').")
    p.add_argument("--version", action=_Version, nargs=0, help="print flowdbg's version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    if only in (None, "run"):
        _add_run(sub)
    if only in (None, "validate"):
        _add_validate(sub)
    if only in (None, "test"):
        from .test_cmd import add_test_parser
        add_test_parser(sub, _positive)
    if only in (None, "callback"):
        try:
            from .callback_cli import add_callback_parser
            add_callback_parser(sub)
        except ImportError:
            pass
    if only in (None, "serve"):
        from .serve_cli import add_serve_parser
        add_serve_parser(sub)
    if only in (None, "graph"):
        _add_graph_command(sub)
    if only in (None, "convert"):
        _add_convert(sub)
    p.subcommands = dict(sub.choices)
    return p


def _add_run(sub) -> None:
    r = sub.add_parser("run", help="run a flow to its end, headless")
    r.add_argument("flow", metavar="FLOW")
    _add_input_args(r)
    _add_backend_args(r)
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--history", metavar="PATH", help="write the events as GetExecutionHistory JSON")
    r.add_argument("--resume", metavar="SESSION", help="continue a saved session")
    r.add_argument("--session", metavar="PATH", help="save the session journal here")
    r.add_argument("--overwrite-session", action="store_true",
                   help="let --session replace an existing journal (refused otherwise)")
    r.add_argument("--max-steps", type=_positive, default=1_000_000,
                   help="stop after this many steps, a guard against endless loops (default 1,000,000)")
    r.add_argument("--max-events", type=_count, default=None, metavar="N",
                   help="CloudFlow's limit of events per execution (default 5,000 as the service has; 0 = none)")
    r.add_argument("--strict", action="store_true", help="treat warnings (flow and mock file) as errors")
    r.add_argument("--express", action="store_true",
                   help="run as an Express workflow (its limits; TaskMode RequestComplete only)")
    r.add_argument("--start-time", metavar="ISO8601", type=_start_time,
                   help="the execution's start time, the origin of --history times (default: now)")
    r.add_argument("--callback-timeout", metavar="SECONDS", type=_seconds,
                   help="with --callback-port: how long to wait, in real time, for a callback before letting "
                        "virtual time pass (default: until the waiting task's Timeout; without one, forever)")
    r.add_argument("--save-test", metavar="NAME.tests.yaml",
                   help="append this run as a case (input, mocks, status and output) to a test file")
    r.add_argument("--case", metavar="NAME", help="the name of the case --save-test writes")


def _add_validate(sub) -> None:
    v = sub.add_parser("validate", help="print the diagnostics of one or more flows")
    v.add_argument("flows", metavar="FLOW", nargs="+")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.add_argument("--express", action="store_true", help="check Express workflow limits")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 2)")
    v.add_argument("--mocks", metavar="PATH",
                   help="check this mock file against the flows (default: each FLOW's sibling *.mocks.yaml)")


def _add_graph_command(sub) -> None:
    from .graph_cmd import add_graph_parser
    add_graph_parser(sub)


def _add_convert(sub) -> None:
    from .convert_cmd import add_convert_parser
    add_convert_parser(sub)


def build_tui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="flowdbg", usage="flowdbg FLOW [options] | flowdbg {run,validate,test,callback,graph,serve,convert} ...",
                                description="Open the interactive debugger on FLOW. Headless: flowdbg run|validate|test|callback|graph|serve|convert.")
    p.add_argument("flow", metavar="FLOW")
    _add_input_args(p)
    _add_backend_args(p)
    p.add_argument("--break", dest="breaks", metavar="STATE", action="append", default=[], help="breakpoint on STATE")
    p.add_argument("--resume", metavar="SESSION", nargs="?", const="latest", help="restore a saved session")
    p.add_argument("--session", metavar="PATH", help="save the session journal here")
    _add_web_args(p)
    p.add_argument("--overwrite-session", action="store_true",
                   help="let --session replace an existing journal (refused otherwise)")
    from .record_launch import add_record_args
    add_record_args(p)
    return p


def _add_web_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--web", action="store_true",
                   help="serve this debugger to a browser on 127.0.0.1 (textual-serve) instead of the terminal")
    p.add_argument("--port", metavar="N", type=_port, help="with --web: the port (default 8000; 0 = any free port)")
