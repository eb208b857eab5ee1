"""How values move between the states of a scope: one *dataflow* per flow format.

The pipeline (``pipeline.py``) runs every state the same way and asks the
scope's dataflow at each point where the formats differ:

    begin(ex, f) -> (first state, its raw input)          a scope starts
    input(ex, f, act) -> the state's input                before its handler runs
    output(ex, f, act, result) -> (output, next | None)   after it
    caught(ex, f, act, err, rule) -> (output, next)       a Catch rule took its error
    carry(ex, f, output) -> the next state's raw input   (not called when ``carries_output``: the output itself)
    end(ex, f, output) -> the scope's output              its last state finished

FDL v1 (:class:`V1`): InputConstructor, OutputConstructor, ``Next``/``End``,
each output the next state's input. The legacy format's dataflow
(``$input``/``$local`` and mappings) is in ``legacy/dataflow.py``.
"""
from __future__ import annotations

from typing import Any

from ..model import Scope
from .values import NO_OUTPUT_IN_CATCH, construct, state_env


class V1:
    carries_output = True  # carry() is the identity: the pipeline skips calling it

    @staticmethod
    def begin(ex, f):
        return f.scope.start_at, f.raw

    @staticmethod
    def input(ex, f, act) -> Any:
        rec, state = act.rec, act.state
        raw = rec.raw_input
        if raw is not ex.sizes.last:  # usually the output the previous state just had checked
            ex.sizes.check(raw, rec, "input")
        return construct(ex, state.input, rec, raw) if state.input is not None else raw

    @staticmethod
    def output(ex, f, act, result):
        rec, state = act.rec, act.state
        if result is not act.input:
            ex.sizes.check(result, rec, "output (the task result)")
        out = construct(ex, state.output, rec, act.input, output=result) if state.output is not None else result
        if out is not ex.sizes.last:  # e.g. a Pass state's constructed input, bounded by SizeCheck.bound
            ex.sizes.check(out, rec, "output")
        nxt = act.next if act.next is not None else (None if state.end or state.terminal else state.next)
        return out, nxt

    @staticmethod
    def caught(ex, f, act, err, rule):
        """Decision 4: the rule's OutputConstructor builds its Next's input."""
        rec = act.rec
        base = rec.effective_input
        if rule.output is not None:
            out = rule.output.evaluate(state_env(rec, base, ex.random, roots=rule.output.roots,
                                                 limit=ex.options.data_limit, unavailable=NO_OUTPUT_IN_CATCH), act.state.name)
        else:
            out = base
            rec.add_note("Catch has no OutputConstructor: the next state gets this state's input (decision 4)")
        return out, rule.next

    @staticmethod
    def carry(ex, f, output):
        return output

    @staticmethod
    def end(ex, f, output):
        return output


DATAFLOWS: dict = {Scope: V1}


def dataflow_for(scope):
    df = DATAFLOWS.get(type(scope))
    if df is None:  # a legacy list of steps: its dataflow is loaded on first use (FDL v1 runs never pay for it)
        from ..legacy.model import StepList
        from .legacy.dataflow import LEGACY
        DATAFLOWS[StepList] = LEGACY
        df = DATAFLOWS[type(scope)]
    return df


__all__ = ["V1", "DATAFLOWS", "dataflow_for"]
