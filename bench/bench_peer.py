"""flowdbg beside aws-local-stepfunctions, whole process, same work.

    python bench/bench_peer.py [--rounds 9] [--flowdbg PATH]

Three workloads, each as FDL for flowdbg and as ASL for the peer:
a chain of 1,000 Pass states each with an input constructor (ASL:
Parameters), a Map over 10,000 integers with one Pass, and a chain of 5,000.
Runs are interleaved (flowdbg, peer, flowdbg, ...) so the machine's noise
falls on both alike; medians and the ratio flowdbg/peer are printed.

flowdbg is measured as a user has it: a normal (not editable) ``pip install``
into bench/.release-venv, bytecode written, with its definition cache filled
by a first run (``--cold`` also times runs without it, the YAML parsed every
time; "first" runs after install, which parse it and fill an empty cache
directory; and "new flow" runs, a first run of a flow flowdbg has not seen
before, the dataclass code compiled by an earlier run kept, as ``__pycache__``
keeps bytecode). A big flow's entry is written by a background process, which
each first run is left to finish before the next run is timed. The peer comes from npm
(bench/package.json, installed into bench/node_modules on first use).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".release-venv")


def chain_fdl(n: int) -> str:
    lines = ["Type: StateMachine", "Name: chain", "SpecVersion: v1", "StartAt: S0", "States:"]
    for i in range(n):
        lines += [f"  - Name: S{i}", "    Type: Pass", "    InputConstructor:", "      n.$: $Input.n", f"      step: {i}"]
        lines.append(f"    Next: S{i + 1}" if i + 1 < n else "    End: true")
    return "\n".join(lines) + "\n"


def chain_asl(n: int) -> dict:
    states = {}
    for i in range(n):
        st = {"Type": "Pass", "Parameters": {"n.$": "$.n", "step": i}}
        if i + 1 < n:
            st["Next"] = f"S{i + 1}"
        else:
            st["End"] = True
        states[f"S{i}"] = st
    return {"StartAt": "S0", "States": states}


MAP_FDL = """Type: StateMachine
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

MAP_ASL = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "ItemsPath": "$.items", "End": True,
    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}


def workloads() -> list[tuple[str, str, dict, dict]]:
    return [("chain of 1,000 Pass + input constructor", chain_fdl(1000), chain_asl(1000), {"n": 1}),
            ("Map over 10,000 integers, one Pass", MAP_FDL, MAP_ASL, {"items": list(range(10_000))}),
            ("chain of 5,000 Pass + input constructor", chain_fdl(5000), chain_asl(5000), {"n": 1})]


def release_flowdbg(source: str = REPO, venv: str = VENV) -> str:
    """flowdbg installed the way a user installs it (not editable), with bytecode."""
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", source], check=True)
    else:
        subprocess.run([py, "-m", "pip", "install", "-q", source], check=True)  # new dependencies too
        subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", source], check=True)
    subprocess.run([py, "-m", "compileall", "-q", os.path.join(venv, "lib")], check=False)
    return os.path.join(venv, "bin", "flowdbg")


