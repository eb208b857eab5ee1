"""What a first, uncached run skips or does once (issue 12: `flowdbg run` on a
file it has not seen) still gives the values and diagnostics it gave."""
from __future__ import annotations

import hashlib
import json

from flowdbg.engine.build import _DIGEST_JSON, _digest_encoder
from flowdbg.engine.definition import parse_definition
from flowdbg.engine.session import Session

from helpers import dedent
from helpers.engine import codes, definition, find

ALIASED = dedent("""
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: A
    States:
      - Name: A
        Type: Pass
        InputConstructor: &ic
          x: 1
          y:
            - 2
            - 3
        Next: B
      - Name: B
        Type: Pass
        InputConstructor: *ic
        End: true
    """)


def test_end_line_is_the_last_line_under_the_state_also_with_an_alias_above():
    flow = definition(ALIASED).flow
    a, b = flow.scope.states["A"], flow.scope.states["B"]
    assert (a.line, a.end_line) == (6, 13)
    assert (b.line, b.end_line) == (14, 17)  # the alias's copy is on lines 9-12; its key on 16


def test_digests_are_json_dumps_sorted_with_str_for_the_rest():
    value = {"b": [1, 2.5, None, True], "a": {"é": "订单", "z": "\u2028"}}
    assert _DIGEST_JSON.encode(value) == json.dumps(value, sort_keys=True, default=str)
    encode = _digest_encoder()  # the C encoder made once, called again and again: the same text every time
    odd = {"n": [float("nan"), float("inf"), -0.0, 10 ** 30, 1e-7], "q": '"\\\x00', "": {"b": 1, "a": [[], {}]}}
    for v in (value, odd, value, [value, odd], {}, []):
        assert encode(v) == json.dumps(v, sort_keys=True, default=str)
    flow = definition(ALIASED).flow
    b = {"Name": "B", "Type": "Pass", "InputConstructor": {"x": 1, "y": [2, 3]}, "End": True}
    want = hashlib.sha256(json.dumps(b, sort_keys=True, default=str).encode()).hexdigest()[:16]
    assert set(flow.digests) == {"@StartAt", "A", "B"} and flow.digests["B"] == want  # what journals hold


def test_a_session_without_a_journal_leaves_the_digests_uncomputed(tmp_path):
    d = definition(ALIASED)
    Session(d, {})
    assert callable(d.flow.digest_source)  # computed when first asked, which nothing did
    s = Session(d, {}, journal_path=str(tmp_path / "j.jsonl"))
    assert set(s.start["digests"]) == {"@StartAt", "A", "B"}


PLACEHOLDER_FLOW = """
Type: StateMachine
Name: t
SpecVersion: v1
StartAt: A
States:
  - Name: A
    Type: Pass
    InputConstructor:
      x: {value}
    End: true
"""


def test_placeholders_are_found_also_when_an_escape_writes_them():
    for value in ('"\\x24{BUCKET}"', '"\\u0024{BUCKET}"', "${BUCKET}", "'${BUCKET}'"):
        d = parse_definition(PLACEHOLDER_FLOW.format(value=value))
        assert [(w.line, w.code) for w in d.warnings] == [(10, "placeholder")], value
    assert "placeholder" not in codes(PLACEHOLDER_FLOW.format(value='"$ {BUCKET} \\\\ x"'))


def test_legacy_fields_in_a_v1_flow_are_found_at_every_depth():
    text = dedent("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: P
        States:
          - Name: P
            Type: Parallel
            Branches:
              - StartAt: A
                States:
                  - Name: A
                    Type: Pass
                    goto: B
                    End: true
            Retry:
              - Errors: [FnF.ALL]
                MaxAttempts: 2
                IntervalSeconds: 1
                inputMappings: []
            End: true
        """)
    found = find(parse_definition(text).diagnostics, "legacy-field")
    assert [(d.line, d.col) for d in found] == [(13, 13), (19, 9)]


def _v1_flows():
    import glob
    import os

    from helpers import REALFLOWS, SAMPLE_FLOWS
    from flowdbg.engine.definition import load_definition
    paths = sorted(glob.glob(os.path.join(SAMPLE_FLOWS, "**", "*.y*ml"), recursive=True)
                   + glob.glob(os.path.join(REALFLOWS, "*.yaml")))
    flows = [load_definition(p).flow for p in paths]
    return [f for f in flows if f is not None and getattr(f, "format", "v1") == "v1"]


def test_states_made_without_init_equal_those_made_by_it():
    """build.py makes states without the frozen dataclass's __init__ (and templates too):
    every field there, defaults included, equal to what __init__ makes, and still frozen."""
    import dataclasses

    import pytest
    flows = _v1_flows() + [definition(ALIASED).flow]
    seen = set()
    for flow in flows:
        for _, s in flow.all_states():
            again = dataclasses.replace(s)  # through __init__, from the fields' values
            assert again == s and vars(again) == vars(s), s.name
            for t in (s.input, s.output, getattr(s, "parameters", None), getattr(s, "item_constructor", None)):
                if t is not None:
                    assert vars(dataclasses.replace(t)) == vars(t)
            seen.add(type(s).__name__)
            with pytest.raises(dataclasses.FrozenInstanceError):
                s.name = "x"
    assert seen == {"PassState", "TaskState", "ChoiceState", "ParallelState", "MapState", "WaitState",
                    "SucceedState", "FailState"}
