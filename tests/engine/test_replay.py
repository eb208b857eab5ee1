"""Replaying a recorded execution (GetExecutionHistory) on the local engine:
flowdbg's own export and a CloudFlow-shaped one, and where the local run
diverges from the record."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.replay import RecordError, load_record, parse_record, replay_session

from helpers import FIXTURES, REPO, SAMPLE_FLOWS, read

APPROVAL = os.path.join(FIXTURES, "serve", "approval.yaml")
CLOUD_HISTORY = os.path.join(FIXTURES, "replay", "cloudflow-approval-rejected.history.json")
PIPELINE = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")


def exported(tmp_path, flow: str, *args: str) -> str:
    """A history written by ``flowdbg run --history``."""
    out = str(tmp_path / "run.history.json")
    subprocess.run([sys.executable, "-m", "flowdbg.tui.cli", "run", flow, "--history", out, *args], cwd=REPO,
                   check=True, capture_output=True)
    return out


def run_all(replay):
    """Continue to the end, collecting every divergence stop on the way."""
    stops = []
    while True:
        stop = replay.session.cont()
        if stop.reason != "diverged":
            return stops, stop
        stops.append(stop)


def test_flowdbgs_own_export_replays_exactly(tmp_path):
    path = exported(tmp_path, PIPELINE, "--input-file", os.path.join(SAMPLE_FLOWS, "order-pipeline.input.json"))
    record = load_record(path)
    assert record.status == "Succeeded" and record.scoped
    assert [len(record.tasks[s]) for s in ("ValidateOrder", "PackOne", "WaitForApproval")] == [2, 3, 1]
    replay = replay_session(load_definition(PIPELINE), record)
    stops, end = run_all(replay)
    ex = replay.session.execution
    assert stops == [] and end.reason == "finished" and ex.status == "Succeeded"
    recorded = json.loads(read(path))["Events"]
    assert [(e.type, e.state, e.scope) for e in ex.events] == [(e["Type"], e["StepName"], e["Scope"])
                                                               for e in recorded]
    assert ex.output == json.loads(recorded[-1]["EventDetail"])["output"]
    assert ex.clock == 182  # the recorded retry interval, Wait and callback delay, all virtual
    assert replay.check.found == []


def test_a_cloudflow_history_answers_the_tasks_and_the_callback():
    record = load_record(CLOUD_HISTORY)
    assert (record.status, record.input, record.name) == ("Failed", {"orderId": "A-7"}, "order-A-7")
    task = record.tasks["WaitForApproval"][0]
    assert (task.outcome, task.error, task.cause, task.wait) == ("failed", "Rejected", "over budget", 40.0)
    replay = replay_session(load_definition(APPROVAL), record)
    stops, end = run_all(replay)
    ex = replay.session.execution
    assert stops == [] and (ex.status, ex.error.code) == ("Failed", "OrderRejected")
    assert [r.state for r in ex.records] == ["CheckOrder", "WaitForApproval", "Rejected"]
    failed = next(e for e in ex.events if e.type == "TaskFailed")
    assert failed.detail == {"error": {"Code": "Rejected", "Detail": "over budget"}}
    # The record's times: CheckOrder took 1.5 s, the callback came 40 s after the submission.
    assert failed.time == pytest.approx(41.5)
    assert ex.records[0].output == {"orderId": "A-7", "total": 900}
    assert replay.session.start["name"] == "order-A-7"


def test_stepping_a_replay_stops_where_the_edited_flow_diverges():
    text = read(APPROVAL).replace("total.$: $Output.Body.total", "total.$: $Output.Body")
    replay = replay_session(parse_definition(text, "edited.yaml"), load_record(CLOUD_HISTORY))
    first = replay.session.cont()
    assert (first.reason, first.state) == ("diverged", "CheckOrder")
    assert first.message == "diverged at CheckOrder: its output differs — total: recorded 900, here {\"total\": 900}"
    # The debugger stopped right there: the next state has not run yet.
    assert [r.state for r in replay.session.execution.records] == ["CheckOrder", "WaitForApproval"]
    stops, end = run_all(replay)
    assert [s.message for s in stops] == [
        "diverged at WaitForApproval: the task's request differs — body.total: recorded 900, here {\"total\": 900}"]
    assert replay.check.found[1] == ("diverged at WaitForApproval: its input differs — total: recorded 900, "
                                     "here {\"total\": 900}")
    assert end.reason == "finished"


def test_a_choice_that_goes_another_way_is_named(tmp_path):
    path = exported(tmp_path, PIPELINE, "--input-file", os.path.join(SAMPLE_FLOWS, "order-pipeline.input.json"))
    text = read(PIPELINE).replace("$Input.total > 1000", "$Input.total > 2000")
    stops, end = run_all(replay_session(parse_definition(text, "edited.yaml"), load_record(path)))
    assert stops[0].message == ("diverged at NeedsApproval: it went on to Fulfil; the recorded execution went on "
                                "to WaitForApproval")
    assert end.reason == "finished"


def test_a_state_the_record_never_ran():
    text = read(APPROVAL).replace("    Next: Approved\n  - Name: Approved", "    Next: Extra\n  - Name: Extra\n"
                                  "    Type: Pass\n    Next: Approved\n  - Name: Approved")
    record = load_record(CLOUD_HISTORY)
    body = json.loads(read(CLOUD_HISTORY))
    # A record where the manager approved instead.
    body["Events"][8] = {**body["Events"][8], "Type": "TaskSucceeded", "EventDetail": json.dumps({"output": {"by": "m"}})}
    body["Events"] = body["Events"][:9] + [
        {"EventId": 10, "ScheduleEventId": 0, "StepName": "WaitForApproval", "Type": "StepExited",
         "Time": "2024-05-01T10:00:41.710+08:00", "EventDetail": json.dumps({"output": {"orderId": "A-7", "approvedBy": "m"}})},
        {"EventId": 11, "ScheduleEventId": 0, "StepName": "Approved", "Type": "StepEntered",
         "Time": "2024-05-01T10:00:41.720+08:00", "EventDetail": "{}"},
        {"EventId": 12, "ScheduleEventId": 0, "StepName": "Approved", "Type": "StepExited",
         "Time": "2024-05-01T10:00:41.720+08:00", "EventDetail": "{}"},
        {"EventId": 13, "ScheduleEventId": 0, "StepName": "", "Type": "ExecutionSucceeded",
         "Time": "2024-05-01T10:00:41.730+08:00", "EventDetail": "{}"}]
    record = parse_record(json.dumps(body), "approved.json")
    stops, end = run_all(replay_session(parse_definition(text, "edited.yaml"), record))
    assert stops[0].state == "Extra" and "never ran this state" in stops[0].message
    assert end.reason == "finished" and stops[-1].message.startswith("diverged at")


@pytest.mark.parametrize("text, message", [
    ("{nope", "h.json:1:2: not valid JSON"),
    ('{"Items": []}', "h.json: no 'Events' list"),
    ('{"Events": []}', "h.json: the history has no events"),
    ('{"Events": [{"EventId": 1}]}', "h.json:1:13: event 1: no 'Type'"),
    ('{"Events": [{"Type": "StepEntered", "EventDetail": "{oops"}]}', "h.json:1:13: event 1 (StepEntered): EventDetail"),
    ('[1, 2]', "h.json:1:2: event 1: an event must be an object"),
    ('{"Events": [\n  {"Type": "ExecutionStarted"},\n  {"EventId": 2}\n]}', "h.json:3:3: event 2: no 'Type'"),
    ('{"RequestId": "r", "body": {"Events": [{"Type": "ExecutionStarted"}, {"EventId": "x", "Type": "StepEntered"}]}}',
     "h.json:1:70: event 2: EventId and ScheduleEventId must be integers"),
    ('[{"Events": [{"Type": "StepEntered"}]}, {"Events": [{"EventId": 2}]}]', "h.json: event 2: no 'Type'"),  # pages
])
def test_bad_history_files_say_what_is_wrong(text, message):
    with pytest.raises(RecordError) as e:
        parse_record(text, "h.json")
    assert str(e.value).startswith(message)


def test_pages_of_a_history_and_camel_case_fields_are_read():
    body = json.loads(read(CLOUD_HISTORY))
    camel = [{k[0].lower() + k[1:]: v for k, v in e.items()} for e in body["Events"]]
    pages = [{"Events": camel[:5], "NextToken": "6"}, {"Events": camel[5:], "NextToken": ""}]
    record = parse_record(json.dumps(pages), "pages.json")
    assert len(record.events) == 13 and record.status == "Failed" and record.tasks["CheckOrder"][0].outcome == "succeeded"
