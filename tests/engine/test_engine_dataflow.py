"""Data flow: constructors, Parallel/Map shapes and ordering, $Context,
limits, strict paths, Choice semantics, failure propagation (decisions 1, 2,
5, 6, 8, 10 of fdl-reference.md and pitfalls 2, 8, 10, 12, 13, 14, 17)."""
from __future__ import annotations

import os

import pytest

from helpers.engine import (ENGINE_FIXTURES, REALFLOWS, events_of, execute, execute_recording, read, read_json,
                      records_of, run_flow)

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def run(body: str, input=None, mocks="", **kw):
    return run_flow(H + body, input, mocks, **kw)


# -- constructors ----------------------------------------------------------------------------------

def test_input_constructor_replaces_the_input_and_is_input_for_the_rest_of_the_state():
    ex = execute(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      x.$: $Input.a
    OutputConstructor:
      sawInput.$: $Input
      sawOutput.$: $Output
      ctxInput.$: $Context.Current.Input
    End: true
""", {"a": 1, "b": 2})
    assert ex.output == {"sawInput": {"x": 1}, "sawOutput": {"x": 1}, "ctxInput": {"x": 1}}
    rec = ex.records[0]
    assert (rec.raw_input, rec.input, rec.result) == ({"a": 1, "b": 2}, {"x": 1}, {"x": 1})


def test_output_constructor_reads_the_task_result_through_output():
    s = run("""StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123:functions/f/LATEST
      invocationType: Sync
    OutputConstructor:
      v.$: $Output.Body.value
      first.$: $Output.Body.list[0]
      keep.$: $Input.keep
    End: true
""", {"keep": "k"}, "functions: {f: [{body: {value: 42, list: [alpha, bravo]}}]}")
    assert s["output"] == {"v": 42, "first": "alpha", "keep": "k"}  # pitfall 1: [0] gives the item


def test_dollar_keys_at_any_depth_including_lists_and_literals_stay_literal():
    s = run("""StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      lit: $Input.a
      call: "uuid()"
      num: 123
      flag: true
      none: null
      nested:
        deep:
          x.$: $Input.a
        list:
          - y.$: $Input.b[1]
          - plain
          - - z.$: $Context.Current.Name
    End: true
""", {"a": 1, "b": [5, 6]})
    assert s["output"] == {"lit": "$Input.a", "call": "uuid()", "num": 123, "flag": True, "none": None,
                           "nested": {"deep": {"x": 1}, "list": [{"y": 6}, "plain", [{"z": "P"}]]}}


def test_literal_braces_in_data_are_never_templated():
    s = run("""StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      prompt.$: $Input.p
      fixed: "use {videoAsrText} here"
    End: true
""", {"p": "text with {videoAsrText} and {}"})
    assert s["output"] == {"prompt": "text with {videoAsrText} and {}", "fixed": "use {videoAsrText} here"}


def test_context_execution_input_and_current_name_everywhere():
    s = run("""StartAt: First
States:
  - Type: Pass
    Name: First
    InputConstructor:
      other: 1
    Next: 第二步
  - Type: Pass
    Name: 第二步
    OutputConstructor:
      orig.$: $Context.Execution.Input
      origKey.$: $Context.Execution.Input.k
      name.$: $Context.Current.Name
      exec.$: $Context.Execution.Name
      input.$: $Input
    End: true
""", {"k": "v"})
    assert s["output"] == {"orig": {"k": "v"}, "origKey": "v", "name": "第二步", "exec": "test-exec",
                           "input": {"other": 1}}
    assert s["states"] == ["First", "第二步"]


# -- Parallel ------------------------------------------------------------------------------------------

PAR3 = """StartAt: P
States:
  - Type: Parallel
    Name: P
    InputConstructor:
      n.$: $Input.n
    Branches:
      - StartAt: A
        States:
          - Type: Pass
            Name: A
            OutputConstructor:
              a.$: $Input.n
            End: true
      - StartAt: B
        States:
          - Type: Wait
            Name: B
            Seconds: 5
            End: true
      - StartAt: C
        States:
          - Type: Pass
            Name: C
            InputConstructor:
              c: literal
            End: true
    OutputConstructor:
      merged.$: $Output
    Next: After
  - Type: Pass
    Name: After
    End: true
"""


def test_parallel_output_is_keyed_branch_index_and_every_branch_gets_the_same_input():
    ex = execute(H + PAR3, {"n": 7, "junk": 0})
    assert ex.status == "Succeeded"
    assert ex.output == {"merged": {"Branch0": {"a": 7}, "Branch1": {"n": 7}, "Branch2": {"c": "literal"}}}
    entered = events_of(ex, "BranchEntered")
    assert [(e["scope"], e["detail"]["input"]) for e in entered] == [
        ("P.Branch0", {"n": 7}), ("P.Branch1", {"n": 7}), ("P.Branch2", {"n": 7})]
    assert ex.clock == 5.0


def test_succeed_in_a_branch_skips_the_rest_of_that_branch_only():
    ex = execute(H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    End: true
    Branches:
      - StartAt: Decide
        States:
          - Type: Choice
            Name: Decide
            Branches:
              - Condition: $Input.stop == true
                Next: Done
            Default: Work
          - Type: Succeed
            Name: Done
            OutputConstructor:
              early: true
          - Type: Pass
            Name: Work
            End: true
      - StartAt: Other
        States:
          - Type: Pass
            Name: Other
            Next: Other2
          - Type: Pass
            Name: Other2
            OutputConstructor:
              other: done
            End: true
""", {"stop": True})
    assert ex.status == "Succeeded"
    assert ex.output == {"Branch0": {"early": True}, "Branch1": {"other": "done"}}
    assert sorted(r.state for r in ex.records) == sorted(["P", "Decide", "Done", "Other", "Other2"])


