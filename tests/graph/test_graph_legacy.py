"""Pictures of legacy flows: the graph every picture draws (steps in list order, choice options,
gotos and catch gotos as edges, parallel, foreach and choice steps holding their lists), the
run overlay of a legacy run, and coverage by the same rule names as FDL v1."""
from __future__ import annotations

import os

from flowdbg.engine.testing.coverage import hits, universe
from flowdbg.tui.graph import mermaid
from flowdbg.tui.graph.model import CATCH, CHOICE, DEFAULT, END, FINISH, NEXT, START, describe
from flowdbg.tui.run_overlay import overlay_from_records

from helpers import SAMPLE_FLOWS
from helpers.graph import load, ran

LEGACY = os.path.join(SAMPLE_FLOWS, "legacy")
VSCODE = os.path.join(LEGACY, "vscode-mock-all-steps.yaml")
SAGA = os.path.join(LEGACY, "trip-booking-saga.yaml")
BATCH = os.path.join(LEGACY, "oss-batch-process.yaml")


def edges(g):
    return [(e.src, e.dst, e.kind, e.label, e.rule) for e in g.edges]


def test_steps_in_list_order_with_their_lists_inside():
    g = describe(load(VSCODE))
    assert [n.key for n in g.root.nodes] == ["PreProcess", "ParallelProcess", "Wait10s", "CheckStatus",
                                             "ProcessSucceeded", "ProcessFailed"]
    par, choice = g.nodes["ParallelProcess"], g.nodes["CheckStatus"]
    assert [(s.prefix, s.label, [n.key for n in s.nodes]) for s in par.scopes] == [
        ("ParallelProcess.Branch0/", "Branch 0", ["ParallelProcess.Branch0/WorkerStep1"]),
        ("ParallelProcess.Branch1/", "Branch 1", ["ParallelProcess.Branch1/WorkerStep2-1",
                                                   "ParallelProcess.Branch1/WorkerStep2-2"])]
    assert [(s.prefix, s.label) for s in choice.scopes] == [("CheckStatus.Choice0/", "Choice0: $.key1==$.key2")]
    assert (par.type, par.kind, par.detail, g.nodes["Wait10s"].detail) == ("parallel", "Parallel", "2 branches", "10 s")
    assert edges(g) == [
        (START, "PreProcess", "start", "", ""),
        ("PreProcess", "ParallelProcess", NEXT, "", ""),
        ("ParallelProcess.Branch1/WorkerStep2-1", "ParallelProcess.Branch1/WorkerStep2-2", NEXT, "", ""),
        ("ParallelProcess", "Wait10s", NEXT, "", ""),
        ("Wait10s", "CheckStatus", NEXT, "", ""),
        ("CheckStatus", "ProcessSucceeded", CHOICE, "$.key1==$.key2", "CheckStatus#Branches[0]"),
        ("CheckStatus", "ProcessFailed", CHOICE, '$.key=="process_failed"', "CheckStatus#Branches[1]"),
        ("CheckStatus", "ProcessSucceeded", DEFAULT, "default", "CheckStatus#Default"),
        ("ProcessSucceeded", END, FINISH, "", "")]


def test_catch_gotos_and_end_are_edges():
    got = edges(describe(load(SAGA)))
    assert ("BookHotel", "CancelFlight", CATCH, "catch BookHotelError", "BookHotel#Catch[0]") in got
    assert ("OrderSucceeded", END, FINISH, "", "") in got
    assert not [e for e in got if e[0] in ("OrderFailed1", "OrderFailed")]  # a fail step ends the run, no edge
    g = describe(load(BATCH))
    assert ("hasMoreObjects", "listObjects", CHOICE, "$.hasMore", "hasMoreObjects#Branches[0]") in edges(g)
    assert [s.label for s in g.nodes["processObjects"].scopes] == ["steps (each item of $.keys)"]
    assert g.nodes["processObjects"].kind == "Map"


def test_mermaid_draws_a_legacy_flow():
    text = mermaid.render(describe(load(VSCODE)))
    assert 'subgraph s_CheckStatus["CheckStatus · choice"]' in text
    assert 's_CheckStatus -->|"$.key==#quot;process_failed#quot;"| s_ProcessFailed' in text


def test_the_run_overlay_of_a_legacy_run():
    s = ran(BATCH)
    ov = overlay_from_records(s.execution.records, s.execution.events)
    assert ov.nodes["processObjects/resize"].visits == 3 and ov.nodes["hasMoreObjects"].visits == 2
    assert ("hasMoreObjects", "listObjects") in ov.edges and ("resize", "ignore") not in ov.edges
    assert ("processObjects/resize", "processObjects/ignore") in ov.edges  # the caught error's goto
    m = ov.nodes["processObjects"].map
    assert (m.total, m.done) == (1, 1)  # the latest activation: one key in the second listing


def test_coverage_names_legacy_rules_as_fdl_v1_does():
    s = ran(SAGA)
    u = universe(s.definition.flow)
    assert u["catches"] == ["BookTrainTicket#Catch[0]", "BookFlight#Catch[0]", "BookHotel#Catch[0]",
                            "CancelFlight#Catch[0]", "CancelTrainTicket#Catch[0]"]
    assert u["retries"] == ["BookTrainTicket#Retry[0]"]
    h = hits(s.execution.records)
    assert h["retries"] == {"BookTrainTicket#Retry[0]"} and h["catches"] == set()
    v = ran(VSCODE)
    assert hits(v.execution.records)["choice_branches"] == {"CheckStatus#Default"}
