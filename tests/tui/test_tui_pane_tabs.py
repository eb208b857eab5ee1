"""The panes behind tabs (PaneTabs: one widget draws the tab row): a click
on a label or the bar, left/right on the focused row, and the pane keys all
switch the pane; the underline follows; labels change in place."""
from __future__ import annotations

from helpers.tui import CHOICE_FLOW, MAP_FLOW, make_app, press, screen_lines, settle

from flowdbg.tui.widgets.pane_tabs import PaneTabs, TabStrip


async def test_a_click_on_a_tab_shows_its_pane_and_the_bar_slides_under_it():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        data = app.main.query_one("#data", PaneTabs)
        strip = data.query_one(TabStrip)
        start, end = strip.spans()["tab-source"]
        await pilot.click(TabStrip, offset=(start + 2, 0))  # (the first strip: #data's)
        await pilot.pause(0.5)  # the bar's slide
        await settle(pilot)
        assert data.active == "tab-source" and app.main.query_one("#source").display
        assert (strip.bar_start, strip.bar_end) == (start + 1, end - 1)
        bar = screen_lines(app)[strip.region.y + 1]
        assert bar[strip.region.x + start + 1:strip.region.x + end - 1] == "━" * (end - start - 2)


async def test_left_and_right_on_the_focused_tab_row_switch_the_panes():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        data = app.main.query_one("#data", PaneTabs)
        data.strip.focus()
        await press(pilot, "right")
        assert data.active == "tab-record" and app.main.query_one("#record").display
        await press(pilot, "left", "left")
        assert data.active == "tab-source"  # round to the last
        await press(pilot, "3")
        assert data.active == "tab-step"


async def test_a_side_tab_label_follows_the_session_without_a_new_widget():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        side = app.main.query_one("#side", PaneTabs)
        strip = side.strip
        assert side.label("tab-breakpoints") == "6 Breakpoints (0)"
        await press(pilot, "b")  # a breakpoint on the cursor's state
        assert side.label("tab-breakpoints") == "6 Breakpoints (1)"
        assert side.strip is strip
        assert "6 Breakpoints (1)" in screen_lines(app)[strip.region.y]


async def test_a_tab_row_wider_than_its_strip_scrolls_the_active_tab_into_view():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "7")  # History, the last tab: beyond the strip's right edge
        await pilot.pause(0.5)  # the row's slide
        strip = app.main.query_one("#side", PaneTabs).strip
        start, end = strip.spans()["tab-history"]
        assert end > strip.size.width  # it did not fit
        row = screen_lines(app)[strip.region.y][strip.region.x:strip.region.right]
        assert row.rstrip().endswith("7 History") and round(strip.row_x) == end - strip.size.width
        await press(pilot, "4")
        await pilot.pause(0.5)
        assert round(strip.row_x) == 0
        assert screen_lines(app)[strip.region.y][strip.region.x:].startswith(" 4 Scopes")


async def test_a_pane_focused_message_that_arrives_after_the_focus_moved_on_changes_no_tab():
    """7 then 4: the History pane's 'a widget in me was focused' came after 4
    had shown Scopes and moved the focus there, and showed History again
    (one run in five)."""
    from flowdbg.tui.widgets.pane_tabs import Pane
    app = make_app(MAP_FLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "7")
        await press(pilot, "4")
        tabs = app.main.query_one("#side", PaneTabs)
        assert tabs.active == "tab-scopes" and app.focused.id == "scopes"
        history = app.main.query_one("#tab-history", Pane)
        history.post_message(Pane.Focused(history))  # late: the focus is in Scopes now
        await settle(pilot)
        assert tabs.active == "tab-scopes"
        app.main.query_one("#history-table").focus()  # a real focus in History still shows it
        await settle(pilot)
        assert tabs.active == "tab-history"
