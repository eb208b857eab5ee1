"""Load: FDL YAML text -> a tree of nodes that remember their line and column.

Only safe loading is used (pyyaml's composer with ``SafeLoader``); nothing in
a definition can construct Python objects. Every problem becomes a
:class:`~.diagnostics.Diagnostic`; this module never raises on bad input.

Typos that Alibaba's own pages carry (a tab in the indentation, ``-Name:``
without a space, ``//`` comments) get a hint that says how to fix them.
"""
from __future__ import annotations

import gc
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from . import yaml_scalars as Y
from .diagnostics import ERROR, WARNING, Diagnostic
from .files import file_problem
from .json_values import surrogate_problem
from .nodes import Map, Node, Scalar, Seq, to_python, walk  # noqa: F401 (re-exported: the loader's output)
from .yaml_scalars import resolve


@dataclass(frozen=True)
class LoadResult:
    """``root`` is ``None`` when the text is not YAML at all."""

    root: Node | None
    diagnostics: tuple[Diagnostic, ...]
    text: str


# libyaml's parser when pyyaml was built with it (5-10x faster on big flows); same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_COLON_NO_SPACE = re.compile(
    r"^(\s*(?:-\s+)?)(Condition|Next|Name|Type|Default|StartAt|End|Seconds|Action|TaskMode|ItemsPath|Code|Detail)"
    r":(?!//)(\S.*)$")
_DASH_NO_SPACE = re.compile(r"^(\s*)-([A-Za-z_\u0080-\uffff][^:\s]*):")


_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_NODES = 200_000  # YAML aliases can expand exponentially ("billion laughs")
MAX_DEPTH = 100


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node, self.message = node, message


def _maker(cls, *names):
    """A constructor for a frozen slots dataclass that skips the frozen
    ``__setattr__`` checks (4x faster; loading a big flow makes ~10 nodes per state)."""
    new, setters = object.__new__, [getattr(cls, n).__set__ for n in names]
    if len(names) == 5:
        a, b, c, d, e = setters

        def make5(v1, v2, v3, v4, v5):
            o = new(cls)
            a(o, v1), b(o, v2), c(o, v3), d(o, v4), e(o, v5)
            return o
        return make5
    if len(names) == 4:
        a, b, c, d = setters

        def make4(v1, v2, v3, v4):
            o = new(cls)
            a(o, v1), b(o, v2), c(o, v3), d(o, v4)
            return o
        return make4
    a, b, c = setters

    def make3(v1, v2, v3):
        o = new(cls)
        a(o, v1), b(o, v2), c(o, v3)
        return o
    return make3


_scalar = _maker(Scalar, "line", "col", "value", "tag", "quoted")
_seq = _maker(Seq, "line", "col", "items")
_map = _maker(Map, "line", "col", "items", "_index")
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
                    return _scalar(m.line + 1, m.column + 1, text, "", style in _QUOTES)
            elif text[:1] not in _MAYBE_NUMBER and text not in Y.YN:
                m = n.start_mark
                return _scalar(m.line + 1, m.column + 1, text, "", False)
        elif tag == _INT and not style and text.isdigit() and text[0] != "0" and len(text) < 300 and text.isascii():
            m = n.start_mark
            return _scalar(m.line + 1, m.column + 1, int(text), "", False)
        return self._slow_scalar(n)

    def _slow_scalar(self, n: yaml.ScalarNode) -> Scalar:
        line, col = n.start_mark.line + 1, n.start_mark.column + 1
        tag = n.tag or ""
        quoted = n.style in _QUOTES
        if not tag.startswith(Y.YAML):  # a custom tag such as !Ref: keep the text, warn
            self.diags.append(Diagnostic(WARNING, "yaml-tag", line, col,
                                         f"YAML tag {tag} is not part of FDL; its value is read as the plain string {n.value!r}",
                                         "CloudFlow does not resolve template tags; substitute the value before running"))
            return _scalar(line, col, n.value, tag, quoted)
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
        return _scalar(line, col, r.value, "", quoted)

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
        return _scalar(line, col, text, "", n.style in _QUOTES)

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
                return _seq(m.line + 1, m.column + 1, tuple([self.node(c) for c in n.value]))
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
        return _map(m.line + 1, m.column + 1, tuple(items), index)

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
    found = _structure_slip(lines, line, col, problem, context or "")
    if found is not None:
        return found
    return Diagnostic(ERROR, "yaml-syntax", line, col, message, hint)


