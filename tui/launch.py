"""``flowdbg FLOW``: gather everything the debugger needs, then run the app.

Nothing here may end the process with a traceback: a bad mock file, a
backend that cannot be set up or a callback port in use become messages in
the app; only usage errors (bad ``--input``, bad ``--local``) exit early
with code 2, before the screen is taken over.
"""
from __future__ import annotations

import dataclasses
import datetime
import os

from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import MockFile, MockFileError, load_mocks
from flowdbg.engine.runner import BackendConfig, default_mocks_path, make_backends, needing_consent


def _journal_path(args) -> str:
    if args.session:
        return args.session
    from flowdbg.engine.session import default_session_dir
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return os.path.join(default_session_dir(args.flow), stamp + ".jsonl")


def _load_mocks(args, errors: list, flow=None) -> MockFile:
    path = args.mocks or default_mocks_path(args.flow)
    if not path:
        return MockFile()
    try:
        return load_mocks(path)
    except MockFileError as e:
        found = list(e.diagnostics)
        if flow is not None and e.partial is not None:  # what the rest of it gets wrong too, in one list
            from flowdbg.engine.diagnostics import ordered
            from flowdbg.engine.mock_check import check_mocks
            found = ordered(found + check_mocks(flow, e.partial))
        lines = "\n".join(d.format(path) for d in found)
        errors.append(("The mock file has errors",
                       f"{lines}\n\nThe debugger runs without mocks: tasks that need one stop with an error. "
                       f"Fix {path} and start flowdbg again."))
        return MockFile(path=path)


def mock_warnings(flow, mocks: MockFile, limit: int = 3) -> str:
    """The mock file's warnings against ``flow`` (engine.mock_check) as notification text, or ""."""
    from flowdbg.engine.mock_check import check_mocks
    found = check_mocks(flow, mocks)
    if not found:
        return ""
    lines = [d.format(mocks.path) for d in found[:limit]]
    if len(found) > limit:
        lines.append(f"… and {len(found) - limit} more: flowdbg validate {flow.path or 'FLOW'} lists them all")
    return "\n".join(lines)


class _Sink:
    """The callback server's sink: queue the report for the session (whose
    worker or idle timer applies it) and wait briefly for the verdict."""

    def __init__(self):
        self.app = None

    def __call__(self, report):
        from flowdbg.engine.backends.callback_server import CallbackReply

        app = self.app
        session = app.session if app is not None else None
        if session is None:
            return CallbackReply(False, "the debugger has no running session yet")
        reply = session.callback_sink(report, notify=lambda r, res: app.callback_results.append((r, res)))
        if not reply.accepted:  # refused at once, on this server thread: show it now
            app.call_from_thread(app.report_callback_results)
        return reply


def launch(args) -> int:
    """Run the debugger for ``args`` (see ``tui.cli.build_tui_parser``)."""
    from .cli_input import read_input
    from .run_setup import parse_local

    definition = load_definition(args.flow)
    value = read_input(args) if (args.input is not None or args.input_file is not None) else None
    errors: list[tuple[str, str]] = []
    notices: list[tuple[str, str]] = []
    mocks = _load_mocks(args, errors, definition.flow)
    if mocks.path and definition.flow is not None:
        notice = mock_warnings(definition.flow, mocks)
        if notice:
            notices.append((notice, "warning"))
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    server, sink, server_info = None, _Sink(), None
    if args.callback_port is not None:
        try:
            from flowdbg.engine.backends.callback_server import CallbackServer
            server = CallbackServer(sink, port=args.callback_port).start()
            cfg.callback_url, cfg.callback_secret = server.url, server.secret
            server_info = {"url": server.url, "secret": server.secret}
            notices.append((f"Callback endpoint {server.url}  secret {server.secret}\n"
                            f"export FLOWDBG_CALLBACK_URL={server.url} FLOWDBG_CALLBACK_SECRET={server.secret}",
                            "information"))
        except (OSError, ValueError, ImportError) as e:
            errors.append(("The callback endpoint did not start",
                           f"127.0.0.1:{args.callback_port}: {e}\n\nAnswer callbacks with k instead."))
    backends: list = []  # filled in place: the prompt below may add local handlers once the app runs

    def build(with_local: bool) -> str | None:
        chosen = mocks if with_local else dataclasses.replace(mocks, local={})
        try:
            backends[:] = make_backends(chosen, cfg)
        except Exception as e:  # a local/live backend that cannot be set up
            backends[:] = []
            return str(e)
        return None
    unconsented = needing_consent([(mocks, None if args.mocks else f"found beside {args.flow}")], args.allow_local)
    local_prompt = None
    if unconsented:
        build(False)

        def answer(yes: bool) -> tuple[str, str] | None:
            if yes:
                failed = build(True)
                return (f"A function backend could not be set up: {failed}. Those functions fall back to mocks.",
                        "error") if failed else None
            return (f"{mocks.path}: its local: handlers do not run; mock answers stand in "
                    "(--allow-local runs them without asking)", "warning")
        entries = "\n".join(f"  {e.function} -> {e.target}  (line {e.line})" for e in unconsented)
        local_prompt = ("Run local code from the mock file?",
                        f"{mocks.path} was found beside the flow (not named with --mocks). Its 'local:' entries "
                        f"run Python code on this machine:\n{entries}\n\n"
                        "Run them? Without them, those functions are answered by mocks.", answer)
    elif (failed := build(True)) is not None:
        errors.append(("A function backend could not be set up", f"{failed}\n\nThose functions fall back to mocks."))

    from flowdbg.engine.session import Session, latest_session

    callback_url = server.url if server is not None else None

    def factory(defn, inp):
        return Session(defn, inp, mocks=mocks, backends=backends, seed=args.seed,
                       journal_path=_journal_path(args), callback_url=callback_url,
                       overwrite=args.overwrite_session)

    resume = None
    if args.resume:
        def resume(defn):
            from flowdbg.engine.session import SessionError
            path = latest_session(args.flow) if args.resume == "latest" else args.resume
            if path is None:
                raise SessionError(f"no saved session for {args.flow} yet")
            return Session.resume(path, defn, mocks=mocks, backends=backends, journal_path=args.session,
                                  callback_url=callback_url)

    from .app import FlowdbgApp, default_inputs_store
    app = FlowdbgApp(definition, input=value, session_factory=factory, resume=resume, breaks=args.breaks,
                     startup_errors=errors, notices=notices, inputs_store=default_inputs_store(),
                     server=server_info, mocks_path=args.mocks, local_prompt=local_prompt)
    sink.app = app
    from .dataclass_code import save
    save()  # what was compiled so far (at exit, what the dialogs added)
    try:
        code = app.run()
    finally:
        if server is not None:
            server.stop()
    return code if isinstance(code, int) else 0
