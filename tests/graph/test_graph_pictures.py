"""What each picture holds: every state, every transition, the nesting, and a run's colours."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from flowdbg.tui.graph import dot, mermaid, style, svg, text
from flowdbg.tui.graph.model import describe
from flowdbg.tui.graph.theme import colour
from flowdbg.tui.run_overlay import overlay_from_history

from helpers.graph import (CLAIMS, FLOWS, ORDER, SVG, arrows_into, history_of, load, ran, svg_boxes, svg_root,
                           svg_texts)


def order_run():
    s = ran(ORDER)
    return s.definition.flow, overlay_from_history(history_of(s), s.definition.flow)


# -- SVG: the TUI's layout, the theme's colours ------------------------------------------------------

@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_svg_is_valid_and_holds_every_state(path):
    flow = load(path)
    root = svg_root(svg.render(flow))
    boxes = svg_boxes(root)
    g = describe(flow)
    assert set(boxes) == set(g.nodes)
    for key, node in g.nodes.items():
        tip = boxes[key].find(SVG + "title").text
        assert tip.split("\n")[:2] == [node.name, node.subtitle]  # the full name and type, however the box cuts it
        assert ("container" in boxes[key].get("class")) == node.container
    assert root.find(SVG + "title").text == g.name


def test_svg_follows_the_tui_layout():
    from flowdbg.tui.widgets.graph_layout import layout_flow
    from flowdbg.tui.graph.svg import CH, CW
    flow = load(CLAIMS)
    pic = layout_flow(flow)
    root = svg_root(svg.Drawing(pic, describe(flow)).svg())
    boxes = svg_boxes(root)
    for key, group in boxes.items():
        b = pic.boxes[key]
        rect = group.find(SVG + "rect")
        assert float(rect.get("x")) == pytest.approx((b.x + 0.5) * CW, abs=0.1)
        assert float(rect.get("y")) == pytest.approx((b.y + 0.5) * CH, abs=0.1)
        assert float(rect.get("width")) == pytest.approx((b.w - 1) * CW, abs=0.1)
    # every arrow the TUI draws is drawn, and every one ends on a state's box
    arrows = sum(row.count("▼") for row in pic.chars)
    assert len(list(root.iter(SVG + "polygon"))) == arrows


def test_svg_colours_the_run():
    flow, ov = order_run()
    root = svg_root(svg.render(flow, ov, caption="history h.json"))
    boxes = svg_boxes(root)
    done = boxes["Done"].find(SVG + "rect")
    assert "succeeded" in boxes["Done"].get("class")
    assert done.get("stroke") == colour("success") and done.get("fill") == colour("success-muted")
    never = boxes["RejectOrder"].find(SVG + "rect")
    assert "not-run" in boxes["RejectOrder"].get("class")
    assert never.get("stroke") == colour("foreground-muted") and never.get("stroke-dasharray")
    # taken edges are drawn bold, as the TUI draws them ($success); the others are dimmed
    for into in ("ValidateOrder", "NeedsApproval", "WaitForApproval", "CoolDown", "Done"):
        heads = arrows_into(root, boxes[into])
        assert heads and all("taken" in a.get("class") for a in heads), into
        assert all(a.get("fill") == style.resolve("edge-taken") == colour("success") for a in heads)
    heads = arrows_into(root, boxes["RejectOrder"])
    assert len(heads) == 2 and not any("taken" in a.get("class") for a in heads)
    assert all(a.get("opacity") for a in heads)
    texts = svg_texts(root)
    assert "×3" in texts and "3/3" in texts  # visits; the Map's done/total, where the TUI shows them
    assert "never reached" in texts and "succeeded" in texts and "history h.json" in texts
    tip = boxes["ValidateOrder"].find(SVG + "title").text
    assert tip.splitlines()[-1] == "succeeded (×1 ↻1)"  # and its retry
    assert boxes["Fulfil.Branch0/PackItems"].find(SVG + "title").text.endswith("(×1, 3/3 done)")
    taken = [p for p in root.iter(SVG + "path") if "taken" in (p.get("class") or "")]
    assert taken and all(float(p.get("stroke-width")) > 2 for p in taken)


XML_FLOW = """
Type: StateMachine
SpecVersion: v1
Name: "<&>"
StartAt: "A & <B>"
States:
  - Name: "A & <B>"
    Type: Choice
    Branches:
      - Condition: $Input.s == "<&>"
        Next: "C 'quoted' \\"too\\""
    Default: "C 'quoted' \\"too\\""
  - Name: "C 'quoted' \\"too\\""
    Type: Succeed
