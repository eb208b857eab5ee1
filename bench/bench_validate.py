"""Validator benchmark (issue 12): validate, and load -> validate -> build, of a 5,000-state chain
and of a real flow.

    python bench/bench_validate.py                 # this checkout
    python bench/bench_validate.py --against main  # side by side with the whole package of a git revision

The other revision is unpacked (``git archive``) as a package ``flowdbg_other`` beside this one, so
both run in one process with their calls interleaved (the machine is shared: interleaving keeps a
burst of load from favouring one side); prints medians.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

os.environ["FLOWDBG_NO_CACHE"] = "1"  # time the work, not the definition cache
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_engine import chain  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.path.join(REPO, "sample_flows", "order-pipeline.yaml")


def other_package(rev: str) -> str:
    """The package as of ``rev``, importable as ``flowdbg_other``."""
    data = subprocess.run(["git", "-C", REPO, "archive", rev], check=True, capture_output=True).stdout
    root = tempfile.mkdtemp()
    pkg = os.path.join(root, "flowdbg_other")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(pkg, members=[m for m in tar.getmembers() if m.name.startswith(("engine/", "tui/", "__init__"))])
    for folder, _, files in os.walk(pkg):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(re.sub(r"\b(from|import) flowdbg\.", r"\1 flowdbg_other.", text))
    sys.path.insert(0, root)
    return "flowdbg_other"


def side(package: str):
    load = importlib.import_module(f"{package}.engine.load")
    validate = importlib.import_module(f"{package}.engine.validate").validate
    parse = importlib.import_module(f"{package}.engine.definition").parse_definition
    return load, validate, parse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", metavar="REV", help="also time the package of this git revision")
    ap.add_argument("--states", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=11)
    a = ap.parse_args()
    text = chain(a.states)
    real = open(REAL, encoding="utf-8").read() if os.path.exists(REAL) else text
    sides = [("this", side("flowdbg"))] + ([(a.against, side(other_package(a.against)))] if a.against else [])
    cases = []
    for n, (load, validate, parse) in sides:
        root, real_root = load.load_text(text).root, load.load_text(real).root
        cases.append((f"validate chain [{n}]", lambda v=validate, r=root: v(r, text=text)))
        cases.append((f"validate {os.path.basename(REAL)} x100 [{n}]",
                      lambda v=validate, r=real_root: [v(r, text=real) for _ in range(100)]))
        cases.append((f"load+validate+build chain [{n}]", lambda p=parse: p(text)))
    cases.sort(key=lambda c: c[0].split(" [")[0])  # each case's sides next to each other
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    for i in range(a.repeat):
        for name, fn in (cases if i % 2 == 0 else cases[::-1]):
            gc.collect()
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    print(f"chain({a.states}); medians of {a.repeat} interleaved runs")
    for name, ts in times.items():
        print(f"  {name:50s} {statistics.median(ts) * 1000:7.1f} ms  (min {min(ts) * 1000:.1f})")


if __name__ == "__main__":
    main()
