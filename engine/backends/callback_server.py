"""A local stand-in for CloudFlow's ReportTaskSucceeded / ReportTaskFailed.

WaitForCustomCallback tasks pause until someone reports on their task token.
This loopback-only HTTP server accepts those reports (from a local handler,
``flowdbg callback ...`` or curl) and hands them to a *sink*. See
docs/backends.md for the wire format and a curl example.

Parameter names and limits follow the FnF 2019-03-15 API
(alibabacloud_fnf20190315 SDK models; modes:
https://help.aliyun.com/document_detail/2400140.html):
``ReportTaskSucceeded(TaskToken, Output: JSON string)``,
``ReportTaskFailed(TaskToken, Error: 1-128 chars, Cause: <= 4096 chars)``.

The sink runs on a server thread, one call per request, possibly
concurrently; the caller must make it thread-safe (the engine puts reports
on a queue). A sink that raises gives HTTP 500 and the server keeps running.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import secrets as _secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qs

from ..json_values import BadJSON, parse_json, surrogate_problem
from ..scrub import register, scrub

SECRET_HEADER = "x-flowdbg-secret"
ACTIONS = ("ReportTaskSucceeded", "ReportTaskFailed")
MAX_BODY = 1 << 20  # 1 MiB
MAX_ERROR, MAX_CAUSE = 128, 4096


@dataclass(frozen=True)
class CallbackReport:
    """One report on a task token. ``output`` is the parsed ``Output`` JSON
    (success); ``error``/``cause`` are set on failure."""

    token: str
    succeeded: bool
    output: Any = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class CallbackReply:
    """The sink's answer: accepted (HTTP 200) or refused with a reason (409),
    e.g. unknown, stale or already-reported token."""

    accepted: bool
    reason: str = ""


class BadReport(ValueError):
    """The request is malformed (HTTP 400)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_report(action: str, params: dict[str, Any]) -> CallbackReport:
    """Validate CloudFlow-named parameters into a report; raises
    :class:`BadReport` with a message fit for the client."""
    token = params.get("TaskToken")
    if not isinstance(token, str) or not token:
        raise BadReport("TaskToken is required")
    if surrogate_problem(token):
        raise BadReport("TaskToken is not a task token")
    if action == "ReportTaskSucceeded":
        raw = params.get("Output")
        if raw is None:
            raise BadReport("Output is required (a JSON string)")
        if not isinstance(raw, str):
            raise BadReport("Output must be a JSON *string* (e.g. \"{\\\"a\\\": 1}\"), "
                            f"got a JSON {type(raw).__name__}")
        try:
            output = parse_json(raw)  # strict: no NaN, numbers in range, no lone surrogates
        except BadJSON as exc:
            where = f" (line {exc.line} column {exc.col})" if exc.line else ""
            raise BadReport(f"Output is {exc.message}{where}") from None
        return CallbackReport(token=token, succeeded=True, output=scrub(output))
    error, cause = params.get("Error"), params.get("Cause")
    if not isinstance(error, str) or not 1 <= len(error) <= MAX_ERROR:
        raise BadReport(f"Error is required, a string of 1-{MAX_ERROR} characters")
    if cause is not None and (not isinstance(cause, str) or len(cause) > MAX_CAUSE):
        raise BadReport(f"Cause must be a string of at most {MAX_CAUSE} characters")
    for name, text in (("Error", error), ("Cause", cause or "")):
        if why := surrogate_problem(text):
            raise BadReport(f"{name} {why}")
    return CallbackReport(token=token, succeeded=False, error=error, cause=scrub(cause) or None)


def new_secret() -> str:
    """A random secret that never starts with '-', so the printed
    ``flowdbg callback ... --secret S`` is never read as an option."""
    while True:
        secret = _secrets.token_urlsafe(24)
        if secret[0] != "-":
            return secret


# The endpoint runs on waitress (the project's HTTP server, also `flowdbg serve`'s):
# one I/O thread, a bounded pool of workers for the sink, read/idle timeouts and a
# real backlog, so slow or half-sent requests cost a socket, not a thread.
WORKERS = 4
CONNECTION_LIMIT = 500
BACKLOG = 1024
CHANNEL_TIMEOUT = 10  # seconds a connection may sit idle or half-sent
_LOG = logging.getLogger("waitress")
_LOG.propagate = False  # never write on the TUI's terminal
_LOG.addHandler(logging.NullHandler())


