"""Paths: definite access, key forms, exact missing-path messages, rejected features."""
from __future__ import annotations

import pytest

from flowdbg.engine.expressions import (Env, ExpressionRuntimeError, ExpressionSyntaxError,
                                        compile_expression)

DATA = {
    "order": {"items": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1}], "id": "o-1"},
    "订单": {"金额": 99.5, "客户": {"名字": "张三"}},
    "Content-Type": "application/json",
    "a b": 1,
    "some.key.name": "myname",
    "@odata.type": "#x",
    "it's": "quoted",
    "a": "text",
    "items": ["alpha", "bravo"],
    "matrix": [[1, 2], [3, 4]],
    "nothing": None,
    "empty": {},
    "big": {f"k{i}": i for i in range(12)},
    "2024": "year",
}
CONTEXT = {"Execution": {"Name": "run-1", "Input": {"x": 1}},
           "Current": {"Name": "S1", "TaskToken": "tok-1", "RetryCount": 0, "Input": DATA}}
ENV = Env(roots={"$Input": DATA, "$Context": CONTEXT},
          unavailable={"$Output": "$Output is only available in OutputConstructor"})


def ev(text, env=ENV):
    return compile_expression(text).evaluate(env)


def runtime_message(text, env=ENV):
    with pytest.raises(ExpressionRuntimeError) as exc:
        ev(text, env)
    return exc.value.message


@pytest.mark.parametrize("text,expected", [
    ("$Input.order.id", "o-1"),
    ("$Input.order.items[0].sku", "A1"),
    ("$Input.order.items[1]", {"sku": "B2", "qty": 1}),
    ("$Input.订单.金额", 99.5),
    ("$Input.订单.客户.名字", "张三"),
    ("$Input['订单']['金额']", 99.5),
    ("$Input['Content-Type']", "application/json"),
    ('$Input["Content-Type"]', "application/json"),
    ('$Input["a b"]', 1),
    ("$Input['some.key.name']", "myname"),
    ("$Input['@odata.type']", "#x"),
    ("$Input['it\\'s']", "quoted"),
    ("$Input.matrix[1][0]", 3),
    ("$Input.matrix[ 0 ][ 1 ]", 2),
    ("$Input.nothing", None),
    ("$Input.empty", {}),
    ("$Input", DATA),
    ("$Context.Current.TaskToken", "tok-1"),
    ("$Context.Execution.Input.x", 1),
    ("$Context.Current.Input.order.items[0].qty", 2),
    ("$Input.Content-Type", "application/json"),   # dotted keys may contain '-' (as in jsonpath-ng)
    ("$Input.2024", "year"),                        # dotted digits are a key, not an index
])
def test_definite_paths(text, expected):
    assert ev(text) == expected


def test_index_at_end_yields_element_not_list():
    # pitfall #1
    assert ev("$Input.items[0]") == "alpha"
    assert ev("$Input.order.items[0]") == {"sku": "A1", "qty": 2}
    assert ev("$Input.matrix[0]") == [1, 2]
    out = compile_expression("$Output.output.choices[0].message.content").evaluate(
        Env(roots={"$Output": {"output": {"choices": [{"message": {"content": "hi"}}]}}}))
    assert out == "hi"


@pytest.mark.parametrize("text,message", [
    ("$Input.order.items[3]", "$Input.order.items[3]: items has 2 elements"),
    ("$Input.nope", None),
    ("$Input.a.b", "$Input.a.b: a is a string, not an object"),
    ("$Input.a[0]", "$Input.a[0]: a is a string, not an array"),
    ("$Input.order[0]", "$Input.order[0]: order is an object, not an array"),
    ("$Input.items.first", "$Input.items.first: items is an array, not an object"),
    ("$Input.items.0", "$Input.items['0']: items is an array, not an object (use [0] to index an array)"),
    ("$Input.order.items[0].price", "$Input.order.items[0].price: items[0] has no key 'price' (keys: sku, qty)"),
    ("$Input.order.items[1].sku.x", "$Input.order.items[1].sku.x: sku is a string, not an object"),
    ("$Input.matrix[1][5]", "$Input.matrix[1][5]: matrix[1] has 2 elements"),
    ("$Input.matrix[0][0].x", "$Input.matrix[0][0].x: matrix[0][0] is a number, not an object"),
    ("$Input.nothing.x", "$Input.nothing.x: nothing is null, not an object"),
    ("$Input.empty.x", "$Input.empty.x: empty has no key 'x' (it is empty)"),
    ("$Input.big.zz", "$Input.big.zz: big has no key 'zz' (12 keys: k0, k1, k2, k3, k4, k5, k6, k7, …)"),
    ("$Input.订单.税", "$Input.订单.税: 订单 has no key '税' (keys: 金额, 客户)"),
    ("$Input['Content-Type'].x", "$Input['Content-Type'].x: Content-Type is a string, not an object"),
    ("$Input.items[2]", "$Input.items[2]: items has 2 elements"),
    ("$Context.Current.Error.Code", "$Context.Current.Error.Code: Current has no key 'Error' "
                                    "(keys: Name, TaskToken, RetryCount, Input)"),
])
def test_missing_path_messages(text, message):
    got = runtime_message(text)
    if message is None:  # top-level: lists the keys of $Input (more than 8 -> count)
        assert got.startswith("$Input.nope: $Input has no key 'nope' (14 keys: order, 订单, Content-Type")
    else:
        assert got == message


