"""The ``flowdbg`` command.

``flowdbg FLOW`` opens the debugger (Textual, imported only then);
``flowdbg run``, ``flowdbg validate``, ``flowdbg test`` and ``flowdbg callback`` are headless
and never import Textual (start-up time). Exit codes: 0 succeeded / valid,
1 failed, 2 invalid definition, mock file, input or usage (or a backend that
could not answer), 3 still running, 130 / 143 interrupted by SIGINT /
SIGTERM (docs/semantics.md, "The JSON contract").

This module dispatches; the parsers are in :mod:`.cli_args`, the input and
usage errors in :mod:`.cli_input`, the crash log in :mod:`.crash_log`.
"""
from __future__ import annotations

import argparse
import os
import sys

from .cli_args import build_parser, build_tui_parser
from .cli_input import EXIT_USAGE, CliError, _die, check_file, read_input, session_path_problem
from .crash_log import _report_bug

def cmd_validate(args) -> int:
    from .validate_cmd import cmd_validate as run
    return run(args)


#: the first words that make a command other than the debugger
_HEADLESS = ("run", "validate", "callback", "test", "graph", "serve", "convert", "-h", "--help", "--version")


def main(argv: list[str] | None = None) -> int:
    from .dataclass_code import install
    install()  # before the modules that define dataclasses are imported (start-up time)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in _HEADLESS:
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
    parser = build_parser(only=None if argv[0].startswith("-") else argv[0])  # --help lists them all
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
    from .run_setup import parse_local
    if args.input is not None or args.input_file is not None:
        read_input(args)
    parse_local(args.local)


#: Commands whose process ends right after they return: nothing of theirs is
#: left to run at exit (the journal is written through and fsync'd, servers
#: stopped), so the interpreter's teardown, freeing every event and record of
#: the run one by one, is skipped (70 ms of a 10,000-item Map run).
_FAST_EXIT = ("run", "validate")


def entry() -> None:
    """The ``flowdbg`` console script."""
    from . import startup_gc
    if sys.argv[1:2] and sys.argv[1] not in _HEADLESS and "--web" not in sys.argv:
        startup_gc.pause()  # the debugger's start-up; its app resumes the GC after the first frame
    try:
        code = main()
    finally:
        startup_gc.resume()  # (if the app never drew a frame)
    if sys.argv[1:2] and sys.argv[1] in _FAST_EXIT:
        from .dataclass_code import save
        save()  # os._exit skips atexit, where other commands keep the compiled dataclass code
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
                pass
        os._exit(code if isinstance(code, int) else EXIT_USAGE)
    raise SystemExit(code)


__all__ = ["main", "entry", "build_parser", "build_tui_parser", "CliError", "EXIT_USAGE", "session_path_problem"]


if __name__ == "__main__":
    entry()
