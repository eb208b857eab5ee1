"""Which keys a legacy flow's ``$local`` can hold at its end, and which it always holds
(a must-assign dataflow over the top-level list of steps), so :mod:`.convert` can spell the
flow's default output (its ``$local``) with the fixed keys an FDL v1 constructor needs.
"""
from __future__ import annotations

from .model import ChoiceStep, FailStep, StepList, SucceedStep, TaskStep

EXIT = -1


def _assigns(step) -> tuple[set | None, set | None]:
    """Keys the step's output sets on a normal exit and after a catch (None: keys known only
    at run time, from a function's result)."""
    caught = {m.target for m in step.error_mappings} if isinstance(step, TaskStep) and step.error_mappings else set()
    if step.output_mappings is not None:
        return {m.target for m in step.output_mappings}, caught
    if isinstance(step, TaskStep):
        return None, caught
    if isinstance(step, ChoiceStep):
        opts = [o for o in list(step.choices) + [step.default] if o is not None]
        must: set | None = None
        for o in opts:
            got = _must(o.steps) if o.steps is not None else set()
            if got is None:
                return None, caught
            must = got if must is None else must & got
        if step.default is None or must is None:
            must = set()
        return must, caught
    return set(), caught


def _maybe(steps: StepList, dynamic: list) -> set:
    out: set = set()
    for s in steps.steps:
        normal, caught = _assigns(s)
        if normal is None and not isinstance(s, ChoiceStep):
            dynamic.append(s.name)
        out |= (normal or set()) | caught
        if isinstance(s, ChoiceStep) and s.output_mappings is None:
            for o in list(s.choices) + [s.default]:
                if o is not None and o.steps is not None:
                    out |= _maybe(o.steps, dynamic)
    return out


def _edges(steps: StepList, i: int):
    """``(successor, assigned)`` pairs of step ``i``."""
    s = steps.steps[i]
    names = {x.name: j for j, x in enumerate(steps.steps)}
    nxt = i + 1 if i + 1 < len(steps.steps) else EXIT
    normal, caught = _assigns(s)
    normal = normal or set()
    if isinstance(s, FailStep):
        return []
    if s.end or isinstance(s, SucceedStep):
        return [(EXIT, normal)]
    out = []
    if isinstance(s, ChoiceStep):
        for o in s.choices:
            out.append((names[o.goto] if o.goto else nxt, normal))
        out.append((names[s.default.goto] if s.default is not None and s.default.goto else nxt, normal))
    else:
        out.append((nxt, normal))
    if isinstance(s, TaskStep):
        out += [(names[c.next], caught) for c in s.catch]
    return out


def _must(steps: StepList) -> set | None:
    dynamic: list = []
    universe = _maybe(steps, dynamic)
    if dynamic:
        return None
    inn = {j: set(universe) for j in range(len(steps.steps))}
    inn[EXIT] = set(universe)
    inn[0] = set()
    todo = [0]
    while todo:
        j = todo.pop()
        for succ, assigned in _edges(steps, j):
            new = inn[succ] & (inn[j] | assigned)
            if new != inn[succ] or succ == EXIT:
                changed = new != inn[succ]
                inn[succ] = new
                if changed and succ != EXIT:
                    todo.append(succ)
    return inn[EXIT]


def output_keys(steps: StepList) -> tuple[list[str], str]:
    """``(keys, "")`` when the list's ``$local`` always ends with exactly ``keys``, else
    ``([], why not)``."""
    dynamic: list = []
    maybe = _maybe(steps, dynamic)
    if dynamic:
        return [], "its keys come from function results at run time (" + ", ".join(
            f"step {n!r}" for n in dict.fromkeys(dynamic)) + ")"
    must = _must(steps) or set()
    missing = [k for k in sorted(maybe) if k not in must]
    if missing:
        return [], "key " + ", ".join(repr(k) for k in missing) + " is not set on every path"
    return sorted(maybe), ""
