"""Loading NAME.tests.yaml: what a valid file gives, and each mistake as
``file:line:col: error: message`` with a did-you-mean; the loader is fuzzed
so that no input gives a traceback."""
from __future__ import annotations

import os
import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine.testing.expect import ErrorExpectation
from flowdbg.engine.testing.run import Limits, merge_mocks
from flowdbg.engine.testing.suite import run_case
from flowdbg.engine.testing.testfile import load_test_file

from helpers.flowtests import claim, write


def errors(paths) -> list[str]:
    """The errors of claim.tests.yaml with the folder cut off."""
    tf = load_test_file(paths["claim.tests.yaml"])
    folder = os.path.dirname(paths["claim.tests.yaml"]) + os.sep
    return [e.replace(folder, "") for e in tf.errors]


def test_a_valid_file_gives_its_cases(tmp_path):
    paths = claim(tmp_path, """
        cases:
          - name: small claim is paid
            input: {claimId: C-1, amount: 500}
            expect:
              status: Succeeded
              output: {paid: true}
              output_contains: {paid: true}
              visits: [Check the form, Pay]
              skips: [Wait for an adjuster]
          - name: refused
            input_file: big.json
            mocks:
              callbacks:
                Wait for an adjuster:
                  - fail: {error: Rejected, cause: too large}
            expect:
              error: {code: ClaimRefused, detail_contains: refused}
        """, **{"big.json": '{"claimId": "C-2", "amount": 5000}'})
    tf = load_test_file(paths["claim.tests.yaml"])
    assert tf.errors == [] and tf.valid
    assert os.path.samefile(tf.flow_path, paths["claim.yaml"])
    small, refused = tf.cases
    assert (small.name, small.line, small.input) == ("small claim is paid", 2, {"claimId": "C-1", "amount": 500})
    e = small.expect
    assert (e.status, e.output, e.output_contains, e.error) == ("Succeeded", {"paid": True}, {"paid": True}, None)
    assert e.visits == ("Check the form", "Pay") and e.skips == ("Wait for an adjuster",)
    assert refused.input == {"claimId": "C-2", "amount": 5000}
    assert refused.expect.error == ErrorExpectation(code="ClaimRefused", detail_contains="refused")
    assert refused.expect.expected_status == "Failed"
    # The default mocks are the flow's sibling file; the case's answers override its callback, key by key.
    merged = merge_mocks(*tf.mocks, *refused.mocks)
    assert merged.callbacks["Wait for an adjuster"][0].data == {"fail": {"error": "Rejected", "cause": "too large"}}
    assert merged.functions["ask-adjuster"][0].data == {"body": ""}
    assert tf.depends_on == {os.path.abspath(p) for p in paths.values()}


def test_unknown_keys_wrong_types_and_state_names(tmp_path):
    paths = claim(tmp_path, """
        mock: x.yaml
        cases:
          - name: one
            input: [1]
            expcet: {}
          - name: one
            expect:
              status: Succeed
              visits: [Check the form, Pya]
              skips: Pay
              error: Rejected
          - name: 3
            input: {a: 1}
            input_file: a.json
          - name: four
            expect:
              error: {code: X, detial: y}
        """)
    assert errors(paths) == [
        "claim.tests.yaml:1:1: error: test file: unknown key 'mock'; allowed: flow, mocks, cases "
        "(hint: did you mean 'mocks'?)",
        "claim.tests.yaml:4:12: error: case 'one': input must be a JSON object (a mapping), not an array",
        "claim.tests.yaml:5:5: error: cases[0]: unknown key 'expcet'; allowed: name, input, input_file, mocks, expect "
        "(hint: did you mean 'expect'?)",
        "claim.tests.yaml:6:11: error: cases[1]: a case named 'one' exists already (line 3)",
        "claim.tests.yaml:8:15: error: cases[1]: expect.status: 'Succeed' is not a status; one of Succeeded, Failed, "
        "Running (hint: did you mean 'Succeeded'?)",
        "claim.tests.yaml:9:32: error: cases[1]: expect.visits: the flow has no state 'Pya' (hint: did you mean 'Pay'?)",
        "claim.tests.yaml:10:14: error: cases[1]: expect.skips must be a list of state names, not string 'Pay'",
        "claim.tests.yaml:11:14: error: cases[1]: expect.error must be a mapping with code, detail or "
        "detail_contains, not string 'Rejected' (hint: error: {code: Rejected})",
        "claim.tests.yaml:12:11: error: cases[2]: name must be a string, not number 3",
        "claim.tests.yaml:14:5: error: cases[2]: give 'input' or 'input_file', not both",
        "claim.tests.yaml:17:24: error: case 'four': expect.error: unknown key 'detial'; allowed: code, detail, "
        "detail_contains (hint: did you mean 'detail'?)",
    ]
    assert load_test_file(paths["claim.tests.yaml"]).cases == []


