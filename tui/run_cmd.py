"""``flowdbg run``: drive the shared interpreter headless to the end."""
from __future__ import annotations

import json
import os
import sys

from flowdbg.engine.backends.base import BackendError
from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import MockFile, MockFileError, load_mocks
from flowdbg.engine.runner import (EXIT_INVALID, BackendConfig, default_mocks_path, exit_code, local_needs_consent,
                                   make_backends, summarize, write_json)
from flowdbg.engine.scrub import scrub_text

from .cli import read_input, session_path_problem
from .save_test_cmd import check_save_test, save_test


class _Invalid(Exception):
    """Bad input or usage: exit 2 with this message (and, with --json, a JSON object)."""

    def __init__(self, message: str, diagnostics: list[str] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


def parse_local(specs: list[str]) -> dict[str, str]:
    out = {}
    for s in specs:
        fn, sep, target = s.partition("=")
        if not sep or ":" not in target:
            raise SystemExit(_usage(f"--local {s!r}: expected FUNCTION=path/to/file.py:handler"))
        out[fn] = target
    return out


def _usage(msg: str) -> int:
    print(f"flowdbg: error: {scrub_text(msg)}", file=sys.stderr)
    return EXIT_INVALID


def load_backend_setup(args):
    """(MockFile, BackendConfig) from the command line; exits 2 on bad input."""
    mocks_path = args.mocks or default_mocks_path(args.flow)
    mocks = MockFile()
    if mocks_path:
        try:
            mocks = load_mocks(mocks_path)
        except MockFileError as e:
            for d in e.diagnostics:
                print(d.format(mocks_path), file=sys.stderr)
            raise SystemExit(EXIT_INVALID)
    if not getattr(args, "json", False):
        for d in mocks.warnings:
            print(d.format(mocks_path), file=sys.stderr)
    why = local_needs_consent(mocks, named=bool(args.mocks))
    if why and not getattr(args, "allow_local", False):
        raise _Invalid(f"{why}; pass --allow-local to run them (or name the file with --mocks)")
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    return mocks, cfg


def print_definition_errors(defn) -> None:
    for d in defn.diagnostics:
        print(d.format(defn.path), file=sys.stderr)


def _same_file(a: str, b: str | None) -> bool:
    try:
        return b is not None and os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False


def _check_output_path(option: str, path: str, args, journal: bool) -> None:
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


def cmd_run(args) -> int:
    try:
        return _run(args)
    except _Invalid as e:
        if getattr(args, "json", False):
            print(json.dumps({"status": "Invalid", "output": None, "error": {"code": "Invalid", "detail": scrub_text(str(e))},
                              "diagnostics": e.diagnostics, "states": [], "events": []}, indent=2))
        return _usage(str(e))


def _run(args) -> int:
    defn = load_definition(args.flow)
    if defn.flow is None:
        if args.json:
            print_definition_errors(defn)
            raise _Invalid(f"{args.flow}: the definition has {len(defn.errors)} error(s)",
                           [d.format(args.flow) for d in defn.diagnostics])
        print_definition_errors(defn)
        return EXIT_INVALID
    if not args.json:
        for d in defn.warnings:
            print(d.format(defn.path), file=sys.stderr)
    if args.resume and (args.input is not None or args.input_file is not None):
        print("flowdbg: warning: --resume restores the session's own input; --input/--input-file are ignored",
              file=sys.stderr)
    inp = read_input(args) if not args.resume else {}
    if args.save_test or args.case:
        check_save_test(args)
    for option, path, journal in (("--session", args.session, True), ("--history", args.history, False)):
        if path:
            _check_output_path(option, path, args, journal)
    if args.session and (why := session_path_problem(args)) is not None:
        raise _Invalid(why)
    mocks, cfg = load_backend_setup(args)
    from flowdbg.engine.session import Session, SessionError
    server, holder = None, {}
    if args.callback_port is not None:
        from flowdbg.engine.backends.callback_server import CallbackServer
        server = CallbackServer(lambda report: holder["s"].callback_sink(report), port=args.callback_port)
        try:
            server.start()
        except OSError as e:
            raise _Invalid(f"--callback-port {args.callback_port}: {e.strerror or e}") from None
        cfg.callback_url, cfg.callback_secret = server.url, server.secret
        print(f"flowdbg: callbacks on {server.url}  (export FLOWDBG_CALLBACK_URL={server.url} "
              f"FLOWDBG_CALLBACK_SECRET={server.secret})", file=sys.stderr)
    try:
        if args.resume:
            session = Session.resume(args.resume, defn, mocks=mocks, backends=make_backends(mocks, cfg),
                                     journal_path=args.session or args.resume, callback_url=cfg.callback_url,
                                     max_events=args.max_events, checkpoints=False)
            for w in session.resume_warnings:
                print(f"flowdbg: warning: {w}", file=sys.stderr)
        else:
            session = Session(defn, inp, mocks=mocks, backends=make_backends(mocks, cfg), seed=args.seed,
                              journal_path=args.session, callback_url=cfg.callback_url, max_events=args.max_events,
                              checkpoints=False,  # headless: nobody steps back
                              overwrite=args.overwrite_session)
        holder["s"] = session
        # With a callback endpoint someone can still answer, so the clock must
        # not jump past a waiting task's Timeout; without one, nobody can.
        stop = session.run_to_end(max_steps=args.max_steps, jump_clock=server is None)
        while server is not None and stop.reason == "waiting":
            print(f"flowdbg: waiting for a callback on {server.url}; Ctrl-C to stop "
                  f"({session.execution.pending_tasks() and 'virtual time stands still meanwhile'})",
                  file=sys.stderr)
            for p in session.execution.pending_tasks():
                print(f"flowdbg:   task {p.state!r} ({p.scope or 'top level'}) token {p.token}", file=sys.stderr)
            sys.stderr.flush()
            try:
                session.wait_for_callback()
            except KeyboardInterrupt:
                break
            stop = session.run_to_end(max_steps=args.max_steps, jump_clock=False)
    except SessionError as e:
        raise _Invalid(str(e)) from None
    except BackendError as e:
        raise _Invalid(str(e)) from None
    except OSError as e:  # the journal could not be written
        raise _Invalid(f"{e.filename or args.session}: cannot write the session journal: {e.strerror or e}") from None
    finally:
        if server is not None:
            server.stop()
    if stop.reason == "error":
        raise _Invalid(stop.message)
    if stop.reason == "limit":
        print(f"flowdbg: warning: {stop.message} (--max-steps); the execution is still running", file=sys.stderr)
    ex = session.execution
    summary = summarize(ex, events=False)
    summary["diagnostics"] = ([d.format(defn.path) for d in defn.warnings]
                              + [d.format(mocks.path) for d in mocks.warnings])
    if args.history:
        from flowdbg.engine.history import write_history
        try:
            write_history(args.history, ex, session.start_time)
        except OSError as e:
            raise _Invalid(f"--history {args.history}: cannot write: {e.strerror or e}") from None
    if args.save_test:  # before the summary: with --json, a failure to save is the one JSON object printed
        save_test(args, session)
    if args.json:
        write_json(summary, ex, sys.stdout)
    else:
        _print_summary(summary, session, args)
    return exit_code(ex)


def _print_summary(s: dict, session, args) -> None:
    print(f"status: {s['status']}  (virtual time {s['time']:g} s, {s['event_count']} events)")
    states = s["states"]
    if len(states) > 12:  # a long run: its start and end (--json lists them all)
        states = states[:6] + [f"... {len(states) - 11:,} more ..."] + states[-5:]
    print("states: " + " -> ".join(states))
    if s["status"] == "Succeeded":
        print("output: " + json.dumps(s["output"], ensure_ascii=False))
    if s["error"]:
        print(f"error: {s['error']['code']}" + (f": {s['error']['detail']}" if s["error"]["detail"] else ""))
    pending = s["pending"]
    for p in pending:
        print(f"waiting: task {p['state']!r} ({p['scope'] or 'top level'}) since {p['since']:g} s, token {p['token']}")
    if not pending:
        return
    flow = session.definition.path
    journal = session.journal_path
    from flowdbg.engine.mocks import yaml_key
    name = yaml_key(pending[0]["state"])
    print("to answer it, either:")
    print(f"  - script it in the mock file:  callbacks: {{{name}: [{{succeed: {{}}}}]}}")
    if journal:
        print(f"    then: flowdbg run {flow} --resume {journal}")
        print(f"  - or answer by hand: flowdbg run {flow} --resume {journal} --callback-port 0")
        print("    then, with the URL and secret it prints:")
        print(f"    flowdbg callback succeed '{pending[0]['token']}' --output '{{}}' --url URL --secret SECRET")
    else:
        print("    then run again; or run with --session PATH to be able to --resume this point,")
        print(f"  - or answer by hand: flowdbg run {flow} --callback-port 0, then with the URL and secret it prints:")
        print("    flowdbg callback succeed TOKEN --output '{}' --url URL --secret SECRET")
