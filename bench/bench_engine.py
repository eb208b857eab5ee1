"""Engine benchmark (issue 2/3/5 speed targets). Run: python bench/bench_engine.py
(``python bench/bench_engine.py instructions [PYTHON]``: instructions per state
of the chain, counted with valgrind, for comparing builds on a noisy machine)

Prints: transitions/s on a 1,000-state Pass chain with InputConstructors, a
Map over 10,000 items, the whole `flowdbg run` process on the chain, peak
memory for ~100,000 events, µs per `key.$` path evaluation and per condition,
`continue` with an inactive breakpoint condition vs a plain run, and stepping
back 1,000 steps in a 10,000-step run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

from flowdbg.engine.definition import parse_definition
from flowdbg.engine.execution import Execution
from flowdbg.engine.expressions import Env, compile_expression
from flowdbg.engine.session import Session


def chain(n: int) -> str:
    lines = ["Type: StateMachine", "Name: chain", "SpecVersion: v1", "StartAt: S0", "States:"]
    for i in range(n):
        lines += [f"  - Name: S{i}", "    Type: Pass", "    InputConstructor:",
                  "      n.$: $Input.n", f"      step: {i}"]
        lines.append(f"    Next: S{i + 1}" if i + 1 < n else "    End: true")
    return "\n".join(lines) + "\n"


MAP = """Type: StateMachine
Name: bigmap
SpecVersion: v1
StartAt: M
States:
  - Name: M
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    End: true
"""


LOOP = """Type: StateMachine
Name: loop
SpecVersion: v1
StartAt: Count
States:
  - Name: Count
    Type: Pass
    InputConstructor:
      n.$: intAdd($Input.n, 1)
      limit.$: $Input.limit
    Next: Again?
  - Name: Again?
    Type: Choice
    Branches:
      - Condition: $Input.n < $Input.limit
        Next: Count
    Default: Done
  - Name: Done
    Type: Succeed
