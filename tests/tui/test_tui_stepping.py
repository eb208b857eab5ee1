"""Stepping controls drive the session and the panes follow."""
from __future__ import annotations

from helpers.tui import (show, CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, PARALLEL_FLOW, SIZE, make_app, press,  # noqa: F401
                              settle, toasts)

from flowdbg.tui.widgets.source_view import SourceView
from flowdbg.tui.widgets.state_graph import StateGraph
from flowdbg.tui.widgets.status_bar import StatusBar


def current(app):
    s = app.main.session
    return s.last_stop.state


async def test_step_over_moves_the_current_state_and_panes():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        assert current(app) == "Example 1 of function invocation."
        await press(pilot, "n")
        assert current(app) == "conditional statement"
        graph = app.main.query_one(StateGraph)
        assert graph.marks.current == "conditional statement"
        assert graph.marks.counts["Example 1 of function invocation."] == 1
        assert graph.cursor == "conditional statement"
        await show(pilot, "source")
        src = app.main.query_one(SourceView)
        st = app.definition.flow.scope.states["conditional statement"]
        assert src.current == (st.line, st.end_line)
        assert "stopped at conditional statement" in str(app.main.query_one(StatusBar).render())


async def test_step_into_enters_a_map_iteration_and_step_out_leaves_it():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "s")
        s = app.main.session
        assert s.last_stop.frame == "ForEachOrder[0]" and current(app) == "Price"
        assert app.main.query_one(StateGraph).marks.current == "ForEachOrder/Price"
        await press(pilot, "o")
        assert s.last_stop.frame in ("", None) or not s.last_stop.frame.startswith("ForEachOrder[0]")
        assert current(app) == "Summarize"


async def test_step_over_a_map_runs_it_whole():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f10", "f10", "f10")
        assert current(app) == "Summarize"
        counts = app.main.query_one(StateGraph).marks.counts
        assert counts["ForEachOrder/Price"] == 3 and counts["ForEachOrder/Review"] == 1


async def test_step_back_and_restart():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n", "n")
        assert current(app) == "Example 2 of function invocation."
        await press(pilot, "u")
        assert current(app) == "conditional statement"
        await press(pilot, "u")
        assert current(app) == "Example 1 of function invocation."
        await press(pilot, "n", "n")
        s = app.main.session
        steps = s.execution.steps
        await press(pilot, "r")  # asks first
        assert type(app.screen).__name__ == "ConfirmScreen"
        await press(pilot, "escape")
        assert s.execution.steps == steps
        await press(pilot, "r", "y")
        assert s.execution.steps == 0 and not s.execution.records
        assert app.main.query_one(StateGraph).marks.counts == {}


async def test_continue_runs_to_the_end():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        ex = app.main.session.execution
        assert ex.status == "Succeeded"
        assert any("succeeded" in t for t in toasts(app))
        assert "execution succeeded" in str(app.main.query_one(StatusBar).render())


async def test_breakpoint_toggles_and_stops_continue():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.main.query_one(StateGraph)
        graph.select("conditional statement")
        await press(pilot, "f9")
        s = app.main.session
        assert [b.state for b in s.breakpoints] == ["conditional statement"]
        assert graph.marks.breakpoints == {"conditional statement": True}
        await press(pilot, "c")
        assert s.last_stop.reason == "breakpoint" and current(app) == "conditional statement"
        await press(pilot, "r", "y")
        graph.select("conditional statement")
        await press(pilot, "b")  # toggled off
        assert s.breakpoints == []
        await press(pilot, "c")
        assert s.execution.status == "Succeeded"


async def test_conditional_breakpoint_from_the_editor():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(StateGraph).select("ForEachOrder/Ship")
        await press(pilot, "B")
        assert type(app.screen).__name__ == "BreakpointScreen"
        await pilot.click("#bp-condition")
        await pilot.press(*"$Input.id == ")
        await settle(pilot)
        assert "✗" in str(app.screen.query_one("#bp-status").render())  # checked as you type
        await pilot.press(*'"C"')
        await press(pilot, "ctrl+s")
        s = app.main.session
        assert [(b.state, b.condition) for b in s.breakpoints] == [("Ship", '$Input.id == "C"')]
        await press(pilot, "c")
        assert s.last_stop.reason == "breakpoint" and s.last_stop.frame == "ForEachOrder[2]"


