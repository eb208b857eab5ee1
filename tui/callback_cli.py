"""``flowdbg callback succeed|fail``: report on a WaitForCustomCallback task
token to a running flowdbg session's callback endpoint (no Textual needed).

Exit codes: 0 accepted, 1 refused by the session (stale/unknown token), 2 usage
or connection error. Errors are one line on stderr, never a traceback.
Wire format: docs/backends.md ("Callback endpoint").
"""
from __future__ import annotations

import argparse
import os
import sys


URL_ENV, SECRET_ENV = "FLOWDBG_CALLBACK_URL", "FLOWDBG_CALLBACK_SECRET"
MAX_ERROR, MAX_CAUSE = 128, 4096


def add_callback_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``callback`` (with ``succeed`` and ``fail``) to an argparse
    subparsers object; returns the ``callback`` parser. Dispatch with
    ``run_callback(args)`` (also set as ``args.func``)."""
    p = subparsers.add_parser("callback", help="report a callback task's result to a session",
                              description="Report ReportTaskSucceeded / ReportTaskFailed to a "
                              "running flowdbg session.")
    sub = p.add_subparsers(dest="callback_action", metavar="{succeed,fail}", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("token", metavar="TOKEN", help="the task token ($Context.Current.TaskToken)")
    common.add_argument("--url", default=None,
                        help=f"callback endpoint (default: ${URL_ENV})")
    common.add_argument("--secret", default=None,
                        help=f"session secret (default: ${SECRET_ENV})")
    common.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    s = sub.add_parser("succeed", parents=[common], help="ReportTaskSucceeded")
    s.add_argument("--output", required=True, metavar="JSON",
                   help="the task output as JSON text ('-' reads stdin)")
    f = sub.add_parser("fail", parents=[common], help="ReportTaskFailed")
    f.add_argument("--error", required=True, metavar="CODE", help="error name, 1-128 chars")
    f.add_argument("--cause", default="", metavar="TEXT", help="details, at most 4096 chars")
    p.set_defaults(func=run_callback)
    return p


def _err(msg: str, code: int = 2) -> int:
    print(f"flowdbg callback: {msg}", file=sys.stderr)
    return code


def run_callback(args) -> int:
    """Send the report; returns the exit code (see module docstring)."""
    if args.callback_action == "succeed":
        text = sys.stdin.read() if args.output == "-" else args.output
        from flowdbg.engine.expressions.values import BadJSON, parse_json
        try:
            parse_json(text)
        except BadJSON as exc:
            where = f" (line {exc.line} column {exc.col})" if exc.line else ""
            return _err(f"--output is {exc.message}{where}")
        action, body = "ReportTaskSucceeded", {"TaskToken": args.token, "Output": text}
    else:
        if not 1 <= len(args.error) <= MAX_ERROR:
            return _err(f"--error must be 1-{MAX_ERROR} characters")
        if len(args.cause) > MAX_CAUSE:
            return _err(f"--cause must be at most {MAX_CAUSE} characters")
        action = "ReportTaskFailed"
        body = {"TaskToken": args.token, "Error": args.error, "Cause": args.cause}
    url = (args.url or os.environ.get(URL_ENV) or "").rstrip("/")
    secret = args.secret or os.environ.get(SECRET_ENV)
    if not url:
        return _err(f"no callback URL: pass --url or set {URL_ENV}")
    if not url.startswith(("http://", "https://")):
        return _err(f"callback URL {url!r} must start with http:// or https://")
    headers = {"x-flowdbg-secret": secret} if secret else {}
    try:
        import httpx  # here, not at import: `flowdbg run` must start fast

        r = httpx.post(f"{url}/{action}", json=body, headers=headers, timeout=args.timeout)
    except httpx.HTTPError as exc:
        return _err(f"cannot reach {url}: {type(exc).__name__}: {exc}")
    try:
        reply = r.json()
    except ValueError:
        reply = {}
    if not isinstance(reply, dict):
        reply = {}
    if r.status_code == 200 and reply.get("Accepted"):
        print(f"accepted: {action} for token {args.token}")
        return 0
    if r.status_code == 409:
        print(f"refused: {reply.get('Reason') or 'the session refused the report'}",
              file=sys.stderr)
        return 1
    if r.status_code == 403:
        return _err(f"forbidden: wrong or missing secret (--secret or ${SECRET_ENV})")
    message = reply.get("Message") or r.text[:200] or r.reason_phrase
    return _err(f"HTTP {r.status_code}: {message}")
