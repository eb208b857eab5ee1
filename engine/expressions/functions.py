"""Built-in functions of FDL expressions (plain lowerCamelCase names, no prefix).

Doc: https://help.aliyun.com/document_detail/2579872.html . Each implementation takes
``(name, args, env)`` — *name* as written (aliases keep their own name in messages) —
and returns a fresh JSON value or raises ExpressionRuntimeError
``"<name>: argument <n> must be <what>, got <type> <value>"``.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable


from .errors import DataLimitError, ExpressionRuntimeError
from .values import (DATA_LIMIT, MAX_DEPTH, MAX_NUMBER, BadJSON, BadValue, canonical, compact_json, describe,
                     is_integer, json_equal, json_size, parse_json)

_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}
_MAX_KEYS_SHOWN = 8


@dataclass(frozen=True)
class Builtin:
    name: str
    min_args: int
    max_args: int | None  # None = variadic
    impl: Callable[[str, list, Any], Any]
    signature: str
    random: bool = False

    def arity_text(self) -> str:
        def plural(n: int) -> str:
            return f"{n} argument{'' if n == 1 else 's'}"
        if self.max_args is None:
            return f"at least {plural(self.min_args)}"
        if self.min_args == self.max_args:
            return plural(self.min_args)
        return f"{self.min_args} to {self.max_args} arguments"


def _bad(name: str, pos: int, expected: str, value: Any) -> ExpressionRuntimeError:
    return ExpressionRuntimeError(f"{name}: argument {pos} must be {expected}, got {describe(value)}")


def _want(name: str, args: list, pos: int, kind: type, expected: str) -> Any:
    value = args[pos - 1]
    ok = is_integer(value) if kind is int else isinstance(value, kind)
    if not ok:
        raise _bad(name, pos, expected, value)
    return value


def _limit(env: Any) -> int:
    return getattr(env, "data_limit", DATA_LIMIT)


def _too_big(name: str, limit: int, what: str = "the result") -> DataLimitError:
    return DataLimitError(f"{name}: {what} would be over {limit:,} bytes, the data limit")


def built(name: str, value: Any, env: Any) -> Any:
    """``value``, once measured: a built value over the data limit, or nested
    deeper than MAX_DEPTH, is refused here, before anything encodes it."""
    limit = _limit(env)
    try:
        size = json_size(value, limit)
    except BadValue:
        raise DataLimitError(f"{name}: the result nests deeper than {MAX_DEPTH} levels") from None
    if size > limit:
        raise _too_big(name, limit)
    return value


def _text_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _json_text(name: str, value: Any, env: Any = None) -> str:
    built(name, value, env)  # a value made of shared references is measured before it is encoded
    try:
        return compact_json(value)
    except (TypeError, ValueError, RecursionError):
        raise ExpressionRuntimeError(f"{name}: value cannot be written as JSON") from None


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@lru_cache(maxsize=1024)
def split_template(template: str) -> tuple[str, ...]:
    """Literal pieces around ``{}`` placeholders; ``{{``/``}}`` are literal braces.
    A template with n placeholders gives n+1 pieces."""
    pieces, cur, i, n = [], [], 0, len(template)
    while i < n:
        two = template[i:i + 2]
        if two in ("{{", "}}"):
            cur.append(two[0])
            i += 2
        elif two == "{}":
            pieces.append("".join(cur))
            cur = []
            i += 2
        else:
            cur.append(template[i])
            i += 1
    pieces.append("".join(cur))
    return tuple(pieces)


def placeholder_error(name: str, placeholders: int, given: int) -> str:
    return (f"{name}: template has {placeholders} placeholder{'' if placeholders == 1 else 's'} "
            f"but {given} argument{' was' if given == 1 else 's were'} given to fill them")


def _format(name, args, env):
    template = _want(name, args, 1, str, "a string")
    pieces = split_template(template)
    values = args[1:]
    if len(pieces) - 1 != len(values):
        raise ExpressionRuntimeError(placeholder_error(name, len(pieces) - 1, len(values)))
    limit = _limit(env)
    out, size = [pieces[0]], _text_size(pieces[0])
    for value, piece in zip(values, pieces[1:]):
        text = value if isinstance(value, str) else _json_text(name, value, env)
        size += _text_size(text) + _text_size(piece)
        if size > limit:  # stop before joining: 20,000 copies of a 60 KB input never exist
            raise _too_big(name, limit)
        out.append(text)
        out.append(piece)
    return "".join(out)


def _need_random(name, env):
    source = getattr(env, "random", None)
    if source is None:
        raise ExpressionRuntimeError(f"{name}: no random source is available")
    return source


def _uuid(name, args, env):
    return str(_need_random(name, env).uuid())


def _random_int(name, args, env):
    low = _want(name, args, 1, int, "an integer")
    high = _want(name, args, 2, int, "an integer")
    if low > high:
        raise ExpressionRuntimeError(f"{name}: low {low} is greater than high {high}")
    return int(_need_random(name, env).randint(low, high))


def _hash(name, args, env):
    value = args[0]
    algo = args[1]
    if not isinstance(algo, str) or algo not in _HASHES:
        raise _bad(name, 2, "one of " + ", ".join(f'"{a}"' for a in _HASHES), algo)
    data = value if isinstance(value, str) else _json_text(name, value, env)
    import hashlib  # imported when a flow first hashes: start-up pays for what runs
    return hashlib.new(_HASHES[algo], _utf8(data)).hexdigest()


def _from_base64(name, args, env):
    text = _want(name, args, 1, str, "a string").replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ExpressionRuntimeError(f"{name}: argument 1 is not valid Base64 ({exc})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExpressionRuntimeError(f"{name}: decoded bytes are not UTF-8 text") from None


def _to_base64(name, args, env):
    data = _utf8(_want(name, args, 1, str, "a string"))
    if (len(data) + 2) // 3 * 4 > _limit(env):
        raise _too_big(name, _limit(env))
    return base64.b64encode(data).decode("ascii")


def _string_to_json(name, args, env):
    text = _want(name, args, 1, str, "a string")
    try:
        return parse_json(text)
    except BadJSON as exc:
        where = f" at line {exc.line} column {exc.col} (char {exc.pos})" if exc.line else ""
        raise ExpressionRuntimeError(f"{name}: argument 1 is {exc.message}{where}") from None


def _json_to_string(name, args, env):
    return built(name, _json_text(name, args[0], env), env)


def _json_merge(name, args, env):
    first = _want(name, args, 1, dict, "an object")
    second = _want(name, args, 2, dict, "an object")
    return built(name, {**first, **second}, env)


def _length(name, args, env):
    return len(_want(name, args, 1, (list, dict, str), "an array, object or string"))


def _array_contains(name, args, env):
    items = _want(name, args, 1, list, "an array")
    return any(json_equal(item, args[1]) for item in items)


def _array_unique(name, args, env):
    items = _want(name, args, 1, list, "an array")
    seen, out = set(), []
    for item in items:
        key = canonical(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _to_array(name, args, env):
    return built(name, list(args), env)


def _map_keys(name, args, env):
    return list(_want(name, args, 1, dict, "an object"))


def _map_values(name, args, env):
    return list(_want(name, args, 1, dict, "an object").values())


def _split(name, args, env):
    text = _want(name, args, 1, str, "a string")
    sep = _want(name, args, 2, str, "a string")
    return built(name, list(text) if sep == "" else text.split(sep), env)


# RE2 (Go's regexp syntax, which CloudFlow's engine is believed to use): matching
# is linear in the text, so no pattern can hang a run ("^(a+)+$" on "aaa…!").
# Differences from Python's re: docs/expressions.md ("Regular expressions").
@lru_cache(maxsize=1)
def _re2():
    """google-re2 and its options, loaded by the first regex a flow uses."""
    import re2
    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors on the terminal (the TUI's screen)
    options.max_mem = 8 << 20  # bounds the compiled program and DFA cache
    return re2, options


@lru_cache(maxsize=256)
def compile_regex(pattern: str):
    """The compiled RE2 program, or the reason ``pattern`` is not valid RE2."""
    re2, options = _re2()
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else str(exc)
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    except (UnicodeEncodeError, TypeError, ValueError) as exc:
        return str(exc)


def _regex_match(name, args, env):
    pattern = _want(name, args, 1, str, "a string (a regular expression)")
    text = _want(name, args, 2, str, "a string")
    compiled = compile_regex(pattern)
    if isinstance(compiled, str):
        raise ExpressionRuntimeError(f"{name}: argument 1 is not a valid RE2 regular expression: {compiled}")
    try:
        return compiled.search(text) is not None
    except (UnicodeEncodeError, _re2()[0].error) as exc:
        raise ExpressionRuntimeError(f"{name}: cannot match: {exc}") from None


def _keys_note(obj: dict) -> str:
    keys = list(obj)
    if not keys:
        return "it is empty"
    shown = ", ".join(map(str, keys[:_MAX_KEYS_SHOWN]))
    return f"keys: {shown}" + (", …" if len(keys) > _MAX_KEYS_SHOWN else "")


def _get(name, args, env):
    container, key = args
    if isinstance(container, list):
        if not is_integer(key):
            raise _bad(name, 2, "an integer index for an array", key)
        if not 0 <= key < len(container):
            count = len(container)
            raise ExpressionRuntimeError(
                f"{name}: index {key} is out of range (array has {count} element{'' if count == 1 else 's'})")
        return container[key]
    if isinstance(container, dict):
        if not isinstance(key, str):
            raise _bad(name, 2, "a string key for an object", key)
        if key not in container:
            raise ExpressionRuntimeError(f"{name}: object has no key '{key}' ({_keys_note(container)})")
        return container[key]
    raise _bad(name, 1, "an array or object", container)


def _int_add(name, args, env):
    total = _want(name, args, 1, int, "an integer") + _want(name, args, 2, int, "an integer")
    if not -MAX_NUMBER <= total <= MAX_NUMBER:
        raise ExpressionRuntimeError(f"{name}: the sum is out of JSON's range (±{MAX_NUMBER:.6g})")
    return total


_TABLE = [
    Builtin("format", 1, None, _format, "format(template: string, ...values) -> string"),
    Builtin("uuid", 0, 0, _uuid, "uuid() -> string", random=True),
    Builtin("hash", 2, 2, _hash, "hash(value, algorithm: string) -> string"),
    Builtin("fromBase64", 1, 1, _from_base64, "fromBase64(text: string) -> string"),
    Builtin("toBase64", 1, 1, _to_base64, "toBase64(text: string) -> string"),
    Builtin("stringToJson", 1, 1, _string_to_json, "stringToJson(text: string) -> any"),
    Builtin("jsonToString", 1, 1, _json_to_string, "jsonToString(value) -> string"),
    Builtin("jsonMerge", 2, 2, _json_merge, "jsonMerge(a: object, b: object) -> object"),
    Builtin("length", 1, 1, _length, "length(value: array|object|string) -> integer"),
    Builtin("arrayContains", 2, 2, _array_contains, "arrayContains(items: array, value) -> boolean"),
    Builtin("arrayUnique", 1, 1, _array_unique, "arrayUnique(items: array) -> array"),
    Builtin("toArray", 0, None, _to_array, "toArray(...values) -> array"),
    Builtin("mapKeys", 1, 1, _map_keys, "mapKeys(obj: object) -> array"),
    Builtin("mapValues", 1, 1, _map_values, "mapValues(obj: object) -> array"),
    Builtin("split", 2, 2, _split, "split(text: string, separator: string) -> array"),
    Builtin("regexMatchString", 2, 2, _regex_match, "regexMatchString(pattern: string, text: string) -> boolean"),
    Builtin("get", 2, 2, _get, "get(container: array|object, indexOrKey: integer|string) -> any"),
    Builtin("intAdd", 2, 2, _int_add, "intAdd(a: integer, b: integer) -> integer"),
    Builtin("randomInt", 2, 2, _random_int, "randomInt(low: integer, high: integer) -> integer", random=True),
]

BUILTINS: dict[str, Builtin] = {b.name: b for b in _TABLE}
ALIASES: dict[str, str] = {"fromJSON": "stringToJson", "toJSON": "jsonToString"}
FUNCTION_NAMES: frozenset[str] = frozenset(BUILTINS) | frozenset(ALIASES)


def lookup(name: str) -> Builtin | None:
    """The built-in called *name* (aliases resolved), or None."""
    return BUILTINS.get(ALIASES.get(name, name))
