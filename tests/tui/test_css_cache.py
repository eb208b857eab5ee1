"""Parsed stylesheets kept between runs (tui/css_cache.py): a second start
parses none of the texts the first one parsed before its first frame, and
draws exactly the same screen; a cache it cannot use is only parsed again."""
from __future__ import annotations

import pickle

import pytest
import textual.css.stylesheet as textual_stylesheet
from helpers.tui import CHOICE_FLOW, MAP_FLOW, make_app, settle

from flowdbg.tui import css_cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FLOWDBG_NO_CACHE", raising=False)
    return tmp_path / "cache"


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


async def _start(flow, size=(160, 48)):
    app = make_app(flow)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # the first frame's save, then the panes and dialog rules read after it
        css_cache.save()  # what the process does at exit
        return app.export_screenshot(), app


@pytest.mark.parametrize("flow,size", [(CHOICE_FLOW, (160, 48)), (MAP_FLOW, (80, 24))])
async def test_a_second_start_parses_nothing_it_parsed_before_and_draws_the_same(cache_dir, parsed, flow, size):
    first, _ = await _start(flow, size)
    assert len(list(cache_dir.glob("textual-css-*.pickle"))) == 1
    from_first = set(parsed)
    assert any("app.tcss" in str(r) for r in from_first) and any("App.DEFAULT_CSS" in str(r) for r in from_first)
    parsed.clear()
    second, _ = await _start(flow, size)
    assert second == first
    # only the dialogs' rules, read after the first frame and parsed when next needed (maybe after the save)
    assert all(str(r[0]).endswith("dialogs.tcss") for r in parsed), parsed


async def test_an_unreadable_cache_is_parsed_again(cache_dir, parsed):
    first, _ = await _start(CHOICE_FLOW)
    [path] = cache_dir.glob("textual-css-*.pickle")
    for bad in (b"", b"not a pickle", pickle.dumps(["a list"]), pickle.dumps({("key", "x"): None})):
        path.write_bytes(bad)
        parsed.clear()
        again, _ = await _start(CHOICE_FLOW)
        assert again == first
        assert any("app.tcss" in str(r) for r in parsed)


async def test_entries_hold_only_for_the_theme_variables_they_were_parsed_with(cache_dir, parsed):
    await _start(CHOICE_FLOW)
    [path] = cache_dir.glob("textual-css-*.pickle")
    entries = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({(key, "other variables"): rules for (key, _), rules in entries.items()}))
    parsed.clear()
    await _start(CHOICE_FLOW)
    assert any("app.tcss" in str(r) for r in parsed)


async def test_no_cache_when_turned_off(cache_dir, parsed, monkeypatch):
    monkeypatch.setenv("FLOWDBG_NO_CACHE", "1")
    await _start(CHOICE_FLOW)
    assert not list(cache_dir.glob("textual-css-*.pickle"))
    css_cache._state.clear()