# -- Map --------------------------------------------------------------------------------------------------

def test_map_items_in_item_order_whatever_the_finish_order():
    ex = execute(H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.waits
    Processor:
      StartAt: W
      States:
        - Type: Wait
          Name: W
          Seconds.$: $Input.s
          End: true
    End: true
""", {"waits": [{"s": 3}, {"s": 1}, {"s": 2}]})
    assert ex.output == {"Items": [{"s": 3}, {"s": 1}, {"s": 2}]}
    exits = events_of(ex, "IterationExited")
    assert [(e["scope"], e["time"]) for e in exits] == [("M[1]", 1.0), ("M[2]", 2.0), ("M[0]", 3.0)]
    assert ex.clock == 3.0  # no MaxConcurrency: all three ran at once


def test_items_path_is_evaluated_after_the_input_constructor():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    InputConstructor:
      arr.$: $Input.inner.arr
    ItemsPath: $Input.arr
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true
""", {"arr": [1], "inner": {"arr": [1, 2]}})
    assert s["output"] == {"Items": [1, 2]}
    assert s["states"] == ["M", "P", "P"]


def test_item_constructor_with_item_and_input():
    ex = execute(H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    ItemConstructor:
      item.$: $Item
      req.$: $Input.request_id
      const: c
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true
""", {"request_id": "r1", "items": ["a", "b"]})
    assert ex.output == {"Items": [{"item": "a", "req": "r1", "const": "c"}, {"item": "b", "req": "r1", "const": "c"}]}
    assert [e["detail"]["input"] for e in events_of(ex, "IterationEntered")] == [
        {"item": "a", "req": "r1", "const": "c"}, {"item": "b", "req": "r1", "const": "c"}]


MAP_CONC = """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    MaxConcurrency: {mc}
    Processor:
      StartAt: W
      States:
        - Type: Wait
          Name: W
          Seconds: 2
          End: true
    End: true
"""


def _max_overlap(ex) -> int:
    live, best = 0, 0
    for e in ex.events:
        if e.type == "IterationEntered":
            live += 1
            best = max(best, live)
        elif e.type == "IterationExited":
            live -= 1
    return best


def test_map_max_concurrency_1_iterations_do_not_overlap():
    ex = execute(H + MAP_CONC.format(mc=1), {"items": [1, 2, 3]})
    assert ex.output == {"Items": [1, 2, 3]}
    seq = [(e.type, e.scope, e.time) for e in ex.events if e.type in ("IterationEntered", "IterationExited")]
    assert seq == [("IterationEntered", "M[0]", 0.0), ("IterationExited", "M[0]", 2.0),
                   ("IterationEntered", "M[1]", 2.0), ("IterationExited", "M[1]", 4.0),
                   ("IterationEntered", "M[2]", 4.0), ("IterationExited", "M[2]", 6.0)]
    assert ex.clock == 6.0
    assert _max_overlap(ex) == 1


def test_map_max_concurrency_2_caps_in_flight_iterations():
    ex = execute(H + MAP_CONC.format(mc=2), {"items": [1, 2, 3, 4, 5]})
    assert ex.output == {"Items": [1, 2, 3, 4, 5]}
    assert _max_overlap(ex) == 2
    assert ex.clock == 6.0  # ceil(5/2) rounds of 2 s


def test_map_without_max_concurrency_runs_all_at_once():
    ex = execute(H + MAP_CONC.format(mc=0), {"items": [1, 2, 3, 4, 5]})
    assert _max_overlap(ex) == 5 and ex.clock == 2.0


def test_empty_map_gives_empty_items():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    OutputConstructor:
      out.$: $Output
    End: true
""", {"items": []})
    assert (s["status"], s["output"], s["states"]) == ("Succeeded", {"out": {"Items": []}}, ["M"])


