"""Validate a legacy flow (``type: flow``, ``steps``): nodes from :mod:`..load` -> diagnostics.

Checks the header, every step list (names, ``goto`` targets in the same list, steps no
path reaches), each step type's fields and their types, mappings and paths
(:mod:`.checks`), and fields of the other format (an FDL v1 ``Next`` in a legacy step
is an error naming the legacy spelling; :func:`legacy_fields_in_v1` does the reverse).
Unknown fields are warnings with a "did you mean". The model builder runs only on a tree
with no errors.
"""
from __future__ import annotations

from ..diagnostics import IGNORED, Diagnostic, sort_key
from ..nodes import Map, Node, Scalar, Seq
from ..validate.checker import Checker
from ..validate.words import suggest, type_name
from . import schema as S
from .checks import Checks
from .detect import is_legacy  # noqa: F401 (re-exported)
from .mixed import legacy_fields_in_v1  # noqa: F401 (re-exported)

_V1_TYPES = {"Task": "task", "Pass": "pass", "Choice": "choice", "Parallel": "parallel", "Map": "foreach",
             "Wait": "wait", "Succeed": "succeed", "Fail": "fail"}
_MIXED_HINT = "this file is in the legacy format (type: flow, steps); the two formats do not mix"


class LegacyValidator(Checks, Checker):
    def __init__(self) -> None:
        Checker.__init__(self)
        #: positions of ``!Ref`` scalars read as function names (the loader's tag warning is dropped)
        self.accepted_tags: set[tuple[int, int]] = set()
        self._elsewhere: dict[str, str] = {}  # step name -> where it is (for goto hints)

    # -- fields -----------------------------------------------------------------
    def fields(self, m: Map, allowed: set[str], where: str) -> None:
        for k, _ in m.items:
            name = k.value
            if name in allowed:
                continue
            if name in S.V1_FIELDS:
                what = (f"a legacy flow writes {S.V1_TOP_FIELDS[name]}" if not where and name in S.V1_TOP_FIELDS
                        else f"a legacy step writes {S.V1_FIELDS[name]}")
                self.err(k, "v1-field", f"{where}'{name}' is an FDL v1 field; {what}", _MIXED_HINT)
                continue
            guess = suggest(name, allowed)
            self.warn(k, "unknown-field", f"{where}unknown field '{name}'{IGNORED}",
                      f"did you mean '{guess}'?" if guess else "")

    # -- flow ---------------------------------------------------------------------
    def validate(self, root: Map) -> list[Diagnostic]:
        self._index(root.get("steps"), "the flow's steps")
        self.fields(root, S.TOP_FIELDS, "")
        t, v = root.get("type"), root.get("version")
        if t is None and v is None:
            self.warn(root, "no-header", "no 'version' and 'type: flow' header; read as a legacy Serverless "
                      "Workflow flow", "add 'version: v1' and 'type: flow' at the top")
        elif t is None:
            self.warn(root, "missing-field", "missing 'type: flow'", "add 'type: flow'")
        elif not (isinstance(t, Scalar) and t.value == "flow"):
            self.err(t, "not-a-flow", f"type must be 'flow', got {type_name(t)}")
        if v is not None and not (isinstance(v, Scalar) and v.value in S.VERSIONS):
            self.warn(v, "bad-version", f"version {type_name(v)} is not one of {', '.join(S.VERSIONS)}; "
                      "read as v1")
        elif v is None and t is not None:
            self.warn(root, "missing-field", "missing 'version' (v1beta1 or v1); read as v1", "add 'version: v1'")
        if self.integer(root, "timeoutSeconds", 1, None, "flow: ") is not None:
            self.warn(root.key_node("timeoutSeconds"), "not-simulated",
                      "flow: timeoutSeconds (in Alibaba's editor schema, not in the docs) is not simulated: flowdbg "
                      "does not time the whole execution out")
        self.mappings(root, "inputMappings", "flow: ", "flow-input")
        self.mappings(root, "outputMappings", "flow: ", "flow-output")
        steps = root.get("steps")
        if steps is None:
            self.err(root, "missing-field", "missing required field 'steps'")
        else:
            self.step_list(steps, "", "steps")
        self.diags.sort(key=sort_key)
        return self.diags

    def _index(self, seq, where: str) -> None:
        """Where every step is, so a goto into another list can say so."""
        if not isinstance(seq, Seq):
            return
        for item in seq.items:
            if not isinstance(item, Map):
                continue
            name = item.get("name")
            if isinstance(name, Scalar) and isinstance(name.value, str):
                self._elsewhere.setdefault(name.value, where)
                inner = f"inside step {name.value!r}"
            else:
                inner = where
            for key in ("steps",):
                self._index(item.get(key), inner)
            for key in ("branches", "choices"):
                node = item.get(key)
                if isinstance(node, Seq):
                    for b in node.items:
                        if isinstance(b, Map):
                            self._index(b.get("steps"), inner)
            d = item.get("default")
            if isinstance(d, Map):
                self._index(d.get("steps"), inner)

    # -- step lists ---------------------------------------------------------------
    def step_list(self, seq: Node, where: str, key: str) -> None:
        if not isinstance(seq, Seq):
            hint = "steps is an array: each step starts with '- type: ...'" if isinstance(seq, Map) else ""
            self.err(seq, "wrong-type", f"{where}'{key}' must be an array of steps, got {type_name(seq)}", hint)
            return
        if not seq.items:
            self.err(seq, "empty-scope", f"{where}'{key}' is empty")
            return
        names: dict[str, Map] = {}
        items: list[tuple[str | None, Map]] = []
        for item in seq.items:
            if not isinstance(item, Map):
                self.err(item, "wrong-type", f"{where}each step must be an object, got {type_name(item)}")
                continue
            n = self.string(item, "name", required=True, where=where)
            if n is not None:
                if n in names:
                    self.err(item.get("name"), "duplicate-state",
                             f"{where}duplicate step name {n!r} (first at line {names[n].get('name').line})",
                             "names in one list of steps must differ: goto and catch name their target")
                else:
                    names[n] = item
            items.append((n, item))
        edges: dict[int, set[int]] = {}
        index = {n: i for i, (n, _) in enumerate(items) if n is not None and names.get(n) is items[i][1]}
        for i, (n, item) in enumerate(items):
            targets, falls_through = self.step(item, n, names, where)
            edges[i] = {index[t] for t in targets if t in index}
            if falls_through and i + 1 < len(items):
                edges[i].add(i + 1)
        seen, todo = set(), [0]
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                todo.extend(edges.get(cur, ()))
        for i, (n, item) in enumerate(items):
            if i not in seen and n is not None:
                self.warn(item.get("name"), "unreachable",
                          f"{where}step {n!r} is never reached: the step before it ends the list "
                          "(end: true, succeed, fail or a goto) and no goto names it")

    def target(self, m: Map, key: str, names, where: str, targets: set) -> None:
        t = self.string(m, key, where=where)
        if t is None:
            return
        if t not in names:
            other = self._elsewhere.get(t)
            if other is not None:
                hint = (f"{t!r} is in another list of steps ({other}); a {key} jumps only to a step of the "
                        "same list")
            else:
                guess = suggest(t, names)
                hint = f"did you mean {guess!r}?" if guess else ""
            self.err(m.get(key), "missing-target", f"{where}{key} names no step {t!r} in this list of steps", hint)
        targets.add(t)

    # -- steps ----------------------------------------------------------------------
    def step(self, m: Map, name: str | None, names, list_where: str) -> tuple[set[str], bool]:
        """Validate one step; returns ``(goto targets, whether the next step can follow)``."""
        where = f"{list_where}step {name!r}: " if name else list_where
        targets: set[str] = set()
        tnode = m.get("type")
        t = self.string(m, "type", required=True, where=where)
        if t is None:
            if tnode is None and "Type" in m:
                self.err(m.key_node("Type"), "v1-field", f"{where}'Type' is an FDL v1 field; a legacy step writes "
                         "type (lowercase)", _MIXED_HINT)
            return targets, True
        if t not in S.STEP_TYPES:
            if t in _V1_TYPES:
                hint = f"legacy step types are lowercase: write 'type: {_V1_TYPES[t]}'"
            elif t == "loop":
                hint = "the loop step is in Alibaba's editor schema but not documented; use a choice with a goto"
            else:
                guess = suggest(t, S.STEP_TYPES)
                hint = f"did you mean {guess!r}?" if guess else ""
            self.err(tnode, "unknown-step-type", f"{where}unknown step type {t!r}; legacy flows have "
                     f"{', '.join(S.STEP_TYPES)}", hint)
            return targets, True
        self.fields(m, S.FIELDS[t] | ({"end"} if t == "succeed" else set()), where)
        end = self.boolean(m, "end", where)
        if t == "succeed" and "end" in m:
            self.warn(m.key_node("end"), "redundant-end", f"{where}a succeed step ends its list; 'end' is ignored")
        self.mappings(m, "inputMappings", where, "input")
        self.mappings(m, "outputMappings", where, "output-" + t)
        falls = getattr(self, f"step_{t}")(m, where, names, targets)
        if end or t in ("succeed", "fail"):
            falls = False
        return targets, falls

    def step_pass(self, m, where, names, targets):
        return True

    def step_succeed(self, m, where, names, targets):
        return False

    def step_fail(self, m, where, names, targets):
        self.string(m, "error", where=where)
        self.string(m, "cause", where=where)
        return False

    def step_wait(self, m, where, names, targets):
        has_d, has_t = "duration" in m, "timestamp" in m
        if has_d and has_t:
            self.err(m.key_node("timestamp"), "conflicting-fields", f"{where}use either duration or timestamp, not both")
        elif not has_d and not has_t:
            self.err(m.get("name") or m, "missing-field", f"{where}a wait step needs duration (seconds) or timestamp")
        if has_d:
            self.duration(m, where)
        if has_t:
            self.timestamp(m, where)
        return True

    def step_task(self, m, where, names, targets):
        self.task_target(m, where)
        self.retry_catch(m, where, names, targets)
        self.mappings(m, "errorMappings", where, "error")
        if "errorMappings" in m and "catch" not in m:
            self.warn(m.key_node("errorMappings"), "unused-error-mappings",
                      f"{where}errorMappings apply only when a catch rule handles the error; this task has no catch")
        return True

    def step_choice(self, m, where, names, targets):
        choices = m.get("choices")
        if choices is None:
            self.err(m.get("name") or m, "missing-field", f"{where}missing required field 'choices'")
        elif not isinstance(choices, Seq):
            self.err(choices, "wrong-type", f"{where}'choices' must be an array, got {type_name(choices)}")
        elif not choices.items:
            self.err(choices, "empty-scope", f"{where}'choices' is empty; a choice needs at least one condition")
        else:
            for i, c in enumerate(choices.items):
                cw = f"{where}choices[{i}]: "
                if not isinstance(c, Map):
                    self.err(c, "wrong-type", f"{cw}a choice must be an object with condition (and steps or goto), "
                             f"got {type_name(c)}")
                    continue
                self.fields(c, S.CHOICE_FIELDS, cw)
                if "condition" not in c:
                    self.err(c, "missing-field", f"{cw}missing required field 'condition'")
                else:
                    self.condition(c.get("condition"), cw)
                self.option(c, cw, names, targets)
        d = m.get("default")
        all_goto = isinstance(choices, Seq) and all(isinstance(c, Map) and "goto" in c for c in choices.items)
        if d is None:
            return True  # no option true: the choice ends and the next step runs
        if not isinstance(d, Map):
            hint = (f"write 'default: {{goto: {d.value}}}'" if isinstance(d, Scalar) and isinstance(d.value, str)
                    else "")
            self.err(d, "wrong-type", f"{where}'default' must be an object with steps and/or goto, got "
                     f"{type_name(d)}", hint)
            return True
        self.fields(d, S.DEFAULT_FIELDS, f"{where}default: ")
        self.option(d, f"{where}default: ", names, targets)
        return not (all_goto and "goto" in d)

    def option(self, o: Map, where: str, names, targets: set) -> None:
        steps = o.get("steps")
        if steps is not None:
            if isinstance(steps, Seq) and not steps.items:
                self.warn(steps, "empty-scope", f"{where}'steps' is empty")
            else:
                self.step_list(steps, where, "steps")
        if "goto" in o:
            self.target(o, "goto", names, where, targets)

    def step_parallel(self, m, where, names, targets):
        branches = m.get("branches")
        if branches is None:
            self.err(m.get("name") or m, "missing-field", f"{where}missing required field 'branches'")
            return True
        if not isinstance(branches, Seq):
            self.err(branches, "wrong-type", f"{where}'branches' must be an array of branches, got "
                     f"{type_name(branches)}")
            return True
        if not branches.items:
            self.err(branches, "empty-scope", f"{where}'branches' is empty")
        if len(branches.items) > S.MAX_PARALLEL_BRANCHES:
            self.err(branches, "out-of-range", f"{where}{len(branches.items)} branches; a parallel step allows at "
                     f"most {S.MAX_PARALLEL_BRANCHES}")
        for i, b in enumerate(branches.items):
            bw = f"{where}branches[{i}]: "
            if not isinstance(b, Map):
                self.err(b, "wrong-type", f"{bw}a branch must be an object with steps, got {type_name(b)}")
                continue
            self.fields(b, S.BRANCH_FIELDS, bw)
            if "steps" not in b:
                self.err(b, "missing-field", f"{bw}missing required field 'steps'")
            else:
                self.step_list(b.get("steps"), bw, "steps")
        return True

    def step_foreach(self, m, where, names, targets):
        it = m.get("iterationMapping")
        if it is None:
            self.err(m.get("name") or m, "missing-field", f"{where}missing required field 'iterationMapping'",
                     "e.g. iterationMapping: {collection: $.items, item: item}")
        elif not isinstance(it, Map):
            self.err(it, "wrong-type", f"{where}'iterationMapping' must be an object, got {type_name(it)}")
        else:
            iw = f"{where}iterationMapping: "
            self.fields(it, S.ITERATION_FIELDS, iw)
            if "collection" not in it:
                self.err(it, "missing-field", f"{iw}missing required field 'collection'", "e.g. collection: $.items")
            else:
                self.input_path(it.get("collection"), "collection", iw)
            item = self.string(it, "item", required=True, where=iw)
            index = self.string(it, "index", where=iw)
            if item is not None and item == index:
                self.err(it.get("index"), "conflicting-fields", f"{iw}item and index are both {item!r}")
        if "steps" not in m:
            self.err(m.get("name") or m, "missing-field", f"{where}missing required field 'steps'")
        else:
            self.step_list(m.get("steps"), where, "steps")
        return True


def validate(root: Map) -> tuple[list[Diagnostic], set[tuple[int, int]]]:
    """Diagnostics of a legacy flow (sorted), and the positions of ``!Ref`` tags it reads."""
    v = LegacyValidator()
    diags = v.validate(root)
    return diags, v.accepted_tags


__all__ = ["is_legacy", "validate", "legacy_fields_in_v1", "LegacyValidator"]
