"""The HTTP side of ``flowdbg serve``: CloudFlow's RPC style over waitress.

RPC style as Alibaba's SDKs send it: ``GET`` or ``POST /`` with the common
parameters (``Action``, ``Version``, ``Format``, ``Timestamp``,
``SignatureNonce``, ``SignatureMethod``, ``AccessKeyId``, ``Signature``) in
the query and the action's own in the query or a form-encoded body; JSON
answers; errors as HTTP 4xx/5xx with ``{"RequestId", "HostId", "Code",
"Message"}``.

``POST /ReportTaskSucceeded`` and ``/ReportTaskFailed`` with the
``x-flowdbg-secret`` header also work, in the wire format of flowdbg's own
callback endpoint (docs/backends.md), so ``flowdbg callback`` and local
handlers given ``FLOWDBG_CALLBACK_URL`` can answer a served execution.

Server: waitress (the project's choice for serving HTTP: a bounded thread
pool, channel timeouts and a real listen backlog, pure Python).
"""
from __future__ import annotations

import hmac
import json
import secrets
import threading
import traceback
from typing import Callable
from urllib.parse import parse_qs

from ..backends.callback_server import SECRET_HEADER, BadReport, parse_report
from . import errors as X
from .actions import ACTIONS, Actions
from .signing import Verifier
from .store import request_id

VERSION = "2019-03-15"
MAX_BODY = 1024 * 1024  # CloudFlow's limit per request
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 413: "Payload Too Large", 500: "Internal Server Error"}


def _flat(qs: dict) -> dict[str, str]:
    return {k: v[-1] for k, v in qs.items()}


class Endpoint:
    """``port=0`` picks a free port; ``url`` is known after :meth:`start`."""

    def __init__(self, actions: Actions, *, verifier: Verifier | None = None, host: str = "127.0.0.1",
                 port: int = 0, threads: int = 8, log: Callable[[str], None] | None = None):
        self.actions = actions
        self.verifier = verifier
        self.host, self.port, self.threads = host, port, threads
        self.log = log or (lambda text: None)
        self.secret = secrets.token_urlsafe(24)
        self._server = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "Endpoint":
        """Raises OSError when the port cannot be bound."""
        import waitress
        self._server = waitress.create_server(
            self.wsgi, host=self.host, port=self.port, threads=self.threads, channel_timeout=120,
            backlog=256, max_request_body_size=2 * MAX_BODY, ident="flowdbg", clear_untrusted_proxy_headers=True)
        self.port = self._server.effective_port
        self.actions.listening(self.url, self.secret)
        self._thread = threading.Thread(target=self._serve, name="flowdbg-serve", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        srv = self._server
        # Our own loop (not srv.run()) so that stop() can end it from another thread.
        while not self._stopping.is_set():
            srv.asyncore.loop(timeout=0.2, map=srv._map, use_poll=True, count=1)
        srv.task_dispatcher.shutdown(timeout=5)
        srv.asyncore.close_all(srv._map)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "Endpoint":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- WSGI ------------------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        rid = request_id()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        host = environ.get("HTTP_HOST", f"{self.host}:{self.port}")
        action = "?"
        try:
            params = _flat(parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            body = self._body(environ)
            if path.strip("/") in ("ReportTaskSucceeded", "ReportTaskFailed"):
                return self._flowdbg_callback(path.strip("/"), environ, {**params, **body}, start_response)
            if method not in ("GET", "POST"):
                raise X.ApiError(405, "MethodNotAllowed", f"use GET or POST, not {method}")
            params.update(body)
            action = params.get("Action") or ""
            if not action:
                raise X.missing("Action")
            if params.get("Version") != VERSION:
                raise X.version_not_supported(params.get("Version") or "")
            if self.verifier is not None:
                self.verifier.check(params, method)
            if action not in ACTIONS:
                raise X.action_not_supported(action)
            result = getattr(self.actions, action)(params)
            status, payload = 200, {**result, "RequestId": rid}
        except X.ApiError as e:
            status, payload = e.status, {"RequestId": rid, "HostId": host, "Code": e.code, "Message": e.message}
        except Exception as e:  # a flowdbg bug: answer like the service, keep serving, keep the trace
            self.log(f"{action}: internal error: {type(e).__name__}: {e}\n{traceback.format_exc()}")
            err = X.internal_error(f"{type(e).__name__}: {e}")
            status, payload = err.status, {"RequestId": rid, "HostId": host, "Code": err.code, "Message": err.message}
        self.log(f"{method} {action} -> {status}" + (f" {payload['Code']}" if status != 200 else ""))
        return self._json(start_response, status, payload, rid)

    def _body(self, environ) -> dict[str, str]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise X.invalid_argument("bad Content-Length") from None
        if length > MAX_BODY:
            raise X.entity_too_large(MAX_BODY)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise X.invalid_argument("the request body is not UTF-8") from None
        ctype = (environ.get("CONTENT_TYPE") or "").lower()
        if "json" in ctype:
            try:
                data = json.loads(text)
            except ValueError as e:
                raise X.invalid_argument(f"the JSON body is not valid: {e}") from None
            if not isinstance(data, dict):
                raise X.invalid_argument("a JSON body must be an object of parameters")
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        return _flat(parse_qs(text, keep_blank_values=True))

    def _flowdbg_callback(self, action: str, environ, params: dict, start_response):
        given = environ.get("HTTP_" + SECRET_HEADER.upper().replace("-", "_")) or ""
        auth = environ.get("HTTP_AUTHORIZATION") or ""
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return self._json(start_response, 403, {"Code": "AccessDenied",
                                                    "Message": f"missing or wrong secret (header {SECRET_HEADER})"})
        try:
            report = parse_report(action, params)
        except BadReport as e:
            return self._json(start_response, 400, {"Code": "InvalidArgument", "Message": str(e)})
        _, reply = self.actions.report(report)
        if reply.accepted:
            return self._json(start_response, 200, {"Accepted": True})
        return self._json(start_response, 409, {"Accepted": False, "Reason": reply.reason})

    @staticmethod
    def _json(start_response, status: int, payload: dict, rid: str | None = None):
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = [("Content-Type", "application/json;charset=utf-8"), ("Content-Length", str(len(data)))]
        if rid:
            headers.append(("x-acs-request-id", rid))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [data]
