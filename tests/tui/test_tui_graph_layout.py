"""The graph layout, which needs no running app."""
from __future__ import annotations

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.tui.widgets.graph_layout import layout_flow, render_text

from helpers.tui import CHOICE_FLOW, MAP_FLOW, ROOT


def test_layout_has_every_state_and_labels():
    d = load_definition(str(CHOICE_FLOW))
    pic = layout_flow(d.flow)
    text = render_text(pic)
    for name in d.flow.scope.states:
        assert name in pic.boxes
    assert "( start )" in text and "( end )" in text
    assert "┬1" in text and "┬D" in text  # Choice edges leave numbered like the conditions
    assert "▼" in text
    detailed = render_text(layout_flow(d.flow, detail=2))  # zoomed in, a Choice lists its conditions
    assert "1 $Input.ObjectSize >=" in detailed and "D default → No action is performed." in detailed


def test_compact_drawing_wraps_sentence_names_and_fits():
    """Issue 10.1/10.2: one-row edges, names wrapped on two lines (not cut at 21
    characters), the type in the top border, no start/end pills in branches."""
    d = load_definition("sample_flows/seed-sync-async.yaml")
    pic = layout_flow(d.flow)
    text = render_text(pic)
    assert "an example of synchronous" in text and "function invocation." in text
    assert "…" not in text
    b = pic.boxes["an example of synchronous function invocation."]
    assert b.h == 4 and b.name_lines == ("an example of synchronous", "function invocation.")
    assert "╭─Task" in text
    assert pic.height <= 16  # 2 states, start and end: 4 rows a box and one row an edge
    order = load_definition("sample_flows/order-pipeline.yaml")
    pic = layout_flow(order.flow)
    assert render_text(pic).count("( start )") == 1 and render_text(pic).count("( end )") == 0
    assert pic.height <= 43  # every state on the first screen at 160x48 (43 rows in the pane)


def test_layout_nests_map_processor_inside_its_box():
    d = load_definition(str(MAP_FLOW))
    pic = layout_flow(d.flow)
    outer = pic.boxes["ForEachOrder"]
    for name in ("Price", "BigOrder?", "Review", "Ship"):
        inner = pic.boxes["ForEachOrder/" + name]
        assert outer.x < inner.x and inner.right < outer.right
        assert outer.y < inner.y and inner.bottom < outer.bottom
    assert " each item " in render_text(pic)  # the processor's divider
    assert pic.box_at(inner.x + 1, inner.y + 1).key == "ForEachOrder/Ship"


def test_layout_catch_edge_and_loop_lane():
    d = parse_definition("""
Type: StateMachine
Name: L
SpecVersion: v1
StartAt: Work
States:
  - Name: Work
    Type: Pass
    Next: Again?
  - Name: Again?
    Type: Choice
    Branches:
      - Condition: $Input.n < 3
        Next: Work
    Default: Call
  - Name: Call
    Type: Task
    Action: MNS:SendMessage
    Catch:
      - Errors: [FnF.ALL]
        Next: Oops
    End: true
  - Name: Oops
    Type: Fail
    Code: Bad
""")
    pic = layout_flow(d.flow)
    text = render_text(pic)
    assert "catch" in text
    right = max(b.right for b in pic.boxes.values())
    lane_cells = [row[right + 1:] for row in text.splitlines()]
    assert any("│" in cells for cells in lane_cells), "the loop back to Work runs in a lane on the right"


def test_layout_is_fast_enough_for_200_states():
    import sys
    import time
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_tui import generate_flow
    d = parse_definition(generate_flow(200))
    t = time.perf_counter()
    pic = layout_flow(d.flow)
    assert time.perf_counter() - t < 3
    assert len([b for b in pic.boxes.values() if b.kind in ("state", "container")]) == len(list(d.flow.all_states()))


def test_a_drawing_kept_between_runs_is_the_drawing_laid_out(tmp_path, monkeypatch):
    """graph_cache: the second run's Pictures load what the first laid out,
    for every variant the pane tries, and an edited flow is laid out anew."""
    import glob
    import os

    from flowdbg.engine.definition import load_definition
    from flowdbg.tui.widgets import graph_cache
    from flowdbg.tui.widgets.graph_pictures import VARIANTS, Pictures
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    flows = sorted(glob.glob("sample_flows/*.yaml")) + sorted(glob.glob("sample_flows/legacy/*.yaml"))
    flows = [f for f in flows if not f.endswith((".mocks.yaml", ".tests.yaml"))]
    assert len(flows) > 10
    for path in flows:
        flow = load_definition(path).flow
        if flow is None:  # (a sample with errors on purpose)
            continue
        first = [vars(Pictures(flow).get(d, w)) for d, w in VARIANTS]
        calls = []
        monkeypatch.setattr("flowdbg.tui.widgets.graph_pictures.layout_flow", lambda *a: calls.append(a))
        second = [vars(Pictures(flow).get(d, w)) for d, w in VARIANTS]
        monkeypatch.undo()
        monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
        assert not calls, path  # all from the cache
        assert second == first, path
    edited = tmp_path / "f.yaml"
    edited.write_text("Type: StateMachine\nName: f\nSpecVersion: v1\nStartAt: Aa\nStates:\n"
                      "  - Name: Aa\n    Type: Pass\n    End: true\n")
    a = Pictures(load_definition(str(edited)).flow).get(1, 26)
    edited.write_text(edited.read_text().replace("Aa", "A longer name"))
    b = Pictures(load_definition(str(edited)).flow).get(1, 26)
    assert "A longer name" in {bx.name for bx in b.boxes.values()} and a.boxes != b.boxes
    assert graph_cache.key(load_definition(str(edited)).flow, "layout", 1, 26) != \
        graph_cache.key(load_definition(str(edited)).flow, "layout", 0, 26)
    monkeypatch.setenv("FLOWDBG_NO_CACHE", "1")
    fresh = vars(Pictures(load_definition(str(edited)).flow).get(1, 26))
    # (the layout lists a drawing's edges in set order, which varies with PYTHONHASHSEED; the cells are the same)
    assert {k: v for k, v in fresh.items() if k != "edges"} == {k: v for k, v in vars(b).items() if k != "edges"}
    assert sorted(fresh["edges"], key=repr) == sorted(b.edges, key=repr)
    assert os.path.isdir(tmp_path / "cache")
