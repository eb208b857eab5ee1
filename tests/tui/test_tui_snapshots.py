"""SVG snapshots of the main screen (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update``
and look at the report it writes before committing the new SVGs.
"""
from __future__ import annotations

from helpers.tui import (CALLBACK_FLOW, CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, SIZE,  # noqa: F401
                              callback_mocks, make_app, press, settle)


def _steps(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, *keys)
    return run_before


def test_snapshot_start(snap_compare):
    assert snap_compare(make_app(CHOICE_FLOW), terminal_size=SIZE, run_before=_steps())


def test_snapshot_inside_a_map(snap_compare):
    assert snap_compare(make_app(MAP_FLOW), terminal_size=SIZE, run_before=_steps("s", "s", "s", "s", "s", "s"))


def test_snapshot_waiting_for_a_callback(snap_compare, tmp_path):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps("c"))


def test_snapshot_failed_execution(snap_compare):
    assert snap_compare(make_app(FAIL_FLOW), terminal_size=SIZE, run_before=_steps("c"))