def test_qualified_state_names_and_mock_keys(tmp_path):
    """A state is named bare or by its place (``Map/State``); mock keys are checked too."""
    paths = write(tmp_path, {
        "m.yaml": open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "testing", "shipping.yaml")).read(),
        "m.tests.yaml": """
            cases:
              - name: x
                mocks:
                  states:
                    Freigt: [{result: {}}]
                  callbacks:
                    Fan.Branch0/EachOrder/Express: [{succeed: {}}]
                expect:
                  visits: [Route, Fan.Branch0/EachOrder/Route, Fan/EachOrder/Route]
            """})
    tf = load_test_file(paths["m.tests.yaml"])
    folder = str(tmp_path) + os.sep
    assert [e.replace(folder, "") for e in tf.errors] == [
        "m.tests.yaml:5:9: error: case 'x': mocks.states: the flow has no state 'Freigt' "
        "(hint: did you mean 'Freight'?)",
        "m.tests.yaml:9:52: error: case 'x': expect.visits: the flow has no state 'Fan/EachOrder/Route' "
        "(hint: did you mean 'Fan.Branch0/EachOrder/Route'?)",
    ]


def test_mock_errors_point_into_the_test_file(tmp_path):
    paths = claim(tmp_path, """
        cases:
          - name: bad mocks
            mocks:
              functions:
                ask-adjuster:
                  - bdy: {}
              callbacks: {Wait for an adjuster: [{succeed: {}, afterr: 3}]}
        """)
    assert errors(paths) == [
        "claim.tests.yaml:6:13: error: functions.ask-adjuster: an answer needs 'body' or 'error' ('bdy' on line 6 is "
        "not it: it is spelt 'body') (hint: rename 'bdy' to 'body')",
        "claim.tests.yaml:7:56: error: callbacks.Wait for an adjuster: unknown field 'afterr'; allowed: after, fail, "
        "succeed, times, when (hint: did you mean 'after'?)",
    ]


def test_a_case_can_empty_a_default_answer(tmp_path):
    paths = claim(tmp_path, """
        cases:
          - name: nobody answers
            mocks:
              callbacks:
                Wait for an adjuster: []
          - name: nobody answers either
            mocks: {callbacks: {Wait for an adjuster: null}, functions: {ask-adjuster: [{body: x}]}}
        """)
    tf = load_test_file(paths["claim.tests.yaml"])
    assert tf.errors == []
    for case in tf.cases:
        assert "Wait for an adjuster" not in merge_mocks(*tf.mocks, *case.mocks).callbacks
    assert merge_mocks(*tf.mocks, *tf.cases[1].mocks).functions["ask-adjuster"][0].data == {"body": "x"}


def test_flow_mock_and_input_files_that_are_missing_or_bad(tmp_path):
    paths = write(tmp_path, {
        "lost.tests.yaml": "cases: [{name: a}]\n",
        "named.tests.yaml": "flow: nowhere.yaml\ncases: [{name: a}]\n",
        "claim.yaml": "Type: StateMachine\nSpecVersion: v1\nStartAt: A\nStates: []\n",
        "claim.tests.yaml": "cases: [{name: a}]\n",
        "ok.yaml": open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "testing", "shipping.yaml")).read(),
        "ok.tests.yaml": "mocks: none.yaml\ncases:\n  - name: a\n    input_file: in.json\n  - name: b\n"
                         "    input_file: list.json\n",
        "in.json": '{"a": 1,\n "b": }',
        "list.json": "[1]",
    })
    folder = str(tmp_path) + os.sep

    def errs(name):
        return [e.replace(folder, "") for e in load_test_file(paths[name]).errors]
    assert errs("lost.tests.yaml") == ["lost.tests.yaml:1:1: error: no flow to test: lost.yaml does not exist beside "
                                       "the test file (hint: name the flow with 'flow: PATH')"]
    assert errs("named.tests.yaml") == ["named.tests.yaml:1:7: error: flow file 'nowhere.yaml' does not exist"]
    flow_errors = errs("claim.tests.yaml")  # the flow's own diagnostics, with the flow's path
    assert flow_errors and all(e.startswith("claim.yaml:") for e in flow_errors)
    assert errs("ok.tests.yaml") == [
        "ok.tests.yaml:1:8: error: mock file 'none.yaml' does not exist",
        "in.json:2:7: error: the input is not valid JSON: Expecting value",
        "list.json:1:1: error: the input must be a JSON object",
    ]


def test_files_that_are_not_test_files(tmp_path):
    paths = write(tmp_path, {"a.tests.yaml": "", "b.tests.yaml": "- 1\n", "c.tests.yaml": "cases: [\n",
                             "d.tests.yaml": "flow: 3\n", "e.tests.yaml": "cases:\n\t- name: a\n"})
    folder = str(tmp_path) + os.sep
    got = {n: [e.replace(folder, "") for e in load_test_file(p).errors] for n, p in paths.items()}
    assert got["a.tests.yaml"] == ["a.tests.yaml:1:1: error: the definition is empty"]
    assert got["b.tests.yaml"] == ["b.tests.yaml:1:1: error: a test file is a mapping with flow, mocks and cases"]
    assert got["c.tests.yaml"][0].startswith("c.tests.yaml:2:1: error: not valid YAML")
    assert got["d.tests.yaml"] == ["d.tests.yaml:1:7: error: 'flow' must be a string, not number 3"]
    assert got["e.tests.yaml"][0].startswith("e.tests.yaml:2:1: error: a tab character in the indentation")


