"""The positioned nodes a definition or mock file is loaded into (``load.py``):
plain values that remember their line and column, with no YAML in sight,
so the stages after loading need no YAML parser.

Nothing changes a node once the loader has made it, but the classes are not
``frozen``: a frozen dataclass sets each field through ``object.__setattr__``,
and loading a big flow makes some ten nodes a state (a fifth of its load).
They compare by identity (``eq=False``), as frozen ones did."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass(slots=True, eq=False)
class Node:
    line: int  # 1-based
    col: int  # 1-based


@dataclass(slots=True, eq=False)
class Scalar(Node):
    value: Any  # str, int, float, bool or None (timestamps become ISO strings)
    tag: str = ""  # a non-standard tag such as "!Ref", else ""
    quoted: bool = False

    @property
    def end(self) -> int:
        return self.line


@dataclass(slots=True, eq=False)
class Seq(Node):
    items: tuple[Node, ...] = ()
    #: the last line any node under it starts on (its keys' too), set by the loaders; 0: not known
    end: int = 0


@dataclass(slots=True, eq=False)
class Map(Node):
    items: tuple[tuple[Scalar, Node], ...] = ()
    _index: dict = field(default_factory=dict, repr=False)
    end: int = 0  # as Seq.end

    def get(self, key: str) -> Node | None:
        return self._index.get(key)

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in self.items:
            if k.value == key:
                return k
        return None

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.items]

    def __contains__(self, key: str) -> bool:
        return key in self._index


def to_python(node: Node) -> Any:
    """The plain JSON-like value of ``node`` (dict/list/scalars). A scalar's value is read
    in place, not through a call (a first run makes this of every state, for its digest)."""
    t = type(node)
    if t is Map:
        return {str(k.value): v.value if type(v) is Scalar else to_python(v) for k, v in node.items}
    if t is Scalar:
        return node.value
    if t is Seq:
        return [n.value if type(n) is Scalar else to_python(n) for n in node.items]
    raise TypeError(node)


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Seq):
        for n in node.items:
            yield from walk(n)
    elif isinstance(node, Map):
        for k, v in node.items:
            yield k
            yield from walk(v)
