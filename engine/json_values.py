"""What a JSON value may be, for everything flowdbg reads or builds.

JSON numbers are IEEE doubles wherever a flow's data goes (Go, JavaScript,
CloudFlow's console), so a number beyond the double range has no JSON form;
integers inside the range stay exact (9007199254740993 is not rounded) and have
at most 309 digits, far below Python's 4,300-digit str() limit. Strings hold
no lone surrogates (they cannot be written as UTF-8). Values nest at most
MAX_DEPTH levels, so no recursive walk (json.dumps, equality, the TUI's tree)
can hit Python's recursion limit. A bottom-layer module: the loader, the
expression language, the backends and the engine all use it.
"""
from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

MAX_NUMBER = sys.float_info.max
MAX_DEPTH = 100  # arrays/objects nest at most this deep (flowdbg's limit; CloudFlow documents none)
DATA_LIMIT = 64 * 1024  # bytes; CloudFlow's state input/output limit (schema.DEFAULT_DATA_LIMIT)
_INT_DIGITS = len(str(int(MAX_NUMBER)))
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadValue(ValueError):
    """A value JSON cannot carry. ``str()`` names the JSON path (``$.a[0]``)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path and path != "$" else problem)
        self.path, self.problem = path, problem


class _Unrepresentable:
    """What the strict JSON parser puts where a number has no JSON value, so that
    :func:`check_value` can name its path."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _abbrev(text: str, n: int = 24) -> str:
    return text if len(text) <= n else f"{text[:n - 8]}…({len(text):,} characters)"


def number_problem(value: Any) -> str | None:
    """Why an int/float (not bool) is not a JSON number, else None."""
    if isinstance(value, float):
        if value != value:
            return "NaN is not a JSON number"
        if value in (math.inf, -math.inf):
            return "infinity is not a JSON number"
        return None
    if isinstance(value, int) and not -MAX_NUMBER <= value <= MAX_NUMBER:
        return f"the integer is out of JSON's range (±{MAX_NUMBER:.6g})"
    return None


def surrogate_problem(text: str) -> str | None:
    m = _SURROGATE.search(text)
    if m is None:
        return None
    return (f"holds a lone surrogate \\u{ord(m.group()):04x}, which is not a Unicode character "
            "(a '\\ud8xx' escape needs its '\\udcxx' pair)")


def _path_text(root: str, trail) -> str:
    keys = []
    while trail is not None:
        trail, k = trail
        keys.append(k)
    out = [root]
    for k in reversed(keys):
        if type(k) is int:
            out.append(f"[{k}]")
        elif k.isidentifier():
            out.append(f".{k}")
        else:
            out.append(f"[{json.dumps(k, ensure_ascii=False)}]")
    text = "".join(out)
    return text if len(text) <= 80 else f"{text[:50]}…{text[-25:]}"


