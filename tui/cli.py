"""The ``flowdbg`` command.

``flowdbg FLOW`` opens the debugger (Textual, imported only then);
``flowdbg run``, ``flowdbg validate``, ``flowdbg test`` and ``flowdbg callback`` are headless
and never import Textual (start-up time). Exit codes: 0 succeeded / valid,
1 failed, 2 invalid definition, mock file, input or usage (or a backend that
could not answer), 3 still running, 130 / 143 interrupted by SIGINT /
SIGTERM (docs/semantics.md, "The JSON contract").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn

EXIT_USAGE = 2


class CliError(SystemExit):
    """A usage or input error, already printed: exit ``code``. ``run --json``
    and ``validate --json`` also put it in their JSON object (``where``:
    the file or option, with ``line``/``col`` when known)."""

    def __init__(self, message: str, code: int = EXIT_USAGE, where: str | None = None, line: int = 0, col: int = 0,
                 kind: str = "usage"):
        super().__init__(code)
        self.message, self.where, self.line, self.col, self.kind = message, where, line, col, kind


def _die(message: str, code: int = EXIT_USAGE, **where) -> NoReturn:
    from flowdbg.engine.scrub import scrub_text
    message = scrub_text(message)
    print(f"flowdbg: error: {message}", file=sys.stderr)
    raise CliError(message, code, **where)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error raises CliError (after printing this
    subcommand's usage) instead of exiting, so ``--json`` can still answer."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise CliError(f"{self.prog}: {message}")


def check_file(path: str, option: str | None = None, kind: str = "usage", folder_ok: bool = False) -> None:
    """Exit 2 with ``flowdbg: error: [OPTION ]PATH: no such file`` (engine.files' one wording) when
    ``path`` cannot be read; ``kind`` is the JSON contract's reason."""
    from flowdbg.engine.files import file_problem
    problem = file_problem(path, folder_ok)
    if problem is not None:
        _die(f"{option + ' ' if option else ''}{path}: {problem}", where=path, kind=kind)


def sibling_input(flow: str) -> str | None:
    """``FLOW.input.json`` beside ``flow`` (x.yaml -> x.input.json), if present."""
    path = os.path.splitext(flow)[0] + ".input.json"
    return path if os.path.isfile(path) else None


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


def read_input(args) -> dict:
    """The execution input from --input / --input-file: a JSON object."""
    if getattr(args, "input", None) is not None and getattr(args, "input_file", None) is not None:
        _die("give --input or --input-file, not both")
    text, where = "{}", "--input"
    if args.input is not None:
        text = args.input
    elif args.input_file == "-":  # a pipe: `producer | flowdbg run FLOW --input-file -`
        where = "<stdin>"
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            _die("<stdin>: the input is not UTF-8 text", where=where, kind="input")
    elif args.input_file is not None:
        where = args.input_file
        check_file(args.input_file, "--input-file", "input")
        try:
            with open(args.input_file, encoding="utf-8-sig") as f:
                text = f.read()
        except OSError as e:
            _die(f"--input-file {args.input_file}: cannot read it: {e.strerror or e}", where=where, kind="input")
        except UnicodeDecodeError:
            _die(f"{args.input_file}: the input file is not UTF-8 text", where=where, kind="input")
    value = parse_json_object(text, where, "execution input")
    return value


def parse_json_object(text: str, where: str, what: str) -> dict:
    """Strict JSON that must be an object (no NaN/Infinity, numbers within the
    double range, no lone surrogates, nesting at most 100: values.parse_json);
    exits 2 with ``where:line:col: message`` or ``where: what: $.path: message``."""
    from flowdbg.engine.expressions.values import BadJSON, parse_json
    try:
        value = parse_json(text)
    except BadJSON as e:
        from flowdbg.engine.file_kinds import not_json_but
        other = not_json_but(text, where, f"an {what} (a JSON object)") if where not in ("--input", "<stdin>") else None
        if other:
            _die(other, where=where, kind="input")
        if e.line:
            _die(f"{where}:{e.line}:{e.col}: {what} is {e.message}", where=where, line=e.line, col=e.col, kind="input")
        _die(f"{where}: {what} is {e.message}", where=where, kind="input")
    if not isinstance(value, dict):
        from flowdbg.engine.expressions.values import type_name
        _die(f"{where}: {what} must be a JSON object, got {type_name(value)}", where=where, kind="input")
    return value


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


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return n


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


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="flowdbg", description="Debug and simulate CloudFlow (FDL v1) flows locally.",
        epilog="Interactive debugger: flowdbg FLOW [--input JSON | --input-file PATH] [--mocks PATH] [--break STATE] "
               "[--resume [SESSION]] (see 'flowdbg FLOW --help').")
    p.add_argument("--version", action=_Version, nargs=0, help="print flowdbg's version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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
    v = sub.add_parser("validate", help="print the diagnostics of one or more flows")
    v.add_argument("flows", metavar="FLOW", nargs="+")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.add_argument("--express", action="store_true", help="check Express workflow limits")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 2)")
    v.add_argument("--mocks", metavar="PATH",
                   help="check this mock file against the flows (default: each FLOW's sibling *.mocks.yaml)")
    from .test_cmd import add_test_parser
    add_test_parser(sub, _positive)
    try:
        from .callback_cli import add_callback_parser
        add_callback_parser(sub)
    except ImportError:
        pass
    from .serve_cli import add_serve_parser
    add_serve_parser(sub)
    _add_graph_command(sub)
    _add_convert(sub)
    p.subcommands = dict(sub.choices)
    return p


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


