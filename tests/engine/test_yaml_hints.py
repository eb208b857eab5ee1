"""A YAML slip is said as what it is, on its line, with that line shown:
indentation (a key or list item out of line), ': ' inside a value, a missing
space after a colon, a key without its colon; pyyaml's raw words
("mapping values are not allowed in this context") only when none fits."""
from __future__ import annotations

import pytest

from flowdbg.engine.load import load_text

H = "Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates:\n"


@pytest.mark.parametrize("text, expected", [
    (H + "  - Name: A\n    Type: Pass\n   End: true\n",
     (7, 4, "yaml-indent", "'End: true' on line 7 is indented 3 spaces, but 'Type: Pass' above it is at 4: YAML "
      "reads indentation as structure", "indent line 7 by 4 spaces, like line 6")),
    (H + "  - Name: A\n      Type: Pass\n    End: true\n",
     (6, 7, "yaml-indent", "'Type: Pass' on line 6 is indented 6 spaces, more than '- Name: A' above it (at 4), which "
      "has its value already: YAML reads indentation as structure", "indent line 6 by 4 spaces, like line 5")),
    ("Type: StateMachine\n  SpecVersion: v1\nStartAt: A\n",
     (2, 3, "yaml-indent", "'SpecVersion: v1' on line 2 is indented 2 spaces, more than 'Type: StateMachine' above it "
      "(at 0), which has its value already: YAML reads indentation as structure", "indent line 2 by 0 spaces, like "
      "line 1")),
    (H + "  - Name: A\n    Type: Pass\n    End: true\n - Name: B\n",
     (8, 2, "yaml-indent", "the item '- Name: B' on line 8 is indented 1 space, but the items before it are at 2 "
      "('- Name: A' on line 5): YAML reads indentation as structure", "indent line 8 by 2 spaces, like line 5")),
    (H + "  - Name: A\n    Type: Task\n    Retry: true\n      - Errors: [FnF.ALL]\n",
     (8, 7, "yaml-indent", "'- Errors: [FnF.ALL]' on line 8 is indented 6 spaces, more than 'Retry: true' above it "
      "(at 4), which has its value already: YAML reads indentation as structure",
      "put it under a key of its own, or remove 'Retry: true''s value to nest it there")),
    (H + "  - Name: C\n    Type: Choice\n    Condition: $Input.x: 1\n",
     (7, 5, "yaml-colon-in-value", "the value of 'Condition' holds ': ', which YAML reads as the start of another "
      "key: 'Condition: $Input.x: 1'", 'quote the value: Condition: "$Input.x: 1"')),
    ("Type: StateMachine\nSpecVersion:v1\nStartAt: A\n",
     (2, 1, "yaml-colon-space", "'SpecVersion:v1' is not a key: YAML needs a space after the colon",
      "write 'SpecVersion: v1'")),
    (H + "  - Name: A\n    Parameters:\n      resourceArn:acs:fc:cn-hangzhou:1:functions/f\n      body: 1\n",
     (7, 7, "yaml-colon-space", "'resourceArn:acs:fc:cn-hangzhou:1:functions/f' is not a key: YAML needs a space "
      "after the colon", "write 'resourceArn: acs:fc:cn-hangzhou:1:functions/f'")),
    ("Type: StateMachine\nStates\n  - Name: A\n",
     (2, 1, "yaml-no-colon", "'States' has no ':' after it, so it is neither a key nor part of one",
      "write 'States:'")),
])
def test_a_yaml_slip_is_said_as_what_it_is(text, expected):
    [d] = load_text(text).diagnostics
    assert (d.line, d.col, d.code, d.message, d.hint) == expected


def test_other_yaml_errors_keep_pyyamls_words():
    [d] = load_text("Type: StateMachine\nParameters: {a: 1\nStartAt: A\n").diagnostics
    assert (d.code, d.message) == ("yaml-syntax", "not valid YAML: did not find expected ',' or '}' (while parsing a "
                                                  "flow mapping)")


def test_the_same_hints_in_a_mock_file(cli, tmp_path):
    (tmp_path / "m.mocks.yaml").write_text("functions:\n  f:\n    - body: 1\n   g:\n")
    from flowdbg.engine.mocks import MockFileError, load_mocks
    with pytest.raises(MockFileError) as e:
        load_mocks(str(tmp_path / "m.mocks.yaml"))
    [d] = e.value.diagnostics
    assert (d.line, d.code) == (4, "yaml-indent") and d.message.startswith("'g:' on line 4 is indented 3 spaces")