"""


def test_svg_text_escapes_what_xml_needs():
    from helpers.engine import definition
    flow = definition(XML_FLOW).flow
    root = svg_root(svg.render(flow))
    texts = svg_texts(root)
    assert "A & <B>" in texts and "<&>" in texts  # a state's name and the flow's
    assert '$Input.s == "<&>"' in describe(flow).edges[1].label
    assert set(svg_boxes(root)) == {"A & <B>", "C 'quoted' \"too\""}
    graphviz(dot.render(describe(flow)))


# -- Mermaid ------------------------------------------------------------------------------------------

def test_mermaid_holds_every_state_and_transition():
    g = describe(load(ORDER))
    out = mermaid.render(g)
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    assert 's_ValidateOrder("ValidateOrder<br/>Task · FC validate-order")' in out
    assert 's_NeedsApproval{{"NeedsApproval<br/>Choice"}}' in out
    assert 'subgraph s_Fulfil["Fulfil · Parallel · 2 branches"]' in out
    assert 'subgraph s_Fulfil_Branch0["Branch 0"]' in out
    assert 's_NeedsApproval -->|"$Input.total #gt; 1000"| s_WaitForApproval' in out
    assert 's_NeedsApproval -->|"Default"| s_Fulfil' in out
    assert 's_ValidateOrder -.->|"Catch FnF.ALL"| s_RejectOrder' in out
    assert "s_start --> s_ValidateOrder" in out
    links = [x for x in lines if "-->" in x or "-.->" in x]
    assert len(links) == len(g.edges)
    assert "classDef" not in out and "style" not in out  # no run: the page's own theme colours it
    # nesting: PackOne sits inside PackItems inside Branch 0 inside Fulfil
    depth = []
    for x in lines:
        if x.strip().startswith("subgraph "):
            depth.append(x.split()[1].split("[")[0])
        elif x.strip() == "end":
            depth.pop()
        elif "s_Fulfil_Branch0_PackItems_PackOne(" in x:
            assert depth == ["s_Fulfil", "s_Fulfil_Branch0", "s_Fulfil_Branch0_PackItems"]


def test_mermaid_labels_escape_what_its_parser_and_html_take():
    assert mermaid.escape('a "b" #1 <c> & d | `e`') == "a #quot;b#quot; #35;1 #lt;c#gt; #38; d #124; #96;e#96;"
    out = mermaid.render(describe(load(CLAIMS)))
    for line in out.splitlines():
        for label in re.findall(r'"([^"]*)"', line):
            assert not set(label) & set('<>|`') or "<br/>" in label and not set(label.replace("<br/>", "")) & set("<>|`")


def test_mermaid_colours_the_run():
    flow, ov = order_run()
    out = mermaid.render(describe(flow), ov)
    assert f"classDef succeeded fill:{colour('success-muted')},stroke:{colour('success')}" in out
    assert "class s_RejectOrder unreached" in out
    assert "PackOne<br/>Task · FC pack-item<br/>×3" in out and "3/3 done" in out
    links = [x for x in out.splitlines() if "-->" in x or "-.->" in x]
    taken = {int(i) for i in re.search(r"linkStyle ([\d,]+) ", out).group(1).split(",")}
    assert {links[i].strip() for i in taken} >= {"s_start --> s_ValidateOrder", "s_Notify --> s_Done"}
    assert not any("RejectOrder" in links[i] or '"Default"' in links[i] for i in taken)


# -- DOT ------------------------------------------------------------------------------------------------

def graphviz(source: str) -> str:
    if not shutil.which("dot"):
        from helpers.browser import need
        need("/usr/bin/dot", "Graphviz dot")
    r = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    return r.stdout


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_dot_is_valid_graphviz_and_holds_every_state(path):
    g = describe(load(path))
    out = graphviz(dot.render(g))
    root = svg_root(out)
    texts = svg_texts(root)
    for node in g.nodes.values():
        assert node.name in texts
    cluster_titles = [t.text for t in root.iter(SVG + "title") if t.text and t.text.startswith("cluster_")]
    assert len(cluster_titles) == sum(1 + (len(n.scopes) if len(n.scopes) > 1 else 0)
                                      for n in g.nodes.values() if n.container)


def test_dot_run_colours_and_escapes():
    flow, ov = order_run()
    out = dot.render(describe(flow), ov)
    graphviz(out)
    assert f'"Done" [label="Done\\nSucceed\\n×1", shape=box, color="{colour("success")}"' in out
    assert 'style="rounded,filled,dashed"' in out  # RejectOrder, never reached
    assert re.search(r'"Notify" -> "Done" \[penwidth=2.5', out)
    assert dot.quote('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    graphviz(dot.render(describe(load(CLAIMS))))  # quotes, &&, | and # in conditions


# -- text -----------------------------------------------------------------------------------------------

def test_text_is_the_tui_picture_with_the_run_marked():
    flow, ov = order_run()
    plain = text.render(flow)
    assert "ValidateOrder" in plain and "╭" in plain and "▼" in plain
    out = text.render(flow, ov, caption="history h.json")
    assert out.splitlines()[0] == "order-pipeline · history h.json"
    assert "✓" in out and "×3" in out
    table = out[out.index("state "):]
    assert re.search(r"Fulfil\.Branch0/PackItems\s+succeeded\s+1\s+3/3 done", table)
    assert re.search(r"RejectOrder\s+never reached\s+-", table)
    assert table.rstrip().endswith("never reached: RejectOrder")


def test_a_taken_edge_leaves_by_its_own_port():
    """Lines that share cells must not light up another branch's port."""
    from flowdbg.tui.run_overlay import overlay_from_records
    from flowdbg.tui.widgets.graph_layout import layout_flow
    from helpers.graph import session_for
    for path, inp, state, took, not_took in (
            (CLAIMS, {"kind": "car", "amount": 100000, "note": "", "documents": []}, "Route by amount", "D", "12"),
            (ORDER, None, "NeedsApproval", "1", "D")):
        s = session_for(path, input=inp)
        s.run_to_end(jump_clock=False)
        flow = s.definition.flow
        ov = overlay_from_records(s.execution.records, s.execution.events)
        drawing = svg.Drawing(layout_flow(flow), describe(flow), ov)
        ports = {drawing.grid.label(p): p for p in drawing.grid.starts(state)}
        assert set(took + not_took) <= set(ports), ports
        assert ports[took] in drawing.taken, (path, ports)
        assert not any(ports[x] in drawing.taken for x in not_took), path


