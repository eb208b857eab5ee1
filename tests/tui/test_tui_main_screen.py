"""Issue 10: the main screen shows the whole flow and what each state got,
will send and produced. One test (or a few) per "What must work" point."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from helpers.tui import (CALLBACK_FLOW, CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, ROOT, SIZE, callback_mocks, footer_key_shown,
                         footer_keys, make_app, on_screen, plain, press, screen_lines, settle)

from flowdbg.tui.widgets.state_graph import StateGraph
from flowdbg.tui.widgets.status_bar import StatusBar

ORDER = Path("sample_flows/order-pipeline.yaml")
CLAIM = Path("sample_flows/claim-review.yaml")
SEED_SYNC = Path("sample_flows/seed-sync-async.yaml")


def _states_in_view(app) -> list[str]:
    """State boxes not wholly inside the graph's visible region."""
    graph = app.main.query_one(StateGraph)
    view = graph.scrollable_content_region
    sx, sy = graph.scroll_offset
    out = []
    for key in graph.picture.order:
        b = graph.box(key)
        if not (sx <= b.x and b.right < sx + view.width and sy <= b.y and b.bottom < sy + view.height):
            out.append(key)
    return out


def _step_text(app) -> str:
    return plain(app.main.query_one("#step").renderable)


# -- 1. the graph fits and tells the story of the run ------------------------------------

async def test_every_state_of_a_12_state_flow_is_on_the_first_screen_at_160x48():
    for flow in (ORDER, CLAIM):
        app = make_app(flow)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            graph = app.main.query_one(StateGraph)
            assert len(graph.picture.order) >= 11
            assert _states_in_view(app) == [], flow


async def test_a_4_state_flow_is_whole_at_120x40_and_80x24():
    for size in ((120, 40), (80, 24)):
        app = make_app(CHOICE_FLOW)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            graph = app.main.query_one(StateGraph)
            assert len(graph.picture.order) == 4
            if size == (120, 40):
                assert _states_in_view(app) == []
            # the current state and the edges around it are in view as the run goes on
            for _ in range(3):
                await press(pilot, "s")
                b = graph.box(graph.marks.current)
                view = graph.scrollable_content_region
                assert graph.scroll_x <= b.x and b.right < graph.scroll_x + view.width, size


