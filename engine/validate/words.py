"""How diagnostics word things: a node's type as JSON names it, the option a
misspelt word most likely meant, and what a ``//`` "comment" really is.

Shared by every checker of a user's file: the FDL and legacy validators, the
mock and test file loaders.
"""
from __future__ import annotations

import difflib
import re

from ..nodes import Map, Node, Scalar, Seq

#: `` // `` inside a plain scalar: YAML keeps it as part of the value.
SLASH_COMMENT = re.compile(r"\s//(\s|$)")

BOOL_WORDS = "YAML reads yes/no/on/off/true/false as booleans"


def type_name(node: Node) -> str:
    """What a node is, in JSON's words (object, array, string, number,
    boolean, null) with the value for scalars: never a Python type name."""
    if isinstance(node, Map):
        return "an object"
    if isinstance(node, Seq):
        return "an array"
    v = node.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return f"boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"number {v}"
    return f"string {v!r}"


def suggest(word: str, options, cutoff: float = 0.6) -> str:
    """The option ``word`` most likely meant, or "". A match that differs
    only in case wins over any fuzzy match ('sync' is 'Sync', not 'Async');
    the fuzzy match ignores case too."""
    lower: dict[str, str] = {}
    for o in options:
        lower.setdefault(o.lower(), o)
    w = word.lower()
    if w in lower:
        return lower[w]
    m = difflib.get_close_matches(w, list(lower), n=1, cutoff=cutoff)
    return lower[m[0]] if m else ""


def without_comment(name: str) -> str:
    """``name`` up to a ``//`` YAML does not take for a comment."""
    hit = SLASH_COMMENT.search(name)
    return name[:hit.start()].rstrip() if hit else name


def bool_hint(key: str, node: Node) -> str:
    """For a string field that YAML read as a boolean (Name: Yes)."""
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return f'{BOOL_WORDS}: quote it, e.g. {key}: "{"Yes" if node.value else "No"}"'
    return ""
