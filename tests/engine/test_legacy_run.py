"""Legacy flows run end to end with the legacy semantics. Expected values are the docs'
(the page is named beside each case, fdl-reference §11 D) or follow from the rules and
decisions in docs/semantics.md ("Legacy format")."""
from __future__ import annotations

import pytest

from flowdbg.engine.backends.local import LocalBackend
from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import load_mocks, parse_mocks
from flowdbg.engine.session import Session

from helpers.engine import definition, events_of, execute, execute_recording, legacy, records_of, run_flow

START = "2024-01-01T00:00:00Z"


def run(steps: str, input=None, mocks: str = "", top: str = "") -> dict:
    return run_flow(legacy(steps, top), input, mocks)


# -- the docs' examples (fdl-reference §11 D) ---------------------------------------------------------

def test_d1_pass_with_a_constant_output_mapping():  # 122496
    s = run("""
        - type: pass
          name: toUpperCase
          outputMappings:
            - target: names
              source: ["A", "B", "C"]
        """)
    assert (s["status"], s["output"], s["states"]) == ("Succeeded", {"names": ["A", "B", "C"]}, ["toUpperCase"])


def test_d2_parallel_local_is_the_array_of_branch_results():  # 122498
    s = run("""
        - type: parallel
          name: myparallel
          branches:
            - steps:
              - type: pass
                name: pass1
                outputMappings:
                  - target: result
                    source: pass1
            - steps:
              - type: pass
                name: pass2
                outputMappings:
                  - target: result
                    source: pass2
          outputMappings:
            - target: result
              source: $local[*].result
        """)
    assert s["status"] == "Succeeded" and s["output"] == {"result": ["pass1", "pass2"]}
    assert s["states"][0] == "myparallel" and sorted(s["states"][1:]) == ["pass1", "pass2"]


UPPER = "import json\ndef handler(event, context):\n    e = json.loads(event)\n    return json.dumps({'name': e['name'].upper()})\n"

D3 = """
    - type: foreach
      name: myforeach
      iterationMapping:
        collection: $.names
        item: name
      steps:
        - type: task
          name: toUpperCase
          resourceArn: acs:fc:{region}:{account}:services/fnf_test/functions/toUpperCase
      outputMappings:
        - target: names
          source: $local[*].name
    """


def test_d3_foreach_merges_each_item_into_the_iteration_input(tmp_path):  # 122499
    (tmp_path / "upper.py").write_text(UPPER)
    s = Session(definition(legacy(D3)), {"names": ["a", "b", "c"]}, mocks=parse_mocks("{}", "<mocks>"),
                backends=[LocalBackend({"toUpperCase": "upper.py:handler"}, base_dir=tmp_path)],
                start_time=START, name="test-exec")
    s.run_to_end(max_steps=10_000)
    ex = s.execution
    assert (ex.status, ex.output) == ("Succeeded", {"names": ["A", "B", "C"]})
    assert sorted((r.input for r in records_of(ex, "toUpperCase")), key=lambda x: x["name"]) == [
        {"name": "a", "names": ["a", "b", "c"]}, {"name": "b", "names": ["a", "b", "c"]},
        {"name": "c", "names": ["a", "b", "c"]}]


D4 = """
    - type: choice
      name: mychoice
      choices:
        - condition: $.status == "ready"
          steps:
            - type: pass
              name: pass1
          goto: final
        - condition: $.status == "failed"
          goto: handle_failure
      default:
        steps:
          - type: pass
            name: pass2
    - type: fail
      name: handle_failure
      error: StatusIsNotReady
      cause: status is not ready
    - type: pass
      name: final
    """


@pytest.mark.parametrize("inp,status,states,error", [
    ({"status": "ready"}, "Succeeded", ["mychoice", "pass1", "final"], None),
    ({"status": "failed"}, "Failed", ["mychoice", "handle_failure"],
     {"code": "StatusIsNotReady", "detail": "status is not ready"}),
    ({}, "Failed", ["mychoice", "pass2", "handle_failure"], {"code": "StatusIsNotReady", "detail": "status is not ready"}),
])
def test_d4_choice_goto_default_and_fail(inp, status, states, error):  # 122501
    s = run(D4, inp)
    assert (s["status"], s["states"], s["error"]) == (status, states, error)


