"""Helpers for the engine end-to-end tests (tests/engine/).

    summary = run_flow(FLOW_YAML, {"a": 1}, mocks_yaml="functions: {f: [{body: {}}]}")
    summary["status"], summary["output"], summary["error"], summary["states"], summary["time"]

``run_flow`` goes through the same path as ``flowdbg run``: parse_definition
-> parse_mocks -> Session(...).run_to_end() -> runner.summarize.
``execute`` returns the Execution itself (records, events, pending tasks)
for tests that look at stages, tokens and event order.
"""
from __future__ import annotations

import json
import os
import textwrap
from typing import Any

from flowdbg.engine.definition import parse_definition
from flowdbg.engine.door import Door
from flowdbg.engine.execution import Execution, Options
from flowdbg.engine.mocks import MockFile, parse_mocks
from flowdbg.engine.runner import summarize
from flowdbg.engine.session import Session

from . import ENGINE_FIXTURES, REALFLOWS, REPO, SAMPLE_FLOWS, SEED_FIXTURES, dedent, read, read_json  # noqa: F401


def definition(yaml_text: str, express: bool = False):
    """A Definition that must have no errors (fails the test otherwise)."""
    d = parse_definition(dedent(yaml_text), express=express)
    errs = [x for x in d.diagnostics if x.severity == "error"]
    assert d.flow is not None and not errs, "definition has errors: " + "; ".join(
        f"{x.line}:{x.col} {x.code} {x.message}" for x in errs)
    return d


def diagnostics(yaml_text: str, express: bool = False) -> list:
    """All diagnostics of a definition text (never raises)."""
    return list(parse_definition(dedent(yaml_text), express=express).diagnostics)


def codes(yaml_text: str, severity: str | None = None) -> list[str]:
    return [d.code for d in diagnostics(yaml_text) if severity is None or d.severity == severity]


def find(diags, code: str, severity: str | None = None) -> list:
    return [d for d in diags if d.code == code and (severity is None or d.severity == severity)]


def mocks(mocks_yaml: str = ""):
    # An empty mock text means "no mocks" (parse_mocks("") is tested on its own in test_engine_bad_input).
    if not mocks_yaml.strip():
        return MockFile()
    return parse_mocks(dedent(mocks_yaml), "<mocks>")


def session(yaml_text: str, input: Any = None, mocks_yaml: str = "", seed: int = 0) -> Session:
    return Session(definition(yaml_text), {} if input is None else input, mocks=mocks(mocks_yaml), seed=seed,
                   start_time="2024-01-01T00:00:00Z", name="test-exec")


def run_session(yaml_text: str, input: Any = None, mocks_yaml: str = "", seed: int = 0,
                max_steps: int = 10_000) -> Session:
    s = session(yaml_text, input, mocks_yaml, seed)
    stop = s.run_to_end(max_steps=max_steps)
    assert stop.reason in ("finished", "waiting"), f"run stopped: {stop.reason}: {stop.message}"
    return s


def run_flow(yaml_text: str, input: Any = None, mocks_yaml: str = "", seed: int = 0) -> dict:
    """Run to the end (or until waiting for a callback); the summary dict."""
    return summarize(run_session(yaml_text, input, mocks_yaml, seed).execution)


def execute(yaml_text: str, input: Any = None, mocks_yaml: str = "", seed: int = 0, run: bool = True,
            data_limit: int | None = None, express: bool = False) -> Execution:
    """A bare Execution (Door + mocks), run until finished or waiting."""
    d = definition(yaml_text, express=express)
    opts = Options(seed=seed, execution_name="test-exec", express=express)
    if data_limit is not None:
        opts.data_limit = data_limit
    ex = Execution(d.flow, {} if input is None else input, Door(mocks(mocks_yaml)), opts)
    if run:
        ex.run(max_steps=10_000)
    return ex


def events_of(ex_or_summary, type_: str, state: str | None = None) -> list:
    """Events of one type (as JSON dicts), optionally for one state."""
    evs = ex_or_summary["events"] if isinstance(ex_or_summary, dict) else [e.to_json() for e in ex_or_summary.events]
    return [e for e in evs if e["type"] == type_ and (state is None or e["state"] == state)]


def records_of(ex: Execution, state: str) -> list:
    return [r for r in ex.records if r.state == state]


def task_bodies(ex: Execution, state: str) -> list:
    """The Parameters.body each attempt of ``state`` sent (all activations)."""
    return [a["request"].get("body") for r in records_of(ex, state) for a in r.attempts]


