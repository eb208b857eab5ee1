"""Call real Function Compute 3.0 functions over its HTTP API (httpx).

* InvokeFunction: ``POST /2023-03-30/functions/{name}/invocations?qualifier=``
  with ``x-fc-invocation-type``, ``x-fc-log-type: Tail``, ``x-fc-async-task-id``
  (alibabacloud_fc20230330 SDK, ``invoke_function_with_options``).
* GetAsyncTask: ``GET /2023-03-30/functions/{name}/async-tasks/{taskId}``;
  fields per https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-struct-asynctask
* Signature V3 (``ACS3-HMAC-SHA256``), computed by Alibaba's own
  ``alibabacloud_openapi_util`` — https://help.aliyun.com/zh/model-studio/roa-style-request-body-signature-mechanism
* Credentials: the standard chain of ``alibabacloud_credentials`` (env
  ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET``/``_SECURITY_TOKEN``, CLI profile, ...).

Error names (docs/backends.md): FC error bodies ``{"Code", "Message",
"RequestId"}`` → ``FC.<Code>``; HTTP 200 with ``x-fc-error-type`` (the
function raised, timed out or exited) → ``FC.Unknown``; transport failures →
``FC.RequestTimeout`` / ``FC.NetworkError``; async tasks that end Stopped,
Expired or Invalid → ``FC.AsyncTaskStopped`` / ``FC.AsyncTaskExpired`` /
``FC.AsyncTaskInvalid``. Nothing is retried here: the flow's Retry decides.
Credentials never appear in a response (payload included), log, meta or exception
message: they are registered with :mod:`..scrub`, which masks them.
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from types import SimpleNamespace
from typing import Any, Mapping
from urllib.parse import quote, urlsplit

import httpx

from ..errors import TASK_TIMEOUT
from ..scrub import register, scrub_text
from .base import BackendError, FunctionRequest, FunctionResponse, scrub_response
from .callback_server import is_loopback
from .fc import FUNCTION_ERROR

API_VERSION = "2023-03-30"
SIGN_ALGORITHM = "ACS3-HMAC-SHA256"
USER_AGENT = "flowdbg/0.1"
TERMINAL = {"Succeeded": None, "Failed": FUNCTION_ERROR, "Stopped": "FC.AsyncTaskStopped",
            "Expired": "FC.AsyncTaskExpired", "Invalid": "FC.AsyncTaskInvalid"}
# Status codes with exactly one documented FC error code, for bodies without one.
STATUS_CODES = {429: "ResourceThrottled", 500: "InternalServerError", 503: "ResourceExhausted"}


def _enc(s: str) -> str:
    return quote(s, safe="~")


def sign(method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str],
         body: bytes, access_key_id: str, access_key_secret: str) -> str:
    """The ``Authorization`` header value for a V3-signed request (every
    header in ``headers`` is signed; ``path`` is already percent-encoded)."""
    from alibabacloud_openapi_util.client import Client as OpenApiUtil  # ~0.1 s import

    req = SimpleNamespace(method=method, pathname=path, query=dict(query), headers=dict(headers))
    return OpenApiUtil.get_authorization(req, SIGN_ALGORITHM, hashlib.sha256(body).hexdigest(),
                                         access_key_id, access_key_secret)


class LiveBackend:
    """Invoke FC 3.0 functions for real.

    ``endpoint`` defaults to ``https://{account}.{region}.fc.aliyuncs.com``
    with region/account from the ARN, else from the constructor; ``http://``
    is refused except for loopback hosts. ``credentials``: ``None`` (default
    chain), an ``alibabacloud_credentials`` client (anything with
    ``get_credential()``), or a mapping/object with ``access_key_id``,
    ``access_key_secret`` and optional ``security_token``. ``timeout`` is the
    HTTP timeout in seconds per request; ``poll_interval`` the seconds between
    GetAsyncTask polls; ``max_wait`` caps polling when the Task has no
    Timeout (``None`` = poll until the task ends). ``transport`` is an httpx
    transport (tests). Raises :class:`BackendError` for configuration
    problems (no credentials, no region/account, http to a remote host,
    FC 2.0 ARN).
    """

    name = "live"

    def __init__(self, *, endpoint: str | None = None, region: str | None = None,
                 account: str | None = None, credentials: Any = None, timeout: float = 30.0,
                 poll_interval: float = 1.0, transport: httpx.BaseTransport | None = None,
                 max_wait: float | None = None):
        self.endpoint, self.region, self.account = endpoint, region, account
        self._creds_source = credentials
        self.timeout, self.poll_interval, self.max_wait = timeout, poll_interval, max_wait
        self._transport = transport
        self._client: httpx.Client | None = None
        if endpoint is not None:
            self._check_endpoint(endpoint)

    def handles(self, request: FunctionRequest) -> bool:
        return True

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- configuration ---------------------------------------------------
    @staticmethod
    def _check_endpoint(endpoint: str) -> str:
        """``scheme://host[:port]``; a ``user:password@`` part is dropped (FC
        requests are signed; it would only leak into the Host header and errors)."""
        shown = scrub_text(endpoint)
        try:
            parts = urlsplit(endpoint)
            port = parts.port
        except ValueError:
            raise BackendError(f"live endpoint {shown!r} is not an http(s) URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BackendError(f"live endpoint {shown!r} is not an http(s) URL")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise BackendError(f"live endpoint {shown!r}: plain http is allowed only for "
                               "loopback addresses (signed requests and function data would "
                               "travel unencrypted); use https")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise BackendError(f"live endpoint {shown!r} must not have a path or query")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")

    def _base_url(self, request: FunctionRequest) -> str:
        ref = request.function
        if ref.generation != "3.0":
            raise BackendError(f"live backend speaks the FC 3.0 API only; {ref.arn!r} is an "
                               "FC 2.0 ARN (services/...). Use acs:fc:<region>:<account>:"
                               "functions/<name>[/<qualifier>]")
        if self.endpoint:
            return self._check_endpoint(self.endpoint)
        region, account = ref.region or self.region, ref.account or self.account
        if not region or not account:
            raise BackendError(f"live backend: no region/account for {ref.arn!r}; put them in "
                               "the ARN or configure them (or give an endpoint)")
        return f"https://{account}.{region}.fc.aliyuncs.com"

    def _credentials(self) -> tuple[str, str, str | None]:
        src = self._creds_source
        try:
            if src is None:
                _quiet_credentials_chain()
                from alibabacloud_credentials.client import Client
                src = self._creds_source = Client()
            if hasattr(src, "get_credential"):
                src = src.get_credential()
            get = src.get if isinstance(src, Mapping) else (lambda k: getattr(src, k, None))
            ak, sk, token = get("access_key_id"), get("access_key_secret"), get("security_token")
        except Exception as exc:  # noqa: BLE001 — the chain raises many kinds
            raise BackendError("live backend: no Alibaba Cloud credentials (set ALIBABA_CLOUD_"
                               "ACCESS_KEY_ID/_SECRET or configure the aliyun CLI profile): "
                               f"{type(exc).__name__}: {str(exc)[:300]}") from None
        if not ak or not sk:
            raise BackendError("live backend: credentials lack an AccessKey ID or secret")
        register(ak, sk, token)  # masked in everything printed or saved from now on
        return ak, sk, token or None

    # -- HTTP ---------------------------------------------------------------
    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(transport=self._transport)
        return self._client

    def _send(self, creds, base: str, method: str, action: str, path: str,
              query: Mapping[str, str], extra: Mapping[str, str], body: bytes) -> httpx.Response:
        ak, sk, token = creds
        headers = {"host": urlsplit(base).netloc, "x-acs-action": action,
                   "x-acs-version": API_VERSION,
                   "x-acs-date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "x-acs-signature-nonce": uuid.uuid4().hex,
                   "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
                   "user-agent": USER_AGENT, **extra}
        if token:
            headers["x-acs-security-token"] = token
        headers["authorization"] = sign(method, path, query, headers, body, ak, sk)
        qs = "&".join(f"{k}={_enc(v)}" for k, v in sorted(query.items()))
        url = base + path + (f"?{qs}" if qs else "")
        return self._http().request(method, url, headers=headers, content=body,
                                    timeout=self.timeout)

    # -- invocation --------------------------------------------------------
    def invoke(self, request: FunctionRequest) -> FunctionResponse:
        """Invoke ``request.function``; every FC or transport failure is a
        ``FunctionResponse`` with ``error`` set (see module docstring)."""
        base = self._base_url(request)
        creds = self._credentials()
        try:
            resp = self._invoke(request, base, creds)
        except BackendError as exc:
            raise BackendError(scrub_text(str(exc), creds)) from None
        return scrub_response(resp, creds)

    def _invoke(self, request: FunctionRequest, base: str, creds) -> FunctionResponse:
        ref = request.function
        fn = _enc(ref.function)
        query = {"qualifier": ref.qualifier} if ref.qualifier else {}
        poll = request.task_mode == "WaitForSystemCallback" and request.invocation_type == "Async"
        extra = {"content-type": "application/octet-stream",
                 "x-fc-invocation-type": request.invocation_type, "x-fc-log-type": "Tail"}
        task_id = f"flowdbg_{uuid.uuid4().hex}" if poll else None
        if task_id:
            extra["x-fc-async-task-id"] = task_id
        start = time.monotonic()
        try:
            r = self._send(creds, base, "POST", "InvokeFunction",
                           f"/{API_VERSION}/functions/{fn}/invocations", query, extra, request.body)
        except httpx.HTTPError as exc:
            return _transport_error(exc, base, time.monotonic() - start)
        resp = _from_http(r, time.monotonic() - start)
        if not task_id or resp.error:
            return resp
        return self._poll(request, base, creds, fn, task_id, query, start)

    def _poll(self, request, base, creds, fn, task_id, query, start) -> FunctionResponse:
        limit = request.timeout if request.timeout is not None else self.max_wait
        path = f"/{API_VERSION}/functions/{fn}/async-tasks/{_enc(task_id)}"
        while True:
            try:
                r = self._send(creds, base, "GET", "GetAsyncTask", path, query, {}, b"")
            except httpx.HTTPError as exc:
                return _transport_error(exc, base, time.monotonic() - start)
            elapsed = time.monotonic() - start
            if r.status_code >= 300:
                return _from_http(r, elapsed)
            try:
                task = r.json()
            except ValueError:
                task = {}
            status = task.get("status", "")
            meta = {"asyncTaskId": task_id, "status": status, "requestId": task.get("requestId")}
            if status in TERMINAL:
                dur = round(elapsed, 3)
                if status == "Succeeded":
                    payload = (task.get("returnPayload") or "").encode("utf-8")
                    return FunctionResponse(payload=payload, duration=dur, source="live", meta=meta)
                detail = task.get("taskErrorMessage") or f"async task {task_id} ended {status}"
                return FunctionResponse(error=TERMINAL[status], detail=detail, duration=dur,
                                        source="live", meta=meta)
            if limit is not None and elapsed + self.poll_interval > limit:
                return FunctionResponse(
                    error=TASK_TIMEOUT, source="live", duration=round(elapsed, 3), meta=meta,
                    detail=f"async task {task_id} still {status or 'unknown'} after {limit:g} s")
            time.sleep(self.poll_interval)


def _from_http(r: httpx.Response, elapsed: float) -> FunctionResponse:
    rid = r.headers.get("x-fc-request-id")
    try:
        log = base64.b64decode(r.headers.get("x-fc-log-result", "")).decode("utf-8", "replace")
    except ValueError:
        log = ""
    meta: dict = {"statusCode": r.status_code, "requestId": rid}
    mk = dict(duration=round(elapsed, 3), log=log, source="live")
    if r.status_code >= 300:
        body = _json(r.content)
        code = body.get("Code") or body.get("ErrorCode") or body.get("errorCode")
        message = body.get("Message") or body.get("ErrorMessage") or body.get("errorMessage")
        rid = body.get("RequestId") or rid
        code = code or STATUS_CODES.get(r.status_code) or f"HTTP{r.status_code}"
        message = message or r.text[:500] or r.reason_phrase
        meta.update(code=code, requestId=rid)
        detail = f"{message} (HTTP {r.status_code}, RequestId: {rid})" if rid else \
            f"{message} (HTTP {r.status_code})"
        return FunctionResponse(error=f"FC.{code}", detail=detail, meta=meta, **mk)
    kind = r.headers.get("x-fc-error-type")
    if kind:
        body = _json(r.content)
        msg = body.get("errorMessage") or r.text[:500] or kind
        detail = f"{body['errorType']}: {msg}" if body.get("errorType") else msg
        meta.update({k: body[k] for k in ("errorMessage", "errorType", "stackTrace") if k in body},
                    errorKind=kind)
        return FunctionResponse(error=FUNCTION_ERROR, detail=detail, meta=meta, **mk)
    return FunctionResponse(payload=r.content, meta=meta, **mk)


def _transport_error(exc: httpx.HTTPError, base: str, elapsed: float) -> FunctionResponse:
    host = urlsplit(base).netloc
    mk = dict(duration=round(elapsed, 3), source="live", meta={"endpoint": host})
    if isinstance(exc, httpx.TimeoutException):
        return FunctionResponse(error="FC.RequestTimeout", **mk, detail=(
            f"{type(exc).__name__} talking to {host}: no answer in time (the function may "
            "still be running in FC; flowdbg does not retry, the flow's Retry decides)"))
    cause, tls = exc, False
    while cause is not None:
        tls = tls or "ssl" in type(cause).__module__.lower() or "CERTIFICATE" in str(cause)
        cause = cause.__cause__ or cause.__context__
    what = "TLS error" if tls else type(exc).__name__
    return FunctionResponse(error="FC.NetworkError", detail=f"{what} talking to {host}: {exc}", **mk)


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _quiet_credentials_chain() -> None:
    """The chain's last resort asks the ECS metadata service (a network call
    to a non-loopback address) and logs tracebacks to stderr when it fails.
    flowdbg's chain is environment variables, then the CLI profile: the ECS
    step is off unless the user turns it on (ALIBABA_CLOUD_ECS_METADATA_DISABLED=false),
    and the library's log stays out of the terminal (the BackendError says
    what went wrong)."""
    import logging
    import os
    os.environ.setdefault("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    log = logging.getLogger("credentials")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
