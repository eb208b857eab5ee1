"""The validator's messages as a newcomer reads them: each diagnostic held
exactly (severity, code, line, col, message, hint) — misspelled Actions, case
slips in enums and error names, YAML booleans, dead Retry/Catch rules, a mock
file given to `flowdbg validate`, and JSON (not Python) type
names in every message."""
from __future__ import annotations

import os
import re

import pytest

from helpers.engine import REALFLOWS, SAMPLE_FLOWS, dedent
from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.validate.words import suggest

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def diags(text: str) -> list[tuple]:
    """Every diagnostic of ``text`` as (severity, code, line, col, message, hint)."""
    d = parse_definition(dedent(text))
    return [(x.severity, x.code, x.line, x.col, x.message, x.hint) for x in d.diagnostics]


def task(action: str, extra: str = "", then: str = "End: true") -> str:
    """A one-Task flow; the Action value is at line 8, column 13."""
    return H + "StartAt: A\nStates:\n  - Name: A\n    Type: Task\n" + f"    Action: {action}\n" + extra + f"    {then}\n"


# -- 1. Actions: typos and wrong case of the integrations flowdbg knows ------------------------------------------

GENERIC = "is not an action flowdbg knows, so it runs as a generic call that only a 'states:' mock answers"


@pytest.mark.parametrize("action,suggestion", [
    ("FC:InvokeFuncton", "FC:InvokeFunction"),
    ("FC:InvokFuncton", "FC:InvokeFunction"),
    ("FC:invokefunction", "FC:InvokeFunction"),
    ("FNF:StartExecuton", "FNF:StartExecution"),
    ("HTTP:request", "HTTP:Request"),
    ("MNS:SendMesage", "MNS:SendMessage"),
    ("EventBridge:PutEvent", "EventBridge:PutEvents"),
    ("SMS:SendSMS", "SMS:SendSms"),
    ("CloudFlow:StartExecution", "FNF:StartExecution"),  # the child-flow action keeps the old product code
])
def test_misspelled_action_is_a_warning_with_the_canonical_action(action, suggestion):
    assert diags(task(action)) == [
        ("warning", "unknown-action", 8, 13, f"state 'A': Action {action!r} {GENERIC}", f"did you mean '{suggestion}'?")]


@pytest.mark.parametrize("action,suggestion", [
    ("fc:InvokeFunction", "FC:InvokeFunction"),
    ("fnf:StartExecution", "FNF:StartExecution"),
    ("Http:Request", "HTTP:Request"),
    ("eventbridge:PutEvents", "EventBridge:PutEvents"),
    ("fc:InvokeFuncton", "FC:InvokeFunction"),
])
def test_known_action_with_product_in_the_wrong_case_names_the_canonical_spelling(action, suggestion):
    product = suggestion.split(":")[0]
    assert diags(task(action)) == [
        ("warning", "unknown-action", 8, 13,
         f"state 'A': Action {action!r} is not an action flowdbg knows (the product code is spelled {product!r}), "
         "so it runs as a generic call that only a 'states:' mock answers", f"did you mean '{suggestion}'?")]


@pytest.mark.parametrize("action,canonical", [
    ("fc:ListFunctions", "FC:ListFunctions"),  # a generic OpenAPI call on FC, product in the wrong case
    ("oss:PutObject", "OSS:PutObject"),  # OSS operations are unconfirmed: only the product's case is checked
])
def test_generic_call_on_a_known_product_in_the_wrong_case(action, canonical):
    product = canonical.split(":")[0]
    assert diags(task(action)) == [
        ("warning", "unknown-action", 8, 13, f"state 'A': Action {action!r}: the product code is spelled {product!r}",
         f"write 'Action: {canonical}'")]


@pytest.mark.parametrize("action", [
    "ECS:DescribeInstances", "DashScope:QwenTextGeneration", "FC:ListFunctions",
    "FNF:StartSyncExecution", "FNF:StopExecution", "FNF:DescribeExecution",  # real APIs near StartExecution
    "SMS:SendBatchSms", "MNS:PublishMessage", "MNS:SendMessage", "HTTP:Request", "EventBridge:PutEvents",
    "OSS:PutObject", "OSS:PutObjekt",  # OSS operations are not checked
    "CloudFlow:ListExecutions",
])
def test_generic_and_known_actions_pass(action):
    assert diags(task(action)) == []


