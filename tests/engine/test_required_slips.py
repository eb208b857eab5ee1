"""A required field present under a misspelt key is one diagnostic, on that
key, saying what it should be (docs/semantics.md, "Warnings"): the whole kind,
for every required field of a flow, of a test file and of a mock answer."""
from __future__ import annotations

import re

import pytest

from flowdbg.engine.definition import parse_definition
from flowdbg.engine.mocks import MockFileError, parse_mocks

from helpers import dedent

#: Valid flows, one per required field, with the field's key marked <<KEY>>.
FLOWS = {
    "StartAt": "Type: StateMachine\nSpecVersion: v1\n<<StartAt>>: P\nStates:\n  - Name: P\n    Type: Pass\n    End: true\n",
    "States": "Type: StateMachine\nSpecVersion: v1\nStartAt: P\n<<States>>:\n  - Name: P\n    Type: Pass\n    End: true\n",
    "Next": "Type: StateMachine\nSpecVersion: v1\nStartAt: P\nStates:\n  - Name: P\n    Type: Pass\n"
            "    <<Next>>: Q\n  - Name: Q\n    Type: Succeed\n",
    "Default": dedent("""
        Type: StateMachine
        SpecVersion: v1
        StartAt: C
        States:
          - Name: C
            Type: Choice
            Branches:
              - Condition: $Input.x == 1
                Next: P
            <<Default>>: P
          - Name: P
            Type: Pass
            End: true
    """),
    "Seconds": "Type: StateMachine\nSpecVersion: v1\nStartAt: W\nStates:\n  - Name: W\n    Type: Wait\n"
               "    <<Seconds>>: 3\n    End: true\n",
    "ItemsPath": dedent("""
        Type: StateMachine
        SpecVersion: v1
        StartAt: M
        States:
          - Name: M
            Type: Map
            <<ItemsPath>>: $Input.items
            Processor:
              StartAt: P
              States:
                - Name: P
                  Type: Pass
                  End: true
            End: true
    """),
    "IntervalSeconds": dedent("""
        Type: StateMachine
        SpecVersion: v1
        StartAt: T
        States:
          - Name: T
            Type: Task
            Action: FC:InvokeFunction
            Parameters:
              resourceArn: acs:fc:cn-hangzhou:1:functions/f
              invocationType: Sync
            Retry:
              - Errors: [FnF.ALL]
                MaxAttempts: 2
                <<IntervalSeconds>>: 1
            End: true
    """),
    "invocationType": dedent("""
        Type: StateMachine
        SpecVersion: v1
        StartAt: T
        States:
          - Name: T
            Type: Task
            Action: FC:InvokeFunction
            Parameters:
              resourceArn: acs:fc:cn-hangzhou:1:functions/f
              <<invocationType>>: Sync
            End: true
    """),
}


def slips(key: str) -> list[str]:
    """A letter dropped, two swapped, the case changed: slips people make."""
    out = {key[:-1], key[:1] + key[2:], key[0].swapcase() + key[1:]}
    if len(key) > 4:
        out.add(key[:2] + key[3] + key[2] + key[4:])
    return sorted(s for s in out if s != key)


def test_each_flow_is_valid_as_written():
    for key, text in FLOWS.items():
        d = parse_definition(text.replace(f"<<{key}>>", key))
        assert d.errors == [], (key, d.errors)


@pytest.mark.parametrize("key, slip", [(k, s) for k in FLOWS for s in slips(k)])
def test_a_misspelt_required_field_is_one_diagnostic_on_the_slip(key, slip):
    text = FLOWS[key].replace(f"<<{key}>>", slip)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if re.match(rf"\s*{re.escape(slip)}:", ln))
    got = parse_definition(text).diagnostics
    assert len(got) == 1, (slip, [d.format("f.yaml") for d in got])
    [d] = got
    assert (d.severity, d.line) == ("error", line)
    how = "keys are case-sensitive" if slip.lower() == key.lower() else f"it is spelt {key!r}"
    assert d.message.endswith(f"({slip!r} on line {line} is not it: {how})"), d.message
    assert d.hint == f"rename {slip!r} to {key!r}"


