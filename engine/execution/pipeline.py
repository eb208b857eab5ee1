"""The state pipeline, written once for every state type and both formats.

raw input -> input (FDL v1: size check, InputConstructor) -> the state's own
work (its handler, behind the table in ``states/``) -> Retry decision ->
result -> output and next (v1: OutputConstructor, size check, Next/End); or,
on an error, Catch. Where the formats differ the scope's dataflow decides
(``dataflow.py``: FDL v1, or the legacy format's ``$input``/``$local``).

A frame's program counter (``Frame.pc``) says where it is: NEW (enter the
scope's StartAt next), AT_ENTER (paused before a state: the debugger's stop)
or IN_STATE (the handler blocked; ``act.stage`` says where it resumes). One
call of :func:`run_unit` runs one unit of work for one frame.
"""
from __future__ import annotations

from typing import Any

from .. import events as E
from ..errors import ALL, FlowError
from .dataflow import DATAFLOWS, dataflow_for
from .frames import AT_ENTER, FAILED, IN_STATE, NEW, Activation, ExecutionFail, Frame
from .records import StepRecord
from .states import BLOCK, HANDLERS, handler_for

RETRY = "retry"  # Activation.stage while a Retry waits for its next attempt


def run_unit(ex, f: Frame) -> None:
    ex.current = f
    try:
        pc = f.pc
        if pc == NEW:
            enter(ex, f, *dataflow_for(f.scope).begin(ex, f))
            return
        df = DATAFLOWS.get(type(f.scope)) or dataflow_for(f.scope)
        if pc == AT_ENTER:
            done = start(ex, f, df)
        else:
            value, f.send = f.send, None
            done = resume(ex, f, value)
        if done is BLOCK:
            return
        f.act = None
        output, nxt = done
        if nxt is None:
            ex.frame_done(f, df.end(ex, f, output))
        else:
            enter(ex, f, nxt, output if df.carries_output else df.carry(ex, f, output))
    except FlowError as err:
        f.act = None
        ex.frame_failed(f, err.with_traceback(None))
    except ExecutionFail as fail:
        ex.finish(FAILED, error=fail.error)


def enter(ex, f: Frame, name: str, raw: Any) -> None:
    """Start state ``name`` with input ``raw`` and pause before it runs."""
    state = f.scope.states[name]
    f.state = name
    rec = StepRecord(len(ex.records), f.id, name, state.type, ex.clock, raw, ex.options.execution_name, ex.input,
                     len(ex.events) + 1)
    ex.records.append(rec)
    ex.open_records[rec.index] = rec
    f.record = rec
    f.act = Activation(state, rec)
    f.pc = AT_ENTER
    f.wait = "enter"
    ex.emit(E.STEP_ENTERED, name, f.id, {"input": raw}, 0, rec.index)
    ex.last_enter = f


def start(ex, f: Frame, df):
    """The state's input, then its first attempt."""
    act = f.act
    f.pc = IN_STATE
    try:
        act.rec.input = act.input = df.input(ex, f, act)
    except FlowError as err:
        return catch(ex, f, act, err)
    return attempt(ex, f, act, df)


def attempt(ex, f: Frame, act: Activation, df=None):
    """Run (or run again, for a Retry) the state's own work."""
    handler = HANDLERS.get(type(act.state)) or handler_for(act.state)
    try:
        result = handler.run(ex, f, act)
    except FlowError as err:
        # Without its traceback the error holds no frames (whose locals hold it):
        # a retried attempt leaves no garbage cycle behind.
        return retry_or_catch(ex, f, act, err.with_traceback(None))
    return result if result is BLOCK else finish(ex, f, act, result, df)


def resume(ex, f: Frame, value: Any):
    act = f.act
    if act.stage == RETRY:
        act.stage = "start"
        act.rec.status = "running"
        return attempt(ex, f, act)
    try:
        result = handler_for(act.state).resume(ex, f, act, value)
    except FlowError as err:
        return retry_or_catch(ex, f, act, err.with_traceback(None))
    return result if result is BLOCK else finish(ex, f, act, result)


def _matches(errors: tuple, code: str) -> bool:
    return code in errors or ALL in errors


def retry_or_catch(ex, f: Frame, act: Activation, err: FlowError):
    """Decision 3: the first Retry rule whose Errors match is the only one
    used; each rule keeps its own budget. Every attempt is its own unit, so
    ``--max-steps`` bounds a Retry that never gives up."""
    rules = getattr(act.state, "retry", ())
    for i, r in enumerate(rules):
        if not _matches(r.errors, err.code):
            continue
        used = act.retry_used if act.retry_used is not None else {}
        n = used.get(i, 0) + 1
        rec = act.rec
        if n > r.max_attempts:
            rec.add_note(f"Retry[{i}] exhausted after {r.max_attempts} retries")
            break
        used[i] = n
        act.retry_used = used
        wait = r.delay(n)
        rec.retry_count += 1
        decision = {"rule": i, "attempt": n, "wait": wait, "error": err.to_json()}
        rec.add_retry(decision)
        ex.emit(E.STEP_RETRYING, act.state.name, f.id, decision, step=rec.index)
        act.stage = RETRY
        if wait > 0:
            rec.status = "waiting"
            ex.block(f, "timer", ex.clock + wait)
        else:
            f.wait = "retry"  # stays ready: the next attempt is the next unit
        return BLOCK
    return catch(ex, f, act, err)


def catch(ex, f: Frame, act: Activation, err: FlowError) -> tuple:
    """Decision 4: the first matching Catch rule takes the error; the dataflow
    makes the output its Next gets."""
    rec, state = act.rec, act.state
    rec.error, rec.status = err.to_json(), "failed"
    for i, c in enumerate(getattr(state, "catch", ())):
        if _matches(c.errors, err.code):
            break
    else:
        ex.emit(E.STEP_FAILED, state.name, f.id, {"error": rec.error}, step=rec.index)
        ex.close(rec)
        raise err
    rec.catch = {"rule": i, "next": c.next, "error": rec.error}
    rec.status = "caught"
    try:
        out, nxt = dataflow_for(f.scope).caught(ex, f, act, err, c)
    except FlowError:
        ex.close(rec)
        raise
    rec.output, rec.next = out, nxt
    ex.emit(E.STEP_EXITED, state.name, f.id, {"output": out, "caught": rec.error, "next": nxt}, step=rec.index)
    rec.exited_at = ex.clock
    ex.close(rec)
    return out, nxt


def finish(ex, f: Frame, act: Activation, result: Any, df=None) -> tuple:
    """The state's result -> (its output, the state to enter next or None: the scope ends)."""
    rec, state = act.rec, act.state
    try:
        rec.result = result
        out, nxt = (df or DATAFLOWS.get(type(f.scope)) or dataflow_for(f.scope)).output(ex, f, act, result)
    except FlowError as err:
        return catch(ex, f, act, err)
    rec.output = out
    rec.status = "succeeded"
    rec.next = nxt
    detail = {"output": out}
    if act.exit_detail:
        detail.update(act.exit_detail)
    ex.emit(E.STEP_EXITED, state.name, f.id, detail, 0, rec.index)
    rec.exited_at = ex.clock
    rec.closed = True  # ex.close(rec), inline: every state that succeeds passes here
    ex.open_records.pop(rec.index, None)
    return out, nxt
