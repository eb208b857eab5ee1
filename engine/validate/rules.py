"""Retry and Catch rules: their fields and error names, rules that can never
be chosen, and error names an earlier rule always takes first.

:func:`rule_list` is shared with the legacy validator (its ``retry``/``catch``)."""
from __future__ import annotations

from .. import schema as S
from ..nodes import Map, Scalar, Seq
from .words import type_name

_KNOWN_ERRORS_CI = {e.lower(): e for e in S.KNOWN_ERRORS} | {a.lower(): c for a, c in S.ERROR_ALIASES.items()}


def retry_catch(v, m: Map, where: str, names, targets: set) -> None:
    """A Task, Parallel or Map state's Retry and Catch lists."""
    rule_list(v, m, "Retry", S.RETRY_FIELDS, where, lambda r, rw: rule_errors(v, r, rw),
              lambda r, rw: _retry_rule(v, r, rw))
    rule_list(v, m, "Catch", S.CATCH_FIELDS, where, lambda r, rw: rule_errors(v, r, rw),
              lambda r, rw: _catch_rule(v, r, rw, names, targets))


def rule_list(v, m: Map, key: str, allowed: set[str], where: str, errors, check) -> None:
    """Each rule of the Retry/Catch list ``m[key]``: its fields, its error names
    (``errors(rule, rw) -> [(node, name)]``), rules never chosen and names an earlier
    rule takes first, then ``check(rule, rw)``."""
    node = m.get(key)
    if node is None:
        return
    if not isinstance(node, Seq):
        v.err(node, "wrong-type", f"{where}'{key}' must be an array of rules, got {type_name(node)}")
        return
    # The first rule whose Errors match wins (decision 3/4), so a later rule can be dead:
    # after one listing FnF.ALL, or when every name it lists was listed before it.
    first_rule: dict[str, int] = {}  # error name (aliases resolved) -> index of the first rule listing it
    all_at: int | None = None  # index of the first rule listing FnF.ALL
    for i, r in enumerate(node.items):
        rw = f"{where}{key}[{i}]: "
        if not isinstance(r, Map):
            v.err(r, "wrong-type", f"{rw}a rule must be an object, got {type_name(r)}")
            continue
        v.slash_comments(r)
        v.fields(r, allowed, rw)
        listed = errors(r, rw)
        if listed:
            _shadowed(v, key, i, r, rw, listed, first_rule, all_at)
            for _, n in listed:
                first_rule.setdefault(n, i)
            if all_at is None and any(n == "FnF.ALL" for _, n in listed):
                all_at = i
        check(r, rw)


def rule_errors(v, r: Map, rw: str) -> list[tuple[Scalar, str]]:
    """An FDL rule's Errors: each name's node and the name it is read as."""
    v.string(r, "Description", where=rw)
    errs = r.get("Errors")
    listed: list[tuple[Scalar, str]] = []
    if errs is None:
        v.missing(r, "Errors", f"{rw}missing required field 'Errors'")
    elif isinstance(errs, Seq) and not errs.items:
        v.err(errs, "wrong-type", f"{rw}'Errors' is empty; list at least one error name, e.g. [FnF.ALL]")
    elif not isinstance(errs, Seq):
        hint = (f"write it as an array: Errors: [{errs.value}]"
                if isinstance(errs, Scalar) and isinstance(errs.value, str) else "")
        v.err(errs, "wrong-type", f"{rw}'Errors' must be an array of error names, got {type_name(errs)}", hint)
    else:
        for e in errs.items:
            if not isinstance(e, Scalar) or not isinstance(e.value, str):
                v.err(e, "wrong-type", f"{rw}an error name must be a string, got {type_name(e)}")
                continue
            if e.value in S.ERROR_ALIASES:
                v.warn(e, "error-alias", f"{rw}{e.value!r} is not a CloudFlow error name; read as "
                       f"{S.ERROR_ALIASES[e.value]!r}", f"write '{S.ERROR_ALIASES[e.value]}'")
            elif e.value not in S.KNOWN_ERRORS:
                canon = _KNOWN_ERRORS_CI.get(e.value.lower())
                if canon is not None:
                    v.warn(e, "error-name-case",
                           f"{rw}{e.value!r} never matches {canon!r}: error names are case-sensitive",
                           f"did you mean '{canon}'?")
            listed.append((e, S.ERROR_ALIASES.get(e.value, e.value)))
    return listed


def _retry_rule(v, r: Map, rw: str) -> None:
    if "MaxAttempts" not in r:
        v.missing(r, "MaxAttempts", f"{rw}missing required field 'MaxAttempts'")
    v.integer(r, "MaxAttempts", 0, None, rw)
    if "IntervalSeconds" not in r:
        v.missing(r, "IntervalSeconds", f"{rw}missing required field 'IntervalSeconds'")
    v.integer(r, "IntervalSeconds", 0, S.MAX_RETRY_INTERVAL, rw)
    v.number(r, "BackoffRate", 1, rw)
    v.integer(r, "MaxBackoffSeconds", 0, S.MAX_RETRY_INTERVAL, rw)


def _catch_rule(v, r: Map, rw: str, names, targets: set) -> None:
    if "Next" not in r:
        v.missing(r, "Next", f"{rw}missing required field 'Next'")
    else:
        v.target(r, "Next", names, rw, targets)
    v.constructor(r, "OutputConstructor", rw, ctx="Catch.OutputConstructor")
    if "OutputConstructor" not in r:
        v.warn(r, "catch-input-assumed",
               f"{rw}no OutputConstructor: flowdbg gives the Next state the failed state's input "
               "(CloudFlow's docs do not say what it gets)",
               "add an OutputConstructor, e.g. error.$: $Context.Current.Error")


def _shadowed(v, key, i, r, rw, listed, first_rule, all_at) -> None:
    """Warn when rule ``i`` of a Retry/Catch list can never be chosen, or
    lists an error an earlier rule always takes first."""
    if all_at is not None:
        v.warn(r, "unreachable-rule",
               f"{rw}this rule is never used: {key}[{all_at}] lists FnF.ALL, which matches every error first",
               f"move {key}[{all_at}] (FnF.ALL) to the end of {key}")
        return
    earlier = [(e, n) for e, n in listed if n in first_rule]
    if not earlier:
        return
    if len(earlier) == len(listed):
        taken = ", ".join(f"{n} by {key}[{first_rule[n]}]" for n in dict.fromkeys(n for _, n in listed))
        v.warn(r, "unreachable-rule", f"{rw}this rule is never used: every error it lists is matched "
               f"first by an earlier rule ({taken})", "remove it, or move it above the rule that takes its errors")
        return
    for e, n in earlier:
        v.warn(e, "shadowed-error", f"{rw}{e.value!r} never reaches this rule: {key}[{first_rule[n]}] "
               "matches it first", f"remove it here, or move this rule above {key}[{first_rule[n]}]")
