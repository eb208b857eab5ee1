"""``flowdbg graph``: draw a flow, and optionally a run of it, as SVG,
Mermaid, DOT or text.

A run comes from a saved session (``--session``: replayed from its journal,
no function is called), a history (``--history``: ``flowdbg run --history``
or CloudFlow's GetExecutionHistory), or test coverage (``--coverage-json``).
Textual is imported only for the formats that take the theme's colours
(SVG, and Mermaid/DOT with a run).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

EXIT_OK, EXIT_USAGE = 0, 2
FORMATS = ("svg", "mermaid", "dot", "text")
_BY_SUFFIX = {".svg": "svg", ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot",
              ".txt": "text"}


class GraphError(Exception):
    """Bad input: exit 2 with this message."""


def add_graph_parser(sub) -> None:
    g = sub.add_parser(
        "graph", help="draw a flow, and a run of it, as SVG, Mermaid, DOT or text",
        description="Draw every state and transition of FLOW. With --session, --history or --coverage-json, "
                    "draw what a run (or a test run) did on it: states coloured by outcome, taken edges, "
                    "visit counts, Map progress, what was never reached.")
    g.add_argument("flow", metavar="FLOW", help="the flow definition (YAML or JSON)")
    g.add_argument("--format", choices=FORMATS,
                   help="default: from --output's suffix (.svg .mmd .md .dot .gv .txt; another suffix is refused), "
                        "else text; .md gets a ```mermaid block")
    g.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    run = g.add_mutually_exclusive_group()
    run.add_argument("--session", metavar="S", help="a saved session journal (flowdbg ... --session S)")
    run.add_argument("--history", metavar="H",
                     help="a history: flowdbg run --history H, or CloudFlow's GetExecutionHistory JSON")
    run.add_argument("--coverage-json", metavar="C", help="coverage from flowdbg test --coverage-json C")


def cmd_graph(args) -> int:
    try:
        return _graph(args)
    except GraphError as e:
        print(f"flowdbg: error: {e}", file=sys.stderr)
        return EXIT_USAGE


#: Suffixes of pictures flowdbg does not draw (it writes text formats only).
_RASTER = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".pdf", ".ico"}


def output_format(fmt: str | None, output: str | None) -> str:
    """The format to write: --format, else --output's suffix, else text. An
    --output whose suffix is no format flowdbg writes is refused (never SVG or
    text inside a .png), as is one whose suffix names another format."""
    suffix = os.path.splitext(output or "")[1].lower()
    named = _BY_SUFFIX.get(suffix)
    formats = ("SVG (.svg), Mermaid (.mmd, .mermaid, .md), DOT (.dot, .gv) or text (.txt)")
    if suffix in _RASTER:
        raise GraphError(f"--output {output}: flowdbg graph writes {formats}, not {suffix[1:].upper()}; write .svg and "
                         f"convert it (e.g. rsvg-convert -o {output} {os.path.splitext(output)[0]}.svg)")
    if fmt:
        if named and named != fmt:
            raise GraphError(f"--output {output}: a {suffix} file holds {named}, not {fmt}; give --format {named}, "
                             "or an output file with the suffix of the format")
        return fmt
    if not output or not suffix:
        return "text"
    if named is None:
        raise GraphError(f"--output {output}: {suffix} is not a format flowdbg graph writes: it writes {formats}; "
                         "give one of these suffixes, or --format")
    return named


def _graph(args) -> int:
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.files import file_problem
    for option, path in ((None, args.flow), ("--session", args.session), ("--history", args.history),
                         ("--coverage-json", args.coverage_json)):
        if path and (problem := file_problem(path)) is not None:
            raise GraphError(f"{option + ' ' if option else ''}{path}: {problem}")
    if args.output and os.path.exists(args.output) and os.path.samefile(args.output, args.flow):
        raise GraphError(f"--output {args.output}: that is the flow; give another path")
    fmt = output_format(args.format, args.output)
    definition = load_definition(args.flow)
    if definition.flow is None:
        for d in definition.diagnostics:
            print(d.format(definition.path), file=sys.stderr)
        return EXIT_USAGE
    flow = definition.flow
    overlay, caption = None, ""
    if args.session:
        overlay, caption = _from_session(args.session, definition)
    elif args.history:
        overlay, caption = _from_history(args.history, flow)
    elif args.coverage_json:
        overlay, caption = _from_coverage(args.coverage_json, args.flow, flow)
    text = draw(flow, fmt, overlay, caption)
    if args.output and fmt == "mermaid" and args.output.lower().endswith(".md"):
        text = f"```mermaid\n{text}{'' if text.endswith(chr(10)) else chr(10)}```\n"  # so Markdown renders it
    if args.output:
        try:
            from flowdbg.engine.atomic import write_file
            write_file(args.output, text)
        except OSError as e:
            raise GraphError(f"--output {args.output}: cannot write: {e.strerror or e}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def draw(flow, fmt: str, overlay=None, caption: str = "") -> str:
    """``flow`` in ``fmt`` (svg | mermaid | dot | text), with the run in ``overlay`` if given."""
    if fmt == "svg":
        from .graph.svg import render
        return render(flow, overlay, caption=caption)
    if fmt == "text":
        from .graph.text import render
        return render(flow, overlay, caption=caption)
    from .graph.model import describe
    if fmt == "mermaid":
        from .graph.mermaid import render
    elif fmt == "dot":
        from .graph.dot import render
    else:
        raise GraphError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return render(describe(flow), overlay, caption=caption)


# -- where a run comes from --------------------------------------------------------------------

def _read_json(path: str, what: str):
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as e:
        raise GraphError(f"{path}: cannot read the {what}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise GraphError(f"{path}: the {what} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        from flowdbg.engine.file_kinds import not_json_but
        raise GraphError(not_json_but(text, path, f"a {what}")
                         or f"{path}:{e.lineno}:{e.colno}: the {what} is not valid JSON: {e.msg}") from None
    except RecursionError:
        raise GraphError(f"{path}: the {what} nests too deeply") from None


def _from_session(path: str, definition):
    from flowdbg.engine.session import Session, SessionError
    from .run_overlay import overlay_from_records
    with tempfile.TemporaryDirectory(prefix="flowdbg-graph-") as tmp:  # the replay must not rewrite the journal
        try:
            s = Session.resume(path, definition, journal_path=os.path.join(tmp, "replay.jsonl"))
        except SessionError as e:
            raise GraphError(str(e)) from None
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise GraphError(f"{path}: not a usable flowdbg session journal ({e})") from None
    ex = s.execution
    for w in s.resume_warnings:
        print(f"flowdbg: warning: {w}", file=sys.stderr)
    return overlay_from_records(ex.records, ex.events), f"session {path} · {ex.status} after {ex.steps} steps"


def _from_history(path: str, flow):
    from flowdbg.engine.replay import RecordError, load_record  # the one reader of histories (--replay's too)
    from .run_overlay import overlay_from_history
    try:
        record = load_record(path)
    except RecordError as e:
        raise GraphError(str(e)) from None
    names = {s.name for _, s in flow.all_states()}
    used = {e.state for e in record.events if e.state}
    unknown = sorted(used - names)
    if unknown:  # refused as --session refuses another flow's journal: drawn over this flow, the run would mislead
        listed = ", ".join(repr(n) for n in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        why = ("no state of the flow appears in it: it is the history of another flow" if not used & names else
               "the history of another flow, or of this one before it changed")
        raise GraphError(f"--history {path} is not a run of {flow.path or 'this flow'}: it names "
                         f"{'a state' if len(unknown) == 1 else 'states'} {listed} that the flow does not have "
                         f"({why})")
    return overlay_from_history(record, flow), f"history {path} · {record.status} · {len(record.events)} events"


def _from_coverage(path: str, flow_path: str, flow):
    from .run_overlay import NOT_RUN, overlay_from_coverage
    data = _read_json(path, "coverage file")
    flows = data.get("flows") if isinstance(data, dict) else None
    if not isinstance(flows, list) or not all(isinstance(x, dict) for x in flows):
        raise GraphError(f'{path}: not a coverage file: expected {{"flows": [{{"flow": PATH, "states": ...}}]}}')
    entry = _coverage_entry(flows, flow_path, os.path.dirname(os.path.abspath(path)))
    if entry is None:
        listed = ", ".join(str(x.get("flow")) for x in flows) or "none"
        raise GraphError(f"{path}: has no coverage for {flow_path} (it covers: {listed})")
    ov = overlay_from_coverage(entry, flow)
    states = [k for _, k in ((p, p + s.name) for p, s in flow.all_states())]
    covered = sum(1 for k in states if ov.outcome(k) != NOT_RUN)
    return ov, f"coverage {path} · {covered}/{len(states)} states entered"


def _coverage_entry(flows: list, flow_path: str, base: str):
    want = os.path.realpath(flow_path)
    for entry in flows:
        p = str(entry.get("flow") or "")
        for candidate in (p, os.path.join(base, p)):
            if p and os.path.realpath(candidate) == want:
                return entry
    same_name = [e for e in flows if os.path.basename(str(e.get("flow") or "")) == os.path.basename(flow_path)]
    return same_name[0] if len(same_name) == 1 else None
