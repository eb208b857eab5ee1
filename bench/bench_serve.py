"""`flowdbg serve` benchmark, through Alibaba's official SDK against a real
server process. Run: python bench/bench_serve.py [N]

Prints medians (of 3 interleaved rounds) for: one request (DescribeFlow),
StartExecution to Succeeded for a 10-state flow (StartExecution + a long-polled
DescribeExecution), a WaitForCustomCallback answered through the history (the
application's whole round trip: start, read the token, ReportTaskSucceeded,
wait), and N executions started from 4 threads at once.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from helpers.serve import APPROVAL, models, serve_process, task_token  # noqa: E402

CHAIN = "Type: StateMachine\nName: chain\nSpecVersion: v1\nStartAt: S0\nStates:\n" + "".join(
    f"  - Name: S{i}\n    Type: Pass\n    {'Next: S' + str(i + 1) if i < 9 else 'End: true'}\n" for i in range(10))


def timed(fn, n: int) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - t0) / n * 1000


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chain = os.path.join(tmp, "chain.yaml")
        with open(chain, "w") as f:
            f.write(CHAIN)
        with serve_process(chain, APPROVAL) as srv:
            c = srv.client()
            rounds: dict[str, list[float]] = {"request": [], "run": [], "callback": [], "parallel": []}
            for r in range(3):
                rounds["request"].append(timed(lambda i: c.describe_flow(models.DescribeFlowRequest(name="chain")), n))

                def run(i, tag=f"r{r}"):
                    c.start_execution(models.StartExecutionRequest(flow_name="chain", execution_name=f"{tag}-{i}"))
                    body = c.describe_execution(models.DescribeExecutionRequest(
                        flow_name="chain", execution_name=f"{tag}-{i}", wait_time_seconds=10)).body
                    assert body.status == "Succeeded"
                rounds["run"].append(timed(run, n))

                def callback(i, tag=f"c{r}"):
                    name = f"{tag}-{i}"
                    c.start_execution(models.StartExecutionRequest(flow_name="approval", execution_name=name,
                                                                   input=json.dumps({"orderId": name})))
                    token = task_token(c, "approval", name, "WaitForApproval")
                    c.report_task_succeeded(models.ReportTaskSucceededRequest(task_token=token, output='{"by": "b"}'))
                    assert c.describe_execution(models.DescribeExecutionRequest(
                        flow_name="approval", execution_name=name, wait_time_seconds=10)).body.status == "Succeeded"
                rounds["callback"].append(timed(callback, n // 4))

                t0 = time.perf_counter()
                with ThreadPoolExecutor(4) as pool:
                    list(pool.map(lambda i: run(i, f"p{r}"), range(n)))
                rounds["parallel"].append(n / (time.perf_counter() - t0))
    med = {k: statistics.median(v) for k, v in rounds.items()}
    print(f"one request (DescribeFlow):                 {med['request']:.1f} ms")
    print(f"StartExecution to Succeeded (10 states):    {med['run']:.1f} ms")
    print(f"callback round trip (start, token, report): {med['callback']:.1f} ms")
    print(f"executions/s from 4 client threads:         {med['parallel']:.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