def test_items_path_not_an_array_is_a_runtime_error():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true
""", {"items": {"a": 1}})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "'M'" in s["error"]["detail"] and "ItemsPath" in s["error"]["detail"]


# -- limits ---------------------------------------------------------------------------------------------------

def test_state_input_over_64_kib_fails_with_data_limit_exceeded():
    # compact JSON {"big":"x..."} is 10 bytes + the string
    ok = run("StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    End: true\n", {"big": "x" * (65536 - 10)})
    assert ok["status"] == "Succeeded"
    s = run("StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    End: true\n", {"big": "x" * (65536 - 9)})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.DataLimitExceeded"
    assert "'P'" in s["error"]["detail"] and "65537" in s["error"]["detail"] and "65536" in s["error"]["detail"]


def test_task_output_over_64_kib_fails_with_data_limit_exceeded():
    big = "y" * 70000
    s = run("""StartAt: T
States:
  - Type: Task
    Name: T
    Action: HTTP:Request
    End: true
""", {}, f"states: {{T: [{{result: {{data: {big}}}}}]}}")
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.DataLimitExceeded"
    assert "'T'" in s["error"]["detail"] and "output" in s["error"]["detail"]


def test_data_limit_is_configurable():
    ex = execute(H + "StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    End: true\n", {"big": "x" * 100},
                 data_limit=50)
    assert (ex.status, ex.error.code) == ("Failed", "FnF.DataLimitExceeded")


# -- names ------------------------------------------------------------------------------------------------------

def test_chinese_state_names_in_a_published_parallel_flow():
    path = os.path.join(REALFLOWS, "video-imitate-parallel.yaml")
    if not os.path.exists(path):
        pytest.skip("realflows not present")
    inp = read_json(os.path.join(ENGINE_FIXTURES, "video-imitate-parallel.input.json"))
    ex, door = execute_recording(read(path), inp, read(os.path.join(ENGINE_FIXTURES, "video-imitate-parallel.mocks.yaml")))
    assert ex.status == "Succeeded"
    assert ex.output == {"outputUrl": "oss://bucket/out.mp4"}
    assert [r.state for r in ex.records] == ["Parallel", "源视频理解", "目标视频理解", "Prompt拼接", "生成新视频口播",
                                             "一键成片", "Succeed"]
    assert door.bodies("${CONSTRUCT_PROMPT_FUNCTION_NAME}") == [
        {"sourceVideoContent": "source content", "targetVideoContent": "target content"}]
    assert door.bodies("${VIDEO_CUT_FUNCTION_NAME}") == [
        {"videoMaterialUrls": ["https://a/m1.mp4", "https://a/m2.mp4"], "speech": "new speech"}]
    speech = records_of(ex, "生成新视频口播")[0]
    assert speech.parameters["messages"] == [{"role": "user", "content": "imitate"}]
    assert speech.output == {"speech": "new speech"}


# -- strict paths (decision 1, pitfall 2) ------------------------------------------------------------------

@pytest.mark.parametrize("snippet,field", [
    ("""  - Type: Pass
    Name: S
    InputConstructor:
      a.$: $Input.nope
    End: true""", "InputConstructor.a.$"),
    ("""  - Type: Pass
    Name: S
    OutputConstructor:
      deep:
        b.$: $Input.nope
    End: true""", "OutputConstructor.deep.b.$"),
    ("""  - Type: Task
    Name: S
    Action: HTTP:Request
    Parameters:
      body:
        c.$: $Input.nope
    End: true""", "Parameters.body.c.$"),
    ("""  - Type: Wait
    Name: S
    Seconds.$: $Input.nope
    End: true""", "Seconds.$"),
    ("""  - Type: Map
    Name: S
    ItemsPath: $Input.nope
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true""", "ItemsPath"),
    ("""  - Type: Choice
    Name: S
    Branches:
      - Condition: $Input.nope == 1
        Next: D
    Default: D
  - Type: Pass
    Name: D
    End: true""", "Branches[0].Condition"),
    ("""  - Type: Map
    Name: S
    ItemsPath: $Input.other_list
    ItemConstructor:
      v.$: $Input.nope
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true""", "ItemConstructor.v.$"),
    ("""  - Type: Task
    Name: S
    Action: HTTP:Request
    Catch:
      - Errors: [FnF.ALL]
        Next: D
        OutputConstructor:
          w.$: $Input.nope
    End: true
  - Type: Pass
    Name: D
    End: true""", "Catch.OutputConstructor.w.$"),
])
def test_missing_path_is_a_runtime_error_naming_state_field_and_path(snippet, field):
    mocks = "states: {S: [{error: Boom}]}" if "Catch" in snippet else "states: {S: [{result: {}}]}"
    s = run("StartAt: S\nStates:\n" + snippet + "\n", {"other": 1, "other_list": [1]}, mocks)
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.RuntimeError"
    detail = s["error"]["detail"]
    assert "'S'" in detail
    assert field in detail
    assert "$Input.nope" in detail
    assert s["states"] == ["S"]


def test_missing_nested_path_names_the_missing_key():
    s = run("""StartAt: S