async def test_breakpoint_editor_checks_the_scope_as_you_type():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(StateGraph).select("ForEachOrder/Ship")
        await press(pilot, "B")
        dlg = app.screen
        await pilot.click("#bp-scope")
        await pilot.press(*"Ship[1]")
        await settle(pilot)
        status = str(dlg.query_one("#bp-scope-status").render())
        assert "✗" in status and "no Map state named 'Ship'" in status
        await press(pilot, "ctrl+s")  # refused: nothing saved, the dialog stays
        assert app.screen is dlg and app.main.session.breakpoints == []
        assert any("Scope:" in t for t in toasts(app))
        dlg.query_one("#bp-scope").value = "ForEachOrder[1]"
        await settle(pilot)
        assert str(dlg.query_one("#bp-scope-status").render()) == ""
        await press(pilot, "ctrl+s")
        s = app.main.session
        assert [(b.state, b.scope) for b in s.breakpoints] == [("Ship", "ForEachOrder[1]")]
        await press(pilot, "c")
        assert s.last_stop.reason == "breakpoint" and s.last_stop.frame == "ForEachOrder[1]"


async def test_run_to_the_selected_state():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(StateGraph).select("ForEachOrder/Review")
        await press(pilot, "t")
        s = app.main.session
        assert current(app) == "Review" and s.last_stop.frame == "ForEachOrder[1]"


async def test_run_to_keeps_its_target_across_stops():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.main.session
        graph = app.main.query_one(StateGraph)
        await press(pilot, "n", "n")  # the cursor follows the current state while the user leaves it there
        assert graph.cursor == "ForEachOrder" == graph.marks.current
        s.add_breakpoint("Ship")
        graph.select("Summarize")  # the user moves the cursor
        await press(pilot, "t")
        assert s.last_stop.reason == "breakpoint" and s.last_stop.state == "Ship"
        assert graph.cursor == "Summarize"  # not pulled to the breakpoint
        await press(pilot, "t")
        assert s.last_stop.state == "Ship" and graph.cursor == "Summarize"
        s.breakpoints.clear()
        await press(pilot, "t")
        assert current(app) == "Summarize" and graph.cursor == "Summarize"
        await press(pilot, "u")  # the cursor was on the current state: it follows again
        assert graph.cursor == graph.marks.current == "ForEachOrder/Ship"


async def test_skip_to_next_timer_jumps_the_clock():
    app = make_app(PARALLEL_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "j")
        assert any("No timer is set" in t for t in toasts(app))
        await press(pilot, "s", "s", "s")  # Branch0 waits 10 s, Branch1 is at Quick
        assert app.main.session.execution.next_timer() == 10.0
        assert "next timer 10 s" in str(app.main.query_one(StatusBar).render())
        await press(pilot, "j")
        assert app.main.session.execution.clock == 10.0
        assert "⏱ 10 s" in str(app.main.query_one(StatusBar).render())


async def test_failed_execution_marks_the_state():
    app = make_app(FAIL_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        ex = app.main.session.execution
        assert ex.status == "Failed"
        assert app.main.query_one(StateGraph).marks.overlay.outcome("Charge") == "failed"
        assert any("Payment.Declined" in t for t in toasts(app))
        assert "Payment.Declined" in str(app.main.query_one(StatusBar).render())


async def test_pause_stops_a_long_continue():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path("bench").resolve()))
    from bench_tui import LOOP_FLOW

    from flowdbg.engine.definition import parse_definition
    from flowdbg.engine.session import Session
    from flowdbg.tui.app import FlowdbgApp
    d = parse_definition(LOOP_FLOW, "loop.yaml")
    app = FlowdbgApp(d, session=Session(d, {"forever": True}, start_time="2026-01-01T00:00:00Z", max_events=0),
                     inputs_store=None)  # no event limit: a loop that runs until paused
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause(0.3)
        assert app.main.busy == "continue"
        assert "running continue" in str(app.main.query_one(StatusBar).render())
        await pilot.press("n")  # refused while busy
        assert any("press p to pause" in t for t in toasts(app))
        await pilot.press("p")
        await settle(pilot)
        assert app.main.busy is None
        assert app.main.session.last_stop.reason == "paused"
        assert app.main.session.execution.steps > 10
