"""``flowdbg run ... --save-test NAME.tests.yaml --case NAME``: the run, appended to a test file as a case.

Kept beside ``run_cmd`` so that ``flowdbg run`` only calls :func:`check_save_test` before the run (a name
that is taken is refused before anything runs) and :func:`save_test` after it.
"""
from __future__ import annotations

import sys

from flowdbg.engine.runner import default_mocks_path


def _invalid(message: str) -> Exception:
    from .run_setup import _Invalid  # run's own "exit 2 with this message"
    return _Invalid(message)


def check_save_test(args) -> None:
    from flowdbg.engine.testing.record import RecordError, check_can_add
    if not (args.save_test and args.case):
        raise _invalid("--save-test and --case go together: --save-test NAME.tests.yaml --case 'what it shows'")
    try:
        check_can_add(args.save_test, args.flow, args.case)
    except RecordError as e:
        raise _invalid(str(e)) from None


def save_test(args, session) -> None:
    """Append the run to the test file; exit 2 if it cannot be written."""
    from flowdbg.engine.testing.record import RecordError, record_case, save_case

    from .run_setup import parse_local
    if args.backend == "live":
        print("flowdbg: warning: --backend live is not recorded; the case's functions are answered by its mocks",
              file=sys.stderr)
    case, warnings = record_case(session.execution, args.case, args.save_test, args.flow,
                                 args.mocks or default_mocks_path(args.flow), session.start["input"],
                                 local=parse_local(args.local), live=list(args.live))
    for w in warnings:
        print(f"flowdbg: warning: {w}", file=sys.stderr)
    try:
        tf = save_case(args.save_test, args.flow, case)
    except RecordError as e:
        raise _invalid(str(e)) from None
    except OSError as e:
        raise _invalid(f"--save-test {args.save_test}: cannot write: {e.strerror or e}") from None
    n = len(tf.cases)
    allow = " --allow-local" if tf.local_code else ""  # the test file now carries local code: test needs consent
    print(f"flowdbg: saved case {args.case!r} to {args.save_test} ({n} case{'s' if n != 1 else ''}; run them with: "
          f"flowdbg test {args.save_test}{allow})", file=sys.stderr)
