"""The TUI review's findings, each held by the value a user must see."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.tui import make_app, plain, press, screen_lines, settle

from flowdbg.tui.widgets.state_graph import StateGraph

CLAIM = Path("sample_flows/claim-review.yaml")
ORDER = Path("sample_flows/order-pipeline.yaml")


def _step_text(app) -> str:
    return " ".join(plain(app.main.query_one("#step").renderable).split())


# -- 1. "Just ran" is the state the key stepped ---------------------------------------------------

async def test_just_ran_is_the_state_the_key_stepped_and_the_rest_is_summarised():
    app = make_app(CLAIM)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s")  # at the Parallel
        assert app.main.session.last_stop.state == "Assess the claim in parallel"
        await press(pilot, "n")  # over it: the iterations run until the appraiser's callback
        text = _step_text(app)
        assert "Just ran #2 Assess the claim in parallel Parallel running its branches" in text
        assert re.search(r"The last key ran 9 states: Look up the replacement price ×3, "
                         r"Is the item worth an appraisal\? ×3, Keep the listed price ×2, "
                         r"Check the policy covers the damage", text)
        # why the stop is elsewhere: named by the state, not "execution"
        assert "Assess the claim in parallel waits for its branches: stopped in Price each damaged item[0]" in text
        assert "execution waits" not in text
        assert "Now #13 Ask an appraiser" in text


async def test_just_ran_names_a_caught_error_and_where_it_went(tmp_path):
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  charge:\n    - error: Payment.Fraud\n      detail: stolen card\n")
    app = make_app(Path("tests/fixtures/tui/failing-payment.yaml"), mocks=mocks)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "n")  # over Charge: its error is caught, on to Flag
        text = _step_text(app)
        assert "Just ran #2 Charge Task caught Payment.Fraud → Flag" in text
        assert "Output (from the Catch rule)" in text
        assert "The last key" not in text  # one key, one state: nothing else to summarise


# -- 2. the graph fits its pane: never cut at the left, the data keeps its share -----------------

def _cut_boxes(app) -> list[str]:
    """Boxes whose columns the graph's view does not show whole (cut at a side)."""
    graph = app.main.query_one(StateGraph)
    view = graph.scrollable_content_region
    sx = graph.scroll_offset.x
    return [k for k in graph.picture.order if graph.box(k).x < sx or graph.box(k).right > sx + view.width]


@pytest.mark.parametrize("flow", [CLAIM, ORDER])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_graph_is_never_cut_at_the_sides(flow, size):
    app = make_app(flow)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        assert graph.picture.width <= graph.scrollable_content_region.width
        assert graph.scroll_offset.x == 0 and _cut_boxes(app) == []
        for _ in range(6):  # as the run goes on, the current state and its neighbours stay whole
            await press(pilot, "s")
            assert _cut_boxes(app) == []
            cur = graph.box(graph.marks.current) if graph.marks.current else None
            if cur is not None:
                view, sy = graph.scrollable_content_region, graph.scroll_offset.y
                assert sy <= cur.y and cur.y < sy + view.height


