"""``flowdbg convert FLOW``: a legacy flow (``type: flow``, ``steps``) rewritten as FDL v1.

Prints the rewritten flow (or writes it with ``-o``), and names on stderr, as
``FLOW:LINE:1: step 'x': ...``, each step it could not rewrite faithfully. Exit codes: 0 a
faithful rewrite, 1 a rewrite that names such steps, 2 an invalid flow, an FDL v1 flow, or
usage. Headless: no Textual import.
"""
from __future__ import annotations

import argparse
import os
import sys


def add_convert_parser(sub) -> None:
    p = sub.add_parser("convert", help="rewrite a legacy flow (type: flow, steps) as FDL v1",
                       description="Rewrite a legacy Serverless Workflow flow (type: flow, steps) as FDL v1. "
                                   "Steps FDL v1 cannot express are named on stderr and in the output's header; "
                                   "the exit code is 1 when there are any.")
    p.add_argument("flow", metavar="FLOW")
    p.add_argument("-o", "--output", metavar="PATH", help="write the FDL v1 flow here instead of stdout")


def cmd_convert(args: argparse.Namespace) -> int:
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.legacy.convert import convert

    d = load_definition(args.flow)
    for x in d.diagnostics:
        if x.severity == "error":
            print(x.format(args.flow), file=sys.stderr)
    if d.flow is None:
        print(f"flowdbg: error: {args.flow}: the definition has {len(d.errors)} error(s)", file=sys.stderr)
        return 2
    if d.format != "legacy":
        print(f"flowdbg: error: {args.flow} is already FDL v1 (Type: StateMachine); convert rewrites legacy flows "
              "(type: flow, steps)", file=sys.stderr)
        return 2
    c = convert(d.flow, os.path.basename(args.flow))
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(c.text)
        except OSError as e:
            print(f"flowdbg: error: {args.output}: cannot write: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(c.text)
    for p in c.problems:
        print(f"{args.flow}:{p.line}:1: step {p.step!r}: not rewritten faithfully: {p.reason}", file=sys.stderr)
    if c.problems:
        print(f"flowdbg: {len(c.problems)} step(s) could not be rewritten faithfully (see above)", file=sys.stderr)
    return 1 if c.problems else 0
