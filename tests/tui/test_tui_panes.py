"""Scopes, history, graph selection, values, record, and resume."""
from __future__ import annotations

import pytest
from helpers.tui import (ROOT, show, CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, SIZE, make_app, make_session,  # noqa: F401
                              plain, press, screen_lines, settle, toasts)

from flowdbg.engine.session import Session
from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.widgets.history_log import HistoryLog
from flowdbg.tui.widgets.json_tree import JsonTree
from flowdbg.tui.widgets.record_view import RecordView
from flowdbg.tui.widgets.scope_list import ScopeList
from flowdbg.tui.widgets.source_view import SourceView
from flowdbg.tui.widgets.state_graph import StateGraph


async def test_choosing_a_map_iteration_advances_it():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "s")
        scopes = app.main.query_one(ScopeList)
        ids = [scopes.get_option_at_index(i).id for i in range(scopes.option_count)]
        assert ids == ["f:", "f:ForEachOrder[0]", "f:ForEachOrder[1]", "f:ForEachOrder[2]"]
        scopes.focus()
        scopes.highlighted = 3
        await press(pilot, "enter")
        s = app.main.session
        assert s.last_stop.frame == "ForEachOrder[2]" and s.last_stop.state == "Price"
        await press(pilot, "s")  # stepping continues in the chosen iteration
        assert s.last_stop.frame == "ForEachOrder[2]" and s.last_stop.state == "BigOrder?"
        assert app.main.query_one(StateGraph).marks.current == "ForEachOrder/BigOrder?"


async def test_a_click_on_a_scope_only_selects_it():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "s")
        s = app.main.session
        steps = s.execution.steps
        scopes = app.main.query_one(ScopeList)
        top = scopes.content_region.y - scopes.region.y
        await pilot.click("#scopes", offset=(4, top + 2))
        await settle(pilot)
        assert scopes.highlighted == 2
        assert s.execution.steps == steps  # nothing ran
        await pilot.click("#scopes", offset=(4, top + 3))
        await pilot.click("#scopes", offset=(4, top + 3))
        await settle(pilot)
        assert scopes.highlighted == 3 and s.execution.steps == steps
        assert scopes.has_focus
        await press(pilot, "enter")  # Enter advances the chosen one
        assert s.last_stop.frame == "ForEachOrder[2]" and s.execution.steps > steps


async def test_history_filter_and_select_an_event():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "7")  # the History tab (issue 10: keys 4-7 are the lists)
        hist = app.main.query_one(HistoryLog)
        table = hist.query_one("DataTable")
        n_all = table.row_count
        assert n_all == len(app.main.session.execution.events)
        await pilot.click("#history-filter")
        await pilot.press(*"review")
        await settle(pilot)
        assert 0 < table.row_count < n_all
        assert all(e.state == "Review" for e in hist._events)
        assert "match 'review'" in hist.border_title
        entered = next(i for i, e in enumerate(hist._events) if e.type == "StepEntered")
        table.focus()
        table.move_cursor(row=entered)
        await press(pilot, "enter")
        s = app.main.session
        assert s.selected_record is not None and s.selected_record.state == "Review"
        assert s.selected_record.frame == "ForEachOrder[1]"
        assert app.main.query_one(StateGraph).marks.inspected == "ForEachOrder/Review"
        await show(pilot, "values")
        values = app.main.query_one(JsonTree)
        assert values._value["$Input"] == {"id": "B", "total": 200}
        await show(pilot, "record")
        assert "Review" in plain(app.main.query_one(RecordView).query_one("#record-body"))
        await press(pilot, "escape")  # back to the live step
        assert s.selected_record is None


async def test_history_shows_the_newest_event():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "7")  # the History tab
        for keys in (("n",), ("c",)):
            await press(pilot, *keys)
            hist = app.main.query_one(HistoryLog)
            table = hist.query_one("DataTable")
            events = app.main.session.execution.events
            assert table.cursor_row == table.row_count - 1 == len(events) - 1
            # the table fits inside the pane, and its last row is drawn
            assert table.region.bottom <= hist.content_region.bottom
            last = events[-1]
            row_y = table.region.y + 1 + (table.row_count - 1) - int(table.scroll_y)  # 1: the header
            assert table.region.y < row_y < table.region.bottom
            line = screen_lines(app)[row_y]
            assert f" {last.id} " in line and last.type in line


