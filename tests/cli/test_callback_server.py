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


# -- issue 11: hostile reports, secrets, stopping, load ------------------------------
@pytest.mark.parametrize("output,message", [
    ('"\\ud800"', "Output is not valid JSON: the string holds a lone surrogate \\ud800"),
    ('{"n": 1e400}', "Output is not valid JSON: $.n: the number 1e400 is out of JSON's range"),
    ("[NaN]", "Output is not valid JSON: $[0]: NaN is not valid JSON"),
])
def test_outputs_json_cannot_carry_are_400_before_the_sink(served, output, message):
    srv, sink = served()
    r = post(srv, "/ReportTaskSucceeded", srv.secret, json={"TaskToken": "t", "Output": output})
    assert r.status_code == 400 and r.json()["Message"].startswith(message) and not sink.reports


def test_a_lone_surrogate_in_error_or_cause_is_400(served):
    srv, sink = served()
    body = b'{"TaskToken": "t", "Error": "E", "Cause": "\\udc00"}'
    r = post(srv, "/ReportTaskFailed", srv.secret, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "lone surrogate" in r.json()["Message"] and not sink.reports


def test_the_secret_never_starts_with_a_dash(monkeypatch):
    import secrets as real
    drawn = iter(["-starts-with-a-dash-000000000000", "AlsoFine-000000000000000000000000"])
    monkeypatch.setattr(real, "token_urlsafe", lambda n: next(drawn))
    assert CallbackServer(Sink()).secret == "AlsoFine-000000000000000000000000"


def test_stop_lets_a_reply_in_flight_reach_its_client():
    # The report that finishes a run is answered while the run ends: stop()
    # must not close the connection before the 200 is written (issue 11).
    started, release = threading.Event(), threading.Event()

    def sink(report):
        started.set()
        release.wait(5)
        return CallbackReply(True)
    srv = CallbackServer(sink).start()
    result = {}

    def client():
        result["r"] = post(srv, "/ReportTaskSucceeded", srv.secret, json={"TaskToken": "t", "Output": "1"})
    t = threading.Thread(target=client)
    t.start()
    assert started.wait(5)
    stopper = threading.Thread(target=srv.stop)
    stopper.start()
    release.set()  # the sink answers while stop() is under way
    stopper.join(10)
    t.join(10)
    assert result["r"].status_code == 200 and result["r"].json() == {"Accepted": True}


def test_200_concurrent_reports_and_150_half_sent_requests():
    import concurrent.futures
    lock, seen = threading.Lock(), []

    def sink(report):
        with lock:
            first = report.token not in seen
            seen.append(report.token)
        return CallbackReply(first, "" if first else "already answered")
    srv = CallbackServer(sink).start()
    stalled = []
    try:
        for _ in range(150):  # headers promise a body that never comes
            s = socket.create_connection((srv.host, srv.port), timeout=5)
            s.sendall(b"POST /ReportTaskSucceeded HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Task")
            stalled.append(s)
        before = threading.active_count()

        def report(i):
            with httpx.Client(timeout=30) as c:
                r = c.post(srv.url + "/ReportTaskSucceeded", headers={"x-flowdbg-secret": srv.secret},
                           json={"TaskToken": f"t{i % 100}", "Output": json.dumps({"i": i})})
                return r.status_code
        with concurrent.futures.ThreadPoolExecutor(200) as pool:
            codes = list(pool.map(report, range(200)))
        # each of the 100 tokens accepted exactly once, refused once; nothing lost or doubled
        assert sorted(codes) == [200] * 100 + [409] * 100
        assert sorted(set(seen)) == sorted({f"t{i}" for i in range(100)}) and len(seen) == 200
        assert threading.active_count() - before < 10  # half-sent requests hold sockets, not threads
    finally:
        for s in stalled:
            s.close()
        srv.stop()


def test_a_half_sent_request_is_dropped_after_the_idle_timeout(monkeypatch):
    import flowdbg.engine.backends.callback_server as cs
    monkeypatch.setattr(cs, "CHANNEL_TIMEOUT", 1)
    srv = CallbackServer(Sink()).start()
    try:
        s = socket.create_connection((srv.host, srv.port), timeout=10)
        s.sendall(b"POST /ReportTaskSucceeded HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        assert s.recv(100) == b""  # closed by the server within a few seconds
    finally:
        srv.stop()
