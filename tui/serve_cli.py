"""``flowdbg serve``: a local CloudFlow endpoint for application code.

Headless by default (no Textual import); ``--debug`` opens the debugger in
the same process. Exit codes: 0 after Ctrl-C / SIGTERM, 2 for bad flows,
mock files or usage (``file:line:col: message``).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading


def add_serve_parser(sub) -> argparse.ArgumentParser:
    from .cli_args import _add_backend_args, _port, _positive
    p = sub.add_parser("serve", help="serve the CloudFlow API locally (for application code and its SDK)",
                       description="Listen on 127.0.0.1 and speak CloudFlow's OpenAPI (FnF 2019-03-15, RPC style) "
                                   "for application code: point Alibaba's SDK at the printed endpoint. "
                                   "See docs/serve.md.")
    p.add_argument("flows", metavar="FLOW", nargs="*", help="flows to create at start (by their Name)")
    p.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (default 0: any free port)")
    _add_backend_args(p)
    p.set_defaults(seed=None, callback_port=None)
    p.add_argument("--access-key-id", metavar="ID", help="verify request signatures with this key (with --secret)")
    p.add_argument("--secret", metavar="SECRET", help="the AccessKey secret that signatures are checked with")
    p.add_argument("--debug", action="store_true", help="open the debugger on incoming executions")
    p.add_argument("--break", dest="breaks", metavar="STATE", action="append", default=[],
                   help="with --debug: every execution stops at STATE (repeatable)")
    p.add_argument("--max-steps", type=_positive, default=1_000_000,
                   help="stop an execution after this many steps (default 1,000,000)")
    p.add_argument("--verbose", "-v", action="store_true", help="log every request on stderr")
    return p


def _say(text: str) -> None:
    print(f"flowdbg serve: {text}", file=sys.stderr, flush=True)


def build_service(args, log):
    """(Service, Endpoint) from the command line; exits 2 on bad input."""
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.mocks import MockFileError
    from flowdbg.engine.runner import BackendConfig, default_mocks_path
    from flowdbg.engine.service import Endpoint, Service, ServeOptions, Verifier
    from flowdbg.engine.service.hosting import LocalCodeRefused

    from .run_setup import parse_local
    if args.callback_port is not None:
        raise SystemExit(_usage("serve answers ReportTaskSucceeded/Failed itself: drop --callback-port"))
    if bool(args.access_key_id) != bool(args.secret):
        raise SystemExit(_usage("give --access-key-id and --secret together"))
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    service = Service(ServeOptions(mocks=args.mocks, backend=cfg, seed=args.seed, debug=args.debug,
                                   max_steps=args.max_steps, breaks=list(args.breaks),
                                   allow_local=args.allow_local), log=log)
    from flowdbg.engine.files import file_problem
    for option, path in [(None, p) for p in args.flows] + [("--mocks", args.mocks)]:
        if path and (problem := file_problem(path)) is not None:
            raise SystemExit(_usage(f"{option + ' ' if option else ''}{path}: {problem}"))
    names: dict[str, str] = {}
    for path in args.flows:
        d = load_definition(path)
        if d.flow is None:
            for x in d.diagnostics:
                print(x.format(path), file=sys.stderr)
            raise SystemExit(2)
        name = d.flow.name or os.path.splitext(os.path.basename(path))[0]
        if name in names:
            raise SystemExit(_usage(f"{path} and {names[name]} both define flow {name!r}"))
        names[name] = path
        try:
            service.add_flow(d, None if args.mocks else default_mocks_path(path))
        except MockFileError as e:
            print(str(e), file=sys.stderr)
            raise SystemExit(2)
        except LocalCodeRefused as e:
            raise SystemExit(_usage(str(e)))
    if args.mocks:
        try:
            service.source("")  # --mocks is read now: a broken file stops serve at start, not at a first execution
        except MockFileError as e:
            print(str(e), file=sys.stderr)
            raise SystemExit(2)
    service.check_mocks()  # the mock files' slips against their flows, at start (as run and validate say them)
    verifier = Verifier(args.access_key_id, args.secret) if args.access_key_id else None
    endpoint = Endpoint(service, verifier=verifier, port=args.port, log=log if args.verbose else None)
    return service, endpoint


def _usage(msg: str) -> int:
    print(f"flowdbg: error: {msg}", file=sys.stderr)
    return 2


def cmd_serve(args) -> int:
    if args.debug and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _usage("--debug needs a terminal; without it flowdbg serve runs headless")
    logs: list[str] = []
    log = logs.append if args.debug else _say  # the debugger shows them; headless, stderr does
    service, endpoint = build_service(args, log)
    try:
        endpoint.start()
    except OSError as e:
        return _usage(f"127.0.0.1:{args.port}: {e.strerror or e}")
    try:
        if args.debug:
            from .serve_app import ServeApp
            code = ServeApp(service, endpoint, logs=logs).run()
            return code if isinstance(code, int) else 0
        _banner(service, endpoint, args)
        _wait_for_signal()
        return 0
    finally:
        endpoint.stop()
        service.close()


def _banner(service, endpoint, args) -> None:
    flows = ", ".join(service.store.flows) or "none yet (CreateFlow adds them)"
    _say(f"listening on {endpoint.url}  (CloudFlow API 2019-03-15; flows: {flows})")
    keys = "signatures checked against --access-key-id" if args.access_key_id else "any AccessKey is accepted"
    _say(f"SDK: Config(endpoint='127.0.0.1:{endpoint.port}', protocol='http', ...); {keys}. Ctrl-C stops.")


def _wait_for_signal() -> None:
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *a: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
