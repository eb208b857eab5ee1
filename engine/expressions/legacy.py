"""Paths and conditions of the legacy Serverless Workflow format (``type: flow``).

Paths (parsed by jsonpath-ng, like FDL v1 paths):

* mapping sources read ``$input``, ``$local`` or ``$context`` (``$input.a.b[0]``, ``$local[*].x``);
* conditions, a foreach ``collection``, a wait ``duration``/``timestamp`` and ``serviceParams``
  read the step's own input as ``$`` / ``$.key`` (``$input`` is accepted there too);
* parts are ``.key``, ``['key']``, ``[n]`` and the wildcards ``[*]`` / ``.*``.

A definite path that finds nothing gives ``None`` with a note saying why (the caller records
it): CloudFlow's own legacy example runs the default branch for an input without the key
(docs/semantics.md, "Legacy format"). A path with a wildcard gives the list of what it
matches, as JSONPath does: elements without the key are skipped, nothing matched is ``[]``.

Conditions use FDL v1's operators and comparison rules (:mod:`.evaluate`): each legacy path
in the text is compiled to a slot, filled from the step input before evaluation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from .env import Env
from .errors import SYNTAX, UNSUPPORTED_PATH, ExpressionRuntimeError, ExpressionSyntaxError
from .expression import Expression, compile_expression
from .paths import _flatten, _jsonpath_parse, jp  # jp: jsonpath-ng, imported on first use
from .values import DATA_LIMIT, describe, type_name, with_article

MAPPING_ROOTS = ("$input", "$local", "$context")
INPUT_ROOTS = ("$", "$input")  # the step's own input
_ALL_ROOTS = ("$", "$input", "$local", "$context")
_WORD = re.compile(r"[A-Za-z_]\w*")
_KEY = re.compile(r"[\w@](?:[\w@]|-(?=[\w@]))*")
_HINT = "use .key, ['key'], [n] or the wildcard [*]"


class _Wildcard:
    __slots__ = ()

    def __repr__(self) -> str:
        return "*"

    def __reduce__(self):  # one object, also out of the definition cache (segments are tested with `is`)
        return "WILDCARD"


WILDCARD = _Wildcard()


@dataclass(frozen=True)
class LegacyPath:
    """A parsed legacy path: ``root`` is ``$``, ``$input``, ``$local`` or ``$context``;
    ``segments`` are keys (str), indexes (int) and :data:`WILDCARD`."""

    root: str
    segments: tuple
    text: str

    @property
    def wildcard(self) -> bool:
        return any(s is WILDCARD for s in self.segments)

    def find(self, roots: Mapping[str, Any]) -> tuple[Any, str]:
        """``(value, note)``: the value at this path in ``roots`` (root name -> value).
        A definite path that finds nothing is ``(None, why)``; a wildcard path is the
        list of its matches, with a note when it matched nothing."""
        root = "$input" if self.root == "$" else self.root
        if root not in roots:
            return None, f"{self.text}: {self.root} is not available here"
        values = [roots[root]]
        for i, seg in enumerate(self.segments):
            nxt: list = []
            for v in values:
                if seg is WILDCARD:
                    if isinstance(v, list):
                        nxt.extend(v)
                    elif isinstance(v, dict):
                        nxt.extend(v.values())
                elif isinstance(seg, int):
                    if isinstance(v, list) and seg < len(v):
                        nxt.append(v[seg])
                elif isinstance(v, dict) and seg in v:
                    nxt.append(v[seg])
            if not nxt and not self.wildcard:
                return None, f"{self.text}: {_why(self, i, values[0], seg)}; read as null"
            values = nxt
        if self.wildcard:
            return values, "" if values else f"{self.text} matched nothing; read as []"
        return values[0], ""


def _why(path: LegacyPath, upto: int, value: Any, seg: Any) -> str:
    label = path.root + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path.segments[:upto])
    if isinstance(seg, int):
        if isinstance(value, list):
            return f"{label} has {len(value)} element{'' if len(value) == 1 else 's'}"
        return f"{label} is {with_article(type_name(value))}, not an array"
    if isinstance(value, dict):
        keys = list(value)
        shown = ", ".join(map(str, keys[:8])) + (", …" if len(keys) > 8 else "")
        return f"{label} has no key '{seg}'" + (f" (keys: {shown})" if keys else " (it is empty)")
    return f"{label} is {with_article(type_name(value))}, not an object"


# -- parsing -----------------------------------------------------------------

def _skip_quoted(text: str, i: int) -> int:
    """Index after the quote closing the one at ``text[i]``, or -1."""
    q, i = text[i], i + 1
    while i < len(text) and text[i] != q:
        i += 2 if text[i] == "\\" and q != "`" else 1
    return i + 1 if i < len(text) else -1


def scan(text: str, pos: int, roots=_ALL_ROOTS) -> tuple[int, str, str]:
    """Scan the path at ``text[pos] == '$'``: ``(end, root, jsonpath_text)``.
    Raises ExpressionSyntaxError (1-based columns in ``text``)."""
    m = _WORD.match(text, pos + 1)
    root = "$" + m.group() if m else "$"
    if root not in roots:
        raise _bad_root(root, pos, roots)
    i, parts = pos + len(root), []
    while i < len(text):
        ch = text[i]
        if ch == ".":
            nxt = text[i + 1:i + 2]
            if nxt == ".":
                raise ExpressionSyntaxError("legacy paths do not support recursive descent '..'", i + 1,
                                            UNSUPPORTED_PATH, _HINT)
            if nxt == "*":
                parts.append("[*]")
                i += 2
                continue
            km = _KEY.match(text, i + 1)
            if not km:
                raise ExpressionSyntaxError("expected a key after '.'", i + 1, SYNTAX, _HINT)
            parts.append("['" + km.group().replace("\\", "\\\\").replace("'", "\\'") + "']")
            i = km.end()
        elif ch == "[":
            j = i + 1
            while j < len(text) and text[j] != "]":
                if text[j] in "'\"":
                    j = _skip_quoted(text, j)
                    if j < 0:
                        raise ExpressionSyntaxError("unterminated quoted key", i + 2)
                    continue
                j += 1
            if j >= len(text):
                raise ExpressionSyntaxError("missing ']' to close '['", i + 1)
            inner = text[i + 1:j].strip()
            if inner.startswith("?"):
                raise ExpressionSyntaxError("legacy paths do not support filters '[?(...)]'", i + 1,
                                            UNSUPPORTED_PATH, _HINT)
            parts.append(text[i:j + 1])
            i = j + 1
        else:
            break
    return i, root, "$" + "".join(parts)


def _bad_root(root: str, pos: int, roots) -> ExpressionSyntaxError:
    import difflib
    known = [r for r in roots if r != "$"]
    guess = next(iter(difflib.get_close_matches(root.lower(), known, 1, 0.6)), None)
    if root in _ALL_ROOTS:  # a real root, but not here
        where = ("a condition, a foreach collection, a wait and serviceParams read the step's input: "
                 "$.key (or $input.key); bring other values in with inputMappings") if "$" in roots else \
            "mappings read $input, $local or $context"
        return ExpressionSyntaxError(f"{root} is not available here", pos + 1, SYNTAX, where)
    hint = f"did you mean '{guess}'?" if guess else "paths start with " + ", ".join(
        "$.key" if r == "$" else r for r in roots)
    return ExpressionSyntaxError(f"unknown root '{root}'", pos + 1, SYNTAX, hint)


def _segment(node: Any) -> Any:
    if isinstance(node, jp.Fields) and len(node.fields) == 1:
        return WILDCARD if node.fields[0] == "*" else node.fields[0]
    if isinstance(node, jp.Index) and len(node.indices) == 1:
        if node.indices[0] < 0:
            raise ValueError("negative indexes")
        return node.indices[0]
    if isinstance(node, jp.Slice) and node.start is None and node.end is None and node.step is None:
        return WILDCARD
    if type(node).__name__ == "Wildcard":  # jsonpath-ng >= 1.7 parses [*] as Wildcard
        return WILDCARD
    if isinstance(node, jp.Slice):
        raise ValueError("slices '[a:b]'")
    raise ValueError(f"the JSONPath construct {type(node).__name__}")


@lru_cache(maxsize=4096)
def _parse(root: str, jsonpath_text: str) -> tuple | str:
    try:
        tree = _jsonpath_parse(jsonpath_text)
    except Exception as exc:  # jsonpath-ng raises several unrelated types
        return f"invalid path: {exc}".strip()
    nodes: list = []
    _flatten(tree, nodes)
    try:
        return tuple(_segment(n) for n in nodes)
    except ValueError as exc:
        return f"legacy paths do not support {exc}"


def parse_path(text: str, roots=MAPPING_ROOTS) -> LegacyPath:
    """Parse ``text``, which must be one whole path. Raises ExpressionSyntaxError."""
    if not text.startswith("$"):
        raise ExpressionSyntaxError("a path starts with '$'", 1)
    end, root, jp_text = scan(text, 0, roots)
    if end != len(text):
        raise ExpressionSyntaxError(f"unexpected {text[end:end + 12]!r} after the path {text[:end]!r}", end + 1,
                                    SYNTAX, _HINT)
    segs = _parse(root, jp_text)
    if isinstance(segs, str):
        raise ExpressionSyntaxError(segs, len(root) + 1, UNSUPPORTED_PATH if "support" in segs else SYNTAX, _HINT)
    return LegacyPath(root, segs, text)


def is_mapping_path(value: Any) -> bool:
    """True when a mapping ``source`` is a path: a string starting with ``$input``,
    ``$local`` or ``$context``. Anything else is a constant, as the real flows' own
    comments say ("a source not starting with $input, $local, $context is a constant")."""
    return isinstance(value, str) and re.match(r"\$(input|local|context)(?![\w])", value) is not None


def is_input_path(value: Any) -> bool:
    """True for a string that reads the step input: ``$``, ``$.key``, ``$[0]``, ``$input...``."""
    return isinstance(value, str) and re.match(r"\$(?:$|[.\[]|input(?![\w]))", value) is not None


# -- conditions ----------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class LegacyExpression:
    """An expression over legacy paths, with FDL v1's operators and built-in functions."""

    text: str
    paths: tuple[LegacyPath, ...]
    _expr: Expression
    _spans: tuple  # ((new_start, new_end, old_start, old_end), ...) 0-based, for columns

    def value(self, roots: Mapping[str, Any], limit: int = DATA_LIMIT) -> tuple[Any, list[str]]:
        """``(value, notes)`` with the paths read from ``roots`` (``$input``, ``$local``,
        ``$context``); a missing key reads null (noted); ``limit``: the data limit what the
        expression builds is held to. Raises ExpressionRuntimeError (column in :attr:`text`)."""
        notes: list[str] = []
        slots = {}
        for i, p in enumerate(self.paths):
            found, note = p.find(roots)
            slots[f"#{i}"] = found
            if note:
                notes.append(note)
        try:
            return self._expr.evaluate(Env(roots={"$Input": slots}, data_limit=limit)), notes
        except ExpressionRuntimeError as e:
            raise ExpressionRuntimeError(e.message + (f" ({'; '.join(notes)})" if notes else ""),
                                         self._col(e.col)) from None

    def _col(self, col: int | None) -> int | None:
        return _map_col(self._spans, col)


