"""Mocks written inside a test file, parsed by the mock file's own parser.

:func:`~flowdbg.engine.mocks.parse_mocks` reads text. To give it a case's
``mocks:`` mapping with its messages still pointing into the test file, the
mapping's own source text is kept at its line and column and everything
else is blanked out; YAML allows an indented top-level node, so the parse
sees exactly what the user wrote, where they wrote it.

A case may also empty a key the default mocks answer (``WaitForApproval: []``
or ``WaitForApproval: null``): that name then has no answers, as if the
default mock file did not name it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from ..diagnostics import ERROR, Diagnostic
from ..load import Map, Node, Scalar, Seq, to_python
from ..mocks import MockFile, MockFileError, parse_mocks

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _nodes(text: str):
    """Every composed node of ``text``, each once."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        return
    todo = [root] if root is not None else []
    seen: set[int] = set()
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                todo += [k, v]
        elif isinstance(n, yaml.SequenceNode):
            todo += n.value


def _at(text: str, line: int, col: int, kind) -> tuple[int, int] | None:
    """Start and end offsets of the node of ``kind`` starting at line:col (1-based)."""
    for n in _nodes(text):
        if isinstance(n, kind) and n.start_mark.line + 1 == line and n.start_mark.column + 1 == col:
            return n.start_mark.index, n.end_mark.index
    return None


def isolate(text: str, node: Map) -> str | None:
    """``text`` with only ``node``'s source left, at the same line and column."""
    span = _at(text, node.line, node.col, yaml.MappingNode)
    if span is None:
        return None
    start, end = span
    body = text[start:end].rstrip()
    return "\n" * (node.line - 1) + " " * (node.col - 1) + body + "\n"


@dataclass(frozen=True)
class MockLayer:
    """Mocks a case puts over the defaults: ``mocks``, and the keys it
    empties (``name: []`` or ``name: null``: no answers for that name)."""

    mocks: MockFile
    removed: tuple[tuple[str, str], ...] = ()  # (section, key)


# A placeholder answer parse_mocks accepts, for a key the case empties.
_PLACEHOLDER = {"functions": "[{body: null}]", "states": "[{result: null}]", "callbacks": "[{succeed: {}}]"}


def _emptied(node: Map) -> list[tuple[str, str, Node]]:
    out = []
    for section in _PLACEHOLDER:
        sec = node.get(section)
        if isinstance(sec, Map):
            for k, v in sec.items:
                if (isinstance(v, Scalar) and v.value is None) or (isinstance(v, Seq) and not v.items):
                    out.append((section, str(k.value), v))
    return out


def _fill(src: str, emptied: list[tuple[str, str, Node]]) -> str:
    """Put a placeholder answer where the case empties a key, so the mock
    parser accepts it; the placeholders are dropped after parsing."""
    spans = []
    for section, _, v in emptied:
        kind = yaml.SequenceNode if isinstance(v, Seq) else yaml.ScalarNode
        span = _at(src, v.line, v.col, kind)
        if span is not None:
            spans.append((span, _PLACEHOLDER[section]))
    for (start, end), text in sorted(spans, reverse=True):
        src = src[:start] + (" " if src[start - 1:start] == ":" else "") + text + src[end:]
    return src


def _layer(mf: MockFile, emptied: list[tuple[str, str, Node]]) -> MockLayer:
    for section, key, _ in emptied:
        getattr(mf, section).pop(key, None)
    return MockLayer(mf, tuple((s, k) for s, k, _ in emptied))


def inline_mocks(text: str, node: Map, path: str) -> MockLayer:
    """The mocks written at ``node`` in the test file ``path``.
    Raises :class:`MockFileError` with positions in the test file."""
    emptied = _emptied(node)
    src = isolate(text, node)
    if src is not None:
        try:
            return _layer(parse_mocks(_fill(src, emptied), path), emptied)
        except MockFileError as e:
            if all(d.code == "mock" for d in e.diagnostics):
                raise
            # The slice did not parse on its own (an alias to an anchor outside
            # it): parse the value instead, reporting at the mapping's start.
    value = to_python(node)
    for section, key, _ in emptied:
        value[section][key] = [yaml.safe_load(_PLACEHOLDER[section])[0]]
    try:
        return _layer(parse_mocks(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), path), emptied)
    except MockFileError as e:
        raise MockFileError(path, [Diagnostic(ERROR, d.code, node.line, node.col, d.message, d.hint)
                                   for d in e.diagnostics]) from None


def mapping_layer(value: dict, path: str = "") -> MockLayer:
    """A layer from Python data in the mock file's shape (the API's
    ``mock_overrides``); ``name: []`` or ``None`` empties a key."""
    value = {k: (dict(v) if isinstance(v, dict) else v) for k, v in value.items()}
    emptied = []
    for section, placeholder in _PLACEHOLDER.items():
        sec = value.get(section)
        if isinstance(sec, dict):
            for key, answers in list(sec.items()):
                if answers is None or answers == []:
                    sec[key] = yaml.safe_load(placeholder)
                    emptied.append((section, key, None))
    return _layer(parse_mocks(json.dumps(value, ensure_ascii=False), path), emptied)
