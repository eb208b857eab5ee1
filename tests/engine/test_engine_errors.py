"""Retry and Catch (decisions 3 and 4; pitfalls 20-22): call counts, waits
on the virtual clock, rule matching and budgets, Catch output shaping."""
from __future__ import annotations

import pytest

from helpers.engine import events_of, execute, records_of, run_flow

H = "Type: StateMachine\nName: t\nSpecVersion: v1\n"


def task_flow(retry: str = "", catch: str = "", extra: str = "", body: str = "{}") -> str:
    """Task T calling function f, then Next: Done; Handler is the catch target."""
    return H + f"""StartAt: T
States:
  - Type: Task
    Name: T
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123:functions/f/LATEST
      invocationType: Sync
      body: {body}
{extra}{retry}{catch}    Next: Done
  - Type: Pass
    Name: Done
    End: true
  - Type: Pass
    Name: Handler
    End: true
"""


def retry(*rules: str) -> str:
    return "    Retry:\n" + "".join(rules)


def rule(errors: str, max_attempts: int, interval: int = 1, rate: float | None = None,
         max_backoff: int | None = None) -> str:
    r = f"      - Errors: [{errors}]\n        MaxAttempts: {max_attempts}\n        IntervalSeconds: {interval}\n"
    if rate is not None:
        r += f"        BackoffRate: {rate}\n"
    if max_backoff is not None:
        r += f"        MaxBackoffSeconds: {max_backoff}\n"
    return r


def catch(errors: str, oc: str = "") -> str:
    c = f"    Catch:\n      - Errors: [{errors}]\n        Next: Handler\n"
    if oc:
        c += "        OutputConstructor:\n" + oc
    return c


def fails(error: str = "FC.ResourceThrottled", times: int | None = None, then_body: str | None = None,
          detail: str = "boom") -> str:
    m = f"functions:\n  f:\n    - error: {error}\n      detail: {detail}\n"
    if times is not None:
        m += f"      times: {times}\n"
    if then_body is not None:
        m += f"    - body: {then_body}\n"
    return m


def calls(ex) -> int:
    return sum(len(r.attempts) for r in records_of(ex, "T"))


# -- MaxAttempts counts retries, not calls -------------------------------------------------------------------

@pytest.mark.parametrize("max_attempts,expected_calls", [(0, 1), (1, 2), (3, 4)])
def test_max_attempts_is_the_number_of_retries(max_attempts, expected_calls):
    ex = execute(task_flow(retry(rule("FC.ResourceThrottled", max_attempts))), {}, fails())
    assert ex.status == "Failed"
    assert ex.error.code == "FC.ResourceThrottled"
    assert calls(ex) == expected_calls
    assert len(events_of(ex, "TaskScheduled", "T")) == expected_calls
    assert len(events_of(ex, "StepRetrying", "T")) == max_attempts
    assert ex.clock == float(max_attempts)  # IntervalSeconds 1, constant


def test_retry_succeeds_on_a_later_attempt():
    ex = execute(task_flow(retry(rule("FC.ResourceThrottled", 3))), {}, fails(times=2, then_body="{ok: true}"))
    assert ex.status == "Succeeded"
    assert ex.output == {"Body": {"ok": True}}
    assert calls(ex) == 3
    assert ex.clock == 2.0
    assert [r.state for r in ex.records] == ["T", "Done"]


# -- waits: min(Interval * Rate^(n-1), MaxBackoff) ---------------------------------------------------------------

@pytest.mark.parametrize("interval,rate,cap,waits", [
    (2, None, None, [2.0, 2.0, 2.0, 2.0]),        # BackoffRate defaults to 1: constant
    (2, 2, None, [2.0, 4.0, 8.0, 16.0]),
    (2, 3, 10, [2.0, 6.0, 10.0, 10.0]),
    (1, 1.5, None, [1.0, 1.5, 2.25, 3.375]),
    (0, 2, None, [0.0, 0.0, 0.0, 0.0]),
])
def test_backoff_waits_on_the_virtual_clock(interval, rate, cap, waits):
    ex = execute(task_flow(retry(rule("FC.ResourceThrottled", 4, interval, rate, cap))), {}, fails())
    assert ex.status == "Failed"
    retrying = events_of(ex, "StepRetrying", "T")
    assert [e["detail"]["wait"] for e in retrying] == waits
    assert [e["detail"]["attempt"] for e in retrying] == [1, 2, 3, 4]
    # each new call is scheduled exactly after its wait
    sched = [e["time"] for e in events_of(ex, "TaskScheduled", "T")]
    expect, t = [0.0], 0.0
    for w in waits:
        t += w
        expect.append(t)
    assert sched == expect
    assert ex.clock == sum(waits)


