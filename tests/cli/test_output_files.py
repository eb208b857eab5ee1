"""Output files (--history, --junit, --coverage-json, graph -o, --save-test)
are written whole or not at all, and a Ctrl-C while a long history is being
written still leaves the complete summary and no cut-off file."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from flowdbg.engine.atomic import atomic_write, write_file

from helpers import dedent

EXE = [sys.executable, "-m", "flowdbg.tui.cli"]
LOOP = dedent("""
    Type: StateMachine
    Name: loop
    SpecVersion: v1
    StartAt: Tick
    States:
      - Name: Tick
        Type: Pass
        OutputConstructor:
          x: 1
        Next: Again
      - Name: Again
        Type: Choice
        Branches:
          - Condition: $Input.x == 1
            Next: Tick
        Default: Tick
""")


def leftovers(folder) -> list[str]:
    return sorted(p for p in os.listdir(folder) if p.endswith(".tmp"))


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "h.json"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(str(target)) as f:
            f.write("new, half")
            raise KeyboardInterrupt
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []
    write_file(str(target), "new\n")
    assert target.read_text() == "new\n" and leftovers(tmp_path) == []
    assert os.stat(target).st_mode & 0o777 == 0o640  # a replaced file keeps its permissions


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_file(str(tmp_path / "new.txt"), "x")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "new.txt").st_mode & 0o777 == 0o644


def test_the_history_is_one_event_a_line_and_the_same_json(cli, tmp_path):
    from flowdbg.engine.history import history, write_history
    from helpers.session import order_session
    s = order_session()
    s.run_to_end()
    path = tmp_path / "h.json"
    write_history(str(path), s.execution, s.start_time)
    text = path.read_text()
    assert json.loads(text) == history(s.execution, s.start_time)
    lines = text.splitlines()
    assert lines[0] == '{"Events": [' and lines[-1] == "]}" and len(lines) == len(s.execution.events) + 2
    assert json.loads(lines[1].rstrip(","))["EventId"] == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_while_the_history_is_written_keeps_the_summary_and_writes_no_file(cli, tmp_path, monkeypatch):
    """A run that ends by itself (--max-steps), then Ctrl-C half-way through writing its history."""
    from flowdbg.engine import history
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop.yaml").write_text(LOOP)
    real = history.write_history

    def interrupted_half_way(path, execution, start):
        class Events(list):
            def __iter__(self):
                for i, e in enumerate(list.__iter__(self)):
                    if i == len(self) // 2:
                        os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl-C, delivered mid-write
                    yield e
        execution.events = Events(execution.events)
        real(path, execution, start)
    monkeypatch.setattr(history, "write_history", interrupted_half_way)
    code, out, err = cli("run", "loop.yaml", "--max-steps", "30000", "--max-events", "0", "--history", "H.json")
    assert code == 130
    assert out == ("status: Running  (virtual time 0 s, 60000 events)\n"
                   "states: Tick -> Again -> Tick -> Again -> Tick -> Again -> ... 29,989 more ... -> Again -> Tick "
                   "-> Again -> Tick -> Again\n"
                   "stopped: stopped after 30000 steps (--max-steps)\n")
    assert err.splitlines()[-2:] == ["flowdbg: writing 60,000 events to H.json …",
                                     "flowdbg: --history H.json: not written (interrupted)"]
    assert not (tmp_path / "H.json").exists() and leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_during_the_run_prints_the_summary_then_writes_the_history(tmp_path):
    (tmp_path / "loop.yaml").write_text(LOOP)
    proc = subprocess.Popen(EXE + ["run", "loop.yaml", "--max-steps", "100000000", "--max-events", "0",
                                   "--history", "H.json"], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(2.0)
        proc.send_signal(signal.SIGINT)
        first = proc.stdout.readline()  # the summary comes before the history is written
        assert first.startswith("status: Running  (virtual time 0 s, ")
        out = first + proc.stdout.read()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert out.splitlines()[-1] == "stopped: interrupted by SIGINT; the execution is still running"
    events = json.loads((tmp_path / "H.json").read_text())["Events"]
    assert f"{len(events)} events)" in first and leftovers(tmp_path) == []
