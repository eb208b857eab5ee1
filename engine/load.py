"""Load: FDL YAML text -> a tree of nodes that remember their line and column.

Only safe loading is used (pyyaml's composer with ``SafeLoader``); nothing in
a definition can construct Python objects. Every problem becomes a
:class:`~.diagnostics.Diagnostic`; this module never raises on bad input.

Typos that Alibaba's own pages carry (a tab in the indentation, ``-Name:``
without a space, ``//`` comments) get a hint that says how to fix them.
"""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from .diagnostics import ERROR, WARNING, Diagnostic


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    line: int  # 1-based
    col: int  # 1-based


@dataclass(frozen=True, slots=True, eq=False)
class Scalar(Node):
    value: Any  # str, int, float, bool or None (timestamps become ISO strings)
    tag: str = ""  # a non-standard tag such as "!Ref", else ""
    quoted: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Seq(Node):
    items: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Map(Node):
    items: tuple[tuple[Scalar, Node], ...] = ()
    _index: dict = field(default_factory=dict, repr=False)

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
    """The plain JSON-like value of ``node`` (dict/list/scalars)."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Seq):
        return [to_python(n) for n in node.items]
    if isinstance(node, Map):
        return {str(k.value): to_python(v) for k, v in node.items}
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


@dataclass(frozen=True)
class LoadResult:
    """``root`` is ``None`` when the text is not YAML at all."""

    root: Node | None
    diagnostics: tuple[Diagnostic, ...]
    text: str


# libyaml's parser when pyyaml was built with it (5-10x faster on big flows); same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STD_TAGS = {"int", "float", "bool", "null", "str", "timestamp", "binary", "merge", "value"}
_COLON_NO_SPACE = re.compile(
    r"^(\s*(?:-\s+)?)(Condition|Next|Name|Type|Default|StartAt|End|Seconds|Action|TaskMode|ItemsPath|Code|Detail)"
    r":(?!//)(\S.*)$")
_DASH_NO_SPACE = re.compile(r"^(\s*)-([A-Za-z_\u0080-\uffff][^:\s]*):")


MAX_NODES = 200_000  # YAML aliases can expand exponentially ("billion laughs")
MAX_DEPTH = 100


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node, self.message = node, message


class _Builder:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")
        self._count = 0
        self._depth = 0

    def scalar(self, n: yaml.ScalarNode) -> Scalar:
        line, col = n.start_mark.line + 1, n.start_mark.column + 1
        tag = n.tag or ""
        short = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else None
        quoted = n.style in ("'", '"')
        if short is None:  # a custom tag such as !Ref: keep the text, warn
            self.diags.append(Diagnostic(WARNING, "yaml-tag", line, col,
                                         f"YAML tag {tag} is not part of FDL; its value is read as the plain string {n.value!r}",
                                         "CloudFlow does not resolve template tags; substitute the value before running"))
            return Scalar(line, col, n.value, tag=tag, quoted=quoted)
        try:
            value = self._constructor.construct_object(n, deep=True)
        except yaml.YAMLError as e:
            self.diags.append(Diagnostic(ERROR, "yaml-value", line, col, f"bad YAML value: {e}"))
            value = n.value
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat().replace("+00:00", "Z")
        elif isinstance(value, bytes):
            value = n.value
        return Scalar(line, col, value, quoted=quoted)

    def node(self, n: yaml.Node) -> Node:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooBig(n, f"the definition expands to more than {MAX_NODES:,} YAML nodes (YAML aliases?)")
        if self._depth >= MAX_DEPTH:
            raise _TooBig(n, f"the definition nests deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return self._node(n)
        finally:
            self._depth -= 1

    def _node(self, n: yaml.Node) -> Node:
        line, col = n.start_mark.line + 1, n.start_mark.column + 1
        if isinstance(n, yaml.ScalarNode):
            return self.scalar(n)
        if isinstance(n, yaml.SequenceNode):
            return Seq(line, col, tuple(self.node(c) for c in n.value))
        if isinstance(n, yaml.MappingNode):
            items: list[tuple[Scalar, Node]] = []
            index: dict = {}
            for k, v in n.value:
                if not isinstance(k, yaml.ScalarNode):
                    self.diags.append(Diagnostic(ERROR, "bad-key", k.start_mark.line + 1, k.start_mark.column + 1,
                                                 "a mapping key must be a plain string"))
                    continue
                key = self.scalar(k)
                if not isinstance(key.value, str):
                    key = Scalar(key.line, key.col, str(key.value) if key.value is not None else "null")
                if key.value in index:
                    self.diags.append(Diagnostic(ERROR, "duplicate-key", key.line, key.col,
                                                 f"duplicate key {key.value!r} (first at line {_first_line(items, key.value)})"))
                    continue
                value = self.node(v)
                items.append((key, value))
                index[key.value] = value
            return Map(line, col, tuple(items), index)
        raise TypeError(n)


def _first_line(items, key) -> int:
    for k, _ in items:
        if k.value == key:
            return k.line
    return 0


def _yaml_error(text: str, err: yaml.YAMLError) -> Diagnostic:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    lines = text.splitlines()
    hint = ""
    # Find the likeliest cause near the reported place: look at this line and a few above.
    for ln in range(min(line, len(lines)), max(0, line - 4), -1):
        src = lines[ln - 1]
        indent = src[: len(src) - len(src.lstrip(" \t"))]
        if "\t" in indent:
            return Diagnostic(ERROR, "yaml-tab", ln, indent.index("\t") + 1,
                              "a tab character in the indentation; YAML indents with spaces only",
                              "replace the tab with spaces")
        c = _COLON_NO_SPACE.match(src)
        if c:
            return Diagnostic(ERROR, "yaml-colon-space", ln, len(c.group(1)) + 1,
                              f"'{c.group(2)}:{c.group(3)[:24]}' is not a field: YAML needs a space after the colon",
                              f"write '{c.group(2)}: {c.group(3)[:24]}'")
        m = _DASH_NO_SPACE.match(src)
        if m:
            return Diagnostic(ERROR, "yaml-dash-space", ln, len(m.group(1)) + 1,
                              f"'-{m.group(2)}:' is not a list item; YAML needs a space after '-'",
                              f"write '- {m.group(2)}:'")
    return Diagnostic(ERROR, "yaml-syntax", line, col, message, hint)


def load_text(text: str) -> LoadResult:
    """Parse ``text`` into nodes. Never raises on bad input."""
    diags: list[Diagnostic] = []
    try:
        composed = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        return LoadResult(None, (_yaml_error(text, e),), text)
    except RecursionError:
        return LoadResult(None, (Diagnostic(ERROR, "too-large", 1, 1, "the definition nests too deeply"),), text)
    if composed is None:
        return LoadResult(None, (Diagnostic(ERROR, "empty", 1, 1, "the definition is empty"),), text)
    b = _Builder()
    try:
        root = b.node(composed)
    except _TooBig as e:
        m = e.node.start_mark
        return LoadResult(None, (Diagnostic(ERROR, "too-large", m.line + 1, m.column + 1, e.message),), text)
    except RecursionError:
        return LoadResult(None, (Diagnostic(ERROR, "too-large", 1, 1, "the definition nests too deeply"),), text)
    diags.extend(b.diags)
    return LoadResult(root, tuple(diags), text)


def load_file(path: str) -> LoadResult:
    """Read and parse a definition file. An unreadable file is a diagnostic."""
    if os.path.isdir(path):
        return LoadResult(None, (Diagnostic(ERROR, "io", 1, 1, "is a directory, not a file"),), "")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return LoadResult(None, (Diagnostic(ERROR, "io", 1, 1, f"cannot read the file: {e.strerror or e}"),), "")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return LoadResult(None, (Diagnostic(ERROR, "encoding", line, 1, "the file is not UTF-8 text"),), "")
    return load_text(text)
