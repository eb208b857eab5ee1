"""Output files are written whole or not at all.

A history, a JUnit report, a picture: each is written to a temporary file
beside its target and renamed over it once complete (``os.replace`` is atomic
on POSIX and Windows), so a Ctrl-C, a full disk or a crash in the middle never
leaves a cut-off file where a complete one (or an older one) should be.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from typing import IO, Iterator


@contextlib.contextmanager
def atomic_write(path: str, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """``with atomic_write(path) as f: f.write(...)``: ``path`` gets the
    whole text when the block ends normally; on any exception (Ctrl-C's
    KeyboardInterrupt included) the temporary file is removed and ``path``
    is left as it was. A file replaced keeps its permissions; a new one gets
    the usual ones (0666 less the umask), as ``open(path, "w")`` would give."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass  # a new file (or one we may not stat): the default mode stands
        kw = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kw) as f:
            fd = -1
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_file(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_write(path) as f:
        f.write(text)


__all__ = ["atomic_write", "write_file"]