def test_svg_colours_are_the_tui_graphs():
    """Each part the TUI graph colours through a component class in app.tcss
    (``StateGraph > .state-graph--edge-taken { color: $success; }``) has the
    same theme value in the SVG's roles."""
    from helpers.graph import REPO
    css = open(f"{REPO}/tui/app.tcss", encoding="utf-8").read()
    rules = dict(re.findall(r"StateGraph > \.state-graph--([\w-]+) \{[^}]*?color: \$([^;]+);", css))
    if not rules:
        pytest.skip("this TUI colours its graph without component classes")
    drawn = {"edge", "edge-taken", "edge-catch", "label", "pill", "frame", "type", "title", "sub", "cond",
             "current", "count"}
    assert drawn <= set(rules) and drawn <= set(style.ROLE)
    for role in drawn:
        value = rules[role].strip()
        assert style.ROLE[role] in (value, "text-" + value), role  # text-X: X's readable text shade


RETRIED_MAP = """Type: StateMachine
Name: r
SpecVersion: v1
StartAt: Price every item of the order
States:
  - Name: Price every item of the order
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: Call
      States:
        - Name: Call
          Type: Task
          Action: FC:InvokeFunction
          Parameters:
            resourceArn: acs:fc:cn-hangzhou:1:functions/f
            invocationType: Sync
          Retry:
            - Errors: [FC.ResourceThrottled]
              MaxAttempts: 2
              IntervalSeconds: 1
          End: true
    End: true
"""


def test_text_boxes_show_retries_and_map_progress(tmp_path):
    from flowdbg.engine.mocks import parse_mocks
    from flowdbg.tui.run_overlay import overlay_from_records
    from helpers.graph import session_for
    (tmp_path / "r.yaml").write_text(RETRIED_MAP)
    s = session_for(str(tmp_path / "r.yaml"), input={"items": [1, 2, 3]},
                    mocks=parse_mocks("functions:\n  f:\n    - error: FC.ResourceThrottled\n    - body: {}\n"))
    s.run_to_end()
    out = text.render(s.definition.flow, overlay_from_records(s.execution.records, s.execution.events))
    lines = out.splitlines()
    assert any(re.fullmatch(r"\s*│ +│  ✓Call ×3 ↻1 │ +│", ln) for ln in lines), out  # visits and retries
    assert any(re.fullmatch(r"\s*╰─ 3/3 done ─*┬─*╯", ln) for ln in lines), out  # the Map's progress, on its border
    assert re.search(r"Price every item of the order/Call\s+succeeded\s+3\s+1 retry", out)
