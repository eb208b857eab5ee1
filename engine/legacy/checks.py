"""Field checks of the legacy validator: mappings and their paths, conditions, waits, a
task's target and its retry/catch rules. A mixin of :class:`.validate.LegacyValidator`
(it uses the v1 validator's primitives: ``err``, ``warn``, ``string``, ``integer``...).
"""
from __future__ import annotations

import datetime
import re

from .. import schema as V1
from ..expressions import ExpressionSyntaxError
from ..expressions.legacy import (INPUT_ROOTS, compile_condition, is_input_path, is_mapping_path, parse_path)
from ..nodes import Map, Node, Scalar, Seq, to_python
from ..validate.rules import rule_list
from ..validate.words import suggest, type_name
from . import schema as S
from .resources import ACTION, FC, FLOW, MNS, UNKNOWN, from_action, from_arn, looks_like_placeholder

_KNOWN_ERRORS = set(V1.KNOWN_ERRORS) | {S.INVALID_LOCAL}
_KNOWN_CI = {e.lower(): e for e in _KNOWN_ERRORS}
_MODE_PRODUCT = {FC: "FC", FLOW: "FNF", MNS: "MNS"}


def _col(node: Scalar, col: int | None) -> int:
    return node.col + (col or 1) - 1 + (1 if node.quoted else 0)


def parse_rfc3339(text: str) -> datetime.datetime | None:
    """An RFC 3339 date-time with a zone (``2019-05-02T15:04:05Z``, ``...+08:00``), or None."""
    if not isinstance(text, str) or "T" not in text.upper():
        return None
    try:
        value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


