"""Loader benchmark (issue 12): YAML text -> positioned nodes on a 5,000-state chain.

    python bench/bench_load.py                 # this checkout
    python bench/bench_load.py --against main  # side by side with engine/load.py of a git revision

Prints medians of interleaved runs (the machine is shared: interleaving keeps a
burst of load from favouring one side): the reference loader (libyaml's compose,
then building nodes from the composed tree), the event loader (nodes straight
from libyaml's events) and the whole load_text.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_engine import chain  # noqa: E402

from flowdbg.engine import load as current  # noqa: E402
from flowdbg.engine import load_composed, load_events  # noqa: E402


def other_loader(rev: str):
    """engine/load.py as of ``rev``, imported beside this checkout's package."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = subprocess.run(["git", "-C", repo, "show", f"{rev}:engine/load.py"], check=True,
                          capture_output=True, text=True).stdout
    path = os.path.join(tempfile.mkdtemp(), "load_other.py")
    with open(path, "w") as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location("flowdbg.engine.load_other", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def builder(module, text):
    try:
        return module._Builder(text)
    except TypeError:  # older builders take no text
        return module._Builder()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", metavar="REV", help="also time engine/load.py of this git revision")
    ap.add_argument("--states", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=9)
    a = ap.parse_args()
    text = chain(a.states)
    composed = yaml.compose(text, Loader=load_composed.LOADER)
    sides = [("this", current)] + ([(a.against, other_loader(a.against))] if a.against else [])
    cases = [("compose (libyaml)", lambda m: yaml.compose(text, Loader=load_composed.LOADER), sides[:1]),
             ("build from composed nodes", lambda m: builder(load_composed, text).node(composed), sides[:1]),
             ("build from events", lambda m: load_events.load(text), sides[:1])]
    cases += [(f"load_text [{n}]", (lambda m: m.load_text(text)), [(n, m)]) for n, m in sides]
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(a.repeat):
        for name, fn, which in cases:
            gc.collect()
            gc.disable()  # as load_text runs: the cyclic GC would rescan the growing heap again and again
            t = time.perf_counter()
            fn(which[0][1])
            times[name].append(time.perf_counter() - t)
            gc.enable()
    print(f"chain({a.states}), {len(text.splitlines()):,} lines; medians of {a.repeat} interleaved runs")
    for name, ts in times.items():
        print(f"  {name:28s} {statistics.median(ts) * 1000:7.0f} ms  (min {min(ts) * 1000:.0f})")


if __name__ == "__main__":
    main()
