"""``flowdbg run``: drive the shared interpreter headless to the end."""
from __future__ import annotations

import json
import os
import sys

from flowdbg.engine.backends.base import BackendError
from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import MockFileError, load_mocks, MockFile
from flowdbg.engine.runner import (EXIT_INVALID, BackendConfig, default_mocks_path, exit_code, make_backends,
                                   summarize)

from .cli import read_input


def parse_local(specs: list[str]) -> dict[str, str]:
    out = {}
    for s in specs:
        fn, sep, target = s.partition("=")
        if not sep or ":" not in target:
            raise SystemExit(_usage(f"--local {s!r}: expected FUNCTION=path/to/file.py:handler"))
        out[fn] = target
    return out


def _usage(msg: str) -> int:
    print(f"flowdbg: error: {msg}", file=sys.stderr)
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
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    return mocks, cfg


def print_definition_errors(defn) -> None:
    for d in defn.diagnostics:
        print(d.format(defn.path), file=sys.stderr)


def cmd_run(args) -> int:
    defn = load_definition(args.flow)
    if defn.flow is None:
        print_definition_errors(defn)
        return EXIT_INVALID
    inp = read_input(args)
    mocks, cfg = load_backend_setup(args)
    from flowdbg.engine.session import Session, SessionError
    server, holder = None, {}
    if args.callback_port is not None:
        from flowdbg.engine.backends.callback_server import CallbackServer
        server = CallbackServer(lambda report: holder["s"].callback_sink(report), port=args.callback_port)
        try:
            server.start()
        except OSError as e:
            return _usage(f"--callback-port {args.callback_port}: {e.strerror or e}")
        cfg.callback_url, cfg.callback_secret = server.url, server.secret
        print(f"flowdbg: callbacks on {server.url}  (export FLOWDBG_CALLBACK_URL={server.url} "
              f"FLOWDBG_CALLBACK_SECRET={server.secret})", file=sys.stderr)
    try:
        if args.resume:
            session = Session.resume(args.resume, defn, mocks=mocks, backends=make_backends(mocks, cfg),
                                     journal_path=args.session or args.resume, callback_url=cfg.callback_url)
            for w in session.resume_warnings:
                print(f"flowdbg: warning: {w}", file=sys.stderr)
        else:
            session = Session(defn, inp, mocks=mocks, backends=make_backends(mocks, cfg), seed=args.seed,
                              journal_path=args.session, callback_url=cfg.callback_url)
        holder["s"] = session
        stop = session.run_to_end(max_steps=args.max_steps)
        while server is not None and stop.reason == "waiting":
            print(f"flowdbg: waiting for a callback on {server.url}; Ctrl-C to stop", file=sys.stderr)
            for p in session.execution.pending_tasks():
                print(f"flowdbg:   task {p.state!r} ({p.scope or 'top level'}) token {p.token}", file=sys.stderr)
            sys.stderr.flush()
            try:
                session.wait_for_callback()
            except KeyboardInterrupt:
                break
            stop = session.run_to_end(max_steps=args.max_steps)
    except SessionError as e:
        return _usage(str(e))
    except BackendError as e:
        return _usage(str(e))
    finally:
        if server is not None:
            server.stop()
    if stop.reason == "error":
        return _usage(stop.message)
    if stop.reason == "limit":
        print(f"flowdbg: warning: {stop.message} (--max-steps); the execution is still running", file=sys.stderr)
    ex = session.execution
    summary = summarize(ex)
    if args.history:
        from flowdbg.engine.history import write_history
        write_history(args.history, ex, session.start_time)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, session)
    return exit_code(ex)


def _print_summary(s: dict, session) -> None:
    print(f"status: {s['status']}  (virtual time {s['time']:g} s, {len(s['events'])} events)")
    print("states: " + " -> ".join(s["states"]))
    if s["status"] == "Succeeded":
        print("output: " + json.dumps(s["output"], ensure_ascii=False))
    if s["error"]:
        print(f"error: {s['error']['code']}" + (f": {s['error']['detail']}" if s["error"]["detail"] else ""))
    for p in s["pending"]:
        print(f"waiting: task {p['state']!r} ({p['scope'] or 'top level'}) since {p['since']:g} s, token {p['token']}")
        print(f"  answer it with: flowdbg callback succeed '{p['token']}' --output '{{}}'")
        print(f"            or: flowdbg callback fail '{p['token']}' --error CODE --cause TEXT")
        print(f"            or: add to the mock file:  callbacks: {{{p['state']}: [{{succeed: {{}}}}]}}")
        if session.journal_path:
            print(f"  then resume: flowdbg run {session.definition.path} --resume {session.journal_path}")
