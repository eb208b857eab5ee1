"""The CloudFlow actions, one method each: request parameters in, response
fields out (the RPC layer adds ``RequestId``), :class:`ApiError` for what the
service refuses.

Parameter names, defaults and limits are those of the FnF 2019-03-15 API as
Alibaba's SDK (alibabacloud_fnf20190315) sends and reads them.
"""
from __future__ import annotations

import json
import time
import uuid

from ..backends.callback_server import BadReport, CallbackReport, parse_report
from . import errors as X
from .hosting import Hosting
from .store import NAME_RE, FlowRecord, ServedExecution, now_utc, parse_iso

STATUSES = ("Starting", "Running", "Stopped", "Succeeded", "Failed", "TimedOut")
SYNC_LIMIT = 300.0  # an Express execution runs for 5 minutes at most


def _need(p: dict, name: str) -> str:
    v = p.get(name)
    if v is None or v == "":
        raise X.missing(name)
    return v


def _limit(p: dict, lo: int, hi: int, default: int) -> int:
    raw = p.get("Limit")
    if raw in (None, ""):
        return default
    try:
        n = int(raw)
    except ValueError:
        raise X.invalid_argument(f"Limit must be an integer from {lo} to {hi}, got {raw!r}") from None
    if not lo <= n <= hi:
        raise X.invalid_argument(f"Limit must be from {lo} to {hi}, got {n}")
    return n


def _name(value: str, what: str) -> str:
    if not NAME_RE.fullmatch(value):
        raise X.invalid_argument(f"{what} {value!r} is invalid: 1 to 128 letters, digits, '_' or '-', "
                                 "starting with a letter or '_'")
    return value