States:
  - Type: Pass
    Name: S
    InputConstructor:
      a.$: $Input.x.y.z
    End: true
""", {"x": {"y": {}}})
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "$Input.x.y.z" in s["error"]["detail"] and "'z'" in s["error"]["detail"]


def test_runtime_error_from_a_missing_path_can_be_caught():
    """Decision 1 makes it an error *of the state*; decision 4 lets Catch FnF.ALL take any error."""
    s = run("""StartAt: S
States:
  - Type: Task
    Name: S
    Action: HTTP:Request
    Parameters:
      x.$: $Input.nope
    Catch:
      - Errors: [FnF.ALL]
        Next: H
        OutputConstructor:
          code.$: $Context.Current.Error.Code
    End: true
  - Type: Pass
    Name: H
    End: true
""", {}, "states: {S: [{result: {}}]}")
    assert s["status"] == "Succeeded"
    assert s["output"] == {"code": "FnF.RuntimeError"}


# -- Choice -----------------------------------------------------------------------------------------------------

CHOICE = """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
{branches}
    Default: Dflt
  - Type: Pass
    Name: Dflt
    End: true
  - Type: Pass
    Name: First
    End: true
  - Type: Pass
    Name: Second
    End: true
"""


def choice(*conds):
    br = "\n".join(f"      - Condition: {c}\n        Next: {n}" for c, n in zip(conds, ["First", "Second"]))
    return CHOICE.format(branches=br)


def test_choice_on_a_missing_path_fails_instead_of_taking_default():
    s = run(choice("$Input.foo == 1", "$Input.foo == 2"), {})
    assert s["status"] == "Failed"
    assert s["states"] == ["C"]
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "'C'" in s["error"]["detail"] and "Branches[0].Condition" in s["error"]["detail"]
    assert "$Input.foo" in s["error"]["detail"]


def test_first_true_branch_wins_and_default_only_when_none():
    s = run(choice('$Input.status != "OK"', '$Input.status == "BAD"'), {"status": "BAD"})
    assert s["states"] == ["C", "First"]
    ex = execute(H + choice('$Input.status != "OK"', '$Input.status == "BAD"'), {"status": "BAD"})
    assert ex.records[0].choice == [{"index": 0, "condition": '$Input.status != "OK"', "value": True}]
    s = run(choice('$Input.status != "OK"', '$Input.status == "BAD"'), {"status": "OK"})
    assert s["states"] == ["C", "Dflt"]


@pytest.mark.parametrize("cond,inp,target", [
    ("$Input.r == 10", {"r": "10"}, "Dflt"),
    ('$Input.r == "10"', {"r": "10"}, "First"),
    ("$Input.r == 10", {"r": 10}, "First"),
    ("$Input.r == 1", {"r": 1.0}, "First"),
    ('$Input.audited == "true"', {"audited": True}, "Dflt"),
    ("$Input.audited == true", {"audited": True}, "First"),
    ("$Input.flag == 1", {"flag": True}, "Dflt"),
    ("$Input.r != 10", {"r": "10"}, "First"),
])
def test_equality_is_type_strict(cond, inp, target):
    s = run(choice(cond), inp)
    assert s["status"] == "Succeeded"
    assert s["states"] == ["C", target]


def test_ordering_a_string_against_a_number_is_a_runtime_error():
    s = run(choice("$Input.r > 5"), {"r": "10"})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "string" in s["error"]["detail"] and "number" in s["error"]["detail"]


def test_path_vs_path_comparison_loop_exits():
    s = run("""StartAt: Init