async def test_at_80x24_a_big_flow_is_an_outline_cut_with_an_ellipsis():
    app = make_app(CLAIM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        assert graph.outline and graph.detail is None  # chosen for the pane, not a zoom
        lines = [ln[: graph.region.right] for ln in screen_lines(app)]
        row = next(ln for ln in lines if "Check that the claim" in ln)
        assert "…" in row and "Check that the claim form is complete" not in row  # cut on purpose
        await press(pilot, "z")  # the user asks for the diagram: they get it, scrolled
        assert not graph.outline
        await press(pilot, "z")
        assert graph.outline


async def test_at_160x48_claim_review_is_whole_and_the_data_keeps_a_third():
    app = make_app(CLAIM)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        graph, data = app.main.query_one(StateGraph), app.main.query_one("#right")
        assert graph.picture.width <= graph.scrollable_content_region.width
        assert graph.picture.height <= graph.scrollable_content_region.height  # every state on screen
        assert data.region.width >= 56  # was 48: the resource ARN wrapped, the header was cut


# -- 3. answering a callback leaves the stop where the engine says -------------------------------

TWO_CALLBACKS = """\
Type: StateMachine
Name: Two
SpecVersion: v1
StartAt: Both
States:
  - Name: Both
    Type: Parallel
    Branches:
      - StartAt: A
        States:
          - {Name: A, Type: Task, Action: "MNS:SendMessage", TaskMode: WaitForCustomCallback, Next: A2}
          - {Name: A2, Type: Pass, End: true}
      - StartAt: B
        States:
          - {Name: B, Type: Task, Action: "MNS:SendMessage", TaskMode: WaitForCustomCallback, Next: B2}
          - {Name: B2, Type: Pass, End: true}
    Next: Done
  - Name: Done
    Type: Succeed
"""


async def _answer(pilot, state: str, *keys: str) -> None:
    app = pilot.app
    await press(pilot, "k")
    tok = next(p.token for p in app.main.session.execution.pending_tasks() if p.state == state)
    app.screen.query_one("#cb-token").value = tok
    await press(pilot, *(keys or ("ctrl+s", "escape")))


async def test_answering_a_callback_keeps_the_stop_on_the_frame_the_engine_names(tmp_path):
    flow, mocks = tmp_path / "two.yaml", tmp_path / "two.mocks.yaml"
    flow.write_text(TWO_CALLBACKS)
    mocks.write_text("states:\n  A:\n    - result: {}\n  B:\n    - result: {}\n")
    app = make_app(flow, mocks=mocks)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        graph, s = app.main.query_one(StateGraph), app.main.session
        await press(pilot, "c")
        assert graph.marks.current == "Both.Branch0/A" and graph.marks.overlay.outcome("Both.Branch0/A") == "callback"
        await _answer(pilot, "B")  # the other branch's task: the stop stays on A, still waiting
        assert graph.marks.current == "Both.Branch0/A" and (s.last_stop.frame, s.last_stop.state) == ("Both.Branch0", "A")
        assert graph.marks.overlay.outcome("Both.Branch1/B") == "running"  # answered: not ✉ any more
        await press(pilot, "n")  # the engine runs what the answer let go on: B2
        assert graph.marks.current == "Both.Branch1/B2" == "/".join((s.last_stop.frame, s.last_stop.state))
        await press(pilot, "n")
        assert graph.marks.current == "Both.Branch0/A"
        await _answer(pilot, "A")  # the task the debugger is at: it stays there, answered
        assert graph.marks.current == "Both.Branch0/A"
        assert "answered: it finishes when you step on" in _step_text(app)
        await press(pilot, "n")
        assert graph.marks.current == "Both.Branch0/A2"


# -- 6. toasts never sit over a dialog, nor outlive the stop they tell of -------------------------

async def test_a_dialog_opens_over_no_toast_and_a_step_clears_the_last_stops(tmp_path):
    from helpers.tui import CALLBACK_FLOW, callback_mocks, toasts
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert any("Press k to answer" in t for t in toasts(app))
        await press(pilot, "k")
        assert type(app.screen).__name__ == "CallbacksScreen" and toasts(app) == []
        app.screen.query_one("#cb-token").value = "v1#nope"
        await press(pilot, "ctrl+s")  # refused: said in the dialog, not in a toast over it
        assert "refused: unknown task token" in str(app.screen.query_one("#cb-result").render())
        assert toasts(app) == []
        await press(pilot, "escape")
        app.notify("about the stop before", title="Finished")
        await press(pilot, "s")
        assert "about the stop before" not in toasts(app)


# -- 8. the smaller findings ------------------------------------------------------------------

async def test_zoom_is_in_the_command_palette():
    app = make_app(CLAIM)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        cmds = {c.title: c for c in app.get_system_commands(app.main)}
        assert "Zoom in" in cmds and "Zoom out" in cmds
        before = graph.picture.detail
        cmds["Zoom in"].callback()
        await settle(pilot)
        assert graph.picture.detail == before + 1
        cmds["Zoom out"].callback()
        cmds["Zoom out"].callback()
        await settle(pilot)
        assert graph.picture.detail == before - 1


# -- 7. the Source gutter marks breakpoints -------------------------------------------------------

async def test_the_source_gutter_shows_a_dot_on_a_state_with_a_breakpoint():
    from helpers.tui import show
    app = make_app(CLAIM)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "b")  # on the graph cursor's state: the start state
        await show(pilot, "source")
        st = app.definition.flow.scope.states["Check that the claim form is complete"]
        src = app.main.query_one("#source")
        assert src.breakpoints == {st.line: True}
        row = src._render_row(st.line - 1).text
        assert row.startswith("●") and "Check that the claim form is complete" in row
        assert not src._render_row(st.line).text.startswith("●")  # its first line only
        await press(pilot, "b")  # F9 in the Source pane: on the state at the cursor line, so off again
        assert src.breakpoints == {} and not src._render_row(st.line - 1).text.startswith("●")