_ANY_COLON_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.$-]*):(?![/:\s])(\S.*)$")
_BARE_WORD = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.$ -]*?)\s*$")
_KEY = re.compile(r"^(\s*)(-\s+)?([^\s#:'\"][^:#]*?|'[^']*'|\"[^\"]*\"):(\s|$)")


def _code(src: str) -> bool:
    s = src.strip()
    return bool(s) and not s.startswith("#")


def _key_at(src: str) -> tuple[int, str] | None:
    """``(column of the key, key)`` of a ``key:`` line (after a ``- `` too), else None."""
    m = _KEY.match(src)
    if not m:
        return None
    return len(m.group(1)) + len(m.group(2) or ""), m.group(3)


def _structure_slip(lines: list[str], line: int, col: int, problem: str, context: str) -> Diagnostic | None:
    """What pyyaml calls "mapping values are not allowed here", "did not find
    expected '-' indicator" or "... expected key" is nearly always one of a few
    slips: a key indented more or less than the keys beside it, a list item out
    of line with its list, a value holding ': ', a missing space after a
    colon, a key without its colon. Say which, on the line it is, showing it."""
    if not lines or line > len(lines) + 1:
        return None
    indentation = ("mapping values are not allowed" in problem or "expected '-' indicator" in problem
                   or "expected key" in problem or "could not find expected ':'" in problem)
    if not indentation:
        return None
    here = min(line, len(lines))
    # A missing space after a colon turns `key:value` into plain text, and the next line then fails.
    for ln in range(here, max(0, here - 3), -1):
        src = lines[ln - 1]
        m = _ANY_COLON_NO_SPACE.match(src)
        if m and ": " not in src and not m.group(3).startswith(("//", "\\")):
            return Diagnostic(ERROR, "yaml-colon-space", ln, len(m.group(1)) + 1,
                              f"'{m.group(2)}:{_cut(m.group(3))}' is not a key: YAML needs a space after the colon",
                              f"write '{m.group(2)}: {_cut(m.group(3))}'")
    prev_no = next((n for n in range(here - 1, 0, -1) if _code(lines[n - 1])), None)
    if "could not find expected ':'" in problem and prev_no is not None:
        m = _BARE_WORD.match(lines[prev_no - 1])
        if m and m.group(2).strip():
            word = m.group(2).strip()
            return Diagnostic(ERROR, "yaml-no-colon", prev_no, len(m.group(1)) + 1,
                              f"'{word}' has no ':' after it, so it is neither a key nor part of one",
                              f"write '{word}:'")
        return None
    src = lines[here - 1]
    if "mapping values are not allowed" in problem:
        k = _key_at(src)
        if k is not None and src.count(": ") + src.rstrip().endswith(":") >= 2 and col - 1 > k[0] + len(k[1]):
            value = src.split(": ", 1)[1].strip()
            return Diagnostic(ERROR, "yaml-colon-in-value", here, k[0] + 1,
                              f"the value of '{k[1]}' holds ': ', which YAML reads as the start of another key: "
                              f"{src.strip()!r}", f"quote the value: {k[1]}: \"{value}\"")
    k = _key_at(src)
    if k is None or prev_no is None:
        return None
    indent = len(src) - len(src.lstrip(" "))
    prev = lines[prev_no - 1]
    p = _key_at(prev)
    item = src.lstrip().startswith("- ")
    shown, above = src.strip(), prev.strip()
    if item and p is not None and indent > p[0] and not prev.rstrip().endswith(":"):
        return Diagnostic(ERROR, "yaml-indent", here, indent + 1,
                          f"{shown!r} on line {here} is indented {_spaces(indent)}, more than {above!r} above it "
                          f"(at {p[0]}), which has its value already: YAML reads indentation as structure",
                          f"put it under a key of its own, or remove {above!r}'s value to nest it there")
    if item:
        above = next((n for n in range(here - 1, 0, -1) if lines[n - 1].lstrip().startswith("- ")
                      and len(lines[n - 1]) - len(lines[n - 1].lstrip(" ")) != indent), None)
        if above is None:
            return None
        want = len(lines[above - 1]) - len(lines[above - 1].lstrip(" "))
        return Diagnostic(ERROR, "yaml-indent", here, indent + 1,
                          f"the item {shown!r} on line {here} is indented {_spaces(indent)}, but the items before it "
                          f"are at {want} ({lines[above - 1].strip()!r} on line {above}): YAML reads indentation as "
                          "structure", f"indent line {here} by {_spaces(want)}, like line {above}")
    if p is None:
        return None
    if k[0] < p[0] and "expected '-' indicator" in problem or "expected key" in problem and k[0] != p[0]:
        return Diagnostic(ERROR, "yaml-indent", here, k[0] + 1,
                          f"{shown!r} on line {here} is indented {_spaces(k[0])}, but {above!r} above it is at "
                          f"{p[0]}: YAML reads indentation as structure",
                          f"indent line {here} by {_spaces(p[0])}, like line {prev_no}")
    if k[0] > p[0] and not prev.rstrip().endswith(":"):
        return Diagnostic(ERROR, "yaml-indent", here, k[0] + 1,
                          f"{shown!r} on line {here} is indented {_spaces(k[0])}, more than {above!r} above it "
                          f"(at {p[0]}), which has its value already: YAML reads indentation as structure",
                          f"indent line {here} by {_spaces(p[0])}, like line {prev_no}")
    return None


