"""TUI benchmarks: start-up, step repaint latency, Map size, a long continue.

    python bench/bench_tui.py            # all of them, one line each
    python bench/bench_tui.py startup    # one of: startup, step, map, continue
    python bench/bench_tui.py startup --baseline main --rounds 7

* **startup**: wall time from starting ``flowdbg FLOW`` for each sample flow
  (a fresh process under a 160x48 pseudo-terminal, as a user runs it) until
  the first frame of the main screen (graph, Step pane, status line) is
  written. Target < 0.5 s. Bytecode is written and one untimed run per flow
  fills it and the definition cache first (a user's install has both; with
  ``PYTHONDONTWRITEBYTECODE`` set every run compiled flowdbg's ~100 modules
  again). ``startup --baseline REV`` also times flowdbg as it was at commit
  REV, interleaved with today's, both as release installs
  (bench_peer.release_flowdbg); ``--rounds N`` (default 5). The ``floor`` row is a bare Textual
  app (Header, one line, Footer) timed the same way: what Textual itself
  costs before flowdbg does anything. Each figure is wall time, with the CPU
  time the process had used by then in brackets (less disturbed by the
  other work on a shared machine).
* **step**: F10 on a generated 200-state flow, from the key's action until
  the first screen refresh after the worker returned and every pane was
  updated (``MainScreen.last_repaint_ms``): the first press and the median
  of 20. Target: first < 100 ms, median < 50 ms.
* **map**: F10 inside a Map of 10 and of 1,000 items (median of 20
  presses each). Target: the same.
* **continue**: ``c`` through 10,000 transitions (a loop), while a timer on
  the UI thread measures how late it fires (the UI's responsiveness).

The machine is shared and noisy: each figure is a median, and comparing two
builds means running them one after the other, several times.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate_flow(n: int = 200) -> str:
    """A flow with ``n`` states: Pass states in a chain, a Choice every 10
    states (looping back 5 states while ``$Input.round < 0``, i.e. never),
    and a two-branch Parallel every 25 states."""
    lines = ["Type: StateMachine", "Name: Generated", "SpecVersion: v1", "StartAt: S0", "States:"]
    for i in range(n):
        name, nxt = f"S{i}", (f"S{i + 1}" if i + 1 < n else None)
        tail = f"    Next: {nxt}" if nxt else "    End: true"
        if i % 10 == 9 and nxt:
            lines += [f"  - Name: {name}", "    Type: Choice", "    Branches:",
                      "      - Condition: $Input.round < 0", f"        Next: S{i - 5}", f"    Default: {nxt}"]
        elif i % 25 == 12:
            lines += [f"  - Name: {name}", "    Type: Parallel", "    Branches:"]
            for b in "ab":
                lines += [f"      - StartAt: P{i}{b}", "        States:", f"          - Name: P{i}{b}",
                          "            Type: Pass", "            End: true"]
            lines += ["    OutputConstructor:", "      round.$: $Output.Branch0.round", tail]
        else:
            lines += [f"  - Name: {name}", "    Type: Pass", tail]
    return "\n".join(lines) + "\n"


LOOP_FLOW = """\
Type: StateMachine
Name: Loop
SpecVersion: v1
StartAt: Tick
States:
  - Name: Tick
    Type: Pass
    Next: Again?
  - Name: Again?
    Type: Choice
    Branches:
      - Condition: $Input.forever == true
        Next: Tick
    Default: Done
  - Name: Done
    Type: Succeed
"""


def _app(text: str, input: dict):
    from flowdbg.engine.definition import parse_definition
    from flowdbg.engine.session import Session
    from flowdbg.tui.app import FlowdbgApp
    d = parse_definition(text, path="generated.yaml")
    s = Session(d, input, seed=0, start_time="2026-01-01T00:00:00Z")
    return FlowdbgApp(d, session=s, inputs_store=None)


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _drain_until_exit(pid: int, fd: int, timeout: float = 10.0) -> None:
    """Keep reading the pty while the app quits: a full pty buffer would
    block its last writes (and this wait) forever."""
    import select
    import signal
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


MAP_FLOW = """\
Type: StateMachine
Name: Items
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: First
      States:
        - Name: First
          Type: Pass
          Next: Second
        - Name: Second
          Type: Pass
          Next: Third
        - Name: Third
          Type: Pass
          End: true
    End: true
