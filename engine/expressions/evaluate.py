"""Turn a frozen AST into nested closures once; evaluating is calling ``fn(env)``.

Semantics (project decision 2, https://alibabacloud.com/help/tc/serverless-workflow/latest/select-choice):
``==``/``!=`` are type-strict deep equality; ``< <= > >=`` need two numbers or two
strings; ``&&``/``||``/``!`` need booleans and short-circuit; unary ``-`` needs a
number; ``in`` tests array membership (strict equality) or object keys (string left).
Every failure is an ExpressionRuntimeError carrying the column of the failing node.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

from . import ast
from .errors import ExpressionRuntimeError
from .functions import built, lookup
from .paths import resolve
from .values import describe, is_number, json_equal, type_name

Fn = Callable[[Any], Any]
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def build(node: ast.Node) -> Fn:
    """Closure computing *node* for an Env (anything with .roots/.random/.unavailable)."""
    return _BUILDERS[type(node)](node)


def _literal(node: ast.Literal) -> Fn:
    value = node.value
    return lambda env: value


def _measured(what: str, col: int, fn: Fn) -> Fn:
    def measured(env):
        try:
            return built(what, fn(env), env)
        except ExpressionRuntimeError as exc:
            if exc.col is None:
                exc.col = col
            raise
    return measured


def _array(node: ast.ArrayLiteral) -> Fn:
    items = tuple(build(item) for item in node.items)
    return _measured("array literal", node.col, lambda env: [f(env) for f in items])


def _object(node: ast.ObjectLiteral) -> Fn:
    entries = tuple((key, build(value)) for key, value in node.entries)
    return _measured("object literal", node.col, lambda env: {key: f(env) for key, f in entries})


def _path(node: ast.PathRef) -> Fn:
    path, col = node.path, node.col
    root, segments = path.root, path.segments
    if len(segments) == 1 and type(segments[0]) is str:  # $Input.key: most of what constructors read
        key = segments[0]

        def key_fn(env):
            value = env.roots.get(root)
            if type(value) is dict and key in value:
                return value[key]
            return resolve(path, env.roots, env.unavailable, col)  # says what is missing
        return key_fn

    def fn(env):
        return resolve(path, env.roots, env.unavailable, col)
    return fn


def _unary(node: ast.Unary) -> Fn:
    inner, col = build(node.operand), node.col
    if node.op == "!":
        def fn(env):
            value = inner(env)
            if value is True or value is False:
                return not value
            raise ExpressionRuntimeError(f"operand of '!' must be a boolean, got {describe(value)}", col)
        return fn

    def neg(env):
        value = inner(env)
        if is_number(value):
            return -value
        raise ExpressionRuntimeError(f"operand of unary '-' must be a number, got {describe(value)}", col)
    return neg


def _logical(op: str, left: Fn, right: Fn, col: int) -> Fn:
    stop = op == "||"  # the left value that decides the result

    def fn(env):
        a = left(env)
        if a is not True and a is not False:
            raise ExpressionRuntimeError(f"left operand of '{op}' must be a boolean, got {describe(a)}", col)
        if a is stop:
            return a
        b = right(env)
        if b is True or b is False:
            return b
        raise ExpressionRuntimeError(f"right operand of '{op}' must be a boolean, got {describe(b)}", col)
    return fn


def _ordering(op: str, left: Fn, right: Fn, col: int) -> Fn:
    compare = _ORDER[op]

    def fn(env):
        a, b = left(env), right(env)
        if (is_number(a) and is_number(b)) or (isinstance(a, str) and isinstance(b, str)):
            return compare(a, b)
        raise ExpressionRuntimeError(f"cannot compare {type_name(a)} with {type_name(b)} using '{op}'", col)
    return fn


def _membership(left: Fn, right: Fn, col: int) -> Fn:
    def fn(env):
        needle, hay = left(env), right(env)
        if isinstance(hay, list):
            return any(json_equal(needle, item) for item in hay)
        if isinstance(hay, dict):
            if isinstance(needle, str):
                return needle in hay
            raise ExpressionRuntimeError(
                f"left operand of 'in' must be a string when the right is an object, got {describe(needle)}", col)
        raise ExpressionRuntimeError(
            f"right operand of 'in' must be an array or object, got {describe(hay)}", col)
    return fn


def _binary(node: ast.Binary) -> Fn:
    left, right, op, col = build(node.left), build(node.right), node.op, node.col
    if op in ("&&", "||"):
        return _logical(op, left, right, col)
    if op == "==":
        return lambda env: json_equal(left(env), right(env))
    if op == "!=":
        return lambda env: not json_equal(left(env), right(env))
    if op == "in":
        return _membership(left, right, col)
    return _ordering(op, left, right, col)


def _call(node: ast.Call) -> Fn:
    impl, name, col = lookup(node.name).impl, node.written or node.name, node.col
    args = tuple(build(arg) for arg in node.args)

    def fn(env):
        values = [f(env) for f in args]
        try:
            return impl(name, values, env)
        except ExpressionRuntimeError as exc:
            if exc.col is None:
                exc.col = col
            raise
    return fn


_BUILDERS = {
    ast.Literal: _literal,
    ast.ArrayLiteral: _array,
    ast.ObjectLiteral: _object,
    ast.PathRef: _path,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Call: _call,
}