"""


def best(fn, repeat=5):
    import gc
    times = []
    for _ in range(repeat):
        gc.collect()  # start each run from the same heap: the cyclic GC dominates the noise otherwise
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    d = parse_definition(chain(1000))
    n_states = 1000

    def run_chain():
        ex = Execution(d.flow, {"n": 1})
        ex.run()
        assert ex.status == "Succeeded", ex.error
    t = best(run_chain)
    print(f"chain 1000 Pass+IC: {t*1000:.1f} ms  -> {n_states / t:,.0f} transitions/s (target >= 20,000)")

    dm = parse_definition(MAP)
    items = list(range(10000))

    from flowdbg.engine.execution import Options
    unlimited = Options(max_events=0)  # past CloudFlow's 5,000 events per execution

    def run_map():
        ex = Execution(dm.flow, {"items": items}, options=unlimited)
        ex.run()
        assert ex.status == "Succeeded" and len(ex.output["Items"]) == 10000
    t = best(run_map, 3)
    print(f"map 10,000 items: {t*1000:.0f} ms (target < 1000 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "chain.yaml")
        with open(p, "w") as f:
            f.write(chain(1000))
        cmd = [sys.executable, "-m", "flowdbg.tui.cli", "run", p, "--input", '{"n": 1}', "--max-events", "0"]
        t = best(lambda: subprocess.run(cmd, check=True, capture_output=True), 3)
        print(f"`flowdbg run` process on the chain: {t*1000:.0f} ms (target < 500 ms)")

    tracemalloc.start()
    ex = Execution(dm.flow, {"items": list(range(25000))}, options=Options(data_limit=10 * 2**20, max_events=0))
    ex.run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory for {len(ex.events):,} events: peak {peak/2**20:.0f} MiB traced (target < 150 MB)")

    e = compile_expression("$Input.order.id")
    env = Env(roots={"$Input": {"order": {"id": 7}}})
    k = 200000
    t = best(lambda: [e.evaluate(env) for _ in range(k)], 3)
    print(f"key.$ simple path: {t/k*1e6:.2f} µs per evaluation (target < 10 µs)")
    c = compile_expression('$Input.status == "ready" && $Input.n > 3')
    env2 = Env(roots={"$Input": {"status": "ready", "n": 5}})
    t = best(lambda: [c.evaluate_condition(env2) for _ in range(k)], 3)
    print(f"condition: {t/k*1e6:.2f} µs per evaluation")

    d10 = parse_definition(chain(10000))

    def plain():
        s = Session(d10, {"n": 1}, start_time="2026-01-01T00:00:00Z", max_events=0)
        s.cont()
    def with_bp():
        s = Session(d10, {"n": 1}, start_time="2026-01-01T00:00:00Z", max_events=0)
        s.add_breakpoint("S5", condition="$Input.n > 100")
        s.cont()
    tp, tb = best(plain, 7), best(with_bp, 7)
    print(f"continue 10,000 transitions: plain {tp*1000:.0f} ms, with an inactive breakpoint condition "
          f"{tb*1000:.0f} ms ({tb/tp:.2f}x, target < 2x)")

    s = Session(d10, {"n": 1}, start_time="2026-01-01T00:00:00Z", max_events=0)
    for _ in range(10):
        s.cont(max_steps=1000)
    total = s.execution.steps
    t0 = time.perf_counter()
    s.goto(total - 1000)
    tback = time.perf_counter() - t0
    print(f"step back 1,000 steps in a {total:,}-step run: {tback*1000:.0f} ms (target < 1000 ms)")

    # Step back costs the same at any run length (checkpoints): a stop a few steps back,
    # at 2,000 and at 100,000 steps of a loop, median of 31 in CPU time.
    loop = parse_definition(LOOP)
    figures = {}
    for steps in (2_000, 100_000):
        s = Session(loop, {"n": 0, "limit": steps // 2}, start_time="2026-01-01T00:00:00Z", max_events=0)
        s.cont()
        end = s.execution.steps
        times = []
        for k in range(31):
            s.goto(end - 3 - 7 * k)
            t0 = time.process_time()
            s.goto(end - 7 - 7 * k)
            times.append(time.process_time() - t0)
        figures[steps] = sorted(times)[15]
    a, b = figures[2_000], figures[100_000]
    print(f"step back at 2,000 steps: {a*1000:.2f} ms; at 100,000 steps: {b*1000:.2f} ms ({b/a:.2f}x, target < 3x)")


def _chain_runs(runs: int) -> None:
    """A 1,000-state chain: one warm-up run, then ``runs`` more (see instructions())."""
    d = parse_definition(chain(1000))
    for _ in range(runs + 1):
        Execution(d.flow, {"n": 1}).run()


def instructions(python: str = sys.executable) -> None:
    """Instructions per state of the 1,000-state chain, counted by valgrind's
    callgrind (deterministic where wall time on a shared machine is not):
    16 runs less 0 runs, after a warm-up, garbage collector on; twice."""
    import shutil
    if not shutil.which("valgrind"):
        print("instructions: valgrind is not installed (apt install valgrind)")
        return
    env = dict(os.environ, PYTHONHASHSEED="0")
    here = os.path.abspath(__file__)

    def count(runs: int) -> int:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, here, "--chain-runs", str(runs)]
        if shutil.which("setarch"):
            cmd = ["setarch", "-R", *cmd]  # no address randomisation: fewer differences between runs
        err = subprocess.run(cmd, env=env, capture_output=True, text=True).stderr
        return int(next(line for line in err.splitlines() if "Collected" in line).split()[-1].replace(",", ""))
    per = [(count(16) - count(0)) // 16000 for _ in range(2)]
    print(f"chain 1000 Pass+IC: {' / '.join(f'{n:,}' for n in per)} instructions per state ({python})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--chain-runs"]:
        _chain_runs(int(sys.argv[2]))
    elif sys.argv[1:2] == ["instructions"]:
        instructions(*sys.argv[2:3])
    else:
        main()
