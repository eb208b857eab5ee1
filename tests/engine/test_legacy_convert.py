"""``flowdbg convert``: legacy flows rewritten as FDL v1 (engine/legacy/convert*.py). The
rewrite is valid FDL v1, names what it cannot rewrite faithfully, and where it is faithful
gives the legacy flow's output when run on the same input and mocks."""
from __future__ import annotations

import datetime
import glob
import os

import pytest
import yaml

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.legacy.convert import convert
from flowdbg.engine.mocks import parse_mocks
from flowdbg.engine.session import Session

from helpers import FIXTURES, REALFLOWS, read, read_json
from helpers.engine import definition, legacy, run_flow

FIX = os.path.join(FIXTURES, "legacy", "realflows")
START = "2024-01-01T00:00:00Z"
NOW = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def rewrite(steps: str, top: str = ""):
    c = convert(definition(legacy(steps, top)).flow, now=NOW)
    d = parse_definition(c.text)
    assert not d.errors, [x.format("converted") for x in d.errors]
    return c, d


def states(c) -> dict:
    out = {}

    def rec(scope):
        for st in scope["States"]:
            out[st["Name"]] = st
            for b in st.get("Branches", []):
                if "States" in b:
                    rec(b)
            if "Processor" in st:
                rec(st["Processor"])
    rec(c.document)
    return out


def test_a_task_reads_its_mappings_over_the_carry_and_merges_its_output_into_local():
    c, _ = rewrite("""
        - type: task
          name: t
          resourceArn: !Ref Svc/fn
          inputMappings:
            - {target: a, source: $input.a}
            - {target: b, source: $local.b}
            - {target: url, source: "http://x"}
          outputMappings:
            - {target: got, source: $local.value}
            - {target: sent, source: $input.a}
        """)
    t = states(c)["t"]
    assert t["Parameters"] == {"resourceArn": "acs:fc:::services/Svc/functions/fn", "invocationType": "Sync",
                               "body": {"a.$": "$Input.input.a", "b.$": "$Input.local.b", "url": "http://x"}}
    assert t["OutputConstructor"] == {
        "input.$": "$Input.input",
        "local.$": 'jsonMerge($Input.local, {"got": $Output.Body.value, "sent": $Input.input.a})'}


def test_without_mappings_the_task_gets_input_merged_with_local_and_outputs_its_result():
    c, _ = rewrite("""
        - type: task
          name: t
          resourceArn: acs:fc:cn-hangzhou:1:services/s/functions/f
          pattern: waitForCallback
          timeoutSeconds: 30
          retry: [{errors: [FC.Unknown]}]
        """)
    t = states(c)["t"]
    assert (t["TaskMode"], t["Timeout"], t["Parameters"]["invocationType"]) == ("WaitForCustomCallback", 30, "Async")
    assert t["Parameters"]["body.$"] == "jsonMerge($Input.input, $Input.local)"
    assert t["OutputConstructor"]["local.$"] == "jsonMerge($Input.local, $Output)"  # the callback's output
    # the legacy defaults, written out
    assert t["Retry"] == [{"Errors": ["FC.Unknown"], "MaxAttempts": 3, "IntervalSeconds": 1, "BackoffRate": 2,
                           "MaxBackoffSeconds": 86400}]


def test_a_condition_on_one_key_is_guarded_so_a_missing_key_takes_the_same_branch():
    c, _ = rewrite("""
        - type: choice
          name: c
          choices:
            - condition: $.status == "ready" && $.n > 1
              goto: done
            - condition: $.flag
              goto: done
            - condition: $.status != "x"
              goto: done
        - type: pass
          name: done
        """)
    conds = [b["Condition"] for b in states(c)["c (choice)"]["Branches"]]
    assert conds == ['("status" in $Input.input && $Input.input.status == "ready") && $Input.input.n > 1',
                     '"flag" in $Input.input && $Input.input.flag',
                     '!("status" in $Input.input) || $Input.input.status != "x"']


