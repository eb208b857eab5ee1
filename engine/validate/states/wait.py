"""Wait: Seconds (within the flow type's limit) or Seconds.$."""
from __future__ import annotations

from dataclasses import replace

from ... import schema as S
from .transition import next_or_end

FIELDS = S.FIELDS["Wait"]
OUTPUT_CONSTRUCTOR = True
transition = next_or_end


def check(v, m, where, names, targets) -> None:
    kind = "Express" if v.express else "Standard"
    lo, hi = S.WAIT_SECONDS[kind]
    if "Seconds" in m and "Seconds.$" in m:
        v.err(m.key_node("Seconds.$"), "conflicting-fields", f"{where}use either Seconds or Seconds.$, not both")
    if "Seconds" in m:
        before = len(v.diags)
        v.integer(m, "Seconds", lo, hi, where)
        why = S.WAIT_LIMIT[kind]
        v.diags[before:] = [replace(d, message=f"{d.message} ({why})") if d.code == "out-of-range" else d
                            for d in v.diags[before:]]
    elif "Seconds.$" in m:
        v.context = "Seconds.$"
        v.expression(m.get("Seconds.$"), "Seconds.$", where)
    else:
        v.missing(m, "Seconds", f"{where}a Wait state needs Seconds or Seconds.$", node=m.get("Name") or m)
