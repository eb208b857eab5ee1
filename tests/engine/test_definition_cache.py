"""The definition cache (engine/defcache.py): a flow loaded again comes out
of the cache as the same definition, and anything that changes it, or a
broken entry, makes it be built again."""
from __future__ import annotations

import json
import os
import pickle

from flowdbg.engine import defcache
from flowdbg.engine.definition import load_definition
from flowdbg.engine.session import Session

from helpers import SAMPLE_FLOWS, read_json
from helpers.engine import pass_chain

ORDER = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")


def _entries() -> list[str]:
    d = defcache.cache_dir()
    return sorted(os.listdir(d)) if d and os.path.isdir(d) else []


def _run(defn) -> dict:
    from flowdbg.engine.mocks import load_mocks
    from flowdbg.engine.runner import summarize
    s = Session(defn, read_json(ORDER.replace(".yaml", ".input.json")),
                mocks=load_mocks(ORDER.replace(".yaml", ".mocks.yaml")), start_time="2026-01-01T00:00:00Z")
    s.run_to_end()
    return summarize(s.execution)


def test_a_cached_definition_runs_exactly_as_a_built_one(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path))
    built = load_definition(ORDER)
    assert len(_entries()) == 1
    cached = load_definition(ORDER)
    assert cached.flow is not built.flow, "the second load came out of the cache"
    assert cached.text == built.text and cached.path == ORDER and cached.flow.path == ORDER
    assert cached.diagnostics == built.diagnostics
    assert dict(cached.flow.digests) == dict(built.flow.digests)
    assert json.dumps(_run(cached)) == json.dumps(_run(built))


def test_an_edited_flow_or_the_express_option_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    flow = tmp_path / "f.yaml"
    flow.write_text("Type: StateMachine\nName: f\nSpecVersion: v1\nStartAt: Done\nStates:\n"
                    "  - Name: Done\n    Type: Pass\n    End: true\n")
    load_definition(str(flow))
    load_definition(str(flow), express=True)
    assert len(_entries()) == 2
    flow.write_text(flow.read_text().replace("Done", "Finished"))
    d = load_definition(str(flow))
    assert d.flow.find("Finished") and not d.flow.find("Done")
    assert len(_entries()) == 3


def test_a_broken_entry_is_ignored_and_a_flow_with_errors_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    load_definition(ORDER)
    (entry,) = _entries()
    with open(os.path.join(defcache.cache_dir(), entry), "wb") as f:
        f.write(pickle.dumps("not a definition")[:5])
    assert load_definition(ORDER).flow is not None
    bad = tmp_path / "bad.yaml"
    bad.write_text("Type: StateMachine\nName: b\nSpecVersion: v1\nStartAt: Nope\nStates: []\n")
    assert load_definition(str(bad)).flow is None
    assert len(_entries()) == 1


def test_no_cache_when_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FLOWDBG_NO_CACHE", "1")
    load_definition(ORDER)
    assert not (tmp_path / "cache").exists()


def test_the_cache_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    load_definition(ORDER)
    assert os.stat(defcache.cache_dir()).st_mode & 0o077 == 0


# -- mock files (engine/mocks/parse.load_mocks) ----------------------------------------

def test_a_mock_file_read_again_comes_out_of_the_cache_and_runs_the_same(tmp_path, monkeypatch):
    import sys
    from flowdbg.engine.mocks import load_mocks
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    path = ORDER.replace(".yaml", ".mocks.yaml")
    built = load_mocks(path)
    assert len(_entries()) == 1
    for name in [m for m in sys.modules if m == "yaml" or m.startswith("yaml.") or m == "flowdbg.engine.load"]:
        monkeypatch.delitem(sys.modules, name)  # a cached read needs no YAML at all
    monkeypatch.setitem(sys.modules, "yaml", None)
    cached = load_mocks(path)
    assert cached == built and cached is not built and cached.path == path
    assert cached.warnings == built.warnings


def test_an_edited_or_renamed_mock_file_is_read_again_and_a_broken_one_is_not_cached(tmp_path, monkeypatch):
    import pytest
    from flowdbg.engine.mocks import MockFileError, load_mocks
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    m = tmp_path / "f.mocks.yaml"
    m.write_text("functions:\n  fn:\n    body: {a: 1}\n")
    first = load_mocks(str(m))
    m.write_text("functions:\n  fn:\n    body: {a: 2}\n")
    second = load_mocks(str(m))
    assert first != second and len(_entries()) == 2
    other = tmp_path / "g.mocks.yaml"
    other.write_bytes(m.read_bytes())
    assert load_mocks(str(other)).path == str(other)  # the path is part of the entry: its messages name it
    m.write_text("functions:\n  fn:\n    bdy: {a: 2}\n")
    with pytest.raises(MockFileError) as e:
        load_mocks(str(m))
    assert "bdy" in str(e.value) and len(_entries()) == 3
    with pytest.raises(MockFileError):
        load_mocks(str(m))  # and again: an error is never served from the cache


def _chain(n: int) -> str:
    return pass_chain(n, "      n.$: $Input.n\n      step: {i}")


_BIG_LOAD = r'''
import json, sys, threading
from flowdbg.engine.definition import load_definition
d = load_definition(sys.argv[1])
print(json.dumps({"threads": threading.active_count(), "states": len(list(d.flow.all_states()))}))
'''


def test_a_big_flow_is_written_by_a_background_process_and_comes_back_the_same(tmp_path):
    """A flow over BACKGROUND_BYTES: the loading process returns before its entry is
    written (by a detached grandchild, its stdio closed); the entry then loads as the
    same definition, digests included."""
    import subprocess
    import sys
    import time
    flow = tmp_path / "big.yaml"
    flow.write_text(_chain(600))
    assert flow.stat().st_size >= defcache.BACKGROUND_BYTES
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "FLOWDBG_NO_CACHE"}
    env["FLOWDBG_CACHE_DIR"] = str(cache)
    r = subprocess.run([sys.executable, "-c", _BIG_LOAD, str(flow)], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert json.loads(r.stdout) == {"threads": 1, "states": 600}
    folder = cache / "definitions"
    deadline = time.monotonic() + 30
    while not (folder.is_dir() and any(n.endswith(".pickle") for n in os.listdir(folder))):
        assert time.monotonic() < deadline, "the background writer wrote nothing"
        time.sleep(0.05)
    time.sleep(0.2)  # written under a temporary name, then renamed: the .pickle is whole
    assert [n for n in os.listdir(folder) if n.endswith(".tmp")] == []
    os.environ["FLOWDBG_CACHE_DIR"] = str(cache)
    try:
        os.environ.pop("FLOWDBG_NO_CACHE", None)
        k = defcache.key(flow.read_bytes(), False)
        diagnostics, cached = defcache.get(k)
    finally:
        del os.environ["FLOWDBG_CACHE_DIR"]
    built = load_definition(str(flow))  # no cache now: built from the YAML
    assert tuple(diagnostics) == tuple(built.diagnostics)
    assert dict(cached.digests) == dict(built.flow.digests) and len(cached.digests) == 601  # and @StartAt
    assert cached.scope.start_at == "S0" and list(cached.scope.states) == list(built.flow.scope.states)


def test_with_other_threads_running_the_entry_is_written_in_process(tmp_path, monkeypatch):
    import threading
    monkeypatch.setenv("FLOWDBG_CACHE_DIR", str(tmp_path / "cache"))
    flow = tmp_path / "big.yaml"
    flow.write_text(_chain(600))
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        load_definition(str(flow))
        assert len(_entries()) == 1  # at once: no fork beside another thread
    finally:
        stop.set()
        t.join()
