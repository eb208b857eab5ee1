"""Whatever a legacy flow file holds, load -> validate -> model never raises: every problem is a
diagnostic at a real position, and a model is built exactly when there is no error (and then
converts to FDL v1 without raising either)."""
from __future__ import annotations

import glob
import os

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from flowdbg.engine.definition import parse_definition
from flowdbg.engine.legacy.convert import convert

from helpers import REALFLOWS, read

KEYS = ["type", "name", "end", "steps", "goto", "choices", "condition", "default", "branches", "iterationMapping",
        "collection", "item", "index", "inputMappings", "outputMappings", "errorMappings", "target", "source",
        "resourceArn", "action", "pattern", "timeoutSeconds", "serviceParams", "retry", "catch", "errors",
        "intervalSeconds", "maxAttempts", "multiplier", "maxIntervalSeconds", "duration", "timestamp", "error",
        "cause", "Next", "Type"]
SCALARS = st.one_of(
    st.sampled_from(["task", "pass", "choice", "parallel", "foreach", "wait", "succeed", "fail", "loop", "a", "b",
                     "$input", "$local[*].x", "$.x", "$.a == 1", "$context.task.token", "$", "$.", "$input..x",
                     "acs:fc:::services/s/functions/f", "acs:fnf:::flow/x", "x:y", "waitForCallback", "sync",
                     "2019-05-02T15:04:05Z", "FnF.ALL", ""]),
    st.integers(-3, 200_000), st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False))


def trees():
    return st.recursive(SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)), max_leaves=40)


def check(text: str) -> None:
    d = parse_definition(text)
    lines = text.count("\n") + 1
    for x in d.diagnostics:
        assert 1 <= x.line <= lines + 1 and x.col >= 1, x
    assert (d.flow is None) == any(x.severity == "error" for x in d.diagnostics)
    if d.flow is not None and d.format == "legacy":
        convert(d.flow)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(trees(), min_size=1, max_size=4))
def test_random_legacy_step_lists_never_raise(steps):
    check(yaml.safe_dump({"version": "v1", "type": "flow", "steps": steps}, allow_unicode=True))


def _realflow_trees():
    out = []
    for p in sorted(glob.glob(os.path.join(REALFLOWS, "*.yaml"))):
        try:
            tree = yaml.safe_load(read(p).replace("!Ref ", ""))
        except yaml.YAMLError:  # the v1 flows published with YAML typos
            continue
        if isinstance(tree, dict) and "steps" in tree:
            out.append(tree)
    return out


REAL = _realflow_trees() if os.path.isdir(REALFLOWS) else [{"version": "v1", "type": "flow",
                                                            "steps": [{"type": "pass", "name": "a"}]}]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _replace(node, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(node)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(REAL))), st.data())
def test_published_flows_with_one_value_replaced_never_raise(i, data):
    tree = REAL[i]
    paths = list(_paths(tree))[1:]
    path = data.draw(st.sampled_from(paths))
    value = data.draw(trees())
    check(yaml.safe_dump(_replace(tree, path, value), allow_unicode=True))
