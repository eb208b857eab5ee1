"""Parsed stylesheets kept between runs (tui/css_cache.py): a second start
parses none of the texts the first one parsed before its first frame, and
draws exactly the same screen; a cache it cannot use is only parsed again."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import textual.css.stylesheet as textual_stylesheet
from helpers.tui import CHOICE_FLOW, MAP_FLOW, make_app, settle

from flowdbg.tui import css_cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FLOWDBG_NO_CACHE", raising=False)
    return tmp_path / "cache"


def _entry() -> Path:
    """Where the parsed stylesheets are kept: an entry of the definition cache."""
    from flowdbg.engine import defcache
    return Path(defcache.cache_dir(), css_cache.key() + ".pickle")


@pytest.fixture
def parsed(monkeypatch):
    """Where each text the stylesheet parses was read from, in order."""
    seen: list = []
    real = textual_stylesheet.parse

    def counting(scope, css, read_from, *a, **k):
        seen.append(read_from)
        return real(scope, css, read_from, *a, **k)
    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return seen


@pytest.fixture(autouse=True)
def first_frame(monkeypatch, parsed):
    """Mark in ``parsed`` where the first frame was drawn (the cache is saved there)."""
    from flowdbg.tui.app import FlowdbgApp
    real = FlowdbgApp._first_frame_drawn

    def marked(self):
        parsed.append("first frame")
        real(self)
    monkeypatch.setattr(FlowdbgApp, "_first_frame_drawn", marked)


def _before_first_frame(parsed) -> list:
    return parsed[:parsed.index("first frame")]


async def _start(flow, size=(160, 48)):
    app = make_app(flow)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # the first frame's save, then the panes and dialog rules read after it
        return app.export_screenshot(), app


@pytest.mark.parametrize("flow,size", [(CHOICE_FLOW, (160, 48)), (MAP_FLOW, (80, 24))])
async def test_a_second_start_parses_nothing_it_parsed_before_and_draws_the_same(cache_dir, parsed, flow, size):
    first, _ = await _start(flow, size)
    assert _entry().exists()
    from_first = _before_first_frame(parsed)
    assert any("app.tcss" in str(r) for r in from_first) and any("App.DEFAULT_CSS" in str(r) for r in from_first)
    later = set(parsed[len(from_first) + 1:])  # the panes behind a tab, the dialogs' rules: not kept
    parsed.clear()
    second, _ = await _start(flow, size)
    assert second == first
    assert _before_first_frame(parsed) == []
    assert set(parsed[1:]) == later


async def test_an_unreadable_cache_is_parsed_again(cache_dir, parsed):
    first, _ = await _start(CHOICE_FLOW)
    path = _entry()
    for bad in (b"", b"not a pickle", pickle.dumps(["a list"]), pickle.dumps({("key", "x"): None})):
        path.write_bytes(bad)
        parsed.clear()
        again, _ = await _start(CHOICE_FLOW)
        assert again == first
        assert any("app.tcss" in str(r) for r in _before_first_frame(parsed))


async def test_entries_hold_only_for_the_theme_variables_they_were_parsed_with(cache_dir, parsed):
    await _start(CHOICE_FLOW)
    path = _entry()
    entries = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({(key, "other variables"): rules for (key, _), rules in entries.items()}))
    parsed.clear()
    await _start(CHOICE_FLOW)
    assert any("app.tcss" in str(r) for r in _before_first_frame(parsed))


async def test_no_cache_when_turned_off(cache_dir, parsed, monkeypatch):
    monkeypatch.setenv("FLOWDBG_NO_CACHE", "1")
    await _start(CHOICE_FLOW)
    assert not list(cache_dir.rglob("*.pickle"))
    css_cache._state.clear()


async def test_an_edited_stylesheet_replaces_its_entry_instead_of_adding_one(cache_dir, parsed, monkeypatch):
    """app.tcss edited (or flowdbg upgraded): its old entry is dropped when
    the new text is parsed, so the file holds one entry per source."""
    from flowdbg.tui.app import FlowdbgApp
    await _start(CHOICE_FLOW)
    path = _entry()
    before = pickle.loads(path.read_bytes())
    real = FlowdbgApp.CSS_PATH
    edited = cache_dir / "app.tcss"
    text = (Path(css_cache.__file__).parent / real).read_text()
    for i in range(3):
        edited.write_text(text + f"\n/* edit {i} */\n")
        monkeypatch.setattr(FlowdbgApp, "CSS_PATH", str(edited))
        await _start(CHOICE_FLOW)
    after = pickle.loads(path.read_bytes())
    assert sum(1 for (key, _) in after if str(key[1][0]).endswith(str(edited))) == 1
    assert len(after) == len(before) + 1  # the edited copy's one entry beside the original's


async def test_an_app_closed_before_its_first_frame_save_keeps_its_parses_at_exit(cache_dir, parsed, monkeypatch):
    """`q` pressed as the first frame shows (the start-up benchmark does so)
    closed the app before the save two refreshes later: the next start
    parsed everything again. The process's exit saves it then."""
    from flowdbg.tui.app import FlowdbgApp
    monkeypatch.setattr(FlowdbgApp, "_first_frame_drawn", lambda self: None)
    await _start(CHOICE_FLOW)
    assert not _entry().exists()
    css_cache._save_once()  # what atexit runs
    assert _entry().exists()
    assert any("app.tcss" in str(key[1][0]) for key, _ in pickle.loads(_entry().read_bytes()))