@dataclass(frozen=True, eq=False)
class LegacyCondition(LegacyExpression):
    """A compiled ``choices[].condition`` over the step input."""

    def evaluate(self, step_input: Any, limit: int = DATA_LIMIT) -> tuple[bool, list[str]]:
        """``(value, notes)``. A missing key reads as null; a condition that is null
        (``$.flag`` with no ``flag``) is false. Raises ExpressionRuntimeError (column in
        :attr:`text`) for a non-boolean result or a bad operand."""
        value, notes = self.value({"$input": step_input}, limit)
        if value is None:
            notes.append("the condition is null; read as false")
            return False, notes
        if value is True or value is False:
            return value, notes
        raise ExpressionRuntimeError(f"condition must be a boolean, got {describe(value)}", 1)


def _map_col(spans, col: int | None) -> int | None:
    """A 1-based column of the rewritten text -> the column in the text as written."""
    if col is None:
        return None
    at, offset = col - 1, 0
    for new_start, new_end, old_start, old_end in spans:
        if at < new_start:
            break
        if at < new_end:
            return old_start + 1
        offset = new_end - old_end
    return at - offset + 1


def compile_condition(text: str) -> LegacyCondition:
    """Compile a legacy condition such as ``$.status == "ready" && $input.n > 3``.
    Raises ExpressionSyntaxError with the column in ``text``."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"a condition must be a string, got {describe(text)}", 1)
    return _compile(text, INPUT_ROOTS, LegacyCondition)


def compile_legacy_expression(text: str) -> LegacyExpression:
    """An expression over ``$input``, ``$local``, ``$context`` and ``$`` (watches and
    breakpoint conditions in a legacy flow). Raises ExpressionSyntaxError."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"an expression must be a string, got {describe(text)}", 1)
    return _compile(text, _ALL_ROOTS, LegacyExpression)


