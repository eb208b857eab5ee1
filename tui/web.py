"""``flowdbg FLOW --web``: the same debugger, in a browser.

textual-serve runs one debugger process per browser tab, with Textual's web
driver, and relays its screen over a WebSocket to xterm.js in the page. The
process gets the very arguments the terminal app would (less ``--web`` and
``--port``). The server listens on 127.0.0.1 only: whoever opens the page
can run the flow's local handlers and live calls, so it is not for sharing.
"""
from __future__ import annotations

import argparse
import os
import shlex
import socket
import sys

DEFAULT_PORT = 8000
SKIP = {"web", "port", "help"}


def child_argv(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The command-line arguments that give ``args`` again, without --web/--port.

    Rebuilt from the parsed options (not copied from argv) so that
    abbreviations such as ``--po 0`` cannot slip through."""
    out: list[str] = []
    for a in parser._actions:
        if a.dest in SKIP:
            continue
        value = getattr(args, a.dest, None)
        if not a.option_strings:
            out.append(str(value))
            continue
        opt = max(a.option_strings, key=len)
        if isinstance(a, argparse._AppendAction):
            out += [f"{opt}={v}" for v in value or ()]
        elif isinstance(a, argparse._StoreTrueAction):
            if value:
                out.append(opt)
        elif a.nargs == "?":
            if value is not None:
                out.append(opt if value == a.const else f"{opt}={value}")
        elif value is not None and value != a.default:
            out.append(f"{opt}={value}")
    return out


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as e:
        sock.close()
        raise SystemExit(_fail(f"--port {port}: cannot listen on 127.0.0.1:{port}: {e.strerror or e}"))
    sock.listen(128)
    return sock


def _fail(message: str) -> int:
    print(f"flowdbg: error: {message}", file=sys.stderr)
    return 2


def serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Serve the debugger for ``args`` until Ctrl+C (or SIGTERM)."""
    try:
        from textual_serve.server import Server
    except ImportError:
        return _fail("--web needs textual-serve: pip install textual-serve")
    from aiohttp import web

    sock = _listen(args.port if args.port is not None else DEFAULT_PORT)
    port = sock.getsockname()[1]
    command = shlex.join([sys.executable, "-m", "flowdbg.tui.cli", *child_argv(parser, args)])
    if os.name == "posix":  # textual-serve starts it through a shell; exec makes the debugger that very process
        command = "exec " + command

    class _Server(Server):
        async def on_startup(self, app) -> None:  # instead of textual-serve's banner
            print(f"flowdbg: the debugger for {args.flow} is at {self.public_url}  (Ctrl+C stops it)", flush=True)

        def initialize_logging(self) -> None:
            import logging
            super().initialize_logging()
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # not a line per request

        def serve(self, debug: bool = False) -> None:
            import asyncio
            import signal
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(sig, self.request_exit)
                except (NotImplementedError, RuntimeError):
                    pass
            # Open tabs would hold the shutdown for the default 60 s: cancelling their handlers
            # stops their debuggers (textual-serve sends each a quit).
            web.run_app(self._make_app(), sock=sock, handle_signals=False, loop=loop, print=lambda *a: None,
                        shutdown_timeout=2)

    server = _Server(command, host="127.0.0.1", port=port, title=f"flowdbg {args.flow}")
    try:
        server.serve()
    finally:
        sock.close()
    return 0
