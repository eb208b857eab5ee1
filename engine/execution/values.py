"""The one place an execution builds an expression environment and checks
a value against the data limit.

``$Context`` is a fresh dict per state, so it is built only for templates
and expressions that read it.
"""
from __future__ import annotations

from typing import Any

from ..errors import DATA_LIMIT_EXCEEDED, FlowError
from ..schema import DEFAULT_DATA_LIMIT
from ..expressions import Env
from ..json_values import MAX_DEPTH, encoded_size, nesting_exceeds
from .records import MISSING, StepRecord

NO_OUTPUT = {"$Output": "$Output is only available in OutputConstructor"}
NO_OUTPUT_YET = {"$Output": "$Output is only available in OutputConstructor (the state has not produced output)"}
NO_OUTPUT_IN_CATCH = {"$Output": "$Output is not available in a Catch OutputConstructor"}
_NONE: dict = {}


def state_env(rec: StepRecord, inp: Any, random, output: Any = MISSING, roots: frozenset | None = None,
              unavailable: dict | None = None, limit: int = DEFAULT_DATA_LIMIT) -> Env:
    """An Env for ``rec``'s state with ``$Input`` = ``inp``; ``$Output`` when
    ``output`` is given. ``roots``: the roots the expression reads (None: all);
    ``limit``: the data limit every value the expression builds is held to."""
    r: dict = {"$Input": inp}
    if roots is None or "$Context" in roots:
        r["$Context"] = rec.context(output)
    if output is not MISSING:
        r["$Output"] = output
        return Env(r, random, _NONE if unavailable is None else unavailable, limit)
    return Env(r, random, NO_OUTPUT if unavailable is None else unavailable, limit)


def construct(ex, template, rec: StepRecord, inp: Any, output: Any = MISSING) -> Any:
    """Evaluate a constructor template (InputConstructor, Parameters, OutputConstructor...)."""
    if output is MISSING and "$Context" not in template.roots:  # the usual case, without state_env's frame
        env = Env({"$Input": inp}, ex.random, NO_OUTPUT, ex.options.data_limit)
    else:
        env = state_env(rec, inp, ex.random, output, template.roots, limit=ex.options.data_limit)
    value = template.evaluate(env, rec.state)
    bound = template.size_bound  # a tuple once the template was evaluated twice
    if bound:
        ex.sizes.bound(value, bound, env.roots)
    return value


_SCALARS = (int, float, bool, type(None))


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (json_values.encoded_size, as a FlowError past its depth)."""
    try:
        return encoded_size(value)
    except RecursionError:
        raise FlowError(DATA_LIMIT_EXCEEDED, "the value is nested too deeply to encode") from None


class SizeCheck:
    """The state input/output limit (decision 8), remembering the size of
    values it has seen: a state's output is usually the next state's input,
    the very same object, and values are never changed in place.

    What it remembers of a value is ``(value, bytes, levels)``: its size and
    how deep it nests, or upper bounds of both. A constructor's value gets
    bounds without being encoded (:meth:`bound`) when its template only puts
    paths' values (parts of values already checked) into constant JSON; a
    value whose bounds are within the limits is within them. Encoding every
    constructed value was the biggest single cost of a Pass state."""

    __slots__ = ("limit", "_seen", "last")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: dict[int, tuple[Any, int, int]] = {}
        self.last: Any = None  # the value last found within the limit: callers may skip checking it again

    def bound(self, value: Any, bound: tuple, roots: dict) -> None:
        """Remember bounds of ``value``, built by a template whose
        ``Template.size_bound`` is ``bound`` from ``roots``, if every root its
        paths read was seen and the bounds are within the limits."""
        size, levels, parts = bound
        seen = self._seen
        for root, depth, segments in parts:
            v = roots[root]  # the template's value was built: every root its paths read is there
            got = seen.get(id(v))
            if got is None or got[0] is not v:
                return  # a root never checked (e.g. $Context): encode the value when it is checked
            size += got[1]
            if depth + got[2] - segments > levels:
                levels = depth + got[2] - segments
        if size <= self.limit and levels <= MAX_DEPTH:
            seen[id(value)] = (value, size, levels)
            self.last = value  # within the limits: the output check may skip it

    def check(self, value: Any, rec: StepRecord, what: str) -> None:
        t = type(value)
        if t in _SCALARS:
            return
        if t is str:
            if len(value) * 4 + 2 <= self.limit:
                return
            size = json_size(value)
        else:
            got = self._seen.get(id(value))
            if got is not None and got[0] is value:
                size = got[1]
            else:
                try:
                    size = json_size(value)  # the C encoder stops at its own depth limit, cleanly
                except FlowError:
                    size = -1
                # Nesting deeper than MAX_DEPTH takes at least two bytes a level, so
                # only a value that big needs walking to know (issue 11).
                if size < 0 or (size >= 2 * MAX_DEPTH and nesting_exceeds(value)):
                    raise FlowError(DATA_LIMIT_EXCEEDED,
                                    f"state {rec.state!r}: {what} nests deeper than {MAX_DEPTH} levels")
                if len(self._seen) > 50_000:
                    self._seen.clear()
                # n levels of nesting take at least 2n bytes ([[...]]); past that the walk said <= MAX_DEPTH
                self._seen[id(value)] = (value, size, min(size // 2, MAX_DEPTH))
        if size > self.limit:
            raise FlowError(DATA_LIMIT_EXCEEDED, f"state {rec.state!r}: {what} is {size} bytes; the limit is "
                                                 f"{self.limit} bytes")
        self.last = value