def test_d5_succeed_ends_the_list():  # succeed-steps
    s = run("""
        - type: choice
          name: mychoice
          choices:
            - condition: $.status == "ready"
              steps:
                - type: pass
                  name: pass1
              goto: final
            - condition: $.status == "failed"
              goto: handle_failure
        - type: succeed
          name: final
        - type: pass
          name: handle_failure
        """, {"status": "ready"})
    assert (s["status"], s["states"]) == ("Succeeded", ["mychoice", "pass1", "final"])


@pytest.mark.parametrize("wait,inp,time", [
    ("duration: 20", {}, 20.0),
    ("duration: $.wait", {"wait": 5}, 5.0),
    ("timestamp: 2019-05-02T15:04:05Z", {}, 0.0),  # in the past: no wait
    ("timestamp: $.wait_timestamp", {"wait_timestamp": "2024-01-01T00:01:00Z"}, 60.0),
])
def test_d6_wait_on_the_virtual_clock(wait, inp, time):  # 122495
    s = run(f"""
        - type: wait
          name: w
          {wait}
        """, inp)
    assert (s["status"], s["time"], s["output"]) == ("Succeeded", time, {})


# -- $local merge rules ------------------------------------------------------------------------------

MERGE = """
    - type: pass
      name: p1
      outputMappings:
        - {target: b, source: 2}
        - {target: x, source: 1}
    - type: task
      name: t
      resourceArn: acs:fc:cn-hangzhou:123:services/svc/functions/echo
    - type: pass
      name: p2
      inputMappings:
        - {target: fromInput, source: $input.b}
        - {target: fromLocal, source: $local.b}
      outputMappings:
        - {target: seen, source: $input}
        - {target: x, source: 3}
    """


def test_child_input_is_parent_input_with_local_over_it_and_local_merges_child_outputs():
    ex, door = execute_recording(legacy(MERGE), {"a": 1, "b": 1}, "functions: {echo: [{body: {y: 9, b: 5}}]}")
    assert door.bodies("echo") == [{"a": 1, "b": 2, "x": 1}]  # input {a, b} with $local {b, x} merged over it
    assert ex.status == "Succeeded"
    # the flow's output is its $local: p1, then t (the function's result), then p2, later wins
    assert ex.output == {"b": 5, "x": 3, "y": 9, "seen": {"fromInput": 1, "fromLocal": 5}}


def test_parallel_outputs_nothing_without_output_mappings_and_branches_have_their_own_local():
    s = run("""
        - type: pass
          name: before
          outputMappings: [{target: k, source: v}]
        - type: parallel
          name: par
          branches:
            - steps:
                - {type: pass, name: b0, outputMappings: [{target: r, source: 0}]}
            - steps:
                - {type: pass, name: b1a, outputMappings: [{target: r, source: 1}]}
                - {type: pass, name: b1b, outputMappings: [{target: s, source: $input.k}]}
        - type: pass
          name: after
          inputMappings: [{target: local, source: $local}]
          outputMappings: [{target: all, source: $input.local}]
        """)
    assert s["output"] == {"k": "v", "all": {"k": "v"}}


def test_foreach_index_starts_at_0_and_nested_iterations_see_the_outer_item():
    s = run("""
        - type: foreach
          name: outer
          iterationMapping: {collection: $.formats, item: fmt, index: i}
          steps:
            - type: foreach
              name: inner
              iterationMapping: {collection: $.parts, item: part, index: i}
              steps:
                - type: pass
                  name: show
                  outputMappings:
                    - {target: tag, source: $input.fmt}
                    - {target: part, source: $input.part}
                    - {target: i, source: $input.i}
              outputMappings:
                - {target: seen, source: $local}
          outputMappings:
            - target: all
              source: $local[*].seen
        """, {"formats": ["mp4", "flv"], "parts": ["p0", "p1"]})
    assert s["output"] == {"all": [
        [{"tag": "mp4", "part": "p0", "i": 0}, {"tag": "mp4", "part": "p1", "i": 1}],
        [{"tag": "flv", "part": "p0", "i": 0}, {"tag": "flv", "part": "p1", "i": 1}]]}


