"""Mock answers matched to requests (issue 15): ``when:`` subsets, scoped
state keys, the first unused matching entry; which entry answered each
call; a scripted callback after the task's Timeout is refused with an
event."""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.engine import ENGINE_FIXTURES, dedent, read, read_json, run_flow, session
from flowdbg.engine.mocks import Entry, MockFileError, choose, parse_mocks, scope_matches, subset

MAP_RETRY = read(os.path.join(ENGINE_FIXTURES, "map-retry.yaml"))
ITEMS = read_json(os.path.join(ENGINE_FIXTURES, "map-retry.input.json"))
WHEN_MOCKS = read(os.path.join(ENGINE_FIXTURES, "map-retry.mocks.yaml"))


def outputs(summary):
    return [x["out"] for x in summary["output"]["Items"]]


def test_without_when_answers_go_in_scheduling_order():
    # Iteration [1] is throttled and waits 1 s; meanwhile iteration [2] calls: it takes the next entry.
    s = run_flow(MAP_RETRY, ITEMS, """
        functions:
          transcode:
            - body: {out: a}
            - error: FC.ResourceThrottled
            - body: {out: b}
            - body: {out: c}
        """)
    assert outputs(s) == ["a", "c", "b"]


def test_the_reported_map_retry_swap_is_fixed_by_matching_the_request():
    s = run_flow(MAP_RETRY, ITEMS, WHEN_MOCKS)
    assert outputs(s) == ["a", "b", "c"]
    assert [(c["scope"], c["attempt"], c["entry"]) for c in s["calls"]] == [
        ("M[0]", 0, "<mocks>:10"), ("M[1]", 0, "<mocks>:4"), ("M[2]", 0, "<mocks>:8"), ("M[1]", 1, "<mocks>:6")]


def test_the_first_unused_matching_entry_answers_and_the_last_matching_one_repeats():
    flow = MAP_RETRY.replace("MaxConcurrency: 3", "MaxConcurrency: 1")
    s = run_flow(flow, {"items": [{"file": "x"}] * 4}, """
        functions:
          transcode:
            - when: {body: {file: x}}
              body: {out: first}
              times: 2
            - when: {body: {file: x}}
              body: {out: again}
            - when: {body: {file: y}}
              body: {out: never}
        """)
    assert outputs(s) == ["first", "first", "again", "again"]


def test_no_matching_entry_stops_the_run_saying_so():
    s = session(MAP_RETRY, {"items": [{"file": "z"}]}, """
        functions:
          transcode:
            - when: {body: {file: a.mp4}}
              body: {out: a}
        """)
    stop = s.run_to_end()
    assert stop.reason == "error"
    assert stop.message == ("functions.transcode in the mock file <mocks>: no entry's 'when' matches this request "
                            '{"state": "T", "scope": "M[0]", "attempt": 0, "invocationType": "Sync", '
                            '"body": {"file": "z"}}; add an entry without \'when\' to answer any other request')


REUSED = """
Type: StateMachine
Name: t
SpecVersion: v1
StartAt: M
States:
  - Name: M
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: Notify
      States:
        - Name: Notify
          Type: Task
          Action: MNS:SendMessage
          Parameters:
            message.$: $Input
          End: true
    Next: Notify
  - Name: Notify
    Type: Task
    Action: MNS:SendMessage
    Parameters:
      message: done
    End: true
"""


def test_a_bare_key_is_shared_by_both_states_named_notify():
    s = run_flow(REUSED, {"items": [1, 2]}, """
        states:
          Notify:
            - result: {id: inner-1}
            - result: {id: inner-2}
            - result: {id: top}
        """)
    assert s["output"] == {"id": "top"}


def test_a_scoped_key_keeps_the_top_level_answers_for_the_top_level_state():
    s = run_flow(REUSED, {"items": [1, 2]}, """
        states:
          Notify:
            - result: {id: top}
          M/Notify:
            - result: {id: inner}
        """)
    assert s["output"] == {"id": "top"}
    assert [(c["state"], c["scope"], c["key"]) for c in s["calls"]] == [
        ("Notify", "M[0]", "M/Notify"), ("Notify", "M[1]", "M/Notify"), ("Notify", "", "Notify")]


