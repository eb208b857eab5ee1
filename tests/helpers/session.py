"""Helpers for the debug-session tests (tests/session/).

Everything here builds sessions the way the issue describes them:
``Session(defn, input, mocks=..., seed=0, start_time=START, journal_path=...)``.
"""
from __future__ import annotations

import json
import os
from typing import Any

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.mocks import MockFile, load_mocks, parse_mocks
from flowdbg.engine.session import Session

from . import FIXTURES as _FIXTURES
from . import SAMPLE_FLOWS as SAMPLES
from . import dedent, read_json  # noqa: F401

FIXTURES = os.path.join(_FIXTURES, "session")
START = "2026-01-01T00:00:00Z"

ORDER_FLOW = os.path.join(SAMPLES, "order-pipeline.yaml")
ORDER_MOCKS = os.path.join(SAMPLES, "order-pipeline.mocks.yaml")
ORDER_INPUT = os.path.join(SAMPLES, "order-pipeline.input.json")
NESTED_FLOW = os.path.join(FIXTURES, "nested-map-parallel.yaml")
NESTED_MOCKS = os.path.join(FIXTURES, "nested-map-parallel.mocks.yaml")
NESTED_INPUT = os.path.join(FIXTURES, "nested-map-parallel.input.json")
CALLBACK_FLOW = os.path.join(FIXTURES, "callback.yaml")
CALLBACK_MOCKS = os.path.join(FIXTURES, "callback.mocks.yaml")


def defn_text(yaml_text: str, path: str = "<test>"):
    d = parse_definition(dedent(yaml_text), path)
    assert d.flow is not None, [x.format(path) for x in d.diagnostics]
    return d


def defn_file(path: str):
    d = load_definition(path)
    assert d.flow is not None, [x.format(path) for x in d.diagnostics]
    return d


def mocks_text(text: str = "") -> MockFile:
    return parse_mocks(dedent(text), "<mocks>") if text.strip() else MockFile()


def make_session(defn, input: Any, mocks: MockFile | None = None, journal: str | None = None, **kw) -> Session:
    return Session(defn, input, mocks=mocks or MockFile(), seed=kw.pop("seed", 0), start_time=START,
                   journal_path=journal, **kw)


def order_session(journal=None, **kw) -> Session:
    return make_session(defn_file(ORDER_FLOW), read_json(ORDER_INPUT), load_mocks(ORDER_MOCKS),
                        str(journal) if journal else None, **kw)


def nested_session(journal=None, input: Any = None, **kw) -> Session:
    return make_session(defn_file(NESTED_FLOW), read_json(NESTED_INPUT) if input is None else input,
                        load_mocks(NESTED_MOCKS), str(journal) if journal else None, **kw)


def flow_session(yaml_text: str, input: Any = None, mocks: str = "", journal=None, **kw) -> Session:
    return make_session(defn_text(yaml_text), {} if input is None else input, mocks_text(mocks),
                        str(journal) if journal else None, **kw)


def step_all(session: Session, limit: int = 500) -> list:
    """step_into until the stop is not a plain step; all stops in order."""
    stops = []
    for _ in range(limit):
        st = session.step_into()
        stops.append(st)
        if st.reason != "step":
            return stops
    raise AssertionError("step_into never finished")


def where(stops) -> list[tuple]:
    return [(s.reason, s.frame, s.state) for s in stops]


def snapshot(session: Session) -> tuple:
    """Events and records of the session's execution, as JSON text."""
    ex = session.execution
    return (json.dumps([e.to_json() for e in ex.events], sort_keys=True, default=str),
            json.dumps([r.to_json() for r in ex.records], sort_keys=True, default=str))


def journal_lines(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f.read().splitlines() if line.strip()]


def records(session: Session, state: str) -> list:
    return [r for r in session.execution.records if r.state == state]


def big_map_flow(max_concurrency: int | None = None) -> str:
    mc = f"    MaxConcurrency: {max_concurrency}\n" if max_concurrency else ""
    return ("Type: StateMachine\nName: big\nSpecVersion: v1\nStartAt: Map1\nStates:\n"
            "  - Name: Map1\n    Type: Map\n    ItemsPath: $Input.items\n" + mc +
            "    Processor:\n      StartAt: Pass1\n      States:\n"
            "        - Name: Pass1\n          Type: Pass\n          Next: Pass2\n"
            "        - Name: Pass2\n          Type: Pass\n          End: true\n"
            "    End: true\n")
