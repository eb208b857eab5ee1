"""Legacy sources and conditions as FDL v1 expression text, for :mod:`.convert`.

In the rewritten flow every state passes a *carry*: ``{"input": I, "local": L}`` (plus
``"up"``, the enclosing carry, inside a choice's inline steps), where ``I`` and ``L`` are the
legacy ``$input`` and ``$local`` of the list of steps being run. A :class:`Value` is what a
legacy source reads, in one of three forms: a v1 path, a constant, or an expression; reading a
key of it keeps the simplest form (a path stays a path, a constant is looked into).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..expressions import ast
from ..expressions.legacy import WILDCARD, LegacyCondition, LegacyPath
from ..expressions.paths import render


class NotFaithful(Exception):
    """A source or condition FDL v1 cannot express; the message says why."""


def literal(value: Any) -> str:
    """A JSON value as v1 expression text (the lexer reads JSON's literals and escapes)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Value:
    kind: str  # path | const | expr
    text: str = ""  # a path's fixed start ("$Input.input", "$Output.Body") or an expression
    segs: tuple = ()  # path segments after the root
    const: Any = None

    @staticmethod
    def path(root: str, *segs) -> "Value":
        return Value("path", root, tuple(segs))

    @staticmethod
    def of(const: Any) -> "Value":
        return Value("const", const=const)

    @staticmethod
    def expr(text: str) -> "Value":
        return Value("expr", text)

    def expression(self) -> str:
        if self.kind == "path":
            return render(self.text, self.segs)
        if self.kind == "const":
            return literal(self.const)
        return self.text

    def at(self, seg) -> "Value":
        if seg is WILDCARD:
            raise NotFaithful("a [*] wildcard: FDL v1 paths have no wildcards")
        if self.kind == "path":
            return Value("path", self.text, self.segs + (seg,))
        if self.kind == "const":
            c = self.const
            ok = (isinstance(c, dict) and isinstance(seg, str) and seg in c) or \
                 (isinstance(c, list) and isinstance(seg, int) and seg < len(c))
            return Value.of(c[seg] if ok else None)
        return Value.expr(f"get({self.text}, {literal(seg)})")

    def under(self, segs) -> "Value":
        v = self
        for s in segs:
            v = v.at(s)
        return v


def obj(entries: dict[str, Value]) -> Value:
    """An object of values: a constant when every value is one."""
    if all(v.kind == "const" for v in entries.values()):
        return Value.of({k: v.const for k, v in entries.items()})
    return Value.expr("{" + ", ".join(f"{literal(k)}: {v.expression()}" for k, v in entries.items()) + "}")


def array(items: list[Value]) -> Value:
    if all(v.kind == "const" for v in items):
        return Value.of([v.const for v in items])
    return Value.expr("[" + ", ".join(v.expression() for v in items) + "]")


def merge(base: Value, over: Value) -> Value:
    """``base`` with ``over`` merged over it (jsonMerge: later wins)."""
    if over.kind == "const" and over.const == {}:
        return base
    if base.kind == "const" and base.const == {}:
        return over
    return Value.expr(f"jsonMerge({base.expression()}, {over.expression()})")


@dataclass
class Frame:
    """What the legacy roots read where a source is evaluated. ``local`` is a Value, or a
    list of Values (a parallel's branch results), or None (a foreach's results: not
    expressible); ``input_by_target`` holds a step's own inputMappings, target -> Value."""

    input: Value
    local: Any
    context: dict  # legacy $context field path -> Value
    input_by_target: dict[str, Value] | None = None


def translate(path: LegacyPath, frame: Frame) -> Value:
    """The Value a legacy path reads in ``frame``. Raises NotFaithful."""
    segs = list(path.segments)
    if path.root in ("$input", "$"):
        if frame.input_by_target is not None:
            if not segs:
                return obj(frame.input_by_target)
            first = segs.pop(0)
            v = frame.input_by_target.get(first) if isinstance(first, str) else None
            return (v or Value.of(None)).under(segs)
        return frame.input.under(segs)
    if path.root == "$context":
        key = tuple(s for s in segs[:2])
        if key not in frame.context:
            raise NotFaithful(f"{path.text}: FDL v1's $Context has no counterpart")
        return frame.context[key].under(segs[2:])
    # $local
    local = frame.local
    if isinstance(local, dict):  # an object of values (a caught error's $local)
        if not segs:
            return obj(local)
        first = segs.pop(0)
        return local.get(first, Value.of(None)).under(segs) if isinstance(first, str) else Value.of(None)
    if isinstance(local, list):  # a parallel's branch results
        if not segs:
            return array(local)
        first = segs.pop(0)
        if first is WILDCARD:
            if any(s is WILDCARD for s in segs):
                raise NotFaithful(f"{path.text}: FDL v1 cannot flatten nested wildcards")
            return array([b.under(segs) for b in local])
        if isinstance(first, int):
            return local[first].under(segs) if first < len(local) else Value.of(None)
        return Value.of(None)  # a key of an array reads null
    if local is None:
        if segs and isinstance(segs[0], str):
            return Value.of(None)
        raise NotFaithful(f"{path.text}: a foreach's $local is its iteration results, which FDL v1 cannot "
                          "read after a Map (no wildcards)")
    return local.under(segs)


def source_value(mapping, frame: Frame) -> Value:
    src = mapping.source
    return Value.of(src.constant) if src.path is None else translate(src.path, frame)


# -- conditions ------------------------------------------------------------------

def condition(cond: LegacyCondition, frame: Frame) -> str:
    """v1 text for a legacy condition. Where a path is compared with a constant (or stands
    alone), a missing key reads null in the legacy flow and the v1 path would fail: such
    comparisons are guarded with ``in`` tests so the branch taken is the same."""
    slots = {f"#{i}": translate(p, frame) for i, p in enumerate(cond.paths)}
    return _print(cond._expr.tree, slots, top=True)


def _slot(node, slots):
    if isinstance(node, ast.PathRef) and node.path.segments and str(node.path.segments[0]).startswith("#"):
        return slots[node.path.segments[0]]
    return None


def _guard(v: Value) -> str | None:
    """``"a" in $X && "b" in $X.a`` for a path ``$X.a.b``; None when nothing can be missing."""
    if v.kind != "path" or not v.segs:
        return None
    parts, base = [], Value.path(v.text)
    for s in v.segs:
        if isinstance(s, int):
            parts.append(f"length({base.expression()}) > {s}")
        else:
            parts.append(f"{literal(s)} in {base.expression()}")
        base = base.at(s)
    return " && ".join(parts)


def _print(node, slots, top=False) -> str:
    v = _slot(node, slots)
    if v is not None:
        g = _guard(v)
        if top and g:  # a condition that is one path: missing is false
            return f"{g} && {v.expression()}"
        return v.expression()
    if isinstance(node, ast.Literal):
        return literal(node.value)
    if isinstance(node, ast.ArrayLiteral):
        return "[" + ", ".join(_print(i, slots) for i in node.items) + "]"
    if isinstance(node, ast.ObjectLiteral):
        return "{" + ", ".join(f"{literal(k)}: {_print(x, slots)}" for k, x in node.entries) + "}"
    if isinstance(node, ast.Unary):
        return f"{node.op}{_wrap(node.operand, slots)}"
    if isinstance(node, ast.Call):
        return f"{node.written or node.name}(" + ", ".join(_print(a, slots) for a in node.args) + ")"
    left, right, op = node.left, node.right, node.op
    if op in ("&&", "||"):
        return f"{_logical(left, slots, op)} {op} {_logical(right, slots, op)}"
    text = f"{_wrap(left, slots)} {op} {_wrap(right, slots)}"
    lv, rv = _slot(left, slots), _slot(right, slots)
    if op in ("==", "!=", "in") and (lv is None) != (rv is None) and not (op == "in" and lv is None):
        path_v, other = (lv, right) if lv is not None else (rv, left)
        g = _guard(path_v)
        if g and isinstance(other, (ast.Literal, ast.ArrayLiteral, ast.ObjectLiteral)):
            other_null = isinstance(other, ast.Literal) and other.value is None
            # what the legacy flow gives when the key is missing (the path reads null)
            missing_true = (op == "==" and other_null) or (op == "!=" and not other_null)
            return f"!({g}) || {text}" if missing_true else f"{g} && {text}"
    return text


def _logical(node, slots, op) -> str:
    inner = _print(node, slots, top=True)
    if isinstance(node, ast.Binary) and node.op in ("&&", "||") and node.op == op:
        return inner
    return f"({inner})" if (" && " in inner or " || " in inner) else inner


def _wrap(node, slots) -> str:
    text = _print(node, slots)
    return f"({text})" if isinstance(node, ast.Binary) else text


__all__ = ["Value", "Frame", "NotFaithful", "translate", "source_value", "condition", "obj", "array", "merge", "literal"]