def baseline_flowdbg(rev: str) -> str:
    """flowdbg as it was at commit ``rev``, installed the same way, to time beside today's."""
    tree = os.path.join(HERE, f".baseline-{rev}")
    if not os.path.isdir(tree):
        os.makedirs(tree)
        archive = subprocess.run(["git", "-C", REPO, "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return release_flowdbg(tree, os.path.join(HERE, f".baseline-venv-{rev}"))


def run_cmd(fd: str, flow: str, input_path: str) -> list[str]:
    cmd = [fd, "run", flow, "--input-file", input_path]
    helptext = subprocess.run([fd, "run", "--help"], capture_output=True, text=True).stdout
    if "--max-events" in helptext:
        cmd += ["--max-events", "0"]  # the peer has no events limit; CloudFlow's 5,000 would stop these runs
    return cmd


def peer() -> str:
    exe = os.path.join(HERE, "node_modules", ".bin", "local-sfn")
    if not os.path.exists(exe):
        if shutil.which("npm") is None:
            raise SystemExit("bench_peer: npm is needed to install aws-local-stepfunctions")
        subprocess.run(["npm", "install", "--silent", "--prefix", HERE], check=True)
    return exe


def timed(cmd: list[str], stdin: str | None, env: dict | None = None) -> float:
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        r = subprocess.run(cmd, input=stdin.encode() if stdin is not None else None, stdout=out,
                           stderr=subprocess.PIPE, env=env)
        if r.returncode != 0:
            raise SystemExit(f"bench_peer: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-400:]}")
    return time.perf_counter() - t


def _writer_done(cache: str, limit: float = 20.0) -> None:
    """Wait until a first run's definition entry is on disk: flowdbg writes a big
    flow's entry from a background process after the run returns, whose work must
    not fall on the next timed run (the peer's)."""
    folder, deadline = os.path.join(cache, "definitions"), time.monotonic() + limit
    while time.monotonic() < deadline:
        if os.path.isdir(folder) and any(n.endswith(".pickle") for n in os.listdir(folder)):
            return
        time.sleep(0.01)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--flowdbg", help="a flowdbg executable (default: a release install in bench/.release-venv)")
    ap.add_argument("--cold", action="store_true",
                    help="also time flowdbg with its definition cache off (every run parses the YAML), "
                         "first runs after install (an empty cache directory, which the run fills) and new "
                         "flows' first runs (no definition cached, the compiled dataclass code kept by an "
                         "earlier run); with --baseline, REV's cold runs too")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time flowdbg as it was at commit REV (e.g. the last release), interleaved")
    args = ap.parse_args()
    cold_env = dict(os.environ, FLOWDBG_NO_CACHE="1")
    fd = args.flowdbg or release_flowdbg()
    base = baseline_flowdbg(args.baseline) if args.baseline else None
    sfn = peer()
    tmp = tempfile.mkdtemp(prefix="flowdbg-bench-")
    print(f"flowdbg: {fd}\npeer:    {sfn} (aws-local-stepfunctions)\nrounds:  {args.rounds}, interleaved\n")
    head = f"{'workload':44} {'flowdbg':>9} {'peer':>9} {'ratio':>7}"
    head += f" {'cold':>9} {'ratio':>7} {'first':>9} {'ratio':>7} {'new flow':>9} {'ratio':>7}" if args.cold else ""
    head += f" {args.baseline[:9]:>9} {'ratio':>7}" if base else ""
    head += f" {'cold ' + args.baseline[:4]:>9} {'ratio':>7}" if base and args.cold else ""
    print(head)
    for i, (name, fdl, asl, inp) in enumerate(workloads()):
        flow, machine, input_path = (os.path.join(tmp, f"w{i}{ext}") for ext in (".yaml", ".asl.json", ".input.json"))
        with open(flow, "w") as f:
            f.write(fdl)
        with open(machine, "w") as f:
            json.dump(asl, f)
        text = json.dumps(inp)
        with open(input_path, "w") as f:
            f.write(text)
        ours, theirs, cold, first, new, before, before_cold = [], [], [], [], [], [], []
        cmd = run_cmd(fd, flow, input_path)
        base_cmd = run_cmd(base, flow, input_path) if base else None
        timed(cmd, None)  # the first run fills the definition cache, as a user's first run does
        kept = os.path.join(tmp, f"kept{i}")
        if args.cold:
            timed(cmd, None, dict(os.environ, FLOWDBG_CACHE_DIR=kept))  # keeps the compiled dataclass code
        for _ in range(args.rounds):
            ours.append(timed(cmd, None))
            theirs.append(timed([sfn, "-f", machine], text))
            if args.cold:
                cold.append(timed(cmd, None, cold_env))
                empty = tempfile.mkdtemp(dir=tmp)
                first.append(timed(cmd, None, dict(os.environ, FLOWDBG_CACHE_DIR=empty)))
                _writer_done(empty)
                shutil.rmtree(os.path.join(kept, "definitions"), ignore_errors=True)
                new.append(timed(cmd, None, dict(os.environ, FLOWDBG_CACHE_DIR=kept)))
                _writer_done(kept)
            if base_cmd:
                before.append(timed(base_cmd, None))
                if args.cold:
                    before_cold.append(timed(base_cmd, None, cold_env))
        a, b = statistics.median(ours), statistics.median(theirs)
        line = f"{name:44} {a:8.3f}s {b:8.3f}s {a / b:7.2f}"
        columns = ([cold, first, new] if args.cold else []) + ([before] if base_cmd else []) + \
            ([before_cold] if base_cmd and args.cold else [])
        for times in columns:
            c = statistics.median(times)
            line += f" {c:8.3f}s {c / b:7.2f}"
        print(line)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
