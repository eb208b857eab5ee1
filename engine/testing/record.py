"""Record instead of write: a run becomes a case of a test file.

``flowdbg run FLOW ... --save-test NAME.tests.yaml --case "name"`` and the
debugger's save-as-test key append the run as a case: its input, the mocks
it used (the mock file when it is not the test file's default; callbacks
answered by hand, ``--local`` and ``--live`` written inline) and what it
got (status, and the output or the error). The file is appended to as
text, so its comments and layout stay; it is checked after writing and
left as it was if the result would not load.
"""
from __future__ import annotations

import os
from typing import Any

import yaml

from .. import events as E
from ..atomic import atomic_write, write_file
from ..load import Map, load_file
from ..runner import default_mocks_path
from .testfile import TestFile, load_test_file, sibling_flow


class RecordError(Exception):
    """The case cannot be written; the message says why."""


def _rel(path: str, test_path: str) -> str:
    return os.path.relpath(os.path.abspath(path), os.path.dirname(os.path.abspath(test_path)))


def expect_from(execution) -> dict:
    """What the run got, as an ``expect:`` mapping."""
    out: dict[str, Any] = {"status": execution.status}
    if execution.status == "Succeeded":
        out["output"] = execution.output
    elif execution.status == "Failed" and execution.error is not None:
        out["error"] = {"code": execution.error.code}
        if execution.error.detail:
            out["error"]["detail"] = execution.error.detail
    return out


TIMED_OUT = "_timed_out"  # marks, while recording, a submission nobody answered


def hand_callbacks(execution) -> tuple[dict[str, list[dict]], list[str]]:
    """``callbacks:`` mock entries for each task that someone answered by
    hand (not the mock file): every submission of that task in order, each
    arriving as long after its submission as it did. Returns the entries
    and warnings for what a mock file cannot say."""
    submitted: dict[int, tuple[str, float, str]] = {}  # schedule id -> (state, time, token)
    answers: dict[str, list[tuple[str, dict | None, float]]] = {}  # state -> [(token, entry or None, since)]
    for ev in execution.events:
        if ev.type == E.TASK_SUBMITTED and isinstance(ev.detail, dict) and ev.detail.get("token"):
            submitted[ev.schedule_id] = (ev.state, ev.time, ev.detail["token"])
            answers.setdefault(ev.state, []).append((ev.detail["token"], None, ev.time))
        elif ev.schedule_id in submitted and ev.type in (E.TASK_SUCCEEDED, E.TASK_FAILED, E.TASK_TIMED_OUT):
            state, since, token = submitted.pop(ev.schedule_id)
            after = round(ev.time - since, 6)
            if ev.type == E.TASK_SUCCEEDED:
                entry: dict = {"succeed": ev.detail.get("output")}
            elif ev.type == E.TASK_FAILED:
                err = ev.detail.get("error") or {}
                entry = {"fail": {"error": err.get("Code", ""), "cause": err.get("Detail", "")}}
            else:  # timed out: nobody answered (said as [] below, or, between answers, one past the Timeout)
                p = execution.pending.get(token)
                after = round((p.timeout_at - p.since) + 1 if p and p.timeout_at is not None else after + 1, 6)
                entry = {"succeed": {}, TIMED_OUT: True}
            if after:
                entry["after"] = int(after) if float(after).is_integer() else after
            lst = answers[state]
            lst[[t for t, _, _ in lst].index(token)] = (token, entry, since)
    out: dict[str, list[dict]] = {}
    warnings: list[str] = []
    for state, lst in answers.items():
        by_hand = any(e is not None and not getattr(execution.pending.get(t), "scripted", True) for t, e, _ in lst)
        if not by_hand:
            continue
        entries = [e for _, e, _ in lst if e is not None]
        if len(entries) < len(lst):
            warnings.append(f"task {state!r} was still waiting when the run was saved; the case answers it "
                            "like the one before (a mock's last answer repeats)")
        if all(e.get(TIMED_OUT) for e in entries):
            entries = []  # what happened: no answer at all, so the task times out again
        out[state] = [{k: v for k, v in e.items() if k != TIMED_OUT} for e in entries]
    return out, warnings