@pytest.mark.parametrize("go,output,states", [
    (True, {"fromBranch": "branch"}, ["c", "inner", "after"]),  # the choice's $local is the branch's result
    (False, {}, ["c", "after"]),  # no default: the choice ends and the next step runs
])
def test_choice_local_is_the_branch_that_ran_and_no_default_falls_through(go, output, states):
    s = run("""
        - type: choice
          name: c
          choices:
            - condition: $.go
              steps:
                - {type: pass, name: inner, outputMappings: [{target: fromBranch, source: branch}]}
        - type: pass
          name: after
        """, {"go": go})
    assert (s["status"], s["output"], s["states"]) == ("Succeeded", output, states)


def test_flow_input_and_output_mappings_and_a_ref_function_matched_by_name():
    ex, door = execute_recording(legacy("""
        - type: task
          name: double
          resourceArn: !Ref MathSvc/double
        """, """
        inputMappings:
          - {target: n, source: $input.number}
        outputMappings:
          - {target: result, source: $local.doubled}
          - {target: original, source: $input.n}
        """), {"number": 4}, "functions: {double: [{body: {doubled: 8}}]}")
    assert door.bodies("double") == [{"n": 4}]
    assert (ex.status, ex.output) == ("Succeeded", {"result": 8, "original": 4})


def test_a_missing_mapping_path_maps_null_and_the_record_says_why():
    ex = execute(legacy("""
        - type: pass
          name: p
          inputMappings: [{target: img, source: $input.imageHttpUrl}]
          outputMappings: [{target: got, source: $input.img}]
        """), {"imageOssUrl": "oss://b/k"})
    assert (ex.status, ex.output) == ("Succeeded", {"got": None})
    assert any("$input has no key 'imageHttpUrl'" in n for n in records_of(ex, "p")[0].notes)


# -- retry, catch, errors --------------------------------------------------------------------------

RETRY = """
    - type: task
      name: t
      resourceArn: acs:fc:::services/s/functions/flaky
      retry:
        - errors: [FC.Unknown]
          {extra}
    """


@pytest.mark.parametrize("extra,failures,status,time,calls", [
    ("", 3, "Succeeded", 7.0, 4),  # defaults: intervalSeconds 1, multiplier 2, maxAttempts 3 -> waits 1, 2, 4
    ("", 5, "Failed", 7.0, 4),  # 3 retries after the first call, then the error
    ("intervalSeconds: 10\n          maxIntervalSeconds: 25", 3, "Succeeded", 55.0, 4),  # 10, 20, 25 (capped)
    ("maxAttempts: 0", 1, "Failed", 0.0, 1),
])
def test_retry_with_the_legacy_defaults(extra, failures, status, time, calls):
    mocks = f"functions:\n  flaky:\n    - error: FC.Unknown\n      times: {failures}\n    - body: {{ok: true}}\n"
    ex, door = execute_recording(legacy(RETRY.replace("{extra}", extra)), {}, mocks)
    assert (ex.status, ex.clock, len(door.bodies("flaky"))) == (status, time, calls)


CATCH = """
    - type: task
      name: t
      resourceArn: acs:fc:::services/s/functions/boom
      {errorMappings}
      catch:
        - {errors: [FnF.ALL], goto: handler}
    - type: pass
      name: skipped
    - type: pass
      name: handler
      outputMappings:
        - {target: seen, source: $input}
    """


@pytest.mark.parametrize("mappings,output", [
    ("errorMappings:\n        - {target: err, source: $local.error}\n        - {target: why, source: $local.cause}",
     {"err": "FC.Unknown", "why": "boom!", "seen": {"err": "FC.Unknown", "why": "boom!"}}),
    ("", {"seen": {}}),  # without errorMappings the next step sees no error fields (task page)
])
def test_catch_goto_with_and_without_error_mappings(mappings, output):
    s = run(CATCH.replace("{errorMappings}", mappings), {}, "functions: {boom: [{error: FC.Unknown, detail: boom!}]}")
    assert (s["status"], s["states"], s["output"]) == ("Succeeded", ["t", "handler"], output)