def cmd_validate(args) -> int:
    from .validate_cmd import cmd_validate as run
    return run(args)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in ("run", "validate", "callback", "test", "graph", "serve", "convert", "-h", "--help",
                                "--version"):
            args = _parse_headless(argv)
            if args.command == "validate":
                return cmd_validate(args)
            if args.command == "run":
                from .run_cmd import cmd_run
                return cmd_run(args)
            if args.command == "test":
                from .test_cmd import cmd_test
                return cmd_test(args)
            if args.command == "callback":
                from .callback_cli import run_callback
                return run_callback(args)
            if args.command == "graph":
                from .graph_cmd import cmd_graph
                return cmd_graph(args)
            if args.command == "serve":
                from .serve_cli import cmd_serve
                return cmd_serve(args)
            if args.command == "convert":
                from .convert_cmd import cmd_convert
                return cmd_convert(args)
            build_parser().print_help()
            return 0
        if not argv:
            build_parser().print_help()
            return EXIT_USAGE
        _not_a_command(argv)
        parser = build_tui_parser()
        args = parser.parse_args(argv)
        if args.port is not None and not args.web:
            _die("--port goes with --web")
        check_file(args.flow)
        for option in ("mocks", "replay", "input_file", "resume"):  # before the terminal check: a slip first
            path = getattr(args, option, None)
            if path and path not in ("-", "latest"):
                check_file(path, "--" + option.replace("_", "-"), "mocks" if option == "mocks" else "usage")
        _check_tui_start(args.flow, terminal=not args.web)
        if args.web:
            _check_web_start(args)
            from .web import serve
            return serve(parser, args)
        if args.replay or args.cloud:
            from .record_launch import launch_recorded
            return launch_recorded(args)
        if (why := session_path_problem(args)) is not None:
            _die(why)
        from .launch import launch
        return launch(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `flowdbg run ... | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    except Exception as e:  # a flowdbg bug: short message + log file, never a traceback
        return _report_bug(e)


def _parse_headless(argv: list[str]) -> argparse.Namespace:
    """Parse a subcommand's arguments with that subcommand's own parser, so a
    bad flag prints its usage (not the top level's); with ``--json``, stdout
    still gets the one JSON object (reason ``usage``)."""
    parser = build_parser()
    sub = parser.subcommands.get(argv[0])
    if sub is None:
        return parser.parse_args(argv)
    try:
        args = sub.parse_args(argv[1:])
    except CliError as e:
        if argv[0] in ("run", "validate") and "--json" in argv[1:]:
            from .json_contract import dumps, usage_object
            print(dumps(usage_object(argv[0], e.message)))
        raise
    args.command = argv[0]
    return args


def session_path_problem(args) -> str | None:
    """Why ``--session P`` must not be used: P exists and may be the only record
    of an earlier run; replacing it needs ``--overwrite-session``."""
    path = getattr(args, "session", None)
    if not path or getattr(args, "overwrite_session", False) or not os.path.isfile(path):
        return None
    resume = getattr(args, "resume", None)
    try:
        if resume and resume != "latest" and os.path.exists(resume) and os.path.samefile(path, resume):
            return None  # continuing a session in its own journal
    except OSError:
        pass
    return (f"--session {path}: a file is already there (a saved session?); resume it with --resume {path}, "
            "give another path, or pass --overwrite-session to replace it")


def _not_a_command(argv: list[str]) -> None:
    """``flowdbg rn claim.yaml``: a first word that is neither a command nor a
    file is a mistyped command when it is close to one (or is a bare word
    followed by more words); say so, not "unrecognized arguments: claim.yaml"."""
    import difflib
    word = argv[0]
    if word.startswith("-") or os.path.exists(word):
        return
    commands = sorted(build_parser().subcommands)
    guess = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    looks_like_a_file = word.endswith((".yaml", ".yml", ".json")) or os.sep in word
    if guess and not looks_like_a_file:
        _die(f"{word!r} is not a flowdbg command or a file (did you mean 'flowdbg {guess[0]}'?)")
    if not looks_like_a_file and len(argv) > 1 and not argv[1].startswith("-"):
        _die(f"{word!r} is not a flowdbg command or a file; the commands are {', '.join(commands)}, "
             "and 'flowdbg FLOW' opens the debugger")


def _check_tui_start(flow: str, terminal: bool = True) -> None:
    """Fail fast, before Textual starts, on what the debugger cannot open."""
    check_file(flow)
    # Under --web each browser tab runs the debugger with Textual's web driver, on pipes.
    if terminal and not os.environ.get("TEXTUAL_DRIVER") and not (sys.stdin.isatty() and sys.stdout.isatty()):
        _die("the debugger needs a terminal; for scripts and CI use 'flowdbg run FLOW'")


def _check_web_start(args) -> None:
    """What would only fail inside a browser tab fails here, before serving."""
    from .run_cmd import parse_local
    if args.input is not None or args.input_file is not None:
        read_input(args)
    parse_local(args.local)


def crash_dir() -> str:
    """The per-user directory for crash logs (platformdirs' state directory,
    e.g. ~/.local/state/flowdbg/crashes), created 0700 and checked to be a
    real directory of this user, not a symlink someone else planted."""
    import platformdirs
    import stat
    path = os.path.join(platformdirs.user_state_dir("flowdbg"), "crashes")
    os.makedirs(path, mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise OSError(f"{path} is not a directory of this user")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


MAX_CRASH_LOGS = 20


def write_crash_log(text: str) -> str:
    """Write ``text`` to a new file in :func:`crash_dir` (O_EXCL|O_NOFOLLOW,
    0600: never through a symlink, never over another file, never readable by
    other users); keeps the newest MAX_CRASH_LOGS. Returns the path."""
    import time
    d = crash_dir()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for n in range(100):
        path = os.path.join(d, f"crash-{stamp}-{os.getpid()}{f'-{n}' if n else ''}.log")
        try:
            fd = os.open(path, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise OSError("no free crash log name")
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
        f.write(text)
    logs = sorted(x for x in os.listdir(d) if x.startswith("crash-") and x.endswith(".log"))
    for old in logs[:-MAX_CRASH_LOGS]:
        try:
            os.unlink(os.path.join(d, old))
        except OSError:
            pass
    return path


def _report_bug(e: Exception) -> int:
    import traceback
    from flowdbg.engine.scrub import scrub_text
    try:
        path = write_crash_log(scrub_text(traceback.format_exc()))
    except Exception:  # noqa: BLE001 - reporting a bug must not raise another
        path = "(could not write a log)"
    print(f"flowdbg: internal error: {type(e).__name__}: {scrub_text(str(e))} (details in {path})", file=sys.stderr)
    return 70


#: Commands whose process ends right after they return: nothing of theirs is
#: left to run at exit (the journal is written through and fsync'd, servers
#: stopped), so the interpreter's teardown, freeing every event and record of
#: the run one by one, is skipped (70 ms of a 10,000-item Map run).
_FAST_EXIT = ("run", "validate")


def entry() -> None:
    """The ``flowdbg`` console script."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in _FAST_EXIT:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
                pass
        os._exit(code if isinstance(code, int) else EXIT_USAGE)
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
