"""Legacy fields written in an FDL v1 flow (the reverse of the legacy validator's v1-field
check). Cheap to import: every FDL v1 definition is checked."""
from __future__ import annotations

from ..diagnostics import Diagnostic
from ..nodes import Map, Node, Scalar, Seq
from . import schema as S


_NESTED = frozenset({"Retry", "Catch", "Branches", "Processor"})


def legacy_fields_in_v1(root: Node | None) -> list[Diagnostic]:
    """Errors for legacy fields (``goto``, ``inputMappings``, ``steps``...) written in an FDL v1
    flow, where they would be ignored; each names the v1 spelling."""
    out: list[Diagnostic] = []
    allowed_lower = {"resourceArn"}  # no v1 state field is lowercase; Parameters' keys are not walked
    legacy = S.LEGACY_FIELDS.keys() - allowed_lower

    def check(m: Map, where: str) -> None:
        for k, _ in m.items:
            if k.value in S.LEGACY_FIELDS and k.value not in allowed_lower:
                out.append(Diagnostic("error", "legacy-field", k.line, k.col,
                                      f"{where}'{k.value}' is a legacy Serverless Workflow field; FDL v1 writes "
                                      f"{S.LEGACY_FIELDS[k.value]}",
                                      "this file is FDL v1 (Type: StateMachine); the two formats do not mix"))

    def scope(m: Map, where: str) -> None:
        states = m.get("States")
        if not isinstance(states, Seq):
            return
        for st in states.items:
            if not isinstance(st, Map) or (legacy.isdisjoint(st._index) and _NESTED.isdisjoint(st._index)):
                continue  # the common state, passed over without a loop in Python
            name = st.get("Name")
            sw = f"{where}state {name.value!r}: " if isinstance(name, Scalar) else where
            check(st, sw)
            for key in ("Retry", "Catch"):
                rules = st.get(key)
                if isinstance(rules, Seq):
                    for i, r in enumerate(rules.items):
                        if isinstance(r, Map):
                            check(r, f"{sw}{key}[{i}]: ")
            br = st.get("Branches")
            if isinstance(br, Seq):
                for i, b in enumerate(br.items):
                    if isinstance(b, Map):
                        check(b, f"{sw}Branches[{i}]: ")
                        scope(b, sw)
            proc = st.get("Processor")
            if isinstance(proc, Map):
                check(proc, f"{sw}Processor: ")
                scope(proc, sw)

    if isinstance(root, Map):
        check(root, "")
        scope(root, "")
    return out