def test_a_fail_inside_a_parallel_branch_fails_the_execution():
    s = run("""
        - type: parallel
          name: par
          branches:
            - steps: [{type: pass, name: ok}]
            - steps: [{type: fail, name: stop, error: Broken, cause: branch 1 broke}]
        - type: pass
          name: never
        """)
    assert (s["status"], s["error"]["code"]) == ("Failed", "Broken")
    assert "never" not in s["states"]


def test_a_task_timeout_fails_with_fnf_task_timeout():
    s = run("""
        - type: task
          name: slow
          resourceArn: acs:fc:::services/s/functions/slow
          timeoutSeconds: 5
        """, {}, "functions: {slow: [{body: {}, delay: 10}]}")
    assert (s["status"], s["error"]["code"], s["time"]) == ("Failed", "FnF.TaskTimeout", 5.0)


def test_a_function_result_that_is_not_an_object_is_fnf_invalid_local():
    s = run("""
        - type: task
          name: t
          resourceArn: acs:fc:::services/s/functions/list
        """, {}, "functions: {list: [{body: [1, 2]}]}")
    assert (s["status"], s["error"]["code"]) == ("Failed", "FnF.InvalidLocal")


def test_the_32_kib_limit_on_a_steps_data():
    s = run(f"""
        - type: pass
          name: big
          outputMappings: [{{target: blob, source: "{'x' * 33000}"}}]
        """)
    assert (s["status"], s["error"]["code"]) == ("Failed", "FnF.DataLimitExceeded")


# -- control -------------------------------------------------------------------------------------

def test_end_true_ends_the_list_and_succeed_inside_a_choice_ends_only_its_branch():
    s = run("""
        - type: choice
          name: c
          choices:
            - condition: $.go
              steps:
                - {type: succeed, name: s}
                - {type: pass, name: never}
        - type: pass
          name: after
          end: true
        - type: pass
          name: skipped
        """, {"go": True})
    assert (s["status"], s["states"]) == ("Succeeded", ["c", "s", "after"])


def test_goto_loops_until_the_condition_changes():
    s = run("""
        - type: task
          name: poll
          resourceArn: acs:fc:::services/s/functions/status
        - type: choice
          name: check
          choices:
            - condition: $.status == "running"
              goto: poll
        """, {}, "functions:\n  status:\n    - body: {status: running}\n      times: 2\n    - body: {status: done}\n")
    assert s["states"] == ["poll", "check"] * 3 and s["output"] == {"status": "done"}


# -- task patterns and integrations ----------------------------------------------------------------

CALLBACK = """
    - type: task
      name: approve
      resourceArn: acs:fc:::services/s/functions/ask
      pattern: waitForCallback
      inputMappings:
        - {target: token, source: $context.task.token}
      outputMappings:
        - {target: decision, source: $local.decision}
    """


def test_wait_for_callback_passes_the_token_and_the_report_becomes_local():
    ex, door = execute_recording(legacy(CALLBACK), {}, """
        functions: {ask: [{body: {}}]}
        callbacks: {approve: [{succeed: {decision: approved}, after: 30}]}
        """)
    token = door.bodies("ask")[0]["token"]
    assert token == records_of(ex, "approve")[0].token and token.startswith("v1#")
    assert (ex.status, ex.output, ex.clock) == ("Succeeded", {"decision": "approved"}, 30.0)


def test_wait_for_callback_by_hand():
    ex = execute(legacy(CALLBACK), {}, "functions: {ask: [{body: {}}]}")
    assert ex.status == "Running" and [p.state for p in ex.pending_tasks()] == ["approve"]
    assert ex.report(ex.pending_tasks()[0].token, succeeded=True, output={"decision": "no"}).accepted
    ex.run(max_steps=1000)
    assert (ex.status, ex.output) == ("Succeeded", {"decision": "no"})


