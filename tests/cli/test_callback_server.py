"""CallbackServer over real HTTP, and the `flowdbg callback` client against it."""
from __future__ import annotations

import argparse
import json
import socket
import threading

import httpx
import pytest

from flowdbg.engine.backends.callback_server import CallbackReply, CallbackReport, CallbackServer
from flowdbg.tui.callback_cli import add_callback_parser, run_callback


class Sink:
    def __init__(self, accept=True, reason="", boom=False):
        self.reports: list[CallbackReport] = []
        self.accept, self.reason, self.boom = accept, reason, boom
        self.lock = threading.Lock()

    def __call__(self, report):
        if self.boom:
            raise RuntimeError("sink broke")
        with self.lock:
            self.reports.append(report)
        return CallbackReply(self.accept, self.reason)


@pytest.fixture
def served():
    servers = []

    def make(**kw):
        sink = Sink(**kw)
        srv = CallbackServer(sink).start()
        servers.append(srv)
        return srv, sink
    yield make
    for srv in servers:
        srv.stop()


def post(srv, path, secret=None, **kw):
    headers = kw.pop("headers", {})
    if secret is not None:
        headers["x-flowdbg-secret"] = secret
    return httpx.post(srv.url + path, headers=headers, timeout=5, **kw)


def test_succeeded_json_body(served):
    srv, sink = served()
    r = post(srv, "/ReportTaskSucceeded", srv.secret,
             json={"TaskToken": "t1", "Output": json.dumps({"a": [1, "ü"]})})
    assert (r.status_code, r.json()) == (200, {"Accepted": True})
    assert sink.reports == [CallbackReport(token="t1", succeeded=True, output={"a": [1, "ü"]})]


def test_failed_form_body_and_action_query_with_bearer(served):
    srv, sink = served()
    r = post(srv, "/ReportTaskFailed", srv.secret,
             data={"TaskToken": "t2", "Error": "Oops.Bad", "Cause": "because"})
    assert r.status_code == 200
    r = httpx.post(srv.url + "/?Action=ReportTaskFailed", timeout=5,
                   headers={"Authorization": f"Bearer {srv.secret}"},
                   data={"TaskToken": "t3", "Error": "E"})
    assert r.status_code == 200
    assert sink.reports == [
        CallbackReport(token="t2", succeeded=False, error="Oops.Bad", cause="because"),
        CallbackReport(token="t3", succeeded=False, error="E", cause=None)]


@pytest.mark.parametrize("secret", [None, "wrong"])
def test_bad_or_missing_secret_is_403(served, secret):
    srv, sink = served()
    r = post(srv, "/ReportTaskSucceeded", secret, json={"TaskToken": "t", "Output": "{}"})
    assert r.status_code == 403 and r.json()["Code"] == "AccessDenied" and not sink.reports


@pytest.mark.parametrize("body, message", [
    ({"TaskToken": "t", "Output": "{not json"}, "Output is not valid JSON"),
    ({"TaskToken": "t", "Output": {"a": 1}}, "JSON *string*"),
    ({"TaskToken": "t"}, "Output is required"),
    ({"Output": "{}"}, "TaskToken is required"),
])
def test_bad_success_input_is_400_before_sink(served, body, message):
    srv, sink = served()
    r = post(srv, "/ReportTaskSucceeded", srv.secret, json=body)
    assert r.status_code == 400 and message in r.json()["Message"] and not sink.reports


@pytest.mark.parametrize("body", [
    {"TaskToken": "t"}, {"TaskToken": "t", "Error": ""}, {"TaskToken": "t", "Error": "x" * 129},
    {"TaskToken": "t", "Error": "E", "Cause": "c" * 4097},
])
def test_bad_failure_input_is_400(served, body):
    srv, sink = served()
    r = post(srv, "/ReportTaskFailed", srv.secret, json=body)
    assert r.status_code == 400 and not sink.reports


def test_limits_are_inclusive(served):
    srv, sink = served()
    r = post(srv, "/ReportTaskFailed", srv.secret,
             json={"TaskToken": "t", "Error": "x" * 128, "Cause": "c" * 4096})
    assert r.status_code == 200 and len(sink.reports) == 1


