"""Legacy paths, mappings and conditions (engine/expressions/legacy.py, engine/legacy/dataflow.py),
each with the value the docs give or the decision in docs/semantics.md ("Legacy format")."""
from __future__ import annotations

import datetime

import pytest
from hypothesis import given, strategies as st

from flowdbg.engine.errors import FlowError
from flowdbg.engine.expressions import ExpressionRuntimeError, ExpressionSyntaxError
from flowdbg.engine.expressions.legacy import INPUT_ROOTS, compile_condition, is_mapping_path, parse_path
from flowdbg.engine.legacy import dataflow as D
from flowdbg.engine.legacy.model import Mapping, Source

from helpers.engine import definition


def src(text):
    return Source(parse_path(text)) if is_mapping_path(text) else Source(None, text)


@pytest.mark.parametrize("text,roots,value", [
    ("$input", {"$input": {"a": 1}}, {"a": 1}),
    ("$input.a.b[1]", {"$input": {"a": {"b": [5, 6]}}}, 6),
    ("$input['Content-Type']", {"$input": {"Content-Type": "x"}}, "x"),
    ("$local[*].result", {"$local": [{"result": "pass1"}, {"result": "pass2"}]}, ["pass1", "pass2"]),  # 122498
    ("$local[*].name", {"$local": [{"name": "A"}, {}, {"name": "C"}]}, ["A", "C"]),  # missing keys are skipped
    ("$local[*].parts[*]", {"$local": [{"parts": [1, 2]}, {"parts": [3]}]}, [1, 2, 3]),  # flattened
    ("$local[*].x", {"$local": []}, []),
    ("$local.*", {"$local": {"a": 1, "b": 2}}, [1, 2]),
    ("$context.task.token", {"$context": {"task": {"token": "tk"}}}, "tk"),
    ("$input.events[0].oss.object.key", {"$input": {"events": [{"oss": {"object": {"key": "k"}}}]}}, "k"),
])
def test_paths_find_their_values(text, roots, value):
    assert parse_path(text).find(roots) == (value, "" if value != [] else f"{text} matched nothing; read as []")


@pytest.mark.parametrize("text,note", [
    ("$input.imageHttpUrl", "$input.imageHttpUrl: $input has no key 'imageHttpUrl' (keys: imageOssUrl); read as null"),
    ("$input.imageOssUrl[0]", "$input.imageOssUrl[0]: $input.imageOssUrl is a string, not an array; read as null"),
    ("$input.imageOssUrl.x", "$input.imageOssUrl.x: $input.imageOssUrl is a string, not an object; read as null"),
])
def test_a_missing_path_reads_null_with_a_note_saying_why(text, note):
    assert parse_path(text).find({"$input": {"imageOssUrl": "oss://b/k"}}) == (None, note)


@pytest.mark.parametrize("text,col,message", [
    ("$inpt.a", 1, "unknown root '$inpt'"),
    ("$input..a", 7, "legacy paths do not support recursive descent '..'"),
    ("$input.a[?(@.x)]", 9, "legacy paths do not support filters '[?(...)]'"),
    ("$input.a[", 9, "missing ']' to close '['"),
    ("$input.a b", 9, "unexpected ' b' after the path '$input.a'"),
    ("$local[1:2]", 7, "legacy paths do not support slices '[a:b]'"),
])
def test_bad_paths_are_syntax_errors_with_a_column(text, col, message):
    with pytest.raises(ExpressionSyntaxError) as e:
        parse_path(text)
    assert (e.value.col, e.value.message) == (col, message)


def test_only_input_paths_where_the_step_input_is_read():
    assert parse_path("$.names", INPUT_ROOTS).find({"$input": {"names": [1]}}) == ([1], "")
    with pytest.raises(ExpressionSyntaxError):
        parse_path("$local.names", INPUT_ROOTS)


@pytest.mark.parametrize("text,expected", [
    ("$input.x", True), ("$local", True), ("$context.flow.name", True), ("pass1", False), ("$.x", False),
    ("$inputs", False), ("http://httpbin.org/post", False), ("", False), (5, False), (None, False),
])
def test_what_a_mapping_reads_as_a_path(text, expected):
    # "a source not starting with $input, $local, $context is a constant" (oss-batch-process's comments)
    assert is_mapping_path(text) is expected


@pytest.mark.parametrize("cond,inp,value", [
    ('$.status == "ready"', {"status": "ready"}, True),
    ('$.status == "ready"', {}, False),  # 122501: no status -> the default branch
    ("$.faceIndex < $.faceCount", {"faceIndex": 0, "faceCount": 2}, True),
    ("$.key1==$.key2", {"key1": "value1", "key2": "value1"}, True),
    ("$.hasMore", {"hasMore": True}, True),
    ("$.hasMore", {}, False),
    ('$.marker != ""', {"marker": ""}, False),
    ("$.has_more && ($.event_id >= 4000 || $.total >= $.limit)", {"has_more": True, "event_id": 5, "total": 9,
                                                                   "limit": 3}, True),
    ('$input.audited == "true"', {"audited": "true"}, True),
    ('$.audited == "true"', {"audited": True}, False),  # type-strict, as in FDL v1
    ("$.n in [1, 2]", {"n": 2}, True),
])
def test_conditions(cond, inp, value):
    assert compile_condition(cond).evaluate(inp)[0] is value


