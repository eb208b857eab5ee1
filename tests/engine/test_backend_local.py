"""LocalBackend: real subprocesses running small FC-style handlers."""
from __future__ import annotations

import json
import textwrap
import threading

import pytest

from flowdbg.engine.backends import Backend, BackendError, FunctionRequest, parse_function_arn
from flowdbg.engine.backends.callback_server import CallbackReply, CallbackServer
from flowdbg.engine.backends.local import LocalBackend

ARN = "acs:fc:cn-hangzhou:1234567890:functions/hello/LATEST"


def req(body: bytes = b'{"n": 1}', arn: str = ARN, **kw) -> FunctionRequest:
    return FunctionRequest(state="Call", scope="", function=parse_function_arn(arn),
                           invocation_type="Sync", body=body, **kw)


@pytest.fixture
def code(tmp_path):
    def write(name: str, src: str):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(src))
        return path
    write.dir = tmp_path
    return write


def backend(code, spec: str, **kw) -> LocalBackend:
    return LocalBackend({"hello": spec}, code.dir, **kw)


def test_returns_str_dict_bytes_none_and_sees_event_and_context(code):
    code("fn/index.py", """
        import json
        def as_str(event, context):
            return "got " + event.decode()
        def as_dict(event, context):
            f, s = context.function, context.service
            return {"event": json.loads(event), "rid": context.request_id, "name": f.name,
                    "handler": f.handler, "memory": f.memory, "timeout": f.timeout,
                    "qualifier": s.qualifier, "region": context.region,
                    "account": context.account_id, "ak": context.credentials.access_key_id,
                    "ünï": "ok"}
        def as_bytes(event, context):
            return b"\\x00\\xffraw"
        def as_none(event, context):
            return None
    """)
    r = backend(code, "fn/index.py:as_str").invoke(req())
    assert (r.error, r.payload, r.source) == (None, b'got {"n": 1}', "local")
    r = backend(code, "fn/index.py:as_dict", timeout=7).invoke(req())
    out = json.loads(r.payload)
    assert out["event"] == {"n": 1} and out["rid"] == r.meta["requestId"] and out["rid"]
    assert (out["name"], out["handler"], out["memory"], out["timeout"]) == \
        ("hello", "fn/index.py:as_dict", 128, 7)
    assert (out["qualifier"], out["region"], out["account"], out["ak"]) == \
        ("LATEST", "cn-hangzhou", "1234567890", "")
    assert out["ünï"] == "ok"
    assert backend(code, "fn/index.py:as_bytes").invoke(req()).payload == b"\x00\xffraw"
    assert backend(code, "fn/index.py:as_none").invoke(req()).payload == b""


def test_most_specific_key_wins_and_handles(code):
    code("a.py", "def h(e, c):\n    return 'by-name'\n")
    code("b.py", "def h(e, c):\n    return 'by-arn'\n")
    b = LocalBackend({"hello": "a.py:h", ARN: "b.py:h"}, code.dir)
    assert isinstance(b, Backend) and b.name == "local"
    assert b.handles(req()) and b.invoke(req()).payload == b"by-arn"
    other = req(arn="acs:fc:cn-hangzhou:1:functions/other")
    assert not b.handles(other)
    with pytest.raises(BackendError, match="other"):
        b.invoke(other)
    fc2 = "acs:fc:cn-hangzhou:1:services/svc.LATEST/functions/hello"
    b2 = LocalBackend({"svc/hello": "b.py:h", "hello": "a.py:h"}, code.dir)
    assert b2.invoke(req(arn=fc2)).payload == b"by-arn"


def test_sibling_import_and_logging_go_to_log(code):
    code("pkg/helper.py", "VALUE = 42\n")
    code("pkg/index.py", """
        import logging, sys
        import helper
        def handler(event, context):
            print("hello from stdout")
            print("hello from stderr", file=sys.stderr)
            logging.getLogger().info("logged %s", helper.VALUE)
            return str(helper.VALUE)
    """)
    r = backend(code, "pkg/index.py:handler").invoke(req())
    assert r.payload == b"42"
    for text in ("hello from stdout", "hello from stderr", "logged 42", "[INFO]",
                 f"FC Invoke Start RequestId: {r.meta['requestId']}"):
        assert text in r.log
    assert r.duration > 0


def test_log_is_last_4kb(code):
    code("big.py", """
        def handler(event, context):
            for i in range(2000):
                print(f"line {i:05d}")
            return "ok"
    """)
    r = backend(code, "big.py:handler").invoke(req())
    assert len(r.log.encode()) <= 4096 and "line 01999" in r.log and "line 00000" not in r.log


def test_exception_is_fc_unknown_with_fc_error_shape(code):
    code("err.py", """
        def handler(event, context):
            raise ValueError("boom: " + event.decode())
    """)
    r = backend(code, "err.py:handler").invoke(req(b"x"))
    assert (r.error, r.detail, r.payload) == ("FC.Unknown", "ValueError: boom: x", None)
    assert r.meta["errorType"] == "ValueError" and r.meta["errorMessage"] == "boom: x"
    frames = r.meta["stackTrace"]
    assert frames and frames[-1][2] == "in handler" and "err.py" in frames[-1][0]
    assert "Traceback" in r.log and "ValueError: boom: x" in r.log
    assert json.loads(json.dumps(r.to_json()))["error"] == "FC.Unknown"  # journal round-trip


