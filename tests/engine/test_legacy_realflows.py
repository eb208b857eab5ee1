"""The 35 published legacy flows run to their end with the mock file and input written for
each (tests/fixtures/legacy/realflows/), and give the output worked out by hand."""
from __future__ import annotations

import os

import pytest

from flowdbg.engine.definition import load_definition
from flowdbg.engine.mocks import parse_mocks
from flowdbg.engine.session import Session

from helpers import FIXTURES, REALFLOWS, read, read_json

HERE = os.path.join(FIXTURES, "legacy", "realflows")
NAMES = sorted(f[: -len(".mocks.yaml")] for f in os.listdir(HERE) if f.endswith(".mocks.yaml"))
START = "2024-01-01T00:00:00Z"


def run_realflow(name: str) -> Session:
    path = os.path.join(REALFLOWS, name + ".yaml")
    if not os.path.exists(path):
        pytest.skip("shared/realflows not present")
    d = load_definition(path)
    assert d.format == "legacy" and not d.errors
    # As if the mock file sat beside the flow: its flows: entries name sibling realflows.
    mocks = parse_mocks(read(os.path.join(HERE, name + ".mocks.yaml")), os.path.join(REALFLOWS, name + ".mocks.yaml"))
    s = Session(d, read_json(os.path.join(HERE, name + ".input.json")), mocks=mocks, start_time=START,
                name=f"{name}-test")
    s.run_to_end(max_steps=100_000)
    return s


def test_there_is_a_mock_file_for_each_published_legacy_flow():
    assert len(NAMES) == 35
    for name in NAMES:
        assert all(os.path.exists(os.path.join(HERE, name + ext)) for ext in (".input.json", ".expected.json"))


@pytest.mark.parametrize("name", NAMES)
def test_published_legacy_flow_runs_to_its_end(name):
    ex = run_realflow(name).execution
    want = read_json(os.path.join(HERE, name + ".expected.json"))
    got = {"status": ex.status, "time": ex.clock, "states": [r.state for r in ex.records],
           "output": ex.output}
    assert got == want, ex.error


@pytest.mark.parametrize("name", NAMES)
def test_a_legacy_flow_out_of_the_definition_cache_runs_the_same(name, tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FLOWDBG_NO_CACHE", raising=False)
    path = os.path.join(REALFLOWS, name + ".yaml")
    if not os.path.exists(path):
        pytest.skip("shared/realflows not present")
    fresh, cached = load_definition(path), load_definition(path)
    assert os.listdir(tmp_path / "definitions") and cached.format == "legacy"
    assert cached.flow is not fresh.flow and cached.flow.digests == fresh.flow.digests and cached.flow.path == path
    mocks = parse_mocks(read(os.path.join(HERE, name + ".mocks.yaml")), os.path.join(REALFLOWS, name + ".mocks.yaml"))
    inp = read_json(os.path.join(HERE, name + ".input.json"))
    outs = []
    for d in (fresh, cached):
        s = Session(d, inp, mocks=mocks, start_time=START, name="cache-test")
        s.run_to_end(max_steps=100_000)
        outs.append((s.execution.status, s.execution.output, [r.state for r in s.execution.records]))
    assert outs[0] == outs[1]
    assert outs[0][1] == read_json(os.path.join(HERE, name + ".expected.json"))["output"]