def test_a_condition_error_names_the_operator_column_and_the_missing_key():
    c = compile_condition("$.faceIndex < $.faceCount")
    with pytest.raises(ExpressionRuntimeError) as e:
        c.evaluate({"faceIndex": 1})
    assert e.value.col == 13
    assert e.value.message == ("cannot compare number with null using '<' ($.faceCount: $ has no key 'faceCount' "
                               "(keys: faceIndex); read as null)")


def test_a_condition_syntax_error_points_into_the_text_as_written():
    with pytest.raises(ExpressionSyntaxError) as e:
        compile_condition('$.detectFaceData.FaceCount = 0')
    assert (e.value.col, e.value.message, e.value.hint) == (28, "unexpected character '='", "use '==' to compare")


@given(st.dictionaries(st.sampled_from("abcde"), st.integers()), st.dictionaries(st.sampled_from("cdefg"), st.integers()))
def test_default_child_input_is_parent_input_with_local_merged_over_it(inp, local):
    got = D.merged(inp, local)
    assert set(got) == set(inp) | set(local)
    assert all(got[k] == local[k] for k in local) and all(got[k] == inp[k] for k in inp if k not in local)


def test_mappings_build_objects_and_record_each_result():
    maps = (Mapping("url", src("http://httpbin.org/post")), Mapping("data", src("$input")),
            Mapping("tok", src("$context.task.token")), Mapping("img", src("$input.imageHttpUrl")),
            Mapping("params", Source(None, {"a": "b", "c": 1})))
    out, entries = D.evaluate(maps, {"$input": {"k": 1}, "$local": {}, "$context": {"task": {"token": "t1"}}})
    assert out == {"url": "http://httpbin.org/post", "data": {"k": 1}, "tok": "t1", "img": None,
                   "params": {"a": "b", "c": 1}}
    assert entries[3] == {"target": "img", "source": "$input.imageHttpUrl", "value": None,
                          "note": "$input.imageHttpUrl: $input has no key 'imageHttpUrl' (keys: k); read as null"}
    assert entries[0] == {"target": "url", "source": '"http://httpbin.org/post"', "value": "http://httpbin.org/post"}


FLOW = """\
version: v1
type: flow
steps:
  - type: foreach
    name: each
    iterationMapping: {collection: $.names, item: name, index: i}
    steps:
      - type: pass
        name: p
  - type: wait
    name: w
    timestamp: $.when
  - type: task
    name: t
    resourceArn: acs:fc:::services/s/functions/f
    errorMappings:
      - {target: code, source: $local.error}
      - {target: why, source: $local.cause}
    catch:
      - {errors: [FnF.ALL], goto: p2}
  - type: pass
    name: p2
"""


def steps():
    return {s.name: s for _, s in definition(FLOW).flow.all_states()}


def test_iteration_inputs_merge_the_item_and_its_index_from_0():
    # 122499: {"name": "a", "names": ["a", "b", "c"]} for the first iteration
    each = steps()["each"]
    items, _ = D.collection(each, {"names": ["a", "b"]})
    assert [D.iteration_input(each, {"names": ["a", "b"]}, x, i) for i, x in enumerate(items)] == [
        {"names": ["a", "b"], "name": "a", "i": 0}, {"names": ["a", "b"], "name": "b", "i": 1}]
    with pytest.raises(FlowError) as e:
        D.collection(each, {"names": "ab"})
    assert (e.value.code, e.value.detail) == (
        "FnF.RuntimeError", "step 'each', iterationMapping.collection: $.names is string, not an array")


def test_parallel_and_foreach_output_nothing_without_output_mappings():
    assert D.step_output(steps()["each"], {"a": 1}, [{"x": 1}], {}) == ({}, None)
    assert D.step_output(steps()["p"], {"a": 1}, {"x": 1}, {}) == ({"x": 1}, None)


def test_a_timestamp_wait_counts_from_now_and_a_past_one_does_not_wait():
    w = steps()["w"]
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    assert D.wait_seconds(w, {"when": "2024-01-01T00:01:00Z"}, now) == (60.0, [])
    assert D.wait_seconds(w, {"when": "2024-01-01T08:00:30+08:00"}, now) == (30.0, [])
    assert D.wait_seconds(w, {"when": "2019-05-02T15:04:05Z"}, now) == (
        0.0, ["timestamp 2019-05-02T15:04:05Z is not after the step's start (2024-01-01T00:00:00Z): no wait"])
    with pytest.raises(FlowError) as e:
        D.wait_seconds(w, {"when": "soon"}, now)
    assert e.value.detail == 'step \'w\', timestamp: "soon" is not an RFC 3339 time with a zone (e.g. 2019-05-02T15:04:05Z)'


def test_error_mappings_read_error_and_cause():
    out, _ = D.error_output(steps()["t"], {}, FlowError("FC.Unknown", "boom"), {})
    assert out == {"code": "FC.Unknown", "why": "boom"}


@pytest.mark.parametrize("value,local", [({"a": 1}, {"a": 1}), (None, {}), ("", {})])
def test_a_function_result_becomes_local(value, local):
    assert D.function_local(value, "t") == local


def test_a_function_result_that_is_not_an_object_is_invalid_local():
    with pytest.raises(FlowError) as e:
        D.function_local([1, 2], "t")
    assert (e.value.code, e.value.detail) == (
        "FnF.InvalidLocal", "step 't': the result must be a JSON object (it becomes $local), got array [1, 2]")
