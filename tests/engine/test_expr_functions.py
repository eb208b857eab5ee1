"""Built-in functions: documented examples (reference §11 B1–B9), edges and errors."""
from __future__ import annotations

import hashlib
import re
import uuid

import pytest

from flowdbg.engine.expressions import (FUNCTION_NAMES, Env, ExpressionRuntimeError,
                                        ExpressionSyntaxError, SeededRandom, compile_expression)

INPUT = {
    "name": "世界", "n": 5, "list": [1, 2, 2, "2"], "obj": {"k": "v", "x": 1},
    "prompt": "Summarise {videoAsrText} and {videoExtraInfo}", "a": "2024-01-01", "b": "2024-01-31",
    "body": '{"ok": true, "items": [1, 2]}', "num_body": 12,
}


def ev(text, env=None):
    return compile_expression(text).evaluate(env or Env(roots={"$Input": INPUT}, random=SeededRandom(1)))


def err(text, env=None):
    with pytest.raises(ExpressionRuntimeError) as exc:
        ev(text, env)
    return exc.value.message


# ---------------------------------------------------------------- B1–B9 (documented)

@pytest.mark.parametrize("text,expected", [
    ('arrayContains(["Tom",10],10)', True),                                           # B1
    ('arrayContains(["Tom",10],"Jack")', False),                                      # B2
    ("arrayUnique([1, 2, 3, 1])", [1, 2, 3]),                                         # B3
    ('format("hello {}","world")', "hello world"),                                    # B4
    ('fromBase64("Rm5G")', "FnF"),                                                    # B5
    ("""stringToJson('{"name": "Tom", "age": 10}')""", {"name": "Tom", "age": 10}),   # B6
    ("""fromJSON('{"name": "Tom", "age": 10}')""", {"name": "Tom", "age": 10}),       # B6 alias (ja page)
    ('hash("abc","MD5")', "900150983cd24fb0d6963f7d28e17f72"),                        # B7
    ('jsonMerge({"name": "Tom", "age": 10},{"name": "Tom", "address": "beijing"})',
     {"name": "Tom", "age": 10, "address": "beijing"}),                               # B8
    ("length([1, 2, 3])", 3),                                                         # B9
    ('length({"name": "Tom", "age": 10})', 2),                                        # B9
    ('length("name")', 4),                                                            # B9
    ("format('Hello, {}', $Input.name)", "Hello, 世界"),                              # doc page snippet
])
def test_documented_examples(text, expected):
    result = ev(text)
    assert result == expected and type(result) is type(expected)


def test_function_names():
    assert FUNCTION_NAMES == {
        "format", "uuid", "hash", "fromBase64", "toBase64", "stringToJson", "fromJSON",
        "jsonToString", "toJSON", "jsonMerge", "length", "arrayContains", "arrayUnique",
        "toArray", "mapKeys", "mapValues", "split", "regexMatchString", "get", "intAdd", "randomInt"}


# ---------------------------------------------------------------- format

