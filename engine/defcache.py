"""The definition cache: a flow built once loads again without being parsed,
validated or built, as Python keeps bytecode in ``__pycache__``; a mock file
read once loads again without YAML (``mocks.parse.load_mocks``).

A 5,000-state flow takes far longer to parse as YAML than to run, and users
run the same flow again and again (a mock edited, a test rerun, the
debugger restarted). The cache holds the built model and the diagnostics of
flows that have no errors, keyed by the file's bytes, the Express option and
a fingerprint of flowdbg's own engine code, so an edit to either makes a new
entry. It lives in the user's cache directory (``FLOWDBG_CACHE_DIR`` moves
it, ``FLOWDBG_NO_CACHE=1`` turns it off), written atomically, in a folder
only the user can read; an entry that cannot be read is ignored.
"""
from __future__ import annotations

import hashlib
import os
import sys

FORMAT = 1
MAX_ENTRIES = 256
_fingerprint_memo: list[str] = []


def _fingerprint() -> str:
    """What the engine code is: its files' names, sizes and times."""
    if not _fingerprint_memo:
        h = hashlib.sha256(f"{FORMAT}\0{sys.version}".encode())
        root = os.path.dirname(os.path.abspath(__file__))
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"{os.path.relpath(os.path.join(folder, name), root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        _fingerprint_memo.append(h.hexdigest())
    return _fingerprint_memo[0]


def cache_dir() -> str | None:
    if os.environ.get("FLOWDBG_NO_CACHE"):
        return None
    d = os.environ.get("FLOWDBG_CACHE_DIR")
    if not d:
        try:
            import platformdirs
            d = platformdirs.user_cache_dir("flowdbg")
        except Exception:
            return None
    return os.path.join(d, "definitions")


def key(data: bytes, express: bool) -> str:
    h = hashlib.sha256(_fingerprint().encode())
    h.update(b"\0express\0" if express else b"\0standard\0")
    h.update(data)
    return h.hexdigest()


def mocks_key(data: bytes, path: str) -> str:
    """A mock file's entry: its bytes and the path it was named by (the
    MockFile keeps it, and its messages say it)."""
    h = hashlib.sha256(_fingerprint().encode())
    h.update(b"\0mocks\0" + path.encode("utf-8", "surrogateescape") + b"\0")
    h.update(data)
    return h.hexdigest()


def get(k: str):
    """What was put under key ``k`` (a definition's ``(diagnostics, flow)``,
    a MockFile), or None."""
    d = cache_dir()
    if d is None:
        return None
    try:
        import pickle
        with open(os.path.join(d, k + ".pickle"), "rb") as f:
            return pickle.load(f)
    except Exception:  # missing, cut short, or written by another version: build it again
        return None


#: a flow of at least this many bytes has its entry written by a background process
#: (Linux): pickling a 5,000-state flow and the digests it carries took a third of
#: that flow's first `flowdbg run`, which need not wait for it
BACKGROUND_BYTES = 32_768


def put(k: str, diagnostics, flow, size: int = 0) -> None:
    value = (tuple(diagnostics), flow)
    if size >= BACKGROUND_BYTES and cache_dir() is not None and _in_background(lambda: put_value(k, value)):
        return
    put_value(k, value)


def _in_background(write) -> bool:
    """Run ``write()`` in a detached grandchild process and return True at once;
    False (nothing run) where that cannot be done safely."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    import threading
    if threading.active_count() > 1:  # fork copies only this thread: another's locks would stay held
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid:
        try:
            os.waitpid(pid, 0)  # the child forks once more and exits at once
        except ChildProcessError:
            pass
        return True
    try:  # the child: a new session (no Ctrl-C from the terminal), no stdio, then a grandchild
        os.setsid()
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            write()
    except BaseException:  # nothing of it may reach the user: the next run writes the entry
        pass
    os._exit(0)


def put_value(k: str, value) -> None:
    d = cache_dir()
    if d is None:
        return
    import pickle
    import tempfile
    tmp = ""
    try:
        os.makedirs(d, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(d, k + ".pickle"))
        _prune(d)
    except Exception:  # a read-only or full disk only costs the next run its parse
        try:
            os.unlink(tmp)
        except Exception:
            pass


def _prune(d: str) -> None:
    import time
    entries = []
    for e in os.scandir(d):
        if e.name.endswith(".pickle"):
            entries.append(e)
        elif e.name.endswith(".tmp"):  # a writer killed before its rename
            try:
                if e.stat().st_mtime < time.time() - 3600:
                    os.unlink(e.path)
            except OSError:
                pass
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for e in entries[: len(entries) - MAX_ENTRIES]:
        try:
            os.unlink(e.path)
        except OSError:
            pass


__all__ = ["key", "mocks_key", "get", "put", "put_value", "cache_dir"]
