"""CloudFlow itself, through Alibaba's official SDK (alibabacloud_fnf20190315):
what ``flowdbg FLOW --cloud`` needs to deploy a flow, start an execution,
read its history and answer its callback tasks.

Credentials come from Alibaba's default chain (alibabacloud_credentials:
ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, the credentials file, an ECS RAM role,
OIDC, ...). ``endpoint`` (``https://cn-hangzhou.fnf.aliyuncs.com`` or a
``flowdbg serve`` URL) overrides the region's.
"""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

DEFAULT_REGION = "cn-hangzhou"


class CloudError(Exception):
    """CloudFlow refused a request or cannot be reached; the message says which."""


def _explain(action: str, e: Exception) -> CloudError:
    code = getattr(e, "code", None)
    if code:
        msg = getattr(e, "data", None) or {}
        text = msg.get("Message") if isinstance(msg, dict) else None
        return CloudError(f"CloudFlow refused {action}: {code}: {text or getattr(e, 'message', e)}")
    return CloudError(f"{action}: cannot reach CloudFlow: {type(e).__name__}: {e}")


class Cloud:
    def __init__(self, endpoint: str | None = None, region: str | None = None, credentials=None):
        """``credentials``: an alibabacloud_credentials Client; default: the default chain
        (which reads the environment when the library is first imported)."""
        from alibabacloud_credentials.client import Client as Credentials
        from alibabacloud_credentials.exceptions import CredentialException
        from alibabacloud_fnf20190315.client import Client
        from alibabacloud_tea_openapi.utils_models import Config
        try:
            credentials = credentials or Credentials()
            credentials.get_credential()  # fail here, with the chain's own message, not at the first call
        except (CredentialException, Exception) as e:  # the chain raises several kinds
            raise CloudError(f"no Alibaba Cloud credentials: {e} (set ALIBABA_CLOUD_ACCESS_KEY_ID and "
                             "ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure ~/.alibabacloud/credentials)") from None
        self.region = region or os.environ.get("ALIBABA_CLOUD_REGION_ID") or DEFAULT_REGION
        cfg = Config(credential=credentials, region_id=self.region, read_timeout=30000, connect_timeout=10000)
        if endpoint:
            parts = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise CloudError(f"--endpoint {endpoint!r}: give a URL such as https://cn-hangzhou.fnf.aliyuncs.com")
            cfg.endpoint, cfg.protocol = parts.netloc, parts.scheme
        self.endpoint = endpoint or f"https://{self.region}.fnf.aliyuncs.com"
        self.client = Client(cfg)

    def _call(self, action: str, method: str, request):
        try:
            return getattr(self.client, method)(request).body
        except Exception as e:  # SDK and network errors alike become one line for the user
            raise _explain(action, e) from None

    def deploy(self, name: str, definition: str, description: str = "") -> str:
        """CreateFlow, or UpdateFlow when it exists; returns which."""
        from alibabacloud_fnf20190315 import models as m
        try:
            self.client.create_flow(m.CreateFlowRequest(name=name, definition=definition, type="FDL",
                                                        description=description))
            return "created"
        except Exception as e:
            if getattr(e, "code", None) != "FlowAlreadyExists":
                raise _explain("CreateFlow", e) from None
        self._call("UpdateFlow", "update_flow", m.UpdateFlowRequest(name=name, definition=definition,
                                                                    description=description))
        return "updated"

    def start(self, flow: str, input: dict, name: str | None = None) -> str:
        from alibabacloud_fnf20190315 import models as m
        body = self._call("StartExecution", "start_execution", m.StartExecutionRequest(
            flow_name=flow, execution_name=name, input=json.dumps(input, ensure_ascii=False)))
        return body.name

    def describe(self, flow: str, name: str) -> dict:
        from alibabacloud_fnf20190315 import models as m
        return self._call("DescribeExecution", "describe_execution",
                          m.DescribeExecutionRequest(flow_name=flow, execution_name=name)).to_map()

    def history(self, flow: str, name: str) -> dict:
        """``{"Events": [...]}``, every page (the API's shape, EventDetail as JSON text)."""
        from alibabacloud_fnf20190315 import models as m
        events, token = [], None
        while True:
            body = self._call("GetExecutionHistory", "get_execution_history", m.GetExecutionHistoryRequest(
                flow_name=flow, execution_name=name, limit=999, next_token=token))
            events += [e.to_map() for e in body.events or []]
            token = body.next_token
            if not token:
                return {"Events": events}

    def report(self, token: str, *, succeeded: bool, output=None, error: str = "", cause: str = "") -> None:
        from alibabacloud_fnf20190315 import models as m
        if succeeded:
            self._call("ReportTaskSucceeded", "report_task_succeeded", m.ReportTaskSucceededRequest(
                task_token=token, output=json.dumps(output, ensure_ascii=False)))
        else:
            self._call("ReportTaskFailed", "report_task_failed", m.ReportTaskFailedRequest(
                task_token=token, error=error, cause=cause or None))