def case_mocks(test_path: str, default_mocks: str | None, used_mocks: str | None, callbacks: dict,
               local: dict[str, str] | None = None, live: list[str] | None = None) -> Any:
    """The case's ``mocks:`` value (a path, a mapping, a list of both) or None."""
    layers: list[Any] = []
    if used_mocks and not (default_mocks and os.path.realpath(used_mocks) == os.path.realpath(default_mocks)):
        layers.append(_rel(used_mocks, test_path))
    inline: dict[str, Any] = {}
    if callbacks:
        inline["callbacks"] = callbacks
    if local:
        inline["local"] = {fn: (_rel(spec.rpartition(":")[0], test_path) + ":" + spec.rpartition(":")[2])
                           for fn, spec in local.items()}
    if live:
        inline["live"] = list(live)
    if inline:
        layers.append(inline)
    if not layers:
        return None
    return layers[0] if len(layers) == 1 else layers


def default_mocks_of(test_path: str, flow_path: str) -> str | None:
    """The mock file every case of ``test_path`` starts from (its top-level
    ``mocks:`` when that is a path, else the flow's sibling mock file)."""
    if os.path.exists(test_path):
        res = load_file(test_path)
        if isinstance(res.root, Map):
            node = res.root.get("mocks")
            if node is not None:
                value = getattr(node, "value", None)
                return os.path.join(os.path.dirname(os.path.abspath(test_path)), value) if isinstance(value, str) else None
    return default_mocks_path(flow_path)


def check_can_add(test_path: str, flow_path: str, name: str) -> None:
    """Raise RecordError when ``name`` cannot be added to ``test_path``."""
    if not name.strip():
        raise RecordError("--case: the case needs a name")
    if os.path.isdir(test_path):
        raise RecordError(f"{test_path}: is a directory; give a NAME.tests.yaml path")
    if not test_path.endswith((".tests.yaml", ".tests.yml")):
        raise RecordError(f"{test_path}: a test file is named NAME.tests.yaml")
    if not os.path.exists(test_path):
        return
    tf = load_test_file(test_path)
    if not tf.valid and not _only_lacks_cases(tf):
        raise RecordError(f"{test_path} has errors; fix them first:\n" + "\n".join(tf.errors))
    if tf.flow_path and os.path.realpath(tf.flow_path) != os.path.realpath(flow_path):
        raise RecordError(f"{test_path} tests {tf.flow_path}, not {flow_path}")
    for c in tf.cases:
        if c.name == name:
            raise RecordError(f"{test_path}:{c.line}: a case named {name!r} exists already; choose another name")


def _only_lacks_cases(tf: TestFile) -> bool:
    """A file that is fine but for having no case yet (``cases: []``) can take one."""
    errors = [d for d in tf.diagnostics if d.severity == "error"]
    flow_ok = tf.definition is not None and tf.definition.flow is not None
    return flow_ok and bool(errors) and all(d.code == "no-cases" for d in errors)


class _Dumper(yaml.SafeDumper):
    """Plain YAML: a value the run shares (a callback's output that became the
    state's output) is written out twice, not as an &anchor and *alias."""

    def ignore_aliases(self, data) -> bool:
        return True


def _dump(value, **kw) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, **kw)


def _dump_case(case: dict, indent: int) -> str:
    text = _dump([case], default_flow_style=None, width=100)
    pad = " " * indent
    return "".join(pad + ln if ln.strip() else ln for ln in text.splitlines(keepends=True))


def _content_end(node: yaml.Node) -> int:
    """Where the text of ``node`` really ends: a block collection's own end
    mark is the next token, past any comments that follow it."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark.index


def _cases_span(text: str) -> tuple[int, int, bool, int] | None:
    """(start, end, flow_style, dash column) of the top-level ``cases`` list."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    if not isinstance(root, yaml.MappingNode):
        return None
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "cases" and isinstance(v, yaml.SequenceNode):
            end = v.end_mark.index if v.flow_style else _content_end(v)
            return v.start_mark.index, end, bool(v.flow_style), v.start_mark.column
    return None


