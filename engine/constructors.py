"""Constructors: ``key.$`` templates (InputConstructor, OutputConstructor,
Parameters, ItemConstructor, Catch OutputConstructor).

A key ending in ``.$`` takes the value of its expression and drops the
suffix; any other key keeps its value literally (a string ``"$Input.x"``
stays a string), at any depth, in maps and in lists.

Source: https://www.alibabacloud.com/help/en/serverless-workflow/latest/data-transfer
"""
from __future__ import annotations

from dataclasses import dataclass, field as _field
from typing import Any

from .errors import FlowError
from .expressions import (Env, Expression, ExpressionError, ExpressionRuntimeError, compile_expression,
                          flow_error_code)
from .expressions.ast import Literal, PathRef
from .json_values import encoded_size
from .nodes import Map, Node, Scalar, to_python


@dataclass(frozen=True)
class Template:
    """A compiled constructor. ``field`` names it in error details
    (e.g. ``InputConstructor``).

    ``size_bound``, set by the second :meth:`evaluate` (a template evaluated
    once, as most states of a run are, never pays for it), says what bounds the
    size of the values it builds: ``(constant bytes, constant levels, parts)``,
    each part ``(root, depth, segments)`` a path's value placed ``depth``
    containers deep. A path's value is part of its root's value, so its JSON is
    at most as long as the root's and nests ``segments`` levels less: a value
    is at most ``constant bytes + the sizes of the parts' roots`` bytes, and
    nests at most ``max(constant levels, depth + root's levels - segments)``
    levels. False: some key's expression can build a value of any size (a
    function call); None: not evaluated twice yet.
    """

    field: str
    root: Any  # _Obj | _Arr | _Expr | literal
    roots: frozenset = frozenset()  # the roots its expressions read ($Input, $Context, ...)
    _fn: Any = None  # the compiled builder, fn(env) -> value, made on first use
    size_bound: tuple | bool | None = _field(default=None, compare=False, repr=False)  # see above

    def evaluate(self, env: Env, state: str) -> Any:
        """Build the value. Raises :class:`FlowError` ``FnF.RuntimeError``
        naming the state, the field and the path on any expression error."""
        fn = self._fn
        if fn is None:  # a big flow builds only the templates its run reaches
            fn = _builder(self.root)
            object.__setattr__(self, "_fn", fn)
        elif self.size_bound is None:  # evaluated again (a loop, a Map, another run): worth bounding
            object.__setattr__(self, "size_bound", _size_bound(self.root) or False)
        try:
            return fn(env)
        except _Failed as f:
            e = f.error
            raise FlowError(flow_error_code(e), f"state {state!r}, {self.field}.{f.path}: {e}") from None

    def references(self, prefix: str) -> bool:
        return any(e.references(prefix) for e in _exprs(self.root))

    @property
    def expressions(self) -> list[Expression]:
        return list(_exprs(self.root))

    def __reduce__(self):  # the builder is a closure: pickle the tree, build it again
        return (_template, (self.field, self.root, self.roots))


# A template's tree. Nothing changes one once compiled, but they are not ``frozen``: a frozen
# dataclass sets each field through object.__setattr__, and a big flow compiles a few a state.
# They compare and hash by value, as frozen ones did.

@dataclass(slots=True, unsafe_hash=True)
class _Expr:
    path: str  # e.g. "body.videoUrl.$"
    expr: Expression


@dataclass(slots=True, unsafe_hash=True)
class _Obj:
    items: tuple  # ((key, node), ...)


@dataclass(slots=True, unsafe_hash=True)
class _Arr:
    items: tuple


