"""The validator on broken definitions: every problem is a Diagnostic at the
right line:col with a useful hint, collected all at once, never raised."""
from __future__ import annotations

import glob
import os

import pytest

from helpers.engine import REALFLOWS, diagnostics, find, read
from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.diagnostics import Diagnostic

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def only(diags, severity="error"):
    return [(d.code, d.line, d.col) for d in diags if d.severity == severity]


def one(diags, code, severity="error"):
    got = find(diags, code, severity)
    assert len(got) == 1, (code, diags)
    return got[0]


# -- names and transitions -----------------------------------------------------------------

def test_missing_state_name():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    End: true
""")
    d = one(ds, "missing-field")
    assert (d.line, d.col) == (6, 5)
    assert "missing required field 'Name'" in d.message
    assert parse_definition(H + "StartAt: A\nStates:\n  - Type: Pass\n    End: true\n").flow is None


def test_duplicate_state_name_points_at_the_second_and_names_the_first():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
    Next: A
  - Type: Pass
    Name: A
    End: true
""")
    assert only(ds) == [("duplicate-state", 10, 11)]
    assert "duplicate state name 'A' (first at line 7)" in ds[0].message


def test_same_name_in_a_nested_scope_is_allowed_with_a_warning():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    End: true
    Branches:
      - StartAt: P
        States:
          - Type: Pass
            Name: P
            End: true
""")
    # Allowed (each scope has its own names), but mocks and breakpoints name states by their bare name.
    assert [(d.severity, d.code, d.line, d.col, d.message, d.hint) for d in ds] == [
        ("warning", "reused-state-name", 13, 19,
         "state name 'P' is also used at the top level (line 7): mock keys, callbacks and breakpoints that name "
         "'P' apply to both", "rename one, or key its mocks by scope: 'P.Branch0/P' here and '/P' there")]


def test_next_to_unknown_state_with_suggestion():
    ds = diagnostics(H + """StartAt: Start
States:
  - Type: Pass
    Name: Start
    Next: Finsh
  - Type: Pass
    Name: Finish
    End: true
""")
    d = one(ds, "missing-target")
    assert (d.line, d.col) == (8, 11)
    assert "Next names no state 'Finsh' in this scope" in d.message
    assert d.hint == "did you mean 'Finish'?"


def test_next_from_a_branch_to_a_top_level_state_is_an_error():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Next: Top
    Branches:
      - StartAt: X
        States:
          - Type: Pass
            Name: X
            Next: Top
  - Type: Pass
    Name: Top
    End: true
""")
    assert only(ds) == [("missing-target", 14, 19)]
    assert "Branches[0]: state 'X': Next names no state 'Top' in this scope" in ds[0].message


def test_next_from_top_level_into_a_branch_is_an_error():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
    Next: X
  - Type: Parallel
    Name: P
    End: true
    Branches:
      - StartAt: X
        States:
          - Type: Pass
            Name: X
            End: true
""")
    assert only(ds) == [("missing-target", 8, 11)]


def test_no_end_no_next():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
""")
    d = one(ds, "no-transition")
    assert (d.line, d.col) == (7, 11)
    assert d.hint == "add 'Next: <state>' or 'End: true'"


def test_next_and_end_together():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
    Next: B
    End: true
  - Type: Pass
    Name: B
    End: true
""")
    assert only(ds) == [("next-and-end", 9, 5)]


def test_unreachable_state_is_a_warning_and_the_flow_still_loads():
    text = H + """StartAt: A
States:
  - Type: Pass
    Name: A
    End: true
  - Type: Pass
    Name: Orphan
    End: true
"""
    d = parse_definition(text)
    assert only(d.diagnostics) == []
    assert only(d.diagnostics, "warning") == [("unreachable", 10, 11)]
    assert "'Orphan' is never reached from StartAt 'A'" in d.diagnostics[0].message
    assert d.flow is not None


def test_choice_without_default():
    ds = diagnostics(H + """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Input.a == 1
        Next: D
  - Type: Pass
    Name: D
    End: true