def test_a_choice_pushes_a_carry_for_its_steps_and_pops_it_per_successor():
    c, _ = rewrite("""
        - type: choice
          name: c
          choices:
            - condition: $.go
              steps:
                - {type: pass, name: inner, outputMappings: [{target: x, source: 1}]}
              goto: end
          default:
            goto: end
        - type: pass
          name: middle
        - type: pass
          name: end
        """)
    st = states(c)
    assert st["c"]["OutputConstructor"] == {"input.$": "jsonMerge($Input.input, $Input.local)", "local": {},
                                            "up.$": "$Input"}
    assert st["c (choice)"]["Branches"][0]["Next"] == "inner"
    assert st["c (choice)"]["Default"] == "c (goto end)"
    assert st["inner"]["OutputConstructor"] == {"input.$": "$Input.input", "local.$": 'jsonMerge($Input.local, '
                                                '{"x": 1})', "up.$": "$Input.up"}
    assert st["c (goto end)"]["OutputConstructor"] == {"input.$": "$Input.up.input",
                                                       "local.$": "jsonMerge($Input.up.local, $Input.local)"}
    assert st["c (goto end)"]["Next"] == "end"


def test_parallel_local_array_and_foreach_index_and_timestamps():
    c, _ = rewrite("""
        - type: parallel
          name: p
          branches:
            - steps: [{type: pass, name: a, outputMappings: [{target: r, source: 1}]}]
            - steps: [{type: pass, name: b, outputMappings: [{target: r, source: 2}]}]
          outputMappings:
            - target: rs
              source: $local[*].r
        - type: foreach
          name: e
          iterationMapping: {collection: $.items, item: it, index: i}
          steps: [{type: pass, name: q}]
        - type: wait
          name: w
          timestamp: 2019-05-02T15:04:05Z
        - type: wait
          name: w2
          timestamp: $.when
        """)
    st = states(c)
    assert st["p"]["OutputConstructor"]["local.$"] == ('jsonMerge($Input.up.local, {"rs": [$Output.Branch0.local.r, '
                                                       '$Output.Branch1.local.r]})')
    assert st["e"]["ItemsPath"] == "$Input.input.items"
    assert st["e"]["ItemConstructor"] == {"input.$": 'jsonMerge($Input.input, {"it": $Item})', "local": {}}
    assert st["w"] == {"Type": "Pass", "Name": "w", "Description": "timestamp 2019-05-02T15:04:05Z is past: no wait",
                       "Next": "w2"}
    assert [(p.step, p.reason) for p in c.problems] == [
        ("e", "iterationMapping.index ('i'): an FDL v1 Map gives its iterations no index"),
        ("w2", "timestamp $.when: FDL v1 waits a number of seconds, not until a time")]


def test_names_that_meet_in_one_v1_scope_are_made_unique_and_said():
    c, d = rewrite("""
        - type: choice
          name: c
          choices:
            - condition: $.go
              steps: [{type: pass, name: x}]
        - type: pass
          name: x
        """)
    assert "x_2" in states(c)
    assert any("'x' (line 8) is named 'x_2'" in n for n in c.notes)


# -- the published legacy flows ----------------------------------------------------------------

#: what each published legacy flow's rewrite cannot say (step, line), checked by hand against the flow
PROBLEMS = {
    "async-http-jobs": [("(flow output)", 5)], "detect-mask": [("(flow output)", 12)],
    "doc-fnf-wait-timestamp-const": [], "doc-fnf-wait-timestamp-input": [("custom_wait", 5)],
    "etl-data-processing": [("(flow output)", 6)],
    "fnf-video-processing": [("ParallelTranscode", 18), ("Transcode_splits", 25), ("(flow output)", 5)],
    "fork-flows-main": [("fork", 10)], "fork-flows-subflow": [("(flow output)", 5)], "http-task-proxy": [],
    "id-card-ocr": [], "ml-pipeline": [("(flow output)", 5)], "mns-topic-callback": [], "order-management": [],
    "oss-batch-copy": [("has_more_files", 21), ("(flow output)", 5)], "oss-batch-process": [("(flow output)", 7)],
    "oss-copy-compare-test": [("(flow output)", 5)], "oss-copy-multiple": [("uploadGroups", 178), ("(flow output)", 18)],
    "oss-copy-single": [("uploadGroups", 99), ("(flow output)", 19)], "oss-restore-subflow": [("(flow output)", 5)],
    "oss-unzip-multiple": [("(flow output)", 17)], "oss-unzip-single": [("(flow output)", 17)],
    "parallel-wait-any-main": [("(flow output)", 5)], "parallel-wait-any-subflow": [],
    "post-exec-actions-main": [("(flow output)", 5)], "provision-autoscale": [], "rst-parallel-fragment": [],
    "rst-task-pass-task": [("(flow output)", 5)],
    "second-level-timer": [("wait", 15), ("timer-handler", 19), ("(flow output)", 5)],
    "subflow-audit-child": [], "subflow-audit-main": [("(flow output)", 5)], "terraform-wait-from-input": [],
    "trigger-oss-event": [], "trip-booking-saga": [], "vscode-mock-all-steps": [], "wait-for-callback": [("(flow output)", 5)],
}
NAMES = sorted(PROBLEMS)