# -- 5. columns are cut on purpose -----------------------------------------------------------------

@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_callbacks_dialog_fits_its_columns_and_shows_each_tokens_end(size):
    app = make_app(CLAIM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "c", "k")
        t = app.screen.query_one("#cb-table")
        assert sum(c.get_render_width(t) for c in t.columns.values()) <= t.scrollable_content_region.width
        token = app.main.session.execution.pending_tasks()[0].token
        row = next(ln for ln in screen_lines(app) if "Ask an appraiser" in ln and "86401 s" in ln)
        assert token[-8:] in row and "…" in row  # the end tells tokens apart; the rest is in the field below
        assert "item[0]" in row  # the scope's end: which iteration waits


@pytest.mark.parametrize("size", [(160, 48), (120, 40), (80, 24)])
async def test_the_history_fits_its_pane_cutting_names_with_an_ellipsis(size):
    from helpers.tui import show
    app = make_app(CLAIM)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await show(pilot, "history")
        t = app.main.query_one("#history-table")
        assert sum(c.get_render_width(t) for c in t.columns.values()) <= t.scrollable_content_region.width
        text = " ".join(screen_lines(app))
        assert "✉ TaskSubmitted" in text  # the callback wait, marked as in the graph
        # a pane under 64 columns (all three sizes, beside the graph): two lines a row, the state and
        # scope under the type, cut with …; a wider one (the side pane alone) has the five columns
        assert len(t.columns) == 2 and any("…" in ln for ln in screen_lines(app))
        log = app.main.query_one("#history")
        log._columns(120)
        assert [c.label.plain for c in t.columns.values()] == ["Id", "Time", "Type", "State", "Scope"]


async def test_the_header_cuts_each_line_with_an_ellipsis_when_it_cannot_wrap():
    app = make_app(CLAIM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")  # at Ask an appraiser: a long type line, scope and a Catch rule
        header = app.main.query_one("#state-header")
        text = plain(header).rstrip("\n").split("\n")
        assert len(text) <= 4 and header.region.height <= 4
        rows = [ln.rstrip() for ln in text]
        assert rows[0].startswith("Ask an appraiser  Task")
        assert any(r.startswith("✉ waiting for a callback ×1") for r in rows)  # the run's state is not cut off
        assert rows[-1].startswith("Catch FnF.TaskTimeout")  # the last line is there, cut with …
        assert all(len(r) <= header.content_region.width for r in rows)
        assert sum(r.endswith("…") for r in rows) >= 2


EMPTY_MAP = """\
Type: StateMachine
Name: EmptyMap
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: One
      States:
        - {Name: One, Type: Pass, End: true}
    Next: After
  - {Name: After, Type: Pass, End: true}
"""


async def test_a_map_over_no_items_says_empty_not_0_of_0(tmp_path):
    flow = tmp_path / "empty.yaml"
    flow.write_text(EMPTY_MAP)
    app = make_app(flow, mocks=None, input={"items": []})
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "s")  # at the Map: what it will do
        assert "no items: no iteration runs, its output is []" in _step_text(app)
        await press(pilot, "s", "s")
        graph = app.main.query_one(StateGraph)
        node = graph.marks.overlay.nodes["Each"]
        assert node.map is not None and node.map.label() == "empty"
        assert any("empty" in ln and "0/0" not in ln for ln in screen_lines(app) if "Each" in ln or "empty" in ln)


