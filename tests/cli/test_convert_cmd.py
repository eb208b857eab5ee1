"""``flowdbg convert FLOW``: prints FDL v1, names what it cannot rewrite on stderr, exit codes."""
from __future__ import annotations

import os

import yaml

from flowdbg.engine.definition import parse_definition

from helpers import SAMPLE_FLOWS

LEGACY = "version: v1\ntype: flow\nsteps:\n  - type: pass\n    name: a\n    outputMappings:\n      - {target: x, source: 1}\n"


def test_a_faithful_rewrite_prints_valid_fdl_v1_and_exits_0(cli, tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text(LEGACY)
    code, out, err = cli("convert", str(p))
    assert (code, err) == (0, "")
    assert out.startswith("# FDL v1 rewrite of f.yaml (flowdbg convert).\n")
    d = parse_definition(out)
    assert not d.errors and d.format == "v1"
    assert [s["Name"] for s in yaml.safe_load(out)["States"]] == ["FlowInput", "a", "FlowOutput"]


def test_steps_it_cannot_rewrite_are_named_on_stderr_and_exit_1(cli, tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text("version: v1\ntype: flow\nsteps:\n  - type: wait\n    name: until\n    timestamp: $.when\n")
    o = tmp_path / "out.yaml"
    code, out, err = cli("convert", str(p), "-o", str(o))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{p}:4:1: step 'until': not rewritten faithfully: timestamp $.when: FDL v1 waits a number of seconds, "
        "not until a time",
        "flowdbg: 1 step(s) could not be rewritten faithfully (see above)"]
    assert "#   - step 'until' (line 4): timestamp $.when" in o.read_text()


def test_an_fdl_v1_flow_or_an_invalid_one_is_refused_with_exit_2(cli, tmp_path):
    code, _, err = cli("convert", os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml"))
    assert code == 2 and "is already FDL v1 (Type: StateMachine)" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: v1\ntype: flow\nsteps:\n  - type: tsak\n    name: a\n")
    code, out, err = cli("convert", str(bad))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (f"{bad}:4:11: error: step 'a': unknown step type 'tsak'; legacy flows have task, "
                                   "pass, choice, parallel, foreach, wait, succeed, fail (hint: did you mean 'task'?)")
