"""What a command line gives wrong, said in one line: :class:`CliError` (a usage or input
error, already printed, with where it is for ``--json``), the file checks, and the
execution input read from ``--input`` / ``--input-file`` (strict JSON, an object)."""
from __future__ import annotations

import os
import sys
from typing import NoReturn

EXIT_USAGE = 2


class CliError(SystemExit):
    """A usage or input error, already printed: exit ``code``. ``run --json``
    and ``validate --json`` also put it in their JSON object (``where``:
    the file or option, with ``line``/``col`` when known)."""

    def __init__(self, message: str, code: int = EXIT_USAGE, where: str | None = None, line: int = 0, col: int = 0,
                 kind: str = "usage"):
        super().__init__(code)
        self.message, self.where, self.line, self.col, self.kind = message, where, line, col, kind


def _die(message: str, code: int = EXIT_USAGE, **where) -> NoReturn:
    from flowdbg.engine.scrub import scrub_text
    message = scrub_text(message)
    print(f"flowdbg: error: {message}", file=sys.stderr)
    raise CliError(message, code, **where)


def check_file(path: str, option: str | None = None, kind: str = "usage", folder_ok: bool = False) -> None:
    """Exit 2 with ``flowdbg: error: [OPTION ]PATH: no such file`` (engine.files' one wording) when
    ``path`` cannot be read; ``kind`` is the JSON contract's reason."""
    from flowdbg.engine.files import file_problem
    problem = file_problem(path, folder_ok)
    if problem is not None:
        _die(f"{option + ' ' if option else ''}{path}: {problem}", where=path, kind=kind)


def sibling_input(flow: str) -> str | None:
    """``FLOW.input.json`` beside ``flow`` (x.yaml -> x.input.json), if present."""
    path = os.path.splitext(flow)[0] + ".input.json"
    return path if os.path.isfile(path) else None


def read_input(args) -> dict:
    """The execution input from --input / --input-file: a JSON object."""
    if getattr(args, "input", None) is not None and getattr(args, "input_file", None) is not None:
        _die("give --input or --input-file, not both")
    text, where = "{}", "--input"
    if args.input is not None:
        text = args.input
    elif args.input_file == "-":  # a pipe: `producer | flowdbg run FLOW --input-file -`
        where = "<stdin>"
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            _die("<stdin>: the input is not UTF-8 text", where=where, kind="input")
    elif args.input_file is not None:
        where = args.input_file
        check_file(args.input_file, "--input-file", "input")
        try:
            with open(args.input_file, encoding="utf-8-sig") as f:
                text = f.read()
        except OSError as e:
            _die(f"--input-file {args.input_file}: cannot read it: {e.strerror or e}", where=where, kind="input")
        except UnicodeDecodeError:
            _die(f"{args.input_file}: the input file is not UTF-8 text", where=where, kind="input")
    value = parse_json_object(text, where, "execution input")
    return value


def parse_json_object(text: str, where: str, what: str) -> dict:
    """Strict JSON that must be an object (no NaN/Infinity, numbers within the
    double range, no lone surrogates, nesting at most 100: values.parse_json);
    exits 2 with ``where:line:col: message`` or ``where: what: $.path: message``."""
    from flowdbg.engine.expressions.values import BadJSON, parse_json
    try:
        value = parse_json(text)
    except BadJSON as e:
        from flowdbg.engine.file_kinds import not_json_but
        other = not_json_but(text, where, f"an {what} (a JSON object)") if where not in ("--input", "<stdin>") else None
        if other:
            _die(other, where=where, kind="input")
        if e.line:
            _die(f"{where}:{e.line}:{e.col}: {what} is {e.message}", where=where, line=e.line, col=e.col, kind="input")
        _die(f"{where}: {what} is {e.message}", where=where, kind="input")
    if not isinstance(value, dict):
        from flowdbg.engine.expressions.values import type_name
        _die(f"{where}: {what} must be a JSON object, got {type_name(value)}", where=where, kind="input")
    return value


def session_path_problem(args) -> str | None:
    """Why ``--session P`` must not be used: P exists and may be the only record
    of an earlier run; replacing it needs ``--overwrite-session``."""
    path = getattr(args, "session", None)
    if not path or getattr(args, "overwrite_session", False) or not os.path.isfile(path):
        return None
    resume = getattr(args, "resume", None)
    try:
        if resume and resume != "latest" and os.path.exists(resume) and os.path.samefile(path, resume):
            return None  # continuing a session in its own journal
    except OSError:
        pass
    return (f"--session {path}: a file is already there (a saved session?); resume it with --resume {path}, "
            "give another path, or pass --overwrite-session to replace it")