class CallbackServer:
    """Loopback HTTP endpoint for task callbacks.

    ``POST /ReportTaskSucceeded`` or ``/ReportTaskFailed`` (or ``POST /?Action=...``),
    body JSON or form-encoded, header ``x-flowdbg-secret: <secret>`` (or
    ``Authorization: Bearer <secret>``). Replies: 200 ``{"Accepted": true}``,
    409 ``{"Accepted": false, "Reason": ...}``, 400/403/404/405/413/500
    ``{"Code", "Message"}``. ``port=0`` picks a free port; ``url`` is known
    after :meth:`start`. Raises ``ValueError`` for a non-loopback host.
    :meth:`stop` lets replies in progress reach their clients first.
    """

    def __init__(self, sink: Callable[[CallbackReport], CallbackReply], port: int = 0,
                 host: str = "127.0.0.1", secret: str | None = None):
        if not is_loopback(host):
            raise ValueError(f"callback server must listen on a loopback address, not {host!r}")
        self.sink = sink
        self.host, self.port = host, port
        self.secret = secret or new_secret()
        register(self.secret)  # never in a journal, history or --json
        self._server = None
        self._thread: threading.Thread | None = None
        self._inflight = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("CallbackServer.url is known only after start()")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "CallbackServer":
        if self._server is not None:
            return self
        from waitress.server import create_server
        self._server = create_server(
            self._app, host=self.host, port=self.port, threads=WORKERS, backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT, channel_timeout=CHANNEL_TIMEOUT, cleanup_interval=1,
            asyncore_use_poll=True, asyncore_loop_timeout=1, max_request_body_size=MAX_BODY + 1,
            max_request_header_size=64 * 1024, ident="flowdbg", expose_tracebacks=False,
            log_socket_errors=False, clear_untrusted_proxy_headers=False)
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._server.run, name="flowdbg-callback", daemon=True)
        self._thread.start()
        return self

    def stop(self, grace: float = 5.0) -> None:
        """Stop accepting, give replies in progress up to ``grace`` seconds to
        be written (a report that just finished the run must still hear 200),
        then close every connection."""
        srv, self._server = self._server, None
        if srv is None:
            return
        done = threading.Event()

        def stop_listening():
            srv.accepting = False
            srv.del_channel()
            srv.socket.close()
            done.set()
        srv.trigger.pull_trigger(stop_listening)
        done.wait(grace)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and self._busy(srv):
            time.sleep(0.01)

        def close_all():
            for channel in list(srv._map.values()):
                if channel is not srv.trigger:
                    channel.close()
            srv.trigger.close()
        srv.trigger.pull_trigger(close_all)
        if self._thread is not None:
            self._thread.join(timeout=grace)
            self._thread = None
        srv.task_dispatcher.shutdown(cancel_pending=True, timeout=grace)

    def _busy(self, srv) -> bool:
        if self._inflight:
            return True
        return any(getattr(ch, "requests", None) or getattr(ch, "total_outbufs_len", 0)
                   for ch in list(srv.active_channels.values()))

    def __enter__(self) -> "CallbackServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def authorized(self, headers) -> bool:
        given = headers.get(SECRET_HEADER)
        auth = headers.get("Authorization") or ""
        if given is None and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"),
                                                         self.secret.encode())

    # -- the WSGI application --------------------------------------------
    def _app(self, environ, start_response):
        with self._lock:
            self._inflight += 1
        try:
            status, body = self._handle(environ)
        except Exception as exc:  # noqa: BLE001 - a flowdbg bug must not kill the endpoint
            status, body = 500, {"Code": "InternalError", "Message": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(body).encode()
        start_response(f"{status} {_REASONS.get(status, 'Error')}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return _Reply(data, self._finished)

    def _finished(self) -> None:
        with self._lock:
            self._inflight -= 1

    def _handle(self, environ) -> tuple[int, dict]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _fail(405, "MethodNotAllowed", "use POST")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _fail(400, "InvalidArgument", "bad Content-Length")
        if length > MAX_BODY:
            return _fail(413, "EntityTooLarge", f"body over {MAX_BODY} bytes")
        raw = environ["wsgi.input"].read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return _fail(413, "EntityTooLarge", f"body over {MAX_BODY} bytes")
        headers = {SECRET_HEADER: environ.get("HTTP_X_FLOWDBG_SECRET"),
                   "Authorization": environ.get("HTTP_AUTHORIZATION")}
        if not self.authorized({k: v for k, v in headers.items() if v is not None}):
            return _fail(403, "AccessDenied", f"missing or wrong secret (send header {SECRET_HEADER})")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        action = (environ.get("PATH_INFO") or "").strip("/") or query.pop("Action", "")
        query.pop("Action", None)
        if action not in ACTIONS:
            return _fail(404, "ActionNotFound", f"unknown action {action[:64]!r}; use one of {', '.join(ACTIONS)}")
        try:
            params = {**query, **_parse_body(raw, environ.get("CONTENT_TYPE") or "")}
            report = parse_report(action, params)
        except BadReport as exc:
            return _fail(400, "InvalidArgument", str(exc))
        try:
            reply = self.sink(report)
        except Exception as exc:  # noqa: BLE001 — keep serving
            return _fail(500, "InternalError", f"{type(exc).__name__}: {exc}")
        if reply.accepted:
            return 200, {"Accepted": True}
        return 409, {"Accepted": False, "Reason": reply.reason}


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 413: "Payload Too Large", 500: "Internal Server Error"}


def _fail(status: int, code: str, message: str) -> tuple[int, dict]:
    return status, {"Code": code, "Message": message}


class _Reply:
    """The response body; waitress calls ``close()`` once it has been written,
    which is when :meth:`CallbackServer.stop` may close the connection."""

    def __init__(self, data: bytes, on_close: Callable[[], None]):
        self.data, self.on_close = data, on_close

    def __iter__(self):
        yield self.data

    def close(self) -> None:
        if self.on_close is not None:
            self.on_close, on_close = None, self.on_close
            on_close()


def _parse_body(raw: bytes, content_type: str) -> dict:
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadReport("body is not UTF-8") from None
    if "json" in content_type.lower() or (not content_type and text.lstrip().startswith("{")):
        try:
            data = parse_json(text)
        except BadJSON as exc:
            raise BadReport(f"body is {exc.message}") from None
        if not isinstance(data, dict):
            raise BadReport("JSON body must be an object of CloudFlow parameters")
        return data
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
