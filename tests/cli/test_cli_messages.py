"""The same slip gets the same words from every command: a file that cannot
be read, a flowdbg file of one kind given for another, a mistyped command,
an error that stops a run (said once, whole)."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from helpers import SAMPLE_FLOWS, dedent
from helpers.engine import pass_chain

ORDER = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")


@pytest.fixture
def samples(tmp_path, monkeypatch):
    """A copy of the order-pipeline sample (flow, mock file, test file, input), as the working directory."""
    for name in ("order-pipeline.yaml", "order-pipeline.mocks.yaml", "order-pipeline.tests.yaml",
                 "order-pipeline.input.json"):
        shutil.copy(os.path.join(SAMPLE_FLOWS, name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- a file that cannot be read: engine.files' one wording ---------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (("run", "nope.yaml"), "nope.yaml: no such file"),
    (("validate", "nope.yaml"), "nope.yaml: no such file"),
    (("graph", "nope.yaml"), "nope.yaml: no such file"),
    (("serve", "nope.yaml"), "nope.yaml: no such file"),
    (("nope.yaml",), "nope.yaml: no such file"),
    (("test", "nope.yaml"), "nope.yaml: no such file or folder"),  # test also takes folders
    (("run", "order-pipeline.yaml", "--mocks", "nope.yaml"), "--mocks nope.yaml: no such file"),
    (("serve", "order-pipeline.yaml", "--mocks", "nope.yaml"), "--mocks nope.yaml: no such file"),
    (("order-pipeline.yaml", "--mocks", "nope.yaml"), "--mocks nope.yaml: no such file"),
    (("run", "order-pipeline.yaml", "--input-file", "nope.json"), "--input-file nope.json: no such file"),
    (("run", "order-pipeline.yaml", "--resume", "nope.jsonl"), "--resume nope.jsonl: no such file"),
    (("graph", "order-pipeline.yaml", "--history", "nope.json"), "--history nope.json: no such file"),
    (("graph", "order-pipeline.yaml", "--session", "nope.jsonl"), "--session nope.jsonl: no such file"),
    (("graph", "order-pipeline.yaml", "--coverage-json", "c.json"), "--coverage-json c.json: no such file"),
    (("order-pipeline.yaml", "--replay", "nope.json"), "--replay nope.json: no such file"),
    (("run", "."), ".: is a directory, not a file"),
    (("validate", "."), ".: is a directory, not a file"),
    (("graph", "."), ".: is a directory, not a file"),
    (("run", "order-pipeline.yaml", "--mocks", "."), "--mocks .: is a directory, not a file"),
])
def test_a_file_that_cannot_be_read_is_one_line_in_the_same_words(cli, samples, argv, message):
    code, out, err = cli(*argv)
    assert (code, out, err) == (2, "", f"flowdbg: error: {message}\n")


def test_validate_goes_on_after_a_missing_file_and_counts_it(cli, samples):
    code, out, err = cli("validate", "order-pipeline.yaml", "--mocks", "nope.yaml")
    assert (code, out, err) == (2, "order-pipeline.yaml: valid\n2 files checked: 1 with errors\n",
                                "flowdbg: error: --mocks nope.yaml: no such file\n")
    code, out, err = cli("validate", "nope.yaml", "order-pipeline.yaml")
    assert (code, err) == (2, "flowdbg: error: nope.yaml: no such file\n")
    assert out == ("order-pipeline.yaml: valid\norder-pipeline.mocks.yaml: valid (mock file)\n"
                   "3 files checked: 1 with errors\n")
    code, out, _ = cli("validate", "nope.yaml", "--json")
    [d] = json.loads(out)["diagnostics"]
    assert (d["file"], d["line"], d["code"], d["message"]) == ("nope.yaml", 0, "io", "no such file")


# -- a flowdbg file of one kind given for another ------------------------------------------------------------

MOCKS_AS_FLOW = ("this is a flowdbg mock file (functions, states, callbacks, ...), not a flow definition (hint: "
                 "flowdbg reads a mock file given with --mocks, or the one beside the flow (x.yaml -> x.mocks.yaml))")
TESTS_AS = ("this is a flowdbg test file (cases: ...), not a {} (hint: run it with 'flowdbg test FILE'; it names "
            "its flow with 'flow:' (default: NAME.yaml beside it))")
FLOW_AS_MOCKS = ("this is a flow definition (Type: StateMachine, States, ...), not a mock file (hint: a flow is "
                 "given as FLOW; its mock file is FLOW.mocks.yaml beside it (or --mocks PATH))")


@pytest.mark.parametrize("argv, line", [
    (("run", "order-pipeline.yaml", "--mocks", "order-pipeline.yaml"), f"order-pipeline.yaml:4:1: error: {FLOW_AS_MOCKS}"),
    (("run", "order-pipeline.yaml", "--mocks", "order-pipeline.tests.yaml"),
     "order-pipeline.tests.yaml:4:1: error: " + TESTS_AS.format("mock file")),
    (("run", "order-pipeline.tests.yaml"), "order-pipeline.tests.yaml:4:1: error: " + TESTS_AS.format("flow definition")),
    (("run", "order-pipeline.mocks.yaml"), f"order-pipeline.mocks.yaml:1:1: error: {MOCKS_AS_FLOW}"),
])
def test_one_kind_of_file_given_for_another_is_one_line(cli, samples, argv, line):
    code, out, err = cli(*argv)
    assert (code, out, err) == (2, "", line + "\n")


def test_flowdbg_test_given_a_mock_file_or_a_flow_without_cases(cli, samples):
    code, _, err = cli("test", "order-pipeline.mocks.yaml")
    assert (code, err) == (2, "flowdbg: error: order-pipeline.mocks.yaml: this is a flowdbg mock file (functions, "
                              "states, callbacks, ...), not a test file; a test file (NAME.tests.yaml) names it "
                              "with 'mocks:'\n")
    os.remove("order-pipeline.tests.yaml")
    code, _, err = cli("test", "order-pipeline.yaml")
    assert (code, err) == (2, "flowdbg: error: order-pipeline.yaml: a flow with no order-pipeline.tests.yaml beside "
                              "it; write its cases there (flowdbg run order-pipeline.yaml --save-test "
                              "order-pipeline.tests.yaml --case NAME records one)\n")


def test_a_test_file_is_found_by_its_content_too(cli, samples):
    with open("order-pipeline.tests.yaml", encoding="utf-8") as f:
        text = f.read()
    with open("more-cases.yaml", "w", encoding="utf-8") as f:
        f.write("flow: order-pipeline.yaml\n" + text)
    code, out, _ = cli("test", "more-cases.yaml")
    assert code == 0 and out.splitlines()[-1] == "5 passed, 0 failed"


def test_a_flow_named_as_a_test_files_mocks_is_one_error(cli, samples):
    with open("order-pipeline.tests.yaml", encoding="utf-8") as f:
        text = f.read()
    with open("t.tests.yaml", "w", encoding="utf-8") as f:
        f.write("flow: order-pipeline.yaml\nmocks: order-pipeline.yaml\n" + text[text.index("cases:"):])
    code, out, err = cli("test", "t.tests.yaml")
    assert code == 2 and err == f"order-pipeline.yaml:4:1: error: {FLOW_AS_MOCKS}\n"


def test_validate_over_a_folder_checks_each_file_as_what_it_is(cli):
    code, out, err = cli("validate", *sorted(os.path.join(SAMPLE_FLOWS, f) for f in os.listdir(SAMPLE_FLOWS)
                                             if f.endswith(".yaml")))
    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert f"{os.path.join(SAMPLE_FLOWS, 'order-pipeline.tests.yaml')}: valid (test file, 5 cases)" in lines
    assert f"{os.path.join(SAMPLE_FLOWS, 'order-pipeline.mocks.yaml')}: valid (mock file)" in lines
    assert sum("order-pipeline.mocks.yaml" in x for x in lines) == 1  # with its flow, not again on its own
    flows = [f for f in os.listdir(SAMPLE_FLOWS) if f.endswith(".yaml")]
    assert lines[-1] == f"{len(flows)} files checked: all valid"  # order-approval.yaml carries no warning (--strict passes)


def test_validate_of_a_mock_file_alone_checks_it_against_its_flow(cli, samples):
    with open("order-pipeline.mocks.yaml", "w", encoding="utf-8") as f:
        f.write("functions:\n  chekStock:\n    - body: {}\n")
    code, out, _ = cli("validate", "order-pipeline.mocks.yaml")
    assert code == 0 and out.splitlines()[-1] == "order-pipeline.mocks.yaml (mock file of order-pipeline.yaml): " \
                                                 "0 error(s), 1 warning(s)"


# -- a mistyped command ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (("rn", "order-pipeline.yaml"), "'rn' is not a flowdbg command or a file (did you mean 'flowdbg run'?)"),
    (("rn",), "'rn' is not a flowdbg command or a file (did you mean 'flowdbg run'?)"),
    (("vaildate", "x.yaml"), "'vaildate' is not a flowdbg command or a file (did you mean 'flowdbg validate'?)"),
    (("grpah",), "'grpah' is not a flowdbg command or a file (did you mean 'flowdbg graph'?)"),
    (("xyz", "order-pipeline.yaml"), "'xyz' is not a flowdbg command or a file; the commands are callback, convert, "
                                     "graph, run, serve, test, validate, and 'flowdbg FLOW' opens the debugger"),
    (("claim",), "claim: no such file"),
    (("rn.yaml",), "rn.yaml: no such file"),
])
def test_a_first_word_that_is_no_command_and_no_file(cli, samples, argv, message):
    code, out, err = cli(*argv)
    assert (code, out, err) == (2, "", f"flowdbg: error: {message}\n")


def test_a_file_named_like_a_command_opens_as_a_flow(cli, samples):
    shutil.copy("order-pipeline.yaml", "rn")
    code, _, err = cli("rn")  # not a mistyped command: the file is there (the debugger wants a terminal)
    assert (code, err) == (2, "flowdbg: error: the debugger needs a terminal; for scripts and CI use "
                              "'flowdbg run FLOW'\n")


# -- an error that stops a run is said once, whole -------------------------------------------------------------

def test_a_call_no_mock_answers_is_said_once_with_its_example(cli, tmp_path):
    flow = tmp_path / "f.yaml"
    flow.write_text(dedent("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: A
        States:
          - Name: A
            Type: Task
            Action: FC:InvokeFunction
            Parameters:
              resourceArn: acs:fc:cn-hangzhou:123:functions/f
              invocationType: Sync
            End: true
    """))
    code, out, err = cli("run", str(flow))
    assert code == 2
    assert out == "status: Error  (virtual time 0 s, 2 events)\nstates: A\n"
    assert err == ("flowdbg: error: state 'A' calls function 'f' (acs:fc:cn-hangzhou:123:functions/f) and no mock "
                   "answers it: add it to a mock file (FLOW.mocks.yaml beside the flow, or --mocks PATH) under "
                   "'functions:' as 'f', e.g.\nfunctions:\n  f:\n    - body: {ok: true}\n")


