"""Lexing/parsing: literals, syntax error messages and columns, API shape."""
from __future__ import annotations

import dataclasses

import pytest

from flowdbg.engine.expressions import (Env, Expression, ExpressionError, ExpressionSyntaxError,
                                        compile_expression)

ENV = Env(roots={"$Input": {"status": "ready", "n": 5}})


def ev(text):
    return compile_expression(text).evaluate(ENV)


@pytest.mark.parametrize("text,expected", [
    ("12", 12), ("12.5", 12.5), ("1e3", 1000.0), ("2.5E-1", 0.25), ("0", 0), ("-7", -7),
    ("007", 7), ("123456789012345678901234567890", 123456789012345678901234567890),
    ('"double"', "double"), ("'single'", "single"), ("`back`", "back"),
    ('"a\\"b"', 'a"b'), ("'a\\'b'", "a'b"), ('"tab\\there"', "tab\there"), ('"\\\\"', "\\"),
    ('"\\u4e2d\\u6587"', "中文"), ('"\\/"', "/"), ("`raw \\n stays`", "raw \\n stays"),
    ("'中文'", "中文"), ('"multi\nline"', "multi\nline"),
    ("true", True), ("false", False), ("null", None),
    ('[1, "a", [true, null], {}]', [1, "a", [True, None], {}]), ("[]", []),
    ('{"name": "Tom", \'age\': 10, `k`: [1]}', {"name": "Tom", "age": 10, "k": [1]}), ("{}", {}),
    ("  $Input.status  ", "ready"), ("\t$Input.n\n", 5), ("(((1)))", 1),
    ("$Input.status==\"ready\"", True),   # reference §10 item 4: no spaces
    ("$Input.n>=1024", False), ("$Input.n\u3000==\u30005", True),  # full-width spaces
])
def test_literals_and_spacing(text, expected):
    result = ev(text)
    assert result == expected and type(result) is type(expected)


def test_int_stays_int_float_stays_float():
    assert type(ev("10")) is int
    assert type(ev("10.0")) is float
    assert type(ev("-10")) is int


@pytest.mark.parametrize("text,message,col", [
    ("", "empty expression", 1),
    ("   ", "empty expression", 1),
    ("$Input.a == 1 &&", "expected an operand after '&&'", 15),
    ("$Input.a == 1 && )", "expected an operand after '&&', found ')'", 18),
    ("$Input.a ==", "expected an operand after '=='", 10),
    ("!", "expected an operand after '!'", 1),
    ("1 ||", "expected an operand after '||'", 3),
    (")", "expected an operand, found ')'", 1),
    ("&& true", "expected an operand, found '&&'", 1),
    ("in [1]", "expected an operand, found 'in'", 1),
    ('"abc', "unterminated string", 1),
    ("1 == 'abc", "unterminated string", 6),
    ("`abc", "unterminated string", 1),
    ("'a\\qb'", "unknown escape '\\q' in string", 3),
    ("'\\{'", "unknown escape '\\{' in string", 2),
    ("'\\u12'", "'\\u' must be followed by 4 hex digits", 2),
    ("'\\ud800'", "lone surrogate in '\\u' escape", 2),
    ("1 # 2", "unexpected character '#'", 3),
    ("1 = 1", "unexpected character '='", 3),
    ("true & false", "unexpected character '&'", 6),
    ("1 + 2", "unexpected character '+'", 3),
    ("1 2", "unexpected '2' after a complete expression", 3),
    ("true and false", "unexpected 'and' after a complete expression", 6),
    ("(1", "missing ')' to close '('", 1),
    ("(1 2)", "expected ')' to close '(', found '2'", 4),
    ("1)", "unmatched ')'", 2),
    ("[1, 2", "missing ']' to close the array", 1),
    ("[1 2]", "expected ',' or ']' in the array, found '2'", 4),
    ("[1,]", "expected an operand after ',', found ']'", 4),
    ('{"a": 1', "missing '}' to close the object", 1),
    ("{a: 1}", "object keys must be quoted strings, found 'a'", 2),
    ('{"a" 1}', "expected ':' after object key, found '1'", 6),
    ('{"a": 1, "a": 2}', "duplicate key 'a' in object literal", 10),
    ("format('x'", "missing ')' to close the call to 'format'", 7),
    ("length('x' 'y')", "expected ',' or ')' in the call to 'length', found ''y''", 12),
    ("1 == 1 == 1", "comparison operators cannot be chained ('==' then '==')", 8),
    ("1 < 2 < 3", "comparison operators cannot be chained ('<' then '<')", 7),
    ("foo", "unknown name 'foo'", 1),
    ("True", "unknown name 'True'", 1),
    ("length", "'length' is a function; call it as length(...)", 1),
    ("12abc", "invalid number '12abc'", 1),
    ("1.", "invalid number '1.'", 1),
    ("1e999", "number out of range '1e999'", 1),
    ("$Input.n == .5", "unexpected character '.'", 13),
])
def test_syntax_errors(text, message, col):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.message == message
    assert exc.value.col == col
    assert exc.value.code == "expression-syntax"
    assert 1 <= exc.value.col <= max(len(text), 1)


@pytest.mark.parametrize("text,hint", [
    ("1 = 1", "use '==' to compare"),
    ("true and false", "use '&&'"),
    ("True", "did you mean 'true'?"),
    ("'\\{'", "write '{{' for a literal brace in format()"),
    ("1 == 1 == 1", "use parentheses and && to combine comparisons"),
    ("1 + 2", "arithmetic is not supported; intAdd(a, b) adds two integers"),
])
def test_hints(text, hint):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.hint == hint


def test_str_of_syntax_error_includes_column_and_hint():
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("fromat('x')")
    assert str(exc.value) == "unknown function 'fromat' (column 1); did you mean 'format'?"


def test_columns_count_characters_in_chinese_text():
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$Input.订单 == '金额' &&")
    assert exc.value.col == 19


def test_nesting_limits_raise_syntax_errors_not_recursion():
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression("(" * 500 + "1" + ")" * 500)
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression("!" * 5000 + "true")
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression(" && ".join(["true"] * 500))
    assert ev(" && ".join(["true"] * 50)) is True
    assert ev("!" * 20 + "true") is True


def test_non_string_input():
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(123)
    assert exc.value.message == "expression must be a string, got number 123"
    with pytest.raises(ExpressionSyntaxError):
        compile_expression({"a": 1})


def test_compile_is_cached_and_expression_immutable():
    a = compile_expression("$Input.status == 'ready'")
    assert compile_expression("$Input.status == 'ready'") is a
    assert isinstance(a, Expression) and a.text == "$Input.status == 'ready'"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.text = "x"
    assert dataclasses.is_dataclass(a.tree)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.tree.op = "!="


def test_errors_share_a_base_class():
    for text in ("(", "$Input.a[*]", "fromat()", "length()"):
        with pytest.raises(ExpressionError):
            compile_expression(text)
    with pytest.raises(ExpressionError):
        compile_expression("$Input.nope").evaluate(ENV)


def test_no_python_eval():
    for text in ("__import__('os')", "1 if True else 2", "lambda: 1", "[x for x in [1]]", "a.b"):
        with pytest.raises(ExpressionSyntaxError):
            compile_expression(text)