States:
  - Type: Pass
    Name: Init
    Next: Check
  - Type: Choice
    Name: Check
    Branches:
      - Condition: $Input.i >= $Input.limit
        Next: Done
    Default: Inc
  - Type: Pass
    Name: Inc
    InputConstructor:
      i.$: intAdd($Input.i, 1)
      limit.$: $Input.limit
    Next: Check
  - Type: Pass
    Name: Done
    End: true
""", {"i": 0, "limit": 3})
    assert s["status"] == "Succeeded"
    assert s["output"] == {"i": 3, "limit": 3}
    assert s["states"].count("Inc") == 3


# -- failures inside branches and iterations (decision 6) ----------------------------------------------------

def test_fail_inside_a_parallel_branch_fails_the_whole_execution_even_with_a_catch():
    s = run("""StartAt: P
States:
  - Type: Parallel
    Name: P
    Catch:
      - Errors: [FnF.ALL]
        Next: Handler
    Branches:
      - StartAt: F
        States:
          - Type: Fail
            Name: F
            Code: BranchBroke
            Detail: branch zero gave up
      - StartAt: W
        States:
          - Type: Wait
            Name: W
            Seconds: 5
            End: true
    Next: After
  - Type: Pass
    Name: After
    End: true
  - Type: Pass
    Name: Handler
    End: true
""", {})
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "BranchBroke", "detail": "branch zero gave up"}
    assert "Handler" not in s["states"] and "After" not in s["states"]
    assert s["time"] == 0.0  # the waiting sibling was stopped, not waited for


def test_fail_inside_a_map_iteration_fails_the_whole_execution():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    MaxConcurrency: 1
    Processor:
      StartAt: C
      States:
        - Type: Choice
          Name: C
          Branches:
            - Condition: $Input.i == 3
              Next: F
          Default: OK
        - Type: Fail
          Name: F
          Code: Bad
          Detail: item three
        - Type: Pass
          Name: OK
          End: true
    Catch:
      - Errors: [FnF.ALL]
        Next: Handler
    End: true
  - Type: Pass
    Name: Handler
    End: true
""", {"items": [{"i": 1}, {"i": 2}, {"i": 3}, {"i": 4}]})
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "Bad", "detail": "item three"}
    assert s["states"] == ["M", "C", "OK", "C", "OK", "C", "F"]
    assert [e["scope"] for e in events_of(s, "IterationEntered")] == ["M[0]", "M[1]", "M[2]"]


PAR_ERR = """StartAt: P
States:
  - Type: Parallel
    Name: P
    Branches:
      - StartAt: Slow
        States:
          - Type: Wait
            Name: Slow
            Seconds: 10
            Next: AfterSlow
          - Type: Pass
            Name: AfterSlow
            End: true
      - StartAt: Boom
        States:
          - Type: Task
            Name: Boom
            Action: HTTP:Request
            End: true
{catch}    Next: Never
  - Type: Pass
    Name: Never
    End: true
  - Type: Pass
    Name: Handler
    End: true
"""

BOOM = """
states:
  Boom:
    - error: HTTP.Bad
      detail: server said 500
      delay: 2
"""


