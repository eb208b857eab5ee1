"""How a state goes on: the transition checks the state types share."""
from __future__ import annotations

from ...flow_slips import slipped_key
from ...nodes import Map, Scalar
from ..checker import ALL_FIELDS


def meant_target(m: Map, slipped: Scalar | None, targets: set) -> None:
    """A misspelt ``Next``/``Default`` (``Nxt: Q``) still says where the author
    meant to go: Q is not also reported as never reached (one slip, one diagnostic)."""
    v = m.get(slipped.value) if slipped is not None else None
    if isinstance(v, Scalar) and isinstance(v.value, str):
        targets.add(v.value)


def next_or_end(v, m: Map, t: str, where: str, names, targets: set) -> None:
    """Exactly one of ``Next`` and ``End: true`` (Pass, Task, Wait, Parallel, Map)."""
    has_next = "Next" in m._index
    end = v.boolean(m, "End", where) if "End" in m._index else None
    if has_next and end:
        v.err(m.key_node("End"), "next-and-end", f"{where}has both Next and End: true; keep one")
    elif not has_next and not end:
        key = "End" if slipped_key(m, "Next", ALL_FIELDS) is None and slipped_key(m, "End", ALL_FIELDS) else "Next"
        k = v.missing(m, key, f"{where}has neither Next nor End: true",
                      "add 'Next: <state>' or 'End: true'", node=m.get("Name") or m, code="no-transition")
        meant_target(m, k, targets)
    if has_next:
        v.target(m, "Next", names, where, targets)


def terminal(v, m: Map, t: str, where: str, names, targets: set) -> None:
    """Succeed and Fail end their scope: ``End`` is redundant, ``Next`` an error."""
    if "End" in m:
        v.warn(m.key_node("End"), "redundant-end", f"{where}{t} is terminal; 'End' is ignored")
    if "Next" in m:
        v.err(m.key_node("Next"), "unexpected-next", f"{where}a {t} state cannot have Next",
              "remove it: Succeed ends its scope (the flow, or its branch or iteration)" if t == "Succeed"
              else "remove it: Fail ends the whole execution")