class TestFormat:
    def test_path_arguments(self):  # pitfall #28
        assert ev("format('Run {} to {}', $Input.a, $Input.b)") == "Run 2024-01-01 to 2024-01-31"

    def test_braces_in_arguments_are_never_templated(self):
        assert ev("format('P: {}', $Input.prompt)") == "P: Summarise {videoAsrText} and {videoExtraInfo}"
        assert ev("format('{}{}', '{}', 'x')") == "{}x"

    def test_escaped_braces(self):
        assert ev("format('lit {{x}} {}', $Input.a)") == "lit {x} 2024-01-01"
        assert ev("format('{{}}')") == "{}"
        assert ev("format('{{{}}}', 1)") == "{1}"

    def test_lone_braces_stay_literal(self):
        assert ev("""format('{"a": {}}', 1)""") == '{"a": 1}'
        assert ev("format('a } b {')") == "a } b {"

    def test_non_string_arguments_are_compact_json(self):
        assert ev("format('{}|{}|{}|{}|{}|{}', 1, 1.5, true, null, [1, \"a\"], {\"k\": \"世\"})") == \
            '1|1.5|true|null|[1,"a"]|{"k":"世"}'
        assert ev("format('{}', $Input.obj)") == '{"k":"v","x":1}'

    def test_no_placeholders(self):
        assert ev("format('plain')") == "plain"
        assert ev("format('')") == ""

    def test_count_mismatch_is_static_when_template_is_literal(self):
        with pytest.raises(ExpressionSyntaxError) as exc:
            compile_expression("format('{} and {}', 1)")
        assert exc.value.code == "bad-arity"
        assert exc.value.message == "format: template has 2 placeholders but 1 argument was given to fill them"
        with pytest.raises(ExpressionSyntaxError, match="1 placeholder but 2 arguments were given"):
            compile_expression("format('{}', 1, 2)")

    def test_count_mismatch_at_run_time(self):
        env = Env(roots={"$Input": {"t": "{} {}"}})
        assert err("format($Input.t, 1)", env) == \
            "format: template has 2 placeholders but 1 argument was given to fill them"

    def test_template_must_be_string(self):
        assert err("format($Input.n)") == "format: argument 1 must be a string, got number 5"

    def test_no_arguments(self):
        with pytest.raises(ExpressionSyntaxError) as exc:
            compile_expression("format()")
        assert exc.value.code == "bad-arity"
        assert exc.value.message == "format: expects at least 1 argument, got 0"


# ---------------------------------------------------------------- random

class TestRandom:
    def test_uuid_is_seeded_and_v4(self):
        first = [ev("uuid()", Env(roots={}, random=SeededRandom(42))) for _ in range(2)]
        assert first[0] == first[1]
        parsed = uuid.UUID(first[0])
        assert parsed.version == 4 and str(parsed) == first[0]
        source = SeededRandom(42)
        env = Env(roots={}, random=source)
        a, b = ev("uuid()", env), ev("uuid()", env)
        assert a == first[0] and b != a

    def test_random_int_inclusive_and_seeded(self):
        env = Env(roots={}, random=SeededRandom(3))
        values = {ev("randomInt(1, 3)", env) for _ in range(200)}
        assert values == {1, 2, 3}
        assert ev("randomInt(7, 7)", env) == 7
        same = [ev("randomInt(0, 1000000)", Env(roots={}, random=SeededRandom(9))) for _ in range(2)]
        assert same[0] == same[1]

    def test_random_errors(self):
        assert err("uuid()", Env(roots={})) == "uuid: no random source is available"
        assert err("randomInt(1, 2)", Env(roots={})) == "randomInt: no random source is available"
        assert err("randomInt(3, 1)") == "randomInt: low 3 is greater than high 1"
        assert err("randomInt(1.5, 2)") == "randomInt: argument 1 must be an integer, got number 1.5"
        assert err("randomInt(1, true)") == "randomInt: argument 2 must be an integer, got boolean true"

    def test_state_rewind(self):
        source = SeededRandom(5)
        state = source.getstate()
        first = source.uuid()
        source.setstate(state)
        assert source.uuid() == first

    def test_random_calls_are_not_constant(self):
        assert compile_expression("uuid()").is_constant is False
        assert compile_expression("format('{}', randomInt(1, 2))").is_constant is False
        assert compile_expression("toArray(1, 'a')").is_constant is True


# ---------------------------------------------------------------- hash / base64

