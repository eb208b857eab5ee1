"""`flowdbg FLOW --web`: the same debugger in a real headless Chromium."""
from __future__ import annotations

import os
import time

import pytest

from flowdbg.tui.cli import build_tui_parser
from flowdbg.tui.web import child_argv

from helpers.browser import Served, Terminal, chromium

FLOW = "sample_flows/order-pipeline.yaml"


def test_the_page_shows_the_debugger_and_f10_steps():
    with chromium() as browser:
        served = Served(FLOW, "--input-file", "sample_flows/order-pipeline.input.json", "--break", "Notify")
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            term = Terminal(page, served.url)
            first = term.wait_for(lambda t: "order-pipeline" in t and "ValidateOrder" in t)
            before = page.screenshot()
            [debugger] = served.children()
            with open(f"/proc/{debugger}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            assert b"--input-file=sample_flows/order-pipeline.input.json" in argv and b"--break=Notify" in argv
            assert b"--web" not in argv and not any(a.startswith(b"--port") for a in argv)

            term.press("F10")
            after = term.wait_for(lambda t: t != first)
            assert page.screenshot() != before
            changed = [(a, b) for a, b in zip(first.splitlines(), after.splitlines()) if a != b]
            assert changed, "the screen text did not change"
            # the run started: the status line moved on (the first state's $Input, o-1001, is on
            # screen from the start since issue 10: the Step pane shows what that state will do)
            assert "Not started" in first and "Not started" not in after and "o-1001" in after

            page.close()  # closing the tab ends its debugger
            assert ended(debugger)
        finally:
            assert served.stop() == 0


def ended(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.2)
    return False


def test_stopping_the_server_ends_the_debuggers_of_open_tabs():
    with chromium() as browser:
        served = Served(FLOW, "--input-file", "sample_flows/order-pipeline.input.json")
        try:
            term = Terminal(browser.new_page(), served.url)
            term.wait_for(lambda t: "ValidateOrder" in t)
            children = served.children()
            assert children
        finally:
            started = time.monotonic()
            assert served.stop() == 0
        assert time.monotonic() - started < 15
        assert all(ended(pid) for pid in children)
        assert "http://127.0.0.1:" in served.lines[0] and not any("GET /" in x for x in served.lines)


def test_web_arguments_are_the_terminal_apps():
    p = build_tui_parser()
    argv = ["flow.yaml", "--input", '{"a": -1}', "--mocks", "m.yaml", "--local", "f=x.py:h", "--local", "g=y.py:h",
            "--live", "fn", "--backend", "live", "--seed", "7", "--break", "A", "--break", "B b",
            "--resume", "--session", "s.jsonl", "--callback-port", "0", "--fc-endpoint", "http://127.0.0.1:9",
            "--web", "--port", "9999"]
    args = p.parse_args(argv)
    again = p.parse_args(child_argv(p, args))
    assert {**vars(again), "web": True, "port": 9999} == vars(args)
    assert child_argv(p, p.parse_args(["f.yaml", "--we", "--po", "0"])) == ["f.yaml"]  # abbreviations too
    assert child_argv(p, p.parse_args(["f.yaml", "--resume", "old.jsonl"])) == ["f.yaml", "--resume=old.jsonl"]


@pytest.mark.parametrize("argv,message", [
    (["sample_flows/order-pipeline.yaml", "--port", "80"], "--port goes with --web"),
    (["sample_flows/order-pipeline.yaml", "--web", "--input", "{bad"], "--input:1:2"),
    (["sample_flows/order-pipeline.yaml", "--web", "--local", "nope"], "--local 'nope'"),
    (["missing.yaml", "--web"], "missing.yaml: no such file"),
])
def test_what_would_fail_in_the_browser_fails_before_serving(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_port_in_use_is_a_clear_error(cli):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        code, out, err = cli(FLOW, "--web", "--port", str(s.getsockname()[1]))
    finally:
        s.close()
    assert code == 2 and "cannot listen on 127.0.0.1" in err
