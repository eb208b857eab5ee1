"""The compiled methods of dataclasses, kept between runs.

Python writes the methods of a dataclass (``__init__``, ``__eq__``,
``__repr__``, ``__hash__``, a frozen one's ``__setattr__``...) as source
text and compiles it each time the class is defined, that is each time its
module is imported: ~4 M instructions a class, and the ``flowdbg`` command
defines ~250 of them (flowdbg's model, records and messages, Textual's
own) before the debugger's first screen, a sixth of its start-up. As Python
keeps a module's bytecode in ``__pycache__``, this keeps the code compiled
from each such text, keyed by the text itself (so it is exactly what
``compile`` would make) and the Python version, in the user's cache
directory beside the definition cache (``FLOWDBG_NO_CACHE=1`` turns it
off). Nothing changes but where the code comes from: the same text gets the
same code object, executed by ``dataclasses`` in the same namespaces.
"""
from __future__ import annotations

import builtins
import os
import sys

_state: dict = {}
#: each text's code is kept marshalled, as bytes, and made into code only when a class
#: needs it: the file holds the texts of every command (the debugger's ~600, `run`'s
#: ~250), and making code objects of all of them took a `flowdbg run` ~20 ms
FORMAT = 2
#: texts kept at most (flowdbg and Textual define ~250; old versions' texts are dropped at this size)
MAX_TEXTS = 4000


def _path() -> str | None:
    from flowdbg.engine.defcache import cache_dir
    d = cache_dir()
    if d is None:
        return None
    import importlib.util
    tag = f"{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"
    return os.path.join(os.path.dirname(d), f"dataclass-code-{FORMAT}-{tag}.marshal")


def install() -> None:
    """Serve ``dataclasses``' compiles from the kept code from now on (once)."""
    if _state or os.environ.get("FLOWDBG_NO_CACHE"):
        return
    import dataclasses
    import marshal
    _state["path"] = path = _path()
    memo: dict = {}
    if path is not None:
        try:
            with open(path, "rb") as f:
                memo = marshal.load(f)
            if not isinstance(memo, dict) or len(memo) > MAX_TEXTS:
                memo = {}
        except Exception:  # missing, cut short, another version's: compiled again as needed
            memo = {}
    _state.update(memo=memo, new=0)

    def _exec(source, globals=None, locals=None):
        if isinstance(source, str):
            kept = memo.get(source)
            code = None
            if type(kept) is bytes:
                try:
                    code = marshal.loads(kept)
                except Exception:
                    code = None
            if code is None:
                code = compile(source, "<string>", "exec")  # what exec(source) compiles
                memo[source] = marshal.dumps(code)
                _state["new"] += 1
            source = code
        return builtins.exec(source, globals, locals)
    if getattr(dataclasses, "_create_fn", None) is None:
        return  # another dataclasses than the one this was written for: leave it alone
    dataclasses.exec = _exec  # the module's global shadows the builtin it calls
    import atexit
    atexit.register(save)


def save() -> None:
    """Write the kept code if this run compiled anything new (atomically)."""
    path = _state.get("path")
    if not path or not _state.get("new"):
        return
    import marshal
    import tempfile
    tmp = ""
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            marshal.dump(_state["memo"], f)
        os.replace(tmp, path)
        _state["new"] = 0
    except Exception:  # a read-only or full disk only costs the next run its compiles
        try:
            os.unlink(tmp)
        except Exception:
            pass


__all__ = ["install", "save"]
