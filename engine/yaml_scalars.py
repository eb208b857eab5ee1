"""How a YAML scalar becomes a JSON value (for :mod:`.load`).

pyyaml resolves plain scalars by YAML 1.1's rules (the tag comes with the
composed node); this module turns the text into the value without pyyaml's
constructor, which is slow (most of the time of loading a big flow) and raises
arbitrary exceptions on explicit tags with bad values (``!!int abc``,
``!!timestamp 2001-13-45``). Every problem is returned as a message, never
raised:

* explicit tags with a value their type does not have are errors;
* numbers JSON cannot carry (``.inf``, ``.nan``, beyond ±1.8e308) are errors;
* plain values that YAML 1.1 and YAML 1.2 parsers read differently (``yes``,
  ``off``, ``y``, ``012``, ``0o17``, ``1_000``, ``1:20``, ``0b11``, ``1e5``) get
  a ``yaml11-value`` warning saying what the value became and how to quote it
  (issue 15: whether CloudFlow reads them the 1.1 way is not known).

Implicit timestamps (``2024-01-01``) keep the text as written, which is what
YAML 1.2 and JSON give; an explicit ``!!timestamp`` gives ISO 8601 text.
"""
from __future__ import annotations

import datetime
import math
import re
from typing import Any

from .json_values import MAX_NUMBER, surrogate_problem

YAML = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = YAML + "str", YAML + "int", YAML + "float", YAML + "bool", YAML + "null"
TIMESTAMP, BINARY, MERGE, VALUE = YAML + "timestamp", YAML + "binary", YAML + "merge", YAML + "value"
MAP, SEQ = YAML + "map", YAML + "seq"
COLLECTION_TAGS = {MAP, SEQ, YAML + "omap", YAML + "pairs", YAML + "set"}

_TRUE, _FALSE = {"yes", "true", "on"}, {"no", "false", "off"}
_NULLS = {"", "~", "null"}
# YAML 1.1's grammar (the type repository), as pyyaml's resolver and constructor use it.
_INT_11 = re.compile(r"[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)")
_FLOAT_11 = re.compile(r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
                       r"|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))")
# Plain scalars YAML 1.2's core schema reads as numbers that YAML 1.1 leaves strings.
_INT_12_ONLY = re.compile(r"[-+]?0o[0-7]+")
_FLOAT_12 = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
YN = {"y": True, "Y": True, "n": False, "N": False}
_MAX_DIGITS = 400  # more digits than any number within ±1.8e308 has (with '_' and leading zeros, a margin)


class Resolved:
    """``value`` plus at most one problem: ``error`` (the scalar has no JSON
    value; ``value`` is then the text) or ``warning`` (+ ``hint``)."""

    __slots__ = ("value", "error", "warning", "hint", "code")

    def __init__(self, value: Any, error: str = "", warning: str = "", hint: str = "", code: str = ""):
        self.value, self.error, self.warning, self.hint, self.code = value, error, warning, hint, code