class TestHashAndBase64:
    @pytest.mark.parametrize("algo,lib", [("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256"),
                                          ("SHA-512", "sha512")])
    def test_algorithms(self, algo, lib):
        assert ev(f'hash("abc", "{algo}")') == hashlib.new(lib, b"abc").hexdigest()

    def test_non_ascii_is_utf8(self):
        assert ev('hash($Input.name, "SHA-256")') == hashlib.sha256("世界".encode()).hexdigest()

    def test_non_string_hashes_compact_json(self):
        assert ev('hash({"a": [1, 2]}, "MD5")') == hashlib.md5(b'{"a":[1,2]}').hexdigest()
        assert ev('hash(12, "MD5")') == hashlib.md5(b"12").hexdigest()

    def test_unknown_algorithm(self):
        assert err('hash("abc", "sha1")') == \
            'hash: argument 2 must be one of "MD5", "SHA-1", "SHA-256", "SHA-512", got string "sha1"'
        assert err('hash("abc", ["MD5"])').startswith("hash: argument 2 must be one of")

    def test_base64_round_trip(self):
        assert ev('toBase64("FnF")') == "Rm5G"
        assert ev('fromBase64(toBase64($Input.name))') == "世界"
        assert ev('toBase64("")') == "" and ev('fromBase64("")') == ""
        assert ev('fromBase64("aGVs\\nbG8=")') == "hello"

    def test_base64_errors(self):
        assert err('fromBase64("Rm5")').startswith("fromBase64: argument 1 is not valid Base64")
        assert err('fromBase64("@@@@")').startswith("fromBase64: argument 1 is not valid Base64")
        assert err('fromBase64("/w==")') == "fromBase64: decoded bytes are not UTF-8 text"
        assert err("fromBase64(1)") == "fromBase64: argument 1 must be a string, got number 1"
        assert err("toBase64([1])") == "toBase64: argument 1 must be a string, got array [1]"


# ---------------------------------------------------------------- JSON

class TestJson:
    def test_string_to_json_any_value(self):
        assert ev("stringToJson($Input.body)") == {"ok": True, "items": [1, 2]}
        assert ev("stringToJson('[1, 2.5]')") == [1, 2.5]
        assert ev("stringToJson('\"s\"')") == "s"
        assert ev("stringToJson('null')") is None

    def test_string_to_json_rejects_non_strings(self):  # pitfall H.28
        assert err("stringToJson($Input.num_body)") == "stringToJson: argument 1 must be a string, got number 12"
        assert err("stringToJson($Input.obj)") == \
            'stringToJson: argument 1 must be a string, got object {"k":"v","x":1}'
        assert err("fromJSON(null)") == "fromJSON: argument 1 must be a string, got null"

    def test_string_to_json_invalid_quotes_position(self):
        assert err("stringToJson('{\"a\": }')") == \
            "stringToJson: argument 1 is not valid JSON: Expecting value at line 1 column 7 (char 6)"
        assert err("stringToJson('')").endswith("Expecting value at line 1 column 1 (char 0)")
        assert err("stringToJson('NaN')") == "stringToJson: argument 1 is not valid JSON: NaN is not valid JSON"

    def test_string_to_json_deep_nesting_is_an_error(self):
        deep = "[" * 100000 + "]" * 100000
        env = Env(roots={"$Input": {"deep": deep}})
        assert err("stringToJson($Input.deep)", env) == \
            "stringToJson: argument 1 is not valid JSON: the value nests deeper than 100 levels"

    def test_json_to_string(self):
        assert ev("jsonToString($Input.obj)") == '{"k":"v","x":1}'
        assert ev("toJSON({\"名\": [1, true, null]})") == '{"名":[1,true,null]}'
        assert ev("jsonToString('x')") == '"x"'
        assert ev("stringToJson(jsonToString($Input.list))") == INPUT["list"]

    def test_json_merge(self):
        assert ev('jsonMerge({"a": 1, "b": {"x": 1}}, {"b": {"y": 2}})') == {"a": 1, "b": {"y": 2}}
        assert err('jsonMerge({}, [1])') == "jsonMerge: argument 2 must be an object, got array [1]"
        assert err('jsonMerge("a", {})') == 'jsonMerge: argument 1 must be an object, got string "a"'

    def test_json_merge_builds_a_new_object(self):
        data = {"a": {"x": 1}}
        env = Env(roots={"$Input": data})
        merged = ev("jsonMerge($Input.a, {})", env)
        merged["y"] = 2
        assert data == {"a": {"x": 1}}