def _compile(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            sub = f"{path}.{k}" if path else k
            if k.endswith(".$"):
                items.append((k[:-2], _Expr(sub, compile_expression(v))))
            else:
                items.append((k, _compile(v, sub)))
        return _Obj(tuple(items))
    if isinstance(value, list):
        return _Arr(tuple(_compile(v, f"{path}[{i}]") for i, v in enumerate(value)))
    return value


def _template(field: str, root: Any, roots: frozenset) -> Template:
    return Template(field, root, roots)


def compile_template(field: str, value: Any) -> Template:
    """Compile a constructor given as plain data. The definition must have
    passed validation (expression syntax errors raise here)."""
    root = _compile(value, "")
    return Template(field, root, frozenset().union(*(e.roots for e in _exprs(root))))


def compile_template_node(field: str, node: Map) -> Template:
    """:func:`compile_template` of ``to_python(node)``, from the loaded nodes
    themselves: a big flow's build compiles a constructor or more a state, and
    the plain copy of each, then a walk for its roots, were a third of it."""
    roots: set = set()
    root = _compile_node(node, "", roots)
    t = object.__new__(Template)  # Template(field, root, roots) without its frozen __init__'s setattr calls
    t.__dict__.update(field=field, root=root, roots=frozenset(roots), _fn=None, size_bound=None)
    return t


def _compile_node(node: Node, path: str, roots: set) -> Any:
    t = type(node)
    if t is Scalar:
        return node.value
    if t is Map:
        items = []
        for k, v in node.items:
            key = str(k.value)
            sub = f"{path}.{key}" if path else key
            if key.endswith(".$"):
                e = compile_expression(v.value if type(v) is Scalar else to_python(v))
                roots.update(e.roots)
                items.append((key[:-2], _Expr(sub, e)))
            elif type(v) is Scalar:
                items.append((key, v.value))
            else:
                items.append((key, _compile_node(v, sub, roots)))
        return _Obj(tuple(items))
    return _Arr(tuple([_compile_node(v, f"{path}[{i}]", roots) for i, v in enumerate(node.items)]))


class _Failed(Exception):
    """An expression of the template failed at ``path``: the template names
    the state and field (raised through nested builders untouched)."""

    def __init__(self, path: str, error: ExpressionError) -> None:
        self.path, self.error = path, error


_TOO_DEEP = "value is nested too deeply to evaluate"  # as Expression.evaluate says it


def _builder(node: Any):
    """A closure ``fn(env) -> value`` building ``node``'s value, like compiled
    expressions are: the tree is walked once here, not at every evaluation.
    Parts without an expression are built once and shared (values are never
    changed in place); an object starts as a copy of its constant keys, in
    order, and its computed keys are filled in."""
    t = type(node)
    if t is _Expr:
        fn, path = node.expr.compiled, node.path

        def expr(env):
            try:
                return fn(env)
            except ExpressionError as e:
                raise _Failed(path, e) from None
            except RecursionError:
                raise _Failed(path, ExpressionRuntimeError(_TOO_DEEP)) from None
        return expr
    if t is _Obj or t is _Arr:
        if not any(True for _ in _exprs(node)):
            const = _constant(node)
            return lambda env: const
        if t is _Arr:
            items = tuple(_builder(v) for v in node.items)
            return lambda env: [f(env) for f in items]
        base: dict = {}
        parts = []  # (key, fn, path): path for an expression key, None for a nested builder
        for k, v in node.items:
            if type(v) is _Expr:
                base[k] = None
                parts.append((k, v.expr.compiled, v.path))
            elif any(True for _ in _exprs(v)):
                base[k] = None
                parts.append((k, _builder(v), None))
            else:
                base[k] = _constant(v)
        parts = tuple(parts)

        def obj(env):
            d = base.copy()
            for k, fn, path in parts:
                try:
                    d[k] = fn(env)
                except ExpressionError as e:
                    raise _Failed(path, e) from None
                except RecursionError:
                    raise _Failed(path, ExpressionRuntimeError(_TOO_DEEP)) from None
            return d
        return obj
    return lambda env: node


class _Unbounded(Exception):
    pass


def _size_bound(root: Any) -> tuple | None:
    """Template.size_bound for the template tree ``root``."""
    parts: list = []
    levels = [0]

    def walk(node: Any, depth: int) -> int:
        t = type(node)
        if t is _Expr:
            tree = getattr(node.expr, "tree", None)
            if type(tree) is PathRef:
                parts.append((tree.path.root, depth, len(tree.path.segments)))
                return 0
            if type(tree) is Literal:
                levels[0] = max(levels[0], depth)
                return encoded_size(tree.value)
            raise _Unbounded
        if t is _Obj:
            levels[0] = max(levels[0], depth + 1)
            return 2 + max(len(node.items) - 1, 0) + sum(encoded_size(k) + 1 + walk(v, depth + 1)
                                                         for k, v in node.items)
        if t is _Arr:
            levels[0] = max(levels[0], depth + 1)
            return 2 + max(len(node.items) - 1, 0) + sum(walk(v, depth + 1) for v in node.items)
        levels[0] = max(levels[0], depth)
        return encoded_size(node)

    try:
        size = walk(root, 0)
    except (_Unbounded, ValueError, TypeError):
        return None
    return size, levels[0], tuple(parts)


def _constant(node: Any) -> Any:
    t = type(node)
    if t is _Obj:
        return {k: _constant(v) for k, v in node.items}
    if t is _Arr:
        return [_constant(v) for v in node.items]
    return node


def _exprs(node: Any):
    t = type(node)
    if t is _Obj:
        for _, v in node.items:
            yield from _exprs(v)
    elif t is _Arr:
        for v in node.items:
            yield from _exprs(v)
    elif t is _Expr:
        yield node.expr