async def test_graph_selection_syncs_the_source_and_enter_inspects():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        graph.focus()
        assert graph.cursor == "Example 1 of function invocation."
        await press(pilot, "down")
        assert graph.cursor == "conditional statement"
        st = app.definition.flow.scope.states["conditional statement"]
        await press(pilot, "2")  # (a Source pane not shown yet is drawn from the cursor when shown)
        assert app.main.query_one(SourceView).selected == (st.line, st.end_line)
        await press(pilot, "1")
        await press(pilot, "up", "down")  # and once shown, it follows the cursor at once
        assert app.main.query_one(SourceView).selected == (st.line, st.end_line)
        await press(pilot, "enter")
        assert any("has not run yet" in t for t in toasts(app))
        await press(pilot, "n", "n", "n")
        graph.select("conditional statement")
        await press(pilot, "enter")
        assert app.main.session.selected_record.state == "conditional statement"
        # a click on a box selects it
        b = graph.picture.boxes["No action is performed."]
        graph.scroll_to(0, 0, animate=False)
        await settle(pilot)
        region = graph.content_region
        x, y = b.x + 2 - int(graph.scroll_x), b.y + 1 - int(graph.scroll_y)
        if 0 <= x < region.width and 0 <= y < region.height:
            await pilot.click("#graph", offset=(x + 1, y + 1))
            await settle(pilot)
            assert graph.cursor == "No action is performed."


