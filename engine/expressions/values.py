"""JSON value helpers: type names, short descriptions, strict equality.

JSON values are ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``.
Booleans are never numbers here (project decision 2), unlike Python's ``True == 1``.
"""
from __future__ import annotations

import json
from typing import Any

from ..json_values import (DATA_LIMIT, MAX_DEPTH, MAX_NUMBER, BadJSON, BadValue, check_value,  # noqa: F401
                           json_size, nesting_exceeds, number_problem, parse_json, surrogate_problem)

_ARTICLE = {"array": "an array", "object": "an object", "null": "null"}


def type_name(value: Any) -> str:
    """JSON type of *value*: null, boolean, number, string, array or object."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def with_article(name: str) -> str:
    """``"a string"``, ``"an array"``, ``"null"``."""
    return _ARTICLE.get(name, f"a {name}")


def is_number(value: Any) -> bool:
    """True for int/float, False for booleans."""
    return isinstance(value, (int, float)) and value is not True and value is not False


def is_integer(value: Any) -> bool:
    """True for int (not bool, not float)."""
    return isinstance(value, int) and value is not True and value is not False


def compact_json(value: Any) -> str:
    """Compact JSON text (no spaces, non-ASCII kept) — used by format/hash/jsonToString."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def describe(value: Any, limit: int = 40) -> str:
    """Type plus short JSON rendering: ``number 5``, ``string "ab"``, ``null``."""
    name = type_name(value)
    if value is None:
        return "null"
    try:
        shown = compact_json(value)
    except (TypeError, ValueError, RecursionError):
        shown = repr(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"{name} {shown}"


def json_equal(a: Any, b: Any) -> bool:
    """Type-strict deep equality: ``1 == 1.0`` but ``true != 1`` and ``"1" != 1``."""
    if a is True or a is False or b is True or b is False:
        return a is b
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and a == b
    if isinstance(a, list):
        return (isinstance(b, list) and len(a) == len(b)
                and all(json_equal(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict):
        return (isinstance(b, dict) and len(a) == len(b)
                and all(k in b and json_equal(v, b[k]) for k, v in a.items()))
    return False


def canonical(value: Any) -> Any:
    """Hashable key such that ``canonical(a) == canonical(b)`` iff ``json_equal(a, b)``."""
    if value is True or value is False:
        return ("b", value)
    if value is None:
        return ("z",)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, (int, float)):
        return ("n", value)
    if isinstance(value, list):
        return ("a", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("o", frozenset((k, canonical(v)) for k, v in value.items()))
    return ("?", id(value))