def test_missing_path_with_few_keys():
    env = Env(roots={"$Input": {"a": 1, "b": 2}})
    assert runtime_message("$Input.nope", env) == "$Input.nope: $Input has no key 'nope' (keys: a, b)"
    assert runtime_message("$Input.c[0]", Env(roots={"$Input": {"c": []}})) == "$Input.c[0]: c has 0 elements"
    assert runtime_message("$Input.c[1]", Env(roots={"$Input": {"c": [1]}})) == "$Input.c[1]: c has 1 element"


def test_missing_path_is_never_null():
    # decision 1 / pitfall #2
    with pytest.raises(ExpressionRuntimeError):
        ev("$Input.nope.deep")
    with pytest.raises(ExpressionRuntimeError):
        ev("$Input.nope == null")


def test_root_not_a_container():
    env = Env(roots={"$Input": "scalar", "$Item": [1]})
    assert runtime_message("$Input.x", env) == "$Input.x: $Input is a string, not an object"
    assert runtime_message("$Item[1]", env) == "$Item[1]: $Item has 1 element"
    assert compile_expression("$Item[0]").evaluate(env) == 1


def test_unavailable_roots():
    assert runtime_message("$Output.x") == "$Output.x: $Output is only available in OutputConstructor"
    assert runtime_message("$Item") == "$Item: $Item is not available here"
    err = pytest.raises(ExpressionRuntimeError, ev, "1 == 1 && $Item.a == 1").value
    assert err.col == 11


def test_path_error_carries_column():
    with pytest.raises(ExpressionRuntimeError) as exc:
        ev('$Input.a == "text" && $Input.nope == 1')
    assert exc.value.col == 23


def test_value_from_input_is_returned_as_is():
    assert ev("$Input.order") is DATA["order"]


@pytest.mark.parametrize("text,fragment,col", [
    ("$Input.items[*]", "FDL paths do not support wildcards '[*]'", 13),
    ("$Input.items.*", "FDL paths do not support wildcards '.*'", 13),
    ("$Input..sku", "FDL paths do not support recursive descent '..'", 7),
    ("$Input.order..sku", "FDL paths do not support recursive descent '..'", 13),
    ("$Input.items[?(@.Status != '201')]", "FDL paths do not support filter expressions '[?(...)]'", 13),
    ("$Input.items[ ?(@.a)]", "FDL paths do not support filter expressions '[?(...)]'", 13),
    ("$Input.items[0:1]", "FDL paths do not support slices '[a:b]'", 13),
    ("$Input.items[1:]", "FDL paths do not support slices '[a:b]'", 13),
    ("$Input.items[::2]", "FDL paths do not support slices '[a:b]'", 13),
    ("$Input.items[-1]", "FDL paths do not support negative indexes", 13),
    ("$Input.items[0,1]", "FDL paths do not support unions of indexes", 13),
    ("$Input['a','b']", "FDL paths do not support unions of keys", 7),
    ("$Input.order['*']", "FDL paths do not support wildcards '*'", 13),
    ("1 == $Input.a[*]", "FDL paths do not support wildcards '[*]'", 14),
])
def test_rejected_path_features(text, fragment, col):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.code == "unsupported-path"
    assert exc.value.message == fragment
    assert exc.value.col == col
    assert "[n]" in exc.value.hint


@pytest.mark.parametrize("text,message,col", [
    ("$input.a", "unknown root '$input'", 1),
    ("$Foo", "unknown root '$Foo'", 1),
    ("1 == $", "a path needs a root after '$'", 6),
    ("$Input.", "expected a key after '.'", 7),
    ("$Input.a[0", "missing ']' to close '['", 9),
    ("$Input.a[]", "invalid path part '[]'", 9),
    ("$Input.a['x]", "missing ']' to close '['", 9),
])
def test_path_syntax_errors(text, message, col):
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression(text)
    assert exc.value.code == "expression-syntax"
    assert exc.value.message == message
    assert exc.value.col == col


