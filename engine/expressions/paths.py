"""Definite FDL paths: ``$Input.a.b[0]``, ``$Input['Content-Type']``, ``$Input.订单.金额``.

:func:`scan_path` finds where a path ends inside an expression. A path of dotted keys
and plain ``[n]`` indexes is its segments as scanned; the grammar of any other bracket
part (quoted keys, escapes, slices, unions) is parsed by jsonpath-ng, and the parsed
tree is turned into a tuple of segments (``str`` key / ``int`` index). Both give the
same Path for the paths the first takes (a property test holds it).
Anything that is not definite (filters, wildcards, ``..``, slices, unions, negative
indexes) is rejected with code ``unsupported-path``. :func:`resolve` walks the
segments and raises :class:`ExpressionRuntimeError` naming the deepest part found.
"""
from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import SYNTAX, UNSUPPORTED_PATH, ExpressionRuntimeError, ExpressionSyntaxError
from .values import type_name, with_article

ROOTS = ("$Input", "$Output", "$Context", "$Item")
_ROOT_RE = re.compile(r"\$\w*")
_KEY_RE = re.compile(r"[\w@](?:[\w@]|-(?=[\w@]))*")  # what dotted form accepts
_PLAIN_RE = re.compile(r"[^\W\d]\w*")  # what normalized text writes in dotted form
_INDEX_RE = re.compile(r"\[(0|[1-9][0-9]*)\]")  # an index needing no grammar: ASCII digits, no sign or space
_MAX_LISTED_KEYS = 8
MAX_PARTS = 100  # keys/indexes after the root


@dataclass(frozen=True)
class Path:
    """A parsed definite path. ``text`` is the normalized form used in messages."""

    root: str
    segments: tuple[str | int, ...]
    text: str