def test_fc_action_alias_still_warns_once_as_an_alias():
    flow = task("FC::InvokeFunction", "    Parameters:\n      resourceArn: acs:fc:cn-hangzhou:1:functions/f\n"
                                      "      invocationType: Sync\n")
    assert [(s, c, ln, col) for s, c, ln, col, _, _ in diags(flow)] == [("warning", "action-alias", 8, 13)]


# -- 2. suggestions: a case-insensitive match wins over a fuzzy one ------------------------------------------------

@pytest.mark.parametrize("word,options,want", [
    ("sync", ("Sync", "Async"), "Sync"),
    ("async", ("Sync", "Async"), "Async"),
    ("pass", ("Task", "Pass", "Choice", "Parallel", "Map", "Wait", "Succeed", "Fail"), "Pass"),
    ("requestcomplete", ("RequestComplete", "WaitForSystemCallback", "WaitForCustomCallback"), "RequestComplete"),
    ("REQUESTCOMPLET", ("RequestComplete", "WaitForSystemCallback", "WaitForCustomCallback"), "RequestComplete"),
    ("Finsh", ("Start", "Finish"), "Finish"),
    ("zzz", ("Sync", "Async"), ""),
])
def test_suggest_prefers_a_case_insensitive_match(word, options, want):
    assert suggest(word, options) == want


def test_invocation_type_sync_in_lower_case_hints_sync_not_async():
    flow = task("FC:InvokeFunction", "    Parameters:\n      resourceArn: acs:fc:cn-hangzhou:1:functions/f\n"
                                     "      invocationType: sync\n")
    assert diags(flow) == [("error", "bad-enum", 11, 23,
                            "state 'A': Parameters.invocationType must be Sync or Async, got string 'sync'",
                            "did you mean 'Sync'?")]


def test_state_type_in_lower_case_hints_the_type():
    assert diags(H + "StartAt: A\nStates:\n  - Name: A\n    Type: pass\n    End: true\n") == [
        ("error", "unknown-state-type", 7, 11,
         "state 'A': unknown state type 'pass'; FDL v1 has Task, Pass, Choice, Parallel, Map, Wait, Succeed, Fail",
         "did you mean 'Pass'?")]


def test_task_mode_in_lower_case_hints_the_mode():
    got = diags(task("HTTP:Request", "    TaskMode: requestcomplete\n"))
    assert got == [("error", "bad-enum", 9, 15,
                    "state 'A': TaskMode 'requestcomplete' is not one of RequestComplete, WaitForSystemCallback, "
                    "WaitForCustomCallback", "did you mean 'RequestComplete'?")]


def test_next_differing_only_in_case_suggests_that_state():
    flow = H + "StartAt: A\nStates:\n  - Name: A\n    Type: Pass\n    Next: done\n  - Name: Done\n    Type: Succeed\n"
    assert ("error", "missing-target", 8, 11, "state 'A': Next names no state 'done' in this scope",
            "did you mean 'Done'?") in diags(flow)


# -- 3. a non-string Condition gets a Condition hint, not the '.$' one ---------------------------------------------

CHOICE = H + """StartAt: C
States:
  - Name: C
    Type: Choice
    Branches:
      - Condition: {cond}
        Next: D
    Default: D
  - Name: D
    Type: Succeed
"""


def test_boolean_condition_says_a_condition_is_an_expression_string():
    assert diags(CHOICE.format(cond="true")) == [
        ("error", "not-an-expression", 9, 20, "state 'C': Branches[0]: Condition must be an expression string, "
         "got boolean true",
         'a Condition is an expression string such as $Input.ok == true; for a constant, quote it: Condition: "true"')]


def test_number_condition_gets_the_condition_hint_without_the_constant():
    assert diags(CHOICE.format(cond="5")) == [
        ("error", "not-an-expression", 9, 20, "state 'C': Branches[0]: Condition must be an expression string, "
         "got number 5", "a Condition is an expression string such as $Input.ok == true")]


def test_dollar_keys_keep_the_dot_dollar_hint():
    flow = H + "StartAt: A\nStates:\n  - Name: A\n    Type: Pass\n    InputConstructor:\n      a.$: true\n    End: true\n"
    assert diags(flow) == [
        ("error", "not-an-expression", 9, 12, "state 'A': InputConstructor.a.$ must be an expression string, "
         "got boolean true", "a key ending in '.$' takes an expression such as $Input.x; drop the '.$' for a literal")]


