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
import secrets as _secrets
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

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
    if action == "ReportTaskSucceeded":
        raw = params.get("Output")
        if raw is None:
            raise BadReport("Output is required (a JSON string)")
        if not isinstance(raw, str):
            raise BadReport("Output must be a JSON *string* (e.g. \"{\\\"a\\\": 1}\"), "
                            f"got a JSON {type(raw).__name__}")
        try:
            output = json.loads(raw)
        except ValueError as exc:
            raise BadReport(f"Output is not valid JSON: {exc}") from None
        return CallbackReport(token=token, succeeded=True, output=output)
    error, cause = params.get("Error"), params.get("Cause")
    if not isinstance(error, str) or not 1 <= len(error) <= MAX_ERROR:
        raise BadReport(f"Error is required, a string of 1-{MAX_ERROR} characters")
    if cause is not None and (not isinstance(cause, str) or len(cause) > MAX_CAUSE):
        raise BadReport(f"Cause must be a string of at most {MAX_CAUSE} characters")
    return CallbackReport(token=token, succeeded=False, error=error, cause=cause or None)


class CallbackServer:
    """Loopback HTTP endpoint for task callbacks.

    ``POST /ReportTaskSucceeded`` or ``/ReportTaskFailed`` (or ``POST /?Action=...``),
    body JSON or form-encoded, header ``x-flowdbg-secret: <secret>`` (or
    ``Authorization: Bearer <secret>``). Replies: 200 ``{"Accepted": true}``,
    409 ``{"Accepted": false, "Reason": ...}``, 400/403/404/413/500
    ``{"Code", "Message"}``. ``port=0`` picks a free port; ``url`` is known
    after :meth:`start`. Raises ``ValueError`` for a non-loopback host.
    """

    def __init__(self, sink: Callable[[CallbackReport], CallbackReply], port: int = 0,
                 host: str = "127.0.0.1", secret: str | None = None):
        if not is_loopback(host):
            raise ValueError(f"callback server must listen on a loopback address, not {host!r}")
        self.sink = sink
        self.host, self.port = host, port
        self.secret = secret or _secrets.token_urlsafe(24)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("CallbackServer.url is known only after start()")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "CallbackServer":
        if self._httpd is not None:
            return self
        handler = type("Handler", (_Handler,), {"server_ref": self})
        cls = _Server
        if ":" in self.host:
            cls = type("Server6", (_Server,), {"address_family": socket.AF_INET6})
        self._httpd = cls((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="flowdbg-callback", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "CallbackServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def authorized(self, headers) -> bool:
        given = headers.get(SECRET_HEADER)
        auth = headers.get("Authorization") or ""
        if given is None and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return given is not None and hmac.compare_digest(given.encode(), self.secret.encode())


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a broken client must not print a traceback over the TUI


class _Handler(BaseHTTPRequestHandler):
    server_ref: CallbackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # never write to the TUI's terminal
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fail(self, status: int, code: str, message: str) -> None:
        self._send(status, {"Code": code, "Message": message})

    def do_GET(self) -> None:
        self._fail(405, "MethodNotAllowed", "use POST")

    def do_POST(self) -> None:
        srv = self.server_ref
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return self._fail(400, "InvalidArgument", "bad Content-Length")
        if length > MAX_BODY:
            self.close_connection = True
            return self._fail(413, "EntityTooLarge", f"body over {MAX_BODY} bytes")
        raw = self.rfile.read(length) if length else b""
        if not srv.authorized(self.headers):
            return self._fail(403, "AccessDenied",
                              f"missing or wrong secret (send header {SECRET_HEADER})")
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        action = parts.path.strip("/") or query.pop("Action", "")
        query.pop("Action", None)
        if action not in ACTIONS:
            return self._fail(404, "ActionNotFound",
                              f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
        try:
            params = {**query, **_parse_body(raw, self.headers.get("Content-Type") or "")}
            report = parse_report(action, params)
        except BadReport as exc:
            return self._fail(400, "InvalidArgument", str(exc))
        try:
            reply = srv.sink(report)
        except Exception as exc:  # noqa: BLE001 — keep serving
            return self._fail(500, "InternalError", f"{type(exc).__name__}: {exc}")
        if reply.accepted:
            return self._send(200, {"Accepted": True})
        return self._send(409, {"Accepted": False, "Reason": reply.reason})


def _parse_body(raw: bytes, content_type: str) -> dict:
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadReport("body is not UTF-8") from None
    if "json" in content_type.lower() or (not content_type and text.lstrip().startswith("{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadReport(f"body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise BadReport("JSON body must be an object of CloudFlow parameters")
        return data
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
