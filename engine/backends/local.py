"""Run a Task's function from local Python code, FC-style, in a subprocess.

Each invocation starts a fresh ``python -u local_runner.py`` so a handler
that hangs, crashes or leaks cannot take the debugger down, and edits to the
code take effect on the next call. See docs/backends.md.

FC behaviour mirrored (sources):

* Python handler ``handler(event: bytes, context)`` —
  https://www.alibabacloud.com/help/en/functioncompute/user-guide/context-1
* an uncaught exception is an *unhandled invocation error* with body
  ``{"errorMessage", "errorType", "stackTrace"}`` —
  https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-1-1
* a function that exceeds its timeout, or whose process exits, is also an
  unhandled invocation error (no error code of its own) —
  https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/how-to-handle-an-execution-timeout-error
  So all three are ``FC.Unknown`` here, exactly as the live backend sees them.
* ``x-fc-log-type: Tail`` returns the last 4 KB of the log.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Mapping

from ..errors import TASK_TIMEOUT
from .base import BackendError, FunctionRequest, FunctionResponse
from .fc import FUNCTION_ERROR

RUNNER = Path(__file__).with_name("local_runner.py")
LOG_TAIL_BYTES = 4096
CALLBACK_URL_ENV = "FLOWDBG_CALLBACK_URL"
CALLBACK_SECRET_ENV = "FLOWDBG_CALLBACK_SECRET"
TASK_TOKEN_ENV = "FLOWDBG_TASK_TOKEN"


def log_tail(raw: bytes) -> str:
    """The last 4 KB of ``raw`` as text (FC's ``Tail`` log)."""
    return raw[-LOG_TAIL_BYTES:].decode("utf-8", errors="replace")


class LocalBackend:
    """Answer Task calls by running local Python handlers.

    ``handlers`` maps a function key (function name, ``service/function`` or
    the full ARN; the most specific key present wins, see
    ``FunctionRef.mock_keys``) to ``"path/to/index.py:handler"``, relative to
    ``base_dir``. ``timeout`` is the function's own timeout in seconds (FC's
    function setting); a Task ``Timeout`` shorter than that stops the call
    earlier with ``FnF.TaskTimeout``. ``callback_secret`` is handed to the
    handler with the callback URL (env ``FLOWDBG_CALLBACK_URL`` /
    ``FLOWDBG_CALLBACK_SECRET``) when the request carries one; ``env`` adds
    environment variables for the handler.
    """

    name = "local"

    def __init__(self, handlers: Mapping[str, str], base_dir: Path, timeout: float = 60.0, *,
                 callback_secret: str | None = None, memory_size: int = 128,
                 env: Mapping[str, str] | None = None, python: str = sys.executable):
        self.handlers = dict(handlers)
        self.base_dir = Path(base_dir)
        self.timeout = float(timeout)
        self.callback_secret = callback_secret
        self.memory_size = memory_size
        self.env = dict(env or {})
        self.python = python

    # -- configuration ---------------------------------------------------
    def _key(self, request: FunctionRequest) -> str | None:
        return next((k for k in request.function.mock_keys if k in self.handlers), None)

    def handles(self, request: FunctionRequest) -> bool:
        return self._key(request) is not None

    def resolve(self, request: FunctionRequest) -> tuple[Path, str, str]:
        """``(module path, function name, spec)`` for ``request``; raises
        :class:`BackendError` when no handler is configured, the spec is not
        ``file.py:function`` or the file does not exist."""
        key = self._key(request)
        fn = request.function.display
        if key is None:
            raise BackendError(f"local backend: no handler configured for function {fn!r} "
                               f"(keys tried: {', '.join(request.function.mock_keys)})")
        spec = self.handlers[key]
        file_part, sep, func = spec.rpartition(":")
        if not sep or not file_part.endswith(".py") or not func.isidentifier():
            raise BackendError(f"local handler for {fn!r} is {spec!r}: expected "
                               "'path/to/file.py:function' (relative to the base directory)")
        path = (self.base_dir / file_part).resolve()
        if not path.is_file():
            raise BackendError(f"local handler for {fn!r}: file {str(path)!r} not found "
                               f"(from {spec!r}, base directory {str(self.base_dir)!r})")
        return path, func, spec

    def _environ(self, request: FunctionRequest, request_id: str, spec: str) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in (CALLBACK_URL_ENV, CALLBACK_SECRET_ENV, TASK_TOKEN_ENV)}
        ref = request.function
        env.update(self.env)
        env.update({"FC_FUNCTION_NAME": ref.function, "FC_REGION": ref.region,
                    "FC_ACCOUNT_ID": ref.account, "FC_FUNCTION_HANDLER": spec,
                    "FC_FUNCTION_MEMORY_SIZE": str(self.memory_size)})
        if ref.service:
            env["FC_SERVICE_NAME"] = ref.service
        if request.callback_url:
            env[CALLBACK_URL_ENV] = request.callback_url
            if self.callback_secret:
                env[CALLBACK_SECRET_ENV] = self.callback_secret
        if request.task_token:
            env[TASK_TOKEN_ENV] = request.task_token
        env["FLOWDBG_CONTEXT"] = json.dumps({
            "request_id": request_id, "function": ref.function, "handler": spec,
            "memory": self.memory_size, "timeout": int(self.timeout), "service": ref.service,
            "qualifier": ref.qualifier, "region": ref.region, "account": ref.account})
        return env

    # -- invocation --------------------------------------------------------
    def invoke(self, request: FunctionRequest) -> FunctionResponse:
        """Run the handler; see the module docstring for the error mapping.
        Raises :class:`BackendError` when the handler cannot be loaded
        (missing file or function, syntax or import error in the module)."""
        path, func, spec = self.resolve(request)
        request_id = str(uuid.uuid4())
        limit, limit_error = self.timeout, FUNCTION_ERROR
        if request.timeout is not None and request.timeout < limit:
            limit, limit_error = float(request.timeout), TASK_TIMEOUT
        with tempfile.TemporaryDirectory(prefix="flowdbg-local-") as tmp:
            result_path = os.path.join(tmp, "result.json")
            cmd = [self.python, "-u", str(RUNNER), str(path), func, result_path,
                   str(self.base_dir.resolve())]
            start = time.monotonic()
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, cwd=str(self.base_dir),
                                    env=self._environ(request, request_id, spec),
                                    start_new_session=(os.name == "posix"))
            timed_out = False
            try:
                out, _ = proc.communicate(request.body, timeout=limit)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill(proc)
                try:
                    out, _ = proc.communicate(timeout=5)
                except subprocess.TimeoutExpired:
                    out = b""
            duration = round(time.monotonic() - start, 3)
            result = _read(result_path)
        meta = {"requestId": request_id}
        log = log_tail(out or b"")
        mk = dict(duration=duration, log=log, source="local")
        if result is not None and result.get("status") == "load_error":
            raise BackendError(
                f"local handler {spec!r} for {request.function.display!r} could not be loaded "
                f"from {str(path)!r}: {result['errorType']}: {result['errorMessage']}")
        if timed_out:
            which = "Task" if limit_error == TASK_TIMEOUT else "Function"
            msg = f"{which} timed out after {limit:g} seconds"
            return FunctionResponse(error=limit_error, detail=msg,
                                    meta={**meta, "errorMessage": msg}, **mk)
        if result is None:
            how = _exit_reason(proc.returncode)
            msg = (f"Process exited unexpectedly before completing request "
                   f"(duration: {int(duration * 1000)}ms, {how})")
            return FunctionResponse(error=FUNCTION_ERROR, detail=msg,
                                    meta={**meta, "errorMessage": msg}, **mk)
        if result["status"] == "error":
            body = {k: result[k] for k in ("errorMessage", "errorType", "stackTrace")}
            return FunctionResponse(error=FUNCTION_ERROR,
                                    detail=f"{body['errorType']}: {body['errorMessage']}",
                                    meta={**meta, **body}, **mk)
        return FunctionResponse(payload=base64.b64decode(result["payload_b64"]), meta=meta, **mk)


