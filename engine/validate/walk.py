"""The walk over a flow: its header, each scope (state names, StartAt,
reachability), and each state's common part (fields, constructors, its
transition), handing the rest to the state type's checker in
:data:`.states.CHECKS`."""
from __future__ import annotations

import re

from .. import schema as S
from ..diagnostics import ERROR, Diagnostic, ordered
from ..file_kinds import FLOW, other_kind
from ..flow_slips import placeholders, reused_names
from ..nodes import Map, Node, Scalar, Seq
from .checker import Checker
from .states import CHECKS
from .words import suggest, type_name, without_comment

_FLOW_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")


class Validator(Checker):
    def __init__(self, express: bool = False, text: str = "") -> None:
        super().__init__(express, text)
        self._enclosing: list[dict[str, Map]] = []  # the state names of each scope we are inside, outermost first

    def validate(self, root: Node | None) -> list[Diagnostic]:
        if root is None:
            return self.diags
        if not isinstance(root, Map):
            self.err(root, "not-a-flow", f"the definition must be an object with Type: StateMachine, got {type_name(root)}")
            return self.diags
        wrong = other_kind(root, FLOW)
        if wrong is not None:  # a mock or test file given as the flow: one clear error, not four missing fields
            self.err(root, "not-a-flow", *wrong)
            return self.diags
        self.fields(root, S.TOP_FIELDS, "")
        t = self.string(root, "Type", required=True)
        if t is not None and t != "StateMachine":
            self.err(root.get("Type"), "not-a-flow", f"Type must be 'StateMachine', got {t!r}")
        sv = root.get("SpecVersion")
        if sv is None:
            self.missing(root, "SpecVersion", "missing required field 'SpecVersion' (v1)")
        elif not (isinstance(sv, Scalar) and sv.value == "v1"):
            self.err(sv, "bad-version", f"SpecVersion must be 'v1', got {type_name(sv)}")
        name = self.string(root, "Name")
        if name is not None and not _FLOW_NAME.match(name):
            self.warn(root.get("Name"), "flow-name",
                      f"flow name {name!r}: CloudFlow names use letters, digits, '_' and '-', start with a letter or '_', 1-128 characters")
        self.string(root, "Description")
        self.scope(root, "")
        self.diags += placeholders(root, self.text) + reused_names(root)
        self.diags = ordered(self.diags)
        return self.diags

    def scope(self, m: Map, where: str) -> None:
        self.slash_comments(m)
        states_node = m.get("States")
        start = self.string(m, "StartAt", required=True, where=where)
        if states_node is None:
            self.missing(m, "States", f"{where}missing required field 'States'")
            return
        if not isinstance(states_node, Seq):
            hint = "States is an array: each state starts with '- Name: ...'" if isinstance(states_node, Map) else ""
            self.err(states_node, "wrong-type", f"{where}'States' must be an array of states, got {type_name(states_node)}", hint)
            return
        if not states_node.items:
            self.err(states_node, "empty-scope", f"{where}'States' is empty")
            return
        names: dict[str, Map] = {}
        states: list[tuple[str | None, Map]] = []
        for item in states_node.items:
            if not isinstance(item, Map):
                self.err(item, "wrong-type", f"{where}each state must be an object, got {type_name(item)}")
                continue
            n = self.string(item, "Name", required=True, where=where)
            if n is not None:
                if n in names:
                    self.err(item.get("Name"), "duplicate-state",
                             f"{where}duplicate state name {n!r} (first at line {names[n].get('Name').line})")
                else:
                    names[n] = item
            states.append((n, item))
        if start is not None and start not in names:
            self.missing_target(m.get("StartAt"), start, names, where, "StartAt")
        edges: dict[str, set[str]] = {}
        self._enclosing.append(names)
        try:
            for n, item in states:
                targets = self.state(item, n, names, where)
                if n is not None:
                    edges[n] = targets
        finally:
            self._enclosing.pop()
        if start in names:
            seen, todo = set(), [start]
            while todo:
                cur = todo.pop()
                if cur in seen:
                    continue
                seen.add(cur)
                todo += edges.get(cur, ())  # a name of no state here is in no edges' keys: seen, never followed
            for n, item in states:
                if n is not None and n not in seen:
                    self.warn(item.get("Name"), "unreachable", f"{where}state {n!r} is never reached from StartAt {start!r}")

    def missing_target(self, node: Node, target: str, names, where: str, field: str) -> None:
        """``field`` names no state of this scope. Say what it probably meant:
        a state whose name differs by a '//' comment (on either side, listed
        after that comment's error), a near miss, or a state of an enclosing
        scope (a Next cannot leave its branch or iteration)."""
        message = f"{where}{field} names no state {target!r} in this scope"
        bare = without_comment(target)
        for n, item in names.items():
            if without_comment(n) == bare and (n != target):
                name_node = item.get("Name")
                if n == bare:  # the comment is in this field's own value, reported at this node just before
                    hint, cause = f"did you mean {n!r}? '//' does not start a comment in YAML", None
                else:
                    hint = f"the state is named {n!r}: '//' does not start a comment in YAML"
                    cause = (name_node.line, name_node.col)
                self.diags.append(Diagnostic(ERROR, "missing-target", node.line, node.col, message, hint, cause))
                return
        guess = suggest(target, names)
        if guess:
            self.err(node, "missing-target", message, f"did you mean {guess!r}?")
            return
        for depth, outer in enumerate(reversed(self._enclosing[:-1])):
            if target in outer:
                scope = "the enclosing scope" if depth == 0 else "an enclosing scope"
                self.err(node, "missing-target", message,
                         f"did you mean the state {target!r} of {scope}? {field} cannot leave a branch or iteration: "
                         f"end it with 'End: true' and go on to {target!r} from the Parallel or Map state's Next")
                return
        self.err(node, "missing-target", message)

    def target(self, m: Map, key: str, names, where: str, targets: set) -> None:
        """``m[key]`` names a state of this scope (a Next, Default or Catch's Next): add it to ``targets``."""
        t = self.string(m, key, where=where)
        if t is None:
            return
        if t not in names:
            self.missing_target(m.get(key), t, names, where, key)
        targets.add(t)

    def state(self, m: Map, name: str | None, names, scope_where: str) -> set[str]:
        """Check one state; returns the names it can go on to."""
        where = f"{scope_where}state {name!r}: " if name else scope_where
        targets: set[str] = set()
        if not self._no_slashes:
            self.slash_comments(m)
        index = m._index
        t = self.string(m, "Type", required=True, where=where)
        if t is None:
            return targets
        kind = CHECKS.get(t)
        if kind is None:
            guess = suggest(t, S.STATE_TYPES)
            self.err(index["Type"], "unknown-state-type", f"{where}unknown state type {t!r}; FDL v1 has {', '.join(S.STATE_TYPES)}",
                     f"did you mean {guess!r}?" if guess else "")
            return targets
        self.fields(m, kind.FIELDS, where)
        if "Description" in index:
            self.string(m, "Description", where=where)
        if "InputConstructor" in index:
            self.constructor(m, "InputConstructor", where)
        if kind.OUTPUT_CONSTRUCTOR and "OutputConstructor" in index:
            self.constructor(m, "OutputConstructor", where)
        kind.transition(self, m, t, where, names, targets)
        kind.check(self, m, where, names, targets)
        return targets