def test_branch_error_stops_siblings_and_fails_the_parallel():
    s = run(PAR_ERR.format(catch=""), {"a": 1}, BOOM)
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "HTTP.Bad"
    assert "server said 500" in s["error"]["detail"]
    assert s["states"] == ["P", "Slow", "Boom"]  # AfterSlow never ran, Never never ran
    assert s["time"] == 2.0
    failed = events_of(s, "StepFailed", "P")
    assert len(failed) == 1 and failed[0]["detail"]["error"]["Code"] == "HTTP.Bad"


def test_branch_error_is_caught_by_the_parallels_catch():
    catch = """    Catch:
      - Errors: [HTTP.Bad]
        Next: Handler
        OutputConstructor:
          code.$: $Context.Current.Error.Code
          input.$: $Input
"""
    s = run(PAR_ERR.format(catch=catch), {"a": 1}, BOOM)
    assert s["status"] == "Succeeded"
    assert s["states"] == ["P", "Slow", "Boom", "Handler"]
    assert s["output"] == {"code": "HTTP.Bad", "input": {"a": 1}}
    assert s["time"] == 2.0


MAP_ERR = """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    MaxConcurrency: 1
    Processor:
      StartAt: Work
      States:
        - Type: Task
          Name: Work
          Action: HTTP:Request
          Parameters:
            i.$: $Input
          End: true
{catch}    End: true
  - Type: Pass
    Name: Handler
    End: true
"""

WORK_FAILS_THIRD = """
states:
  Work:
    - result: {ok: 1}
      times: 2
    - error: Item.Failed
      detail: third item
    - result: {ok: 4}
"""


def test_map_failure_stops_starting_new_iterations():
    ex = execute(H + MAP_ERR.format(catch=""), {"items": [1, 2, 3, 4]}, WORK_FAILS_THIRD)
    assert ex.status == "Failed"
    assert ex.error.code == "Item.Failed"
    assert "third item" in ex.error.detail
    assert [e["scope"] for e in events_of(ex, "IterationEntered")] == ["M[0]", "M[1]", "M[2]"]
    assert [a["request"] for r in records_of(ex, "Work") for a in r.attempts] == [{"i": 1}, {"i": 2}, {"i": 3}]


def test_map_failure_is_caught_by_the_maps_catch():
    catch = """    Catch:
      - Errors: [Item.Failed]
        Next: Handler
"""
    s = run(MAP_ERR.format(catch=catch).replace("    End: true\n  - Type: Pass\n    Name: Handler",
                                                "    Next: Never\n  - Type: Pass\n    Name: Never\n    End: true\n"
                                                "  - Type: Pass\n    Name: Handler"),
            {"items": [1, 2, 3, 4]}, WORK_FAILS_THIRD)
    assert s["status"] == "Succeeded"
    assert s["states"] == ["M", "Work", "Work", "Work", "Handler"]
    assert s["output"] == {"items": [1, 2, 3, 4]}  # no OutputConstructor: the Map's input (decision 4)


# -- determinism (decision 10) -------------------------------------------------------------------------------

UUIDS = """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      a.$: uuid()
      b.$: uuid()
    End: true
"""


def test_uuid_is_deterministic_for_a_fixed_seed_and_differs_per_call():
    a = run(UUIDS, {}, seed=3)["output"]
    b = run(UUIDS, {}, seed=3)["output"]
    c = run(UUIDS, {}, seed=4)["output"]
    assert a == b
    assert a["a"] != a["b"]
    assert a != c


def test_whole_run_is_reproducible():
    s1 = run(PAR3, {"n": 1})
    s2 = run(PAR3, {"n": 1})
    assert s1 == s2


# -- more shapes --------------------------------------------------------------------------------------------------

def test_empty_output_constructor_gives_an_empty_object():
    s = run("StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    OutputConstructor: {}\n    End: true\n", {"a": 1})
    assert s["output"] == {}


def test_large_integers_keep_their_precision():
    s = run("""StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      a.$: $Input.n
      b: 9007199254740993
    End: true
""", {"n": 9007199254740993})
    assert s["output"] == {"a": 9007199254740993, "b": 9007199254740993}
    assert type(s["output"]["a"]) is int


def test_data_limit_counts_utf8_bytes_not_characters():
    s = run("StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    End: true\n", {"s": "中" * 22000})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.DataLimitExceeded"
    assert "66008 bytes" in s["error"]["detail"]


