"""Slips in a flow that used to pass silently (issue 15): each is named with
line:col and, where one exists, a did-you-mean; diagnostics come cause
first, once each; ``--strict`` makes warnings errors."""
from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.engine import ENGINE_FIXTURES, dedent
from flowdbg.engine.definition import NOT_STRICT, load_definition, parse_definition
from flowdbg.engine.diagnostics import ERROR, WARNING, Diagnostic, ordered
from flowdbg.engine.flow_slips import PARAMETERS

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def diags(yaml_text: str, **kw) -> list[tuple]:
    d = parse_definition(H + dedent(yaml_text), **kw)
    return [(x.severity, x.code, x.line, x.col, x.message, x.hint) for x in d.diagnostics]


def fc_task(params: str, extra: str = "") -> str:
    return f"""\
StartAt: T
States:
  - Name: T
    Type: Task
    Action: FC:InvokeFunction
{extra}    Parameters:
{params}    End: true
"""


ARN = "      resourceArn: acs:fc:cn-hangzhou:123:functions/f/LATEST\n"
SYNC = "      invocationType: Sync\n"


# -- Parameters keys ---------------------------------------------------------------------------------------------

def test_capital_body_is_named_the_function_would_get_an_empty_event():
    assert diags(fc_task(ARN + SYNC + "      Body: {a: 1}\n")) == [
        ("warning", "unknown-parameter", 12, 7,
         "state 'T': Parameters: 'Body' is not a parameter of FC:InvokeFunction (ignored), so the function gets an "
         "empty event", "did you mean 'body'?")]


def test_lower_case_resource_arn_is_the_missing_field_error_on_that_key():
    assert diags(fc_task("      resourcearn: acs:fc:cn-hangzhou:123:functions/f/LATEST\n" + SYNC)) == [
        ("error", "missing-field", 10, 7,
         "state 'T': Parameters: missing required field 'resourceArn' ('resourcearn' on line 10 is not it: keys are "
         "case-sensitive)", "rename 'resourcearn' to 'resourceArn'")]


def test_misspelt_invocation_type_is_said_to_be_there():
    assert diags(fc_task(ARN + "      invocationtype: Sync\n")) == [
        ("error", "missing-field", 11, 7,
         "state 'T': Parameters: missing required field 'invocationType' (Sync or Async) ('invocationtype' on line 11 "
         "is not it: keys are case-sensitive)", "rename 'invocationtype' to 'invocationType'")]


def test_invocation_type_missing_a_letter():
    assert diags(fc_task(ARN + "      invocatonType: Sync\n"))[0][4].endswith(
        "('invocatonType' on line 11 is not it: it is spelt 'invocationType')")


def test_qualifier_is_not_an_fc_parameter():
    assert diags(fc_task(ARN + SYNC + "      qualifier: LATEST\n")) == [
        ("warning", "unknown-parameter", 12, 7,
         "state 'T': Parameters: FC:InvokeFunction has no 'qualifier' parameter (ignored): the version or alias is the "
         "last part of resourceArn",
         "write it in the ARN, e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST")]


def test_any_other_fc_parameter_is_ignored_with_a_warning():
    assert diags(fc_task(ARN + SYNC + "      payload: {a: 1}\n")) == [
        ("warning", "unknown-parameter", 12, 7,
         "state 'T': Parameters: 'payload' is not a parameter of FC:InvokeFunction (ignored); it takes resourceArn, "
         "invocationType and body", "to send it to the function, put it under body")]


def test_an_expression_key_is_checked_without_its_suffix():
    assert diags(fc_task(ARN + SYNC + "      Body.$: $Input\n"))[0][4:] == (
        "state 'T': Parameters: 'Body.$' is not a parameter of FC:InvokeFunction (ignored), so the function gets an "
        "empty event", "did you mean 'body'?")
    assert diags(fc_task(ARN + SYNC + "      body.$: $Input\n")) == []


def test_other_integrations_get_near_misses_only():
    flow = """\
    StartAt: T
    States:
      - Name: T
        Type: Task
        Action: HTTP:Request
        Parameters:
          Url: https://example.com
          method: GET
          header: {a: 1}
          timeoutSeconds: 3
        End: true
    """
    assert diags(flow) == [
        ("warning", "unknown-parameter", 10, 7, "state 'T': Parameters: 'Url' is not a parameter of HTTP:Request "
         "(ignored)", "did you mean 'url'? parameter names are case-sensitive"),
        ("warning", "unknown-parameter", 12, 7, "state 'T': Parameters: 'header' is not a parameter of HTTP:Request "
         "(ignored)", "did you mean 'headers'?")]


