"""`flowdbg test --watch`, run as a user runs it: a real process whose
files are edited under it, stopped with Ctrl-C (SIGINT)."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from helpers.flowtests import claim, write

CASE = """
    cases:
      - name: small claim is paid
        input: {claimId: C-1, amount: 500}
        expect:
          output: {claimId: C-1, paid: true}
    """


class Lines:
    """A process's stdout, line by line, with a deadline per wait."""

    def __init__(self, proc):
        self.q: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def until(self, wanted: str, timeout: float = 60) -> list[str]:
        """Lines up to and including the first that equals ``wanted``."""
        got = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.q.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                break
            got.append(line)
            self.seen.append(line)
            if line == wanted:
                return got
        raise AssertionError(f"no line {wanted!r}; output so far:\n" + "\n".join(self.seen))


def _edit(path: str, old: str, new: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def test_watch_reruns_what_changed(tmp_path):
    paths = claim(tmp_path, CASE)
    write(tmp_path, {"other/unrelated.txt": "x"})
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "flowdbg.tui.cli", "test", "--watch", "."], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out = Lines(proc)
    try:
        assert out.until("watching for changes (Ctrl-C to stop)") == [
            "claim.tests.yaml", "  ✓ small claim is paid", "", "1 passed, 0 failed",
            "watching for changes (Ctrl-C to stop)"]
        time.sleep(0.5)  # let the watcher start
        _edit(paths["claim.tests.yaml"], "paid: true}", "paid: false}")  # the test file
        assert out.until("0 passed, 1 failed") == [
            "", "--- claim.tests.yaml changed: running 1 test file ---", "claim.tests.yaml",
            "  ✗ small claim is paid", "      output differs (- expected, + got):", "         {",
            '           "claimId": "C-1",', '        -  "paid": false', '        +  "paid": true', "         }", "",
            "0 passed, 1 failed"]
        _edit(paths["claim.yaml"], "paid: true", "paid: false")  # the flow it tests
        assert out.until("1 passed, 0 failed")[:4] == [
            "", "--- claim.yaml changed: running 1 test file ---", "claim.tests.yaml", "  ✓ small claim is paid"]
        write(tmp_path, {"other/unrelated.txt": "y"})  # not a dependency: nothing runs
        write(tmp_path, {"more/new.tests.yaml": "flow: ../claim.yaml\ncases:\n  - name: new case\n"
                                                "    input: {claimId: C-2, amount: 1}\n"})
        lines = out.until("2 passed, 0 failed")
        assert lines[:4] == ["", "--- more/new.tests.yaml changed: running 1 test file ---", "more/new.tests.yaml",
                             "  ✓ new case"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in proc.stderr.read()