def test_service_integrations_and_mns_are_answered_by_state_mocks():
    s = run("""
        - type: task
          name: ocr
          action: ocr:RecognizeIdentityCard
          serviceParams: {ImageURL: $.imageURL, Side: face}
          outputMappings:
            - {target: name, source: $local.Data.FrontResult.Name}
        - type: task
          name: notify
          resourceArn: acs:mns:::/topics/t/messages
          serviceParams: {MessageBody: $}
        """, {"imageURL": "https://x/id.jpg"}, """
        states:
          ocr: [{result: {Data: {FrontResult: {Name: Zhang}}}}]
          notify: [{result: {MessageId: m-1}}]
        """)
    assert (s["status"], s["output"]) == ("Succeeded", {"name": "Zhang", "MessageId": "m-1"})


def test_a_child_flow_with_pattern_sync_gives_its_output_as_local(tmp_path):
    (tmp_path / "child.yaml").write_text(
        "version: v1\ntype: flow\nsteps:\n  - type: pass\n    name: hello\n    outputMappings:\n"
        "      - {target: childSays, source: $input.x}\n")
    (tmp_path / "main.yaml").write_text(legacy("""
        - type: task
          name: start
          resourceArn: acs:fnf:::flow/child
          pattern: sync
          inputMappings: [{target: x, source: $input.x}]
          serviceParams: {Input: $}
        """))
    (tmp_path / "main.mocks.yaml").write_text("flows: {child: child.yaml}\n")
    s = Session(load_definition(str(tmp_path / "main.yaml")), {"x": "hi"},
                mocks=load_mocks(str(tmp_path / "main.mocks.yaml")), start_time=START, name="test-exec")
    s.run_to_end(max_steps=10_000)
    assert (s.execution.status, s.execution.output) == ("Succeeded", {"childSays": "hi"})


def test_context_fields():
    ex = execute(legacy("""
        - type: pass
          name: ctx
          inputMappings:
            - {target: flow, source: $context.flow.name}
            - {target: execution, source: $context.execution.name}
            - {target: step, source: $context.step.name}
            - {target: eventId, source: $context.step.eventId}
          outputMappings: [{target: seen, source: $input}]
        """), {})
    entered = [e for e in events_of(ex, "StepEntered", "ctx")]
    assert ex.output == {"seen": {"flow": "", "execution": "test-exec", "step": "ctx", "eventId": entered[0]["id"]}}


V1_CHILD = """\
Type: StateMachine
Name: v1child
SpecVersion: v1
StartAt: Say
States:
  - Type: Pass
    Name: Say
    OutputConstructor:
      said.$: $Input.x
    End: true
"""


def test_a_legacy_flow_starts_an_fdl_v1_child_and_a_v1_flow_a_legacy_child(tmp_path):
    (tmp_path / "v1child.yaml").write_text(V1_CHILD)
    (tmp_path / "legacychild.yaml").write_text(legacy("""
        - type: pass
          name: say
          outputMappings: [{target: said, source: $input.x}]
        """))
    (tmp_path / "main.mocks.yaml").write_text("flows: {v1child: v1child.yaml, legacychild: legacychild.yaml}\n")
    (tmp_path / "main.yaml").write_text(legacy("""
        - type: task
          name: start
          resourceArn: acs:fnf:::flow/v1child
          pattern: sync
        """))
    (tmp_path / "v1main.yaml").write_text("""\
Type: StateMachine
Name: v1main
SpecVersion: v1
StartAt: Start
States:
  - Type: Task
    Name: Start
    Action: FNF:StartExecution
    TaskMode: WaitForSystemCallback
    Parameters:
      resourceArn: acs:fnf:::flow/legacychild
      input.$: $Input
    End: true
""")
    mocks = load_mocks(str(tmp_path / "main.mocks.yaml"))
    for flow, out in (("main.yaml", {"said": "hi"}), ("v1main.yaml", {"said": "hi"})):
        s = Session(load_definition(str(tmp_path / flow)), {"x": "hi"}, mocks=mocks, start_time=START, name="x")
        s.run_to_end(max_steps=1000)
        assert (s.execution.status, s.execution.output) == ("Succeeded", out), s.execution.error