@lru_cache(maxsize=2048)
def _compile(text: str, roots: tuple, cls):
    out, spans, paths, seen = [], [], [], {}
    i, n, written = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            j = _skip_quoted(text, i)
            if j < 0:
                break  # the expression parser reports the unterminated string
            i = j
            continue
        if ch != "$":
            i += 1
            continue
        end, root, jp_text = scan(text, i, roots)
        segs = _parse(root, jp_text)
        if isinstance(segs, str):
            raise ExpressionSyntaxError(segs, i + 1, UNSUPPORTED_PATH if "support" in segs else SYNTAX, _HINT)
        ptext = text[i:end]
        slot = seen.get(ptext)
        if slot is None:
            slot = seen[ptext] = len(paths)
            paths.append(LegacyPath(root, segs, ptext))
        out.append(text[written:i])
        new_start = sum(len(x) for x in out)
        placeholder = f"$Input['#{slot}']"
        out.append(placeholder)
        spans.append((new_start, new_start + len(placeholder), i, end))
        written = i = end
    out.append(text[written:])
    rewritten = "".join(out)
    spans_t = tuple(spans)
    try:
        expr = compile_expression(rewritten)
    except ExpressionSyntaxError as e:
        hint = e.hint
        if hint and "$Input" in hint:
            hint = ("a condition reads the step input as $.key" if cls is LegacyCondition
                    else "legacy paths start with $input, $local, $context or $ (the step's input)")
        raise ExpressionSyntaxError(e.message.replace("$Input", "$"), _map_col(spans_t, e.col) or 1, e.code,
                                    hint) from None
    return cls(text, tuple(paths), expr, spans_t)


__all__ = ["LegacyPath", "LegacyCondition", "LegacyExpression", "compile_legacy_expression", "WILDCARD", "MAPPING_ROOTS", "INPUT_ROOTS", "parse_path",
           "compile_condition", "is_mapping_path", "is_input_path", "scan"]