@settings(max_examples=60, deadline=None)
@given(action=st.sampled_from(sorted(PARAMETERS)), data=st.data())
def test_any_case_slip_of_a_documented_parameter_is_named(action, data):
    """The whole kind: every documented parameter, in any wrong case, is reported on its key."""
    param = data.draw(st.sampled_from(PARAMETERS[action]))
    flips = data.draw(st.lists(st.booleans(), min_size=len(param), max_size=len(param)))
    slip = "".join(c.swapcase() if f else c for c, f in zip(param, flips))
    if slip == param:
        slip = param.swapcase()
    params = {"FC:InvokeFunction": {"resourceArn": "acs:fc:cn-hangzhou:123:functions/f/LATEST",
                                    "invocationType": "Sync"}}.get(action, {})
    params = {k: v for k, v in params.items() if k != param}
    lines = "".join(f"      {k}: {v}\n" for k, v in {**params, slip: "x"}.items())
    got = [d for d in diags(fc_task(lines).replace("FC:InvokeFunction", action)) if slip in d[4]]
    assert got, (action, slip)
    assert got[0][1] in ("unknown-parameter", "missing-field") and param in got[0][4] + got[0][5]


# -- placeholders ---------------------------------------------------------------------------------------------------

def test_placeholders_in_the_published_v1_flows_each_at_its_column():
    d = load_definition(os.path.join(ENGINE_FIXTURES, "video-imitate-parallel.yaml"))
    got = [(x.line, x.col, x.message) for x in d.diagnostics if x.code == "placeholder"]
    assert got == [
        (19, 36, "resourceArn: '${ALIUID}' and '${VIDEO_ANALYSIS_FUNCTION_NAME}' are placeholders that nothing "
                 "substitutes: CloudFlow sends the text as written"),
        (41, 36, "resourceArn: '${ALIUID}' and '${VIDEO_ANALYSIS_FUNCTION_NAME}' are placeholders that nothing "
                 "substitutes: CloudFlow sends the text as written"),
        (56, 39, "resourceArn: '${ALIUID}' and '${CONSTRUCT_PROMPT_FUNCTION_NAME}' are placeholders that nothing "
                 "substitutes: CloudFlow sends the text as written"),
        (66, 16, "api_key: '${API_KEY}' is a placeholder that nothing substitutes: CloudFlow sends the text as "
                 "written"),
        (81, 39, "resourceArn: '${ALIUID}' and '${VIDEO_CUT_FUNCTION_NAME}' are placeholders that nothing "
                 "substitutes: CloudFlow sends the text as written")]
    assert {x.hint for x in d.diagnostics if x.code == "placeholder"} == {
        "put in the real value (Serverless Devs substitutes ${...} when it deploys; CloudFlow and flowdbg do not)"}
    d = load_definition(os.path.join(ENGINE_FIXTURES, "video-edit.yaml"))
    assert [(x.line, x.col) for x in d.diagnostics if x.code == "placeholder"] == [(13, 39), (28, 39)]


def test_expressions_are_not_taken_for_placeholders():
    assert diags(fc_task(ARN + SYNC + "      body:\n        x.$: $Input.a\n        y: plain text\n")) == []


# -- names reused across scopes ---------------------------------------------------------------------------------------

def test_a_name_reused_inside_a_map_is_warned_with_the_scoped_keys():
    flow = """\
    StartAt: M
    States:
      - Name: M
        Type: Map
        ItemsPath: $Input.items
        Processor:
          StartAt: Notify
          States:
            - Name: Notify
              Type: Pass
              End: true
        Next: Notify
      - Name: Notify
        Type: Pass
        End: true
    """
    assert diags(flow) == [
        ("warning", "reused-state-name", 12, 17,
         "state name 'Notify' is also used at the top level (line 16): mock keys, callbacks and breakpoints that name "
         "'Notify' apply to both", "rename one, or key its mocks by scope: 'M/Notify' here and '/Notify' there")]


def test_the_same_name_in_two_parallel_branches():
    branch = "      - StartAt: Notify\n        States:\n          - Name: Notify\n            Type: Pass\n            End: true\n"
    got = diags("StartAt: P\nStates:\n  - Name: P\n    Type: Parallel\n    Branches:\n" + branch * 2 + "    End: true\n")
    assert got == [
        ("warning", "reused-state-name", 16, 19,
         "state name 'Notify' is also used in scope 'P.Branch0' (line 11): mock keys, callbacks and breakpoints that "
         "name 'Notify' apply to both",
         "rename one, or key its mocks by scope: 'P.Branch1/Notify' here and 'P.Branch0/Notify' there")]


# -- cause first, once each ----------------------------------------------------------------------------------------------

def test_the_slash_comment_comes_before_the_start_at_it_broke():
    flow = """\
    StartAt: Wait1
    States:
      - Name: Wait1 // the first state
        Type: Pass
        End: true
    """
    assert [x[:4] for x in diags(flow)] == [("error", "slash-comment", 6, 11), ("error", "missing-target", 4, 10)]
    assert diags(flow)[1][4:] == ("StartAt names no state 'Wait1' in this scope",
                                  "the state is named 'Wait1 // the first state': '//' does not start a comment in YAML")


