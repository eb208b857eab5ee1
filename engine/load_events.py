"""libyaml's event stream -> positioned nodes, without pyyaml's composer.

Composing pyyaml's nodes and then turning them into ours was most of the time
of loading a big flow, and the composer asks pyyaml's resolver (Python) about
every scalar. This builder makes our nodes straight from the C parser's events;
a plain scalar whose first character no implicit resolver starts with (most
keys, names and text) is a string without asking. Anchors, aliases and merge
keys give what the composer + :class:`~.load_composed._Builder` give: an alias
is a copy of its anchor's node, and brings that node's diagnostics again.

What it does not do itself it hands back (:class:`StepAside`) to the reference
loader (:mod:`.load_composed`), which then loads the whole text, so its words
and positions stay the only ones: bad YAML, a second document, undefined,
duplicate or recursive anchors, a merge of anything but mappings, and the node
and depth limits.
"""
from __future__ import annotations

import yaml
from yaml import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent

from . import yaml_scalars as Y
from .diagnostics import ERROR, Diagnostic
from .load_composed import _QUOTES, LOADER, MAX_DEPTH, MAX_NODES, _Builder, _first_line
from .nodes import Map, Node, Scalar, Seq

_RESOLVER = yaml.resolver.Resolver()  # the composer's, for the scalars the first character does not settle
#: The first characters an implicitly resolved tag (int, bool, null, merge, ...) can start with ('' for empty).
_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_SCALAR_NODE = yaml.ScalarNode
_MERGE = object()  # what a key is when it is the merge key '<<'


class StepAside(Exception):
    """This text is for the reference loader."""


class _Anchor:
    __slots__ = ("event", "node", "size", "height", "diags", "open")

    def __init__(self, event=None):
        self.event = event  # a scalar's event: built again at each alias, as key or value
        self.node: Node | None = None  # a collection's node, copied at each alias
        self.size = self.height = 0  # nodes it counts for; how deep its collections nest below it
        self.diags: list[Diagnostic] = []
        self.open = event is None  # a collection being built: an alias to it would be recursive


