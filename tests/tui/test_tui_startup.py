"""Issue 10, start-up: the work taken off the first screen still happens,
with the same result (bench/bench_tui.py startup measures the time)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tui import CHOICE_FLOW, ROOT, make_app, settle
from textual.widgets._footer import FooterKey

from flowdbg.tui.app import FlowdbgApp
from flowdbg.tui.widgets.key_footer import KeyFooter
from flowdbg.tui.widgets.source_view import SourceView

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
        keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
        assert keys and all(k.compact is compact and k.has_class("-compact") is compact for k in keys)
        # and a resize still moves them
        await pilot.resize_terminal(160, 48) if compact else await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert main.has_class("-compact") is (not compact)
        assert all(k.has_class("-compact") is (not compact) for k in footer.query(FooterKey)
                   if not k.has_class("-command-palette"))
