"""Validate: nodes from :mod:`.load` -> every diagnostic at once.

Checks structure (state names, transitions, reachability, scopes), field
types and enums, limits (decision 8), expressions (syntax, unknown
functions, roots used where they do not exist), and the TaskMode matrix.
Known misspellings load with a warning naming the canonical spelling
(decision 9); so do Actions that differ from a known one in case or by a
typo, error names that differ only in case, and Retry/Catch rules that can
never be chosen.
Messages name types as JSON does (object, array, string, number, boolean,
null). The model builder runs only on a tree with no errors.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from . import schema as S
from .diagnostics import ERROR, WARNING, Diagnostic, ordered
from .expressions import ExpressionSyntaxError, compile_expression
from .file_kinds import FLOW, other_kind
from .flow_slips import parameter_slips, placeholders, reused_names, slip_note, slipped_key
from .load import Map, Node, Scalar, Seq

_SLASH_COMMENT = re.compile(r"\s//(\s|$)")
_KEY_NO_SPACE = re.compile(r"^(Condition|Next|Name|Type|Default|StartAt|End|Seconds):(\S.*)$")


def _meant_target(m: Map, slipped: Scalar | None, targets: set) -> None:
    """A misspelt ``Next``/``Default`` (``Nxt: Q``) still says where the author
    meant to go: Q is not also reported as never reached (one slip, one diagnostic)."""
    v = m.get(slipped.value) if slipped is not None else None
    if isinstance(v, Scalar) and isinstance(v.value, str):
        targets.add(v.value)


def _type_name(node: Node) -> str:
    """What a node is, in JSON's words (object, array, string, number,
    boolean, null) with the value for scalars: never a Python type name."""
    if isinstance(node, Map):
        return "an object"
    if isinstance(node, Seq):
        return "an array"
    v = node.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return f"boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"number {v}"
    return f"string {v!r}"


def _suggest(word: str, options, cutoff: float = 0.6) -> str:
    """The option ``word`` most likely meant, or "". A match that differs
    only in case wins over any fuzzy match ('sync' is 'Sync', not 'Async');
    the fuzzy match ignores case too."""
    lower: dict[str, str] = {}
    for o in options:
        lower.setdefault(o.lower(), o)
    w = word.lower()
    if w in lower:
        return lower[w]
    m = difflib.get_close_matches(w, list(lower), n=1, cutoff=cutoff)
    return lower[m[0]] if m else ""


def _without_comment(name: str) -> str:
    """``name`` up to a ``//`` YAML does not take for a comment."""
    hit = _SLASH_COMMENT.search(name)
    return name[:hit.start()].rstrip() if hit else name


_ASCII_DIGITS = re.compile(r"[0-9]+")
_HUGE = 10 ** 30  # a numeric string too long to be any field's value: out of range

_BOOL_WORDS = "YAML reads yes/no/on/off/true/false as booleans"


def _bool_hint(key: str, node: Node) -> str:
    """For a string field that YAML read as a boolean (Name: Yes)."""
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return f'{_BOOL_WORDS}: quote it, e.g. {key}: "{"Yes" if node.value else "No"}"'
    return ""


#: Every field name FDL has: such a key is never a slip of another one.
_ALL_FIELDS = frozenset().union(*S.FIELDS.values(), S.TOP_FIELDS, S.SCOPE_FIELDS, S.RETRY_FIELDS, S.CATCH_FIELDS,
                                S.CHOICE_BRANCH_FIELDS)

_KNOWN_ERRORS_CI = {e.lower(): e for e in S.KNOWN_ERRORS} | {a.lower(): c for a, c in S.ERROR_ALIASES.items()}


@dataclass
class _Ctx:
    """Where we are: which constructor kind, for root availability."""

    field: str  # InputConstructor | OutputConstructor | Parameters | ItemConstructor | Condition | ...