def test_a_key_anchored_at_the_top_level():
    s = run_flow(REUSED, {"items": [1]}, """
        states:
          /Notify:
            - result: {id: top}
          Notify:
            - result: {id: any}
        """)
    assert s["output"] == {"id": "top"}
    assert [c["key"] for c in s["calls"]] == ["Notify", "/Notify"]


def test_when_matches_a_state_mock_on_its_parameters():
    s = run_flow(REUSED, {"items": [1, 2]}, """
        states:
          Notify:
            - when: {parameters: {message: 2}}
              result: {id: two}
            - when: {parameters: {message: done}}
              result: {id: top}
            - result: {id: other}
        """)
    assert s["output"] == {"id": "top"}
    assert [c["entry"] for c in s["calls"]] == ["<mocks>:7", "<mocks>:3", "<mocks>:5"]


@pytest.mark.parametrize("pattern,scope,hit", [
    ("M[1]", "M[1]", True), ("M[1]", "M[10]", False), ("M", "M[3]", True), ("M[1]", "P.Branch0/M[1]", True),
    ("/M[1]", "P.Branch0/M[1]", False), ("P/M", "P.Branch1/M[0]", True), ("P.Branch0", "P.Branch1", False),
    ("/", "", True), ("", "", True), ("M", "", False), ("M[1]", "M[1]/N[0]", False),
])
def test_scope_patterns(pattern, scope, hit):
    assert scope_matches(pattern, scope) is hit


def test_subset_is_json_equality_on_the_keys_named():
    assert subset({"a": 1}, {"a": 1.0, "b": 2})
    assert not subset({"a": True}, {"a": 1})
    assert not subset({"a": [1]}, {"a": [1, 2]})
    assert subset({"a": {"b": "x"}}, {"a": {"b": "x", "c": 0}})


def _old_pick(times: list[int], n: int) -> int:
    """The pre-`when` rule: entries answer in order, the last one repeats."""
    for i, t in enumerate(times):
        if n < t:
            return i
        n -= t
    return len(times) - 1


@settings(max_examples=200, deadline=None)
@given(times=st.lists(st.integers(1, 4), min_size=1, max_size=6), calls=st.integers(1, 30))
def test_entries_without_when_keep_the_old_order(times, calls):
    entries = [Entry({"body": i}, t) for i, t in enumerate(times)]
    used = [0] * len(entries)
    assert [choose(entries, {}, used) for _ in range(calls)] == [_old_pick(times, n) for n in range(calls)]


@pytest.mark.parametrize("text,message", [
    ("functions:\n  f:\n    - when: [1]\n      body: {}\n",
     "3:13: error: functions.f: 'when' must be a mapping of request fields to match, e.g. when: {scope: \"M[1]\"}; "
     "it may name body, scope, attempt, state, invocationType"),
    ("functions:\n  f:\n    - when: {bdy: {}}\n      body: {}\n",
     "3:14: error: functions.f: 'when' cannot match 'bdy'; it may name body, scope, attempt, state, invocationType "
     "(hint: did you mean 'body'?)"),
    ("states:\n  S:\n    - when: {body: {}}\n      result: {}\n",
     "3:14: error: states.S: 'when' cannot match 'body'; it may name parameters, scope, attempt"),
    ("functions:\n  f:\n    - when: {scope: [1]}\n      body: {}\n",
     "3:21: error: functions.f: when.scope must be a scope path such as \"M[1]\" or \"P.Branch0\" (quote it: YAML "
     "reads [1] as a list)"),
    ("functions:\n  f:\n    - when: {attempt: one}\n      body: {}\n",
     "3:23: error: functions.f: when.attempt must be an integer (0 = the first call, 1 = the first retry)"),
])
def test_bad_when_is_a_mock_file_error(text, message):
    with pytest.raises(MockFileError) as e:
        parse_mocks(text, "m.yaml")
    assert [d.format("m.yaml") for d in e.value.diagnostics] == ["m.yaml:" + message]


# -- did-you-mean, which entry answered, late callbacks ------------------------------------------------------------------

