"""Validation of legacy Serverless Workflow flows (``type: flow``, ``steps``): every
diagnostic with its position, message and hint, and the 35 published legacy flows."""
from __future__ import annotations

import glob
import os

import pytest

from flowdbg.engine.definition import load_definition, parse_definition

from helpers import REALFLOWS, dedent

MIXED = "this file is in the legacy format (type: flow, steps); the two formats do not mix"


def diags(text: str) -> list[tuple]:
    return [(d.severity, d.code, d.line, d.col, d.message, d.hint) for d in parse_definition(dedent(text)).diagnostics]


def test_a_valid_legacy_flow_has_no_diagnostics_and_a_model():
    d = parse_definition("version: v1\ntype: flow\nsteps:\n  - type: pass\n    name: a\n")
    assert d.diagnostics == () and d.format == "legacy"
    assert d.flow.start_at == "a" and [s.name for _, s in d.flow.all_states()] == ["a"]


def test_a_fragment_without_the_header_is_read_as_legacy_with_a_warning():
    assert diags("# a fragment without the header\nsteps:\n  - type: pass\n    name: a\n    Bogus: 1\n") == [
        ("warning", "no-header", 2, 1, "no 'version' and 'type: flow' header; read as a legacy Serverless Workflow flow",
         "add 'version: v1' and 'type: flow' at the top"),
        ("warning", "unknown-field", 5, 5, "step 'a': unknown field 'Bogus' (ignored)", "")]


def test_v1_fields_at_the_top_of_a_legacy_flow():
    assert diags("version: v1beta1\ntype: flow\nName: 5\nStartAt: t\nsteps:\n  - type: task\n    name: t\n"
                 "    resourceArn: x\n") == [
        ("error", "v1-field", 3, 1, "'Name' is an FDL v1 field; a legacy flow writes (no field: a flow is named when "
         "it is created)", MIXED),
        ("error", "v1-field", 4, 1, "'StartAt' is an FDL v1 field; a legacy flow writes (no field: steps run in list "
         "order)", MIXED),
        ("warning", "unknown-resource", 8, 18, "step 't': resourceArn 'x' is not an FC function, flow or MNS ARN; "
         "flowdbg answers this task from a 'states:' mock under the step's name", "")]


STEPS = """\
version: v1
type: flow
steps:
  - type: Task
    name: a
  - type: tsak
    name: b
  - type: task
    name: c
    resouceArn: acs:fc:::services/s/functions/f
  - type: task
    name: d
    resourceArn: acs:fc:::services/s/functions/f
    Next: e
    inputMapping:
      - target: x
        source: $input.x
  - type: choice
    name: e
    choices:
      - condition: $.a == 
        goto: nowhere
      - condition: $local.a == 1
        goto: inner
        steps:
          - type: pass
            name: inner
    default: c
  - type: wait
    name: w
    duration: 10s
  - type: wait
    name: w2
    timestamp: tomorrow
  - type: foreach
    name: fe
    iterationMapping:
      collection: names
      item: name
    steps:
      - type: pass
        name: p
    outputMappings:
      - target: names
        source: $local.name
      - target: why
        source: $.x
  - type: task
    name: cb
    resourceArn: acs:fc:::services/s/functions/f
    pattern: waitForCalback
    retry:
      - errors: [FnF.ALL]
      - errors: fnf.all
    catch:
      - errors: [FnF.ALL]
"""