def test_unknown_root_hints():
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$input.a")
    assert exc.value.hint == "did you mean '$Input'?"
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$Contxt.a")
    assert exc.value.hint == "did you mean '$Context'?"
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$local.a")
    assert exc.value.hint == "paths start with $Input, $Output, $Context or $Item"


class TestMetadata:
    def test_paths_are_normalized(self):
        expr = compile_expression("$Input['order'][\"items\"][0].sku == $Input.order.items[0].sku && "
                                  "$Input['Content-Type'] == 'x' && $Input['a b'] == 1 && $Input.订单.金额 > 1")
        assert expr.paths == ("$Input.order.items[0].sku", "$Input['Content-Type']", "$Input['a b']",
                              "$Input.订单.金额")
        assert expr.roots == frozenset({"$Input"})
        assert compile_expression("$Input['it\\'s']").paths == ("$Input['it\\'s']",)
        assert compile_expression("$Input.2024").paths == ("$Input['2024']",)

    def test_roots(self):
        expr = compile_expression("format('{} {} {}', $Context.Current.TaskToken, $Item.x, $Output)")
        assert expr.roots == frozenset({"$Context", "$Item", "$Output"})
        assert compile_expression("1 == 1").roots == frozenset()

    def test_references(self):
        expr = compile_expression("toArray($Context.Current.TaskToken, $Input.ab[0])")
        assert expr.references("$Context.Current.TaskToken")
        assert expr.references("$Context.Current")
        assert expr.references("$Context")
        assert expr.references("$Input.ab")
        assert expr.references("$Input['ab']")
        assert not expr.references("$Input.a")          # segment-aware, not a raw prefix
        assert not expr.references("$Context.Current.TaskTokenX")
        assert not expr.references("$Output")

    def test_is_constant(self):
        assert compile_expression("format('a {}', 1)").is_constant
        assert compile_expression('{"a": [1, 2]}').is_constant
        assert not compile_expression("$Input.a").is_constant
        assert not compile_expression("uuid()").is_constant


def test_path_length_limit():
    assert ev("$Input" + ".a" * 0) == DATA
    long_ok = compile_expression("$Input" + ".a" * 100)
    assert len(long_ok.paths[0]) == len("$Input") + 200
    with pytest.raises(ExpressionSyntaxError) as exc:
        compile_expression("$Input" + ".a" * 101)
    assert exc.value.message == "path has too many parts (at most 100)"
    assert exc.value.col == 1


# ------------------------------------------------ the scan's own segments against jsonpath-ng

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flowdbg.engine.expressions import paths as P  # noqa: E402

_KEYS = st.from_regex(P._KEY_RE, fullmatch=True).filter(lambda k: len(k) < 30)
_PART = st.one_of(_KEYS.map(lambda k: "." + k), st.integers(0, 10**20).map(lambda n: f"[{n}]"))


def _by_jsonpath_ng(text: str) -> P.Path:
    end, root, jp_text, pieces = P.scan_path(text, 0)
    result = P._parse_cached(root, jp_text, len(pieces))
    assert isinstance(result, P.Path), result
    return result


@settings(max_examples=300, deadline=None)
@given(root=st.sampled_from(P.ROOTS), parts=st.lists(_PART, max_size=6))
def test_plain_paths_need_no_grammar_and_match_jsonpath_ng(root, parts):
    """A path of dotted keys and plain indexes skips jsonpath-ng; its Path is the library's."""
    text = root + "".join(parts)
    path, end = P.parse_path(text)
    assert end == len(text)
    assert P._scan(text, 0)[4] is not None
    assert path == _by_jsonpath_ng(text)


@pytest.mark.parametrize("text, segments", [
    ("$Input.order.items[1].sku", ("order", "items", 1, "sku")),
    ("$Input.订单.金额", ("订单", "金额")),
    ("$Input.a-b[0][10]", ("a-b", 0, 10)),
    ("$Input.2024", ("2024",)),
    ("$Input", ()),
])
def test_plain_path_segments(text, segments):
    assert P.parse_path(text)[0].segments == segments


@pytest.mark.parametrize("text", ["$Input['a b']", "$Input[ 1 ]", "$Input[01]", "$Input.a['b'][0]",
                                  "$Input[\"x\"]"])
def test_other_brackets_go_to_jsonpath_ng(text):
    assert P._scan(text, 0)[4] is None
    assert P.parse_path(text)[0] == _by_jsonpath_ng(text)
