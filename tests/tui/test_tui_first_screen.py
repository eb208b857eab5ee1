"""Issue 10, the first screen: the main screen is the app's first screen in
the usual start, the panes behind a tab are mounted just after the first
frame, and a key pressed before that still does what it says
(bench/bench_tui.py startup measures the time)."""
from __future__ import annotations

import pytest
from helpers.tui import CHOICE_FLOW, MAP_FLOW, footer_keys, make_app, make_session, press, screen_lines, settle, toasts

from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.screens.error_screen import ErrorScreen
from flowdbg.tui.widgets.pane_tabs import PaneTabs

BEHIND_TABS = ("record", "values", "source", "watches", "breakpoints", "history")


async def test_the_main_screen_is_the_first_screen_and_the_panes_behind_tabs_follow_the_first_frame():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        assert app.screen is app.main and len(app.screen_stack) == 1  # no empty screen under it
        main = app.main
        assert not main.panes_ready  # not yet: the first frame has what is on screen
        assert [w.id for w in main.query("#step, #scopes, #graph, #state-header, #status")] == \
            ["graph", "state-header", "step", "scopes", "status"]
        await settle(pilot)  # the first frames, then they are mounted
        assert main.panes_ready and main.ready
        for name in BEHIND_TABS:
            assert len(main.query(f"#{name}")) == 1, name
        assert main.query_one("#source").border_title == str(CHOICE_FLOW)
        assert ("$Input",) in main.query_one("#values")._expanded  # $Context folded, as before
        assert main.query_one("#watches").has_class("-empty") and main.query_one("#history").has_class("-empty")


@pytest.mark.parametrize("key,tab,focus", [("2", "tab-source", "source"), ("3", "tab-step", "step"),
                                           ("v", "tab-record", "record"), ("5", "tab-watches", "watches"),
                                           ("6", "tab-breakpoints", "breakpoints"), ("7", "tab-history", "history-table"),
                                           ("slash", "tab-history", "history-filter")])
async def test_a_key_pressed_before_the_panes_are_mounted_shows_and_focuses_its_pane(key, tab, focus):
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        assert not app.main.panes_ready
        await pilot.press(key)
        await settle(pilot)
        main = app.main
        container = "#side" if tab in ("tab-watches", "tab-breakpoints", "tab-history") else "#data"
        assert main.query_one(container, PaneTabs).active == tab
        assert app.focused is not None and app.focused.id == focus
        assert main.panes_ready and tab[4:] not in main._dirty  # the pane shown is filled


async def test_the_source_pane_shown_at_once_marks_the_selected_state():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("down")  # the graph cursor moves before the Source pane exists
        await pilot.press("2")
        await settle(pilot)
        main = app.main
        src = main.query_one("#source")
        start = main.states[main.session.definition.flow.start_at]
        cursor = main.states[main.query_one("#graph").cursor]
        assert src.current is None  # nothing runs before the first step
        assert src.selected == (cursor.line, cursor.end_line) and cursor is not start
        await press(pilot, "1", "s", "2")  # and once a state is current
        assert src.current == (start.line, start.end_line)


async def test_a_breakpoint_set_at_once_is_in_the_breakpoints_pane():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("b")
        await press(pilot, "6")
        main = app.main
        table = main.query_one("#breakpoints")
        assert table.row_count == 1 and not table.has_class("-empty")
        assert main.query_one("#side", PaneTabs).label("tab-breakpoints") == "6 Breakpoints (1)"


async def test_notices_show_over_the_first_screen():
    s = make_session(CHOICE_FLOW)
    app = FlowdbgApp(s.definition, session=s, inputs_store=None, notices=[("a notice", "warning")])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen is app.main and "a notice" in toasts(app)


async def test_start_up_errors_show_over_the_first_screen():
    s = make_session(CHOICE_FLOW)
    app = FlowdbgApp(s.definition, session=s, inputs_store=None, startup_errors=[("Something to say", "at start")])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen) and app.screen_stack[0] is app.main
        assert app.screen.title_text == "Something to say"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main


async def test_a_session_that_cannot_start_is_said_as_before():
    from flowdbg.engine.session import SessionError
    s = make_session(CHOICE_FLOW)

    def refuse(definition, value):
        raise SessionError("no room for the journal")
    app = FlowdbgApp(s.definition, input={}, session_factory=refuse, inputs_store=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen) and app.main is None
        assert app.screen.title_text == "Could not start the session"
        assert "no room for the journal" in app.screen.message


async def test_the_footer_has_its_keys_in_the_first_frame_and_keeps_them_when_the_focus_moves():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        first = [e.key for e in footer_keys(app).values()]
        assert first[:4] == ["question_mark", "f5", "f10", "f11"]  # with the screen, not a refresh later
        await press(pilot, "3")  # the Step pane has no keys in the footer: the same keys
        assert [e.key for e in footer_keys(app).values()] == first
        await press(pilot, "1")
        assert [e.key for e in footer_keys(app).values()] == first
        await pilot.resize_terminal(80, 24)  # compact: the keys are drawn again, tighter
        await settle(pilot)
        footer = app.main.query_one("KeyFooter")
        assert footer.compact and "F5/c Continue F10/n Over" in screen_lines(app)[-1].replace("\xa0", " ")


def _has_dialog_css(app) -> bool:
    return any(str(path).endswith("dialogs.tcss") for path, _ in app.stylesheet.source)


async def test_the_dialogs_rules_come_after_the_first_frame_and_before_any_dialog():
    from flowdbg.tui.screens.help_screen import HelpScreen
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        assert not _has_dialog_css(app)  # the first frame parses the main screen's rules only
        await settle(pilot)
        assert _has_dialog_css(app)  # read just after it
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.has_class("dialog") and 0 < box.region.width <= 160 and box.styles.max_width is not None


async def test_a_dialog_pushed_before_the_main_screen_has_the_dialogs_rules():
    from flowdbg.tui.screens.input_screen import InputScreen
    s = make_session(CHOICE_FLOW)
    app = FlowdbgApp(s.definition, input=None, inputs_store=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InputScreen) and _has_dialog_css(app)
        box = app.screen.query_one("#input-box")
        assert box.region.width <= 80 and box.region.x >= 0  # .dialog: fits the terminal, centred
        assert app.screen.styles.align_horizontal == "center"  # ModalScreen's rule
