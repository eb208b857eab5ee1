"""Issue 10, start-up: the work taken off the first screen still happens,
with the same result (bench/bench_tui.py startup measures the time)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tui import CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, ROOT, make_app, press, screen_lines, settle

from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.widgets.key_footer import KeyFooter
from flowdbg.tui.widgets.source_view import SourceView
from flowdbg.tui.widgets.step_view import StepView

REALFLOWS = Path("/work/shared/realflows")


def _flow_texts() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "sample_flows").glob("*.yaml")) + sorted((ROOT / "sample_flows" / "legacy").glob("*.yaml"))
    paths += sorted(REALFLOWS.glob("*.y*ml")) if REALFLOWS.is_dir() else []
    out = [(p.name, p.read_text(encoding="utf-8")) for p in paths if not p.name.endswith((".mocks.yaml", ".tests.yaml"))]
    # the edges of the line count: no final newline, blank lines at the end, CRLF, a tab, wide characters
    out += [("edge", "a: 1"), ("edge", "a: 1\n\n\n"), ("edge", "a: 1\r\nb: 2\r\n"), ("edge", "a:\t1\n"),
            ("edge", "名前: 状態\n"), ("edge", "")]
    return out


@pytest.mark.parametrize("name,text", _flow_texts())
def test_the_source_pane_sized_before_highlighting_is_the_size_after(name, text):
    view = SourceView(text)
    before = view.virtual_size, view._gutter
    lines = view.lines  # pygments runs here, when the pane is first drawn
    eager = SourceView._highlight(text)  # what the pane was sized from when it highlighted at once
    gutter = len(str(len(eager))) + 3  # the breakpoint column, the number, the marker, a space
    assert [t.plain for t in lines] == [t.plain for t in eager]
    assert (view.virtual_size.width, view.virtual_size.height, view._gutter) == \
        (max((t.cell_len for t in eager), default=0) + gutter + 1, len(eager), gutter)
    if "\t" not in text:  # a tab's width is known once highlighted; then the size is corrected as it is drawn
        assert (view.virtual_size, view._gutter) == before


def test_the_theme_is_set_before_the_stylesheet_is_built():
    """The variables the CSS is parsed with are the theme's from the start,
    so nothing is parsed twice (the theme switched in on_mount re-parsed it all)."""
    from flowdbg.engine.definition import load_definition
    app = FlowdbgApp(load_definition(str(ROOT / CHOICE_FLOW)))
    assert app.theme == FlowdbgApp.DEFAULT_THEME
    assert app.stylesheet._variables["primary"].lower() == app.get_theme(FlowdbgApp.DEFAULT_THEME).primary.lower()
    assert {"-dark-mode", f"-theme-{FlowdbgApp.DEFAULT_THEME}"} <= set(app.classes)


@pytest.mark.parametrize("size,classes,compact", [((160, 48), {"-wide", "-tall"}, False),
                                                   ((120, 40), {"-wide", "-tall"}, False),
                                                   ((80, 24), {"-medium", "-short", "-compact"}, True)])
async def test_the_size_classes_and_the_footer_keys_are_right_from_the_start(size, classes, compact):
    app = make_app(CHOICE_FLOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        main = app.main
        assert classes <= set(main.classes)
        other = {"-narrow", "-medium", "-wide", "-short", "-tall", "-compact"} - classes
        assert not other & set(main.classes)
        footer = main.query_one(KeyFooter)
        assert footer.compact is compact
        assert footer.has_class("-compact") is compact
        drawn = screen_lines(app)[-1].replace("\xa0", " ")
        assert drawn.startswith("? Help F5/c Continue" if compact else " ? Help  F5/c Continue ")
        # and a resize still moves them
        await pilot.resize_terminal(160, 48) if compact else await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert main.has_class("-compact") is (not compact)
        assert footer.has_class("-compact") is (not compact)
        drawn = screen_lines(app)[-1].replace("\xa0", " ")
        assert drawn.startswith(" ? Help  F5/c Continue " if compact else "? Help F5/c Continue")


def _page_fits_its_view(step) -> None:
    """The Step pane's page is as wide as its view, less the vertical
    scrollbar exactly when the page is taller than the view; no
    horizontal scrollbar (a page a column too wide or too narrow was what
    the scrollbars of the page before, or none yet, left)."""
    view = step.content_region
    tall = len(step._strips) > view.height
    assert step.show_vertical_scrollbar is tall
    assert not step.show_horizontal_scrollbar
    assert step.virtual_size.width == step.scrollable_content_region.width == view.width - (1 if tall else 0)
    assert all(s.cell_length == step.virtual_size.width for s in step._strips)


@pytest.mark.parametrize("size", [(160, 48), (120, 40), (80, 24)])
@pytest.mark.parametrize("flow,keys", [(CHOICE_FLOW, ()), (MAP_FLOW, ("s",) * 6), (FAIL_FLOW, ("c",))])
async def test_the_step_page_is_as_wide_as_its_view(size, flow, keys):
    app = make_app(flow)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        _page_fits_its_view(app.main.query_one(StepView))
        for k in keys:
            await press(pilot, k)
            _page_fits_its_view(app.main.query_one(StepView))
        # and after a resize
        await pilot.resize_terminal(size[0] - 7, size[1] - 3)
        await settle(pilot)
        _page_fits_its_view(app.main.query_one(StepView))


async def test_the_gc_paused_for_start_up_runs_again_after_the_first_frame():
    """The console script pauses the cyclic GC while the debugger starts
    (tui/startup_gc.py); the app turns it on again once it has drawn, with
    start-up's objects frozen, so a long session is collected as usual."""
    import gc

    from flowdbg.tui import startup_gc
    app = make_app(CHOICE_FLOW)
    gc.enable()  # (an in-process `flowdbg run` earlier in the session turns it off for good)
    startup_gc.pause()
    try:
        assert not gc.isenabled()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
            startup_gc.resume()  # a second call changes nothing
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_console_script_leaves_the_gc_on_for_headless_commands(tmp_path, monkeypatch, capsys):
    import gc

    from flowdbg.tui import cli
    flow = tmp_path / "f.yaml"
    flow.write_text("Type: StateMachine\nSpecVersion: v1\nName: f\nStartAt: A\nStates:\n"
                    "  - Name: A\n    Type: Pass\n    End: true\n")
    seen = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()) or 0)
    for argv in (["flowdbg", "graph", str(flow)], ["flowdbg", str(flow), "--web"]):
        monkeypatch.setattr("sys.argv", argv)
        with pytest.raises(SystemExit):
            cli.entry()
    monkeypatch.setattr("sys.argv", ["flowdbg", str(flow)])
    with pytest.raises(SystemExit):
        cli.entry()
    assert seen == [True, True, False]  # only the debugger's start-up runs without it
    assert gc.isenabled()  # and it is on again when the command ends, drawn or not
