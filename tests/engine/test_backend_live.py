"""LiveBackend against a real HTTP server on 127.0.0.1 that speaks FC 3.0.

The server checks every request it receives: method, path, query, headers,
body bytes, and the ACS3-HMAC-SHA256 signature, recomputed from the bytes on
the wire with Alibaba's own signing library (alibabacloud_openapi_util) and
with an independent from-the-docs implementation, both pinned to the
example published in Alibaba's documentation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote

import httpx
import pytest
from alibabacloud_openapi_util.client import Client as OpenApiUtil

from flowdbg.engine.backends import Backend, BackendError, FunctionRequest, parse_function_arn
from flowdbg.engine.backends.live import LiveBackend

AK, SK, TOKEN = "LTAI5tFakeAccessKeyId0001", "fakeSecretDoNotLeak0123456789", "STS.tokenDoNotLeak42"
CREDS = {"access_key_id": AK, "access_key_secret": SK}
ARN = "acs:fc:cn-hangzhou:1234567890:functions/hello/prod"
REQUIRED_SIGNED = {"host", "x-acs-action", "x-acs-version", "x-acs-date",
                   "x-acs-signature-nonce", "x-acs-content-sha256"}


# -- oracles --------------------------------------------------------------------
def reference_signature(method, path, query, headers, body, secret):
    """ACS3-HMAC-SHA256 written from the docs, independent of any library."""
    cq = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query.items()))
    names = sorted(headers)
    ch = "".join(f"{n}:{headers[n].strip()}\n" for n in names)
    creq = "\n".join([method, path, cq, ch, ";".join(names), hashlib.sha256(body).hexdigest()])
    sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(creq.encode()).hexdigest()
    return hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest()


def test_oracles_match_alibaba_published_example():
    # https://help.aliyun.com/zh/model-studio/roa-style-request-body-signature-mechanism
    headers = {"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
               "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
               "x-acs-date": "2023-10-26T09:01:01Z",
               "x-acs-signature-nonce": "d410180a5abf7fe235dd9b74aca91fc0",
               "x-acs-version": "2014-05-26"}
    query = {"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
             "RegionId": "cn-shanghai"}
    expected = "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
    req = SimpleNamespace(method="POST", pathname="/", query=query, headers=headers)
    auth = OpenApiUtil.get_authorization(req, "ACS3-HMAC-SHA256", hashlib.sha256(b"").hexdigest(),
                                         "YourAccessKeyId", "YourAccessKeySecret")
    assert auth.endswith("Signature=" + expected)
    assert reference_signature("POST", "/", query, headers, b"", "YourAccessKeySecret") == expected


# -- the fake FC ------------------------------------------------------------------
class FakeFC:
    """Records every request (with signature checks); ``route(call)`` answers
    ``(status, headers, body)`` and may sleep."""

    def __init__(self, secret=SK):
        self.secret, self.calls, self.raw = secret, [], []
        self.route = lambda call: (200, {}, b"")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = fake.check(self.command, self.path, self.headers, body)
                fake.raw.append(str(self.requestline) + str(self.headers) + body.decode("latin-1"))
                status, headers, out = fake.route(call)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client gave up (timeout tests)

            do_POST = do_GET = handle_one

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def check(self, method, raw_path, headers, body):
        path, _, qs = raw_path.partition("?")
        query = dict(parse_qsl(qs, keep_blank_values=True))
        auth = headers["Authorization"]
        m = re.fullmatch(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=(\w+)",
                         auth)
        signed = m.group(2).split(";")
        h = {n: headers[n] for n in signed}
        oracle = OpenApiUtil.get_authorization(
            SimpleNamespace(method=method, pathname=path, query=query, headers=h),
            "ACS3-HMAC-SHA256", hashlib.sha256(body).hexdigest(), m.group(1), self.secret)
        call = SimpleNamespace(
            method=method, path=path, query=query, headers={k.lower(): v for k, v in headers.items()},
            body=body, credential=m.group(1), signed=set(signed),
            sig_ok=(oracle == auth and m.group(3) == reference_signature(
                method, path, query, h, body, self.secret)),
            sha_ok=headers["x-acs-content-sha256"] == hashlib.sha256(body).hexdigest())
        self.calls.append(call)
        return call

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fc():
    server = FakeFC()
    yield server
    server.stop()


def req(body=b'{"k": "v"}', arn=ARN, **kw) -> FunctionRequest:
    return FunctionRequest(state="Call", scope="", function=parse_function_arn(arn),
                           invocation_type=kw.pop("invocation_type", "Sync"), body=body, **kw)


def live(fc, **kw) -> LiveBackend:
    kw.setdefault("credentials", CREDS)
    return LiveBackend(endpoint=fc.url, **kw)


def assert_no_secret(*things):
    for thing in things:
        text = thing if isinstance(thing, str) else json.dumps(thing, default=str)
        for s in (AK, SK, TOKEN):
            assert s not in text


# -- invoke ----------------------------------------------------------------------------
def test_sync_invoke_request_is_exact_and_signed(fc):
    body = '{"name": "ünïcode"}'.encode() + b"\x00\xff"
    fc.route = lambda c: (200, {"x-fc-request-id": "req-1",
                                "x-fc-log-result": base64.b64encode(b"FC Invoke Start\nhi\n").decode()},
                          b'{"ok": true}')
    r = live(fc).invoke(req(body))
    assert (r.error, r.payload, r.source, r.log) == (None, b'{"ok": true}', "live",
                                                     "FC Invoke Start\nhi\n")
    assert r.meta["requestId"] == "req-1" and r.meta["statusCode"] == 200
    (c,) = fc.calls
    assert (c.method, c.path, c.query, c.body) == (
        "POST", "/2023-03-30/functions/hello/invocations", {"qualifier": "prod"}, body)
    h = c.headers
    assert (h["x-fc-invocation-type"], h["x-fc-log-type"], h["x-acs-action"], h["x-acs-version"]) \
        == ("Sync", "Tail", "InvokeFunction", "2023-03-30")
    assert h["host"] == fc.url.removeprefix("http://") and "x-fc-async-task-id" not in h
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h["x-acs-date"])
    assert c.sig_ok and c.sha_ok and c.credential == AK
    assert REQUIRED_SIGNED | {"x-fc-invocation-type", "x-fc-log-type"} <= c.signed
    assert "x-acs-security-token" not in h
    assert_no_secret(r.to_json(), fc.raw[0].replace(AK, ""))  # the AK ID only in Credential=


def test_sts_token_is_sent_and_signed_and_no_qualifier(fc):
    fc.route = lambda c: (200, {}, b"ok")
    b = live(fc, credentials={**CREDS, "security_token": TOKEN})
    r = b.invoke(req(b"", arn="acs:fc:cn-hangzhou:1:functions/hello"))
    (c,) = fc.calls
    assert r.payload == b"ok" and c.sig_ok and c.query == {} and c.body == b""
    assert c.headers["x-acs-security-token"] == TOKEN and "x-acs-security-token" in c.signed
    assert SK not in fc.raw[0]
    assert_no_secret(r.to_json())


def test_credentials_from_default_chain_env(fc, monkeypatch):
    from alibabacloud_credentials.utils import auth_util  # reads the env at import time
    monkeypatch.setattr(auth_util, "environment_access_key_id", AK)
    monkeypatch.setattr(auth_util, "environment_access_key_secret", SK)
    monkeypatch.setattr(auth_util, "environment_security_token", None)
    fc.route = lambda c: (200, {}, b"env")
    assert LiveBackend(endpoint=fc.url).invoke(req()).payload == b"env"
    assert fc.calls[0].sig_ok and fc.calls[0].credential == AK


@pytest.mark.parametrize("status, body, error, detail", [
    (429, {"Code": "ResourceThrottled", "Message": "Reserve resource exceeded limit",
           "RequestId": "r-429"}, "FC.ResourceThrottled", "Reserve resource exceeded limit"),
    (404, {"Code": "FunctionNotFound", "Message": "function 'hello' does not exist",
           "RequestId": "r-404"}, "FC.FunctionNotFound", "does not exist"),
    (400, {"ErrorCode": "EntityTooLarge", "ErrorMessage": "payload too big"},
     "FC.EntityTooLarge", "payload too big"),
    (500, "upstream blew up", "FC.InternalServerError", "upstream blew up"),
    (503, "", "FC.ResourceExhausted", "Service Unavailable"),
    (502, "", "FC.HTTP502", "Bad Gateway"),
])
def test_fc_error_responses(fc, status, body, error, detail):
    raw = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
    fc.route = lambda c: (status, {"Content-Type": "application/json", "x-fc-request-id": "h-1"}, raw)
    r = live(fc).invoke(req())
    assert (r.error, r.payload) == (error, None) and detail in r.detail
    assert f"HTTP {status}" in r.detail and r.meta["statusCode"] == status
    if isinstance(body, dict) and "RequestId" in body:
        assert body["RequestId"] in r.detail and r.meta["requestId"] == body["RequestId"]


def test_function_error_is_fc_unknown(fc):
    err = {"errorMessage": "boom", "errorType": "ValueError",
           "stackTrace": [["File \"/code/index.py\"", "line 2", "in handler", "raise"]]}
    fc.route = lambda c: (200, {"x-fc-error-type": "UnhandledInvocationError",
                                "x-fc-log-result": base64.b64encode(b"Traceback...").decode()},
                          json.dumps(err).encode())
    r = live(fc).invoke(req())
    assert (r.error, r.detail, r.log) == ("FC.Unknown", "ValueError: boom", "Traceback...")
    assert r.meta["errorKind"] == "UnhandledInvocationError" and r.meta["errorType"] == "ValueError"
    fc.route = lambda c: (200, {"x-fc-error-type": "UnhandledInvocationError"},
                          b'{"errorMessage": "Function timed out after 3 seconds"}')
    r = live(fc).invoke(req())
    assert (r.error, r.detail) == ("FC.Unknown", "Function timed out after 3 seconds")


def test_timeout_is_request_timeout(fc):
    def slow(call):
        time.sleep(1.0)
        return 200, {}, b"late"
    fc.route = slow
    t0 = time.monotonic()
    r = live(fc, timeout=0.2).invoke(req())
    assert r.error == "FC.RequestTimeout" and "127.0.0.1" in r.detail and time.monotonic() - t0 < 0.9


def test_connection_refused_is_network_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    r = LiveBackend(endpoint=url, credentials=CREDS).invoke(req())
    assert r.error == "FC.NetworkError" and "ConnectError" in r.detail and r.payload is None


# -- async ------------------------------------------------------------------------------
def async_fc(fc, statuses, final):
    """Invoke → 202; then GetAsyncTask answers ``statuses`` in turn, then ``final``."""
    seen = iter(statuses)

    def route(c):
        if c.method == "POST":
            return 202, {"x-fc-request-id": "inv-1"}, b""
        task = {"taskId": c.path.rsplit("/", 1)[1], "requestId": "inv-1",
                "status": next(seen, None) or final["status"]}
        if task["status"] == final["status"]:
            task.update(final)
        return 200, {"Content-Type": "application/json"}, json.dumps(task).encode()
    fc.route = route


def test_wait_for_system_callback_polls_async_task(fc):
    async_fc(fc, ["Enqueued", "Running", "Running"],
             {"status": "Succeeded", "returnPayload": '{"done": 1}'})
    r = live(fc, poll_interval=0.01).invoke(req(invocation_type="Async",
                                                task_mode="WaitForSystemCallback"))
    assert (r.error, r.payload) == (None, b'{"done": 1}')
    invoke, *polls = fc.calls
    task_id = invoke.headers["x-fc-async-task-id"]
    assert re.fullmatch(r"[A-Za-z_][\w-]{0,127}", task_id) and "x-fc-async-task-id" in invoke.signed
    assert invoke.headers["x-fc-invocation-type"] == "Async" and len(polls) == 4
    for p in polls:
        assert (p.method, p.path, p.query) == (
            "GET", f"/2023-03-30/functions/hello/async-tasks/{task_id}", {"qualifier": "prod"})
        assert p.headers["x-acs-action"] == "GetAsyncTask" and p.sig_ok and p.body == b""
    assert r.meta["asyncTaskId"] == task_id and r.meta["status"] == "Succeeded"


@pytest.mark.parametrize("final, error", [
    ({"status": "Failed", "taskErrorMessage": "UnhandledInvocationError"}, "FC.Unknown"),
    ({"status": "Expired"}, "FC.AsyncTaskExpired"),
    ({"status": "Stopped"}, "FC.AsyncTaskStopped"),
    ({"status": "Invalid"}, "FC.AsyncTaskInvalid"),
])
def test_async_task_failures(fc, final, error):
    async_fc(fc, ["Running"], final)
    r = live(fc, poll_interval=0.01).invoke(req(invocation_type="Async",
                                                task_mode="WaitForSystemCallback"))
    assert r.error == error and r.payload is None
    if "taskErrorMessage" in final:
        assert r.detail == "UnhandledInvocationError"


def test_async_poll_gives_up_at_task_timeout(fc):
    async_fc(fc, [], {"status": "Running"})
    r = live(fc, poll_interval=0.02).invoke(req(invocation_type="Async", timeout=0.1,
                                                task_mode="WaitForSystemCallback"))
    assert r.error == "FnF.TaskTimeout" and "still Running" in r.detail


def test_request_complete_async_returns_when_accepted(fc):
    fc.route = lambda c: (202, {"x-fc-request-id": "a-1"}, b"")
    r = live(fc).invoke(req(invocation_type="Async"))
    assert (r.error, r.payload, r.meta["statusCode"]) == (None, b"", 202)
    (c,) = fc.calls
    assert c.headers["x-fc-invocation-type"] == "Async" and "x-fc-async-task-id" not in c.headers


# -- configuration and secrecy ----------------------------------------------------------------
def test_endpoint_rules():
    for bad in ("http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1/x"):
        with pytest.raises(BackendError):
            LiveBackend(endpoint=bad, credentials=CREDS)
    ok = LiveBackend(endpoint="https://example.com", credentials=CREDS)
    assert isinstance(ok, Backend) and ok.name == "live" and ok.handles(req())
    LiveBackend(endpoint="http://localhost:9", credentials=CREDS)
    LiveBackend(endpoint="http://[::1]:9", credentials=CREDS)


def test_default_endpoint_from_arn_or_constructor():
    seen = []

    def handler(request: httpx.Request):
        seen.append(str(request.url))
        return httpx.Response(200, content=b"x")
    b = LiveBackend(credentials=CREDS, transport=httpx.MockTransport(handler))
    b.invoke(req())
    b2 = LiveBackend(credentials=CREDS, region="cn-beijing", account="42",
                     transport=httpx.MockTransport(handler))
    b2.invoke(req(arn="acs:fc:::functions/hello"))
    assert seen == ["https://1234567890.cn-hangzhou.fc.aliyuncs.com/2023-03-30/functions/hello/"
                    "invocations?qualifier=prod",
                    "https://42.cn-beijing.fc.aliyuncs.com/2023-03-30/functions/hello/invocations"]
    with pytest.raises(BackendError, match="region/account"):
        LiveBackend(credentials=CREDS).invoke(req(arn="acs:fc:::functions/hello"))
    with pytest.raises(BackendError, match="FC 3.0"):
        b.invoke(req(arn="acs:fc:cn-hangzhou:1:services/s.LATEST/functions/f"))


def test_missing_credentials_is_backend_error(fc):
    class Broken:
        def get_credential(self):
            raise RuntimeError("unable to load credentials from any of the providers")
    with pytest.raises(BackendError, match="no Alibaba Cloud credentials"):
        live(fc, credentials=Broken()).invoke(req())
    with pytest.raises(BackendError, match="lack"):
        live(fc, credentials={"access_key_id": AK}).invoke(req())


def test_credentials_never_leak_even_when_echoed(fc):
    echo = f"AccessKeyId {AK} secret {SK} token {TOKEN}"
    fc.route = lambda c: (403, {"x-fc-log-result": base64.b64encode(echo.encode()).decode()},
                          json.dumps({"Code": "InvalidAccessKeyId", "Message": echo,
                                      "RequestId": echo}).encode())
    b = live(fc, credentials={**CREDS, "security_token": TOKEN})
    r = b.invoke(req())
    assert r.error == "FC.InvalidAccessKeyId" and "***" in r.detail and "***" in r.log
    assert_no_secret(r.to_json(), r.detail, r.log, r.meta, repr(r))
    fc.route = lambda c: (200, {"x-fc-error-type": "HandledInvocationError"},
                          json.dumps({"errorMessage": echo, "errorType": SK}).encode())
    r = b.invoke(req())
    assert r.error == "FC.Unknown"
    assert_no_secret(r.to_json(), repr(r))
    for raw in fc.raw:
        assert SK not in raw


# -- issue 11: nothing downstream sees a credential ---------------------------------
def test_a_payload_echoing_the_request_headers_is_scrubbed_where_it_enters(fc):
    from flowdbg.engine.door import Door
    fc.route = lambda c: (200, {}, json.dumps({"headers": c.headers}).encode())
    recorded = []
    door = Door(backends=[live(fc, credentials={**CREDS, "security_token": TOKEN})], record=recorded.append)
    r = door.function(req())
    echoed = json.loads(r.payload)["headers"]
    assert echoed["authorization"] == "***" and echoed["x-acs-security-token"] == "***"
    assert echoed["x-acs-action"] == "InvokeFunction"  # the rest is the function's data, kept
    assert_no_secret(r.to_json(), recorded)
    assert "Signature=" not in json.dumps(recorded)


def test_user_and_password_in_the_endpoint_never_reach_the_host_header_or_messages(fc):
    url = fc.url.replace("http://", "http://bob:hunter2@")
    r = LiveBackend(endpoint=url, credentials=CREDS).invoke(req())
    assert r.error is None and fc.calls[0].headers["host"] == fc.url.removeprefix("http://")
    assert "authorization" not in {k for k in fc.calls[0].headers if fc.calls[0].headers[k].startswith("Basic")}
    with pytest.raises(BackendError) as e:
        LiveBackend(endpoint="http://bob:hunter2@example.com", credentials=CREDS)
    assert "hunter2" not in str(e.value) and "http://***@example.com" in str(e.value)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://bob:hunter2@127.0.0.1:{s.getsockname()[1]}"
    r = LiveBackend(endpoint=dead, credentials=CREDS, timeout=2).invoke(req())
    assert r.error == "FC.NetworkError" and "hunter2" not in json.dumps(r.to_json())
