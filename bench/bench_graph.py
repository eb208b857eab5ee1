"""`flowdbg graph` benchmarks: each format beside the TUI layout it starts from.

    python bench/bench_graph.py          # a table: median ms per picture, and the SVG's size

For the 32-state claims flow (tests/fixtures/graph/claims.yaml, with a run drawn
from its history) and a generated 200-state flow (bench_tui's), the layout
(``layout_flow``, shared with the TUI) is timed beside each format, runs
interleaved so that a busy machine slows them alike; the table shows medians.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests"))


def main() -> None:
    from bench_tui import generate_flow
    from flowdbg.engine.definition import parse_definition
    from flowdbg.tui.graph_cmd import draw
    from flowdbg.tui.run_overlay import overlay_from_history
    from flowdbg.tui.widgets.graph_layout import layout_flow
    from helpers.graph import CLAIMS, history_of, load, ran

    s = ran(CLAIMS)
    claims = load(CLAIMS)
    cases = {"claims (32 states, a run)": (claims, overlay_from_history(history_of(s), claims)),
             "generated (200 states)": (parse_definition(generate_flow(200)).flow, None)}
    jobs = {"layout": lambda f, ov: layout_flow(f)}
    for fmt in ("svg", "mermaid", "dot", "text"):
        jobs[fmt] = (lambda fmt: lambda f, ov: draw(f, fmt, ov))(fmt)
    print(f"{'flow':<28} " + " ".join(f"{j:>8}" for j in jobs) + "   svg size")
    for name, (flow, ov) in cases.items():
        times: dict[str, list[float]] = {j: [] for j in jobs}
        draw(flow, "svg", ov)  # warm imports and the theme
        for _ in range(7):
            for j, fn in jobs.items():
                t = time.perf_counter()
                fn(flow, ov)
                times[j].append((time.perf_counter() - t) * 1000)
        size = len(draw(flow, "svg", ov).encode())
        print(f"{name:<28} " + " ".join(f"{statistics.median(times[j]):>6.0f}ms" for j in jobs)
              + f"   {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
