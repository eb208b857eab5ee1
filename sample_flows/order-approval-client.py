"""An application that uses CloudFlow: it starts an order's approval and
answers the manager's task, through Alibaba's official SDK. Run it against
flowdbg serve (or, with another endpoint and real keys, against CloudFlow):

    flowdbg serve sample_flows/order-approval.yaml --port 8910 &
    python sample_flows/order-approval-client.py --endpoint 127.0.0.1:8910 --approve
"""
from __future__ import annotations

import argparse
import json
import os
import time

from alibabacloud_fnf20190315 import models
from alibabacloud_fnf20190315.client import Client
from alibabacloud_tea_openapi.utils_models import Config


def callback_token(client: Client, flow: str, execution: str, state: str) -> str:
    """The token is in the waiting task's request, where the flow put $Context.Current.TaskToken."""
    for _ in range(100):
        events = client.get_execution_history(models.GetExecutionHistoryRequest(
            flow_name=flow, execution_name=execution, limit=999)).body.events or []
        for e in events:
            if e.type == "TaskScheduled" and e.step_name == state:
                return json.loads(e.event_detail)["parameters"]["body"]["callbackToken"]
        time.sleep(0.1)
    raise SystemExit(f"{state} was never scheduled")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", default="127.0.0.1:8910")
    p.add_argument("--https", action="store_true", help="for CloudFlow itself (flowdbg serve speaks HTTP)")
    p.add_argument("--order", default="A-1001")
    p.add_argument("--approve", action="store_true", help="approve (default: reject)")
    args = p.parse_args()
    client = Client(Config(access_key_id=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "local"),
                           access_key_secret=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "local"),
                           endpoint=args.endpoint, protocol="https" if args.https else "http",
                           region_id="cn-hangzhou"))
    flow = "order-approval"
    started = client.start_execution(models.StartExecutionRequest(
        flow_name=flow, input=json.dumps({"orderId": args.order}))).body
    print(f"started {started.name}: {started.status}")
    token = callback_token(client, flow, started.name, "WaitForApproval")
    if args.approve:
        client.report_task_succeeded(models.ReportTaskSucceededRequest(
            task_token=token, output=json.dumps({"by": "manager@example.com"})))
    else:
        client.report_task_failed(models.ReportTaskFailedRequest(task_token=token, error="Rejected",
                                                                 cause="over budget"))
    done = client.describe_execution(models.DescribeExecutionRequest(
        flow_name=flow, execution_name=started.name, wait_time_seconds=10)).body
    print(f"{done.name}: {done.status} {done.output or ''}")


if __name__ == "__main__":
    main()
