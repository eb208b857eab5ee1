"""Parallel: Branches, each a scope of its own (at most S.MAX_PARALLEL_BRANCHES)."""
from __future__ import annotations

from ... import schema as S
from ...nodes import Map, Seq
from ..rules import retry_catch
from ..words import type_name
from .transition import next_or_end

FIELDS = S.FIELDS["Parallel"]
OUTPUT_CONSTRUCTOR = True
transition = next_or_end


def check(v, m: Map, where: str, names, targets: set) -> None:
    retry_catch(v, m, where, names, targets)
    if "Branches" not in m:
        v.missing(m, "Branches", f"{where}missing required field 'Branches'")
    node = m.get("Branches")
    if node is None:
        return
    if not isinstance(node, Seq):
        v.err(node, "wrong-type", f"{where}'Branches' must be an array of branches, got {type_name(node)}")
        return
    if not node.items:
        v.err(node, "empty-scope", f"{where}'Branches' is empty")
    if len(node.items) > S.MAX_PARALLEL_BRANCHES:
        v.err(node, "out-of-range", f"{where}{len(node.items)} branches; a Parallel state allows at most "
              f"{S.MAX_PARALLEL_BRANCHES}")
    for i, b in enumerate(node.items):
        if not isinstance(b, Map):
            v.err(b, "wrong-type", f"{where}Branches[{i}] must be an object with StartAt and States, got {type_name(b)}")
            continue
        v.fields(b, S.SCOPE_FIELDS, f"{where}Branches[{i}]: ")
        v.scope(b, f"{where}Branches[{i}]: ")