def _cut(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _spaces(n: int) -> str:
    return f"{n} space{'' if n == 1 else 's'}"


@contextmanager
def _no_cyclic_gc():
    """Composing and building allocate ~20 objects per line and free none, so
    the cyclic GC runs again and again over a growing heap (over half the time
    of loading a 5,000-state flow). Neither makes reference cycles that
    refcounting could not free; the GC runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_text(text: str) -> LoadResult:
    """Parse ``text`` into nodes. Never raises on bad input."""
    with _no_cyclic_gc():
        return _load_text(text)


def _load_text(text: str) -> LoadResult:
    diags: list[Diagnostic] = []
    if not text.isascii() and (m := _SURROGATE.search(text)):  # only from text not read as UTF-8
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        return LoadResult(None, (Diagnostic(ERROR, "encoding", line, col,
                                            f"a lone surrogate \\u{ord(m.group()):04x} is not a character"),), text)
    try:
        composed = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        return LoadResult(None, (_yaml_error(text, e),), text)
    except RecursionError:
        return LoadResult(None, (Diagnostic(ERROR, "too-large", 1, 1, "the definition nests too deeply"),), text)
    if composed is None:
        return LoadResult(None, (Diagnostic(ERROR, "empty", 1, 1, "the definition is empty"),), text)
    b = _Builder(text)
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
    problem = file_problem(path)
    if problem is None:
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            problem = f"cannot read it: {e.strerror or e}"
    if problem is not None:  # line 0: about the file as a whole (``path: error: no such file``)
        return LoadResult(None, (Diagnostic(ERROR, "io", 0, 0, problem),), "")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return LoadResult(None, (Diagnostic(ERROR, "encoding", line, 1, "the file is not UTF-8 text"),), "")
    return load_text(text)