def test_parallel_combined_output_over_the_limit_fails_the_parallel():
    s = run("""StartAt: P
States:
  - Type: Parallel
    Name: P
    Branches:
      - StartAt: A
        States:
          - Type: Pass
            Name: A
            End: true
      - StartAt: B
        States:
          - Type: Pass
            Name: B
            End: true
    End: true
""", {"s": "x" * 40000})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.DataLimitExceeded"
    assert "'P'" in s["error"]["detail"] and "output" in s["error"]["detail"]


def test_timestamps_compare_as_strings():
    s = run("""StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Input.t < "2024-01-01T01:00:00Z"
        Next: Earlier
    Default: Later
  - Type: Pass
    Name: Earlier
    End: true
  - Type: Pass
    Name: Later
    End: true
""", {"t": "2024-01-01T08:00:00+08:00"})  # the same instant as 00:00Z, but "…T08" > "…T01" as strings
    assert s["states"] == ["C", "Later"]


def test_choice_input_constructor_and_context_current_input():
    s = run("""StartAt: C
States:
  - Type: Choice
    Name: C
    InputConstructor:
      Size.$: $Input.size
    Branches:
      - Condition: $Context.Current.Input.Size>=1024
        Next: Big
    Default: Small
  - Type: Pass
    Name: Big
    End: true
  - Type: Pass
    Name: Small
    End: true
""", {"size": 2048, "other": 1})
    assert s["states"] == ["C", "Big"]
    assert s["output"] == {"Size": 2048}  # Choice passes its (constructed) input through


def test_condition_that_is_not_a_boolean_is_a_runtime_error():
    s = run(choice("$Input.a"), {"a": 5})
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "boolean" in s["error"]["detail"] and "number" in s["error"]["detail"]


@pytest.mark.parametrize("value,ok", [(0, False), (301, False), ("3", False), (3, True), (True, False)])
def test_dynamic_wait_seconds_must_be_an_integer_in_range(value, ok):
    s = run("StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds.$: $Input.s\n    End: true\n", {"s": value})
    if ok:
        assert (s["status"], s["time"]) == ("Succeeded", float(value))
    else:
        assert s["status"] == "Failed"
        assert s["error"]["code"] == "FnF.RuntimeError"
        assert "'W'" in s["error"]["detail"] and "Seconds.$" in s["error"]["detail"] and "1 to 300" in s["error"]["detail"]


def test_nested_maps_keep_order_and_empty_inner_lists():
    s = run("""StartAt: Outer
States:
  - Type: Map
    Name: Outer
    ItemsPath: $Input.rows
    Processor:
      StartAt: Inner
      States:
        - Type: Map
          Name: Inner
          ItemsPath: $Input
          Processor:
            StartAt: W
            States:
              - Type: Wait
                Name: W
                Seconds.$: $Input
                End: true
          End: true
    End: true
""", {"rows": [[3, 1], [2], []]})
    assert s["output"] == {"Items": [{"Items": [3, 1]}, {"Items": [2]}, {"Items": []}]}
    assert s["time"] == 3.0


def test_succeed_in_a_map_iteration_ends_only_that_iteration():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    Processor:
      StartAt: S
      States:
        - Type: Succeed
          Name: S
          OutputConstructor:
            v.$: $Input
    Next: After
  - Type: Pass
    Name: After
    End: true
""", {"items": [1, 2]})
    assert s["output"] == {"Items": [{"v": 1}, {"v": 2}]}
    assert s["states"] == ["M", "S", "S", "After"]


def test_top_level_succeed_ends_the_execution():
    s = run("StartAt: S\nStates:\n  - Type: Succeed\n    Name: S\n  - Type: Pass\n    Name: P\n    End: true\n", {"a": 1})
    assert (s["status"], s["output"], s["states"]) == ("Succeeded", {"a": 1}, ["S"])


def test_inner_catch_keeps_the_map_going():
    s = run("""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Context.Current.Input.items
    Processor:
      StartAt: W
      States:
        - Type: Task
          Name: W
          Action: HTTP:Request
          Catch:
            - Errors: [FnF.ALL]
              Next: Skip
              OutputConstructor:
                failed.$: $Input
          End: true
        - Type: Pass
          Name: Skip
          End: true
    End: true