@pytest.mark.parametrize("section, answer, key", [
    ("functions", "bdy: {ok: true}", "body"),
    ("functions", "eror: FC.X", "error"),
    ("states", "reslt: 1", "result"),
    ("callbacks", "succed: {}", "succeed"),
    ("callbacks", "fial: {error: E}", "fail"),
])
def test_a_mock_answer_with_its_needed_field_misspelt_is_one_error(section, answer, key):
    slip = answer.split(":")[0]
    with pytest.raises(MockFileError) as e:
        parse_mocks(f"{section}:\n  X:\n    - {answer}\n", "m.yaml")
    [d] = e.value.diagnostics
    assert (d.line, d.col, d.hint) == (3, 7, f"rename {slip!r} to {key!r}")
    assert d.message.endswith(f"({slip!r} on line 3 is not it: it is spelt {key!r})")


@pytest.mark.parametrize("text, message, hint", [
    ("functions:\n  f:\n    - body: 1\n      dealy: 2\n",
     "functions.f: unknown field 'dealy'; allowed: body, delay, detail, error, log, times, when",
     "did you mean 'delay'?"),
    ("functions:\n  f:\n    - body: 1\n      when: {bodyy: {a: 1}}\n",
     "functions.f: 'when' cannot match 'bodyy'; it may name body, scope, attempt, state, invocationType",
     "did you mean 'body'?"),
    ("stats:\n  A:\n    - result: 1\n",
     "unknown section 'stats'; a mock file has functions, states, callbacks, local, live, flows",
     "did you mean 'states'?"),
])
def test_mock_file_slips_get_a_did_you_mean(text, message, hint):
    with pytest.raises(MockFileError) as e:
        parse_mocks(text, "m.yaml")
    [d] = e.value.diagnostics
    assert (d.message, d.hint) == (message, hint)


def test_a_test_files_misspelt_name_and_cases_are_one_error_each(tmp_path):
    from flowdbg.engine.testing.testfile import load_test_file
    (tmp_path / "f.yaml").write_text(FLOWS["StartAt"].replace("<<StartAt>>", "StartAt"))
    (tmp_path / "f.tests.yaml").write_text("cases:\n  - nam: first\n    input: {x: 1}\n")
    assert load_test_file(str(tmp_path / "f.tests.yaml")).errors == [
        f"{tmp_path / 'f.tests.yaml'}:2:5: error: cases[0] has no 'name' ('nam' on line 2 is not it: it is spelt "
        "'name') (hint: rename 'nam' to 'name')"]
    (tmp_path / "f.tests.yaml").write_text("case:\n  - name: first\n")
    assert load_test_file(str(tmp_path / "f.tests.yaml")).errors == [
        f"{tmp_path / 'f.tests.yaml'}:1:1: error: the test file has no 'cases:' list ('case' on line 1 is not it: "
        "it is spelt 'cases') (hint: rename 'case' to 'cases')"]


def test_mock_errors_and_warnings_come_together(cli, tmp_path):
    (tmp_path / "f.yaml").write_text(FLOWS["invocationType"].replace("<<invocationType>>", "invocationType"))
    (tmp_path / "f.mocks.yaml").write_text("functions:\n  f:\n    - bdy: 1\n  g:\n    - body: 1\n")
    code, out, _ = cli("validate", str(tmp_path / "f.yaml"))
    m = tmp_path / "f.mocks.yaml"
    both = [f"{m}:3:7: error: functions.f: an answer needs 'body' or 'error' ('bdy' on line 3 is not it: it is spelt "
            "'body') (hint: rename 'bdy' to 'body')",
            f"{m}:4:3: warning: functions: 'g' is not a function the flow calls, so its answers are never used "
            "(hint: a key is a function name, service/function, or the full resourceArn)"]
    assert code == 2 and out.splitlines()[1:4] == both + [f"{m} (mock file): 1 error(s), 1 warning(s)"]
    code, out, err = cli("run", str(tmp_path / "f.yaml"))
    assert (code, out, err.splitlines()) == (2, "", both)  # one round: not the warning only once the error is fixed
