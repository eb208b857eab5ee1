"""Micro-benchmark of cached expression evaluation: python bench/bench_expressions.py"""
from __future__ import annotations

import timeit

from flowdbg.engine.expressions import Env, SeededRandom, compile_expression

ENV = Env(roots={"$Input": {"status": "ready", "n": 5, "order": {"items": [{"sku": "a"}]}},
                 "$Context": {"Current": {"TaskToken": "t-1"}}}, random=SeededRandom(7))
CASES = {
    "simple path ($Input.status)": "$Input.status",
    "deep path ($Input.order.items[0].sku)": "$Input.order.items[0].sku",
    "condition": '$Input.status == "ready" && $Input.n > 3',
    "format call": 'format("order {} has {} items", $Input.status, length($Input.order.items))',
}


def main() -> None:
    compile_time = timeit.timeit(lambda: compile_expression("$Input.status"), number=100_000) / 100_000
    print(f"{'compile_expression (cached)':45s} {compile_time * 1e6:7.2f} µs")
    fresh = 2_000
    first = timeit.timeit(lambda c=iter(range(10**9)): compile_expression(f"$Input.k{next(c)} == 1"),
                          number=fresh) / fresh
    print(f"{'compile_expression (new text, uncached)':45s} {first * 1e6:7.2f} µs")
    for label, text in CASES.items():
        expr = compile_expression(text)
        runs = 200_000
        best = min(timeit.repeat(lambda: expr.evaluate(ENV), number=runs, repeat=5)) / runs
        print(f"{label:45s} {best * 1e6:7.2f} µs")


if __name__ == "__main__":
    main()