""")
    d = one(ds, "no-default")
    assert (d.line, d.col) == (7, 11)
    assert d.hint == "add 'Default: <state>' for when no condition is true"


def test_fail_with_end_true_is_a_warning_only():
    ds = diagnostics(H + """StartAt: F
States:
  - Type: Fail
    Name: F
    Code: X
    End: true
""")
    assert only(ds) == []
    assert only(ds, "warning") == [("redundant-end", 9, 5)]


# -- types and values -----------------------------------------------------------------------------

def test_seconds_with_slash_comment_is_wrong_type_with_hint():
    ds = diagnostics(H + """StartAt: W
States:
  - Type: Wait
    Name: W
    Seconds: 12 // wait twelve seconds
    End: true
""")
    d = one(ds, "wrong-type")
    assert (d.line, d.col) == (8, 14)
    assert "'Seconds' must be an integer, got string '12 // wait twelve seconds'" in d.message
    assert d.hint == "'//' does not start a comment in YAML; use '#'"
    assert one(ds, "slash-comment").hint == "use '#' for comments"


def test_unknown_state_type_with_suggestion():
    ds = diagnostics(H + """StartAt: W
States:
  - Type: Wiat
    Name: W
    End: true
""")
    d = one(ds, "unknown-state-type")
    assert (d.line, d.col) == (6, 11)
    assert "unknown state type 'Wiat'" in d.message
    assert d.hint == "did you mean 'Wait'?"


def test_unknown_field_is_a_warning_with_suggestion():
    text = H + """StartAt: P
States:
  - Type: Pass
    Name: P
    Nxt: P
    End: true
"""
    d = parse_definition(text)
    assert only(d.diagnostics) == []
    w = one(d.diagnostics, "unknown-field", "warning")
    assert (w.line, w.col) == (8, 5)
    assert "unknown field 'Nxt' (ignored)" in w.message
    assert w.hint == "did you mean 'Next'?"
    assert d.flow is not None


def test_misspelled_max_concurrency_from_the_docs_loads_with_a_warning():
    d = parse_definition(H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.x
    MaxConcuccency: 2
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true
""")
    assert only(d.diagnostics) == []
    w = one(d.diagnostics, "misspelled-field", "warning")
    assert (w.line, w.col, w.hint) == (9, 5, "write 'MaxConcurrency'")
    assert d.flow.scope.states["M"].max_concurrency == 2