def test_retry_count_is_visible_in_parameters():
    ex = execute(task_flow(retry(rule("FC.ResourceThrottled", 3)), body="{rc.$: $Context.Current.RetryCount}"),
                 {}, fails(times=3, then_body="{}"))
    assert ex.status == "Succeeded"
    assert [a["request"]["body"] for a in records_of(ex, "T")[0].attempts] == [{"rc": 0}, {"rc": 1}, {"rc": 2}, {"rc": 3}]


# -- matching -------------------------------------------------------------------------------------------------------

def test_only_the_first_matching_rule_is_used_even_when_exhausted():
    flow = task_flow(retry(rule("ErrA", 1), rule("FnF.ALL", 5)))
    ex = execute(flow, {}, fails("ErrA"))
    assert ex.status == "Failed"
    assert calls(ex) == 2
    assert [e["detail"]["rule"] for e in events_of(ex, "StepRetrying")] == [0]


def test_per_rule_budgets_pitfall_22_err_a_three_times_then_err_b():
    mocks = """functions:
  f:
    - error: ErrA
      times: 3
    - error: ErrB
"""
    flow = task_flow(retry(rule("ErrA", 1), rule("ErrB", 1)))
    ex = execute(flow, {}, mocks)
    # call 1 ErrA -> ErrA rule retry 1/1; call 2 ErrA -> ErrA rule exhausted -> fails with ErrA
    assert ex.status == "Failed"
    assert ex.error.code == "ErrA"
    assert calls(ex) == 2
    # with a Catch, the ErrA failure is caught after the retries
    ex = execute(task_flow(retry(rule("ErrA", 1), rule("ErrB", 1)), catch("ErrA")), {}, mocks)
    assert ex.status == "Succeeded" and calls(ex) == 2
    assert [r.state for r in ex.records] == ["T", "Handler"]


def test_per_rule_budgets_interleaved_errors():
    mocks = """functions:
  f:
    - error: ErrA
    - error: ErrB
    - error: ErrA
"""
    ex = execute(task_flow(retry(rule("ErrA", 1), rule("ErrB", 1))), {}, mocks)
    # A (retry A 1/1), B (retry B 1/1), A (A exhausted): three calls; a shared budget would stop after two
    assert ex.status == "Failed"
    assert ex.error.code == "ErrA"
    assert calls(ex) == 3
    assert [e["detail"]["rule"] for e in events_of(ex, "StepRetrying")] == [0, 1]


def test_fnf_all_matches_every_error():
    ex = execute(task_flow(retry(rule("FnF.ALL", 2))), {}, fails("Some.Custom-Error"))
    assert calls(ex) == 3 and ex.error.code == "Some.Custom-Error"


def test_states_all_is_read_as_fnf_all():
    ex = execute(task_flow(retry(rule("States.ALL", 2))), {}, fails("Whatever"))
    assert calls(ex) == 3
    ex = execute(task_flow(catch("States.ALL")), {}, fails("Whatever"))
    assert ex.status == "Succeeded" and [r.state for r in ex.records] == ["T", "Handler"]


@pytest.mark.parametrize("errors", ["fc.resourcethrottled", "FC.RESOURCETHROTTLED", "ResourceThrottled"])
def test_error_names_are_case_sensitive_and_exact(errors):
    ex = execute(task_flow(retry(rule(errors, 3)), catch(errors)), {}, fails("FC.ResourceThrottled"))
    assert ex.status == "Failed"
    assert calls(ex) == 1
    assert "Handler" not in [r.state for r in ex.records]


def test_lowercase_fnf_all_is_not_the_catch_all():
    ex = execute(task_flow(retry(rule("fnf.ALL", 3))), {}, fails("X"))
    assert calls(ex) == 1


def test_retry_runs_before_catch():
    ex = execute(task_flow(retry(rule("E", 2)), catch("E")), {}, fails("E"))
    assert ex.status == "Succeeded"
    assert calls(ex) == 3
    types = [e.type for e in ex.events if e.state == "T"]
    assert types == ["StepEntered", "TaskScheduled", "TaskFailed", "StepRetrying", "TaskScheduled", "TaskFailed",
                     "StepRetrying", "TaskScheduled", "TaskFailed", "StepExited"]
    assert ex.records[0].catch == {"rule": 0, "next": "Handler", "error": {"Code": "E", "Detail": "boom"}}
    assert ex.records[0].status == "caught"