def fn_task(name: str, fn: str, nxt: str | None = None, body: str = "{}", extra: str = "", mode: str = "RequestComplete",
            itype: str = "Sync", indent: int = 2) -> str:
    """A Task state calling FC function ``fn`` (FC 3.0 ARN), as YAML list item."""
    trans = f"Next: {nxt}" if nxt else "End: true"
    lines = [f"- Type: Task", f"  Name: {name}", f"  Action: FC:InvokeFunction", f"  TaskMode: {mode}",
             f"  Parameters:", f"    resourceArn: acs:fc:cn-hangzhou:123:functions/{fn}/LATEST",
             f"    invocationType: {itype}", f"    body: {body}", f"  {trans}"]
    out = "\n".join(lines)
    if extra:
        out += "\n" + textwrap.indent(dedent(extra).rstrip("\n"), "  ")
    return textwrap.indent(out, " " * indent)


def flow(states: str, start: str, name: str = "t") -> str:
    """A top-level flow around already-indented state items."""
    return f"Type: StateMachine\nName: {name}\nSpecVersion: v1\nStartAt: {start}\nStates:\n{states}\n"


def pass_chain(n: int, constructor: str | None = None, nexts: dict[int, str] | None = None) -> str:
    """A flow of ``n`` Pass states S0 -> S1 -> ... (bench_peer's chain). ``constructor`` is each
    one's InputConstructor block, already indented, ``{i}`` standing for the state's number;
    ``nexts`` gives some states another Next (a broken one, say)."""
    states = []
    for i in range(n):
        lines = [f"  - Name: S{i}", "    Type: Pass"]
        if constructor is not None:
            lines += ["    InputConstructor:", constructor.replace("{i}", str(i))]
        nxt = (nexts or {}).get(i, f"S{i + 1}")
        lines.append(f"    Next: {nxt}" if i + 1 < n else "    End: true")
        states.append("\n".join(lines))
    return flow("\n".join(states), "S0")


class RecordingDoor(Door):
    """A Door that keeps every FunctionRequest it passes to a backend, so
    tests can check the exact event bytes each function received."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.requests = []

    def _invoke(self, request, n):
        self.requests.append(request)
        return super()._invoke(request, n)

    def bodies(self, function: str) -> list:
        """The JSON-decoded (or text) events ``function`` received, in order."""
        out = []
        for r in self.requests:
            if r.function.function == function:
                text = r.body.decode("utf-8")
                try:
                    out.append(json.loads(text))
                except ValueError:
                    out.append(text)
        return out


def execute_recording(yaml_text: str, input: Any = None, mocks_yaml: str = "", seed: int = 0):
    """(Execution, RecordingDoor) after running to the end or to a wait."""
    d = definition(yaml_text)
    door = RecordingDoor(mocks(mocks_yaml))
    ex = Execution(d.flow, {} if input is None else input, door, Options(seed=seed, execution_name="test-exec"))
    ex.run(max_steps=10_000)
    return ex, door


def legacy(steps: str, top: str = "") -> str:
    """A legacy flow (``type: flow``) around ``steps`` (a YAML list, any indent) and optional
    top-level fields ``top`` (flow inputMappings/outputMappings)."""
    body = textwrap.indent(dedent(steps).rstrip("\n"), "  ")
    head = dedent(top).rstrip("\n") + "\n" if top.strip() else ""
    return f"version: v1\ntype: flow\n{head}steps:\n{body}\n"


def node_shape(node) -> Any:
    """A loaded node as plain data to compare two loaders by: kind, line, col,
    the value with its type, tag, quoted, and a mapping's entries and index."""
    from flowdbg.engine.nodes import Map, Scalar, Seq
    if node is None:
        return None
    if type(node) is Scalar:
        return ("scalar", node.line, node.col, type(node.value).__name__, node.value, node.tag, node.quoted)
    if type(node) is Seq:
        return ("seq", node.line, node.col, node.end, [node_shape(n) for n in node.items])
    assert type(node) is Map, node
    return ("map", node.line, node.col, node.end, [(node_shape(k), node_shape(v)) for k, v in node.items],
            [(k, node_shape(v)) for k, v in node._index.items()])


def wrong_end_lines(root) -> list:
    """The mappings and sequences under ``root`` whose ``end`` (noted by the loader) is not
    the last line any node under them, keys included, starts on (found by walking)."""
    from flowdbg.engine.nodes import Map, Seq, walk
    wrong = []
    for n in walk(root) if root is not None else ():
        if type(n) in (Map, Seq):
            last = max(x.line for x in walk(n))
            if n.end != last:
                wrong.append((n.line, n.col, n.end, last))
    return wrong