def test_items_path_not_a_string_gets_an_items_path_hint():
    flow = H + """StartAt: M
States:
  - Name: M
    Type: Map
    ItemsPath: 5
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Succeed
    End: true
"""
    assert diags(flow) == [("error", "not-an-expression", 8, 16,
                            "state 'M': ItemsPath must be an expression string, got number 5",
                            "ItemsPath is an expression string such as $Input.items")]


# -- 4. YAML booleans in string fields -------------------------------------------------------------------------------

def test_state_named_yes_says_yaml_read_a_boolean_without_an_empty_prefix():
    flow = H + 'StartAt: "Yes"\nStates:\n  - Name: Yes\n    Type: Pass\n    End: true\n'
    assert [d for d in diags(flow) if d[1] == "wrong-type"] == [
        ("error", "wrong-type", 6, 11, "'Name' must be a string, got boolean true",
         'YAML reads yes/no/on/off/true/false as booleans: quote it, e.g. Name: "Yes"')]


@pytest.mark.parametrize("field,line_text,line,col,shown", [
    ("StartAt", "StartAt: On", 4, 10, "true"),
    ("Next", "    Next: No", 8, 11, "false"),
])
def test_boolean_in_transition_fields(field, line_text, line, col, shown):
    text = H + "StartAt: A\nStates:\n  - Name: A\n    Type: Pass\n    Next: B\n  - Name: B\n    Type: Succeed\n"
    text = text.replace("StartAt: A" if field == "StartAt" else "    Next: B", line_text)
    example = '"Yes"' if shown == "true" else '"No"'
    prefix = "" if field == "StartAt" else "state 'A': "
    assert ("error", "wrong-type", line, col, f"{prefix}'{field}' must be a string, got boolean {shown}",
            f"YAML reads yes/no/on/off/true/false as booleans: quote it, e.g. {field}: {example}") in diags(text)


def test_boolean_code_on_a_fail_state_and_in_a_nested_scope():
    flow = H + """StartAt: P
States:
  - Name: P
    Type: Parallel
    End: true
    Branches:
      - StartAt: F
        States:
          - Name: F
            Type: Fail
            Code: off
"""
    assert diags(flow) == [("error", "wrong-type", 14, 19,
                            "state 'P': Branches[0]: state 'F': 'Code' must be a string, got boolean false",
                            'YAML reads yes/no/on/off/true/false as booleans: quote it, e.g. Code: "No"')]


def test_boolean_action():
    assert diags(task("yes")) == [("error", "wrong-type", 8, 13, "state 'A': 'Action' must be a string, got boolean true",
                                   'YAML reads yes/no/on/off/true/false as booleans: quote it, e.g. Action: "Yes"')]


def test_a_yaml11_boolean_word_as_a_key_stays_the_key_written():
    # Keys are the text written (YAML 1.2, JSON), so `yes:` is the key "yes", not true (issue 11).
    flow = H + "StartAt: A\nStates:\n  - Name: A\n    Type: Pass\n    yes: 1\n    End: true\n"
    assert diags(flow) == [("warning", "unknown-field", 8, 5, "state 'A': unknown field 'yes' (ignored)", "")]


def test_missing_name_has_no_empty_state_prefix():
    flow = H + "StartAt: A\nStates:\n  - Type: Pass\n    End: true\n"
    assert ("error", "missing-field", 6, 5, "missing required field 'Name'", "") in diags(flow)


# -- 5. Next where it does not belong: one diagnostic each ---------------------------------------------------------

CHOICE_NEXT = H + """StartAt: C
States:
  - Name: C
    Type: Choice
    Next: D
    Branches:
      - Condition: $Input.ok
        Next: D
{default}  - Name: D
    Type: Succeed
"""
CHOICE_MSG = ("state 'C': a Choice state cannot have Next: it moves on through Branches[].Next, "
              "or Default when no condition is true")


def test_next_on_a_choice_is_an_error_that_explains_branches_and_default():
    assert diags(CHOICE_NEXT.format(default="    Default: D\n")) == [
        ("error", "unexpected-next", 8, 5, CHOICE_MSG, "remove it")]