# ---------------------------------------------------------------- collections

class TestCollections:
    def test_length(self):
        assert ev("length($Input.name)") == 2  # code points, not bytes
        assert ev("length([])") == 0 and ev("length({})") == 0 and ev("length('')") == 0
        assert err("length(5)") == "length: argument 1 must be an array, object or string, got number 5"
        assert err("length(null)") == "length: argument 1 must be an array, object or string, got null"

    def test_array_contains_is_strict(self):
        assert ev("arrayContains([1, 2], 1.0)") is True
        assert ev("arrayContains([1, 2], true)") is False
        assert ev("arrayContains([true], 1)") is False
        assert ev('arrayContains([[1], {"a": 1}], {"a": 1.0})') is True
        assert ev("arrayContains([], null)") is False
        assert err('arrayContains("abc", "a")') == \
            'arrayContains: argument 1 must be an array, got string "abc"'

    def test_array_unique(self):
        assert ev("arrayUnique([1, true, 1.0, false, 0, \"1\", null, null])") == [1, True, False, 0, "1", None]
        assert ev('arrayUnique([{"a": 1}, {"a": 1.0}, [1], [true]])') == [{"a": 1}, [1], [True]]
        assert ev("arrayUnique([])") == []
        assert err("arrayUnique({})") == "arrayUnique: argument 1 must be an array, got object {}"

    def test_to_array(self):
        assert ev("toArray()") == []
        assert ev("toArray(1, 'a', [2], $Input.n)") == [1, "a", [2], 5]

    def test_map_keys_values(self):
        assert ev("mapKeys($Input.obj)") == ["k", "x"]
        assert ev("mapValues($Input.obj)") == ["v", 1]
        assert ev("mapKeys({})") == [] and ev("mapValues({})") == []
        assert err("mapKeys([1])") == "mapKeys: argument 1 must be an object, got array [1]"
        assert err("mapValues('x')") == 'mapValues: argument 1 must be an object, got string "x"'

    def test_split(self):
        assert ev("split('a,b,,c', ',')") == ["a", "b", "", "c"]
        assert ev("split('', ',')") == [""]
        assert ev("split('a--b', '--')") == ["a", "b"]
        assert ev("split('ab', '')") == ["a", "b"]
        assert err("split(1, ',')") == "split: argument 1 must be a string, got number 1"
        assert err("split('a', null)") == "split: argument 2 must be a string, got null"

    def test_get(self):
        assert ev("get($Input.list, 0)") == 1
        assert ev("get($Input.obj, 'x')") == 1
        assert ev("get([[1, 2]], 0)") == [1, 2]
        assert err("get($Input.list, 4)") == "get: index 4 is out of range (array has 4 elements)"
        assert err("get($Input.list, -1)") == "get: index -1 is out of range (array has 4 elements)"
        assert err("get($Input.obj, 'nope')") == "get: object has no key 'nope' (keys: k, x)"
        assert err("get({}, 'nope')") == "get: object has no key 'nope' (it is empty)"
        assert err("get($Input.list, '0')") == \
            'get: argument 2 must be an integer index for an array, got string "0"'
        assert err("get($Input.list, 1.0)") == "get: argument 2 must be an integer index for an array, got number 1.0"
        assert err("get($Input.list, true)") == \
            "get: argument 2 must be an integer index for an array, got boolean true"
        assert err("get($Input.obj, 1)") == "get: argument 2 must be a string key for an object, got number 1"
        assert err("get('abc', 0)") == 'get: argument 1 must be an array or object, got string "abc"'


# ---------------------------------------------------------------- strings / numbers

