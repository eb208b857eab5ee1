"""SVG snapshots of the main screen (pytest-textual-snapshot) at 160x48,
120x40 and 80x24: at the start, inside a Map, waiting on a callback and
after a failure.

Update after an intended change with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update``
and look at the report it writes before committing the new SVGs.
"""
from __future__ import annotations

import pytest

from helpers.tui import CALLBACK_FLOW, CHOICE_FLOW, FAIL_FLOW, MAP_FLOW, callback_mocks, make_app, press, settle

SIZES = {"160x48": (160, 48), "120x40": (120, 40), "80x24": (80, 24)}


def _steps(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, *keys)
    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_start(snap_compare, size):
    assert snap_compare(make_app(CHOICE_FLOW), terminal_size=SIZES[size], run_before=_steps())


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_inside_a_map(snap_compare, size):
    assert snap_compare(make_app(MAP_FLOW), terminal_size=SIZES[size], run_before=_steps("s", "s", "s", "s", "s", "s"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_waiting_for_a_callback(snap_compare, tmp_path, size):
    app = make_app(CALLBACK_FLOW, mocks=callback_mocks(tmp_path))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_steps("c"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_failed_execution(snap_compare, size):
    assert snap_compare(make_app(FAIL_FLOW), terminal_size=SIZES[size], run_before=_steps("c"))
