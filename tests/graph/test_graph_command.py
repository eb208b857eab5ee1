"""`flowdbg graph` as a user runs it: formats, outputs, runs from files, and every bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers.graph import CLAIMS, ORDER, cloudflow, history_of, ran, session_for, svg_boxes, svg_root


@pytest.fixture
def order_files(tmp_path):
    """A session journal and a history of the order pipeline, as `flowdbg run` writes them."""
    s = session_for(ORDER, journal=str(tmp_path / "s.jsonl"))
    s.run_to_end()
    s.flush()
    (tmp_path / "h.json").write_text(json.dumps(history_of(s)))
    (tmp_path / "cloud.json").write_text(json.dumps(cloudflow(history_of(s))))
    return tmp_path


def test_formats_by_option_and_by_suffix(cli, tmp_path):
    code, out, err = cli("graph", ORDER)
    assert code == 0 and "ValidateOrder" in out and "╭" in out and not err  # text by default
    code, out, _ = cli("graph", ORDER, "--format", "mermaid")
    assert code == 0 and out.startswith("flowchart TD")
    code, out, _ = cli("graph", ORDER, "--format", "dot")
    assert code == 0 and out.startswith('digraph "order-pipeline"')
    for name, start in (("f.svg", "<svg"), ("f.mmd", "flowchart"), ("f.md", "```mermaid\nflowchart"), ("f.dot", "digraph"),
                        ("f.gv", "digraph"), ("f.txt", "order-pipeline")):
        code, out, _ = cli("graph", ORDER, "-o", str(tmp_path / name))
        assert code == 0 and out == ""
        assert (tmp_path / name).read_text().startswith(start), name
    code, _, err = cli("graph", ORDER, "--format", "svg", "--output", str(tmp_path / "x.dot"))
    assert code == 2 and "a .dot file holds dot, not svg" in err  # never SVG inside a .dot


def test_a_session_is_replayed_without_touching_it(cli, order_files):
    journal = order_files / "s.jsonl"
    before = journal.read_bytes()
    code, out, err = cli("graph", ORDER, "--session", str(journal), "--format", "svg")
    assert code == 0, err
    assert journal.read_bytes() == before
    boxes = svg_boxes(svg_root(out))
    assert "succeeded" in boxes["Done"].get("class") and "not-run" in boxes["RejectOrder"].get("class")
    assert f"session {journal} · Succeeded" in out


@pytest.mark.parametrize("name", ["h.json", "cloud.json"])
def test_a_history_from_flowdbg_or_cloudflow(cli, order_files, name):
    code, out, err = cli("graph", ORDER, "--history", str(order_files / name))
    assert code == 0 and not err
    assert "never reached: RejectOrder" in out and "Succeeded" in out.splitlines()[0]
    code, out, err = cli("graph", ORDER, "--history", str(order_files / name), "--format", "mermaid")
    assert "class s_RejectOrder unreached" in out


def test_coverage_from_flowdbg_test(cli, tmp_path):
    cov = {"flows": [{"flow": os.path.relpath(ORDER, tmp_path), "states": {"total": 11, "covered": 10,
                                                                          "missed": ["RejectOrder"]},
                      "choice_branches": {}, "catches": {}, "retries": {}},
                     {"flow": "other.yaml", "states": {"total": 1, "covered": 0, "missed": ["X"]}}]}
    (tmp_path / "cov.json").write_text(json.dumps(cov))
    code, out, err = cli("graph", ORDER, "--coverage-json", str(tmp_path / "cov.json"))
    assert code == 0, err
    assert "10/11 states entered" in out.splitlines()[0]
    assert "never reached: RejectOrder" in out
    code, _, err = cli("graph", CLAIMS, "--coverage-json", str(tmp_path / "cov.json"))
    assert code == 2 and "has no coverage for" in err and "other.yaml" in err


def test_bad_input_is_a_clear_error(cli, tmp_path, order_files):
    (tmp_path / "bad.json").write_text('{"Events": [\n  {"Type": 1,}\n]}')
    (tmp_path / "list.json").write_text('{"Events": 5}')
    (tmp_path / "other.json").write_text(json.dumps({"Events": [{"Type": "StepEntered", "StepName": "Nope"}]}))
    (tmp_path / "broken.yaml").write_text("Type: StateMachine\nSpecVersion: v1\nStates: 3\n")
    cases = [
        (("graph", "missing.yaml"), "missing.yaml: no such file"),
        (("graph", str(tmp_path)), "is a directory"),
        (("graph", str(tmp_path / "broken.yaml")), "broken.yaml:"),
        (("graph", ORDER, "--history", str(tmp_path / "bad.json")), "bad.json:2:14: not valid JSON"),
        (("graph", ORDER, "--history", str(tmp_path / "list.json")), "not a GetExecutionHistory response"),
        (("graph", ORDER, "--history", str(tmp_path / "other.json")), "no state of the flow appears"),
        (("graph", ORDER, "--history", str(tmp_path / "none.json")), f"--history {tmp_path / 'none.json'}: no such file"),
        (("graph", ORDER, "--coverage-json", str(tmp_path / "list.json")), "not a coverage file"),
        (("graph", ORDER, "--session", str(tmp_path / "list.json")), "list.json:1: the first line is not a session start"),
        (("graph", CLAIMS, "--session", str(order_files / "s.jsonl")),
         f"{order_files / 's.jsonl'} is a session of flow 'order-pipeline' ("),
        (("graph", ORDER, "--output", ORDER), "that is the flow"),
        (("graph", ORDER, "--output", str(tmp_path / "no" / "dir" / "x.svg")), "cannot write"),
        (("graph", ORDER, "--format", "png"), "invalid choice"),
        (("graph", ORDER, "--session", "a", "--history", "b"), "not allowed with"),
    ]
    for argv, message in cases:
        code, out, err = cli(*argv)
        assert code == 2, (argv, err)
        assert message in err, (argv, err)
        assert "Traceback" not in err and out == ""


def test_a_history_naming_states_the_flow_lacks_is_refused_as_a_session_is(cli, tmp_path, order_files):
    h = json.loads((order_files / "h.json").read_text())
    h["Events"].append({"EventId": 999, "Type": "StepEntered", "StepName": "Renamed", "EventDetail": "{}"})
    (tmp_path / "h2.json").write_text(json.dumps(h))
    code, out, err = cli("graph", ORDER, "--history", str(tmp_path / "h2.json"))
    assert (code, out) == (2, "")
    assert err == (f"flowdbg: error: --history {tmp_path / 'h2.json'} is not a run of {ORDER}: it names a state "
                   "'Renamed' that the flow does not have (the history of another flow, or of this one before it "
                   "changed)\n")
    code, out, err = cli("graph", CLAIMS, "--history", str(order_files / "h.json"))  # another flow's history
    assert code == 2 and "that the flow does not have (no state of the flow appears in it: it is the history of " \
                         "another flow)\n" in err


def test_headless_formats_never_import_textual():
    code = ("import sys, io, contextlib\n"
            "from flowdbg.tui.cli import main\n"
            "for fmt in ('text', 'mermaid', 'dot'):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            f"        assert main(['graph', {ORDER!r}, '--format', fmt]) == 0\n"
            "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_a_session_still_waiting_for_a_callback(cli, tmp_path):
    s = session_for("sample_flows/seed-custom-callback.yaml", journal=str(tmp_path / "w.jsonl"),
                    mocks=__import__("flowdbg.engine.mocks", fromlist=["MockFile"]).MockFile())
    s.run_to_end(jump_clock=False)
    s.flush()
    code, out, err = cli("graph", "sample_flows/seed-custom-callback.yaml", "--session", str(tmp_path / "w.jsonl"))
    assert code == 0, err
    assert "current" in out and "Running" in out.splitlines()[0]


def test_ran_fixture_is_finished():
    assert ran(ORDER).execution.status == "Succeeded"


@pytest.mark.parametrize("output, extra, message", [
    ("flow.png", (), "--output {o}: flowdbg graph writes SVG (.svg), Mermaid (.mmd, .mermaid, .md), DOT (.dot, .gv) or "
                     "text (.txt), not PNG; write .svg and convert it (e.g. rsvg-convert -o {o} {base}.svg)"),
    ("flow.pdf", ("--format", "svg"), "--output {o}: flowdbg graph writes SVG (.svg), Mermaid (.mmd, .mermaid, .md), "
                                      "DOT (.dot, .gv) or text (.txt), not PDF; write .svg and convert it (e.g. "
                                      "rsvg-convert -o {o} {base}.svg)"),
    ("flow.xyz", (), "--output {o}: .xyz is not a format flowdbg graph writes: it writes SVG (.svg), Mermaid (.mmd, "
                     ".mermaid, .md), DOT (.dot, .gv) or text (.txt); give one of these suffixes, or --format"),
    ("flow.svg", ("--format", "text"), "--output {o}: a .svg file holds svg, not text; give --format svg, or an output "
                                       "file with the suffix of the format"),
])
def test_an_output_suffix_that_is_no_format_is_refused(cli, tmp_path, output, extra, message):
    o = str(tmp_path / output)
    code, out, err = cli("graph", ORDER, "-o", o, *extra)
    assert (code, err) == (2, "flowdbg: error: " + message.format(o=o, base=os.path.splitext(o)[0]) + "\n")
    assert not os.path.exists(o)


def test_markdown_output_is_a_mermaid_block_and_other_outputs_are_their_format(cli, tmp_path):
    assert cli("graph", ORDER, "-o", str(tmp_path / "flow.md"))[0] == 0
    md = (tmp_path / "flow.md").read_text()
    assert md.startswith("```mermaid\nflowchart TD\n") and md.endswith("\n```\n")
    assert cli("graph", ORDER, "-o", str(tmp_path / "flow.mmd"))[0] == 0
    assert (tmp_path / "flow.mmd").read_text() == md[len("```mermaid\n"):-len("```\n")]  # the same, unfenced
    assert cli("graph", ORDER, "-o", str(tmp_path / "flow"))[0] == 0  # no suffix: text
    assert cli("graph", ORDER, "--format", "dot", "-o", str(tmp_path / "g.dotfile"))[0] == 0  # asked for: written
    assert (tmp_path / "g.dotfile").read_text().startswith("digraph")