def test_states_all_alias_warns_and_reads_as_fnf_all():
    d = parse_definition(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: HTTP:Request
    Retry:
      - Errors: [States.ALL]
        MaxAttempts: 1
        IntervalSeconds: 1
    End: true
""")
    w = one(d.diagnostics, "error-alias", "warning")
    assert (w.line, w.hint) == (10, "write 'FnF.ALL'")
    assert d.flow.scope.states["T"].retry[0].errors == ("FnF.ALL",)


@pytest.mark.parametrize("seconds,ok", [(0, False), (1, True), (300, True), (301, False)])
def test_wait_seconds_range(seconds, ok):
    ds = diagnostics(H + f"StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds: {seconds}\n    End: true\n")
    if ok:
        assert ds == []
    else:
        d = one(ds, "out-of-range")
        assert (d.line, d.col) == (8, 14)
        assert f"'Seconds' is {seconds}; it must be between 1 and 300" in d.message


def test_wait_seconds_express_limit_is_20():
    text = H + "StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds: 21\n    End: true\n"
    assert diagnostics(text) == []
    d = one(diagnostics(text, express=True), "out-of-range")
    assert "between 1 and 20" in d.message


def _parallel(n: int) -> str:
    br = "".join(f"      - StartAt: P{i}\n        States:\n          - Type: Pass\n            Name: P{i}\n"
                 f"            End: true\n" for i in range(n))
    return H + "StartAt: Par\nStates:\n  - Type: Parallel\n    Name: Par\n    End: true\n    Branches:\n" + br


def test_parallel_50_branches_ok_51_error():
    assert diagnostics(_parallel(50)) == []
    ds = diagnostics(_parallel(51))
    assert only(ds) == [("out-of-range", 10, 7)]
    assert "51 branches; a Parallel state allows at most 50" in ds[0].message


@pytest.mark.parametrize("mc,ok", [(40, True), (41, False)])
def test_map_max_concurrency_limit(mc, ok):
    ds = diagnostics(H + f"""StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.x
    MaxConcurrency: {mc}
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          End: true
    End: true
""")
    assert only(ds) == ([] if ok else [("out-of-range", 9, 21)])


def _task_with(extra: str) -> str:
    return H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:::functions/f
      invocationType: Sync
    End: true
""" + extra


def test_task_timeout_limit():
    assert only(diagnostics(_task_with("    Timeout: 604800\n"))) == []
    assert only(diagnostics(_task_with('    Timeout: "30"\n'))) == []  # the docs type Timeout as a string
    ds = diagnostics(_task_with("    Timeout: 604801\n"))
    assert only(ds) == [("out-of-range", 13, 14)]
    assert "'Timeout' is 604801; it must be between 0 and 604800" in ds[0].message


def test_retry_interval_and_max_backoff_limits():
    ds = diagnostics(_task_with("""    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 1
        IntervalSeconds: 86401
        MaxBackoffSeconds: 86401
"""))
    assert only(ds) == [("out-of-range", 16, 26), ("out-of-range", 17, 28)]
    assert "Retry[0]: 'IntervalSeconds' is 86401" in ds[0].message
    ok = diagnostics(_task_with("""    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 1
        IntervalSeconds: 86400
        MaxBackoffSeconds: 86400
"""))
    assert only(ok) == []


def test_wait_for_system_callback_with_sync_is_an_error():
    ds = diagnostics(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    TaskMode: WaitForSystemCallback
    Parameters:
      resourceArn: acs:fc:::functions/f
      invocationType: Sync
    End: true
""")
    d = one(ds, "mode-not-supported")
    assert (d.line, d.col) == (12, 23)
    assert "invocationType: Async" in d.message


# -- expressions -------------------------------------------------------------------------------------

def test_dollar_key_whose_value_is_a_number():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      a.$: 12
    End: true
""")
    d = one(ds, "not-an-expression")
    assert (d.line, d.col) == (9, 12)
    assert "InputConstructor.a.$ must be an expression string, got number 12" in d.message
    assert "drop the '.$' for a literal" in d.hint


def test_dollar_key_with_bad_syntax_points_at_the_column():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      b.$: $Input.x +
      c:
        d.$: "$Input.x +"
    End: true
""")
    errs = [d for d in ds if d.severity == "error"]
    assert [(d.line, d.col) for d in errs] == [(9, 21), (11, 24)]  # the '+' (quoted: after the quote)
    assert "InputConstructor.b.$" in errs[0].message and "'+'" in errs[0].message
    assert "InputConstructor.c.d.$" in errs[1].message


def test_seconds_dollar_must_be_an_expression():
    ds = diagnostics(H + "StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds.$: 5\n    End: true\n")
    assert only(ds) == [("not-an-expression", 8, 16)]


def test_output_root_in_input_constructor_is_an_error():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      a.$: $Output.x
    End: true
""")
    assert only(ds) == [("unavailable-root", 9, 12)]
    assert "$Output is only available in OutputConstructor" in ds[0].message


def test_output_root_in_parameters_and_choice_is_an_error():
    ds = diagnostics(H + """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Output.a == 1
        Next: T
    Default: T
  - Type: Task
    Name: T
    Action: HTTP:Request
    Parameters:
      x.$: $Output
    End: true
""")
    assert only(ds) == [("unavailable-root", 9, 20), ("unavailable-root", 16, 12)]


def test_output_root_in_output_constructor_is_fine():
    assert diagnostics(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    OutputConstructor:
      a.$: $Output
    End: true
""") == []


# -- scopes ------------------------------------------------------------------------------------------------

def test_nested_scopes_have_their_own_start_at():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    End: true
    Branches:
      - States:
          - Type: Pass
            Name: X
            End: true
      - StartAt: Nope
        States:
          - Type: Pass
            Name: Y
            End: true
""")
    errs = [d for d in ds if d.severity == "error"]
    assert [(d.code, d.line, d.col) for d in errs] == [("missing-field", 10, 9), ("missing-target", 14, 18)]
    assert "Branches[0]: missing required field 'StartAt'" in errs[0].message
    assert "Branches[1]: StartAt names no state 'Nope'" in errs[1].message