def _json_object(text: str | None, what: str) -> dict:
    if text in (None, ""):
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        raise X.invalid_argument(f"{what} is not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise X.invalid_argument(f"{what} must be a JSON object")
    return value


def _page(items: list, key, token: str | None, limit: int) -> tuple[list, str]:
    """``items`` from the one whose key is ``token``; the next page's token."""
    start = 0
    if token:
        keys = [key(i) for i in items]
        if token not in keys:
            raise X.invalid_argument(f"NextToken {token!r} is not valid here")
        start = keys.index(token)
    page = items[start:start + limit]
    nxt = items[start + limit] if start + limit < len(items) else None
    return page, (key(nxt) if nxt is not None else "")


class Actions(Hosting):
    """The API on top of :class:`~.hosting.Hosting` (flows, executions, drivers)."""

    # -- flows ----------------------------------------------------------------------------------
    def CreateFlow(self, p: dict) -> dict:
        name = _name(_need(p, "Name"), "Name")
        text = _need(p, "Definition")
        if p.get("Description") is None:
            raise X.missing("Description")
        ftype = _need(p, "Type")
        if ftype != "FDL":
            raise X.invalid_argument(f"Type must be FDL, got {ftype!r}")
        mode = p.get("ExecutionMode") or "Standard"
        if mode not in ("Standard", "Express"):
            raise X.invalid_argument(f"ExecutionMode must be Standard or Express, got {mode!r}")
        definition = self.check_definition(name, text, express=mode == "Express")
        with self.store.lock:
            if name in self.store.flows:
                raise X.flow_already_exists(name)
            rec = FlowRecord(name, definition, p["Description"], role_arn=p.get("RoleArn") or "",
                             execution_mode=mode, breakpoints=self.initial_breakpoints(definition))
            self.store.flows[name] = rec
        self.check_mocks()  # --mocks against this flow too: its slips are logged now, not found by a run
        self.changed(None)
        return rec.describe()

    def DescribeFlow(self, p: dict) -> dict:
        return self.flow(_need(p, "Name")).describe()

    def UpdateFlow(self, p: dict) -> dict:
        rec = self.flow(_need(p, "Name"))
        if p.get("Type") not in (None, "", "FDL"):
            raise X.invalid_argument(f"Type must be FDL, got {p['Type']!r}")
        if p.get("Definition"):
            rec.definition = self.check_definition(rec.name, p["Definition"], express=rec.express)
        if p.get("Description") is not None:
            rec.description = p["Description"]
        if p.get("RoleArn") is not None:
            rec.role_arn = p["RoleArn"]
        rec.modified = now_utc()
        self.changed(None)
        return rec.describe()

    def DeleteFlow(self, p: dict) -> dict:
        rec = self.flow(_need(p, "Name"))
        for e in self.store.flow_executions(rec.name):
            if e.running:
                e.driver.request_stop("FnF.FlowDeleted", f"flow {rec.name} was deleted", wait=2.0)
            e.driver.close()
        with self.store.lock:
            self.store.flows.pop(rec.name, None)
            for key in [k for k in self.store.executions if k[0] == rec.name]:
                del self.store.executions[key]
        self.changed(None)
        return {}

    def ListFlows(self, p: dict) -> dict:
        limit = _limit(p, 1, 999, 60)
        with self.store.lock:
            flows = sorted(self.store.flows.values(), key=lambda f: f.created)
        page, nxt = _page(flows, lambda f: f.name, p.get("NextToken"), limit)
        return {"Flows": [f.describe() for f in page], "NextToken": nxt}

    # -- executions ---------------------------------------------------------------------------------
    def StartExecution(self, p: dict) -> dict:
        rec = self.flow(_need(p, "FlowName"))
        if rec.express:
            raise X.invalid_argument(f"flow {rec.name} runs in Express mode: start it with StartSyncExecution "
                                     "(StartExecution supports Standard flows only)")
        served = self._start(rec, p)
        return self.describe_execution(served)

    def StartSyncExecution(self, p: dict) -> dict:
        rec = self.flow(_need(p, "FlowName"))
        if not rec.express:
            raise X.invalid_argument(f"flow {rec.name} runs in Standard mode: start it with StartExecution "
                                     "(StartSyncExecution supports Express flows only)")
        served = self._start(rec, p)
        if not served.finished_event.wait(SYNC_LIMIT) and served.running:
            served.driver.request_stop("FnF.ExecutionTimedOut", "Express executions run for 5 minutes at most")
        ex = served.execution
        out = {k: v for k, v in served.describe().items() if k in ("Name", "FlowName", "Status", "Output",
                                                                  "StartedTime", "StoppedTime")}
        if ex.error is not None and ex.status != "Succeeded":
            out["ErrorCode"], out["ErrorMessage"] = ex.error.code, ex.error.detail
        return out

    def _start(self, rec: FlowRecord, p: dict) -> ServedExecution:
        given = p.get("ExecutionName")
        name = _name(given, "ExecutionName") if given else str(uuid.uuid4())
        inp = _json_object(p.get("Input"), "Input")
        with self.store.lock:
            old = self.store.executions.get((rec.name, name))
            if old is not None:
                if old.running:  # the service returns the ongoing execution of that name
                    return old
                raise X.execution_already_exists(rec.name, name)
            served = self.launch(rec, name, inp, callback_token=p.get("CallbackFnFTaskToken") or None)
        self.changed(served)
        return served

    def DescribeExecution(self, p: dict) -> dict:
        served = self.execution(_need(p, "FlowName"), _need(p, "ExecutionName"))
        wait = p.get("WaitTimeSeconds")
        if wait not in (None, ""):
            try:
                seconds = int(wait)
            except ValueError:
                raise X.invalid_argument(f"WaitTimeSeconds must be an integer from 0 to 60, got {wait!r}") from None
            if not 0 <= seconds <= 60:
                raise X.invalid_argument(f"WaitTimeSeconds must be from 0 to 60, got {seconds}")
            if seconds:
                served.finished_event.wait(seconds)
        return self.describe_execution(served)

    def describe_execution(self, served: ServedExecution) -> dict:
        return served.describe()

    def ListExecutions(self, p: dict) -> dict:
        rec = self.flow(_need(p, "FlowName"))
        limit = _limit(p, 1, 99, 60)
        status = p.get("Status") or None
        if status is not None and status not in STATUSES:
            raise X.invalid_argument(f"Status must be one of {', '.join(STATUSES)}, got {status!r}")
        prefix = p.get("ExecutionNamePrefix") or ""
        bounds = []
        for key in ("StartedTimeBegin", "StartedTimeEnd"):
            raw = p.get(key)
            try:
                bounds.append(parse_iso(raw) if raw else None)
            except ValueError:
                raise X.invalid_argument(f"{key} must be a UTC RFC 3339 time, got {raw!r}") from None
        begin, end = bounds
        items = [e for e in self.store.flow_executions(rec.name)
                 if e.name.startswith(prefix) and (status is None or e.status == status)
                 and (begin is None or e.started >= begin) and (end is None or e.started <= end)]
        page, nxt = _page(items, lambda e: e.name, p.get("NextToken"), limit)
        meta = str(p.get("MetadataOnly", "")).lower() == "true"
        return {"Executions": [e.describe(metadata_only=meta) for e in page], "NextToken": nxt}

    def StopExecution(self, p: dict) -> dict:
        served = self.execution(_need(p, "FlowName"), _need(p, "ExecutionName"))
        error, cause = p.get("Error") or "", p.get("Cause") or ""
        if len(error) > 128 or len(cause) > 4096:
            raise X.invalid_argument("Error is at most 128 characters and Cause at most 4096")
        if not served.running:
            raise X.execution_already_completed(served.flow.name, served.name)
        served.driver.request_stop(error or "FnF.ExecutionStopped", cause)
        return self.describe_execution(served)

    def GetExecutionHistory(self, p: dict) -> dict:
        served = self.execution(_need(p, "FlowName"), _need(p, "ExecutionName"))
        limit = _limit(p, 1, 999, 60)
        events = served.history()
        page, nxt = _page(events, lambda e: str(e["EventId"]), p.get("NextToken"), limit)
        return {"Events": page, "NextToken": nxt}

    # -- callbacks ----------------------------------------------------------------------------------------
    def ReportTaskSucceeded(self, p: dict) -> dict:
        return self._report("ReportTaskSucceeded", p)

    def ReportTaskFailed(self, p: dict) -> dict:
        return self._report("ReportTaskFailed", p)

    def _report(self, action: str, p: dict) -> dict:
        try:
            report = parse_report(action, p)
        except BadReport as e:
            raise X.invalid_argument(str(e)) from None
        served, reply = self.report(report)
        if not reply.accepted:
            if served is None or "unknown task token" in reply.reason:
                raise X.invalid_argument(f"The task token {report.token!r} is invalid: no task of a running "
                                         "execution waits for it")
            if any(w in reply.reason for w in ("already", "timed out", "stopped")):
                raise X.task_already_completed(report.token, reply.reason)
            raise X.invalid_argument(reply.reason)
        return {"EventId": _schedule_event(report.token)}

    def report(self, report: CallbackReport):
        """Apply a report to the execution holding its token: ``(served, reply)``."""
        from ..backends.callback_server import CallbackReply
        served = self.store.by_token(report.token) or self._scheduled(report.token)
        if served is None:
            return None, CallbackReply(False, f"unknown task token {report.token!r}")
        return served, served.session.callback_sink(report, wait=5.0, notify=self.callback_heard)

    def _scheduled(self, token: str, wait: float = 2.0) -> ServedExecution | None:
        """An application may read the token in the TaskScheduled event while
        the driver is still submitting the task: give it a moment to register."""
        parts = token.split("#")
        served = self.store.executions.get((parts[1], parts[2])) if len(parts) >= 3 else None
        if served is None or not any(e.type == "TaskScheduled" and (e.detail or {}).get("token") == token
                                     for e in list(served.execution.events)):
            return None
        deadline = time.monotonic() + wait
        while token not in served.execution.pending and served.running and time.monotonic() < deadline:
            time.sleep(0.02)
        return served


def _schedule_event(token: str) -> int:
    """The id of the TaskScheduled event the token was issued in (flowdbg's
    tokens carry it: ``v1#FLOW#EXECUTION#EVENT#HASH``)."""
    parts = token.split("#")
    try:
        return int(parts[3])
    except (IndexError, ValueError):
        return 0


ACTIONS = ("CreateFlow", "DescribeFlow", "UpdateFlow", "DeleteFlow", "ListFlows", "StartExecution",
           "StartSyncExecution", "DescribeExecution", "ListExecutions", "StopExecution", "GetExecutionHistory",
           "ReportTaskSucceeded", "ReportTaskFailed")

__all__ = ["Actions", "ACTIONS"]