def test_next_on_a_choice_without_default_suggests_making_it_the_default():
    # one error for one mistake: no separate no-default error
    assert diags(CHOICE_NEXT.format(default="")) == [
        ("error", "unexpected-next", 8, 5, CHOICE_MSG, "for when no condition is true, write 'Default: D'")]


@pytest.mark.parametrize("kind,hint", [
    ("Succeed", "remove it: Succeed ends its scope (the flow, or its branch or iteration)"),
    ("Fail", "remove it: Fail ends the whole execution"),
])
def test_next_on_succeed_or_fail_is_one_error_not_also_an_unknown_field(kind, hint):
    flow = H + f"StartAt: A\nStates:\n  - Name: A\n    Type: {kind}\n    Next: B\n  - Name: B\n    Type: Succeed\n"
    assert [d for d in diags(flow) if d[2] == 8] == [
        ("error", "unexpected-next", 8, 5, f"state 'A': a {kind} state cannot have Next", hint)]


# -- 6. Retry/Catch rules that can never be chosen -----------------------------------------------------------------

def rules(key: str, errors: list[str]) -> str:
    """A Task with one rule per Errors list; rule i starts at line 10 + 3*i, column 9."""
    body = f"    {key}:\n"
    for e in errors:
        body += f"      - Errors: [{e}]\n"
        body += ("        MaxAttempts: 1\n        IntervalSeconds: 1\n" if key == "Retry"
                 else "        Next: B\n        OutputConstructor: {}\n")
    return task("HTTP:Request", body, then="Next: B") + "  - Name: B\n    Type: Succeed\n"


@pytest.mark.parametrize("key", ["Retry", "Catch"])
def test_every_rule_after_fnf_all_is_unreachable(key):
    got = diags(rules(key, ["FC.Unknown", "FnF.ALL", "FC.ResourceThrottled", "FnF.TaskTimeout"]))
    assert got == [("warning", "unreachable-rule", line, 9,
                    f"state 'A': {key}[{i}]: this rule is never used: {key}[1] lists FnF.ALL, which matches every "
                    "error first", f"move {key}[1] (FnF.ALL) to the end of {key}") for i, line in ((2, 16), (3, 19))]


def test_states_all_counts_as_fnf_all():
    got = diags(rules("Catch", ["States.ALL", "FC.Unknown"]))
    assert ("warning", "unreachable-rule", 13, 9, "state 'A': Catch[1]: this rule is never used: Catch[0] lists "
            "FnF.ALL, which matches every error first", "move Catch[0] (FnF.ALL) to the end of Catch") in got


def test_rule_whose_errors_were_all_listed_earlier_is_unreachable():
    got = diags(rules("Retry", ["FC.ResourceThrottled, FC.Unknown", "FnF.TaskTimeout", "FC.Unknown, FnF.TaskTimeout"]))
    assert got == [("warning", "unreachable-rule", 16, 9,
                    "state 'A': Retry[2]: this rule is never used: every error it lists is matched first by an "
                    "earlier rule (FC.Unknown by Retry[0], FnF.TaskTimeout by Retry[1])",
                    "remove it, or move it above the rule that takes its errors")]


def test_error_already_taken_by_an_earlier_rule_is_a_warning_on_that_name():
    got = diags(rules("Catch", ["FC.Unknown", "FC.Unknown, FnF.TaskTimeout"]))
    assert got == [("warning", "shadowed-error", 13, 18,
                    "state 'A': Catch[1]: 'FC.Unknown' never reaches this rule: Catch[0] matches it first",
                    "remove it here, or move this rule above Catch[0]")]


def test_fnf_all_last_and_retry_and_catch_lists_apart_are_fine():
    flow = task("HTTP:Request", """    Retry:
      - Errors: [FC.ResourceThrottled]
        MaxAttempts: 1
        IntervalSeconds: 1
      - Errors: [FnF.ALL]
        MaxAttempts: 1
        IntervalSeconds: 1
    Catch:
      - Errors: [FC.ResourceThrottled]
        Next: B
        OutputConstructor: {}
      - Errors: [FnF.ALL]
        Next: B
        OutputConstructor: {}
""") + "  - Name: B\n    Type: Succeed\n"
    assert diags(flow) == []


