"""Helpers for the ``flowdbg serve`` tests: a real server process on a free
port, and Alibaba's official CloudFlow SDK pointed at it.

    with serve_process(APPROVAL) as srv:
        c = srv.client()
        c.start_execution(models.StartExecutionRequest(flow_name="approval", ...))

``wait_for(fn)`` polls until ``fn()`` is truthy (executions run on their own
threads); ``api_error(fn)`` returns the ClientException the SDK raised.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from alibabacloud_fnf20190315 import models  # noqa: F401  (re-exported for the tests)
from alibabacloud_fnf20190315.client import Client
from alibabacloud_tea_openapi.utils_models import Config

from . import FIXTURES, REPO

SERVE_FIXTURES = os.path.join(FIXTURES, "serve")
APPROVAL = os.path.join(SERVE_FIXTURES, "approval.yaml")


def sdk_client(port: int, key: str = "test-key", secret: str = "test-secret") -> Client:
    return Client(Config(access_key_id=key, access_key_secret=secret, endpoint=f"127.0.0.1:{port}",
                         protocol="http", region_id="cn-hangzhou", read_timeout=30000, connect_timeout=5000))


class ServeProcess:
    def __init__(self, proc: subprocess.Popen, log_path: str, port: int):
        self.proc, self.log_path, self.port = proc, log_path, port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, key: str = "test-key", secret: str = "test-secret") -> Client:
        return sdk_client(self.port, key, secret)

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


@contextlib.contextmanager
def serve_process(*args: str, env: dict | None = None, startup: float = 30.0):
    """``flowdbg serve ARGS --port 0``; yields a :class:`ServeProcess`, then
    stops it with SIGTERM and checks that it exits 0."""
    fd, log_path = tempfile.mkstemp(prefix="flowdbg-serve-", suffix=".log")
    os.close(fd)
    cmd = [sys.executable, "-m", "flowdbg.tui.cli", "serve", *args, "--port", "0"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=REPO,
                                env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + startup
        port = None
        while port is None:
            text = open(log_path, encoding="utf-8", errors="replace").read()
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
            if m:
                port = int(m.group(1))
            elif proc.poll() is not None:
                raise AssertionError(f"flowdbg serve exited {proc.returncode}:\n{text}")
            elif time.monotonic() > deadline:
                raise AssertionError(f"flowdbg serve did not start in {startup} s:\n{text}")
            else:
                time.sleep(0.05)
        yield ServeProcess(proc, log_path, port)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError("flowdbg serve did not stop on SIGTERM")
            assert code == 0, f"flowdbg serve exited {code}:\n{open(log_path).read()}"
        os.unlink(log_path)


def wait_for(fn, timeout: float = 20.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; last value {value!r}")
        time.sleep(interval)


def api_error(fn, *args):
    """The SDK's exception for a refused request (fails the test if it succeeded)."""
    from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
    try:
        fn(*args)
    except (ClientException, ServerException) as e:
        return e
    raise AssertionError("the request succeeded; an error was expected")


def history(client, flow: str, execution: str) -> list:
    """Every event, following NextToken."""
    out, token = [], None
    while True:
        r = client.get_execution_history(models.GetExecutionHistoryRequest(
            flow_name=flow, execution_name=execution, limit=999, next_token=token)).body
        out += r.events or []
        token = r.next_token
        if not token:
            return out


def detail(event) -> dict:
    return json.loads(event.event_detail)


def task_token(client, flow: str, execution: str, state: str) -> str:
    """What an application does: find the waiting task's callbackToken in the
    TaskScheduled event's request (its Parameters)."""
    def find():
        for e in history(client, flow, execution):
            if e.type == "TaskScheduled" and e.step_name == state:
                return detail(e)["parameters"]["body"]["callbackToken"]
        return None
    return wait_for(find)


def status(client, flow: str, execution: str) -> str:
    return client.describe_execution(models.DescribeExecutionRequest(
        flow_name=flow, execution_name=execution)).body.status