def test_first_matching_catch_rule_wins():
    flow = task_flow(catch="    Catch:\n      - Errors: [Other]\n        Next: Done\n"
                     "      - Errors: [E]\n        Next: Handler\n      - Errors: [FnF.ALL]\n        Next: Done\n")
    ex = execute(flow, {}, fails("E"))
    assert [r.state for r in ex.records] == ["T", "Handler"]
    assert ex.records[0].catch["rule"] == 1


# -- Catch output ---------------------------------------------------------------------------------------------------

def test_catch_output_constructor_sees_error_code_detail_and_input():
    oc = ("          code.$: $Context.Current.Error.Code\n"
          "          detail.$: $Context.Current.Error.Detail\n"
          "          was.$: $Input.x\n")
    ex = execute(task_flow(catch("FC.AccessDenied", oc)), {"x": 1}, fails("FC.AccessDenied", detail="no permission"))
    assert ex.status == "Succeeded"
    assert ex.output == {"code": "FC.AccessDenied", "detail": "no permission", "was": 1}
    handler = records_of(ex, "Handler")[0]
    assert handler.raw_input == {"code": "FC.AccessDenied", "detail": "no permission", "was": 1}


def test_catch_without_output_constructor_passes_the_failed_states_input():
    ex = execute(task_flow(catch("E")), {"x": 1, "y": [2]}, fails("E"))
    assert ex.status == "Succeeded"
    assert ex.output == {"x": 1, "y": [2]}
    assert records_of(ex, "Handler")[0].raw_input == {"x": 1, "y": [2]}
    # the assumption is shown where it matters: a note in the step inspector
    assert any("decision 4" in n for n in records_of(ex, "T")[0].notes)


def test_catch_without_output_constructor_passes_the_constructed_input():
    """The failed state's $Input is its input after InputConstructor (§2 scope rule)."""
    extra = "    InputConstructor:\n      only.$: $Input.x\n"
    ex = execute(task_flow(catch("E"), extra=extra), {"x": 1, "y": 2}, fails("E"))
    assert ex.output == {"only": 1}


def test_caught_state_skips_its_own_output_constructor():
    extra = "    OutputConstructor:\n      v.$: $Output.Body.missing\n"
    ex = execute(task_flow(catch("E"), extra=extra), {"x": 1}, fails("E"))
    assert ex.status == "Succeeded"
    assert ex.output == {"x": 1}


def test_uncaught_error_fails_with_code_and_detail():
    s = run_flow(task_flow(catch("Other")), {}, fails("FC.InvalidArgument", detail="bad body"))
    assert s["status"] == "Failed"
    assert s["error"] == {"code": "FC.InvalidArgument", "detail": "bad body"}
    assert s["states"] == ["T"]


# -- every FC error the seed names ---------------------------------------------------------------------------------

FC_ERRORS = ["FC.ResourceThrottled", "FC.ResourceExhausted", "FC.InternalServerError", "FC.AccessDenied",
             "FC.InvalidArgument", "FC.EntityTooLarge"]


@pytest.mark.parametrize("code", FC_ERRORS)
def test_fc_error_retried_by_name(code):
    others = ", ".join(c for c in FC_ERRORS if c != code)
    flow = task_flow(retry(rule(others, 5), rule(code, 2, interval=3)))
    ex = execute(flow, {}, fails(code, times=2, then_body="{done: 1}"))
    assert ex.status == "Succeeded"
    assert calls(ex) == 3
    assert [e["detail"]["rule"] for e in events_of(ex, "StepRetrying")] == [1, 1]
    assert ex.clock == 6.0


@pytest.mark.parametrize("code", FC_ERRORS)
def test_fc_error_caught_by_name(code):
    oc = "          code.$: $Context.Current.Error.Code\n"
    ex = execute(task_flow(catch(code, oc)), {}, fails(code))
    assert ex.status == "Succeeded"
    assert ex.output == {"code": code}


# -- Retry/Catch on Parallel and Map ---------------------------------------------------------------------------------

PARALLEL_RETRY = H + """StartAt: P
States:
  - Type: Parallel
    Name: P
    Retry:
      - Errors: [Flaky]
        MaxAttempts: 2
        IntervalSeconds: 5
    Catch:
      - Errors: [FnF.ALL]
        Next: Handler
        OutputConstructor:
          code.$: $Context.Current.Error.Code
    Branches:
      - StartAt: Steady
        States:
          - Type: Task
            Name: Steady
            Action: HTTP:Request
            End: true
      - StartAt: Shaky
        States:
          - Type: Task
            Name: Shaky
            Action: HTTP:Request
            End: true
    Next: Done
  - Type: Pass
    Name: Done
    End: true
  - Type: Pass
    Name: Handler
    End: true
"""