def _json(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _out_of_range(text: str) -> str:
    shown = text if len(text) <= 24 else f"{text[:16]}…({len(text):,} characters)"
    return f"the number {shown} is out of JSON's range (±{MAX_NUMBER:.6g})"


def _sexagesimal(text: str, cast) -> Any:
    value = 0
    for part in text.split(":"):
        value = value * 60 + cast(part)
    return value


def parse_int(text: str) -> tuple[int | None, str]:
    """YAML 1.1 integer text -> (value, "") or (None, why not)."""
    if not _INT_11.fullmatch(text):
        return None, f"{text!r} is not an integer"
    t = text.replace("_", "")
    sign = -1 if t[0] == "-" else 1
    t = t.lstrip("+-")
    if len(t) > _MAX_DIGITS:
        return None, _out_of_range(text)
    if t == "0":
        n = 0
    elif t.startswith("0b"):
        n = int(t[2:] or "0", 2)
    elif t.startswith("0x"):
        n = int(t[2:] or "0", 16)
    elif ":" in t:
        n = _sexagesimal(t, int)
    elif t[0] == "0":
        n = int(t, 8)
    else:
        n = int(t)
    n *= sign
    if not -MAX_NUMBER <= n <= MAX_NUMBER:
        return None, _out_of_range(text)
    return n, ""


def parse_float(text: str, explicit: bool = False) -> tuple[float | None, str]:
    """YAML 1.1 float text -> (value, "") or (None, why not); an explicit
    ``!!float`` also takes YAML 1.2's forms (``!!float 1e5``)."""
    if not _FLOAT_11.fullmatch(text) and not (explicit and _FLOAT_12.fullmatch(text)):
        return None, f"{text!r} is not a number"
    t = text.replace("_", "").lower()
    sign = -1.0 if t[0] == "-" else 1.0
    t = t.lstrip("+-")
    if t in (".inf", ".nan"):
        return None, f"{text} is not a JSON number (JSON has no infinity or NaN)"
    try:
        value = sign * (_sexagesimal(t, float) if ":" in t else float(t))
    except ValueError:  # "._" matches YAML 1.1's grammar but is no number
        return None, f"{text!r} is not a number"
    if math.isinf(value):
        return None, _out_of_range(text)
    return value, ""


def _timestamp(text: str) -> tuple[str | None, str]:
    import yaml  # only for an explicit !!timestamp, rare

    try:
        node = yaml.ScalarNode(TIMESTAMP, text)
        value = yaml.SafeLoader("").construct_yaml_timestamp(node)
    except Exception:  # noqa: BLE001 - pyyaml raises AttributeError/ValueError/... on bad dates
        return None, f"{text!r} is not a timestamp (write e.g. 2024-01-31 or 2024-01-31T12:00:00Z)"
    return value.isoformat().replace("+00:00", "Z"), ""


def _yaml11_warning(text: str, tag: str, value: Any) -> Resolved | None:
    """The warning for a plain scalar that YAML 1.2 parsers read otherwise."""
    quote = f'"{text}" (quoted) for the string'
    if tag == BOOL and text.lower() not in ("true", "false"):
        return Resolved(value, code="yaml11-value",
                        warning=f"'{text}' is read as the boolean {_json(value)} (a YAML 1.1 rule); "
                                f"YAML 1.2 parsers read the string \"{text}\"",
                        hint=f"write {_json(value)}, or {quote}")
    if tag == STR:
        if text in YN:
            b = _json(YN[text])
            return Resolved(value, code="yaml11-value",
                            warning=f"'{text}' is read as the string \"{text}\", but the YAML 1.1 spec reads "
                                    f"the boolean {b}", hint=f"write {quote}, or {b}")
        if _INT_12_ONLY.fullmatch(text):
            n = int(text.replace("0o", ""), 8)
            return Resolved(value, code="yaml11-value",
                            warning=f"'{text}' is read as the string \"{text}\" (YAML 1.1); YAML 1.2 parsers "
                                    f"read the octal number {n}", hint=f"write {n}, or {quote}")
        if _FLOAT_12.fullmatch(text) and ("e" in text or "E" in text):
            f = float(text)
            if not math.isinf(f):
                return Resolved(value, code="yaml11-value",
                                warning=f"'{text}' is read as the string \"{text}\" (YAML 1.1 wants a '.' "
                                        f"and a signed exponent in a number); YAML 1.2 parsers read the number {f!r}",
                                hint=f"write {f!r}, or {quote}")
        return None
    if tag in (INT, FLOAT):
        t = text.lstrip("+-")
        if "_" in t:
            why, other = "ignores '_' in numbers", f'the string "{text}"'
        elif ":" in t:
            why, other = "reads base-60 numbers", f'the string "{text}"'
        elif tag == INT and t.startswith("0b"):
            why, other = "reads 0b as binary", f'the string "{text}"'
        elif tag == INT and len(t) > 1 and t[0] == "0" and t[1] != "x":
            why, other = "reads a leading 0 as octal", f"the number {int(text)}"
        else:
            return None
        return Resolved(value, code="yaml11-value",
                        warning=f"'{text}' is read as the number {_json(value)} (YAML 1.1 {why}); "
                                f"YAML 1.2 parsers read {other}",
                        hint=f"write {_json(value)}, or {quote}")
    return None


def resolve(tag: str, text: str, plain: bool, explicit: bool) -> Resolved:
    """The value of a scalar with resolved ``tag``; ``plain`` = unquoted,
    ``explicit`` = the tag was written (``!!int``), not resolved from the text."""
    if text and not text.isascii() and (why := surrogate_problem(text)):
        return Resolved(text, error="the string " + why)
    if tag == STR:
        if plain and not explicit:
            return _yaml11_warning(text, STR, text) or Resolved(text)
        return Resolved(text)
    if tag == INT or tag == FLOAT:
        value, why = parse_int(text) if tag == INT else parse_float(text, explicit)
        if value is None and explicit and tag == FLOAT:  # !!float 3 is the number 3.0
            n, _ = parse_int(text)
            value, why = (float(n), "") if n is not None else (None, why)
        if value is None:
            return Resolved(text, error=why if not explicit else f"!!{tag[len(YAML):]} {text}: {why}",
                            code="yaml-number" if "JSON" in why else "yaml-value")
        if plain and not explicit:
            return _yaml11_warning(text, tag, value) or Resolved(value)
        return Resolved(value)
    if tag == BOOL:
        low = text.lower()
        if low not in _TRUE and low not in _FALSE:
            return Resolved(text, error=f"!!bool {text}: {text!r} is not a boolean (write true or false)",
                            code="yaml-value")
        value = low in _TRUE
        if plain and not explicit:
            return _yaml11_warning(text, BOOL, value) or Resolved(value)
        return Resolved(value)
    if tag == NULL:
        if text.lower() not in _NULLS:
            return Resolved(text, error=f"!!null {text}: {text!r} is not null (write null or ~)", code="yaml-value")
        return Resolved(None)
    if tag == TIMESTAMP:
        if not explicit:
            return Resolved(text)
        value, why = _timestamp(text)
        return Resolved(text, error=f"!!timestamp {text}: {why}", code="yaml-value") if value is None \
            else Resolved(value)
    if tag in (BINARY, MERGE, VALUE):  # base64 text, '<<' and '=' outside a key: the text
        return Resolved(text)
    return Resolved(text, error=f"YAML tag !!{tag[len(YAML):]} is not a type FDL has; remove it",
                    code="yaml-tag")


def explicit_tag(text: str, index: int) -> bool:
    """True when the node starting at ``index`` of ``text`` has a written tag
    (``!!int 1``, ``&a !!int 1``), not one resolved from its text."""
    if 0 <= index < len(text) and text[index] == "&":  # an anchor comes first
        end = index
        while end < len(text) and not text[end].isspace():
            end += 1
        while end < len(text) and text[end] in " \t":
            end += 1
        index = end
    return 0 <= index < len(text) and text[index] == "!"


__all__ = ["Resolved", "resolve", "explicit_tag", "parse_int", "parse_float", "COLLECTION_TAGS",
           "STR", "INT", "FLOAT", "BOOL", "NULL", "TIMESTAMP", "MERGE", "MAP", "SEQ", "YAML"]