def test_step_diagnostics_name_the_place_and_say_how_to_fix_it():
    steps = "legacy flows have task, pass, choice, parallel, foreach, wait, succeed, fail"
    assert diags(STEPS) == [
        ("error", "unknown-step-type", 4, 11, f"step 'a': unknown step type 'Task'; {steps}",
         "legacy step types are lowercase: write 'type: task'"),
        ("error", "unknown-step-type", 6, 11, f"step 'b': unknown step type 'tsak'; {steps}", "did you mean 'task'?"),
        ("error", "missing-field", 9, 11, "step 'c': a task needs resourceArn (or action for a service integration)",
         "line 10 has 'resouceArn': did you mean 'resourceArn'?"),
        ("warning", "unknown-field", 10, 5, "step 'c': unknown field 'resouceArn' (ignored)",
         "did you mean 'resourceArn'?"),
        ("error", "v1-field", 14, 5, "step 'd': 'Next' is an FDL v1 field; a legacy step writes the order of steps "
         "(or goto)", MIXED),
        ("warning", "unknown-field", 15, 5, "step 'd': unknown field 'inputMapping' (ignored)",
         "did you mean 'inputMappings'?"),
        ("error", "expression-syntax", 21, 24, "step 'e': choices[0]: condition: expected an operand after '=='", ""),
        ("error", "missing-target", 22, 15, "step 'e': choices[0]: goto names no step 'nowhere' in this list of steps",
         ""),
        ("error", "expression-syntax", 23, 20, "step 'e': choices[1]: condition: $local is not available here",
         "a condition, a foreach collection, a wait and serviceParams read the step's input: $.key (or $input.key); "
         "bring other values in with inputMappings"),
        ("error", "missing-target", 24, 15, "step 'e': choices[1]: goto names no step 'inner' in this list of steps",
         "'inner' is in another list of steps (inside step 'e'); a goto jumps only to a step of the same list"),
        ("error", "wrong-type", 28, 14, "step 'e': 'default' must be an object with steps and/or goto, got string 'c'",
         "write 'default: {goto: c}'"),
        ("error", "wrong-type", 31, 15, "step 'w': 'duration' must be whole seconds or a path, got string '10s'",
         "write whole seconds, e.g. duration: 10, or a path such as duration: $.seconds"),
        ("error", "bad-timestamp", 34, 16, "step 'w2': 'timestamp' must be an RFC 3339 time with a zone or a path, "
         "got string 'tomorrow'", "e.g. timestamp: 2019-05-02T15:04:05Z or timestamp: $.when"),
        ("error", "not-a-path", 38, 19, "step 'fe': iterationMapping: 'collection' must be a path over the step input "
         "such as $.items, got 'names'", "write $.key (the step's input is $)"),
        ("warning", "local-is-array", 45, 17, "step 'fe': outputMappings[0]: $local of a foreach step is the array of "
         "its iteration results, so $local.name reads null", "did you mean $local[*].name?"),
        ("warning", "literal-path", 47, 17, "step 'fe': outputMappings[1]: source '$.x' is read as a constant string: "
         "a mapping reads $input, $local or $context", "write '$input.x'"),
        ("error", "bad-enum", 51, 14, "step 'cb': pattern 'waitForCalback' is not one of requestResponse, sync, "
         "waitForCallback", "did you mean 'waitForCallback'?"),
        ("error", "wrong-type", 54, 17, "step 'cb': retry[1]: 'errors' must be an array of error names, got string "
         "'fnf.all'", "write it as an array: errors: [fnf.all]"),
        ("error", "missing-field", 56, 9, "step 'cb': catch[0]: missing required field 'goto'", ""),
    ]


MORE = """\
version: v1
type: flow
steps:
  - type: parallel
    name: p
    branches:
      - steps:
          - type: pass
            name: a
      - Steps: []
  - type: task
    name: t
    action: facebody
    timeoutSeconds: 0
    serviceParams:
      ImageURL: $.image[
  - type: task
    name: m
    resourceArn: acs:mns:::/queues/q/messages
    pattern: sync
  - type: task
    name: f
    resourceArn: acs:fc:cn-hangzhou:1:nothing
    inputMappings:
      - target: tok
        source: $context.task.token
      - target: x
        source: $context.flow.nam
      - target: x
        source: $inputs.x
    errorMappings:
      - target: e
        source: $local.err
  - type: succeed
    name: s
    end: true
  - type: pass
    name: never
"""