def test_refused_is_409_with_reason(served):
    srv, _ = served(accept=False, reason="token t is stale (its task was stopped)")
    r = post(srv, "/ReportTaskSucceeded", srv.secret, json={"TaskToken": "t", "Output": "1"})
    assert (r.status_code, r.json()) == (
        409, {"Accepted": False, "Reason": "token t is stale (its task was stopped)"})


def test_unknown_action_bad_json_and_broken_sink(served):
    srv, _ = served()
    assert post(srv, "/Heartbeat", srv.secret, json={}).status_code == 404
    r = post(srv, "/ReportTaskSucceeded", srv.secret, content=b"{oops",
             headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["Message"]
    with socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        sock.sendall(b"POST /ReportTaskSucceeded HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
                     + f"x-flowdbg-secret: {srv.secret}\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    assert httpx.get(srv.url + "/ReportTaskSucceeded", timeout=5).status_code == 405
    srv2, _ = served(boom=True)
    r = post(srv2, "/ReportTaskSucceeded", srv2.secret, json={"TaskToken": "t", "Output": "1"})
    assert r.status_code == 500 and "sink broke" in r.json()["Message"]
    r = post(srv2, "/ReportTaskSucceeded", srv2.secret, json={"TaskToken": "t", "Output": "1"})
    assert r.status_code == 500  # still serving


def test_loopback_only_and_random_secret():
    with pytest.raises(ValueError, match="loopback"):
        CallbackServer(Sink(), host="0.0.0.0")
    a, b = CallbackServer(Sink()), CallbackServer(Sink(), secret="given")
    assert len(a.secret) >= 20 and a.secret != CallbackServer(Sink()).secret and b.secret == "given"
    with pytest.raises(RuntimeError):
        a.url


# -- the client -------------------------------------------------------------
def cli(*argv):
    parser = argparse.ArgumentParser(prog="flowdbg")
    add_callback_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["callback", *argv])
    assert args.func is run_callback
    return run_callback(args)


def test_cli_succeed_and_fail(served, capsys):
    srv, sink = served()
    assert cli("succeed", "tok", "--output", '{"x": 1}', "--url", srv.url,
               "--secret", srv.secret) == 0
    assert "accepted" in capsys.readouterr().out
    assert cli("fail", "tok2", "--error", "My.Error", "--cause", "why", "--url", srv.url,
               "--secret", srv.secret) == 0
    assert sink.reports == [CallbackReport("tok", True, {"x": 1}),
                            CallbackReport("tok2", False, None, "My.Error", "why")]


def test_cli_env_defaults_and_refusal(served, capsys, monkeypatch):
    srv, _ = served(accept=False, reason="unknown token")
    monkeypatch.setenv("FLOWDBG_CALLBACK_URL", srv.url)
    monkeypatch.setenv("FLOWDBG_CALLBACK_SECRET", srv.secret)
    assert cli("succeed", "tok", "--output", "null") == 1
    assert "refused: unknown token" in capsys.readouterr().err


def test_cli_errors_are_one_line_exit_2(served, capsys, monkeypatch):
    monkeypatch.delenv("FLOWDBG_CALLBACK_URL", raising=False)
    monkeypatch.delenv("FLOWDBG_CALLBACK_SECRET", raising=False)
    srv, sink = served()
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    cases = [
        (("succeed", "t", "--output", "{bad"), "not valid JSON"),
        (("succeed", "t", "--output", "1"), "no callback URL"),
        (("succeed", "t", "--output", "1", "--url", dead), "cannot reach"),
        (("succeed", "t", "--output", "1", "--url", srv.url, "--secret", "nope"), "forbidden"),
        (("fail", "t", "--error", "x" * 129, "--url", srv.url), "1-128"),
    ]
    for argv, text in cases:
        assert cli(*argv) == 2
        err = capsys.readouterr().err
        assert text in err and err.count("\n") == 1 and "Traceback" not in err
    assert not sink.reports
