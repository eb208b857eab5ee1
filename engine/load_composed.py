"""pyyaml's composed nodes -> positioned nodes: the reference loader.

:mod:`.load` reads libyaml's event stream directly (:mod:`.load_events`); it
steps aside to this builder, which works on the nodes pyyaml's composer makes,
for what it does not handle itself (recursive or undefined aliases, unusual
merges, limits reached, bad YAML), and the tests hold the two to the same
nodes and diagnostics. Scalars are resolved here for both.
"""
from __future__ import annotations

import yaml

from . import yaml_scalars as Y
from .diagnostics import ERROR, WARNING, Diagnostic
from .json_values import surrogate_problem
from .nodes import Map, Node, Scalar, Seq
from .yaml_scalars import resolve

#: libyaml's parser when pyyaml was built with it (5-10x faster on big flows); same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000  # YAML aliases can expand exponentially ("billion laughs")
MAX_DEPTH = 100


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node, self.message = node, message


_QUOTES = ("'", '"')
_STR, _INT = Y.STR, Y.INT
# Plain text that YAML 1.1 and 1.2 read alike as a string needs no closer look:
# anything not starting like a number and not y/Y/n/N.
_MAYBE_NUMBER = frozenset("+-.0123456789")


class _Builder:
    """Composed pyyaml nodes -> positioned nodes. Scalars are resolved by
    :mod:`.yaml_scalars` (not pyyaml's constructor: several times faster, and
    bad explicit tags become diagnostics instead of exceptions)."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.diags: list[Diagnostic] = []
        self._count = 0
        self._depth = 0

    def scalar(self, n: yaml.ScalarNode) -> Scalar:
        tag, text, style = n.tag, n.value, n.style
        if tag == _STR:  # the common cases first, resolved inline
            if style:  # quoted, literal or folded: the text itself
                if text.isascii() or not surrogate_problem(text):
                    m = n.start_mark
                    return Scalar(m.line + 1, m.column + 1, text, "", style in _QUOTES)
            elif text[:1] not in _MAYBE_NUMBER and text not in Y.YN:
                m = n.start_mark
                return Scalar(m.line + 1, m.column + 1, text, "", False)
        elif tag == _INT and not style and text.isdigit() and text[0] != "0" and len(text) < 300 and text.isascii():
            m = n.start_mark
            return Scalar(m.line + 1, m.column + 1, int(text), "", False)
        return self._slow_scalar(n)

    def _slow_scalar(self, n: yaml.ScalarNode) -> Scalar:
        line, col = n.start_mark.line + 1, n.start_mark.column + 1
        tag = n.tag or ""
        quoted = n.style in _QUOTES
        if not tag.startswith(Y.YAML):  # a custom tag such as !Ref: keep the text, warn
            self.diags.append(Diagnostic(WARNING, "yaml-tag", line, col,
                                         f"YAML tag {tag} is not part of FDL; its value is read as the plain string {n.value!r}",
                                         "CloudFlow does not resolve template tags; substitute the value before running"))
            return Scalar(line, col, n.value, tag, quoted)
        plain = not n.style  # None from pyyaml, "" from libyaml
        explicit = not plain or tag not in (Y.STR, Y.INT, Y.FLOAT, Y.BOOL, Y.NULL, Y.TIMESTAMP)
        r = resolve(tag, n.value, plain, explicit)
        # A timestamp's text is kept as written, so `!!timestamp abc` shows only by its tag.
        if (r.warning or r.error or tag == Y.TIMESTAMP) and not explicit and Y.explicit_tag(self.text, n.start_mark.index):
            r = resolve(tag, n.value, plain, True)  # `!!str yes` wants no warning
        if r.error:
            self.diags.append(Diagnostic(ERROR, r.code or "yaml-value", line, col, r.error))
        elif r.warning:
            self.diags.append(Diagnostic(WARNING, r.code, line, col, r.warning, r.hint))
        return Scalar(line, col, r.value, "", quoted)

    def key(self, n: yaml.ScalarNode) -> Scalar:
        """A mapping key is the text as written (``on:`` is the key "on", ``012:``
        the key "012"), which is also what YAML 1.2 and JSON give."""
        tag, text = n.tag, n.value
        if tag and not tag.startswith(Y.YAML):
            return self._slow_scalar(n)
        m = n.start_mark
        line, col = m.line + 1, m.column + 1
        if not text.isascii() and (why := surrogate_problem(text)):
            self.diags.append(Diagnostic(ERROR, "yaml-value", line, col, "the key " + why))
        return Scalar(line, col, text, "", n.style in _QUOTES)

    def node(self, n: yaml.Node) -> Node:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooBig(n, f"the definition expands to more than {MAX_NODES:,} YAML nodes (YAML aliases?)")
        if type(n) is yaml.ScalarNode:
            return self.scalar(n)
        if self._depth >= MAX_DEPTH:
            raise _TooBig(n, f"the definition nests deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            if type(n) is yaml.MappingNode:
                return self._mapping(n)
            if type(n) is yaml.SequenceNode:
                if n.tag != Y.SEQ:
                    self._collection_tag(n)
                m = n.start_mark
                items = tuple([self.node(c) for c in n.value])
                return Seq(m.line + 1, m.column + 1, items, max([m.line + 1] + [c.end for c in items]))
            raise TypeError(n)
        finally:
            self._depth -= 1

    def _collection_tag(self, n: yaml.Node) -> None:
        if n.tag and n.tag not in Y.COLLECTION_TAGS:
            m = n.start_mark
            self.diags.append(Diagnostic(WARNING, "yaml-tag", m.line + 1, m.column + 1,
                                         f"YAML tag {n.tag.replace(Y.YAML, '!!')} is not part of FDL; "
                                         "the value is read as a plain " +
                                         ("mapping" if isinstance(n, yaml.MappingNode) else "list"),
                                         "CloudFlow does not resolve template tags; substitute the value before running"))

    def _mapping(self, n: yaml.MappingNode) -> Map:
        if n.tag != Y.MAP:
            self._collection_tag(n)
        items: list[tuple[Scalar, Node]] = []
        index: dict = {}
        merged: list[tuple[Scalar, Node]] = []
        for k, v in n.value:
            if type(k) is not yaml.ScalarNode:
                self.diags.append(Diagnostic(ERROR, "bad-key", k.start_mark.line + 1, k.start_mark.column + 1,
                                             "a mapping key must be a plain string"))
                continue
            if k.tag == Y.MERGE:  # `<<: *base`: the anchored mapping's entries; explicit keys win
                merged.extend(self._merge(v))
                continue
            key = self.key(k)
            if key.value in index:
                self.diags.append(Diagnostic(ERROR, "duplicate-key", key.line, key.col,
                                             f"duplicate key {key.value!r} (first at line {_first_line(items, key.value)})"))
                continue
            value = self.node(v)
            items.append((key, value))
            index[key.value] = value
        for key, value in merged:
            if key.value not in index:
                items.append((key, value))
                index[key.value] = value
        m = n.start_mark
        end = max([m.line + 1] + [max(k.line, v.end) for k, v in items])
        return Map(m.line + 1, m.column + 1, tuple(items), index, end)

    def _merge(self, v: yaml.Node) -> list[tuple[Scalar, Node]]:
        sources = v.value if type(v) is yaml.SequenceNode else [v]
        out: list[tuple[Scalar, Node]] = []
        for src in sources:
            built = self.node(src)
            if not isinstance(built, Map):
                self.diags.append(Diagnostic(ERROR, "yaml-merge", built.line, built.col,
                                             "'<<' merges a mapping (or a list of mappings) into this one"))
                continue
            out.extend(built.items)
        return out



def _first_line(items, key) -> int:
    for k, _ in items:
        if k.value == key:
            return k.line
    return 0



def load(text: str) -> tuple[Node | None, list[Diagnostic]]:
    """``text`` composed by pyyaml and built: the root (``None`` when the text
    is not a definition at all) and the diagnostics."""
    from .yaml_errors import yaml_error
    try:
        composed = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as e:
        return None, [yaml_error(text, e)]
    except RecursionError:
        return None, [Diagnostic(ERROR, "too-large", 1, 1, "the definition nests too deeply")]
    if composed is None:
        return None, [Diagnostic(ERROR, "empty", 1, 1, "the definition is empty")]
    b = _Builder(text)
    try:
        root = b.node(composed)
    except _TooBig as e:
        m = e.node.start_mark
        return None, [Diagnostic(ERROR, "too-large", m.line + 1, m.column + 1, e.message)]
    except RecursionError:
        return None, [Diagnostic(ERROR, "too-large", 1, 1, "the definition nests too deeply")]
    return root, b.diags