def test_more_step_diagnostics():
    assert diags(MORE) == [
        ("error", "missing-field", 10, 9, "step 'p': branches[1]: missing required field 'steps'", ""),
        ("warning", "unknown-field", 10, 9, "step 'p': branches[1]: unknown field 'Steps' (ignored)",
         "did you mean 'steps'?"),
        ("error", "bad-action", 13, 13, "step 't': action 'facebody' is not '<product>:<Operation>'",
         "e.g. action: fnf:StartExecution"),
        ("error", "out-of-range", 14, 21, "step 't': 'timeoutSeconds' is 0; it must be between 1 and 604800", ""),
        ("error", "expression-syntax", 16, 24, "step 't': serviceParams.ImageURL: missing ']' to close '['", ""),
        ("error", "mode-not-supported", 20, 14, "step 'm': MNS does not support pattern sync; it supports "
         "requestResponse, waitForCallback", ""),
        ("error", "bad-arn", 23, 18, "step 'f': resourceArn 'acs:fc:cn-hangzhou:1:nothing': resource part 'nothing' is "
         "neither functions/<fn>[/<qualifier>] nor services/<svc>[.<qualifier>]/functions/<fn>",
         "e.g. acs:fc:cn-hangzhou:123456:services/svc/functions/fn"),
        ("warning", "no-task-token", 26, 17, "step 'f': inputMappings[0]: $context.task.token is set only in the "
         "inputMappings of a task with pattern: waitForCallback; here it reads null", ""),
        ("warning", "unknown-context", 28, 17, "step 'f': inputMappings[1]: $context.flow has no field 'nam' (it has "
         "name)", "did you mean '$context.flow.name'?"),
        ("warning", "duplicate-target", 29, 17, "step 'f': inputMappings[2]: target 'x' is also mapped at line 27; the "
         "later one wins", ""),
        ("warning", "literal-path", 30, 17, "step 'f': inputMappings[2]: source '$inputs.x' is read as a constant "
         "string: a mapping reads $input, $local or $context", "did you mean '$input.x'?"),
        ("warning", "unused-error-mappings", 31, 5, "step 'f': errorMappings apply only when a catch rule handles the "
         "error; this task has no catch", ""),
        ("warning", "error-local", 33, 17, "step 'f': errorMappings[0]: in errorMappings $local holds the error: read "
         "$local.error or $local.cause", ""),
        ("warning", "redundant-end", 36, 5, "step 's': a succeed step ends its list; 'end' is ignored", ""),
        ("warning", "unreachable", 38, 11, "step 'never' is never reached: the step before it ends the list (end: "
         "true, succeed, fail or a goto) and no goto names it", ""),
    ]


def test_legacy_fields_in_an_fdl_v1_flow_are_errors_naming_the_v1_spelling():
    v1 = "this file is FDL v1 (Type: StateMachine); the two formats do not mix"
    got = diags("""\
        Type: StateMachine
        SpecVersion: v1
        StartAt: A
        States:
          - Type: Pass
            Name: A
            goto: B
            End: true
          - Type: Choice
            Name: B
            Branches:
              - Condition: $Input.a
                Next: A
                goto: A
            Default: A
            inputMappings: []
        """)
    assert [g for g in got if g[1] == "legacy-field"] == [
        ("error", "legacy-field", 7, 5, "state 'A': 'goto' is a legacy Serverless Workflow field; FDL v1 writes Next", v1),
        ("error", "legacy-field", 14, 9, "state 'B': Branches[0]: 'goto' is a legacy Serverless Workflow field; FDL v1 "
         "writes Next", v1),
        ("error", "legacy-field", 16, 5, "state 'B': 'inputMappings' is a legacy Serverless Workflow field; FDL v1 "
         "writes InputConstructor", v1)]
    # the generic unknown-field warning is replaced, not doubled
    assert not [g for g in got if g[1] == "unknown-field"]


