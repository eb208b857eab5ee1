"""`flowdbg test` benchmark: one process against worker processes.
Run: python bench/bench_flowtests.py [ROUNDS]

Two suites, each timed as whole `flowdbg test` processes, the modes
interleaved round by round (the machine is shared; medians are quoted):
- light: the sample flows' 17 cases (milliseconds each), where starting
  workers would cost more than it saves, so the default stays in one process;
- heavy: 24 cases of a 1,100-round loop (2,200 states each, under CloudFlow's
  5,000 events per execution), where the default hands the cases left after
  the first half second to one worker per core.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "sample_flows")

HEAVY_FLOW = """Type: StateMachine
Name: heavy
SpecVersion: v1
StartAt: Count
States:
  - Name: Count
    Type: Pass
    InputConstructor:
      n.$: intAdd($Input.n, 1)
      limit.$: $Input.limit
    Next: Again
  - Name: Again
    Type: Choice
    Branches:
      - Condition: $Input.n < $Input.limit
        Next: Count
    Default: Done
  - Name: Done
    Type: Succeed
"""


def heavy_suite(folder: str, cases: int = 24, loops: int = 1100) -> str:
    with open(os.path.join(folder, "heavy.yaml"), "w") as f:
        f.write(HEAVY_FLOW)
    lines = ["cases:"]
    for i in range(cases):
        lines += [f"  - name: case {i}", f"    input: {{n: 0, limit: {loops + i}}}",
                  f"    expect: {{output: {{n: {loops + i}, limit: {loops + i}}}}}"]
    with open(os.path.join(folder, "heavy.tests.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return folder


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flowdbg.tui.cli", "test", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    assert done.returncode == 0, done.stdout + done.stderr
    return elapsed


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        suites = {"light (17 sample cases)": [SAMPLES], "heavy (24 cases, 2,200 states each)": [heavy_suite(tmp)]}
        modes = {"-j 1": ["-j", "1"], "default": [], f"-j {os.cpu_count()}": ["-j", str(os.cpu_count())]}
        for name, paths in suites.items():
            times: dict[str, list[float]] = {m: [] for m in modes}
            for _ in range(rounds):
                for mode, extra in modes.items():
                    times[mode].append(timed(paths + extra))
            print(name)
            for mode, ts in times.items():
                print(f"  {mode:<8} median {statistics.median(ts):.2f} s  (min {min(ts):.2f}, max {max(ts):.2f})")


if __name__ == "__main__":
    main()
