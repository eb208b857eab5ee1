"""Map: ItemsPath, an ItemConstructor, MaxConcurrency, and a Processor scope run per item."""
from __future__ import annotations

from ... import schema as S
from ...nodes import Map
from ..rules import retry_catch
from ..words import type_name
from .transition import next_or_end

FIELDS = S.FIELDS["Map"]
OUTPUT_CONSTRUCTOR = True
transition = next_or_end


def check(v, m: Map, where: str, names, targets: set) -> None:
    retry_catch(v, m, where, names, targets)
    distributed = False
    pc = m.get("ProcessorConfig")
    if pc is not None:
        if isinstance(pc, Map):
            mode = pc.get("ExecutionMode")
            distributed = mode is not None
            v.warn(pc, "distributed-map", f"{where}distributed mode runs inline in flowdbg "
                   "(ItemReader/ItemBatcher/ResultWriter are not simulated)")
        else:
            v.err(pc, "wrong-type", f"{where}'ProcessorConfig' must be an object, got {type_name(pc)}")
    items = m.get("ItemsPath")
    if items is None:
        v.missing(m, "ItemsPath", f"{where}missing required field 'ItemsPath'", node=m.get("Name") or m)
    else:
        v.context = "ItemsPath"
        v.expression(items, "ItemsPath", where)
    key = "MaxConcurrency" if "MaxConcurrency" in m else "MaxConcuccency"
    hi = S.MAX_DISTRIBUTED_MAP_CONCURRENCY if distributed else S.MAX_INLINE_MAP_CONCURRENCY
    v.integer(m, key, 0, hi, where)
    v.constructor(m, "ItemConstructor", where)
    proc = m.get("Processor")
    if proc is None:
        v.missing(m, "Processor", f"{where}missing required field 'Processor'", node=m.get("Name") or m)
    elif not isinstance(proc, Map):
        v.err(proc, "wrong-type", f"{where}'Processor' must be an object with StartAt and States, got {type_name(proc)}")
    else:
        v.fields(proc, S.SCOPE_FIELDS, f"{where}Processor: ")
        v.scope(proc, f"{where}Processor: ")
