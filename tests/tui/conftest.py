"""TUI tests run from the repository root, so screens (and snapshots) show
the same relative paths wherever pytest was started."""
from __future__ import annotations

import pytest

from helpers.tui import ROOT


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
