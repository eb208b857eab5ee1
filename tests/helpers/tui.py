"""Helpers for the TUI tests (tests/tui/). Paths are relative to the
repository root, where tests/tui/conftest.py puts every TUI test."""
from __future__ import annotations

import json
import os
from pathlib import Path

from flowdbg.engine.definition import load_definition, parse_definition
from flowdbg.engine.mocks import MockFile, load_mocks
from flowdbg.engine.session import Session
from flowdbg.tui.app import FlowdbgApp

ROOT = Path(__file__).resolve().parent.parent.parent
FIX = Path("tests/fixtures/tui")
SIZE = (160, 48)
START = "2026-01-01T00:00:00Z"

MAP_FLOW = FIX / "map-orders.yaml"
FAIL_FLOW = FIX / "failing-payment.yaml"
PARALLEL_FLOW = FIX / "parallel-wait.yaml"
CHOICE_FLOW = Path("sample_flows/seed-result-choice.yaml")
CALLBACK_FLOW = Path("sample_flows/seed-custom-callback.yaml")
BROKEN_FLOW = Path("tests/fixtures/seed/seed2-sync-async.as-published.yaml")


def sibling(flow: Path, suffix: str) -> Path:
    return flow.with_name(flow.name[: -len(".yaml")] + suffix)


def make_session(flow: Path, mocks: Path | None | str = "auto", input=None, journal: Path | None = None) -> Session:
    d = load_definition(str(flow))
    if mocks == "auto":
        mocks = sibling(flow, ".mocks.yaml")
        mocks = mocks if mocks.exists() else None
    m = load_mocks(str(mocks)) if mocks else MockFile()
    if input is None:
        p = sibling(flow, ".input.json")
        input = json.loads(p.read_text()) if p.exists() else {}
    return Session(d, input, mocks=m, seed=0, start_time=START, journal_path=str(journal) if journal else None)


def make_app(flow: Path, mocks: Path | None | str = "auto", input=None, journal=None, **kw) -> FlowdbgApp:
    s = make_session(flow, mocks, input, journal)
    return FlowdbgApp(s.definition, session=s, inputs_store=None, **kw)


def callback_mocks(tmp_path: Path) -> Path:
    """seed-custom-callback's functions, but no scripted callback."""
    p = tmp_path / "callback.mocks.yaml"
    p.write_text("functions:\n  myFunction1:\n    - body: \"received myEvent\"\n    - body: \"\"\n")
    return p


async def settle(pilot) -> None:
    """Wait for the engine worker and the UI updates it triggers."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for k in keys:
        await pilot.press(k)
        await settle(pilot)


def plain(widget_or_renderable) -> str:
    """The text a Static (or a Rich renderable) shows."""
    from rich.console import Console
    r = getattr(widget_or_renderable, "content", widget_or_renderable)
    console = Console(width=200, record=True, file=open(os.devnull, "w"))
    console.print(r)
    return console.export_text()


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def screen_lines(app) -> list[str]:
    """The text of the screen on top, line by line (as a terminal shows it)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def on_screen(widget) -> bool:
    """The widget is displayed and lies wholly inside the terminal."""
    r = widget.region
    return widget.display and r.width > 0 and r.height > 0 and r.right <= widget.app.size.width \
        and r.bottom <= widget.app.size.height


async def show(pilot, pane: str) -> None:
    """Show a pane as its key does (the main screen refreshes a pane behind a
    tab only once it is shown): step, record, values, source, scopes,
    watches, breakpoints, history."""
    pilot.app.main.action_pane(pane)
    await settle(pilot)


def footer_keys(app) -> dict:
    """The footer's keys as drawn (KeyFooter.entries) by action name."""
    from flowdbg.tui.widgets.key_footer import KeyFooter
    footer = app.screen.query_one(KeyFooter)
    return {e.action.rsplit(".", 1)[-1]: e for e in footer.entries}


def footer_key_shown(app, entry) -> bool:
    """The key is drawn whole on the footer: not cut at the right edge nor
    under the command palette's key, and its label is in the last line."""
    from flowdbg.tui.widgets.key_footer import KeyFooter
    footer = app.screen.query_one(KeyFooter)
    entries = footer.entries
    right = next((e.x for e in entries if e.palette), footer.size.width) if not entry.palette else footer.size.width
    line = screen_lines(app)[footer.region.y].replace("\xa0", " ")
    label = "".join(footer._label(entry))
    return on_screen(footer) and entry.x + entry.width <= right and line[entry.x:entry.x + entry.width] == label
