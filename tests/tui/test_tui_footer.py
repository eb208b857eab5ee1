"""The footer (KeyFooter, one widget for every key): its keys are the
BINDINGS' (issue 10.7), `k` and `q` stay visible at 80-120 columns (10.6),
and a key is clicked and hovered as a key of Textual's Footer."""
from __future__ import annotations

import pytest
from helpers.tui import (CHOICE_FLOW, MAP_FLOW, footer_key_shown, footer_keys, make_app, press, screen_lines,
                         settle)

from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.screens.help_screen import HelpScreen
from flowdbg.tui.screens.main_screen import MainScreen
from flowdbg.tui.widgets.key_footer import FIRST, KeyFooter


def _shown_bindings():
    return [b for b in [*MainScreen.BINDINGS, *FlowdbgApp.BINDINGS] if b.show]


async def test_the_footer_keys_are_the_bindings_with_show_and_nothing_else():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        entries = app.main.query_one(KeyFooter).entries
        keys = [e for e in entries if not e.palette]
        bindings = _shown_bindings()
        assert sorted(e.action for e in keys) == sorted(b.action for b in bindings)
        by_action = {b.action: b for b in bindings}
        for e in keys:
            b = by_action[e.action]
            assert (e.key, e.description, e.key_display) == (b.key.split(",")[0], b.description, app.get_key_display(b))
            assert e.tooltip == b.tooltip  # what the hover shows
        # the ones a user needs most first, then the BINDINGS order
        ranks = [next((i for i, name in enumerate(FIRST) if e.action.startswith(name)), len(FIRST)) for e in keys]
        assert ranks == sorted(ranks)
        rest = [e.action for e in keys if not any(e.action.startswith(n) for n in FIRST)]
        assert rest == [b.action for b in bindings if b.action in rest]
        # drawn one after the other, the palette's key at the right edge
        assert [e.palette for e in entries][-1] and entries[-1].x + entries[-1].width == 160
        assert all(a.x + a.width == b.x for a, b in zip(keys, keys[1:]))
        line = screen_lines(app)[-1].replace("\xa0", " ")
        assert line.startswith(" ? Help  F5/c Continue  F10/n Over  F11/s Into  k Callbacks  q Quit ")
        assert line.endswith("▏^p palette ")


@pytest.mark.parametrize("width,height", [(80, 24), (100, 30), (120, 40)])
async def test_k_and_q_and_the_stepping_keys_stay_visible_from_80_to_120_columns(width, height):
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        for action in ("help", "continue", "step_over", "step_into", "callbacks", "quit"):
            assert footer_key_shown(app, keys[action]), (width, action)
        line = screen_lines(app)[-1].replace("\xa0", " ")
        assert "k Callbacks" in line and "q Quit" in line
        await press(pilot, "4")  # the focus elsewhere: the same keys stay
        assert footer_key_shown(app, footer_keys(app)["quit"])


async def test_a_click_on_a_key_runs_its_binding_and_a_hover_shows_its_tooltip():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.main.query_one(KeyFooter)
        over = footer_keys(app)["step_over"]
        await pilot.hover(KeyFooter, offset=(over.x + 1, 0))
        assert footer.tooltip == next(b.tooltip for b in MainScreen.BINDINGS if b.id == "step_over")
        await pilot.click(KeyFooter, offset=(over.x + 1, 0))
        await settle(pilot)
        assert app.main.session.execution.steps == 1  # F10 ran
        help_key = footer_keys(app)["help"]
        await pilot.click(KeyFooter, offset=(help_key.x, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_compact_footer_has_no_palette_key_and_tighter_keys():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        entries = app.main.query_one(KeyFooter).entries
        assert not any(e.palette for e in entries)  # Ctrl+P still opens the palette
        line = screen_lines(app)[-1].replace("\xa0", " ")
        assert line.startswith("? Help F5/c Continue F10/n Over F11/s Into k Callbacks q Quit ")
