"""``flowdbg run``: drive the shared interpreter headless to the end.

Whatever stops the run, it ends in :meth:`RunCommand.finish`: the summary
(text, or the one JSON object of :mod:`.json_contract` with ``--json``),
the ``--history`` file whenever there are events, and the exit code.
SIGINT and SIGTERM stop it between two steps the same way (a second one
stops at once: :mod:`.run_signals`). What it checks before running is in
:mod:`.run_setup`, the text summary in :mod:`.run_report`.
"""
from __future__ import annotations

import gc
import os
import sys
import time

from flowdbg.engine.backends.base import BackendError
from flowdbg.engine.definition import load_definition, strictly
from flowdbg.engine.diagnostics import has_errors
from flowdbg.engine.mocks import MockFile
from flowdbg.engine.runner import BackendConfig, make_backends, summarize

from . import json_contract as J
from .cli_input import CliError, check_file, read_input, session_path_problem, sibling_input
from .run_report import print_summary
from .run_setup import (_Invalid, check_output_path, load_backend_setup, print_definition_errors, print_diagnostics,
                        print_error)
from .run_signals import Signals
from .save_test_cmd import check_save_test, save_test


def cmd_run(args) -> int:
    # One run, then the process ends: the cyclic GC would only rescan the run's
    # growing heap (half a long run's time) for cycles the engine does not make
    # (a step leaves none behind; see tests/engine/test_engine_limits.py).
    gc.disable()
    return RunCommand(args).main()


