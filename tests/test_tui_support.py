"""Helpers for the TUI tests (imported by the other test_tui_* modules),
plus tests of the graph layout, which needs no running app."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.mocks import MockFile, load_mocks
from flowdbg.engine.session import Session
from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.widgets.graph_layout import layout_flow, node_key, render_text

ROOT = Path(__file__).resolve().parent.parent
FIX = Path("tests/fixtures/tui")
SIZE = (160, 48)
START = "2026-01-01T00:00:00Z"

MAP_FLOW = FIX / "map-orders.yaml"
FAIL_FLOW = FIX / "failing-payment.yaml"
PARALLEL_FLOW = FIX / "parallel-wait.yaml"
CHOICE_FLOW = Path("sample_flows/seed-result-choice.yaml")
CALLBACK_FLOW = Path("sample_flows/seed-custom-callback.yaml")
BROKEN_FLOW = Path("tests/fixtures/seed/seed2-sync-async.as-published.yaml")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    """Relative paths everywhere, so screens (and snapshots) are stable."""
    monkeypatch.chdir(ROOT)


def sibling(flow: Path, suffix: str) -> Path:
    return flow.with_name(flow.name[: -len(".yaml")] + suffix)


def make_session(flow: Path, mocks: Path | None | str = "auto", input=None, journal: Path | None = None) -> Session:
    d = load_definition(str(flow))
    if mocks == "auto":
        mocks = sibling(flow, ".mocks.yaml")
        mocks = mocks if mocks.exists() else None
    m = load_mocks(str(mocks)) if mocks else MockFile()
    if input is None:
        p = sibling(flow, ".input.json")
        input = json.loads(p.read_text()) if p.exists() else {}
    return Session(d, input, mocks=m, seed=0, start_time=START, journal_path=str(journal) if journal else None)


def make_app(flow: Path, mocks: Path | None | str = "auto", input=None, journal=None, **kw) -> FlowdbgApp:
    s = make_session(flow, mocks, input, journal)
    return FlowdbgApp(s.definition, session=s, inputs_store=None, **kw)


def callback_mocks(tmp_path: Path) -> Path:
    """seed-custom-callback's functions, but no scripted callback."""
    p = tmp_path / "callback.mocks.yaml"
    p.write_text("functions:\n  myFunction1:\n    - body: \"received myEvent\"\n    - body: \"\"\n")
    return p


async def settle(pilot) -> None:
    """Wait for the engine worker and the UI updates it triggers."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for k in keys:
        await pilot.press(k)
        await settle(pilot)


def plain(widget_or_renderable) -> str:
    """The text a Static (or a Rich renderable) shows."""
    from rich.console import Console
    r = getattr(widget_or_renderable, "content", widget_or_renderable)
    console = Console(width=200, record=True, file=open(os.devnull, "w"))
    console.print(r)
    return console.export_text()


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def screen_lines(app) -> list[str]:
    """The text of the screen on top, line by line (as a terminal shows it)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def on_screen(widget) -> bool:
    """The widget is displayed and lies wholly inside the terminal."""
    r = widget.region
    return widget.display and r.width > 0 and r.height > 0 and r.right <= widget.app.size.width \
        and r.bottom <= widget.app.size.height


# -- layout (no app) -----------------------------------------------------------------


def test_layout_has_every_state_and_labels():
    d = load_definition(str(CHOICE_FLOW))
    pic = layout_flow(d.flow)
    text = render_text(pic)
    for name in d.flow.scope.states:
        assert name in pic.boxes
    assert "( start )" in text and "( end )" in text
    assert "1 $Input.ObjectSize >=" in text  # Choice conditions, numbered
    assert "D default" in text
    assert "▼" in text


def test_layout_nests_map_processor_inside_its_box():
    d = load_definition(str(MAP_FLOW))
    pic = layout_flow(d.flow)
    outer = pic.boxes["ForEachOrder"]
    for name in ("Price", "BigOrder?", "Review", "Ship"):
        inner = pic.boxes["ForEachOrder/" + name]
        assert outer.x < inner.x and inner.right < outer.right
        assert outer.y < inner.y and inner.bottom < outer.bottom
    assert "Processor (each item)" in render_text(pic)
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


def test_node_key_strips_iteration_indices():
    assert node_key("", "A") == "A"
    assert node_key("Map1[3]", "Price") == "Map1/Price"
    assert node_key("Map1[3]/P.Branch1", "X") == "Map1/P.Branch1/X"


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
