"""A mock file checked against a legacy flow (engine/mock_check.py): functions matched by
function name (resourceArn or ``!Ref Service/Function``), task steps, callbacks for
``waitForCallback``, scopes (``par.Branch0``, ``each``, ``pick.Choice0``), and the child
flows its ``flows:`` section runs, whose answers come from the same file."""
from __future__ import annotations

import os

import pytest

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.mock_check import check_mocks
from flowdbg.engine.mocks import parse_mocks

from helpers import FIXTURES, REALFLOWS, SAMPLE_FLOWS, dedent, read
from helpers.engine import legacy

FLOW = legacy("""
    - type: task
      name: book
      resourceArn: !Ref trip/bookTrain
      retry:
        - errors: [FC.ResourceThrottled]
          maxAttempts: 2
    - type: task
      name: approve
      resourceArn: acs:fc:cn-hangzhou:123:services/trip/functions/approve
      pattern: waitForCallback
    - type: pass
      name: note
    - type: foreach
      name: each
      iterationMapping: {collection: $.items, item: it}
      steps:
        - type: task
          name: resize
          resourceArn: acs:fc:cn-hangzhou:123:services/img/functions/resize
""")


def found(mocks_yaml: str, flow: str = FLOW) -> list[tuple]:
    d = parse_definition(flow)
    assert d.flow is not None, d.diagnostics
    m = parse_mocks(dedent(mocks_yaml))
    return [(x.line, x.code, x.message, x.hint) for x in check_mocks(d.flow, m)]


def test_answers_for_the_functions_steps_and_callbacks_of_a_legacy_flow_are_clean():
    assert found("""
        functions:
          bookTrain: [{body: {id: 1}}]
          trip/approve: [{body: ""}]
          resize: [{body: {}, when: {scope: "each[1]"}}]
        states:
          book: [{result: {id: 2}}]
        callbacks:
          approve: [{succeed: {ok: true}}]
    """) == []


def test_slips_in_a_legacy_flows_mock_file_are_named_with_did_you_mean():
    assert found("""
        functions:
          bookTrian: [{body: {}}]
          approve: [{body: {id: 1}}]
        states:
          note: [{result: {}}]
          boook: [{result: {}}]
        callbacks:
          book: [{succeed: {}}]
    """) == [
        (2, "mock-unknown-function", "functions: 'bookTrian' is not a function the flow calls, so its answers are "
         "never used", "did you mean 'bookTrain'?"),
        (3, "mock-body-ignored", "functions.approve: 'body' is never used: state 'approve' is a WaitForCustomCallback "
         "task: its result is its callback's output",
         "write body: \"\" (FC accepted the call) and script the result under callbacks:"),
        (5, "mock-not-task", "states: 'note' is a pass state, which calls nothing: its answers are never used",
         "only Task states are mocked"),
        (6, "mock-unknown-state", "states: 'boook' names no state of the flow, so its answers are never used",
         "did you mean 'book'?"),
        (8, "mock-not-callback", "callbacks: 'book' is a RequestComplete task, which takes no callback: its answers "
         "are never used", "callbacks answer WaitForCustomCallback tasks; answer this one under functions: or states:"),
    ]


def test_an_error_name_one_slip_from_a_legacy_retrys_is_named():
    got = found("functions:\n  bookTrain: [{error: ResourceThrottled}]\n")
    assert [(c, h) for _, c, _, h in got] == [("mock-error-name", "did you mean 'FC.ResourceThrottled'?")]


def test_a_when_scope_names_a_foreach_by_its_step_name():
    got = found("functions:\n  resize: [{body: {}, when: {scope: 'Each[0]'}}]\n")
    assert [(c, h) for _, c, _, h in got] == [("mock-when-scope", "did you mean 'each'?")]


def test_the_child_flows_a_mock_file_runs_answer_from_it_too():
    path = os.path.join(SAMPLE_FLOWS, "legacy", "subflow-audit-main.yaml")
    d = load_definition(path)
    m = parse_mocks(read(path[:-5] + ".mocks.yaml"), path[:-5] + ".mocks.yaml")
    assert check_mocks(d.flow, m) == []  # `audit` is called by the child flow only


LEGACY_FIXTURES = os.path.join(FIXTURES, "legacy", "realflows")
NAMES = sorted(f[: -len(".mocks.yaml")] for f in os.listdir(LEGACY_FIXTURES) if f.endswith(".mocks.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_every_published_legacy_flows_mock_file_checks_clean(name):
    if not os.path.isdir(REALFLOWS):
        pytest.skip("shared/realflows not present")
    d = load_definition(os.path.join(REALFLOWS, name + ".yaml"))
    # As if the mock file sat beside the flow: its flows: entries name sibling realflows.
    m = parse_mocks(read(os.path.join(LEGACY_FIXTURES, name + ".mocks.yaml")),
                    os.path.join(REALFLOWS, name + ".mocks.yaml"))
    assert check_mocks(d.flow, m) == []