def render(root: str, segments: tuple[str | int, ...]) -> str:
    """Normalized text: ``.key`` for plain keys, ``['a b']`` otherwise, ``[n]`` for indexes."""
    out = [root]
    for seg in segments:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif _PLAIN_RE.fullmatch(seg):
            out.append(f".{seg}")
        else:
            out.append("['" + seg.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(out)


def _quote_key(key: str) -> str:
    return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


_HINT = "use .key, ['key'] or [n] with a non-negative integer n"


def _unsupported(what: str, col: int) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(f"FDL paths do not support {what}", col, UNSUPPORTED_PATH, _HINT)


def _skip_quoted(text: str, pos: int) -> int:
    """Index just after the quote closing the one at ``text[pos]``, or -1."""
    quote, i, n = text[pos], pos + 1, len(text)
    while i < n and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1 if i < n else -1


def _skip_bracket(text: str, pos: int) -> int:
    """Index just after the ``]`` matching ``text[pos] == '['``, or -1."""
    depth, i, n = 0, pos, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            i = _skip_quoted(text, i)
            if i < 0:
                return -1
            continue
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth == 0:
                return i + 1 if ch == "]" else -1
        i += 1
    return -1


def scan_path(text: str, pos: int) -> tuple[int, str, str, list[tuple[int, str]]]:
    """Scan the path starting at ``text[pos] == '$'``.

    Returns ``(end, root, jsonpath_text, pieces)`` where ``pieces`` pairs each part's
    0-based start with its jsonpath-ng text. Raises ExpressionSyntaxError for an
    unknown root, a dangling ``.``, an unclosed ``[``, or (code unsupported-path)
    ``..``, ``.*`` and ``[?(...)]``.
    """
    return _scan(text, pos)[:4]


def _scan(text: str, pos: int) -> tuple[int, str, str, list[tuple[int, str]], list[str | int] | None]:
    """:func:`scan_path`, plus the segments themselves when every part is a dotted key or
    a plain ``[n]`` (None otherwise): such a path needs no grammar beyond this scan."""
    m = _ROOT_RE.match(text, pos)
    root = m.group()
    if root not in ROOTS:
        hint = None
        lowered = {r.lower(): r for r in ROOTS}
        guess = lowered.get(root.lower()) or next(
            iter(difflib.get_close_matches(root, ROOTS, 1, 0.6)), None)
        if guess:
            hint = f"did you mean '{guess}'?"
        else:
            hint = "paths start with $Input, $Output, $Context or $Item"
        what = f"unknown root '{root}'" if root != "$" else "a path needs a root after '$'"
        raise ExpressionSyntaxError(what, pos + 1, SYNTAX, hint)
    i, n = m.end(), len(text)
    pieces: list[tuple[int, str]] = []
    plain: list[str | int] | None = []
    while i < n:
        if len(pieces) >= MAX_PARTS:
            raise ExpressionSyntaxError(f"path has too many parts (at most {MAX_PARTS})", pos + 1)
        ch = text[i]
        if ch == ".":
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == ".":
                raise _unsupported("recursive descent '..'", i + 1)
            if nxt == "*":
                raise _unsupported("wildcards '.*'", i + 1)
            km = _KEY_RE.match(text, i + 1)
            if km:
                key = km.group()
                pieces.append((i, _quote_key(key)))
                if plain is not None:
                    plain.append(key)
                i = km.end()
                continue
            plain = None
            if nxt in ("'", '"'):
                end = _skip_quoted(text, i + 1)
                if end < 0:
                    raise ExpressionSyntaxError("unterminated quoted key", i + 2)
                pieces.append((i, "[" + text[i + 1:end] + "]"))
                i = end
                continue
            raise ExpressionSyntaxError("expected a key after '.'", i + 1)
        if ch == "[":
            end = _skip_bracket(text, i)
            if end < 0:
                raise ExpressionSyntaxError("missing ']' to close '['", i + 1)
            if text[i + 1:end - 1].strip().startswith("?"):
                raise _unsupported("filter expressions '[?(...)]'", i + 1)
            pieces.append((i, text[i:end]))
            if plain is not None:
                im = _INDEX_RE.fullmatch(text, i, end)
                if im:
                    plain.append(int(im.group(1)))
                else:
                    plain = None
            i = end
            continue
        break
    return i, root, "$" + "".join(p for _, p in pieces), pieces, plain


_parser_lock = threading.Lock()
_parser: Any = None


class _JsonPathNg:
    """jsonpath-ng, imported when the first path is parsed: a flow loaded
    from the definition cache runs without it (its import builds the
    grammar's tables, a large share of flowdbg's start-up otherwise)."""

    def __getattr__(self, name: str) -> Any:
        from jsonpath_ng import jsonpath
        return getattr(jsonpath, name)


jp = _JsonPathNg()


def _jsonpath_parse(text: str) -> Any:
    global _parser
    with _parser_lock:
        if _parser is None:
            from jsonpath_ng.parser import JsonPathParser
            _parser = JsonPathParser()
        return _parser.parse(text)


def _flatten(node: Any, out: list[Any]) -> None:
    if isinstance(node, jp.Child):
        _flatten(node.left, out)
        _flatten(node.right, out)
    elif not isinstance(node, jp.Root):
        out.append(node)


def _segment(node: Any) -> str | int:
    """Key or index of one parsed part; raises _Unsupported for indefinite parts."""
    if isinstance(node, jp.Fields):
        if len(node.fields) != 1:
            raise _Unsupported("unions of keys")
        if node.fields[0] == "*":
            raise _Unsupported("wildcards '*'")
        return node.fields[0]
    if isinstance(node, jp.Index):
        if len(node.indices) != 1:
            raise _Unsupported("unions of indexes")
        if node.indices[0] < 0:
            raise _Unsupported("negative indexes")
        return node.indices[0]
    if isinstance(node, jp.Slice):
        if node.start is None and node.end is None and node.step is None:
            raise _Unsupported("wildcards '[*]'")
        raise _Unsupported("slices '[a:b]'")
    if type(node).__name__ == "Wildcard":  # jsonpath-ng >= 1.7 parses [*] as Wildcard, older as Slice()
        raise _Unsupported("wildcards '[*]'")
    if isinstance(node, jp.Descendants):
        raise _Unsupported("recursive descent '..'")
    if type(node).__name__ in ("Union", "Intersect"):  # by name: jsonpath-ng 1.7+ deprecates the classes
        raise _Unsupported("unions '|' and intersections '&'")
    raise _Unsupported(f"the JSONPath construct {type(node).__name__}")


class _Unsupported(Exception):
    pass


@dataclass(frozen=True)
class _Failure:
    message: str
    part: int | None  # index of the failing part, when known
    code: str


@lru_cache(maxsize=4096)
def _parse_cached(root: str, jsonpath_text: str, parts: int) -> Path | _Failure:
    """Parse once per distinct path text with jsonpath-ng and flatten to segments."""
    try:
        tree = _jsonpath_parse(jsonpath_text)
    except Exception as exc:  # jsonpath-ng raises several unrelated types
        return _Failure(f"invalid path: {exc}".strip(), None, SYNTAX)
    nodes: list[Any] = []
    _flatten(tree, nodes)
    segments = []
    for index, node in enumerate(nodes):
        try:
            segments.append(_segment(node))
        except _Unsupported as exc:
            part = index if len(nodes) == parts else None
            return _Failure(f"FDL paths do not support {exc}", part, UNSUPPORTED_PATH)
    return Path(root, tuple(segments), render(root, tuple(segments)))


@lru_cache(maxsize=4096)
def _plain_cached(root: str, segments: tuple[str | int, ...]) -> Path:
    return Path(root, segments, render(root, segments))


def parse_path(text: str, pos: int = 0) -> tuple[Path, int]:
    """Parse the path at ``text[pos]``; returns ``(Path, end)``. Columns in errors are
    1-based positions in *text*. Raises ExpressionSyntaxError."""
    end, root, jp_text, pieces, plain = _scan(text, pos)
    if plain is not None:  # jsonpath-ng (~30 ms to import and build on first use) would give the same
        return _plain_cached(root, tuple(plain)), end
    result = _parse_cached(root, jp_text, len(pieces))
    if isinstance(result, Path):
        return result, end
    col, message = pos + 1, result.message
    if result.part is not None:
        col = pieces[result.part][0] + 1
    elif result.code == SYNTAX:
        bounds = [start for start, _ in pieces] + [end]
        for index, (start, piece) in enumerate(pieces):  # locate the part the library rejects
            try:
                _jsonpath_parse("$" + piece)
            except Exception:
                col = start + 1
                message = f"invalid path part '{text[start:bounds[index + 1]]}'"
                break
    hint = _HINT if result.code == UNSUPPORTED_PATH else "expected .key, ['key'] or [n]"
    raise ExpressionSyntaxError(message, col, result.code, hint)


# ---------------------------------------------------------------- evaluation

def _label(path: Path, upto: int) -> str:
    """Name of the value reached after ``upto`` segments: last key plus later indexes."""
    start = upto
    while start > 0 and isinstance(path.segments[start - 1], int):
        start -= 1
    base = path.root if start == 0 else str(path.segments[start - 1])
    return base + "".join(f"[{s}]" for s in path.segments[start:upto])


def _fail(path: Path, upto: int, value: Any, seg: str | int, col: int | None) -> ExpressionRuntimeError:
    label = _label(path, upto)
    if isinstance(seg, int):
        if isinstance(value, list):
            count = len(value)
            detail = f"{label} has {count} element{'' if count == 1 else 's'}"
        else:
            detail = f"{label} is {with_article(type_name(value))}, not an array"
    elif isinstance(value, dict):
        keys = list(value)
        if not keys:
            detail = f"{label} has no key '{seg}' (it is empty)"
        elif len(keys) <= _MAX_LISTED_KEYS:
            detail = f"{label} has no key '{seg}' (keys: {', '.join(map(str, keys))})"
        else:
            shown = ", ".join(map(str, keys[:_MAX_LISTED_KEYS]))
            detail = f"{label} has no key '{seg}' ({len(keys)} keys: {shown}, …)"
    else:
        detail = f"{label} is {with_article(type_name(value))}, not an object"
        if isinstance(value, list) and seg.isdigit():
            detail += f" (use [{seg}] to index an array)"
    return ExpressionRuntimeError(f"{path.text}: {detail}", col)


def resolve(path: Path, roots: Any, unavailable: Any, col: int | None = None) -> Any:
    """Value at *path* in *roots* (root name -> value). Raises ExpressionRuntimeError
    for an unavailable root (reason from *unavailable*) or a missing part."""
    try:
        value = roots[path.root]
    except KeyError:
        reason = unavailable.get(path.root) if unavailable else None
        raise ExpressionRuntimeError(
            f"{path.text}: {reason or path.root + ' is not available here'}", col) from None
    for i, seg in enumerate(path.segments):
        if isinstance(seg, str):
            if isinstance(value, dict):
                try:
                    value = value[seg]
                    continue
                except KeyError:
                    pass
        elif isinstance(value, list) and seg < len(value):
            value = value[seg]
            continue
        raise _fail(path, i, value, seg, col)
    return value
