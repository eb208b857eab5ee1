"""The header (TitleBar, one widget): Textual Header's title line, its
icon opening the command palette and a click making it tall."""
from __future__ import annotations

from helpers.tui import CHOICE_FLOW, make_app, screen_lines, settle
from textual.command import CommandPalette

from flowdbg.tui.widgets.title_bar import TitleBar


async def test_the_header_shows_the_title_and_sub_title_centred_between_the_icon_and_the_clock_room():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        line = screen_lines(app)[0]
        title = f"{app.title} — {app.sub_title}"
        assert line.startswith(" ⭘ ") and title in line
        start = line.index(title)
        room = 160 - TitleBar.ICON_WIDTH - TitleBar.CLOCK_WIDTH
        assert start == TitleBar.ICON_WIDTH + (room - len(title)) // 2
        app.title = "renamed"
        await settle(pilot)
        assert "renamed — " in screen_lines(app)[0]


async def test_a_long_title_is_cut_with_an_ellipsis():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(60, 40)) as pilot:
        await settle(pilot)
        line = screen_lines(app)[0]
        assert "…" in line and len(line) == 60 and line.rstrip().endswith("…")


async def test_the_icon_opens_the_command_palette_and_a_click_elsewhere_makes_the_header_tall():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        bar = app.main.query_one(TitleBar)
        await pilot.hover(TitleBar, offset=(1, 0))
        assert bar.tooltip == "Open the command palette"
        await pilot.click(TitleBar, offset=(80, 0))
        await settle(pilot)
        assert bar.has_class("-tall") and bar.region.height == 3
        assert app.title in screen_lines(app)[1]  # in the middle row
        await pilot.click(TitleBar, offset=(1, 1))
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


async def test_a_short_terminal_has_no_header():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.main.query_one(TitleBar).display
