"""tui/dataclass_code.py: the code Python compiles for dataclasses' methods,
kept between runs, is the code it would compile, and a class made from it
behaves the same (each run in a fresh interpreter)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = r'''
import dataclasses, json, sys
from flowdbg.tui import dataclass_code
dataclass_code.install()
from dataclasses import dataclass, field, FrozenInstanceError

@dataclass(frozen=True)
class Rule:
    errors: tuple
    max_attempts: int = 3
    interval: float = 1.0

@dataclass(order=True)
class Rec:
    index: int
    state: str = ""
    seen: list = field(default_factory=list)

r = Rule(("A",), 2)
try:
    r.max_attempts = 5
    frozen = False
except FrozenInstanceError:
    frozen = True
a, b = Rec(1, "x"), Rec(2)
a.seen.append(1)
out = {"repr": [repr(r), repr(a)], "eq": [r == Rule(("A",), 2), r == Rule(("B",))], "hash": hash(r) == hash(Rule(("A",), 2)),
       "frozen": frozen, "order": a < b, "fresh_list": b.seen == [], "fields": [f.name for f in dataclasses.fields(Rec)],
       "new": dataclass_code._state.get("new"), "kept": len(dataclass_code._state.get("memo", {})),
       "patched": getattr(dataclasses, "exec", None) is not None}
dataclass_code.save()
print(json.dumps(out))
'''

EXPECTED = {"repr": ["Rule(errors=('A',), max_attempts=2, interval=1.0)", "Rec(index=1, state='x', seen=[1])"],
            "eq": [True, False], "hash": True, "frozen": True, "order": True, "fresh_list": True,
            "fields": ["index", "state", "seen"]}


def _probe(cache: str, **env) -> dict:
    e = {**os.environ, "FLOWDBG_CACHE_DIR": cache, **env}
    e.pop("FLOWDBG_NO_CACHE", None) if "FLOWDBG_NO_CACHE" not in env else None
    out = subprocess.run([sys.executable, "-c", PROBE], env=e, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _kept(cache) -> list:
    return [n for n in os.listdir(cache) if n.startswith("dataclass-code-")] if os.path.isdir(cache) else []


def test_the_second_run_compiles_nothing_and_its_classes_behave_the_same(tmp_path):
    cache = str(tmp_path)
    first = _probe(cache)
    assert first["new"] > 0 and first["patched"] and len(_kept(tmp_path)) == 1
    second = _probe(cache)
    assert second["new"] == 0 and second["kept"] == first["kept"]
    for run in (first, second):
        assert {k: run[k] for k in EXPECTED} == EXPECTED


def test_a_broken_file_is_compiled_again_and_the_cache_can_be_turned_off(tmp_path):
    cache = str(tmp_path)
    _probe(cache)
    (path,) = _kept(tmp_path)
    (tmp_path / path).write_bytes(b"\x00 not marshal")
    again = _probe(cache)
    assert again["new"] > 0 and {k: again[k] for k in EXPECTED} == EXPECTED
    off = _probe(str(tmp_path / "other"), FLOWDBG_NO_CACHE="1")
    assert not off["patched"] and not _kept(tmp_path / "other") and {k: off[k] for k in EXPECTED} == EXPECTED


def test_flowdbg_run_keeps_the_code_too(tmp_path):
    """`flowdbg run` ends with os._exit (no atexit): it still writes the kept code, once."""
    flow = tmp_path / "f.yaml"
    flow.write_text("Type: StateMachine\nName: f\nSpecVersion: v1\nStartAt: P\nStates:\n"
                    "  - Name: P\n    Type: Pass\n    End: true\n")
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "FLOWDBG_NO_CACHE"}
    env["FLOWDBG_CACHE_DIR"] = str(cache)
    argv = ["flowdbg", "run", str(flow), "--input", "{}"]
    code = f"import sys; sys.argv = {argv!r}; from flowdbg.tui.cli import entry; entry()"
    for _ in range(2):
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "Succeeded" in r.stdout
        (kept,) = _kept(cache)
        if _ == 0:
            first = os.stat(cache / kept).st_mtime_ns
    assert os.stat(cache / kept).st_mtime_ns == first  # the second run compiled nothing new
