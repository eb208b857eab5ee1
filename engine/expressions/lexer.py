"""Tokenizer for FDL expressions.

Token kinds: ``num``, ``str``, ``path``, ``name``, ``op`` and ``end``. Columns are
1-based character positions in the expression text. Raises ExpressionSyntaxError
for unterminated strings, bad escapes, bad numbers and unexpected characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ExpressionSyntaxError
from .paths import parse_path
from .values import MAX_NUMBER, number_problem

_INT_DIGITS = len(str(int(MAX_NUMBER)))

_NUMBER_RE = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_NAME_RE = re.compile(r"[^\W\d]\w*")
_OPS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "-", "(", ")", "[", "]",
        "{", "}", ",", ":")
_ESCAPES = {'"': '"', "'": "'", "`": "`", "\\": "\\", "/": "/", "b": "\b", "f": "\f",
            "n": "\n", "r": "\r", "t": "\t"}
_MISTAKES = {
    "=": "use '==' to compare",
    "&": "use '&&' for logical and",
    "|": "use '||' for logical or",
    "+": "arithmetic is not supported; intAdd(a, b) adds two integers",
    "*": "arithmetic is not supported",
    "/": "arithmetic is not supported",
    "%": "arithmetic is not supported",
    "?": "there is no conditional operator",
    ".": "'.' only follows a path root such as $Input",
}


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    col: int
    text: str


def _read_string(text: str, pos: int) -> tuple[str, int]:
    quote, i, n = text[pos], pos + 1, len(text)
    if quote == "`":  # back-ticks are raw, as in Go
        end = text.find("`", i)
        if end < 0:
            raise ExpressionSyntaxError("unterminated string", pos + 1)
        return text[i:end], end + 1
    out: list[str] = []
    while i < n:
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        esc = text[i + 1] if i + 1 < n else ""
        if esc == "u":
            i, code = _read_unicode(text, i)
            out.append(code)
            continue
        if esc not in _ESCAPES:
            hint = "write '{{' for a literal brace in format()" if esc in "{}" and esc else None
            shown = f"\\{esc}" if esc else "\\"
            raise ExpressionSyntaxError(f"unknown escape '{shown}' in string", i + 1, hint=hint)
        out.append(_ESCAPES[esc])
        i += 2
    raise ExpressionSyntaxError("unterminated string", pos + 1)


def _hex4(text: str, i: int) -> int | None:
    digits = text[i + 2:i + 6]
    if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
        return int(digits, 16)
    return None


def _read_unicode(text: str, i: int) -> tuple[int, str]:
    """Decode ``\\uXXXX`` (and a surrogate pair) at ``text[i]``; lone surrogates are errors."""
    high = _hex4(text, i)
    if high is None:
        raise ExpressionSyntaxError("'\\u' must be followed by 4 hex digits", i + 1)
    if 0xDC00 <= high <= 0xDFFF:
        raise ExpressionSyntaxError("lone surrogate in '\\u' escape", i + 1)
    if 0xD800 <= high <= 0xDBFF:
        low = _hex4(text, i + 6) if text[i + 6:i + 8] == "\\u" else None
        if low is None or not 0xDC00 <= low <= 0xDFFF:
            raise ExpressionSyntaxError("lone surrogate in '\\u' escape", i + 1)
        return i + 12, chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return i + 6, chr(high)


def _read_number(text: str, pos: int) -> tuple[int | float, int]:
    m = _NUMBER_RE.match(text, pos)
    end = m.end()
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        bad = re.match(r"[\w.]*", text[pos:]).group()
        raise ExpressionSyntaxError(f"invalid number '{bad}'", pos + 1)
    literal = m.group()
    if m.group(1) is None and m.group(2) is None:
        value = int(literal) if len(literal) <= _INT_DIGITS else None
    else:
        value = float(literal)
    if value is None or number_problem(value):
        shown = literal if len(literal) <= 24 else f"{literal[:16]}…({len(literal):,} digits)"
        raise ExpressionSyntaxError(f"number out of range '{shown}'", pos + 1,
                                    hint=f"JSON numbers are at most ±{MAX_NUMBER:.6g}")
    return value, end


def tokenize(text: str) -> list[Token]:
    """Split *text* into tokens, ending with an ``end`` token at column len+1."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "$":
            path, end = parse_path(text, i)
            tokens.append(Token("path", path, i + 1, text[i:end]))
            i = end
        elif ch in "0123456789":
            value, end = _read_number(text, i)
            tokens.append(Token("num", value, i + 1, text[i:end]))
            i = end
        elif ch in "\"'`":
            value, end = _read_string(text, i)
            tokens.append(Token("str", value, i + 1, text[i:end]))
            i = end
        elif (m := _NAME_RE.match(text, i)) is not None:
            tokens.append(Token("name", m.group(), i + 1, m.group()))
            i = m.end()
        else:
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                raise ExpressionSyntaxError(f"unexpected character '{ch}'", i + 1,
                                            hint=_MISTAKES.get(ch))
            tokens.append(Token("op", op, i + 1, op))
            i += len(op)
    tokens.append(Token("end", None, n + 1, ""))
    return tokens
