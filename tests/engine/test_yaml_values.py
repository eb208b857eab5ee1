"""How YAML scalars become values: YAML 1.1 values that YAML 1.2 reads
otherwise are warned about (issue 15), with line:col; mapping keys are the
text written; bad explicit tags and numbers JSON lacks are errors (issue 11)."""
from __future__ import annotations

import pytest

from flowdbg.engine.load import load_text, to_python
from flowdbg.engine.mocks import parse_mocks


def load(text: str):
    r = load_text(text)
    return (to_python(r.root) if r.root is not None else None), [
        (d.severity, d.code, d.line, d.col, d.message, d.hint) for d in r.diagnostics]


@pytest.mark.parametrize("text,value,message,hint", [
    ("yes", True, "'yes' is read as the boolean true (a YAML 1.1 rule); YAML 1.2 parsers read the string \"yes\"",
     'write true, or "yes" (quoted) for the string'),
    ("Off", False, "'Off' is read as the boolean false (a YAML 1.1 rule); YAML 1.2 parsers read the string \"Off\"",
     'write false, or "Off" (quoted) for the string'),
    ("on", True, "'on' is read as the boolean true (a YAML 1.1 rule); YAML 1.2 parsers read the string \"on\"",
     'write true, or "on" (quoted) for the string'),
    ("n", "n", "'n' is read as the string \"n\", but the YAML 1.1 spec reads the boolean false",
     'write "n" (quoted) for the string, or false'),
    ("012", 10, "'012' is read as the number 10 (YAML 1.1 reads a leading 0 as octal); YAML 1.2 parsers read "
                "the number 12", 'write 10, or "012" (quoted) for the string'),
    ("0o17", "0o17", "'0o17' is read as the string \"0o17\" (YAML 1.1); YAML 1.2 parsers read the octal number 15",
     'write 15, or "0o17" (quoted) for the string'),
    ("1_000", 1000, "'1_000' is read as the number 1000 (YAML 1.1 ignores '_' in numbers); YAML 1.2 parsers "
                    "read the string \"1_000\"", 'write 1000, or "1_000" (quoted) for the string'),
    ("1:20", 80, "'1:20' is read as the number 80 (YAML 1.1 reads base-60 numbers); YAML 1.2 parsers read the "
                 "string \"1:20\"", 'write 80, or "1:20" (quoted) for the string'),
    ("0b101", 5, "'0b101' is read as the number 5 (YAML 1.1 reads 0b as binary); YAML 1.2 parsers read the "
                 "string \"0b101\"", 'write 5, or "0b101" (quoted) for the string'),
    ("1e5", "1e5", "'1e5' is read as the string \"1e5\" (YAML 1.1 wants a '.' and a signed exponent in a "
                   "number); YAML 1.2 parsers read the number 100000.0",
     'write 100000.0, or "1e5" (quoted) for the string'),
])
def test_yaml11_values_are_warned_with_what_they_became(text, value, message, hint):
    v, diags = load(f"a: 1\nkey: {text}\n")
    assert v == {"a": 1, "key": value}
    assert diags == [("warning", "yaml11-value", 2, 6, message, hint)]


@pytest.mark.parametrize("text", ['"yes"', "'012'", "!!str yes", "!!str 012", "true", "12", "0x1F", "1.5",
                                  "1.0e+5", "-3", "2024-01-31", "hello", "null", "~"])
def test_values_both_versions_agree_on_get_no_warning(text):
    assert load(f"key: {text}\n")[1] == []


def test_keys_are_the_text_written():
    v, diags = load("on: 1\n012: 2\nyes: 3\nnull: 4\n1.0: 5\n")
    assert v == {"on": 1, "012": 2, "yes": 3, "null": 4, "1.0": 5} and diags == []


def test_implicit_timestamps_keep_their_text():
    assert load("a: 2001-12-14 21:59:43.10 -5\nb: 2024-01-31\n")[0] == {
        "a": "2001-12-14 21:59:43.10 -5", "b": "2024-01-31"}
    assert load("a: !!timestamp 2001-12-14 21:59:43.10 -5\n")[0] == {"a": "2001-12-14T21:59:43.100000-05:00"}


def test_yaml11_warnings_in_a_mock_file():
    mf = parse_mocks("functions:\n  f:\n    - body: {approved: yes}\n", "m.yaml")
    assert mf.functions["f"][0].data == {"body": {"approved": True}}
    assert [d.format("m.yaml") for d in mf.warnings] == [
        "m.yaml:3:24: warning: 'yes' is read as the boolean true (a YAML 1.1 rule); YAML 1.2 parsers read the "
        "string \"yes\" (hint: write true, or \"yes\" (quoted) for the string)"]


def test_yaml11_warning_in_a_flow_through_validate(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_text("Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: A\nStates:\n"
                                     "  - Name: A\n    Type: Pass\n    InputConstructor:\n      sw: off\n"
                                     "    End: true\n")
    code, out, _ = cli("validate", "f.yaml")
    assert code == 0 and out.splitlines()[0] == (
        "f.yaml:9:11: warning: 'off' is read as the boolean false (a YAML 1.1 rule); YAML 1.2 parsers read the "
        "string \"off\" (hint: write false, or \"off\" (quoted) for the string)")


def test_a_field_error_at_the_same_place_replaces_the_warning(tmp_path):
    from flowdbg.engine.definition import parse_definition
    d = parse_definition("Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: F\nStates:\n"
                         "  - Name: F\n    Type: Fail\n    Code: off\n")
    assert [(x.code, x.line, x.col) for x in d.diagnostics] == [("wrong-type", 8, 11)]


def test_a_lone_surrogate_in_text_not_read_from_utf8_is_a_diagnostic():
    assert load("a: x\ud800\n") == (None, [("error", "encoding", 1, 5, "a lone surrogate \\ud800 is not a character",
                                            "")])


def test_recursive_alias_is_too_large_not_a_hang():
    v, diags = load("a: &x [*x]\n")
    assert v is None and diags[0][1] == "too-large"