def test_unserialisable_return_is_a_function_error(code):
    code("bad_ret.py", "def handler(e, c):\n    return {1, 2}\n")
    r = backend(code, "bad_ret.py:handler").invoke(req())
    assert r.error == "FC.Unknown" and r.meta["errorType"] == "TypeError"


def test_hang_times_out_as_fc_function_error(code):
    code("hang.py", """
        import subprocess, sys, time
        def handler(event, context):
            # a child that would keep the pipe open must die with the handler
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            print("started", flush=True)
            time.sleep(60)
    """)
    r = backend(code, "hang.py:handler", timeout=1.0).invoke(req())
    assert r.error == "FC.Unknown"
    assert r.detail == "Function timed out after 1 seconds"
    assert "started" in r.log and r.duration < 10


def test_task_timeout_shorter_than_function_timeout(code):
    code("slow.py", "import time\ndef handler(e, c):\n    time.sleep(60)\n")
    r = backend(code, "slow.py:handler", timeout=60).invoke(req(timeout=0.5))
    assert r.error == "FnF.TaskTimeout" and "0.5 seconds" in r.detail


@pytest.mark.parametrize("body, how", [
    ("os._exit(3)", "exit code 3"),
    ("sys.exit(2)", "exit code 2"),
    ("os.kill(os.getpid(), signal.SIGSEGV)", "killed by signal SIGSEGV"),
])
def test_crash_is_a_clear_error(code, body, how):
    code("crash.py", f"""
        import os, signal, sys
        def handler(event, context):
            print("before crash", flush=True)
            {body}
    """)
    r = backend(code, "crash.py:handler").invoke(req())
    assert r.error == "FC.Unknown"
    assert r.detail.startswith("Process exited unexpectedly before completing request")
    assert how in r.detail and "before crash" in r.log


@pytest.mark.parametrize("files, spec, match", [
    ({}, "missing.py:handler", r"'hello:LATEST'.*missing\.py.*not found"),
    ({"nofunc.py": "x = 1\n"}, "nofunc.py:handler", r"'hello:LATEST'.*nofunc\.py.*no function 'handler'"),
    ({"syntax.py": "def handler(:\n"}, "syntax.py:handler", r"'hello:LATEST'.*syntax\.py.*SyntaxError"),
    ({"imp.py": "import no_such_module_xyz\n"}, "imp.py:handler", r"ModuleNotFoundError"),
    ({}, "index.handler", r"'hello:LATEST'.*expected 'path/to/file\.py:function'"),
])
def test_bad_handler_spec_is_backend_error(code, files, spec, match):
    for name, src in files.items():
        code(name, src)
    with pytest.raises(BackendError, match=match):
        backend(code, spec).invoke(req())


def test_callback_env_and_real_callback_server(code, monkeypatch):
    code("cb.py", """
        import json, os, urllib.request
        def handler(event, context):
            token = json.loads(event)["token"]
            assert os.environ["FLOWDBG_TASK_TOKEN"] == token
            data = json.dumps({"TaskToken": token, "Output": json.dumps({"done": True})}).encode()
            rq = urllib.request.Request(os.environ["FLOWDBG_CALLBACK_URL"] + "/ReportTaskSucceeded",
                                        data=data, method="POST", headers={
                                            "Content-Type": "application/json",
                                            "x-flowdbg-secret": os.environ["FLOWDBG_CALLBACK_SECRET"]})
            with urllib.request.urlopen(rq, timeout=5) as resp:
                return resp.read()
        def env(event, context):
            return {k: os.environ.get(k) for k in
                    ("FLOWDBG_CALLBACK_URL", "FLOWDBG_CALLBACK_SECRET", "FC_FUNCTION_NAME", "EXTRA")}
    """)
    reports, lock = [], threading.Lock()

    def sink(report):
        with lock:
            reports.append(report)
        return CallbackReply(True)

    with CallbackServer(sink) as server:
        b = backend(code, "cb.py:handler", callback_secret=server.secret)
        r = b.invoke(req(json.dumps({"token": "tok-1"}).encode(), task_token="tok-1",
                         task_mode="WaitForCustomCallback", callback_url=server.url))
    assert r.error is None and json.loads(r.payload) == {"Accepted": True}
    assert len(reports) == 1 and reports[0].token == "tok-1" and reports[0].output == {"done": True}
    # Without a callback URL on the request, none leaks in from the debugger's environment.
    monkeypatch.setenv("FLOWDBG_CALLBACK_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("FLOWDBG_CALLBACK_SECRET", "outer")
    r = backend(code, "cb.py:env", callback_secret="s", env={"EXTRA": "x"}).invoke(req())
    assert json.loads(r.payload) == {"FLOWDBG_CALLBACK_URL": None, "FLOWDBG_CALLBACK_SECRET": None,
                                     "FC_FUNCTION_NAME": "hello", "EXTRA": "x"}
