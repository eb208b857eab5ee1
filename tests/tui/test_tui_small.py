"""A small terminal (80x24): the layout switches to two panes, keys 1-5
choose them, the footer keeps ? Help, and dialogs fit and scroll."""
from __future__ import annotations

from helpers.tui import (CALLBACK_FLOW, CHOICE_FLOW, MAP_FLOW, SIZE, callback_mocks,  # noqa: F401
                              footer_key_shown, footer_keys, make_app, on_screen, press, screen_lines, settle)

from flowdbg.tui.screens.breakpoint_screen import BreakpointScreen
from flowdbg.tui.screens.callbacks_screen import CallbacksScreen
from flowdbg.tui.screens.main_screen import MainScreen
from flowdbg.tui.widgets.status_bar import StatusBar

SMALL = (80, 24)


def shown(app, selector: str) -> bool:
    w = app.main.query_one(selector)
    return all(n.display for n in w.ancestors_with_self if n is not app.main and n is not app) and on_screen(w)


async def test_80x24_keeps_the_key_controls_on_screen():
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.main.has_class("-compact")
        keys = footer_keys(app)
        # issue 10.6: k and q stay in the footer at 80 columns, with help and the stepping keys
        for action in ("help", "continue", "step_over", "step_into", "callbacks", "quit"):
            assert action in keys and footer_key_shown(app, keys[action]), action
        assert list(keys)[0] == "help"  # first, whatever is focused
        assert shown(app, "#graph") and shown(app, "#step") and shown(app, "#status")
        assert shown(app, "#state-header")
        assert not shown(app, "#source") and not shown(app, "#history")
        text = "\n".join(screen_lines(app))
        assert "#0" in text and "⏱ 0 s" in text and "Not started" in text
        assert "Will do" in text  # what the first state will do, before it runs
        assert "? Help" in screen_lines(app)[-1].replace("\xa0", " ")
        await press(pilot, "n", "n")  # stepping works and the status keeps the step number
        assert app.main.session.execution.steps == 2
        assert "#2" in str(app.main.query_one(StatusBar).render())
        graph = app.main.query_one("#graph")
        b = graph.box(graph.cursor)
        assert graph.scroll_y <= b.y and b.y + 2 <= graph.scroll_y + graph.scrollable_content_region.height


async def test_80x24_keys_1_to_7_switch_the_panes():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "7")
        assert shown(app, "#history") and not shown(app, "#step") and shown(app, "#graph")
        assert app.focused is app.main.query_one("#history-table")
        await press(pilot, "2")
        assert shown(app, "#source") and shown(app, "#graph") and not shown(app, "#history")
        assert app.focused is app.main.query_one("#source")
        await press(pilot, "4")
        assert shown(app, "#scopes") and not shown(app, "#source")
        await press(pilot, "5")
        assert shown(app, "#watches") and app.focused is app.main.query_one("#watches")
        await press(pilot, "6")
        assert shown(app, "#breakpoints") and app.focused is app.main.query_one("#breakpoints")
        await press(pilot, "3")
        assert shown(app, "#step") and app.focused is app.main.query_one("#step")
        await press(pilot, "v")  # Step -> Record -> Values -> Step
        assert shown(app, "#record") and not shown(app, "#step")
        await press(pilot, "v")
        assert shown(app, "#values") and app.focused is app.main.query_one("#values")
        await press(pilot, "v")
        assert shown(app, "#step")
        await press(pilot, "1")
        assert shown(app, "#graph") and app.focused is app.main.query_one("#graph")
        await press(pilot, "slash")  # / shows the history and puts the cursor in its filter
        assert shown(app, "#history") and app.focused is app.main.query_one("#history-filter")
        steps = app.main.session.execution.steps
        await pilot.press(*"rsncub")  # typed, not commands
        await settle(pilot)
        assert app.main.query_one("#history-filter").value == "rsncub"
        assert app.main.session.execution.steps == steps and isinstance(app.screen, MainScreen)


async def test_resizing_switches_layouts_and_keeps_the_focus_visible():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.main.has_class("-compact")
        for sel in ("#graph", "#state-header", "#step", "#scopes"):
            assert shown(app, sel), sel
        await press(pilot, "7")
        assert shown(app, "#history") and shown(app, "#step")  # the lists sit under the data
        app.main.query_one("#history-table").focus()
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert app.main.has_class("-compact")
        node = app.focused
        assert node is not None and shown(app, f"#{node.id}")
        graph = app.main.query_one("#graph")
        b = graph.box(graph.cursor)
        view = graph.scrollable_content_region
        assert graph.scroll_x <= b.x + 4 < graph.scroll_x + view.width  # its title is still in view
        assert graph.scroll_y <= b.y < graph.scroll_y + view.height
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        for sel in ("#graph", "#step", "#history"):
            assert shown(app, sel), sel


async def test_80x24_breakpoint_editor_fits_and_scrolls():
    app = make_app(MAP_FLOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.main.query_one("#graph").select("ForEachOrder/Ship")
        await press(pilot, "B")
        dlg = app.screen
        assert isinstance(dlg, BreakpointScreen)
        box = dlg.query_one("#bp-box")
        assert box.region.right <= 80 and box.region.bottom <= 24
        for sel in ("#bp-state", "#bp-event", "#bp-condition", "#bp-hits", "#bp-scope", "#bp-enabled", "#bp-save"):
            dlg.query_one(sel).focus()
            await settle(pilot)
            assert on_screen(dlg.query_one(sel)) and box.region.contains_region(dlg.query_one(sel).region), sel
        dlg.query_one("#bp-condition").value = '$Input.id == "C"'
        await press(pilot, "ctrl+s")
        assert [b.state for b in app.main.session.breakpoints] == ["Ship"]


async def test_80x24_callbacks_dialog_fits_and_scrolls(tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "c", "k")
        dlg = app.screen
        assert isinstance(dlg, CallbacksScreen)
        box = dlg.query_one("#cb-box")
        assert box.region.right <= 80 and box.region.bottom <= 24
        assert dlg.focused is dlg.query_one("#cb-output")
        for sel in ("#cb-table", "#cb-token", "#cb-output", "#cb-send-ok", "#cb-error", "#cb-cause",
                    "#cb-send-fail", "#cb-close"):
            dlg.query_one(sel).focus()
            await settle(pilot)
            assert on_screen(dlg.query_one(sel)) and box.region.contains_region(dlg.query_one(sel).region), sel
        dlg.query_one("#cb-output").text = '{"ok": 1}'
        await settle(pilot)
        await press(pilot, "ctrl+s", "escape", "c")
        assert app.main.session.execution.output == {"ok": 1}