def test_the_published_japanese_wait_example_reads_cause_first():
    from helpers.engine import REALFLOWS
    path = os.path.join(REALFLOWS, "doc-wait-ja-with-slash-comments.yaml")
    if not os.path.exists(path):
        import pytest
        pytest.skip("shared/realflows not present")
    d = load_definition(path)
    assert [(x.line, x.code) for x in d.diagnostics] == [
        (7, "slash-comment"), (7, "unknown-state-type"), (8, "slash-comment"), (5, "missing-target"),
        (9, "slash-comment"), (10, "slash-comment")]


def test_a_comment_on_start_at_itself():
    got = diags("StartAt: A // first\nStates:\n  - Name: A\n    Type: Pass\n    End: true\n")
    assert got == [
        ("error", "slash-comment", 4, 10, "'// first' is part of the value of 'StartAt' ('A // first'); '//' does not "
         "start a comment in YAML", "use '#' for comments"),
        ("error", "missing-target", 4, 10, "StartAt names no state 'A // first' in this scope",
         "did you mean 'A'? '//' does not start a comment in YAML")]


def test_a_description_may_hold_two_slashes():
    assert diags("Description: a // b\nStartAt: A\nStates:\n  - Name: A\n    Type: Pass\n"
                 "    Description: x // y\n    End: true\n") == []


def test_next_naming_a_state_of_the_enclosing_scope():
    flow = """\
    StartAt: M
    States:
      - Name: M
        Type: Map
        ItemsPath: $Input.items
        Processor:
          StartAt: Each
          States:
            - Name: Each
              Type: Pass
              Next: Final
        Next: Final
      - Name: Final
        Type: Succeed
    """
    assert diags(flow) == [
        ("error", "missing-target", 14, 17, "state 'M': Processor: state 'Each': Next names no state 'Final' in this scope",
         "did you mean the state 'Final' of the enclosing scope? Next cannot leave a branch or iteration: end it with "
         "'End: true' and go on to 'Final' from the Parallel or Map state's Next")]


def test_a_lower_case_next_is_the_no_transition_error_on_that_key():
    got = diags("StartAt: A\nStates:\n  - Name: A\n    Type: Pass\n    next: B\n  - Name: B\n    Type: Pass\n"
                "    End: true\n")
    assert got[0] == ("error", "no-transition", 8, 5,
                      "state 'A': has neither Next nor End: true ('next' on line 8 is not it: keys are case-sensitive)",
                      "rename 'next' to 'Next'")
    assert [x[1] for x in got] == ["no-transition"]  # not also an unknown field, nor B "never reached": one slip


def test_ordered_drops_repeats_and_puts_knock_ons_after_their_cause():
    a = Diagnostic(ERROR, "missing-target", 2, 1, "StartAt names no state", cause=(9, 3))
    b = Diagnostic(ERROR, "slash-comment", 9, 3, "'//' ...")
    c = Diagnostic(WARNING, "unreachable", 5, 1, "never reached")
    assert ordered([a, c, b, a, c]) == [c, b, a]


# -- --strict -------------------------------------------------------------------------------------------------------------

def test_strict_turns_warnings_into_errors_but_not_simulation_notes():
    flow = fc_task(ARN + SYNC + "      Body: {a: 1}\n")
    d = parse_definition(H + dedent(flow), strict=True)
    assert [(x.severity, x.code) for x in d.diagnostics] == [("error", "unknown-parameter")] and d.flow is None
    assert NOT_STRICT == {"distributed-map", "not-simulated"}


def test_validate_and_run_strict_exit_2(cli, tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text(H + fc_task(ARN + SYNC + "      Body: {a: 1}\n"))
    assert cli("validate", str(p))[0] == 0
    code, out, _ = cli("validate", str(p), "--strict")
    assert code == 2 and f"{p}:12:7: error: state 'T': Parameters: 'Body' is not a parameter" in out
    code, _, err = cli("run", str(p), "--strict")
    assert code == 2 and f"{p}:12:7: error:" in err


def test_strict_errors_do_not_say_ignored():
    """A warning says the field is ignored and the run goes on; under --strict nothing runs, so the
    error says only what is wrong (the newcomer review read "error: ... (ignored)" as a contradiction)."""
    flow = "StartAt: P\nStates:\n  - Name: P\n    Type: Pass\n    OutputConstrutor: {a: 1}\n    End: true\n"
    [w] = parse_definition(H + flow).diagnostics
    assert (w.severity, w.message) == (WARNING, "state 'P': unknown field 'OutputConstrutor' (ignored)")
    [e] = parse_definition(H + flow, strict=True).diagnostics
    assert (e.severity, e.message, e.hint) == (ERROR, "state 'P': unknown field 'OutputConstrutor'",
                                               "did you mean 'OutputConstructor'?")