class EventBuilder(_Builder):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.anchors: dict[str, _Anchor] = {}
        self._deepest = 0

    def build(self) -> tuple[Node | None, list[Diagnostic]]:
        """The root and the diagnostics, as :func:`.load_composed.load` gives them."""
        parser = LOADER(self.text)
        try:
            self._get = get = parser.get_event
            get()  # the stream's start
            if type(get()) is yaml.StreamEndEvent:
                return None, [Diagnostic(ERROR, "empty", 1, 1, "the definition is empty")]
            root = self._node(get(), 0)
            get()  # the document's end
            if type(get()) is not yaml.StreamEndEvent:
                raise StepAside("a second document")
        except yaml.YAMLError as e:
            raise StepAside("not YAML") from e
        finally:
            parser.dispose()
        if self._count > MAX_NODES:
            raise StepAside("too many nodes")
        return root, self.diags

    # -- values --------------------------------------------------------------------------
    def _node(self, e, depth: int) -> Node:
        t = type(e)
        if t is ScalarEvent:
            if e.anchor is not None:
                self._anchor(e.anchor, _Anchor(e))
            self._count += 1
            return self.Scalar(e)
        if t is AliasEvent:
            return self._alias(e, depth)
        if e.anchor is None:
            return self._collection(e, depth)
        a = _Anchor()
        self._anchor(e.anchor, a)
        count, deepest, ndiags = self._count, self._deepest, len(self.diags)
        self._deepest = depth
        a.node = node = self._collection(e, depth)
        a.size, a.height, a.diags, a.open = self._count - count, self._deepest - depth, self.diags[ndiags:], False
        self._deepest = max(deepest, self._deepest)
        return node

    def _anchor(self, name: str, a: _Anchor) -> None:
        if name in self.anchors:
            raise StepAside("a duplicate anchor")  # the composer's error says where both are
        self.anchors[name] = a

    def Scalar(self, e) -> Scalar:
        tag, text, style = e.tag, e.value, e.style
        if tag is None:
            if style:
                tag = Y.STR
            elif text[:1] not in _FIRST:  # no implicit tag can match: a string (what the composer resolves)
                m = e.start_mark
                return Scalar(m.line + 1, m.column + 1, text, "", False)
            else:
                tag = _RESOLVER.resolve(_SCALAR_NODE, text, e.implicit)
        elif tag == "!":
            tag = _RESOLVER.resolve(_SCALAR_NODE, text, e.implicit)
        return self.scalar(_SCALAR_NODE(tag, text, e.start_mark, e.end_mark, style))

    def _alias(self, e, depth: int) -> Node:
        a = self._target(e)
        if a.event is not None:
            self._count += 1
            return self.Scalar(a.event)
        self._count += a.size
        if self._count > MAX_NODES or depth + a.height >= MAX_DEPTH:
            raise StepAside("a limit")
        self._deepest = max(self._deepest, depth + a.height)
        self.diags += a.diags
        return _copy(a.node)

    def _target(self, e) -> _Anchor:
        a = self.anchors.get(e.anchor)
        if a is None or a.open:
            raise StepAside("an undefined or recursive alias")
        return a

    def _collection(self, e, depth: int) -> Node:
        if depth >= MAX_DEPTH or type(e) not in (MappingStartEvent, SequenceStartEvent):
            raise StepAside("too deep")
        if depth > self._deepest:
            self._deepest = depth
        self._count += 1
        tag = e.tag
        m = e.start_mark
        if type(e) is MappingStartEvent:
            if tag is not None and tag != "!" and tag != Y.MAP:
                self._collection_tag(yaml.MappingNode(tag, [], m))
            return self._mapping(m, depth + 1)
        if tag is not None and tag != "!" and tag != Y.SEQ:
            self._collection_tag(yaml.SequenceNode(tag, [], m))
        get, node, items = self._get, self._node, []
        end = m.line + 1
        while type(e := get()) is not SequenceEndEvent:
            items.append(n := node(e, depth + 1))
            if n.end > end:
                end = n.end
        return Seq(m.line + 1, m.column + 1, tuple(items), end)

    def _mapping(self, m, child: int) -> Map:
        """The entries up to the mapping's end; ``m`` is where it starts, ``child`` its values' depth."""
        get = self._get
        items: list[tuple[Scalar, Node]] = []
        index: dict = {}
        merged: list[tuple[Scalar, Node]] = []
        scalars = 0  # values counted at the end, not one by one
        end = m.line + 1  # the last line a node under it starts on
        while True:
            k = get()
            tk = type(k)
            if tk is ScalarEvent and k.tag is None and k.anchor is None and (kv := k.value).isascii() \
                    and (k.style or kv != "<<"):  # the common key: its text as written
                km = k.start_mark
                key = Scalar(km.line + 1, km.column + 1, kv, "", k.style in _QUOTES)
            elif tk is MappingEndEvent:
                break
            else:
                key = self._key(k, child)
                if key is None:  # not a key (reported): the value is not built either
                    self._discard(get(), child)
                    continue
                if key is _MERGE:
                    merged += self._merge(get(), child)
                    continue
                kv = key.value
            if kv in index:
                self.diags.append(Diagnostic(ERROR, "duplicate-key", key.line, key.col,
                                             f"duplicate key {kv!r} (first at line {_first_line(items, kv)})"))
                self._discard(get(), child)
                continue
            if key.line > end:  # an alias's copy (a key) may start above what came before
                end = key.line
            v = get()
            if type(v) is ScalarEvent and v.tag is None and v.anchor is None:
                scalars += 1
                text, style = v.value, v.style
                vm = v.start_mark
                if style:
                    if text.isascii():
                        value = Scalar(vm.line + 1, vm.column + 1, text, "", style in _QUOTES)
                    else:
                        value = self.Scalar(v)
                elif text[:1] not in _FIRST:
                    value = Scalar(vm.line + 1, vm.column + 1, text, "", False)
                elif text.isdigit() and text[0] != "0" and len(text) < 300 and text.isascii():
                    # a decimal integer, which is all the composer resolves it to be
                    value = Scalar(vm.line + 1, vm.column + 1, int(text), "", False)
                else:
                    value = self.Scalar(v)
                end = value.line  # a scalar of its own (no alias's copy) starts after all before it
            else:
                value = self._node(v, child)
                if value.end > end:
                    end = value.end
            items.append((key, value))
            index[kv] = value
        self._count += scalars
        for key, value in merged:
            if key.value not in index:
                items.append((key, value))
                index[key.value] = value
                end = max(end, key.line, value.end)
        return Map(m.line + 1, m.column + 1, tuple(items), index, end)

    def _key(self, k, child: int):
        """A mapping key that is not plain ASCII text: the key, :data:`_MERGE`, or
        ``None`` when it cannot be one (a collection: reported)."""
        tk = type(k)
        if tk is AliasEvent:
            a = self._target(k)
            if a.event is None:
                self.diags.append(Diagnostic(ERROR, "bad-key", a.node.line, a.node.col,
                                             "a mapping key must be a plain string"))
                return None
            k = a.event
        elif tk is not ScalarEvent:
            line, col = k.start_mark.line + 1, k.start_mark.column + 1
            self._discard(k, child)
            self.diags.append(Diagnostic(ERROR, "bad-key", line, col, "a mapping key must be a plain string"))
            return None
        elif k.anchor is not None:
            self._anchor(k.anchor, _Anchor(k))
        tag, text = k.tag, k.value
        if tag is None:
            tag = Y.MERGE if not k.style and text == "<<" else Y.STR
        elif tag == "!":
            tag = _RESOLVER.resolve(_SCALAR_NODE, text, k.implicit)
        if tag == Y.MERGE:
            return _MERGE
        return self.key(_SCALAR_NODE(tag, text, k.start_mark, k.end_mark, k.style))

    def _merge(self, v, child: int) -> list[tuple[Scalar, Node]]:
        """``<<: *base`` or ``<<: [*a, *b]``: the entries of the mappings merged in."""
        if type(v) is SequenceStartEvent and v.anchor is None:
            sources = []
            while type(e := self._get()) is not SequenceEndEvent:
                sources.append(self._node(e, child))
        else:
            sources = [self._node(v, child)]
        out: list[tuple[Scalar, Node]] = []
        for built in sources:
            if type(built) is not Map:
                raise StepAside("a merge of something else than a mapping")
            out += built.items
        return out

    def _discard(self, e, child: int) -> None:
        """Read past a node the reference builder would not build (the value of a
        duplicate key): its anchors still count, its nodes and diagnostics do not."""
        count, ndiags = self._count, len(self.diags)
        self._node(e, child)
        self._count = count
        del self.diags[ndiags:]


def _copy(n: Node) -> Node:
    """A node of its own for each use of an alias, as building the anchor again gives."""
    t = type(n)
    if t is Scalar:
        return Scalar(n.line, n.col, n.value, n.tag, n.quoted)
    if t is Seq:
        return Seq(n.line, n.col, tuple([_copy(c) for c in n.items]), n.end)
    items = tuple([(_copy(k), _copy(v)) for k, v in n.items])
    return Map(n.line, n.col, items, {k.value: v for k, v in items}, n.end)


def load(text: str) -> tuple[Node | None, list[Diagnostic]]:
    """Like :func:`.load_composed.load`; raises :class:`StepAside` for what it leaves to it."""
    return EventBuilder(text).build()


__all__ = ["load", "StepAside", "EventBuilder"]
