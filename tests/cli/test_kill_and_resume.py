"""Issue 11.1: a journal written as answers arrive. A real `flowdbg run
--session` process is killed with SIGKILL at random moments and resumed
until it finishes: the run ends as an unkilled one does, and no function is
called again except the one call in flight at each kill."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

FLOW = """\
Type: StateMachine
Name: killme
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 1
    Processor:
      StartAt: Work
      States:
        - Name: Work
          Type: Task
          Action: FC:InvokeFunction
          Parameters:
            resourceArn: acs:fc:cn-hangzhou:1:functions/work/LATEST
            invocationType: Sync
            body.$: $Input
          End: true
    End: true
"""

HANDLER = """\
import json, os, time
def handler(event, context):
    item = json.loads(event)
    with open({counter!r}, "a") as f:
        f.write(json.dumps(item) + "\\n")
    time.sleep(0.02)
    return {{"done": item}}
"""


def _flowdbg() -> str:
    exe = shutil.which("flowdbg", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    assert exe, "flowdbg is not installed beside this Python"
    return exe


def test_kill_9_at_random_moments_then_resume_calls_nothing_twice(tmp_path):
    items = list(range(25))
    counter = tmp_path / "calls.txt"
    (tmp_path / "h.py").write_text(HANDLER.format(counter=str(counter)))
    (tmp_path / "flow.yaml").write_text(FLOW)
    (tmp_path / "in.json").write_text(json.dumps({"items": items}))
    journal = tmp_path / "s.jsonl"
    common = ["--local", f"work={tmp_path / 'h.py'}:handler", "--json"]
    first = [_flowdbg(), "run", str(tmp_path / "flow.yaml"), "--input-file", str(tmp_path / "in.json"),
             "--session", str(journal)] + common
    again = [_flowdbg(), "run", str(tmp_path / "flow.yaml"), "--resume", str(journal)] + common
    rng = random.Random(11)
    kills, cmd, result = 0, first, None

    def calls_so_far() -> int:
        return len(counter.read_text().splitlines()) if counter.exists() else 0
    for _ in range(80):
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Kill once the run has made 1-3 more calls, plus a random moment: inside a call,
        # just after its answer was journaled, or between two states.
        target, deadline = calls_so_far() + rng.randint(1, 3), time.monotonic() + 60
        while proc.poll() is None and calls_so_far() < target and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            kills += 1
            cmd = again if journal.exists() else first
            continue
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
        result = json.loads(out)
        break
    assert result is not None, "the run never finished"
    assert kills >= 5, "the test killed too few runs to mean anything"
    assert result["status"] == "Succeeded"
    assert result["output"] == {"Items": [{"Body": {"done": i}} for i in items]}
    calls = [json.loads(x) for x in counter.read_text().splitlines()]
    assert sorted(set(calls)) == items
    repeated = len(calls) - len(items)
    print(f"\n{kills} kills, {len(calls)} calls for {len(items)} items ({repeated} made again)")
    assert repeated <= kills, f"{repeated} calls made again after {kills} kills: only the call in flight may repeat"