async def test_key_3_shows_the_step_view_as_the_footer_and_help_say():
    app = make_app(CLAIM)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tabs, step = app.main.query_one("#data"), app.main.query_one("#step")
        for keys in (("v",), ("v", "v"), ("2",), ("7",), ("2", "2")):
            await press(pilot, "1", *keys, "3")
            assert tabs.active == "tab-step" and app.focused is step, keys
            assert app.main.query_one("#graph").display, keys  # 2 2 (the wide source) is left too


async def test_the_watch_dialog_prefix_is_text_one_types_after_or_over_with_a_whole_expression():
    app = make_app(CLAIM)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "w")
        inp = app.screen.query_one("#watch-input")
        assert inp.value == "$Input." and inp.cursor_position == len("$Input.")
        await pilot.press(*"claimId", "enter")  # after the prefix
        await press(pilot, "w")
        await pilot.press(*"$Context.Execution.Name", "enter")  # a whole expression replaces the prefix
        await settle(pilot)
        assert [w.expression for w in app.main.session.watches] == ["$Input.claimId", "$Context.Execution.Name"]
        assert app.main.session.watches[0].value == "CL-2041"


async def test_a_long_input_opens_at_its_top_and_the_editor_scrolls(tmp_path):
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.mocks import MockFile
    from flowdbg.tui.app import FlowdbgApp
    from helpers.tui import START
    d = load_definition(str(CLAIM))
    app = FlowdbgApp(d, mocks=MockFile(), start_time=START, inputs_store=str(tmp_path / "none.json"),
                     input=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one("#input-editor")
        assert editor.document.line_count > editor.scrollable_content_region.height  # 18 lines, fewer rows
        assert editor.scroll_y == 0 and editor.cursor_location == (0, 0)
        assert editor.selected_text == editor.text  # typing still replaces it all
        assert any('"claimId": "CL-2041"' in ln for ln in screen_lines(app))  # its start is on screen
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert editor.scroll_y > 0  # and it scrolls to the rest


async def test_a_big_maps_scopes_row_counts_by_status_and_what_they_wait_for(tmp_path):
    flow = tmp_path / "big.yaml"
    flow.write_text("""\
Type: StateMachine
Name: Big
SpecVersion: v1
StartAt: Each
States:
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: One
      States:
        - {Name: One, Type: Wait, Seconds: 5, Next: Two}
        - {Name: Two, Type: Pass, End: true}
    End: true
""")
    app = make_app(flow, mocks=None, input={"items": list(range(12))})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *"sssssss")
        sc = app.main.query_one("#scopes")
        rows = [str(sc.get_option_at_index(i).prompt) for i in range(sc.option_count)]
        assert "▸ Each[…]  12 iterations: 7 ready, 5 ⧗ waiting for a timer  · Enter lists them" in rows
        assert "  Each  waiting for its iterations" in rows  # a Map waits for iterations, not branches


# -- the newcomer review: the status line's number at the end of a run that ends in a Map -------------

ENDS_IN_MAP = """Type: StateMachine
Name: ends-in-map
SpecVersion: v1
StartAt: Start
States:
  - Name: Start
    Type: Pass
    Next: Each
  - Name: Each
    Type: Map
    ItemsPath: $Input.items
    Processor:
      StartAt: Double
      States:
        - Name: Double
          Type: Pass
          End: true
    End: true
"""


async def test_the_status_line_numbers_the_last_step_when_the_run_ends_in_a_map(tmp_path):
    flow = tmp_path / "ends-in-map.yaml"
    flow.write_text(ENDS_IN_MAP)
    app = make_app(flow, mocks=None, input={"items": [1, 2, 3]})
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        s = app.main.session
        assert s.execution.status == "Succeeded" and len(s.execution.records) == 5  # Start, Each, Double ×3
        status = " ".join(str(app.main.query_one("#status").render()).split())
        assert status.startswith("Succeeded #5 "), status  # not #2, the Map's own number
        assert "Just ran #5 Double" in _step_text(app)