def handler_problem(spec: str, base_dir) -> str | None:
    """Why ``spec`` (``path/to/file.py:handler``, relative to ``base_dir``)
    cannot be run, found without running anything (the file is parsed, not
    imported): not that form, no such file, not valid Python, or no top-level
    ``handler`` in it. None when it looks runnable, or when the module binds
    names in ways a parse cannot follow (``from x import *``, ``globals()``)."""
    import ast
    import difflib

    from ..files import file_problem
    file_part, sep, func = spec.rpartition(":")
    if not sep or not file_part.endswith(".py") or not func.isidentifier():
        return "expected FUNCTION=path/to/file.py:handler"
    path = Path(base_dir) / file_part
    problem = file_problem(str(path))
    if problem is not None:
        return f"{file_part}: {problem}"
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as e:
        return f"{file_part}:{e.lineno}:{e.offset}: not valid Python: {e.msg}"
    except (OSError, ValueError) as e:
        return f"{file_part}: cannot read it: {e}"
    names: set[str] = set()
    opaque = False

    def bind(stmts) -> None:
        nonlocal opaque
        for st in stmts:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(st.name)
            elif isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for t in (st.targets if isinstance(st, ast.Assign) else [st.target]):
                    names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                for a in st.names:
                    if a.name == "*":
                        opaque = True
                    names.add((a.asname or a.name).split(".")[0])
            for block in ("body", "orelse", "finalbody", "handlers"):  # if/try/with/for at the top level
                inner = getattr(st, block, None)
                if isinstance(inner, list) and not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef)):
                    bind([x for x in inner if isinstance(x, ast.stmt)] +
                         [y for h in inner if isinstance(h, ast.ExceptHandler) for y in h.body])
    bind(tree.body)
    opaque = opaque or any(isinstance(n, ast.Name) and n.id in ("globals", "__getattr__") for n in ast.walk(tree))
    if func in names or opaque:
        return None
    guess = difflib.get_close_matches(func, sorted(names), n=1, cutoff=0.6)
    defs = sorted(st.name for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)))
    hint = f" (did you mean {guess[0]!r}?)" if guess else (f" (it defines {', '.join(defs[:5])})" if defs else "")
    return f"{file_part} has no function {func!r}{hint}"


def _kill(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # the handler's children too
        else:  # pragma: no cover
            proc.kill()
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _read(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