def test_map_processor_start_at_and_unreachable_inside():
    ds = diagnostics(H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.x
    Processor:
      StartAt: A
      States:
        - Type: Pass
          Name: A
          End: true
        - Type: Pass
          Name: B
          End: true
    End: true
""")
    assert only(ds) == []
    w = one(ds, "unreachable", "warning")
    assert w.line == 16 and "Processor: state 'B' is never reached from StartAt 'A'" in w.message


def test_states_written_as_a_mapping():
    ds = diagnostics(H + "StartAt: A\nStates:\n  A:\n    Type: Pass\n")
    d = one(ds, "wrong-type")
    assert (d.line, d.col) == (6, 3)
    assert d.hint == "States is an array: each state starts with '- Name: ...'"


# -- everything at once --------------------------------------------------------------------------------------

def test_all_diagnostics_reported_together_sorted_by_position():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
    Next: Missing
  - Type: Wait
    Name: B
    Seconds: 0
    End: true
  - Type: Bogus
    Name: C
  - Name: D
    Type: Pass
    End: true
    Foo: 1
""")
    assert [(d.severity, d.code, d.line) for d in ds] == [
        ("error", "missing-target", 8),
        ("warning", "unreachable", 10),
        ("error", "out-of-range", 11),
        ("error", "unknown-state-type", 13),
        ("warning", "unreachable", 14),
        ("warning", "unreachable", 15),
        ("warning", "unknown-field", 18),
    ]


# -- not a flow at all ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,line,col", [
    (H + "StartAt: P\nStates: [\n", 6, 1),
    ("a: [1, 2\n", 2, 1),
    ("key: 'unterminated\n", 2, 1),
])
def test_yaml_errors_are_diagnostics_not_exceptions(text, line, col):
    d = parse_definition(text)
    assert d.flow is None
    assert len(d.diagnostics) == 1
    x = d.diagnostics[0]
    assert x.severity == "error" and x.code == "yaml-syntax"
    assert x.message.startswith("not valid YAML: ")
    assert (x.line, x.col) == (line, col)


def test_not_a_mapping():
    d = parse_definition("- a\n- b\n")
    assert [(x.code, x.line, x.col) for x in d.diagnostics] == [("not-a-flow", 1, 1)]
    assert "got an array" in d.diagnostics[0].message
    d = parse_definition("just a string\n")
    assert [x.code for x in d.diagnostics] == ["not-a-flow"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text):
    d = parse_definition(text)
    assert d.flow is None
    assert [(x.severity, x.code, x.line, x.col) for x in d.diagnostics] == [("error", "empty", 1, 1)]
    assert d.diagnostics[0].message == "the definition is empty"


def test_missing_file_is_a_diagnostic(tmp_path):
    d = load_definition(str(tmp_path / "nope.yaml"))
    assert d.flow is None
    assert [x.code for x in d.diagnostics] == ["io"]