def check_value(value: Any, path: str = "$", max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`BadValue` unless ``value`` is plain JSON: dict (string keys),
    list, str without lone surrogates, finite numbers within the double range,
    bool, None, nested at most ``max_depth`` deep. Iterative: any depth is safe;
    the path of a problem is built only when there is one."""
    stack = [(value, 0, None)]
    pop, push = stack.pop, stack.append
    while stack:
        v, d, trail = pop()
        t = type(v)
        if t is str:
            if not v.isascii() and (why := surrogate_problem(v)):
                raise BadValue(_path_text(path, trail), "the string " + why)
        elif t is dict or t is list:
            if d >= max_depth:
                raise BadValue(_path_text(path, trail), f"the value nests deeper than {max_depth} levels")
            if t is dict:
                for k, x in v.items():
                    if type(k) is not str:
                        raise BadValue(_path_text(path, trail), f"object key {k!r} is not a string")
                    if not k.isascii() and (why := surrogate_problem(k)):
                        raise BadValue(_path_text(path, trail), "a key " + why)
                    push((x, d + 1, (trail, k)))
            else:
                for i, x in enumerate(v):
                    push((x, d + 1, (trail, i)))
        elif t is int or t is float:
            if why := number_problem(v):
                raise BadValue(_path_text(path, trail), why.replace("the integer", f"the number {_abbrev(repr(v))}"))
        elif v is None or t is bool:
            pass
        elif t is _Unrepresentable:
            raise BadValue(_path_text(path, trail),
                           f"the number {_abbrev(v.text)} is out of JSON's range (±{MAX_NUMBER:.6g})"
                           if v.text[-1:].isdigit() else f"{v.text} is not valid JSON")
        else:
            raise BadValue(_path_text(path, trail), f"{type(v).__name__} is not a JSON value")


def nesting_exceeds(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """True when arrays/objects in ``value`` nest deeper than ``max_depth`` (a
    cheap walk over containers only, for checks on every state)."""
    stack = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        v, d = pop()
        t = type(v)
        if t is dict:
            v = v.values()
        elif t is not list:
            continue
        if d >= max_depth:
            return True
        for x in v:
            tx = type(x)
            if tx is dict or tx is list:
                push((x, d + 1))
    return False


def _parse_int(text: str) -> Any:
    digits = len(text) - (text[0] == "-")
    if digits > _INT_DIGITS:
        return _Unrepresentable(text)
    n = int(text)
    return n if -MAX_NUMBER <= n <= MAX_NUMBER else _Unrepresentable(text)


def _parse_float(text: str) -> Any:
    f = float(text)
    return f if f not in (math.inf, -math.inf) else _Unrepresentable(text)


class BadJSON(ValueError):
    """Text that is not strict JSON. ``line``/``col`` are 1-based when known
    (syntax errors), else 0; ``str()`` is the message alone."""

    def __init__(self, message: str, line: int = 0, col: int = 0, pos: int = -1):
        super().__init__(message)
        self.message, self.line, self.col, self.pos = message, line, col, pos


def parse_json(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Strict JSON: no NaN/Infinity, numbers within the double range, no lone
    surrogates, nesting at most ``max_depth``. Raises :class:`BadJSON`."""
    try:
        value = json.loads(text, parse_constant=_Unrepresentable, parse_int=_parse_int,
                           parse_float=_parse_float)
    except json.JSONDecodeError as e:
        raise BadJSON(f"not valid JSON: {e.msg}", e.lineno, e.colno, e.pos) from None
    except UnicodeDecodeError:
        raise BadJSON("not valid JSON: the bytes are not UTF-8 text") from None
    except RecursionError:
        raise BadJSON(f"not valid JSON: the value nests deeper than {max_depth} levels") from None
    except ValueError as e:  # pragma: no cover - the hooks above take every number
        raise BadJSON(f"not valid JSON: {e}") from None
    try:
        check_value(value, "$", max_depth)
    except BadValue as e:
        raise BadJSON(f"not valid JSON: {e}") from None
    return value


def json_size(value: Any, limit: int, max_depth: int = MAX_DEPTH) -> int:
    """The size of ``value`` as compact UTF-8 JSON, counted without encoding it,
    stopping as soon as it passes ``limit`` (then the count is just over
    ``limit``); raises :class:`BadValue` when it nests deeper than ``max_depth``.
    Strings count their UTF-8 bytes plus quotes (escapes are not counted, so
    this is at most the true size). Containers are walked lazily, so the work
    is proportional to ``limit``, not to the value: ``toArray(x, x, x, ...)``,
    which only repeats references, is refused without visiting every copy."""
    total = 0
    stack: list = [iter((value,))]
    while stack:
        for v in stack[-1]:
            t = type(v)
            if t is str:
                total += (len(v) if v.isascii() else len(v.encode("utf-8", "surrogatepass"))) + 2
            elif t is dict or t is list:
                if len(stack) > max_depth:
                    raise BadValue("", f"the value nests deeper than {max_depth} levels")
                total += 1 + len(v) if v else 2  # brackets and commas
                if t is list:
                    stack.append(iter(v))
                elif len(v) <= 64:
                    total += sum(_text_bytes(k) + 3 for k in v)  # "key":
                    stack.append(iter(v.values()))
                else:
                    stack.append(_keyed(v))
                if total > limit:
                    return total
                break  # go down into it
            elif t is _Key:
                total += _text_bytes(v) + 3
            elif v is None or t is bool:
                total += 5 if v is False else 4
            elif t is int:
                total += len(str(v)) if -10**18 < v < 10**18 else v.bit_length() * 3 // 10
            else:
                total += len(repr(v))
            if total > limit:
                return total
        else:
            stack.pop()
    return total


def _encoder():
    # The C encoder called directly: json.dumps builds a JSONEncoder and goes
    # through two Python-level calls each time (this runs for every state).
    from json import encoder as _e
    make = getattr(_e, "c_make_encoder", None)
    if make is None:  # no C speedups: the pure-Python encoder
        return None, json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
    return make(None, None, _e.c_encode_basestring or _e.py_encode_basestring, None, ":", ",", False, False,
                True), None


_C_ENCODE, _PY_ENCODE = _encoder()
_ENCODE_STR = json.encoder.encode_basestring  # the C function when there are speedups


def encoded_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON, exactly as the encoder writes
    it (NaN, Infinity included). Raises RecursionError past the encoder's depth."""
    t = type(value)
    if t is str:
        text = _ENCODE_STR(value)
    elif value is None or value is True:
        return 4
    elif value is False:
        return 5
    elif t is int:
        return len(int.__repr__(value))
    elif t is float:
        return len(float.__repr__(value)) if math.isfinite(value) else (3 if value != value else 8 + (value < 0))
    else:
        text = "".join(_C_ENCODE(value, 0)) if _C_ENCODE is not None else _PY_ENCODE(value)
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _text_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _keyed(d: dict):
    """A big object's values, each key counted as it is reached."""
    for k, v in d.items():
        yield _Key(k)
        yield v


class _Key(str):
    """An object key, counted as ``"key":``."""
