"""Child-process side of :class:`~flowdbg.engine.backends.local.LocalBackend`.

Run by path (never imported by the debugger)::

    python -u local_runner.py <module.py> <function> <result.json> <code_dir>

The event arrives on stdin (raw bytes); ``FLOWDBG_CONTEXT`` (JSON) describes
the FC context. The handler is called FC-style, ``handler(event: bytes,
context)``; its prints and logging go to stdout/stderr (the parent keeps them
as the log). The outcome is written as JSON to ``<result.json>``:

* ``{"status": "ok", "payload_b64": ...}``
* ``{"status": "error", "errorMessage", "errorType", "stackTrace"}`` — the
  handler raised (FC's shape: https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-1-1)
* ``{"status": "load_error", ...}`` — the module or function could not be loaded.

No result file means the process died (``os._exit``, signal, ``sys.exit``).
Stdlib only: it runs with whatever interpreter and packages the user has.
"""
import base64
import importlib.util
import json
import logging
import os
import sys
import traceback


class _Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        inner = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({inner})"


class Credentials(_Obj):
    pass


class FunctionMeta(_Obj):
    pass


class ServiceMeta(_Obj):
    pass


class FCContext(_Obj):
    """Mimics FC's Python ``context`` (the union of the classic runtimes and
    Python 3.12): request_id, credentials (empty), function, service, region,
    account_id, logger — https://www.alibabacloud.com/help/en/functioncompute/user-guide/context-1"""


def _context(c):
    qualifier = c.get("qualifier") or "LATEST"
    return FCContext(
        request_id=c["request_id"],
        credentials=Credentials(access_key_id="", access_key_secret="", security_token=""),
        function=FunctionMeta(name=c["function"], handler=c["handler"], memory=c["memory"],
                              timeout=c["timeout"], qualifier=qualifier, version_id=""),
        service=ServiceMeta(name=c.get("service") or "", qualifier=qualifier,
                            version_id="", log_project="", log_store=""),
        region=c.get("region") or "", account_id=c.get("account") or "",
        log_project="", log_store="", logger=logging.getLogger())


def _stack(tb):
    return [[f'File "{fs.filename}"', f"line {fs.lineno}", f"in {fs.name}", fs.line or ""]
            for fs in traceback.extract_tb(tb)]


def _error(exc, status, skip=1):
    tb = exc.__traceback__
    for _ in range(skip):  # drop the runner's own frames
        tb = tb.tb_next if tb is not None and tb.tb_next is not None else tb
    return {"status": status, "errorMessage": str(exc), "errorType": type(exc).__name__,
            "stackTrace": _stack(tb)}


def _payload(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(path, result):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(tmp, path)


def main(argv):
    module_path, func_name, result_path, code_dir = argv[1:5]
    module_dir = os.path.dirname(os.path.abspath(module_path))
    # Our own directory must not shadow the user's modules.
    sys.path[0:1] = [module_dir] + ([code_dir] if code_dir != module_dir else [])
    ctx_info = json.loads(os.environ.get("FLOWDBG_CONTEXT", "{}"))
    rid = ctx_info.get("request_id", "")
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format=f"%(asctime)s {rid} [%(levelname)s] %(message)s")
    event = sys.stdin.buffer.read()
    name = os.path.splitext(os.path.basename(module_path))[0]
    try:
        spec = importlib.util.spec_from_file_location(name, module_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        handler = getattr(module, func_name, None)
        if not callable(handler):
            raise AttributeError(f"module {module_path!r} has no function {func_name!r}")
    except BaseException as exc:  # noqa: BLE001 — any failure to load is a config problem
        _write(result_path, _error(exc, "load_error", skip=0))
        return 0
    print(f"FC Invoke Start RequestId: {rid}", flush=True)
    try:
        value = handler(event, _context(ctx_info))
        result = {"status": "ok", "payload_b64": base64.b64encode(_payload(value)).decode()}
    except Exception as exc:  # noqa: BLE001 — the function's own error
        # The log shows the handler's traceback as FC's would: without this runner's own frame.
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next or exc.__traceback__)
        result = _error(exc, "error")
    sys.stdout.flush()
    sys.stderr.flush()
    print(f"FC Invoke End RequestId: {rid}", flush=True)
    _write(result_path, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