class RunCommand:
    def __init__(self, args):
        self.args = args
        self.defn = None
        self.session = None
        self.mocks_path: str | None = None
        self.input_source: str | None = None
        self.input_is_sibling = False
        self.diagnostics: list[dict] = []
        self.history_written: str | None = None
        self.printed_message = False
        self.signals = Signals()

    # -- the whole command ---------------------------------------------------------------------------
    def main(self) -> int:
        with self.signals:
            try:
                return self._run()
            except _Invalid as e:
                if not e.printed:
                    print_error(str(e))
                self.printed_message = True  # on stderr, whole: the summary does not repeat it
                return self.finish(e.status, e.reason, str(e), extra=e.diagnostics)
            except CliError as e:  # bad input or --local: printed already
                kind = e.kind if e.kind in J.REASONS["Invalid"] else "usage"
                return self.finish("Invalid", kind, e.message,
                                   extra=[J.message_diagnostic(e.message, e.where, e.line, e.col, kind)])

    def _run(self) -> int:
        args = self.args
        if args.callback_timeout is not None and args.callback_port is None:
            raise _Invalid("--callback-timeout goes with --callback-port: it bounds how long a run waits, in real "
                           "time, for a callback someone sends to that endpoint; without one nobody can send it")
        check_file(args.flow, kind="definition")
        for option, path, kind in (("--mocks", args.mocks, "mocks"), ("--resume", args.resume, "session")):
            if path:
                check_file(path, option, kind)
        defn = self.defn = load_definition(args.flow, express=args.express, strict=args.strict)
        self.diagnostics = [J.diagnostic(d, defn.path) for d in defn.diagnostics]
        if defn.flow is None:
            print_definition_errors(defn)
            raise _Invalid(f"{args.flow}: the definition has {len(defn.errors)} error(s)", [], "definition",
                           printed=True)
        if not args.json:
            print_diagnostics(defn.warnings, defn.path)
        inp = self._input()
        if args.save_test or args.case:
            check_save_test(args)  # a case name that is taken is refused before anything runs
        for option, path, journal in (("--session", args.session, True), ("--history", args.history, False)):
            if path:
                check_output_path(option, path, args, journal)
        if args.session and (why := session_path_problem(args)) is not None:
            raise _Invalid(why, reason="session")
        mocks, cfg = load_backend_setup(args, defn.flow)
        self.mocks_path = mocks.path or None
        self.diagnostics += [J.diagnostic(d, mocks.path) for d in mocks.warnings]
        self._check_mocks(mocks)
        return self._execute(inp, mocks, cfg)

    def _input(self):
        args = self.args
        if args.resume:
            if args.input is not None or args.input_file is not None:
                print("flowdbg: warning: --resume restores the session's own input; --input/--input-file are ignored",
                      file=sys.stderr)
            self.input_source = "session"
            return {}
        if args.input is None and args.input_file is None:
            sibling = sibling_input(args.flow)
            if sibling is None:
                self.input_source = "default"
                return {}
            args.input_file = sibling  # the debugger starts from it too
            self.input_source, self.input_is_sibling = sibling, True
            return read_input(args)
        self.input_source = "--input" if args.input is not None else \
            ("<stdin>" if args.input_file == "-" else args.input_file)
        return read_input(args)

    def _check_mocks(self, mocks: MockFile) -> None:
        if not mocks.path:
            return
        from flowdbg.engine.mock_check import check_mocks
        found = strictly(check_mocks(self.defn.flow, mocks), self.args.strict)
        self.diagnostics += [J.diagnostic(d, mocks.path) for d in found]
        if not self.args.json or has_errors(found):
            for d in found:
                print(d.format(mocks.path), file=sys.stderr)
        if has_errors(found):
            n = sum(d.severity == "error" for d in found)
            raise _Invalid(f"{mocks.path}: {n} error(s) in the mock file" + (" (--strict)" if self.args.strict else ""),
                           [], "mocks", printed=True)

    # -- running -------------------------------------------------------------------------------------
    def _execute(self, inp, mocks: MockFile, cfg: BackendConfig) -> int:
        args, defn = self.args, self.defn
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
        reason = None
        try:
            if args.resume:
                session = Session.resume(args.resume, defn, mocks=mocks, backends=make_backends(mocks, cfg),
                                         journal_path=args.session or args.resume, callback_url=cfg.callback_url,
                                         express=args.express, max_events=args.max_events, checkpoints=False)
                for w in session.resume_warnings:
                    print(f"flowdbg: warning: {w}", file=sys.stderr)
            else:
                session = Session(defn, inp, mocks=mocks, backends=make_backends(mocks, cfg), seed=args.seed,
                                  journal_path=args.session, callback_url=cfg.callback_url,
                                  start_time=args.start_time, express=args.express, max_events=args.max_events,
                                  checkpoints=False,  # headless: nobody steps back
                                  overwrite=args.overwrite_session)
            self.session = holder["s"] = self.signals.session = session
            if self.signals.name is None:
                # With a callback endpoint someone can still answer, so the clock must
                # not jump past a waiting task's Timeout; without one, nobody can.
                stop = session.run_to_end(max_steps=args.max_steps, jump_clock=server is None)
                if server is not None:
                    stop, reason = self._serve(session, server, stop)
            else:
                stop = None
        except SessionError as e:
            raise _Invalid(str(e), reason="session") from None
        except BackendError as e:
            raise _Invalid(str(e), reason="backend", status="Error") from None
        except OSError as e:  # the journal could not be written
            raise _Invalid(f"{e.filename or args.session}: cannot write the session journal: {e.strerror or e}",
                           reason="journal", status="Error") from None
        finally:
            if server is not None:
                server.stop()
        if self.signals.name is not None:
            reason = "interrupted"
        elif stop is not None and stop.reason == "error":
            raise _Invalid(stop.message, reason="backend", status="Error")
        elif stop is not None and stop.reason == "limit":
            reason = "max-steps"
            print(f"flowdbg: warning: {stop.message} (--max-steps); the execution is still running", file=sys.stderr)
        ex = session.execution
        if ex.status == "Running" and reason is None:
            reason = "waiting"
        message = {"interrupted": f"interrupted by {self.signals.name}; the execution is still running",
                   "max-steps": f"{stop.message} (--max-steps)" if stop is not None else None,
                   "callback-timeout": f"no callback within {args.callback_timeout:g} s (--callback-timeout)"
                   if args.callback_timeout else None,
                   "waiting": "waiting for a callback: " + ", ".join(
                       f"task {p.state!r} ({p.scope or 'top level'})" for p in ex.pending_tasks())
                   }.get(reason) if ex.status == "Running" else None
        if args.save_test:  # before the summary: a failure to save ends the command as Invalid
            save_test(args, session)
        return self.finish(ex.status, reason if ex.status == "Running" else None, message)

    def _serve(self, session, server, stop):
        """Wait, in real time, for callbacks on ``server`` while the run waits for one."""
        args, ex = self.args, session.execution
        while stop.reason == "waiting" and self.signals.name is None:
            t = ex.next_timer()
            limit = args.callback_timeout or (max(t - ex.clock, 0.0) if t is not None else None)
            until = f"up to {limit:g} s" if limit is not None else "until one arrives"
            print(f"flowdbg: waiting for a callback on {server.url}, {until}; Ctrl-C to stop "
                  "(virtual time stands still meanwhile)", file=sys.stderr)
            for p in ex.pending_tasks():
                print(f"flowdbg:   task {p.state!r} ({p.scope or 'top level'}) token {p.token}", file=sys.stderr)
            sys.stderr.flush()
            if self._wait(session, limit):
                stop = session.run_to_end(max_steps=args.max_steps, jump_clock=False)
                continue
            if self.signals.name is not None:
                break
            if t is None:
                print(f"flowdbg: no callback within {limit:g} s and no timer is set: the run stops waiting",
                      file=sys.stderr)
                return stop, "callback-timeout"
            print(f"flowdbg: no callback within {limit:g} s; virtual time passes to {t:g} s", file=sys.stderr)
            stop = session.skip_to_next_timer()
            if stop.reason not in ("finished", "error", "paused"):
                stop = session.run_to_end(max_steps=args.max_steps, jump_clock=False)
        return stop, None

    def _wait(self, session, limit: float | None) -> bool:
        """True when a callback arrived within ``limit`` real seconds (None: no limit)."""
        deadline = None if limit is None else time.monotonic() + limit
        while self.signals.name is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            if session.wait_for_callback(timeout=0.2 if left is None else min(0.2, left)):
                return True
        return False

    # -- the report ----------------------------------------------------------------------------------
    def finish(self, status: str, reason: str | None, message: str | None, extra: list[dict] = ()) -> int:
        """The summary first, then the --history file (a long history takes
        a while to write: what the run did is on the screen meanwhile, and a
        second Ctrl-C then only gives up the file, which is left unwritten,
        never cut off). With --json the one object comes last: it says
        whether the history was written."""
        args = self.args
        session = self.session
        # what ran, even if cut short; the events are streamed, not built as one list
        summary = summarize(session.execution, events=False) if session is not None else None
        code = J.EXIT_SIGNAL.get(self.signals.name, J.EXIT[status]) if reason == "interrupted" else J.EXIT[status]
        wants_history = bool(args.history and summary is not None and summary["event_count"])
        start = session.start["start_time"] if session is not None else args.start_time
        if args.json:
            if wants_history:
                code, status, reason, message = self._write_history(session, code, status, reason, message)
            diagnostics = self.diagnostics + [d for d in extra if d not in self.diagnostics]
            obj = J.run_object(status=status, reason=reason, message=message, summary=summary,
                               diagnostics=diagnostics, flow=args.flow, mocks=self.mocks_path,
                               input_source=self.input_source, start_time=start, express=args.express,
                               history=self.history_written, exit_code=code)
            J.write_run_object(obj, session.execution.events if session is not None else (), sys.stdout)
            return code
        if summary is not None:
            self.signals.hold()
            try:
                print_summary(summary, session, args, status, message,
                               self.input_source if self.input_is_sibling else None, self.printed_message)
                sys.stdout.flush()
            finally:
                again = self.signals.release()
            if again:  # a second signal while the summary was printed: stop now, as it asks
                return self._history_interrupted(code) if wants_history else J.EXIT_SIGNAL.get(
                    self.signals.name or "SIGINT", 130)
        if wants_history:
            code = self._write_history(session, code, status, reason, message)[0]
        return code

    def _history_interrupted(self, code: int) -> int:
        print(f"flowdbg: --history {self.args.history}: not written (interrupted)", file=sys.stderr)
        return J.EXIT_SIGNAL.get(self.signals.name or "SIGINT", 130)

    def _write_history(self, session, code, status, reason, message):
        from flowdbg.engine.history import write_history
        path = self.args.history
        folder = os.path.dirname(os.path.abspath(path))
        try:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as e:
                raise OSError(e.errno, f"cannot create the folder {folder}: {e.strerror or e}") from None
            if not self.args.json and len(session.execution.events) > 50_000:
                print(f"flowdbg: writing {len(session.execution.events):,} events to {path} …", file=sys.stderr,
                      flush=True)
            with self.signals.abandoning():
                write_history(path, session.execution, session.start_time)
            self.history_written = path
        except KeyboardInterrupt:
            return self._history_interrupted(code), status, reason, message
        except OSError as e:
            why = f"--history {path}: " + (e.strerror if str(e.strerror).startswith("cannot create")
                                           else f"cannot write: {e.strerror or e}")
            print(f"flowdbg: error: {why}", file=sys.stderr)
            self.diagnostics.append(J.message_diagnostic(why, path, code="history"))
            if status not in ("Invalid", "Error"):
                return J.EXIT["Error"], "Error", "history", why
        return code, status, reason, message
