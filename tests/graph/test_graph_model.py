"""The plain graph every picture is drawn from: states, scopes and edges from the engine's model."""
from __future__ import annotations

from types import MappingProxyType, SimpleNamespace

from flowdbg.tui.graph.model import BEGIN, CATCH, CHOICE, DEFAULT, END, FINISH, NEXT, START, describe

from helpers.graph import CLAIMS, ORDER, load


def edges(g, src):
    return {(e.dst, e.kind, e.label, e.rule) for e in g.successors(src)}


def test_every_state_with_its_scope_and_container():
    g = describe(load(ORDER))
    assert g.name == "order-pipeline"
    assert list(g.nodes) == ["ValidateOrder", "NeedsApproval", "WaitForApproval", "Fulfil",
                             "Fulfil.Branch0/PackItems", "Fulfil.Branch0/PackItems/PackOne",
                             "Fulfil.Branch1/ChargeCard", "CoolDown", "Notify", "Done", "RejectOrder"]
    fulfil = g.nodes["Fulfil"]
    assert [s.label for s in fulfil.scopes] == ["Branch 0", "Branch 1"]
    assert [s.start for s in fulfil.scopes] == ["Fulfil.Branch0/PackItems", "Fulfil.Branch1/ChargeCard"]
    assert g.parents["Fulfil.Branch0/PackItems/PackOne"] == "Fulfil.Branch0/PackItems"
    assert g.parents["Fulfil.Branch0/PackItems"] == "Fulfil"
    assert g.nodes["Fulfil.Branch0/PackItems"].scopes[0].label == "Processor (each item)"
    assert g.nodes["WaitForApproval"].subtitle == "Task · FC ask-manager · WaitForCustomCallback"
    assert g.nodes["Fulfil.Branch0/PackItems"].subtitle == "Map · $Input.items · max 2"
    assert g.nodes["RejectOrder"].subtitle == "Fail · OrderRejected"
    assert g.nodes["CoolDown"].subtitle == "Wait · 60 s"


def test_every_transition_with_its_condition_and_coverage_name():
    g = describe(load(ORDER))
    assert g.edges[0] == type(g.edges[0])(START, "ValidateOrder", BEGIN)
    assert edges(g, "ValidateOrder") == {("NeedsApproval", NEXT, "", ""),
                                         ("RejectOrder", CATCH, "Catch FnF.ALL", "ValidateOrder#Catch[0]")}
    assert edges(g, "NeedsApproval") == {
        ("WaitForApproval", CHOICE, "$Input.total > 1000", "NeedsApproval#Branches[0]"),
        ("Fulfil", DEFAULT, "Default", "NeedsApproval#Default")}
    assert edges(g, "WaitForApproval") == {
        ("Fulfil", NEXT, "", ""),
        ("RejectOrder", CATCH, "Catch Rejected, FnF.TaskTimeout", "WaitForApproval#Catch[0]")}
    assert edges(g, "Done") == set() and edges(g, "RejectOrder") == set()  # Succeed and Fail end the flow
    # inside a branch or a processor, End closes the scope, not the flow
    assert edges(g, "Fulfil.Branch1/ChargeCard") == set()


def test_end_and_loops_at_the_top_level():
    g = describe(load(CLAIMS))
    assert len(g.nodes) == 32
    assert ("Check the claim form", NEXT, "", "") in edges(g, "Ask for the missing fields")  # the loop back
    assert edges(g, "Receive the claim") == {("Check the claim form", NEXT, "", "")}
    nested = [k for k in g.nodes if "/" in k]
    assert "Investigate the claim.Branch0/Check every document/Is it legible?" in nested
    assert g.nodes["Check the claim form"].retry_rules == 1


def test_a_state_kind_the_drawing_has_never_seen_draws_from_its_fields():
    """Legacy flows (``type: flow``) will load into the same model; the graph
    reads ``next``/``end``/``catch``/``branches``/``processor``, not the class."""
    def st(name, type_, **kw):
        base = dict(name=name, type=type_, next=None, end=False, catch=(), retry=())
        base.update(kw)
        return SimpleNamespace(**base)
    inner = SimpleNamespace(start_at="step", states=MappingProxyType({"step": st("step", "Task", end=True)}))
    states = {
        "loop": st("loop", "Foreach", processor=inner, next="done",
                   catch=(SimpleNamespace(errors=("E",), next="oops"),)),
        "done": st("done", "Succeed"),
        "oops": st("oops", "Pass", end=True),
    }
    flow = SimpleNamespace(name="legacy", scope=SimpleNamespace(start_at="loop", states=MappingProxyType(states)))
    g = describe(flow)
    assert g.nodes["loop"].container and g.nodes["loop"].scopes[0].start == "loop/step"
    assert edges(g, "loop") == {("done", NEXT, "", ""), ("oops", CATCH, "Catch E", "loop#Catch[0]")}
    assert edges(g, "oops") == {(END, FINISH, "", "")}