STOCK = """
Type: StateMachine
Name: t
SpecVersion: v1
StartAt: Check
States:
  - Name: Check
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123:functions/checkStock/LATEST
      invocationType: Sync
    End: true
"""


def test_a_missing_mock_with_a_near_miss_key_gets_a_did_you_mean():
    s = session(STOCK, {}, "functions:\n  checkstock:\n    - body: {}\n")
    stop = s.run_to_end()
    assert stop.message.splitlines()[0] == (
        "state 'Check' calls function 'checkStock' (acs:fc:cn-hangzhou:123:functions/checkStock/LATEST) and no mock "
        "answers it (the mock file has 'checkstock': did you mean 'checkStock'? keys are case-sensitive): add it to "
        "the mock file <mocks> under 'functions:' as 'checkStock', e.g.")


def test_a_missing_state_mock_with_a_near_miss_key():
    s = session(REUSED, {"items": []}, "states:\n  Notfy:\n    - result: {}\n")
    assert s.run_to_end().message.splitlines()[0] == (
        "state 'Notify' calls MNS:SendMessage and no mock answers it (the mock file has 'Notfy': did you mean "
        "'Notify'?): add it to the mock file <mocks>, e.g.")


def test_each_call_says_which_mock_entry_answered():
    s = run_flow(STOCK, {}, "functions:\n  checkStock:\n    - body: {n: 1}\n")
    assert s["calls"] == [{"kind": "function", "state": "Check", "scope": "", "attempt": 0, "source": "mock",
                           "entry": "<mocks>:3", "key": "checkStock", "log": ""}]


CALLBACK = """
Type: StateMachine
Name: t
SpecVersion: v1
StartAt: Approve
States:
  - Name: Approve
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: WaitForCustomCallback
    Timeout: 10
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123:functions/approve/LATEST
      invocationType: Async
      body:
        token.$: $Context.Current.TaskToken
    End: true
"""


def test_a_scripted_callback_after_the_timeout_is_refused_with_an_event():
    s = run_flow(CALLBACK, {}, """
        functions:
          approve:
            - body: ""
        callbacks:
          Approve:
            - succeed: {ok: true}
              after: 30
        """)
    assert s["error"]["code"] == "FnF.TaskTimeout" and s["time"] == 10
    refused = [e for e in s["events"] if e["type"] == "CallbackRefused"]
    token = s["events"][2]["detail"]["token"]
    assert refused == [{"id": 5, "type": "CallbackRefused", "time": 10.0, "state": "Approve", "scope": "",
                        "detail": {"token": token, "scripted": True, "due": 30.0, "entry": "<mocks>:6",
                                   "reason": "the scripted callback is due at 30 s, after the task's Timeout at 10 s"},
                        "schedule_id": 0}]
    assert s["events"][5]["type"] == "TaskTimedOut"


def test_a_scripted_callback_in_time_is_not_refused():
    s = run_flow(CALLBACK, {}, "functions:\n  approve:\n    - body: ''\ncallbacks:\n  Approve:\n"
                               "    - succeed: {ok: true}\n      after: 5\n")
    assert s["output"] == {"ok": True} and not [e for e in s["events"] if e["type"] == "CallbackRefused"]


def test_scoped_callback_keys_and_when_scope():
    flow = dedent("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: M
        States:
          - Name: M
            Type: Map
            ItemsPath: $Input.items
            Processor:
              StartAt: Approve
              States:
                - Name: Approve
                  Type: Task
                  Action: FC:InvokeFunction
                  TaskMode: WaitForCustomCallback
                  Parameters:
                    resourceArn: acs:fc:cn-hangzhou:123:functions/approve/LATEST
                    invocationType: Async
                    body:
                      token.$: $Context.Current.TaskToken
                  End: true
            End: true
        """)
    s = run_flow(flow, {"items": [1, 2]}, """
        functions:
          approve:
            - body: ""
        callbacks:
          M/Approve:
            - when: {scope: "M[1]"}
              succeed: {who: second}
            - succeed: {who: first}
        """)
    assert s["output"] == {"Items": [{"who": "first"}, {"who": "second"}]}