class Checks:
    # -- paths ----------------------------------------------------------------------
    def path_error(self, node: Scalar, e: ExpressionSyntaxError, field: str, where: str) -> None:
        self.err(Scalar(node.line, _col(node, e.col), node.value), e.code, f"{where}{field}: {e.message}",
                 e.hint or "")

    def input_path(self, node: Node, field: str, where: str):
        """A path over the step input (``$.key``): foreach collection, wait, serviceParams."""
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            self.err(node, "wrong-type", f"{where}'{field}' must be a path such as $.items, got {type_name(node)}")
            return None
        if not is_input_path(node.value):
            self.err(node, "not-a-path", f"{where}'{field}' must be a path over the step input such as $.items, got "
                     f"{node.value!r}", "write $.key (the step's input is $)")
            return None
        try:
            return parse_path(node.value, INPUT_ROOTS)
        except ExpressionSyntaxError as e:
            self.path_error(node, e, field, where)
            return None

    def condition(self, node: Node, where: str) -> None:
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            hint = "a condition is an expression string such as $.status == \"ready\""
            if isinstance(node, Scalar) and isinstance(node.value, bool):
                hint += f"; for a constant, quote it: condition: \"{str(node.value).lower()}\""
            self.err(node, "not-an-expression", f"{where}condition must be an expression string, got "
                     f"{type_name(node)}", hint)
            return
        try:
            compile_condition(node.value)
        except ExpressionSyntaxError as e:
            self.path_error(node, e, "condition", where)

    # -- mappings -------------------------------------------------------------------
    def mappings(self, m: Map, key: str, where: str, ctx: str) -> None:
        """``ctx``: flow-input, flow-output, input, output-<step type>, error."""
        node = m.get(key)
        if node is None:
            return
        if not isinstance(node, Seq):
            hint = "each entry is '- target: key' with 'source: ...'" if isinstance(node, Map) else ""
            self.err(node, "wrong-type", f"{where}'{key}' must be an array of {{target, source}}, got "
                     f"{type_name(node)}", hint)
            return
        seen: dict[str, int] = {}
        for i, e in enumerate(node.items):
            ew = f"{where}{key}[{i}]: "
            if not isinstance(e, Map):
                self.err(e, "wrong-type", f"{ew}a mapping must be an object with target and source, got {type_name(e)}")
                continue
            self.fields(e, S.MAPPING_FIELDS, ew)
            target = self.string(e, "target", required=True, where=ew)
            if target is not None:
                if target in seen:
                    self.warn(e.get("target"), "duplicate-target", f"{ew}target {target!r} is also mapped at line "
                              f"{seen[target]}; the later one wins")
                seen[target] = e.get("target").line
            if "source" not in e:
                self.warn(e, "missing-field", f"{ew}no source: target {target!r} gets null")
                continue
            self.source(e.get("source"), ew, ctx, m)

    def source(self, node: Node, where: str, ctx: str, step: Map) -> None:
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            return  # a constant of any JSON type
        text = node.value
        if not is_mapping_path(text):
            if text.startswith("$") and not node.quoted:
                if is_input_path(text):
                    hint = f"write '$input{text[1:]}'"
                else:
                    word = re.match(r"\$\w*", text).group()
                    guess = suggest(word, ["$input", "$local", "$context"], 0.7)
                    hint = (f"did you mean '{guess}{text[len(word):]}'?" if guess else
                            "quote it to keep the constant and silence this warning")
                self.warn(node, "literal-path", f"{where}source {text!r} is read as a constant string: a mapping "
                          "reads $input, $local or $context", hint)
            return
        try:
            path = parse_path(text)
        except ExpressionSyntaxError as e:
            self.path_error(node, e, "source", where)
            return
        segs = path.segments
        if path.root == "$context":
            self._context_path(node, path, where, ctx, step)
        elif path.root == "$local" and ctx == "flow-input":
            self.warn(node, "empty-local", f"{where}$local is empty in a flow's inputMappings (no step has run)")
        elif path.root == "$local" and ctx in ("output-parallel", "output-foreach") and segs and isinstance(segs[0], str):
            kind = "branch" if ctx == "output-parallel" else "iteration"
            self.warn(node, "local-is-array", f"{where}$local of a {ctx[7:]} step is the array of its {kind} "
                      f"results, so {text} reads null", f"did you mean $local[*].{segs[0]}?")
        elif path.root == "$local" and ctx == "error" and not (segs and segs[0] in S.ERROR_LOCALS):
            self.warn(node, "error-local", f"{where}in errorMappings $local holds the error: read $local.error "
                      "or $local.cause")

    def _context_path(self, node, path, where, ctx, step: Map) -> None:
        segs = [s for s in path.segments if isinstance(s, str)]
        if not segs:
            return
        known = S.CONTEXT_FIELDS
        if segs[0] not in known:
            guess = suggest(segs[0], known)
            self.warn(node, "unknown-context", f"{where}$context has no field {segs[0]!r} (it has "
                      f"{', '.join(known)})", f"did you mean '$context.{guess}'?" if guess else "")
            return
        if len(segs) > 1 and segs[1] not in known[segs[0]]:
            guess = suggest(segs[1], known[segs[0]])
            self.warn(node, "unknown-context", f"{where}$context.{segs[0]} has no field {segs[1]!r} (it has "
                      f"{', '.join(known[segs[0]])})", f"did you mean '$context.{segs[0]}.{guess}'?" if guess else "")
            return
        if tuple(segs[:2]) == S.TASK_TOKEN:
            pattern = step.get("pattern")
            if ctx != "input" or not (isinstance(pattern, Scalar) and pattern.value == "waitForCallback"):
                self.warn(node, "no-task-token", f"{where}$context.task.token is set only in the inputMappings of "
                          "a task with pattern: waitForCallback; here it reads null")

    # -- waits ----------------------------------------------------------------------
    def duration(self, m: Map, where: str) -> None:
        node = m.get("duration")
        v = node.value if isinstance(node, Scalar) else None
        if isinstance(v, str) and is_input_path(v):
            self.input_path(node, "duration", where)
            return
        if isinstance(v, bool) or not isinstance(v, int):
            hint = "write whole seconds, e.g. duration: 10, or a path such as duration: $.seconds"
            self.err(node, "wrong-type", f"{where}'duration' must be whole seconds or a path, got {type_name(node)}",
                     hint)
            return
        if not 0 <= v <= S.MAX_WAIT_SECONDS:
            self.err(node, "out-of-range", f"{where}'duration' is {v}; it must be between 0 and "
                     f"{S.MAX_WAIT_SECONDS} (2 days)")

    def timestamp(self, m: Map, where: str) -> None:
        node = m.get("timestamp")
        v = node.value if isinstance(node, Scalar) else None
        if isinstance(v, str) and is_input_path(v):
            self.input_path(node, "timestamp", where)
            return
        if parse_rfc3339(v) is None:
            self.err(node, "bad-timestamp", f"{where}'timestamp' must be an RFC 3339 time with a zone or a path, "
                     f"got {type_name(node)}", "e.g. timestamp: 2019-05-02T15:04:05Z or timestamp: $.when")

    # -- tasks ----------------------------------------------------------------------
    def task_target(self, m: Map, where: str) -> None:
        arn, action = m.get("resourceArn"), m.get("action")
        if arn is None and action is None:
            guess = next((k for k, _ in m.items if suggest(k.value, ["resourceArn"], 0.75)), None)
            self.err(m.get("name") or m, "missing-field", f"{where}a task needs resourceArn (or action for a "
                     "service integration)", f"line {guess.line} has '{guess.value}': did you mean 'resourceArn'?"
                     if guess else "e.g. resourceArn: acs:fc:cn-hangzhou:123456:services/svc/functions/fn")
            res = None
        elif arn is not None and action is not None:
            self.err(m.key_node("action"), "conflicting-fields", f"{where}use either resourceArn or action, not both")
            res = None
        elif arn is not None:
            res = self._arn(arn, where)
        else:
            res = None
            a = self.string(m, "action", where=where)
            if a is not None:
                if ":" not in a or not all(a.split(":", 1)):
                    self.err(action, "bad-action", f"{where}action {a!r} is not '<product>:<Operation>'",
                             "e.g. action: fnf:StartExecution")
                else:
                    res = from_action(a)
        pattern = self.string(m, "pattern", where=where)
        if pattern is not None and pattern not in S.PATTERNS:
            guess = suggest(pattern, S.PATTERNS)
            self.err(m.get("pattern"), "bad-enum", f"{where}pattern {pattern!r} is not one of {', '.join(S.PATTERNS)}",
                     f"did you mean {guess!r}?" if guess else "")
            pattern = None
        pattern = pattern or S.DEFAULT_PATTERN
        if res is not None and res.kind in _MODE_PRODUCT:
            product = _MODE_PRODUCT[res.kind]
            mode = S.PATTERNS[pattern]
            if mode not in V1.MODE_MATRIX.get(product, {mode}):
                ok = [p for p, md in S.PATTERNS.items() if md in V1.MODE_MATRIX[product]]
                self.err(m.get("pattern"), "mode-not-supported", f"{where}{res.kind.upper()} does not support pattern "
                         f"{pattern}; it supports {', '.join(ok)}")
        self.integer(m, "timeoutSeconds", 1, V1.MAX_TASK_TIMEOUT, where)
        sp = m.get("serviceParams")
        if sp is not None and not isinstance(sp, Map):
            self.err(sp, "wrong-type", f"{where}'serviceParams' must be an object, got {type_name(sp)}")
        elif sp is not None:
            self._params(sp, where, "serviceParams")
        if pattern == "waitForCallback" and not self._passes_token(m):
            self.warn(m.get("pattern"), "no-task-token", f"{where}a waitForCallback task never passes "
                      "$context.task.token, so nobody can call back",
                      "add '- target: taskToken' with 'source: $context.task.token' to inputMappings")

    def _arn(self, node: Node, where: str):
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            self.err(node, "wrong-type", f"{where}'resourceArn' must be a string, got {type_name(node)}",
                     "e.g. acs:fc:cn-hangzhou:123456:services/svc/functions/fn")
            return None
        if node.tag and node.tag != "!Ref":
            return None  # the loader already warned about the tag
        try:
            res = from_arn(node.value, node.tag)
        except ValueError as e:
            self.err(node, "bad-arn", f"{where}{e}", "e.g. acs:fc:cn-hangzhou:123456:services/svc/functions/fn")
            return None
        if node.tag == "!Ref":
            self.accepted_tags.add((node.line, node.col))
        if res.kind == UNKNOWN:
            what = "is a template placeholder" if looks_like_placeholder(node.value) else "is not an FC function, flow or MNS ARN"
            self.warn(node, "unknown-resource", f"{where}resourceArn {node.value!r} {what}; flowdbg answers this task "
                      "from a 'states:' mock under the step's name")
        return res

    def _params(self, node: Node, where: str, field: str) -> None:
        if isinstance(node, Map):
            for k, v in node.items:
                self._params(v, where, f"{field}.{k.value}")
        elif isinstance(node, Seq):
            for i, v in enumerate(node.items):
                self._params(v, where, f"{field}[{i}]")
        elif isinstance(node, Scalar) and is_input_path(node.value):
            try:
                parse_path(node.value, INPUT_ROOTS)
            except ExpressionSyntaxError as e:
                self.path_error(node, e, field, where)

    @staticmethod
    def _passes_token(m: Map) -> bool:
        text = "".join(str(to_python(m.get(k))) for k in ("inputMappings", "serviceParams") if k in m)
        return "$context.task.token" in text

    def retry_catch(self, m: Map, where: str, names, targets: set) -> None:
        rule_list(self, m, "retry", S.RETRY_FIELDS, where, self._errors, self._retry_fields)
        rule_list(self, m, "catch", S.CATCH_FIELDS, where, self._errors,
                  lambda r, rw: self._goto(r, rw, names, targets))

    def _retry_fields(self, r: Map, rw: str) -> None:
        self.integer(r, "intervalSeconds", 0, S.RETRY_MAX_INTERVAL, rw)
        self.integer(r, "maxIntervalSeconds", 0, S.RETRY_MAX_INTERVAL, rw)
        self.integer(r, "maxAttempts", 0, None, rw)
        self.number(r, "multiplier", 1, rw)

    def _goto(self, r: Map, rw: str, names, targets: set) -> None:
        if "goto" not in r:
            self.err(r, "missing-field", f"{rw}missing required field 'goto'")
        else:
            self.target(r, "goto", names, rw, targets)

    def _errors(self, r: Map, rw: str) -> list:
        errs = r.get("errors")
        if errs is None:
            self.err(r, "missing-field", f"{rw}missing required field 'errors'", "e.g. errors: [FnF.ALL]")
            return []
        if not isinstance(errs, Seq):
            hint = f"write it as an array: errors: [{errs.value}]" if isinstance(errs, Scalar) else ""
            self.err(errs, "wrong-type", f"{rw}'errors' must be an array of error names, got {type_name(errs)}", hint)
            return []
        if not errs.items:
            self.err(errs, "wrong-type", f"{rw}'errors' is empty; list at least one error name, e.g. [FnF.ALL]")
        listed = []
        for e in errs.items:
            if not isinstance(e, Scalar) or not isinstance(e.value, str):
                self.err(e, "wrong-type", f"{rw}an error name must be a string, got {type_name(e)}")
                continue
            canon = _KNOWN_CI.get(e.value.lower())
            if canon is not None and canon != e.value:
                self.warn(e, "error-name-case", f"{rw}{e.value!r} never matches {canon!r}: error names are "
                          "case-sensitive", f"did you mean '{canon}'?")
            listed.append((e, e.value))
        return listed


__all__ = ["Checks", "parse_rfc3339"]