def test_non_utf8_file_is_a_diagnostic(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes(H.encode() + b"StartAt: A\n# caf\xe9\n")
    d = load_definition(str(p))
    assert [(x.code, x.line) for x in d.diagnostics] == [("encoding", 5)]


def test_missing_top_level_fields():
    ds = diagnostics("Name: t\nStates:\n  - Type: Pass\n    Name: A\n    End: true\n")
    errs = sorted(d.message for d in ds if d.severity == "error")
    assert errs == ["missing required field 'SpecVersion' (v1)", "missing required field 'StartAt'",
                    "missing required field 'Type'"]


def test_spec_version_must_be_v1():
    ds = diagnostics("Type: StateMachine\nName: t\nSpecVersion: v2\nStartAt: A\nStates:\n  - Type: Pass\n    Name: A\n    End: true\n")
    assert only(ds) == [("bad-version", 3, 14)]


# -- real flows -------------------------------------------------------------------------------------------------

REAL = sorted(glob.glob(os.path.join(REALFLOWS, "*.yaml")))


@pytest.mark.skipif(not REAL, reason="shared/realflows not present")
@pytest.mark.parametrize("path", REAL, ids=[os.path.basename(p) for p in REAL])
def test_realflow_never_raises(path):
    d = load_definition(path)
    assert all(isinstance(x, Diagnostic) and x.line >= 1 and x.col >= 1 for x in d.diagnostics)
    text = read(path)
    legacy = any(line.startswith("steps:") or line.startswith("  steps:") for line in text.splitlines())
    if legacy and "StartAt" not in text:
        assert d.format == "legacy" and d.flow is not None, path  # tests/engine/test_legacy_validate.py
    # the flow exists exactly when there is no error
    assert (d.flow is None) == any(x.severity == "error" for x in d.diagnostics)


def _real(name):
    p = os.path.join(REALFLOWS, name)
    if not os.path.exists(p):
        pytest.skip(f"{name} not present")
    return load_definition(p)


def test_doc_choice_as_published_colon_space_hint():
    d = _real("doc-choice-as-published.yaml")
    assert d.flow is None
    assert [(x.severity, x.code, x.line, x.col) for x in d.diagnostics] == [("error", "yaml-colon-space", 10, 9)]
    assert d.diagnostics[0].hint == "write 'Condition: $Input.status==\"ready\"'"
    assert "Condition:$Input" in d.diagnostics[0].message


def test_doc_wait_ja_with_slash_comments():
    d = _real("doc-wait-ja-with-slash-comments.yaml")
    assert d.flow is None
    slash = find(d.diagnostics, "slash-comment", "error")
    assert [(x.line, x.col) for x in slash] == [(7, 11), (8, 11), (9, 14), (10, 10)]
    assert all(x.hint == "use '#' for comments" for x in slash)
    assert "'// 12秒' is part of the value of 'Seconds'" in slash[2].message


@pytest.mark.parametrize("name", ["doc-fnf-wait-timestamp-const.yaml", "doc-fnf-wait-timestamp-input.yaml"])
def test_doc_fnf_files_are_legacy_format(name):
    d = _real(name)
    assert d.format == "legacy" and d.flow is not None and d.diagnostics == ()


@pytest.mark.parametrize("name", ["doc-hello-world.yaml", "doc-pass.yaml", "doc-parallel.yaml", "doc-wait.yaml"])
def test_doc_v1_examples_are_valid(name):
    d = _real(name)
    assert d.flow is not None
    assert [x for x in d.diagnostics if x.severity == "error"] == []


@pytest.mark.parametrize("name,lines", [("video-edit.yaml", [13, 28, 37]),
                                        ("video-imitate-parallel.yaml", [19, 41, 56, 66, 81, 90])])
def test_published_v1_video_flows_load_with_placeholder_and_redundant_end_warnings(name, lines):
    d = _real(name)
    assert d.flow is not None
    assert [(x.severity, x.code, x.line) for x in d.diagnostics] == \
        [("warning", "placeholder", n) for n in lines[:-1]] + [("warning", "redundant-end", lines[-1])]


# -- more checks ---------------------------------------------------------------------------------------------------

def test_field_types_are_checked_each_at_its_node():
    ds = diagnostics(H + """StartAt: A
States:
  - Type: Pass
    Name: A
    InputConstructor: hello
    End: "true"
  - Type: Pass
    Name: B
    Next: 5
""")
    errs = [(d.code, d.line, d.col) for d in ds if d.severity == "error"]
    assert ("wrong-type", 8, 23) in errs  # InputConstructor: a string
    assert ("wrong-type", 9, 10) in errs  # End: "true"
    assert ("wrong-type", 12, 11) in errs  # Next: 5
    msgs = " ".join(d.message for d in ds)
    assert "'InputConstructor' must be an object, got string 'hello'" in msgs
    assert "'End' must be true or false, got string 'true'" in msgs
    assert "'Next' must be a string, got number 5" in msgs


def test_required_fields_of_map_task_and_parallel():
    ds = diagnostics(H + """StartAt: M
States:
  - Type: Map
    Name: M
    Next: T
  - Type: Task
    Name: T
    Next: P
  - Type: Parallel
    Name: P
    Branches: []
    End: true
""")
    got = sorted((d.code, d.line, d.message.split(": ", 1)[1]) for d in ds if d.severity == "error")
    assert got == [("empty-scope", 14, "'Branches' is empty"),
                   ("missing-field", 7, "missing required field 'ItemsPath'"),
                   ("missing-field", 7, "missing required field 'Processor'"),
                   ("missing-field", 9, "missing required field 'Action'")]


def test_retry_rule_needs_max_attempts_and_interval_and_catch_next_is_checked():
    ds = diagnostics(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: HTTP:Request
    Catch:
      - Errors: [E]
        Next: Hx
    Retry:
      - Errors: [E]
    End: true
  - Type: Pass
    Name: H
    End: true
""")
    errs = [(d.code, d.line, d.col, d.hint) for d in ds if d.severity == "error"]
    assert errs == [("missing-target", 11, 15, "did you mean 'H'?"), ("missing-field", 13, 9, ""),
                    ("missing-field", 13, 9, "")]
    errors = [d for d in ds if d.severity == "error"]
    assert "Retry[0]: missing required field 'MaxAttempts'" in errors[1].message
    assert "Retry[0]: missing required field 'IntervalSeconds'" in errors[2].message
    [w] = [d for d in ds if d.code == "catch-input-assumed"]
    assert (w.severity, w.line) == ("warning", 10)


def test_catch_and_choice_targets_count_for_reachability():
    ds = diagnostics(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: HTTP:Request
    Catch:
      - Errors: [E]
        Next: H
    Next: C
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Input.a == 1
        Next: X
    Default: Z
  - Type: Pass
    Name: H
    End: true
  - Type: Pass
    Name: X
    End: true
  - Type: Pass
    Name: Z
    End: true
""")
    assert [d.code for d in ds] == ["catch-input-assumed"]  # no 'unreachable' for H, X or Z


def test_condition_syntax_errors_point_at_the_column():
    ds = diagnostics(H + """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Input.a = 1
        Next: D
      - Condition: foo($Input.a)
        Next: D
      - Condition: $Input.a ==
        Next: D
    Default: D
  - Type: Pass
    Name: D
    End: true
""")
    assert [(d.code, d.line, d.col) for d in ds] == [
        ("expression-syntax", 9, 29), ("unknown-function", 11, 20), ("expression-syntax", 13, 29)]
    assert ds[0].hint == "use '==' to compare"
    assert "unknown function 'foo'" in ds[1].message
    assert "Branches[2]: Condition" in ds[2].message


def test_wildcards_and_filters_are_rejected_with_a_clear_message():
    ds = diagnostics(H + """StartAt: P
States:
  - Type: Pass
    Name: P
    InputConstructor:
      t.$: $Input[*].type
      f.$: $Input.a[?(@.x == 1)]
    End: true
""")
    assert [(d.code, d.line) for d in ds] == [("unsupported-path", 9), ("unsupported-path", 10)]
    assert "wildcards" in ds[0].message and "filter" in ds[1].message


def test_wait_timestamp_is_not_v1():
    ds = diagnostics(H + "StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Timestamp: 2024-01-01T00:00:00Z\n    End: true\n")
    assert [(d.severity, d.code, d.line) for d in ds] == [("error", "missing-field", 7), ("warning", "unknown-field", 8)]
    assert "needs Seconds or Seconds.$" in ds[0].message


def test_choice_has_no_output_constructor():
    ds = diagnostics(H + """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches:
      - Condition: $Input.a == 1
        Next: D
    Default: D
    OutputConstructor:
      x: 1
  - Type: Pass
    Name: D
    End: true
""")
    assert [(d.severity, d.code, d.line) for d in ds] == [("warning", "unknown-field", 12)]


def test_flow_names_with_underscores_are_fine():
    assert diagnostics("Type: StateMachine\nName: my_flow-1\nSpecVersion: v1\nStartAt: P\nStates:\n"
                       "  - Type: Pass\n    Name: P\n    End: true\n") == []
    ds = diagnostics("Type: StateMachine\nName: 9flow\nSpecVersion: v1\nStartAt: P\nStates:\n"
                     "  - Type: Pass\n    Name: P\n    End: true\n")
    assert [(d.severity, d.code) for d in ds] == [("warning", "flow-name")]


@pytest.mark.parametrize("mode,itype", [("WaitForSystemCallback", "Async"), ("WaitForCustomCallback", "Async")])
def test_express_flows_allow_only_request_complete(mode, itype):
    text = H + f"""StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    TaskMode: {mode}
    Parameters:
      resourceArn: acs:fc:::functions/f
      invocationType: {itype}
      body:
        t.$: $Context.Current.TaskToken
    End: true
"""
    assert [d for d in diagnostics(text) if d.severity == "error"] == []
    errs = [d for d in diagnostics(text, express=True) if d.severity == "error"]
    assert [(d.line, d.col) for d in errs] == [(9, 15)]
    assert "Express" in errs[0].message and "RequestComplete" in errs[0].message


def test_choice_with_empty_branches_is_reported():
    ds = diagnostics(H + """StartAt: C
States:
  - Type: Choice
    Name: C
    Branches: []
    Default: D
  - Type: Pass
    Name: D
    End: true
""")
    assert [(d.line, d.col) for d in ds] == [(8, 15)]


def test_duplicate_yaml_key_is_an_error():
    ds = diagnostics(H + "StartAt: P\nStates:\n  - Type: Pass\n    Name: P\n    Name: Q\n    End: true\n")
    assert [(d.code, d.line, d.col) for d in ds] == [("duplicate-key", 8, 5)]
    assert "duplicate key 'Name' (first at line 7)" in ds[0].message


def test_custom_yaml_tags_warn_and_keep_the_text():
    ds = diagnostics(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: !Ref svc/fn
      invocationType: Sync
    End: true
""")
    assert [(d.severity, d.code, d.line, d.col) for d in ds] == [("warning", "yaml-tag", 10, 20),
                                                                ("error", "bad-arn", 10, 20)]
    assert "'svc/fn'" in ds[0].message


def test_map_roots_and_processor_scope():
    ds = diagnostics(H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Item
    ItemConstructor:
      a.$: $Output
    Processor:
      StartAt: P
      States:
        - Type: Pass
          Name: P
          Next: Top
    Next: Top
  - Type: Pass
    Name: Top
    End: true
""")
    assert [(d.code, d.line, d.col) for d in ds] == [
        ("unavailable-root", 8, 16), ("unavailable-root", 10, 12), ("missing-target", 16, 17)]
    assert "Processor: state 'P': Next names no state 'Top' in this scope" in ds[2].message


def test_output_root_in_a_catch_output_constructor_is_a_validation_error():
    ds = diagnostics(H + """StartAt: T
States:
  - Type: Task
    Name: T
    Action: HTTP:Request
    Catch:
      - Errors: [E]
        Next: H
        OutputConstructor:
          o.$: $Output.x
    End: true
  - Type: Pass
    Name: H
    End: true
""")
    assert [(d.severity, d.code, d.line, d.col) for d in ds] == [("error", "unavailable-root", 13, 16)]


def test_quoted_seconds_string_is_wrong_type():
    ds = diagnostics(H + 'StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds: "12 // comment"\n    End: true\n')
    assert [(d.severity, d.code, d.line, d.col) for d in ds] == [("error", "wrong-type", 8, 14)]
    assert "'Seconds' must be an integer, got string '12 // comment'" in ds[0].message
    ds = diagnostics(H + 'StartAt: W\nStates:\n  - Type: Wait\n    Name: W\n    Seconds: "12"\n    End: true\n')
    assert [(d.code, d.line) for d in ds] == [("wrong-type", 8)]