async def test_states_are_coloured_by_outcome_edges_taken_and_map_progress():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        graph = app.main.query_one(StateGraph)
        ov = graph.marks.overlay
        assert ov.outcome("Prepare") == "succeeded" and ov.outcome("ForEachOrder/Review") == "succeeded"
        assert ov.nodes["ForEachOrder"].map.total == 3 and ov.nodes["ForEachOrder"].map.done == 3
        b = graph.box("ForEachOrder")
        title = "".join(s.text for s in graph._render_row(b.title_y))
        assert "3/3" in title  # the Map's progress, done/total
        # the border is drawn in the theme's success colour; taken edges are highlighted
        border = graph._style("border", "Prepare")
        assert border.color == graph.get_component_rich_style("state-graph--outcome-succeeded").color
        assert ("^start", "Prepare") in graph.marks.taken and ("Prepare", "ForEachOrder") in graph.marks.taken
        assert graph._taken_cells
        taken_style = graph.get_component_rich_style("state-graph--edge-taken")
        x, y = next(iter(graph._taken_cells))
        seg_styles = []
        pos = 0
        for seg in graph._render_row(y):
            if pos <= x < pos + len(seg.text):
                seg_styles.append(seg.style)
            pos += len(seg.text)
        assert seg_styles and seg_styles[0].color == taken_style.color
    app = make_app(FAIL_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        graph = app.main.query_one(StateGraph)
        assert graph.marks.overlay.outcome("Charge") == "failed"
        assert graph._style("border", "Charge").color == graph.get_component_rich_style(
            "state-graph--outcome-failed").color


async def test_outline_and_zoom():
    app = make_app(CLAIM)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        # no diagram of claim-review fits 120x40 beside the data: the outline is chosen (the TUI review:
        # the diagram was cut at the left edge); z switches to the diagram and back
        assert graph.outline and graph.picture.height <= 20  # 12 states, 4 branch rows, the start
        assert graph.picture.width <= graph.scrollable_content_region.width
        assert _states_in_view(app) == [] or graph.scroll_x == 0  # one line per state, all of them
        lines = "\n".join(screen_lines(app))
        assert "Price each damaged item" in lines and "Look up the replacement price" in lines
        await press(pilot, "down", "down")
        assert graph.cursor == graph.picture.order[2]
        await press(pilot, "z")
        assert not graph.outline
        await press(pilot, "z")
        assert graph.outline
        await press(pilot, "z")
        assert not graph.outline
        graph.focus()
        await press(pilot, "plus")
        assert graph.picture.detail == 2
        await press(pilot, "minus", "minus")
        assert graph.picture.detail == 0


# -- 2. full names --------------------------------------------------------------------------

async def test_names_wrap_and_the_header_shows_the_state_in_full():
    app = make_app(SEED_SYNC)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        name = "an example of synchronous function invocation."
        assert " ".join(graph.box(name).name_lines) == name
        header = plain(app.main.query_one("#state-header"))
        assert name in header and "Task" in header and "myFunction1" in header
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.query_one(StateGraph).select("conditional statement")
        await settle(pilot)
        header = plain(app.main.query_one("#state-header")).replace("\n", " ")
        assert "conditional statement" in header and "Choice" in header
        # 80x24: the header has 4 rows; what does not fit is cut with … on each line (the TUI review:
        # wrapped lines were chopped off below the header), so every condition keeps its start
        flat = " ".join(header.split())
        assert "1 $Input.ObjectSize >= $Input.Th…" in flat and "D default → No action" in flat


# -- 3. what the state will do ---------------------------------------------------------------

async def test_a_stop_on_a_task_shows_the_request_and_token_it_will_send(tmp_path):
    mocks = tmp_path / "order.mocks.yaml"
    src = Path("sample_flows/order-pipeline.mocks.yaml").read_text()
    mocks.write_text(src.split("callbacks:")[0])  # no scripted approval: it waits for us
    app = make_app(ORDER, mocks=mocks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "n")  # at NeedsApproval
        text = _step_text(app)
        assert "Will do" in text and "$Input.total > 1000 → true" in text and "⇒ WaitForApproval" in text
        await press(pilot, "n")  # at WaitForApproval: the request it will send, with its token
        text = _step_text(app)
        assert "calls ask-manager:LATEST" in text and '"orderId": "o-1001"' in text
        token = re.search(r"TaskToken = (\S+)", text).group(1)
        assert f'"callbackToken": "{token}"' in " ".join(text.split())
        await press(pilot, "n")  # it runs and waits: the token the run used is the one shown
        ex = app.main.session.execution
        assert [p.token for p in ex.pending_tasks()] == [token]
        assert "✉ waiting" in _step_text(app)  # ⧗ is a timer's


async def test_a_wait_shows_its_duration_and_a_failing_expression_its_error(tmp_path):
    flow = tmp_path / "w.yaml"
    flow.write_text("""\
Type: StateMachine
Name: W
SpecVersion: v1
StartAt: Pause
States:
  - Name: Pause
    Type: Wait
    Seconds: 60
    Next: Broken
  - Name: Broken
    Type: Pass
    InputConstructor:
      x.$: $Input.missing.deeper
    End: true
""")
    app = make_app(flow, mocks=None, input={"a": 1})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert "waits 60 s (virtual), until 60 s" in _step_text(app)
        await press(pilot, "s")
        text = " ".join(_step_text(app).split())
        assert "✗ fails in InputConstructor: FnF.RuntimeError" in text and "no key 'missing'" in text


# -- 4. what it got beside what it produced ---------------------------------------------------

async def test_after_a_step_input_and_output_are_side_by_side():
    app = make_app(ORDER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "n")
        lines = screen_lines(app)
        head = next(i for i, ln in enumerate(lines) if "Just ran" in ln and "ValidateOrder" in ln)
        assert "Input" in lines[head + 1] and "Output" in lines[head + 1]
        # the input's and the output's orderId on one line: two columns
        assert any(ln.count('"orderId": "o-1001"') == 2 for ln in lines[head + 2:head + 8])
        await press(pilot, "v")  # the Record view keeps its stages
        record = plain(app.main.query_one("#record-body"))
        assert "raw input" in record and "parameters" in record
        await press(pilot, "v")
        values = app.main.query_one("#values")
        ctx = next(n for n in values.root.children if "$Context" in str(n.label))
        assert not ctx.is_expanded  # $Context folded by default


async def test_empty_lists_shrink_and_the_source_is_wide():
    app = make_app(ORDER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        side = app.main.query_one("#side")
        assert side.region.height <= 6  # one live scope, the tab bar: not 14 empty rows
        assert app.main.query_one("#step").region.height >= 30
        await press(pilot, "2")
        src = app.main.query_one("#source")
        assert src.region.width >= 70 and app.focused is src
        await press(pilot, "2")  # again: the source takes the graph's room as well
        assert src.region.width >= 150 and not app.main.query_one("#graph").display
        lines = "\n".join(screen_lines(app))
        assert "resourceArn: acs:fc:cn-hangzhou:123456789:functions/validate-order/LATEST" in lines
        await press(pilot, "1")
        assert app.main.query_one("#graph").display and app.focused is app.main.query_one("#graph")


# -- 5. stepping a user can follow in Map and Parallel -------------------------------------------

async def test_f10_at_the_end_of_an_iteration_goes_to_the_next_one_and_says_what_ran():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.main.session
        while not (s.last_stop.frame == "ForEachOrder[0]" and s.last_stop.state == "Ship"):
            await press(pilot, "s")
        await press(pilot, "n")
        assert (s.last_stop.frame, s.last_stop.state) == ("ForEachOrder[1]", "Price")
        status = str(app.main.query_one(StatusBar).render())
        rec = s.current_record()
        assert f"#{rec.index + 1}" in status and f"Now #{rec.index + 1} Price" in _step_text(app) or \
            f"Next #{rec.index + 1} Price" in _step_text(app)
        await press(pilot, "c")
        assert "ran" in str(app.main.query_one(StatusBar).render())
        text = _step_text(app)
        assert re.search(r"ran \d+ states: .*Price ×\d", " ".join(text.split()))


async def test_scopes_group_a_big_maps_iterations(tmp_path):
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
        - Name: One
          Type: Pass
          End: true
    End: true
""")
    app = make_app(flow, mocks=None, input={"items": list(range(1000))})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "s")
        scopes = app.main.query_one("#scopes")
        assert scopes.option_count < 6
        text = " ".join(str(scopes.get_option_at_index(i).prompt) for i in range(scopes.option_count))
        assert "Each[…]" in text and "1000 iterations" in text
        await press(pilot, "4")
        group = next(i for i in range(scopes.option_count) if scopes.get_option_at_index(i).id == "g:Each")
        scopes.highlighted = group
        await press(pilot, "enter")  # lists them (up to 200)
        assert scopes.option_count > 200


# -- 6. less friction ---------------------------------------------------------------------------

async def test_callback_editor_replaces_its_text_and_f5_sends_and_continues(tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "k")
        await pilot.press(*'{"approved": true}')
        await settle(pilot)
        assert app.screen.query_one("#cb-output").text == '{"approved": true}'  # not {"approved": true}{}
        await press(pilot, "f5")
        assert app.screen is app.main
        assert app.main.session.execution.status == "Succeeded"


async def test_f9_in_the_source_breaks_on_the_state_at_the_cursor_line():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        src = app.main.query_one("#source")
        target = app.main.states["No action is performed."]
        src.cursor_line = target.line + 1
        await press(pilot, "f9")
        assert [b.state for b in app.main.session.breakpoints] == ["No action is performed."]
        graph = app.main.query_one(StateGraph)
        assert graph.cursor != "No action is performed."  # not the graph cursor's state


async def test_keys_for_scopes_watches_breakpoints_and_footer_keys_at_80_to_120():
    for size in ((80, 24), (100, 30), (120, 40)):
        app = make_app(MAP_FLOW)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for key, sel in (("4", "#scopes"), ("5", "#watches"), ("6", "#breakpoints")):
                await press(pilot, key)
                assert app.focused is app.main.query_one(sel), (size, key)
            keys = footer_keys(app)
            for action in ("callbacks", "quit"):
                assert footer_key_shown(app, keys[action]), (size, action)


async def test_watch_dialog_prefills_and_errors_show_the_error_only():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "w")
        inp = app.screen.query_one("#watch-input")
        assert inp.value == "$Input."  # real text; a whole expression typed from its "$" replaces it
        await pilot.press(*"$Input.nope", "enter")
        await settle(pilot)
        watches = app.main.query_one("#watches")
        row = [str(c) for c in watches.get_row_at(0)]
        assert row[0] == "$Input.nope" and "has no key 'nope'" in row[1] and "$Input.nope" not in row[1]


async def test_shift_f5_stops_the_execution():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s")
        await press(pilot, "shift+f5")
        ex = app.main.session.execution
        assert ex.status == "Stopped" and ex.events[-1].type == "ExecutionStopped"
        assert "Stopped" in str(app.main.query_one(StatusBar).render())


# -- 7. one list of keys ---------------------------------------------------------------------------

async def test_help_and_palette_come_from_the_bindings():
    from flowdbg.tui.screens.main_screen import MainScreen
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.main)}
        for b in MainScreen.BINDINGS:
            assert b.id and b.tooltip, b
            assert b.tooltip.partition(": ")[0] in titles
        await press(pilot, "question_mark")
        text = app.screen.query_one("#help-text").source
        for b in MainScreen.BINDINGS:
            assert b.tooltip.partition(":")[0] in text, b.id


def test_no_hex_colour_literals_in_python_files():
    """The TUI's colours come from the theme (tui/graph/ writes SVG and DOT
    files for other programs, which need colours of their own)."""
    files = subprocess.run(["git", "ls-files", "tui", "engine"], cwd=ROOT, capture_output=True, text=True).stdout
    files = "\n".join(f for f in files.split() if not f.startswith("tui/graph/"))
    hexes = []
    for name in files.split():
        if name.endswith(".py"):
            text = (ROOT / name).read_text()
            hexes += [(name, m) for m in re.findall(r"(?<![\w#])#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?\b", text)]
    assert hexes == []
