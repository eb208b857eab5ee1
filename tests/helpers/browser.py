"""A real headless Chromium (Debian's ``chromium``) driven by Playwright,
for what flowdbg serves to or draws for a browser.

Playwright never downloads a browser here: it launches /usr/bin/chromium
(``FLOWDBG_CHROMIUM`` overrides). Missing browser or Mermaid: the test is
skipped on a developer's machine and fails in CI (``CI`` set), where
.ci/run installs both.
"""
from __future__ import annotations

import contextlib
import os
import shutil

import pytest

from . import REPO

CHROMIUM = os.environ.get("FLOWDBG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes say: without the background-networking flags Chromium keeps
# trying hosts this closed network refuses.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
MERMAID_JS = os.environ.get("FLOWDBG_MERMAID_JS") or os.path.join(
    REPO, ".ci", "node", "node_modules", "mermaid", "dist", "mermaid.min.js")


def need(path: str, what: str) -> None:
    if not os.path.exists(path):
        message = f"{what} not found at {path} (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def chromium():
    """A Playwright Browser on the system Chromium."""
    need(CHROMIUM, "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("/nonexistent/playwright", "the playwright package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


_RENDER = """async (sources) => {
    mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
    const out = [];
    for (const [i, src] of sources.entries()) {
        try {
            const r = await mermaid.render('g' + i, src);
            const box = document.createElement('div');
            box.innerHTML = r.svg;
            out.push({ok: true, svg: r.svg, text: box.textContent});
        } catch (e) {
            out.push({ok: false, error: String((e && e.message) || e)});
        }
    }
    return out;
}"""


def render_mermaid(sources: list[str]) -> list[dict]:
    """Render each Mermaid text with mermaid.js, as GitHub and GitLab do:
    ``{"ok", "svg", "text"}`` or ``{"ok": False, "error"}``."""
    need(MERMAID_JS, "mermaid.min.js")
    with chromium() as browser:
        page = browser.new_page()
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=MERMAID_JS)
        return page.evaluate(_RENDER, sources)


# -- the debugger served by `flowdbg FLOW --web` ------------------------------------------------------

class Served:
    """``flowdbg FLOW ARGS --web --port 0`` in a process of its own, and its URL."""

    def __init__(self, *args: str, cwd: str = REPO, timeout: float = 60):
        import re
        import subprocess
        import sys
        import threading
        self.proc = subprocess.Popen([sys.executable, "-m", "flowdbg.tui.cli", *args, "--web", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
        self.lines: list[str] = []
        found = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.lines.append(line)
                if re.search(r"http://127\.0\.0\.1:\d+", line):
                    found.set()
            found.set()
        threading.Thread(target=read, daemon=True).start()
        if not found.wait(timeout) or self.proc.poll() is not None:
            self.stop()
            raise AssertionError(f"flowdbg --web did not start: {''.join(self.lines)}{self.proc.stderr.read()}")
        self.url = re.search(r"http://127\.0\.0\.1:\d+", "".join(self.lines)).group(0)

    def children(self) -> list[int]:
        """Processes the server started (one debugger per browser tab)."""
        out = []
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
            with open(f"/proc/{self.proc.pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
        return out

    def stop(self) -> int:
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()
            return self.proc.wait()


class Terminal:
    """A page showing a served debugger: the screen as text (the WebSocket's
    terminal stream replayed into pyte) and as pixels."""

    def __init__(self, page, url: str):
        import pyte
        self.page = page
        self.screen: pyte.Screen | None = None
        self.stream = None
        self.received = 0

        def on_ws(ws):
            import urllib.parse
            q = urllib.parse.parse_qs(urllib.parse.urlparse(ws.url).query)
            self.screen = pyte.Screen(int(q["width"][0]), int(q["height"][0]))
            self.stream = pyte.ByteStream(self.screen)
            ws.on("framereceived", self._feed)
        page.on("websocket", on_ws)
        page.goto(url)

    def _feed(self, payload) -> None:
        if isinstance(payload, str):  # JSON control messages ("pong"...), not screen output
            return
        self.received += len(payload)
        self.stream.feed(payload)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display) if self.screen else ""

    def wait_for(self, predicate, timeout: float = 30.0, settle: float = 0.6) -> str:
        """Poll until ``predicate(screen text)`` holds and the stream has been quiet for ``settle`` s."""
        import time
        end = time.monotonic() + timeout
        last, quiet_since = -1, time.monotonic()
        while time.monotonic() < end:
            self.page.wait_for_timeout(100)
            if self.received != last:
                last, quiet_since = self.received, time.monotonic()
            elif predicate(self.text()) and time.monotonic() - quiet_since >= settle:
                return self.text()
        raise AssertionError(f"the screen never got there; it shows:\n{self.text()}")

    def press(self, key: str) -> None:
        self.page.locator(".xterm-helper-textarea").focus()
        self.page.keyboard.press(key)
