"""Frozen syntax-tree nodes. ``col`` is the 1-based column of the node's token."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from .paths import Path


@dataclass(frozen=True)
class Literal:
    value: Any  # str, int, float, bool or None
    col: int


@dataclass(frozen=True)
class ArrayLiteral:
    items: tuple["Node", ...]
    col: int


@dataclass(frozen=True)
class ObjectLiteral:
    entries: tuple[tuple[str, "Node"], ...]
    col: int


@dataclass(frozen=True)
class PathRef:
    path: Path
    col: int


@dataclass(frozen=True)
class Unary:
    op: str  # "!" or "-"
    operand: "Node"
    col: int


@dataclass(frozen=True)
class Binary:
    op: str  # == != < <= > >= in && ||
    left: "Node"
    right: "Node"
    col: int


@dataclass(frozen=True)
class Call:
    name: str  # canonical name (aliases resolved)
    args: tuple["Node", ...]
    col: int
    written: str = ""  # the name as written (may be an alias)


Node = Union[Literal, ArrayLiteral, ObjectLiteral, PathRef, Unary, Binary, Call]


def walk(node: Node):
    """Yield *node* and all nodes below it, depth first."""
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        if isinstance(cur, ArrayLiteral):
            stack.extend(reversed(cur.items))
        elif isinstance(cur, ObjectLiteral):
            stack.extend(reversed([v for _, v in cur.entries]))
        elif isinstance(cur, Unary):
            stack.append(cur.operand)
        elif isinstance(cur, Binary):
            stack.extend((cur.right, cur.left))
        elif isinstance(cur, Call):
            stack.extend(reversed(cur.args))
