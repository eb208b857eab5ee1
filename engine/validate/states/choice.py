"""Choice: Branches of Condition and Next, and a Default; no Next, End or OutputConstructor."""
from __future__ import annotations

import re

from ... import schema as S
from ...nodes import Map, Scalar, Seq
from ..words import type_name
from .transition import meant_target

# Next is tolerated here: transition() says where it belongs instead.
FIELDS = S.FIELDS["Choice"] | {"Next"}
OUTPUT_CONSTRUCTOR = False

#: ``- Condition:$Input.x`` (no space after the colon): YAML reads one string.
_KEY_NO_SPACE = re.compile(r"^(Condition|Next|Name|Type|Default|StartAt|End|Seconds):(\S.*)$")


def transition(v, m: Map, t: str, where: str, names, targets: set) -> None:
    if "Next" not in m:
        return
    # An error, like Next on Succeed/Fail: the author expects an edge that
    # will never be taken (fdl-reference §0: Choice has no Next/End).
    nxt = m.get("Next")
    hint = "remove it"
    if "Default" not in m and isinstance(nxt, Scalar) and isinstance(nxt.value, str):
        hint = f"for when no condition is true, write 'Default: {nxt.value}'"
    v.err(m.key_node("Next"), "unexpected-next",
          f"{where}a Choice state cannot have Next: it moves on through Branches[].Next, "
          "or Default when no condition is true", hint)


def check(v, m: Map, where: str, names, targets: set) -> None:
    branches = m.get("Branches")
    if branches is None:
        v.missing(m, "Branches", f"{where}missing required field 'Branches'")
    elif not isinstance(branches, Seq):
        v.err(branches, "wrong-type", f"{where}'Branches' must be an array, got {type_name(branches)}")
    elif not branches.items:
        v.err(branches, "empty-scope", f"{where}'Branches' is empty; a Choice needs at least one branch",
              "add '- Condition: ...' with 'Next: ...'")
    else:
        for i, b in enumerate(branches.items):
            _branch(v, b, f"{where}Branches[{i}]: ", names, targets)
    if "Default" not in m:
        nxt = m.get("Next")
        if isinstance(nxt, Scalar) and isinstance(nxt.value, str):  # already told to make it the Default
            return
        k = v.missing(m, "Default", f"{where}a Choice state needs a Default",
                      "add 'Default: <state>' for when no condition is true", node=m.get("Name") or m,
                      code="no-default")
        meant_target(m, k, targets)
    else:
        v.target(m, "Default", names, where, targets)


def _branch(v, b, bw: str, names, targets: set) -> None:
    if isinstance(b, Scalar) and isinstance(b.value, str) and (km := _KEY_NO_SPACE.match(b.value)):
        v.err(b, "yaml-colon-space", f"{bw}'{km.group(1)}:{km.group(2)[:20]}' is one string, not a field",
              f"YAML needs a space after the colon: write '{km.group(1)}: {km.group(2)[:20]}'")
        return
    if not isinstance(b, Map):
        v.err(b, "wrong-type", f"{bw}a branch must be an object with Condition and Next, got {type_name(b)}")
        return
    v.slash_comments(b)
    v.fields(b, S.CHOICE_BRANCH_FIELDS, bw)
    cond = b.get("Condition")
    if cond is None:
        v.missing(b, "Condition", f"{bw}missing required field 'Condition'")
    else:
        v.context = "Condition"
        v.expression(cond, "Condition", bw, condition=True)
    if "Next" not in b:
        v.missing(b, "Next", f"{bw}missing required field 'Next'")
    else:
        v.target(b, "Next", names, bw, targets)