def test_parallel_retry_reruns_the_branches():
    mocks = """states:
  Steady:
    - result: {s: 1}
  Shaky:
    - error: Flaky
    - result: {k: 2}
"""
    ex = execute(PARALLEL_RETRY, {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == {"Branch0": {"s": 1}, "Branch1": {"k": 2}}
    assert [r.state for r in ex.records] == ["P", "Steady", "Shaky", "Steady", "Shaky", "Done"]
    assert [e["detail"]["wait"] for e in events_of(ex, "StepRetrying", "P")] == [5.0]
    assert ex.clock == 5.0


def test_parallel_catch_after_retries_exhausted():
    mocks = "states:\n  Steady:\n    - result: {s: 1}\n  Shaky:\n    - error: Flaky\n"
    ex = execute(PARALLEL_RETRY, {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == {"code": "Flaky"}
    assert len(records_of(ex, "Shaky")) == 3
    assert ex.clock == 10.0


MAP_RETRY = H + """StartAt: M
States:
  - Type: Map
    Name: M
    ItemsPath: $Input.items
    MaxConcurrency: 1
    Retry:
      - Errors: [Flaky]
        MaxAttempts: 1
        IntervalSeconds: 4
    Catch:
      - Errors: [Flaky]
        Next: Handler
    Processor:
      StartAt: Work
      States:
        - Type: Task
          Name: Work
          Action: HTTP:Request
          End: true
    Next: Done
  - Type: Pass
    Name: Done
    End: true
  - Type: Pass
    Name: Handler
    End: true
"""


def test_map_retry_reruns_the_iterations():
    mocks = "states:\n  Work:\n    - result: {ok: 1}\n    - error: Flaky\n    - result: {ok: 2}\n"
    ex = execute(MAP_RETRY, {"items": [1, 2]}, mocks)
    assert ex.status == "Succeeded"
    # first try: item 0 ok, item 1 Flaky -> retry the Map after 4 s: both items again
    assert len(records_of(ex, "Work")) == 4
    assert ex.output == {"Items": [{"ok": 2}, {"ok": 2}]}
    assert ex.clock == 4.0


def test_map_catch_after_retries_exhausted():
    mocks = "states:\n  Work:\n    - error: Flaky\n"
    ex = execute(MAP_RETRY, {"items": [1, 2]}, mocks)
    assert ex.status == "Succeeded"
    # one Work per attempt of the Map: item 0 fails each time, so item 1 never starts
    assert [(r.state, r.frame) for r in ex.records] == [("M", ""), ("Work", "M[0]"), ("Work", "M[0]"), ("Handler", "")]
    assert records_of(ex, "Handler")[0].raw_input == {"items": [1, 2]}
    assert ex.clock == 4.0


# -- task timeout -----------------------------------------------------------------------------------------------------------

def test_request_complete_timeout_is_task_timeout_and_retried_then_caught():
    extra = '    Timeout: "5"\n'
    mocks = "functions:\n  f:\n    - body: {}\n      delay: 30\n"
    oc = "          code.$: $Context.Current.Error.Code\n"
    ex = execute(task_flow(retry(rule("FnF.TaskTimeout", 1, interval=2)), catch("FnF.TaskTimeout", oc), extra=extra),
                 {}, mocks)
    assert ex.status == "Succeeded"
    assert ex.output == {"code": "FnF.TaskTimeout"}
    assert calls(ex) == 2
    assert [e["time"] for e in events_of(ex, "TaskTimedOut", "T")] == [5.0, 12.0]
    assert ex.clock == 12.0


def test_call_within_timeout_succeeds_after_its_delay():
    mocks = "functions:\n  f:\n    - body: {v: 1}\n      delay: 4\n"
    ex = execute(task_flow(extra="    Timeout: 5\n"), {}, mocks)
    assert ex.status == "Succeeded" and ex.clock == 4.0



def test_a_failing_calls_delay_comes_before_the_retry_wait():
    mocks = "functions:\n  f:\n    - error: E\n      delay: 3\n    - body: {ok: 1}\n      delay: 1\n"
    ex = execute(task_flow(retry(rule("E", 1, interval=2))), {}, mocks)
    assert ex.status == "Succeeded"
    assert [e["time"] for e in events_of(ex, "TaskScheduled", "T")] == [0.0, 5.0]
    assert [e["time"] for e in events_of(ex, "TaskFailed", "T")] == [3.0]
    assert ex.clock == 6.0