# -- a flag's slip is found at start, not when it would matter ------------------------------------------------

TASK_FLOW = dedent("""
    Type: StateMachine
    Name: t
    SpecVersion: v1
    StartAt: A
    States:
      - Name: A
        Type: Task
        Action: FC:InvokeFunction
        Parameters:
          resourceArn: acs:fc:cn-hangzhou:123:functions/f
          invocationType: Sync
        End: true
""")


@pytest.fixture
def task(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_text(TASK_FLOW)
    (tmp_path / "h.py").write_text("import json\n\ndef handler(event, context):\n    return {}\n\n\ndef other():\n"
                                   "    pass\n")
    (tmp_path / "bad.py").write_text("def handler(:\n")
    return tmp_path


def test_callback_timeout_without_a_callback_port_is_refused(cli, task):
    code, out, err = cli("run", "f.yaml", "--callback-timeout", "5")
    assert (code, out) == (2, "")
    assert err == ("flowdbg: error: --callback-timeout goes with --callback-port: it bounds how long a run waits, in "
                   "real time, for a callback someone sends to that endpoint; without one nobody can send it\n")


@pytest.mark.parametrize("spec, problem", [
    ("f=nofile.py:handler", "nofile.py: no such file"),
    ("f=h.py:handlr", "h.py has no function 'handlr' (did you mean 'handler'?)"),
    ("f=h.py:nope", "h.py has no function 'nope' (it defines handler, other)"),
    ("f=bad.py:handler", "bad.py:1:13: not valid Python: invalid syntax"),
])
@pytest.mark.parametrize("command", [("run", "f.yaml"), ("serve", "f.yaml"), ("f.yaml", "--web", "--port", "0")])
def test_a_local_handler_that_is_not_there_is_found_at_start(cli, task, spec, problem, command):
    code, out, err = cli(*command, "--local", spec)
    assert (code, out, err) == (2, "", f"flowdbg: error: --local {spec}: {problem}\n")


def test_a_mock_files_local_handler_that_is_not_there_is_a_warning(cli, task):
    (task / "f.mocks.yaml").write_text("functions:\n  f:\n    - body: {}\nlocal:\n  f: h.py:handlr\n")
    code, out, _ = cli("validate", "f.yaml")
    assert code == 0 and out.splitlines()[1] == (
        "f.mocks.yaml:5:3: warning: local.f: 'h.py:handlr': h.py has no function 'handlr' (did you mean 'handler'?) "
        "(hint: paths under local: are relative to the mock file)")


def test_serve_says_the_mock_files_slips_at_start(task):
    from helpers.serve import serve_process
    (task / "m.yaml").write_text("functions:\n  g:\n    - body: 1\n")
    with serve_process(str(task / "f.yaml"), "--mocks", str(task / "m.yaml")) as srv:
        log = srv.log()
    first = log.splitlines()[0]
    assert first == (f"flowdbg serve: {task / 'm.yaml'}:2:3: warning: functions: 'g' is not a function the flow calls, "
                     "so its answers are never used (hint: a key is a function name, service/function, or the full "
                     "resourceArn)")


def test_serve_reads_mocks_at_start_even_with_no_flow_yet(cli, task):
    (task / "m.yaml").write_text("functions:\n  g:\n    - bdy: 1\n")
    code, _, err = cli("serve", "--mocks", "m.yaml")
    assert (code, err) == (2, "m.yaml:3:7: error: functions.g: an answer needs 'body' or 'error' ('bdy' on line 3 is "
                              "not it: it is spelt 'body') (hint: rename 'bdy' to 'body')\n")


FLOW_IS = "this is a flow definition (Type: StateMachine, States, ...), not "
FLOW_HINT = "(a flow is given as FLOW; its mock file is FLOW.mocks.yaml beside it (or --mocks PATH))"


@pytest.mark.parametrize("argv, message", [
    (("run", "order-pipeline.yaml", "--resume", "order-pipeline.yaml"),
     f"order-pipeline.yaml: {FLOW_IS}a session journal {FLOW_HINT}"),
    (("graph", "order-pipeline.yaml", "--history", "order-pipeline.yaml"),
     f"order-pipeline.yaml: {FLOW_IS}an execution history {FLOW_HINT}"),
    (("graph", "order-pipeline.yaml", "--session", "order-pipeline.yaml"),
     f"order-pipeline.yaml: {FLOW_IS}a session journal {FLOW_HINT}"),
    (("graph", "order-pipeline.yaml", "--coverage-json", "order-pipeline.yaml"),
     f"order-pipeline.yaml: {FLOW_IS}a coverage file {FLOW_HINT}"),
    (("run", "order-pipeline.yaml", "--input-file", "order-pipeline.yaml"),
     f"order-pipeline.yaml: {FLOW_IS}an execution input (a JSON object) {FLOW_HINT}"),
])
def test_a_flowdbg_yaml_file_where_json_belongs_says_what_it_is(cli, samples, argv, message):
    code, out, err = cli(*argv)
    assert (code, out, err) == (2, "", f"flowdbg: error: {message}\n")


# -- many warnings of one kind: counted after the first ten -----------------------------------------------------

def test_one_broken_next_prints_its_error_and_counts_the_states_it_cut_off(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.yaml").write_text(pass_chain(40, nexts={19: "Q20"}))
    code, out, err = cli("run", "big.yaml", "--input", "{}")
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[0] == "big.yaml:65:11: error: state 'S19': Next names no state 'Q20' in this scope (hint: did you mean 'S20'?)"
    assert lines[1:11] == [f"big.yaml:{66 + 3 * k}:11: warning: state 'S{20 + k}' is never reached from StartAt 'S0'"
                           for k in range(10)]
    assert lines[11:] == ["big.yaml: … and 10 more unreachable warnings (flowdbg validate big.yaml lists them all)"]
    code, out, _ = cli("run", "big.yaml", "--input", "{}", "--json")
    found = json.loads(out)["diagnostics"]
    assert [d["code"] for d in found].count("unreachable") == 20  # --json keeps them all