class TestRegexAndIntAdd:
    def test_regex_match_is_search(self):
        assert ev("regexMatchString('^a.c$', 'abc')") is True
        assert ev("regexMatchString('b', 'abc')") is True
        assert ev("regexMatchString('^b', 'abc')") is False
        assert ev("regexMatchString('\\\\d+', 'x12')") is True

    def test_regex_errors(self):
        message = err("regexMatchString('(', 'abc')")
        assert message == "regexMatchString: argument 1 is not a valid RE2 regular expression: missing ): ("
        assert err("regexMatchString('a', 1)") == "regexMatchString: argument 2 must be a string, got number 1"
        assert err("regexMatchString(1, 'a')") == \
            "regexMatchString: argument 1 must be a string (a regular expression), got number 1"

    def test_int_add(self):
        assert ev("intAdd(2, 3)") == 5
        assert ev("intAdd(-2, $Input.n)") == 3
        assert ev("intAdd(9007199254740993, 1)") == 9007199254740994
        assert err("intAdd(1.5, 1)") == "intAdd: argument 1 must be an integer, got number 1.5"
        assert err("intAdd(1, true)") == "intAdd: argument 2 must be an integer, got boolean true"
        assert err("intAdd(1, '2')") == 'intAdd: argument 2 must be an integer, got string "2"'


# ---------------------------------------------------------------- compile-time checks

@pytest.mark.parametrize("text,message", [
    ("length()", "length: expects 1 argument, got 0"),
    ("length(1, 2)", "length: expects 1 argument, got 2"),
    ("uuid(1)", "uuid: expects 0 arguments, got 1"),
    ("hash('a')", "hash: expects 2 arguments, got 1"),
    ("jsonMerge({})", "jsonMerge: expects 2 arguments, got 1"),
    ("fromJSON()", "fromJSON: expects 1 argument, got 0"),
    ("get([1])", "get: expects 2 arguments, got 1"),
    ("randomInt(1)", "randomInt: expects 2 arguments, got 1"),
])
def test_bad_arity(text, message):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.code == "bad-arity"
    assert exc.value.message == message
    assert exc.value.col == 1
    assert exc.value.hint.startswith("signature: ")


@pytest.mark.parametrize("text,guess", [
    ("fromat('x')", "format"), ("lenght('x')", "length"), ("Length('x')", "length"),
    ("UUID()", "uuid"), ("fromJson('1')", "fromJSON"), ("arraycontains([], 1)", "arrayContains"),
])
def test_unknown_function_suggests(text, guess):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.code == "unknown-function"
    assert exc.value.message == f"unknown function '{text.split('(')[0]}'"
    assert exc.value.hint == f"did you mean '{guess}'?"
    assert exc.value.col == 1


def test_unknown_function_without_close_match_and_state_prefix():
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("zzz(1)")
    assert exc.value.code == "unknown-function" and exc.value.hint is None
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$Input.a == States.Format('x')")
    assert exc.value.code == "expression-syntax"


def test_nesting_limit_is_ten_calls():
    ten = "toArray(" * 10 + ")" * 10
    expected: list = []
    for _ in range(9):
        expected = [expected]
    assert ev(ten) == expected
    eleven = "toArray(" * 11 + ")" * 11
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(eleven)
    assert exc.value.message == "too many nested function calls (at most 10)"
    assert exc.value.col == 1 + len("toArray(") * 10
    # siblings do not count as nesting
    assert ev(", ".join(["length('a')"] * 12).join(["toArray(", ")"])) == [1] * 12


def test_runtime_error_column_points_at_the_call():
    with pytest.raises(ExpressionRuntimeError) as exc:
        ev("true && length(5) == 1")
    assert exc.value.col == 9


def test_results_are_fresh_values():
    expr = compile_expression('toArray([1], {"a": 1})')
    env = Env(roots={})
    first = expr.evaluate(env)
    first[0].append(2)
    first[1]["b"] = 2
    assert expr.evaluate(env) == [[1], {"a": 1}]
    keys = ev("mapKeys($Input.obj)")
    keys.append("zz")
    assert list(INPUT["obj"]) == ["k", "x"]


def test_uuid_text_format():
    value = ev("uuid()")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
