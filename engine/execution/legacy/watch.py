"""Watches and breakpoint conditions in a legacy flow: expressions over the step's ``$input``,
its ``$local`` (its own once it has one, else the list's, which its mappings read) and
``$context``, with FDL v1's operators and functions (docs/semantics.md, "Legacy format")."""
from __future__ import annotations

from typing import Any

from ...expressions import ExpressionRuntimeError, describe
from ...expressions.legacy import compile_legacy_expression
from ...legacy import dataflow as D


def roots_at(ex, record, frame=None) -> dict:
    extra = record.extra
    if extra is None:  # paused before the step: its input is not mapped yet
        data = frame.local if frame is not None and frame.record is record and isinstance(frame.local, dict) else None
        return {"$input": record.raw_input, "$local": data["local"] if data else {},
                "$context": D.context(ex.flow.name, ex.options.execution_name, record.state, record.first_event,
                                      record.token)}
    return {"$input": record.effective_input, "$local": extra.get("local", extra.get("$local", {})),
            "$context": extra.get("$context", {})}


def value_at(ex, text: str, record, frame=None) -> Any:
    return compile_legacy_expression(text).value(roots_at(ex, record, frame))[0]


def condition_at(ex, text: str, record, frame=None) -> bool:
    value = value_at(ex, text, record, frame)
    if value is None:
        return False
    if value is True or value is False:
        return value
    raise ExpressionRuntimeError(f"condition must be a boolean, got {describe(value)}", 1)
