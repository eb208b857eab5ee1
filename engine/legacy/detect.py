"""Is a loaded tree a legacy flow? (Cheap: the definition asks before importing the rest.)"""
from __future__ import annotations

from ..nodes import Map, Node, Scalar


def is_legacy(root: Node | None) -> bool:
    """A legacy flow: ``steps`` or ``type: flow`` at the top, and no FDL v1 ``States``."""
    if not isinstance(root, Map) or "States" in root:
        return False
    t = root.get("type")
    return "steps" in root or (isinstance(t, Scalar) and t.value == "flow")