def test_a_case_variant_of_fnf_all_shadows_nothing():
    # 'fnf.all' matches no error (names are case-sensitive), so later rules stay reachable
    got = diags(rules("Retry", ["fnf.all", "FC.Unknown"]))
    assert [d[1] for d in got] == ["error-name-case"]


# -- 7. error names are case-sensitive -----------------------------------------------------------------------------

@pytest.mark.parametrize("name,canonical", [
    ("fc.resourcethrottled", "FC.ResourceThrottled"),
    ("FC.resourceThrottled", "FC.ResourceThrottled"),
    ("fnf.all", "FnF.ALL"),
    ("FnF.all", "FnF.ALL"),
    ("FNF.TaskTimeout", "FnF.TaskTimeout"),
    ("fnf.runtimeerror", "FnF.RuntimeError"),
    ("FnF.DataLimitExceeded".lower(), "FnF.DataLimitExceeded"),
    ("fc.unknown", "FC.Unknown"),
    ("FC.functionnotfound", "FC.FunctionNotFound"),
    ("states.all", "FnF.ALL"),
])
def test_error_name_in_the_wrong_case_names_the_canonical_one(name, canonical):
    assert diags(rules("Retry", [name])) == [
        ("warning", "error-name-case", 10, 18,
         f"state 'A': Retry[0]: {name!r} never matches {canonical!r}: error names are case-sensitive",
         f"did you mean '{canonical}'?")]


@pytest.mark.parametrize("name", ["fnf.ExecutionAlreadyExists", "AuditErrorNeedsRetry", "customBizCode",
                                  "FC.ResourceThrottled", "FnF.ALL", "FnF.Timeout"])
def test_names_without_a_case_insensitive_canonical_match_pass(name):
    assert diags(rules("Catch", [name])) == []


# -- 9. a mock file given to validate ------------------------------------------------------------------------------

MOCK_MSG = "this is a flowdbg mock file (functions, states, callbacks, ...), not a flow definition"
MOCK_HINT = "flowdbg reads a mock file given with --mocks, or the one beside the flow (x.yaml -> x.mocks.yaml)"
TESTS_MSG = "this is a flowdbg test file (cases: ...), not a flow definition"
TESTS_HINT = "run it with 'flowdbg test FILE'; it names its flow with 'flow:' (default: NAME.yaml beside it)"


@pytest.mark.parametrize("text", [
    "functions:\n  f:\n    - body: {}\nstates:\n  S:\n    - result: 1\n",
    "callbacks:\n  Wait:\n    - succeed: {}\n",
    "live: [f]\nflows:\n  Child: child.yaml\n",
])
def test_mock_file_is_one_not_a_flow_error(text):
    assert diags(text) == [("error", "not-a-flow", 1, 1, MOCK_MSG, MOCK_HINT)]


@pytest.mark.parametrize("text", [
    "cases:\n  - name: a\n    expect: {status: Succeeded}\n",
    "flow: claim.yaml\nmocks: claim.mocks.yaml\ncases: []\n",
])
def test_a_test_file_is_one_not_a_flow_error(text):
    assert diags(text) == [("error", "not-a-flow", 1, 1, TESTS_MSG, TESTS_HINT)]


def test_sample_mock_files_are_recognised():
    paths = [os.path.join(SAMPLE_FLOWS, f) for f in sorted(os.listdir(SAMPLE_FLOWS)) if ".mocks.yaml" in f]
    assert paths
    for p in paths:
        d = load_definition(p)
        assert [(x.code, x.message) for x in d.diagnostics] == [("not-a-flow", MOCK_MSG)], p


def test_flow_with_a_lower_case_states_key_is_not_taken_for_a_mock_file():
    got = diags(H + "StartAt: A\nstates:\n  - Name: A\n    Type: Pass\n    End: true\n")
    assert "not-a-flow" not in [d[1] for d in got]
    # One diagnostic for the one slip, on the slipped key: the missing field it was meant to be.
    assert got == [("error", "missing-field", 5, 1,
                    "missing required field 'States' ('states' on line 5 is not it: keys are case-sensitive)",
                    "rename 'states' to 'States'")]


# -- 10. legacy flows: validated on their own (tests/engine/test_legacy_validate.py) --------------------------------


# -- 11. JSON type names, never Python's ----------------------------------------------------------------------------

