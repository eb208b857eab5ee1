"""Compiled expressions: :func:`compile_expression` and :class:`Expression`."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from . import ast
from .env import Env
from .errors import ExpressionRuntimeError, ExpressionSyntaxError
from .evaluate import build
from .functions import BUILTINS
from .paths import parse_path
from .values import describe


@dataclass(frozen=True, eq=False)
class Expression:
    """An immutable compiled expression.

    ``roots``: roots referenced (subset of $Input/$Output/$Context/$Item);
    ``paths``: normalized text of each path, in order of first appearance;
    ``is_constant``: no paths and no uuid()/randomInt() calls; ``tree``: the AST.
    """

    text: str
    tree: ast.Node = field(repr=False)
    roots: frozenset[str]
    paths: tuple[str, ...]
    is_constant: bool
    _fn: Callable[[Any], Any] = field(repr=False)

    def references(self, prefix: str) -> bool:
        """True if some path equals *prefix* or lies below it (``prefix.x``/``prefix[0]``).
        *prefix* is normalized first, so ``$Input["a"]`` matches ``$Input.a``."""
        if prefix.startswith("$"):
            try:
                path, end = parse_path(prefix, 0)
                if end == len(prefix):
                    prefix = path.text
            except ExpressionSyntaxError:
                pass
        return any(p == prefix or p.startswith(prefix + ".") or p.startswith(prefix + "[")
                   for p in self.paths)

    def __reduce__(self):  # the evaluator is a closure: pickle the tree, build it again (no parsing)
        return (_rebuild, (self.text, self.tree, self.roots, self.paths, self.is_constant))

    @property
    def compiled(self) -> Callable[[Any], Any]:
        """The evaluator itself, ``fn(env)``, for callers that evaluate many
        expressions in a row (constructors): like :meth:`evaluate` without its
        frame, but a value nested too deeply raises RecursionError."""
        return self._fn

    def evaluate(self, env: Env) -> Any:
        """Value of the expression in *env*. Raises ExpressionRuntimeError only."""
        try:
            return self._fn(env)
        except RecursionError:
            raise ExpressionRuntimeError("value is nested too deeply to evaluate") from None

    def evaluate_condition(self, env: Env) -> bool:
        """Like evaluate, but the result must be a boolean (Choice conditions).
        Doc: https://alibabacloud.com/help/tc/serverless-workflow/latest/select-choice"""
        value = self.evaluate(env)
        if value is True or value is False:
            return value
        raise ExpressionRuntimeError(f"condition must be a boolean, got {describe(value)}", 1)


def _rebuild(text: str, tree, roots: frozenset, paths: tuple, is_constant: bool) -> Expression:
    return Expression(text, tree, roots, paths, is_constant, build(tree))


@lru_cache(maxsize=4096)
def _compile(text: str) -> Expression:
    from .parser import parse  # a flow out of the definition cache parses nothing
    tree = parse(text)
    paths: dict[str, None] = {}
    roots: set[str] = set()
    random = False
    for node in ast.walk(tree):
        if isinstance(node, ast.PathRef):
            paths.setdefault(node.path.text)
            roots.add(node.path.root)
        elif isinstance(node, ast.Call) and BUILTINS[node.name].random:
            random = True
    return Expression(text, tree, frozenset(roots), tuple(paths),
                      not paths and not random, build(tree))


def compile_expression(text: str) -> Expression:
    """Compile *text* (cached per distinct text).

    Raises ExpressionSyntaxError(message, col, code, hint) with code
    ``expression-syntax``, ``unknown-function``, ``unsupported-path`` or ``bad-arity``.
    """
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"expression must be a string, got {describe(text)}", 1)
    return _compile(text)