class Validator:
    def __init__(self, express: bool = False, text: str = "") -> None:
        self.diags: list[Diagnostic] = []
        self.express = express
        self.text = text
        self._enclosing: list[dict[str, Map]] = []  # the state names of each scope we are inside, outermost first

    # -- reporting -------------------------------------------------------
    def err(self, node: Node, code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(ERROR, code, node.line, node.col, message, hint))

    def warn(self, node: Node, code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(WARNING, code, node.line, node.col, message, hint))

    def missing(self, m: Map, key: str, message: str, hint: str = "", node: Node | None = None,
                code: str = "missing-field") -> Scalar | None:
        """Report ``key`` missing from ``m``. When a key of ``m`` is a slip of it
        (``invocationtype``, ``next``), the error stands on that key and says
        so, in place of the unknown-field warning it had; returns that key."""
        k = slipped_key(m, key, _ALL_FIELDS)
        if k is None:
            self.err(node or m, code, message, hint)
            return None
        self.diags = [d for d in self.diags if not (d.code == "unknown-field" and (d.line, d.col) == (k.line, k.col))]
        self.err(k, code, message + slip_note(k, key), f"rename {k.value!r} to {key!r}")
        return k

    # -- primitives ------------------------------------------------------
    def string(self, m: Map, key: str, required: bool = False, where: str = "") -> str | None:
        node = m.get(key)
        if node is None:
            if required:
                self.missing(m, key, f"{where}missing required field '{key}'")
            return None
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            if isinstance(node, Scalar) and node.value is None and key == "Description":
                return None
            self.err(node, "wrong-type", f"{where}'{key}' must be a string, got {_type_name(node)}",
                     _bool_hint(key, node))
            return None
        return node.value

    def integer(self, m: Map, key: str, lo: int | None = None, hi: int | None = None, where: str = "",
                allow_numeric_string: bool = False) -> int | None:
        node = m.get(key)
        if node is None:
            return None
        v = node.value if isinstance(node, Scalar) else None
        if allow_numeric_string and isinstance(v, str) and _ASCII_DIGITS.fullmatch(v.strip()):
            v = int(v.strip()) if len(v.strip()) <= 30 else _HUGE  # "²".isdigit() is true; int("²") fails
        if isinstance(v, bool) or not isinstance(v, int):
            hint = ""
            if isinstance(v, str) and _SLASH_COMMENT.search(v):
                hint = "'//' does not start a comment in YAML; use '#'"
            self.err(node, "wrong-type", f"{where}'{key}' must be an integer, got {_type_name(node)}", hint)
            return None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            bounds = (f"between {lo} and {hi}" if lo is not None and hi is not None
                      else f"at least {lo}" if lo is not None else f"at most {hi}")
            self.err(node, "out-of-range", f"{where}'{key}' is {v}; it must be {bounds}")
        return v

    def number(self, m: Map, key: str, lo: float | None = None, where: str = "") -> float | None:
        node = m.get(key)
        if node is None:
            return None
        v = node.value if isinstance(node, Scalar) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.err(node, "wrong-type", f"{where}'{key}' must be a number, got {_type_name(node)}")
            return None
        if v != v or v in (float("inf"), float("-inf")):
            self.err(node, "out-of-range", f"{where}'{key}' must be a finite number")
            return None
        if lo is not None and v < lo:
            self.err(node, "out-of-range", f"{where}'{key}' is {v}; it must be at least {lo}")
        return v

    def boolean(self, m: Map, key: str, where: str = "") -> bool | None:
        node = m.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar) or not isinstance(node.value, bool):
            self.err(node, "wrong-type", f"{where}'{key}' must be true or false, got {_type_name(node)}")
            return None
        return node.value

    def fields(self, m: Map, allowed: set[str], where: str) -> None:
        for k, _ in m.items:
            name = k.value
            if name in allowed:
                continue
            if name in S.FIELD_ALIASES and S.FIELD_ALIASES[name] in allowed:
                self.warn(k, "misspelled-field", f"{where}'{name}' is a misspelling in Alibaba's docs; read as "
                          f"'{S.FIELD_ALIASES[name]}'", f"write '{S.FIELD_ALIASES[name]}'")
                continue
            if name in ("True", "False") and not k.quoted:  # the loader's str() of a YAML boolean key
                self.warn(k, "unknown-field", f"{where}unknown field {name.lower()} (ignored)",
                          f"{_BOOL_WORDS}: quote the key if it is a name")
                continue
            guess = _suggest(name, allowed)
            self.warn(k, "unknown-field", f"{where}unknown field '{name}' (ignored)",
                      f"did you mean '{guess}'?" if guess else "")

    # -- expressions -----------------------------------------------------
    def expression(self, node: Node, field: str, where: str, condition: bool = False):
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            if condition:
                hint = "a Condition is an expression string such as $Input.ok == true"
                if isinstance(node, Scalar) and isinstance(node.value, bool):
                    hint += f"; for a constant, quote it: Condition: \"{'true' if node.value else 'false'}\""
            elif field.endswith(".$"):
                hint = "a key ending in '.$' takes an expression such as $Input.x; drop the '.$' for a literal"
            else:
                hint = f"{field} is an expression string such as $Input.items"
            self.err(node, "not-an-expression", f"{where}{field} must be an expression string, got {_type_name(node)}",
                     hint)
            return None
        text = node.value
        try:
            expr = compile_expression(text)
        except ExpressionSyntaxError as e:
            col = node.col + (e.col or 1) - 1 + (1 if node.quoted else 0)
            self.diags.append(Diagnostic(ERROR, e.code, node.line, col, f"{where}{field}: {e.message}",
                                         getattr(e, "hint", "") or ""))
            return None
        for root in expr.roots:
            if root == "$Output" and self._ctx.field != "OutputConstructor":
                where_ok = ("a state's OutputConstructor (a Catch's OutputConstructor has $Input and "
                            "$Context.Current.Error)" if self._ctx.field == "Catch.OutputConstructor" else "OutputConstructor")
                self.err(node, "unavailable-root", f"{where}{field}: $Output is only available in {where_ok}")
            if root == "$Item" and self._ctx.field != "ItemConstructor":
                self.err(node, "unavailable-root", f"{where}{field}: $Item is only available in a Map's ItemConstructor")
        return expr

    def template(self, node: Node, field: str, where: str, path: str = "") -> list:
        """Validate a constructor (key.$ templates at any depth); returns
        the compiled expressions found (for TaskToken checks)."""
        found = []
        if isinstance(node, Map):
            for k, v in node.items:
                key = str(k.value)
                sub = f"{path}.{key}" if path else key
                if key.endswith(".$"):
                    e = self.expression(v, f"{field}.{sub}", where)
                    if e is not None:
                        found.append(e)
                else:
                    found += self.template(v, field, where, sub)
                    if isinstance(v, Scalar) and isinstance(v.value, str) and v.value.startswith("$") and \
                            re.match(r"^\$(Input|Output|Context|Item)\b", v.value):
                        self.warn(v, "literal-expression",
                                  f"{where}{field}.{sub} is the literal string {v.value!r}, not an expression",
                                  f"write '{key}.$: {v.value}' to evaluate it")
        elif isinstance(node, Seq):
            for i, item in enumerate(node.items):
                found += self.template(item, field, where, f"{path}[{i}]")
        return found

    def constructor(self, m: Map, key: str, where: str, ctx: str | None = None) -> None:
        node = m.get(key)
        if node is None:
            return
        if not isinstance(node, Map):
            self.err(node, "wrong-type", f"{where}'{key}' must be an object, got {_type_name(node)}")
            return
        self._ctx = _Ctx(ctx or key)
        self.template(node, key, where)

    # -- flow ------------------------------------------------------------
    def validate(self, root: Node | None) -> list[Diagnostic]:
        if root is None:
            return self.diags
        if not isinstance(root, Map):
            self.err(root, "not-a-flow", f"the definition must be an object with Type: StateMachine, got {_type_name(root)}")
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
            self.err(sv, "bad-version", f"SpecVersion must be 'v1', got {_type_name(sv)}")
        name = self.string(root, "Name")
        if name is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$", name):
            self.warn(root.get("Name"), "flow-name",
                      f"flow name {name!r}: CloudFlow names use letters, digits, '_' and '-', start with a letter or '_', 1-128 characters")
        self.string(root, "Description")
        self.scope(root, "")
        self.diags += placeholders(root, self.text) + reused_names(root)
        self.diags = ordered(self.diags)
        return self.diags

    def scope(self, m: Map, where: str) -> None:
        self._slash_comments(m)
        states_node = m.get("States")
        start = self.string(m, "StartAt", required=True, where=where)
        if states_node is None:
            self.missing(m, "States", f"{where}missing required field 'States'")
            return
        if not isinstance(states_node, Seq):
            hint = "States is an array: each state starts with '- Name: ...'" if isinstance(states_node, Map) else ""
            self.err(states_node, "wrong-type", f"{where}'States' must be an array of states, got {_type_name(states_node)}", hint)
            return
        if not states_node.items:
            self.err(states_node, "empty-scope", f"{where}'States' is empty")
            return
        names: dict[str, Map] = {}
        states: list[tuple[str | None, Map]] = []
        for item in states_node.items:
            if not isinstance(item, Map):
                self.err(item, "wrong-type", f"{where}each state must be an object, got {_type_name(item)}")
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
            self._missing_target(m.get("StartAt"), start, names, where, "StartAt")
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
                todo.extend(t for t in edges.get(cur, ()) if t in names)
            for n, item in states:
                if n is not None and n not in seen:
                    self.warn(item.get("Name"), "unreachable", f"{where}state {n!r} is never reached from StartAt {start!r}")

    def _missing_target(self, node: Node, target: str, names, where: str, field: str) -> None:
        """``field`` names no state of this scope. Say what it probably meant:
        a state whose name differs by a '//' comment (on either side, listed
        after that comment's error), a near miss, or a state of an enclosing
        scope (a Next cannot leave its branch or iteration)."""
        message = f"{where}{field} names no state {target!r} in this scope"
        bare = _without_comment(target)
        for n, item in names.items():
            if _without_comment(n) == bare and (n != target):
                name_node = item.get("Name")
                if n == bare:  # the comment is in this field's own value, reported at this node just before
                    hint, cause = f"did you mean {n!r}? '//' does not start a comment in YAML", None
                else:
                    hint = f"the state is named {n!r}: '//' does not start a comment in YAML"
                    cause = (name_node.line, name_node.col)
                self.diags.append(Diagnostic(ERROR, "missing-target", node.line, node.col, message, hint, cause))
                return
        guess = _suggest(target, names)
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

    def _target(self, m: Map, key: str, names, where: str, targets: set) -> None:
        t = self.string(m, key, where=where)
        if t is None:
            return
        if t not in names:
            self._missing_target(m.get(key), t, names, where, key)
        targets.add(t)

    def state(self, m: Map, name: str | None, names, scope_where: str) -> set[str]:
        where = f"{scope_where}state {name!r}: " if name else scope_where
        targets: set[str] = set()
        self._slash_comments(m)
        tnode = m.get("Type")
        t = self.string(m, "Type", required=True, where=where)
        if t is None:
            return targets
        if t not in S.STATE_TYPES:
            guess = _suggest(t, S.STATE_TYPES)
            self.err(tnode, "unknown-state-type", f"{where}unknown state type {t!r}; FDL v1 has {', '.join(S.STATE_TYPES)}",
                     f"did you mean {guess!r}?" if guess else "")
            return targets
        # Next on a Choice/Succeed/Fail gets its own error below, not also an unknown-field warning.
        self.fields(m, S.FIELDS[t] | ({"End"} if t in ("Fail", "Succeed") else set())
                    | ({"Next"} if t in ("Choice", "Fail", "Succeed") else set()), where)
        self.string(m, "Description", where=where)
        self.constructor(m, "InputConstructor", where)
        if t != "Choice":
            self.constructor(m, "OutputConstructor", where)
        if t in S.NEEDS_TRANSITION:
            end = self.boolean(m, "End", where)
            has_next = "Next" in m
            if has_next and end:
                self.err(m.key_node("End"), "next-and-end", f"{where}has both Next and End: true; keep one")
            elif not has_next and not end:
                key = "End" if slipped_key(m, "Next", _ALL_FIELDS) is None and slipped_key(m, "End", _ALL_FIELDS) \
                    else "Next"
                k = self.missing(m, key, f"{where}has neither Next nor End: true",
                                 "add 'Next: <state>' or 'End: true'", node=m.get("Name") or m, code="no-transition")
                _meant_target(m, k, targets)
            if has_next:
                self._target(m, "Next", names, where, targets)
        elif t in ("Fail", "Succeed"):
            if "End" in m:
                self.warn(m.key_node("End"), "redundant-end", f"{where}{t} is terminal; 'End' is ignored")
            if "Next" in m:
                self.err(m.key_node("Next"), "unexpected-next", f"{where}a {t} state cannot have Next",
                         "remove it: Succeed ends its scope (the flow, or its branch or iteration)" if t == "Succeed"
                         else "remove it: Fail ends the whole execution")
        elif t == "Choice" and "Next" in m:
            # An error, like Next on Succeed/Fail: the author expects an edge that
            # will never be taken (fdl-reference §0: Choice has no Next/End).
            nxt = m.get("Next")
            hint = "remove it"
            if "Default" not in m and isinstance(nxt, Scalar) and isinstance(nxt.value, str):
                hint = f"for when no condition is true, write 'Default: {nxt.value}'"
            self.err(m.key_node("Next"), "unexpected-next",
                     f"{where}a Choice state cannot have Next: it moves on through Branches[].Next, "
                     "or Default when no condition is true", hint)
        getattr(self, f"state_{t.lower()}")(m, where, names, targets)
        return targets

    def _slash_comments(self, m: Map) -> None:
        for k, v in m.items:
            if k.value == "Description":  # free text: 'a // b' may be meant
                continue
            if isinstance(v, Scalar) and isinstance(v.value, str) and not v.quoted:
                hit = _SLASH_COMMENT.search(v.value)
                if hit and not v.value.lstrip().startswith("$"):
                    self.err(v, "slash-comment",
                             f"'{v.value[hit.start():].strip()}' is part of the value of '{k.value}' ({v.value!r}); "
                             "'//' does not start a comment in YAML", "use '#' for comments")

    # -- per type ----------------------------------------------------------
    def state_pass(self, m, where, names, targets):
        pass

    def state_succeed(self, m, where, names, targets):
        pass

    def state_fail(self, m, where, names, targets):
        self.string(m, "Code", where=where)
        self.string(m, "Detail", where=where)

    def state_wait(self, m, where, names, targets):
        lo, hi = S.WAIT_SECONDS["Express" if self.express else "Standard"]
        if "Seconds" in m and "Seconds.$" in m:
            self.err(m.key_node("Seconds.$"), "conflicting-fields", f"{where}use either Seconds or Seconds.$, not both")
        if "Seconds" in m:
            before = len(self.diags)
            self.integer(m, "Seconds", lo, hi, where)
            why = S.WAIT_LIMIT["Express" if self.express else "Standard"]
            self.diags[before:] = [replace(d, message=f"{d.message} ({why})") if d.code == "out-of-range" else d
                                   for d in self.diags[before:]]
        elif "Seconds.$" in m:
            self._ctx = _Ctx("Seconds.$")
            self.expression(m.get("Seconds.$"), "Seconds.$", where)
        else:
            self.missing(m, "Seconds", f"{where}a Wait state needs Seconds or Seconds.$", node=m.get("Name") or m)

    def state_choice(self, m, where, names, targets):
        branches = m.get("Branches")
        if branches is None:
            self.missing(m, "Branches", f"{where}missing required field 'Branches'")
        elif not isinstance(branches, Seq):
            self.err(branches, "wrong-type", f"{where}'Branches' must be an array, got {_type_name(branches)}")
        elif not branches.items:
            self.err(branches, "empty-scope", f"{where}'Branches' is empty; a Choice needs at least one branch",
                     "add '- Condition: ...' with 'Next: ...'")
        else:
            for i, b in enumerate(branches.items):
                bw = f"{where}Branches[{i}]: "
                if isinstance(b, Scalar) and isinstance(b.value, str) and (km := _KEY_NO_SPACE.match(b.value)):
                    self.err(b, "yaml-colon-space", f"{bw}'{km.group(1)}:{km.group(2)[:20]}' is one string, not a field",
                             f"YAML needs a space after the colon: write '{km.group(1)}: {km.group(2)[:20]}'")
                    continue
                if not isinstance(b, Map):
                    self.err(b, "wrong-type", f"{bw}a branch must be an object with Condition and Next, got {_type_name(b)}")
                    continue
                self._slash_comments(b)
                self.fields(b, S.CHOICE_BRANCH_FIELDS, bw)
                cond = b.get("Condition")
                if cond is None:
                    self.missing(b, "Condition", f"{bw}missing required field 'Condition'")
                else:
                    self._ctx = _Ctx("Condition")
                    self.expression(cond, "Condition", bw, condition=True)
                if "Next" not in b:
                    self.missing(b, "Next", f"{bw}missing required field 'Next'")
                else:
                    self._target(b, "Next", names, bw, targets)
        if "Default" not in m:
            nxt = m.get("Next")
            if isinstance(nxt, Scalar) and isinstance(nxt.value, str):  # already told to make it the Default
                return
            k = self.missing(m, "Default", f"{where}a Choice state needs a Default",
                             "add 'Default: <state>' for when no condition is true", node=m.get("Name") or m,
                             code="no-default")
            _meant_target(m, k, targets)
        else:
            self._target(m, "Default", names, where, targets)

    def _retry_catch(self, m, where, names, targets):
        self.rule_list(m, "Retry", S.RETRY_FIELDS, where, self._rule_errors, self._retry_rule)
        self.rule_list(m, "Catch", S.CATCH_FIELDS, where, self._rule_errors,
                       lambda r, rw: self._catch_rule(r, rw, names, targets))

    def rule_list(self, m: Map, key: str, allowed: set[str], where: str, errors, check) -> None:
        """Each rule of the Retry/Catch list ``m[key]``: its fields, its error names
        (``errors(rule, rw) -> [(node, name)]``), rules never chosen and names an earlier
        rule takes first, then ``check(rule, rw)``. Shared with the legacy validator."""
        node = m.get(key)
        if node is None:
            return
        if not isinstance(node, Seq):
            self.err(node, "wrong-type", f"{where}'{key}' must be an array of rules, got {_type_name(node)}")
            return
        # The first rule whose Errors match wins (decision 3/4), so a later rule can be dead:
        # after one listing FnF.ALL, or when every name it lists was listed before it.
        first_rule: dict[str, int] = {}  # error name (aliases resolved) -> index of the first rule listing it
        all_at: int | None = None  # index of the first rule listing FnF.ALL
        for i, r in enumerate(node.items):
            rw = f"{where}{key}[{i}]: "
            if not isinstance(r, Map):
                self.err(r, "wrong-type", f"{rw}a rule must be an object, got {_type_name(r)}")
                continue
            self._slash_comments(r)
            self.fields(r, allowed, rw)
            listed = errors(r, rw)
            if listed:
                self._shadowed(key, i, r, rw, listed, first_rule, all_at)
                for _, n in listed:
                    first_rule.setdefault(n, i)
                if all_at is None and any(n == "FnF.ALL" for _, n in listed):
                    all_at = i
            check(r, rw)

    def _rule_errors(self, r: Map, rw: str) -> list[tuple[Scalar, str]]:
        self.string(r, "Description", where=rw)
        errs = r.get("Errors")
        listed: list[tuple[Scalar, str]] = []
        if errs is None:
            self.missing(r, "Errors", f"{rw}missing required field 'Errors'")
        elif isinstance(errs, Seq) and not errs.items:
            self.err(errs, "wrong-type", f"{rw}'Errors' is empty; list at least one error name, e.g. [FnF.ALL]")
        elif not isinstance(errs, Seq):
            hint = (f"write it as an array: Errors: [{errs.value}]"
                    if isinstance(errs, Scalar) and isinstance(errs.value, str) else "")
            self.err(errs, "wrong-type", f"{rw}'Errors' must be an array of error names, got {_type_name(errs)}",
                     hint)
        else:
            for e in errs.items:
                if not isinstance(e, Scalar) or not isinstance(e.value, str):
                    self.err(e, "wrong-type", f"{rw}an error name must be a string, got {_type_name(e)}")
                    continue
                if e.value in S.ERROR_ALIASES:
                    self.warn(e, "error-alias", f"{rw}{e.value!r} is not a CloudFlow error name; read as "
                              f"{S.ERROR_ALIASES[e.value]!r}", f"write '{S.ERROR_ALIASES[e.value]}'")
                elif e.value not in S.KNOWN_ERRORS:
                    canon = _KNOWN_ERRORS_CI.get(e.value.lower())
                    if canon is not None:
                        self.warn(e, "error-name-case",
                                  f"{rw}{e.value!r} never matches {canon!r}: error names are case-sensitive",
                                  f"did you mean '{canon}'?")
                listed.append((e, S.ERROR_ALIASES.get(e.value, e.value)))
        return listed

    def _retry_rule(self, r: Map, rw: str) -> None:
        if "MaxAttempts" not in r:
            self.missing(r, "MaxAttempts", f"{rw}missing required field 'MaxAttempts'")
        self.integer(r, "MaxAttempts", 0, None, rw)
        if "IntervalSeconds" not in r:
            self.missing(r, "IntervalSeconds", f"{rw}missing required field 'IntervalSeconds'")
        self.integer(r, "IntervalSeconds", 0, S.MAX_RETRY_INTERVAL, rw)
        self.number(r, "BackoffRate", 1, rw)
        self.integer(r, "MaxBackoffSeconds", 0, S.MAX_RETRY_INTERVAL, rw)

    def _catch_rule(self, r: Map, rw: str, names, targets) -> None:
        if "Next" not in r:
            self.missing(r, "Next", f"{rw}missing required field 'Next'")
        else:
            self._target(r, "Next", names, rw, targets)
        self.constructor(r, "OutputConstructor", rw, ctx="Catch.OutputConstructor")
        if "OutputConstructor" not in r:
            self.warn(r, "catch-input-assumed",
                      f"{rw}no OutputConstructor: flowdbg gives the Next state the failed state's input "
                      "(CloudFlow's docs do not say what it gets)",
                      "add an OutputConstructor, e.g. error.$: $Context.Current.Error")

    def _shadowed(self, key, i, r, rw, listed, first_rule, all_at) -> None:
        """Warn when rule ``i`` of a Retry/Catch list can never be chosen, or
        lists an error an earlier rule always takes first."""
        if all_at is not None:
            self.warn(r, "unreachable-rule",
                      f"{rw}this rule is never used: {key}[{all_at}] lists FnF.ALL, which matches every error first",
                      f"move {key}[{all_at}] (FnF.ALL) to the end of {key}")
            return
        earlier = [(e, n) for e, n in listed if n in first_rule]
        if not earlier:
            return
        if len(earlier) == len(listed):
            taken = ", ".join(f"{n} by {key}[{first_rule[n]}]" for n in dict.fromkeys(n for _, n in listed))
            self.warn(r, "unreachable-rule", f"{rw}this rule is never used: every error it lists is matched "
                      f"first by an earlier rule ({taken})", "remove it, or move it above the rule that takes its errors")
            return
        for e, n in earlier:
            self.warn(e, "shadowed-error", f"{rw}{e.value!r} never reaches this rule: {key}[{first_rule[n]}] "
                      "matches it first", f"remove it here, or move this rule above {key}[{first_rule[n]}]")

    def state_task(self, m, where, names, targets):
        self._retry_catch(m, where, names, targets)
        action = self.string(m, "Action", required=True, where=where)
        mode = self.string(m, "TaskMode", where=where) or "RequestComplete"
        if mode in S.TASK_MODE_ALIASES:
            self.warn(m.get("TaskMode"), "mode-alias", f"{where}TaskMode {mode!r} is read as {S.TASK_MODE_ALIASES[mode]!r}",
                      f"write 'TaskMode: {S.TASK_MODE_ALIASES[mode]}'")
            mode = S.TASK_MODE_ALIASES[mode]
        elif mode not in S.TASK_MODES:
            guess = _suggest(mode, S.TASK_MODES)
            self.err(m.get("TaskMode"), "bad-enum", f"{where}TaskMode {mode!r} is not one of {', '.join(S.TASK_MODES)}",
                     f"did you mean {guess!r}?" if guess else "")
        if "Timeout" in m:
            self.integer(m, "Timeout", 0, S.MAX_TASK_TIMEOUT, where, allow_numeric_string=True)
        params = m.get("Parameters")
        if params is not None and not isinstance(params, Map):
            self.err(params, "wrong-type", f"{where}'Parameters' must be an object, got {_type_name(params)}")
            params = None
        exprs = []
        if params is not None:
            self._ctx = _Ctx("Parameters")
            exprs = self.template(params, "Parameters", where)
        if action is None:
            return
        if action in S.ACTION_ALIASES:
            self.warn(m.get("Action"), "action-alias", f"{where}Action {action!r} is read as {S.ACTION_ALIASES[action]!r}",
                      f"write 'Action: {S.ACTION_ALIASES[action]}'")
            action = S.ACTION_ALIASES[action]
        if not re.match(r"^[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*$", action):
            self.err(m.get("Action"), "bad-action", f"{where}Action {action!r} is not '<Product>:<Operation>'",
                     "for Function Compute write 'FC:InvokeFunction'")
            return
        self._known_action(m.get("Action"), action, where)
        if self.express and mode != "RequestComplete" and mode in S.TASK_MODES:
            self.err(m.get("TaskMode"), "mode-not-supported", f"{where}Express flows support only TaskMode RequestComplete")
        product = action.split(":")[0]
        allowed = S.MODE_MATRIX.get(product)
        if allowed is not None and mode in S.TASK_MODES and mode not in allowed:
            self.err(m.get("TaskMode"), "mode-not-supported",
                     f"{where}{product} integration does not support TaskMode {mode}; it supports "
                     + ", ".join(x for x in S.TASK_MODES if x in allowed))
        named = self._fc_parameters(m, params, mode, where) if action == "FC:InvokeFunction" else set()
        if params is not None:
            self.diags += parameter_slips(params, action, where, named)
        if mode == "WaitForCustomCallback" and not any(e.references(S.TASK_TOKEN_PATH) for e in exprs):
            self.warn(m.get("TaskMode"), "no-task-token",
                      f"{where}WaitForCustomCallback task never passes $Context.Current.TaskToken, so nobody can call back",
                      "add e.g. 'callbackToken.$: $Context.Current.TaskToken' to Parameters.body")

    def _known_action(self, node: Scalar, action: str, where: str) -> None:
        """Warn when ``action`` looks like a typo of an integration flowdbg
        knows (S.KNOWN_ACTIONS): its product differs only in case, or its
        operation is a near miss. Other ``Product:Operation`` pairs are generic
        OpenAPI calls and pass."""
        product, op = action.split(":", 1)
        canon_product = next((p for p in S.KNOWN_ACTIONS if p.lower() == product.lower()), None)
        if canon_product is None and product.lower() == "cloudflow":
            canon_product = "FNF"  # the child-flow action keeps the old product code (fdl-reference §6.3)
        if canon_product is None:
            return
        ops = S.KNOWN_ACTIONS[canon_product]
        guess = op if op in ops else _suggest(op, ops, S.ACTION_TYPO_CUTOFF)
        if (canon_product, guess) == (product, op):
            return
        if guess:  # a known action, misspelled or in the wrong case
            case = f" (the product code is spelled {canon_product!r})" if product.lower() == canon_product.lower() \
                and product != canon_product else ""
            self.warn(node, "unknown-action",
                      f"{where}Action {action!r} is not an action flowdbg knows{case}, so it runs as a generic call "
                      "that only a 'states:' mock answers", f"did you mean '{canon_product}:{guess}'?")
        elif product.lower() == canon_product.lower() and product != canon_product:
            # a generic call (or an OSS operation, unconfirmed) on a known product in the wrong case
            self.warn(node, "unknown-action", f"{where}Action {action!r}: the product code is spelled {canon_product!r}",
                      f"write 'Action: {canon_product}:{op}'")

    def _fc_parameters(self, m, params, mode, where):
        from .backends.fc import parse_function_arn
        if params is None:
            self.missing(m, "Parameters", f"{where}FC:InvokeFunction needs Parameters with resourceArn and invocationType",
                         node=m.get("Name") or m)
            return set()
        named: set[str] = set()  # slipped keys a missing-field error already names
        arn = params.get("resourceArn")
        if arn is None and "resourceArn.$" not in params:
            k = self.missing(params, "resourceArn", f"{where}Parameters: missing required field 'resourceArn'")
            named |= {str(k.value)} if k is not None else set()
        elif arn is not None and not (isinstance(arn, Scalar) and isinstance(arn.value, str)):
            self.err(arn, "wrong-type", f"{where}Parameters.resourceArn must be a string, got {_type_name(arn)}",
                     "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST")
        elif isinstance(arn, Scalar):
            try:
                parse_function_arn(arn.value)
            except ValueError as e:
                self.err(arn, "bad-arn", f"{where}Parameters.{e}",
                         "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST")
        it_node = params.get("invocationType")
        it = None
        if it_node is None and "invocationType.$" not in params:
            k = self.missing(params, "invocationType",
                             f"{where}Parameters: missing required field 'invocationType' (Sync or Async)")
            named |= {str(k.value)} if k is not None else set()
        elif it_node is not None:
            it = it_node.value if isinstance(it_node, Scalar) else None
            if it not in S.INVOCATION_TYPES:
                guess = _suggest(str(it), S.INVOCATION_TYPES)
                self.err(it_node, "bad-enum", f"{where}Parameters.invocationType must be Sync or Async, got {_type_name(it_node)}",
                         f"did you mean {guess!r}?" if guess else "")
                it = None
        if it == "Sync" and mode == "WaitForSystemCallback":
            self.err(it_node, "mode-not-supported",
                     f"{where}WaitForSystemCallback needs an asynchronous invocation (invocationType: Async)")
        if it == "Sync" and mode == "WaitForCustomCallback":
            self.warn(it_node, "sync-custom-callback",
                      f"{where}the FC integration page says WaitForCustomCallback is effective only for asynchronous invocations",
                      "use invocationType: Async")
        return named

    def _scopes(self, node, key, where, limit=None):
        if node is None:
            return
        if not isinstance(node, Seq):
            self.err(node, "wrong-type", f"{where}'{key}' must be an array of branches, got {_type_name(node)}")
            return
        if not node.items:
            self.err(node, "empty-scope", f"{where}'{key}' is empty")
        if limit is not None and len(node.items) > limit:
            self.err(node, "out-of-range", f"{where}{len(node.items)} branches; a Parallel state allows at most {limit}")
        for i, b in enumerate(node.items):
            if not isinstance(b, Map):
                self.err(b, "wrong-type", f"{where}{key}[{i}] must be an object with StartAt and States, got {_type_name(b)}")
                continue
            self.fields(b, S.SCOPE_FIELDS, f"{where}{key}[{i}]: ")
            self.scope(b, f"{where}{key}[{i}]: ")

    def state_parallel(self, m, where, names, targets):
        self._retry_catch(m, where, names, targets)
        if "Branches" not in m:
            self.missing(m, "Branches", f"{where}missing required field 'Branches'")
        self._scopes(m.get("Branches"), "Branches", where, S.MAX_PARALLEL_BRANCHES)

    def state_map(self, m, where, names, targets):
        self._retry_catch(m, where, names, targets)
        distributed = False
        pc = m.get("ProcessorConfig")
        if pc is not None:
            if isinstance(pc, Map):
                mode = pc.get("ExecutionMode")
                distributed = mode is not None
                self.warn(pc, "distributed-map", f"{where}distributed mode runs inline in flowdbg "
                          "(ItemReader/ItemBatcher/ResultWriter are not simulated)")
            else:
                self.err(pc, "wrong-type", f"{where}'ProcessorConfig' must be an object, got {_type_name(pc)}")
        items = m.get("ItemsPath")
        if items is None:
            self.missing(m, "ItemsPath", f"{where}missing required field 'ItemsPath'", node=m.get("Name") or m)
        else:
            self._ctx = _Ctx("ItemsPath")
            self.expression(items, "ItemsPath", where)
        key = "MaxConcurrency" if "MaxConcurrency" in m else "MaxConcuccency"
        hi = S.MAX_DISTRIBUTED_MAP_CONCURRENCY if distributed else S.MAX_INLINE_MAP_CONCURRENCY
        self.integer(m, key, 0, hi, where)
        self.constructor(m, "ItemConstructor", where)
        proc = m.get("Processor")
        if proc is None:
            self.missing(m, "Processor", f"{where}missing required field 'Processor'", node=m.get("Name") or m)
        elif not isinstance(proc, Map):
            self.err(proc, "wrong-type", f"{where}'Processor' must be an object with StartAt and States, got {_type_name(proc)}")
        else:
            self.fields(proc, S.SCOPE_FIELDS, f"{where}Processor: ")
            self.scope(proc, f"{where}Processor: ")


def validate(root: Node | None, express: bool = False, text: str = "") -> list[Diagnostic]:
    """All diagnostics for a loaded tree, in :func:`~.diagnostics.ordered` order.
    ``text`` (the source) lets a warning point inside a folded value."""
    v = Validator(express=express, text=text)
    v._ctx = _Ctx("")
    return v.validate(root)