def new_text(test_path: str, flow_path: str, case: dict) -> str:
    """The test file's text with ``case`` appended (or a new file's)."""
    if not os.path.exists(test_path):
        head = "# Cases for flowdbg test (see docs/testing.md); recorded with flowdbg run --save-test\n"
        sib = sibling_flow(test_path)
        if not (sib and os.path.realpath(sib) == os.path.realpath(flow_path)):
            head += _dump({"flow": _rel(flow_path, test_path)})
        return head + "cases:\n" + _dump_case(case, 2)
    with open(test_path, encoding="utf-8-sig") as f:
        text = f.read()
    span = _cases_span(text)
    if span is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + "cases:\n" + _dump_case(case, 2)
    start, end, flow_style, col = span
    if flow_style:
        if text[start:end].strip("[] \n") != "":
            raise RecordError(f"{test_path}: 'cases' is written [in, brackets]; write it as a block list to add to it")
        return text[:start].rstrip(" ") + "\n" + _dump_case(case, 2) + text[end:].lstrip(" ")
    eol = text.find("\n", end)  # after the last case's last line (and its comment)
    eol = len(text) if eol < 0 else eol + 1
    head, tail = text[:eol], text[eol:]
    return head + ("" if head.endswith("\n") else "\n") + _dump_case(case, col) + tail


def save_case(test_path: str, flow_path: str, case: dict) -> TestFile:
    """Append ``case`` to ``test_path``; returns the test file as it now loads."""
    check_can_add(test_path, flow_path, case["name"])
    text = new_text(test_path, flow_path, case)
    old = None
    if os.path.exists(test_path):
        with open(test_path, "rb") as f:
            old = f.read()
    folder = os.path.dirname(os.path.abspath(test_path))
    os.makedirs(folder, exist_ok=True)
    write_file(test_path, text)
    tf = load_test_file(test_path)
    if not tf.valid:
        if old is None:
            os.remove(test_path)
        else:
            with atomic_write(test_path, "wb") as f:
                f.write(old)
        raise RecordError("the recorded case would not load, so nothing was written:\n" + "\n".join(tf.errors))
    return tf


def record_case(execution, name: str, test_path: str, flow_path: str, used_mocks: str | None,
                input: Any, local: dict[str, str] | None = None, live: list[str] | None = None,
                expect: dict | None = None) -> tuple[dict, list[str]]:
    """The case for this execution, and warnings about what it cannot replay."""
    callbacks, warnings = hand_callbacks(execution)
    default = default_mocks_of(test_path, flow_path)
    mocks = case_mocks(test_path, default, used_mocks, callbacks, local, live)
    if used_mocks is None and default:
        warnings.append(f"the run used no mock file, but the case starts from {default}")
    case: dict[str, Any] = {"name": name, "input": input}
    if mocks is not None:
        case["mocks"] = mocks
    case["expect"] = expect or expect_from(execution)
    return case, warnings


def _replay_expectation(definition, test_path: str, case: dict) -> dict:
    """What ``flowdbg test`` will get for ``case``: the run to its end with the
    case's mocks over the test file's defaults, as it runs every case."""
    from ..mocks import load_mocks
    from .mocksource import mapping_layer
    from .run import RunError, merge_mocks, run_definition
    default = default_mocks_of(test_path, definition.path)
    layers: list = [load_mocks(default)] if default and os.path.exists(default) else []
    given = case.get("mocks")
    base = os.path.dirname(os.path.abspath(test_path))
    for layer in (given if isinstance(given, list) else [given] if given is not None else []):
        layers.append(load_mocks(os.path.join(base, layer)) if isinstance(layer, str)
                      else mapping_layer(layer, os.path.abspath(test_path)))
    try:
        result = run_definition(definition, case["input"], merge_mocks(*layers))
    except RunError as e:
        raise RecordError(f"the case cannot run to its end: {e}") from None
    return expect_from(result.execution)


def record_session(session, name: str, test_path: str, mocks_path: str | None) -> tuple[TestFile, dict, list[str]]:
    """Save the debugger's session as a case of ``test_path``. A session that
    has not ended is recorded as ``flowdbg test`` will run it: to its end,
    with the callbacks answered so far. Returns the test file as it now
    loads, the case and warnings."""
    flow = session.definition.path
    check_can_add(test_path, flow, name)
    used = mocks_path if mocks_path and os.path.exists(mocks_path) else None
    case, warnings = record_case(session.execution, name, test_path, flow, used, session.start["input"])
    if session.backends:
        warnings.append("functions answered by local code or live FC in this session are answered by the test's "
                        "mocks")
    if not session.execution.finished:
        case["expect"] = _replay_expectation(session.definition, test_path, case)
    return save_case(test_path, flow, case), case, warnings


__all__ = ["RecordError", "record_session", "record_case", "save_case", "check_can_add", "expect_from", "hand_callbacks",
           "case_mocks", "new_text"]
