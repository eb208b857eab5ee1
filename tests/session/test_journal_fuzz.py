"""Issue 11.2: a corrupt journal is refused with one clear line (SessionError
naming the file and line), never a crash. Hypothesis corrupts a real
journal every way a disk, an editor or a kill can: cut anywhere, bytes
flipped, lines dropped, repeated or swapped, lines replaced by other JSON
(arrays, wrong types, missing fields) or by bytes that are not UTF-8."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine.mocks import load_mocks
from flowdbg.engine.session import Session, SessionError
from flowdbg.engine.session.journal import read_journal
from helpers.session import CALLBACK_FLOW, CALLBACK_MOCKS, defn_file, make_session

_JOURNAL: dict = {}


def _journal(tmp_path_factory) -> bytes:
    if "bytes" not in _JOURNAL:
        path = tmp_path_factory.mktemp("j") / "s.jsonl"
        s = make_session(defn_file(CALLBACK_FLOW), {}, load_mocks(CALLBACK_MOCKS), str(path))
        s.add_breakpoint("Finish") if s.definition.flow.find("Finish") else None
        s.add_watch("$Input")
        s.cont()
        token = s.execution.pending_tasks()[0].token
        s.report(token, succeeded=True, output={"approved": True})
        s.step_into()
        s.step_back()
        s.cont()
        s.close()
        _JOURNAL["bytes"] = path.read_bytes()
    return _JOURNAL["bytes"]


json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False)
                           | st.text(max_size=8),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
                               ["k", "step", "key", "token", "answers", "stops", "keep", "items", "response",
                                "answer", "succeeded", "output", "error", "frame", "v", "input", "seed"]), c,
                               max_size=4), max_leaves=8)


@st.composite
def corruptions(draw, lines: list[bytes]):
    lines = list(lines)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "flip", "drop", "dup", "swap", "json", "bytes", "kind", "inner"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "cut":
            text = b"\n".join(lines)
            return text[: draw(st.integers(0, len(text)))]
        if kind == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + bytes([draw(st.integers(0, 255))]) + lines[i][j + 1:]
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "json":
            lines[i] = json.dumps(draw(json_values)).encode()
        elif kind == "bytes":
            lines[i] = draw(st.binary(max_size=12))
        elif kind == "inner":  # a field inside an answer, a callback or a breakpoint
            try:
                entry = json.loads(lines[i])
                inner = next((v for v in entry.values() if isinstance(v, dict)), None)
                if inner is None and isinstance(entry.get("items"), list) and entry["items"]:
                    inner = entry["items"][0] if isinstance(entry["items"][0], dict) else None
                if inner is not None:
                    inner[draw(st.sampled_from(sorted(inner) + ["payload", "error", "succeed", "fail", "state"]))] = \
                        draw(json_values)
                    lines[i] = json.dumps(entry).encode()
            except (ValueError, TypeError, AttributeError):
                pass
        elif kind == "kind":
            try:
                entry = json.loads(lines[i])
                entry[draw(st.sampled_from(["k", "step", "token", "items", "response", "answers"]))] = draw(json_values)
                lines[i] = json.dumps(entry).encode()
            except (ValueError, TypeError):
                pass
    return b"\n".join(lines) + b"\n"


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                       HealthCheck.too_slow])
@given(data=st.data())
def test_a_corrupt_journal_resumes_or_is_refused_with_its_line(tmp_path_factory, data):
    original = _journal(tmp_path_factory)
    corrupt = data.draw(corruptions(original.rstrip(b"\n").split(b"\n")))
    path = tmp_path_factory.mktemp("c") / "s.jsonl"
    path.write_bytes(corrupt)
    try:
        s = Session.resume(str(path), defn_file(CALLBACK_FLOW), mocks=load_mocks(CALLBACK_MOCKS))
    except SessionError as e:
        msg = str(e)
        assert str(path) in msg and "\n" not in msg and "Traceback" not in msg
        return
    s.cont()  # a journal that was accepted is usable
    s.close()


def test_journal_fuzz_reads_the_journal_it_corrupts(tmp_path_factory):
    original = _journal(tmp_path_factory)
    path = tmp_path_factory.mktemp("ok") / "s.jsonl"
    path.write_bytes(original)
    c = read_journal(str(path))
    assert c.answers and c.inputs and c.watches == ["$Input"]