def _load(name):
    path = os.path.join(REALFLOWS, name + ".yaml")
    if not os.path.exists(path):
        pytest.skip("shared/realflows not present")
    return load_definition(path)


@pytest.mark.parametrize("name", NAMES)
def test_every_published_legacy_flow_converts_to_valid_fdl_v1(name):
    c = convert(_load(name).flow, name + ".yaml", now=NOW)
    assert [(p.step, p.line) for p in c.problems] == PROBLEMS[name]
    d = parse_definition(c.text)
    errors = [(x.code, x.message) for x in d.errors]
    if name == "second-level-timer":  # resourceArn <resource-arn> is a placeholder, named as a problem
        assert [code for code, _ in errors] == ["bad-arn"]
    else:
        assert errors == []
    assert yaml.safe_load(c.text) == c.document  # the header is comments only


def test_the_reasons_name_what_v1_cannot_say():
    c = convert(_load("oss-copy-single").flow, now=NOW)
    assert [p.reason for p in c.problems] == [
        "parts: $local[*].parts[*]: a foreach's $local is its iteration results, which FDL v1 cannot read after a "
        "Map (no wildcards)",
        "without outputMappings the flow outputs its $local, and its keys come from function results at run time "
        "(step 'copyObject', step 'copyObjectWithMultipartUpload', step 'initMultipartUpload', step "
        "'completeMultipartUpload'); FDL v1 builds objects with fixed keys: add "
        "flow-level outputMappings"]
    c = convert(_load("oss-batch-copy").flow, now=NOW)
    assert c.problems[0].reason == "event_id: $context.step.eventId: FDL v1's $Context has no counterpart"


# A `states:` mock answers a v1 FC task with its whole Task result ({"Body": ...}), a legacy one with its $local,
# so a flow whose functions are mocked under states: is compared on its legacy run only.
STATE_MOCKED_FUNCTIONS = {"parallel-wait-any-subflow"}
FAITHFUL = [n for n in NAMES if not PROBLEMS[n] and n not in STATE_MOCKED_FUNCTIONS]


def _run(d, name):
    mocks = parse_mocks(read(os.path.join(FIX, name + ".mocks.yaml")), os.path.join(REALFLOWS, name + ".mocks.yaml"))
    s = Session(d, read_json(os.path.join(FIX, name + ".input.json")), mocks=mocks, start_time=START,
                name=f"{name}-test")
    s.run_to_end(max_steps=100_000)
    return s.execution


@pytest.mark.parametrize("name", FAITHFUL)
def test_a_faithful_rewrite_gives_the_legacy_output_on_the_same_input_and_mocks(name):
    c = convert(_load(name).flow, name + ".yaml", now=NOW)
    ex = _run(parse_definition(c.text, os.path.join(REALFLOWS, name + ".converted.yaml")), name)
    want = read_json(os.path.join(FIX, name + ".expected.json"))
    assert (ex.status, ex.output, ex.clock) == (want["status"], want["output"], want["time"]), ex.error


@pytest.mark.parametrize("name", FAITHFUL)
def test_the_legacy_run_and_the_rewritten_run_agree(name):
    d = _load(name)
    legacy_ex = _run(d, name)
    v1_ex = _run(parse_definition(convert(d.flow, now=NOW).text, os.path.join(REALFLOWS, name + ".v1.yaml")), name)
    assert (legacy_ex.status, legacy_ex.output, legacy_ex.clock) == (v1_ex.status, v1_ex.output, v1_ex.clock)


@pytest.mark.parametrize("inp,output", [({"status": "ready"}, "Succeeded"), ({"status": "failed"}, "Failed"),
                                        ({}, "Failed")])
def test_d4_rewritten_takes_the_same_branches(inp, output):  # a missing status still takes the default branch
    from test_legacy_run import D4
    c, d = rewrite(D4)
    s = run_flow(c.text, inp)
    assert s["status"] == output
    if output == "Failed":
        assert s["error"] == {"code": "StatusIsNotReady", "detail": "status is not ready"}