"""


def sample_flows() -> list[str]:
    d = os.path.join(ROOT, "sample_flows")
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith(".yaml") and not f.endswith((".mocks.yaml", ".tests.yaml")))


FLOOR_APP = """\
from textual.app import App
from textual.widgets import Footer, Header, Static
class Floor(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Static("Not started")
        yield Footer()
Floor().run()
"""


def bench_startup(rounds: int = 5, baseline: str | None = None) -> dict:
    """Median start-up of each sample flow (seconds), the worst median, and
    the same for ``baseline`` (a commit) when given; runs interleaved."""
    exes = {"now": [os.path.join(os.path.dirname(sys.executable), "flowdbg")]}
    if baseline:
        # both installed the same way (a release install, no editable-install finder on the path)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bench_peer import baseline_flowdbg, release_flowdbg
        exes = {"now": [release_flowdbg()], baseline: [baseline_flowdbg(baseline)]}
    floor = os.path.join(tempfile.mkdtemp(prefix="flowdbg-bench-"), "floor.py")
    with open(floor, "w") as f:
        f.write(FLOOR_APP)
    work = [("floor", None, [sys.executable, floor])]
    for flow in sample_flows():
        inp = flow[:-len(".yaml")] + ".input.json"
        args = ["--input-file", inp] if os.path.exists(inp) else ["--input", "{}"]
        # a journal of its own: the runs must not become the user's latest sessions
        args += ["--session", os.path.join(tempfile.mkdtemp(prefix="flowdbg-bench-"), "s.jsonl"),
                 "--overwrite-session"]
        work.append((os.path.basename(flow), flow, args))
    times: dict = {(w[0], e): [] for w in work for e in exes}
    cpu: dict = {(w[0], e): [] for w in work for e in exes}
    for r in range(rounds + 1):  # round 0: bytecode and the definition cache, untimed
        for name, flow, args in work:
            for label, exe in exes.items():
                cmd = args if flow is None else [*exe, flow, *args]
                if flow is None and label != "now":
                    continue
                t = _startup_once(cmd)
                if r and t is not None:
                    times[(name, label)].append(t[0])
                    if t[1] is not None:
                        cpu[(name, label)].append(t[1])
    out = {}
    for label in exes:
        per = {name: round(statistics.median(v), 3) for (name, lab), v in times.items() if lab == label and v}
        per_cpu = {name: round(statistics.median(v), 3) for (name, lab), v in cpu.items() if lab == label and v}
        flows = [v for k, v in per.items() if k != "floor"]
        flows_cpu = [v for k, v in per_cpu.items() if k != "floor"]
        out[label] = {"worst_median_s": max(flows) if flows else None,
                      "median_of_medians_s": round(statistics.median(flows), 3) if flows else None,
                      "cpu_median_of_medians_s": round(statistics.median(flows_cpu), 3) if flows_cpu else None,
                      "per_flow": per, "per_flow_cpu": per_cpu}
    return out


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a running process used so far (Linux): what
    the start-up costs, less disturbed than wall time on a shared machine."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _startup_once(cmd: list[str], marker: bytes = b"Not started") -> tuple[float, float | None] | None:
    """One fresh process under a 160x48 pty, timed to the first frame that
    shows ``marker`` (the main screen's status line: the screen is usable):
    ``(wall seconds, CPU seconds)``."""
    import pty
    import select
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"COLUMNS": "160", "LINES": "48", "TERM": "xterm-256color"})
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode
        os.execv(cmd[0], cmd)
    buf = b""
    ready = None
    while time.perf_counter() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if marker in buf:
                ready = time.perf_counter() - t0, _cpu_seconds(pid)
                break
    os.write(fd, b"q")
    _drain_until_exit(pid, fd)
    os.close(fd)
    return ready


async def _presses(app, key: str, presses: int, before=()) -> list[float]:
    lat = []
    async with app.run_test(size=(160, 48)) as pilot:
        await _settle(pilot)
        while not app.main.ready:  # the panes behind a tab are mounted just after the first frames (start-up)
            await pilot.pause(0.05)
        for k in before:
            await pilot.press(k)
            await _settle(pilot)
        for _ in range(presses):
            await pilot.press(key)
            await _settle(pilot)
            lat.append(app.main.last_repaint_ms)
    return lat


async def _bench_step(n_states: int = 200, presses: int = 20) -> dict:
    # last_repaint_ms: from the key's action to the first screen refresh after
    # every pane was updated (MainScreen._painted)
    lat = await _presses(_app(generate_flow(n_states), {"round": 0}), "f10", presses)
    return {"states": n_states, "first_ms": round(lat[0], 1), "median_ms": round(statistics.median(lat), 1),
            "max_ms": round(max(lat), 1)}


async def _bench_map(presses: int = 20) -> dict:
    """F10 inside the Map's iterations (after stepping into the first one)."""
    out = {}
    for n in (10, 1000):
        lat = await _presses(_app(MAP_FLOW, {"items": list(range(n))}), "f10", presses, before=("f11",) * 3)
        out[f"{n}_items_median_ms"] = round(statistics.median(lat), 1)
    return out


async def _bench_continue(transitions: int = 10_000) -> dict:
    app = _app(LOOP_FLOW, {"forever": True})
    lateness = []
    async with app.run_test(size=(160, 48)) as pilot:
        await _settle(pilot)
        main = app.main
        # stop after `transitions` states: a breakpoint with a hit count
        main.session.add_breakpoint("Done")
        expected = {"t": time.perf_counter() + 0.05}

        def tick():
            now = time.perf_counter()
            lateness.append((now - expected["t"]) * 1000)
            expected["t"] = now + 0.05
        timer = app.set_interval(0.05, tick)
        t0 = time.perf_counter()
        main.run_verb("continue", main.session.cont, transitions)
        while main.busy:
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - t0
        timer.stop()
        await _settle(pilot)
        repaint = main.last_repaint_ms
        steps = main.session.execution.steps
        p0 = time.perf_counter()
        main.run_verb("continue", main.session.cont, 5_000_000)
        await asyncio.sleep(0.3)
        await pilot.press("p")
        while main.busy:
            await asyncio.sleep(0.01)
        pause_s = time.perf_counter() - p0 - 0.3
    lateness.sort()
    return {"transitions": steps, "seconds": elapsed, "per_second": steps / elapsed,
            "ui_timer_late_median_ms": statistics.median(lateness) if lateness else None,
            "ui_timer_late_max_ms": lateness[-1] if lateness else None,
            "continue_to_repainted_ms": round(repaint, 1), "pause_round_trip_s": round(pause_s, 3)}


def main(argv: list[str]) -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("which", nargs="*", help="startup, step, map, continue (default: all)")
    ap.add_argument("--rounds", type=int, default=5, help="startup: timed runs per flow")
    ap.add_argument("--baseline", metavar="REV", help="startup: also time flowdbg at commit REV, interleaved")
    args = ap.parse_args(argv)
    which = args.which or ["startup", "step", "map", "continue"]
    if set(which) - {"startup", "step", "map", "continue"}:
        ap.error(f"unknown benchmark: {', '.join(sorted(set(which) - {'startup', 'step', 'map', 'continue'}))}")
    if "startup" in which:
        res = bench_startup(args.rounds, args.baseline)
        print("startup (flowdbg FLOW to first usable screen, each sample flow, median s):")
        labels = list(res)
        names = list(res["now"]["per_flow"])
        print(f"  {'wall (cpu)':34s}" + "".join(f"{lab[:16]:>17s}" for lab in labels))
        nan = float("nan")
        for name in names:
            print(f"  {name:34s}" + "".join(f"{res[lab]['per_flow'].get(name, nan):9.3f} ({res[lab]['per_flow_cpu'].get(name, nan):5.3f})"
                                            for lab in labels))
        for key in ("median_of_medians_s", "cpu_median_of_medians_s", "worst_median_s"):
            print(f"  {key:34s}" + "".join(f"{res[lab][key]:17.3f}" for lab in labels))
    if "step" in which:
        print("step (F10 on 200 states, key to repainted):", asyncio.run(_bench_step()))
    if "map" in which:
        print("map (F10 inside a Map of 10 / 1,000 items):", asyncio.run(_bench_map()))
    if "continue" in which:
        print("continue (10,000 transitions):", asyncio.run(_bench_continue()))


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    tempfile.tempdir = tempfile.gettempdir()
    main(sys.argv[1:])