""", {"items": [1, 2, 3]}, "states: {W: [{result: ok}, {error: X}, {result: ok3}]}")
    assert s["status"] == "Succeeded"
    assert s["output"] == {"Items": ["ok", {"failed": 2}, "ok3"]}


def test_context_error_outside_a_catch_is_a_missing_path():
    s = run("StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    InputConstructor:\n"
            "      e.$: $Context.Current.Error.Code\n    End: true\n", {})
    assert s["error"]["code"] == "FnF.RuntimeError"
    assert "$Context.Current.Error.Code" in s["error"]["detail"]


def test_parallel_branches_wait_concurrently():
    ex = execute(H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Branches:
      - StartAt: A
        States:
          - Type: Wait
            Name: A
            Seconds: 7
            End: true
      - StartAt: B
        States:
          - Type: Wait
            Name: B
            Seconds: 4
            Next: B2
          - Type: Wait
            Name: B2
            Seconds: 4
            End: true
    End: true
""", {})
    assert ex.clock == 8.0
    assert [(e["scope"], e["time"]) for e in events_of(ex, "BranchExited")] == [("P.Branch0", 7.0), ("P.Branch1", 8.0)]


def test_task_result_over_64_kib_fails_even_if_the_output_constructor_shrinks_it():
    big = "y" * 70000
    s = run("""StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:::functions/f
      invocationType: Sync
    OutputConstructor:
      n.$: $Output.Body.n
    End: true
""", {}, f"functions: {{f: [{{body: {{n: 1, data: {big}}}}}]}}")
    assert s["status"] == "Failed"
    assert s["error"]["code"] == "FnF.DataLimitExceeded"
    assert "'T'" in s["error"]["detail"]


def test_unquoted_yaml_timestamps_and_dates_stay_strings():
    s = run("""StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      ts: 2024-01-01T00:00:00Z
      d: 2024-01-01
      f: 1.5
    End: true
""")
    assert s["output"] == {"ts": "2024-01-01T00:00:00Z", "d": "2024-01-01", "f": 1.5}


def test_step_budget_stops_an_endless_loop():
    from helpers.engine import session
    s = session(read(os.path.join(ENGINE_FIXTURES, "endless-loop.yaml")), {"i": 0})
    stop = s.run_to_end(max_steps=50)
    assert stop.reason == "limit"
    assert s.execution.status == "Running"
    assert len(s.execution.records) == 50


def test_cli_max_steps_exit_3_with_a_warning(cli):
    code, out, err = cli("run", os.path.join(ENGINE_FIXTURES, "endless-loop.yaml"), "--input", '{"i": 0}',
                         "--max-steps", "40", "--json")
    assert code == 3
    import json
    data = json.loads(out)
    assert data["status"] == "Running" and data["pending"] == []
    assert len(data["states"]) == 40
    assert "--max-steps" in err and "still running" in err


def test_a_constructor_names_the_key_whose_expression_failed_at_any_depth():
    """Constructors call their expressions' compiled functions directly (no Expression.evaluate
    frame): a failure, or a RecursionError Expression.evaluate would have turned into an error,
    still names the state, the field and the key's path."""
    from types import SimpleNamespace

    from flowdbg.engine.constructors import Template, _Expr, _Obj, compile_template
    from flowdbg.engine.errors import FlowError
    from flowdbg.engine.expressions import Env

    t = compile_template("InputConstructor", {"a": 1, "deep": {"list": [{"x.$": "$Input.missing"}]}})
    with pytest.raises(FlowError) as e:
        t.evaluate(Env({"$Input": {}}), "S")
    assert str(e.value.detail).startswith("state 'S', InputConstructor.deep.list[0].x.$: $Input.missing: $Input has no key ")

    def recurse(env):
        raise RecursionError
    deep = Template("Parameters", _Obj((("k", _Expr("k", SimpleNamespace(compiled=recurse))),)))
    with pytest.raises(FlowError) as e:
        deep.evaluate(Env({"$Input": {}}), "S")
    assert str(e.value.detail) == "state 'S', Parameters.k: value is nested too deeply to evaluate"
    assert t.evaluate(Env({"$Input": {"missing": 2}}), "S") == {"a": 1, "deep": {"list": [{"x": 2}]}}