def test_a_ref_tag_on_resource_arn_is_read_as_a_function_name_without_the_tag_warning():
    d = parse_definition("version: v1\ntype: flow\nsteps:\n  - type: task\n    name: t\n"
                         "    resourceArn: !Ref MySvc/myFn\n    inputMappings:\n      - target: a\n"
                         "        source: !Sub x\n")
    assert [(x.code, x.line) for x in d.diagnostics] == [("yaml-tag", 9)]  # other tags still warn
    task = d.flow.steps.steps[0]
    assert (task.resource.kind, task.resource.function.service, task.resource.function.function) == \
        ("fc", "MySvc", "myFn")
    assert task.resource.function.mock_keys == ("!Ref MySvc/myFn", "MySvc/myFn", "myFn")


def test_goto_loops_back_and_choice_without_default_falls_through():
    assert diags("""\
        version: v1
        type: flow
        steps:
          - type: pass
            name: a
          - type: choice
            name: again
            choices:
              - condition: $.n < 3
                goto: a
          - type: succeed
            name: done
        """) == []


def test_a_step_after_a_choice_whose_every_option_jumps_is_unreachable():
    got = diags("""\
        version: v1
        type: flow
        steps:
          - type: choice
            name: c
            choices:
              - condition: $.ok
                goto: good
            default:
              goto: bad
          - type: pass
            name: orphan
          - type: pass
            name: good
            end: true
          - type: pass
            name: bad
        """)
    assert [(g[1], g[2]) for g in got] == [("unreachable", 12)]


def test_a_step_named_yes_gets_the_yaml_boolean_hint():
    assert diags("version: v1\ntype: flow\nsteps:\n  - type: pass\n    name: yes\n") == [
        ("error", "wrong-type", 5, 11, "'name' must be a string, got boolean true",
         'YAML reads yes/no/on/off/true/false as booleans: quote it, e.g. name: "Yes"')]


def _legacy_realflows() -> list[str]:
    out = []
    for p in sorted(glob.glob(os.path.join(REALFLOWS, "*.yaml"))):
        if load_definition(p).format == "legacy":
            out.append(p)
    return out


LEGACY_REALFLOWS = _legacy_realflows() if os.path.isdir(REALFLOWS) else []
#: The warnings the published legacy flows get (every other one has none).
REALFLOW_WARNINGS = {
    "rst-parallel-fragment.yaml": [("no-header", 2), ("local-is-array", 21), ("local-is-array", 23)],
    "second-level-timer.yaml": [("unknown-resource", 21)],
}


def test_there_are_35_published_legacy_flows():
    if not LEGACY_REALFLOWS:
        pytest.skip("shared/realflows not present")
    assert len(LEGACY_REALFLOWS) == 35


@pytest.mark.parametrize("path", LEGACY_REALFLOWS, ids=os.path.basename)
def test_every_published_legacy_flow_validates_with_no_error(path):
    d = load_definition(path)
    assert d.format == "legacy" and d.flow is not None and not d.errors
    assert [(x.code, x.line) for x in d.diagnostics] == REALFLOW_WARNINGS.get(os.path.basename(path), [])


def test_a_flow_level_timeout_is_accepted_but_said_not_simulated():
    assert diags("version: v1\ntype: flow\ntimeoutSeconds: 60\nsteps:\n  - type: pass\n    name: a\n") == [
        ("warning", "not-simulated", 3, 1, "flow: timeoutSeconds (in Alibaba's editor schema, not in the docs) is not "
         "simulated: flowdbg does not time the whole execution out", "")]


def test_strict_makes_legacy_slips_errors_but_not_what_flowdbg_does_not_simulate():
    text = "timeoutSeconds: 60\nsteps:\n  - type: pass\n    name: a\n"
    d = parse_definition(text, strict=True)
    assert [(x.severity, x.code) for x in d.diagnostics] == [("error", "no-header"), ("warning", "not-simulated")]
    assert d.flow is None and d.format == "legacy"
    d = parse_definition("version: v1\ntype: flow\n" + text, strict=True)
    assert [(x.severity, x.code) for x in d.diagnostics] == [("warning", "not-simulated")]
    assert d.flow is not None and d.format == "legacy"