async def test_graph_opens_at_the_start_state_and_has_room_for_a_state_box():
    from pathlib import Path
    app = make_app(Path("sample_flows/order-pipeline.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        view = graph.scrollable_content_region

        def fully_visible(key):
            b = graph.box(key)
            return (graph.scroll_x <= b.x and b.right <= graph.scroll_x + view.width
                    and graph.scroll_y <= b.y and b.bottom <= graph.scroll_y + view.height)
        assert graph.cursor == "ValidateOrder" and fully_visible("ValidateOrder")
        graph.select("WaitForApproval")
        await press(pilot, "t")
        assert app.main.session.last_stop.state == "WaitForApproval"
        assert fully_visible("WaitForApproval")  # "WaitForApproval" and its subtitle are not cut


async def test_values_tree_and_copy():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n")
        await show(pilot, "values")
        tree = app.main.query_one(JsonTree)
        labels = [str(n.label) for n in tree.root.children]
        assert labels[0].startswith("$Input") and labels[1].startswith("$Context")
        assert tree.root.children[0].is_expanded and not tree.root.children[1].is_expanded
        tree.focus()
        tree.move_cursor(tree.root.children[0].children[0])
        await press(pilot, "y")
        assert app.clipboard == "2048"
        tree.move_cursor(tree.root.children[0])
        await press(pilot, "y")
        assert '"Threshold": 1024' in app.clipboard
        tree.move_cursor(tree.root.children[1])  # $Context, folded
        await press(pilot, "asterisk")  # expands everything below
        assert tree.root.children[1].is_expanded
        assert all(c.is_expanded for c in tree.root.children[1].children if c.allow_expand)


async def test_record_shows_choice_values_and_retry_decisions():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n", "n")
        app.main.query_one(StateGraph).select("conditional statement")
        await press(pilot, "enter")
        await show(pilot, "record")
        text = plain(app.main.query_one(RecordView).query_one("#record-body"))
        assert "choice 1" in text and "$Input.ObjectSize >= $Input.Threshold → true" in text
        assert "next" in text and "Example 2 of function invocation." in text
    app = make_app(FAIL_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        app.main.query_one(StateGraph).select("Charge")
        await press(pilot, "enter")
        await show(pilot, "record")
        text = plain(app.main.query_one(RecordView).query_one("#record-body"))
        assert "Retry[0] #1 after Payment.Throttled" in text and "wait 5 s" in text
        assert "Payment.Declined" in text
        # attempts read top to bottom, each followed by the Retry decision it led to
        lines = [ln.strip() for ln in text.splitlines()]
        first = lines.index(next(ln for ln in lines if ln.startswith("attempt 1")))
        assert lines[first + 2].startswith("error") and "Payment.Throttled" in lines[first + 2]
        assert lines[first + 3].startswith("↻ retry")
        assert lines[first + 4].startswith("attempt 2")


async def test_record_shows_the_step_that_just_ran():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n")
        await show(pilot, "record")
        text = plain(app.main.query_one(RecordView).query_one("#record-body"))
        cur = text.index("#2 conditional statement")  # numbered from 1, as in the status line
        ran = text.index("just ran: #1 Example 1 of function invocation.")
        assert cur < ran
        after = text[ran:]
        assert "attempt 1" in after and "answered by mock" in after and "request   = parameters" in after
        assert "response" in after and "next        conditional statement" in after


async def test_resume_brings_back_step_breakpoints_and_watches(tmp_path):
    journal = tmp_path / "s.jsonl"
    app = make_app(MAP_FLOW, journal=journal)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(StateGraph).select("ForEachOrder/Ship")
        await press(pilot, "b", "c")
        await press(pilot, "w")
        await pilot.press(*"$Input.id", "enter")
        await settle(pilot)
        step = app.main.session.execution.steps
    assert journal.exists()
    s0 = make_session(MAP_FLOW)
    app2 = FlowdbgApp(s0.definition, inputs_store=None,
                      resume=lambda d: Session.resume(str(journal), d, mocks=s0.mocks))
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app2.main.session
        assert s.execution.steps == step
        assert [b.state for b in s.breakpoints] == ["Ship"]
        assert [w.expression for w in s.watches] == ["$Input.id"]
        assert s.watches[0].value == "A"
        graph = app2.main.query_one(StateGraph)
        assert graph.marks.current == "ForEachOrder/Ship"
        # both open at the current state, not at the top of the flow
        assert graph.cursor == "ForEachOrder/Ship"
        b = graph.box("ForEachOrder/Ship")
        view = graph.scrollable_content_region
        assert graph.scroll_y <= b.y and b.y + 2 <= graph.scroll_y + view.height
        assert graph.scroll_x <= b.x and b.x + len("Ship") + 4 <= graph.scroll_x + view.width
        src = app2.main.query_one(SourceView)
        line = app2.main.states["ForEachOrder/Ship"].line
        await press(pilot, "2")  # the Source tab
        assert src.scroll_y < line <= src.scroll_y + src.scrollable_content_region.height


async def test_resume_failure_falls_back_to_a_new_session(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a journal\n")
    s0 = make_session(CHOICE_FLOW)

    def resume(d):
        return Session.resume(str(bad), d, mocks=s0.mocks)
    app = FlowdbgApp(s0.definition, input={}, mocks=s0.mocks, inputs_store=None, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ErrorScreen"
        await press(pilot, "enter")
        assert app.main.session.execution.steps == 0


@pytest.mark.parametrize("size", [(160, 48), (120, 40)])
async def test_a_long_word_in_the_will_do_column_goes_on_over_the_next_lines_not_cut(size):
    """The resourceArn the first task of seed-sync-async will send has no
    space: a column of the side-by-side table cut it with "…"."""
    app = make_app(ROOT / "sample_flows" / "seed-sync-async.yaml")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        step = app.main.query_one("#step")
        lines = ["".join(seg.text for seg in strip) for strip in step._strips]
        assert not any("…" in line for line in lines), lines
        will_do = "".join(line[line.index("Will do"):] if "Will do" in line else "" for line in lines)
        column = step.size.width // 2
        right = "".join(line[column:].strip() for line in lines)
        assert will_do and "acs:fc:::services/myService1.LATEST/functions/myFunction1" in right
