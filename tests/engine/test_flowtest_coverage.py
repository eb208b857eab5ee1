"""Coverage of states, Choice branches, Catch and Retry rules, read off the
step records of every case, checked value by value on a flow whose Map
(inside a Parallel branch) has a Choice with a Default, two Retry rules
and two Catch rules."""
from __future__ import annotations

import os
import shutil

from flowdbg import run_flow
from flowdbg.engine.definition import load_definition
from flowdbg.engine.testing.coverage import coverage_json, hits, universe
from flowdbg.engine.testing.suite import run_suite
from flowdbg.tui.run_overlay import overlay_from_records

from helpers.flowtests import TESTING_FIXTURES, write

P = "Fan.Branch0/EachOrder/"


def _copy(tmp_path) -> str:
    for name in ("shipping.yaml", "shipping.mocks.yaml", "shipping.tests.yaml"):
        shutil.copy(os.path.join(TESTING_FIXTURES, name), tmp_path / name)
    return str(tmp_path)


def test_what_there_is_to_reach():
    flow = load_definition(os.path.join(TESTING_FIXTURES, "shipping.yaml")).flow
    assert universe(flow) == {
        "states": ["Fan", f"{P[:-10]}EachOrder", f"{P}Route", f"{P}Express", f"{P}Freight", f"{P}Manual",
                   f"{P}Broken", "Fan.Branch1/Audit", "Done"],
        "choice_branches": [f"{P}Route#Branches[0]", f"{P}Route#Branches[1]", f"{P}Route#Default"],
        "catches": [f"{P}Express#Catch[0]", f"{P}Express#Catch[1]"],
        "retries": [f"{P}Express#Retry[0]", f"{P}Express#Retry[1]"],
    }


def test_one_execution_reaches(tmp_path):
    r = run_flow(os.path.join(TESTING_FIXTURES, "shipping.yaml"),
                 {"orders": [{"id": 1, "kind": "fast"}, {"id": 2, "kind": "other"}]})
    assert r.status == "Succeeded" and r.output == {"shipped": [{"id": 1, "by": "express"}, {"id": 2, "by": "hand"}]}
    assert {k: sorted(v) for k, v in hits(r.records).items()} == {
        "states": sorted(["Fan", "Fan.Branch0/EachOrder", f"{P}Route", f"{P}Express", f"{P}Manual",
                          "Fan.Branch1/Audit", "Done"]),
        "choice_branches": [f"{P}Route#Branches[0]", f"{P}Route#Default"],
        "catches": [],
        "retries": [f"{P}Express#Retry[0]"],
    }
    # The same keys as the graph's run overlay gives its nodes.
    assert set(overlay_from_records(r.records).nodes) == set(hits(r.records)["states"])


def test_coverage_json_over_a_test_file(tmp_path, monkeypatch):
    monkeypatch.chdir(_copy(tmp_path))
    result = run_suite(["shipping.tests.yaml"])
    assert (result.passed, result.failed, result.exit_code) == (2, 0, 0)
    assert coverage_json(result.coverage) == {"flows": [{
        "flow": "shipping.yaml",
        "states": {"total": 9, "covered": 7, "missed": [f"{P}Manual", f"{P}Broken"]},
        "choice_branches": {"total": 3, "covered": 2, "missed": [f"{P}Route#Default"]},
        "catches": {"total": 2, "covered": 0, "missed": [f"{P}Express#Catch[0]", f"{P}Express#Catch[1]"]},
        "retries": {"total": 2, "covered": 1, "missed": [f"{P}Express#Retry[1]"]},
    }]}
    fc = result.coverage[0]
    assert fc.lines() == [
        "coverage of shipping.yaml (2 cases)",
        f"  states           7/9 (77%)  never reached: {P}Manual, {P}Broken",
        f"  choice branches  2/3 (66%)  never reached: {P}Route#Default",
        f"  catches          0/2 (0%)  never reached: {P}Express#Catch[0], {P}Express#Catch[1]",
        f"  retries          1/2 (50%)  never reached: {P}Express#Retry[1]",
    ]


def test_coverage_adds_up_over_test_files_of_one_flow(tmp_path, monkeypatch):
    folder = _copy(tmp_path)
    write(folder, {"more/shipping-errors.tests.yaml": """
        flow: ../shipping.yaml
        cases:
          - name: express is out of capacity, the order is shipped by hand
            input: {orders: [{id: 3, kind: fast}]}
            mocks:
              functions:
                express: [{error: FC.ResourceExhausted}]
            expect:
              output: {shipped: [{id: 3, by: hand}]}
          - name: an unknown error is retried once, then the execution fails
            input: {orders: [{id: 4, kind: fast}]}
            mocks:
              functions:
                express: [{error: FC.Unknown, detail: boom}]
            expect:
              error: {code: ShippingBroken}
              visits: [Express, Broken]
          - name: an order of another kind is shipped by hand
            input: {orders: [{id: 5, kind: other}]}
            expect:
              visits: [Fan.Branch0/EachOrder/Manual]
        """})
    monkeypatch.chdir(folder)
    result = run_suite(["."])
    assert [f.path for f in result.files] == ["shipping.tests.yaml",  # a folder's files, then its folders
                                              os.path.join("more", "shipping-errors.tests.yaml")]
    assert (result.passed, result.failed) == (5, 0)
    [fc] = result.coverage
    assert fc.cases == 5
    doc = coverage_json(result.coverage)["flows"][0]
    assert doc["flow"] == "shipping.yaml"
    assert doc["states"] == {"total": 9, "covered": 9, "missed": []}
    assert doc["choice_branches"] == {"total": 3, "covered": 3, "missed": []}
    assert doc["catches"] == {"total": 2, "covered": 2, "missed": []}
    assert doc["retries"] == {"total": 2, "covered": 2, "missed": []}