def test_contradictions_are_errors(tmp_path):
    paths = claim(tmp_path, """
        cases:
          - name: a
            expect: {status: Succeeded, error: {code: X}}
          - name: b
            expect: {status: Running, output: {}}
          - name: c
        """)
    assert errors(paths) == [
        "claim.tests.yaml:3:40: error: case 'a': expect: an execution that ends Succeeded has no error; drop "
        "'error' or expect status Failed",
        "claim.tests.yaml:5:13: error: case 'b': expect: an execution that ends Running has no output; drop "
        "'output' or expect status Succeeded",
    ]


# -- fuzz ----------------------------------------------------------------------------

_KEYS = ["flow", "mocks", "cases", "name", "input", "input_file", "expect", "status", "output", "output_contains",
         "error", "code", "detail", "detail_contains", "visits", "skips", "functions", "states", "callbacks",
         "Pay", "Check the form", "Wait for an adjuster", "body", "succeed", "fail", "after", "times", "x"]
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
                     st.sampled_from(_KEYS + ["Succeeded", "Failed", "Running", "claim.yaml", "a.json", ""]),
                     st.text(max_size=8))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)), max_leaves=25)


def _load_and_run(tmp_path, doc: dict, flow_style: bool) -> None:
    """Write ``doc`` as claim.tests.yaml: it loads (or says why not) and what loads runs, never raising."""
    paths = claim(tmp_path, "")
    text = yaml.safe_dump(doc, default_flow_style=flow_style, allow_unicode=True)
    with open(paths["claim.tests.yaml"], "w", encoding="utf-8") as f:
        f.write(text)
    tf = load_test_file(paths["claim.tests.yaml"])
    for e in tf.errors:
        assert e.startswith(str(tmp_path)) or e.startswith("claim"), e
        assert ": error: " in e
    assert tf.valid == (not tf.errors)
    for case in tf.cases:  # what loads also runs, and says what it found, never raises
        res = run_case(tf, case, Limits(max_steps=200))
        assert res.error is None or not res.error.startswith("internal error"), res.error
        assert all(isinstance(line, str) for m in res.mismatches for line in m.lines())


_inputs = st.dictionaries(st.sampled_from(["claimId", "amount", "x"]), st.one_of(
    st.integers(-10, 5000), st.text(max_size=5), st.none(), st.booleans()), max_size=3)
_expects = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["Succeeded", "Failed", "Running"]), "output": _values, "output_contains": _values,
    "error": st.fixed_dictionaries({}, optional={"code": st.sampled_from(["ClaimRefused", "X"]),
                                                 "detail_contains": st.text(max_size=4)}),
    "visits": st.lists(st.sampled_from(["Pay", "Check the form", "Refuse", "Wait for an adjuster"]), max_size=3),
    "skips": st.lists(st.sampled_from(["Pay", "Refuse"]), max_size=2)})
_mocks = st.fixed_dictionaries({}, optional={
    "callbacks": st.fixed_dictionaries({"Wait for an adjuster": st.one_of(
        st.just([]), st.lists(st.one_of(
            st.fixed_dictionaries({"succeed": st.dictionaries(st.text(max_size=3), _scalars, max_size=2)},
                                  optional={"after": st.integers(0, 5000), "times": st.integers(1, 3)}),
            st.fixed_dictionaries({"fail": st.fixed_dictionaries({"error": st.sampled_from(["Rejected", "X"])})})),
            min_size=1, max_size=3))})})
_case = st.fixed_dictionaries({"name": st.text(min_size=1, max_size=6)},
                              optional={"input": _inputs, "expect": _expects, "mocks": _mocks})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(_case, min_size=1, max_size=3, unique_by=lambda c: c["name"]), flow_style=st.booleans())
def test_fuzz_cases_that_load_run(tmp_path, cases, flow_style):
    _load_and_run(tmp_path, {"cases": cases}, flow_style)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(st.sampled_from(["flow", "mocks", "cases", "x"]), _values, max_size=4),
       flow_style=st.booleans())
def test_fuzz_structured_test_files_never_raise(tmp_path, doc, flow_style):
    _load_and_run(tmp_path, doc, flow_style)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=string.printable + "\u00e9\t", max_size=200))
def test_fuzz_any_text_never_raises(tmp_path, text):
    paths = claim(tmp_path, "")
    with open(paths["claim.tests.yaml"], "w", encoding="utf-8") as f:
        f.write("cases:\n  - name: a\n    mocks:\n" + text)
    tf = load_test_file(paths["claim.tests.yaml"])
    assert all(": error: " in e for e in tf.errors)