def test_wrong_types_are_named_as_json():
    flow = H + """StartAt: A
States:
  - Name: A
    Type: Task
    Action: FC:InvokeFunction
    InputConstructor: [1]
    Parameters:
      resourceArn:
      invocationType: {a: 1}
    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: -1
        IntervalSeconds: 1
    End: true
"""
    assert diags(flow) == [
        ("error", "wrong-type", 9, 23, "state 'A': 'InputConstructor' must be an object, got an array", ""),
        ("error", "wrong-type", 11, 19, "state 'A': Parameters.resourceArn must be a string, got null",
         "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST"),
        ("error", "bad-enum", 12, 23, "state 'A': Parameters.invocationType must be Sync or Async, got an object", ""),
        ("error", "out-of-range", 15, 22, "state 'A': Retry[0]: 'MaxAttempts' is -1; it must be at least 0", ""),
    ]


def test_resource_arn_number_is_named_as_json():
    flow = task("FC:InvokeFunction", "    Parameters:\n      resourceArn: 123\n      invocationType: Sync\n")
    assert diags(flow) == [("error", "wrong-type", 10, 20, "state 'A': Parameters.resourceArn must be a string, "
                            "got number 123", "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST")]


def test_errors_written_as_a_string_or_empty():
    got = diags(rules("Catch", ["FnF.ALL"]).replace("Errors: [FnF.ALL]", "Errors: FnF.ALL"))
    assert got == [("error", "wrong-type", 10, 17,
                    "state 'A': Catch[0]: 'Errors' must be an array of error names, got string 'FnF.ALL'",
                    "write it as an array: Errors: [FnF.ALL]")]
    got = diags(rules("Catch", ["FnF.ALL"]).replace("Errors: [FnF.ALL]", "Errors: []"))
    assert got == [("error", "wrong-type", 10, 17,
                    "state 'A': Catch[0]: 'Errors' is empty; list at least one error name, e.g. [FnF.ALL]", "")]


# A flow touching every field the validator checks; each value is swapped for
# every JSON kind in turn, and no message or hint may name a Python type.
EVERY_FIELD = H + """Description: d
StartAt: T
States:
  - Name: T
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Timeout: 30
    InputConstructor:
      a.$: $Input.a
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/f
      invocationType: Sync
      body: {}
    Retry:
      - Errors: [FC.Unknown]
        MaxAttempts: 1
        IntervalSeconds: 1
        BackoffRate: 2
        MaxBackoffSeconds: 10
    Catch:
      - Errors: [FnF.ALL]
        Next: C
        OutputConstructor:
          e.$: $Context.Current.Error
    OutputConstructor:
      b.$: $Output.Body
    Next: C
  - Name: C
    Type: Choice
    Branches:
      - Condition: $Input.a == 1
        Next: W
    Default: M
  - Name: W
    Type: Wait
    Seconds: 5
    Next: M
  - Name: M
    Type: Map
    ItemsPath: $Input.items
    MaxConcurrency: 2
    ItemConstructor:
      i.$: $Item
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    Next: Par
  - Name: Par
    Type: Parallel
    Branches:
      - StartAt: S
        States:
          - Name: S
            Type: Succeed
    Next: F
  - Name: F
    Type: Fail
    Code: E
    Detail: d
"""
VALUE = re.compile(r"^(\s*(?:- )?[A-Za-z][\w.$]*: ?)(.*)$")
PYTHON_NAMES = re.compile(r"\b(dict|list|tuple|NoneType|None|str|int|float|bool|True|False)\b")


def test_every_field_with_every_kind_of_value_never_names_a_python_type():
    assert [d for d in diags(EVERY_FIELD) if d[0] == "error"] == []
    lines = EVERY_FIELD.splitlines()
    seen = 0
    for i, text in enumerate(lines):
        m = VALUE.match(text)
        if not m:
            continue
        for value in ("true", "false", "null", "5", "1.5", "[1]", "{a: 1}", "''", "yes"):
            mutated = "\n".join(lines[:i] + [m.group(1).rstrip() + " " + value] + lines[i + 1:]) + "\n"
            for d in parse_definition(mutated).diagnostics:
                seen += 1
                assert not PYTHON_NAMES.search(d.message), (text, value, d.message)
                assert not PYTHON_NAMES.search(d.hint), (text, value, d.hint)
    assert seen > 300
