"""A flowdbg bug: one line on stderr and the traceback (secrets scrubbed) in a private
crash log, never a traceback on the terminal."""
from __future__ import annotations

import os
import sys


def crash_dir() -> str:
    """The per-user directory for crash logs (platformdirs' state directory,
    e.g. ~/.local/state/flowdbg/crashes), created 0700 and checked to be a
    real directory of this user, not a symlink someone else planted."""
    import platformdirs
    import stat
    path = os.path.join(platformdirs.user_state_dir("flowdbg"), "crashes")
    os.makedirs(path, mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise OSError(f"{path} is not a directory of this user")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


MAX_CRASH_LOGS = 20


def write_crash_log(text: str) -> str:
    """Write ``text`` to a new file in :func:`crash_dir` (O_EXCL|O_NOFOLLOW,
    0600: never through a symlink, never over another file, never readable by
    other users); keeps the newest MAX_CRASH_LOGS. Returns the path."""
    import time
    d = crash_dir()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for n in range(100):
        path = os.path.join(d, f"crash-{stamp}-{os.getpid()}{f'-{n}' if n else ''}.log")
        try:
            fd = os.open(path, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise OSError("no free crash log name")
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
        f.write(text)
    logs = sorted(x for x in os.listdir(d) if x.startswith("crash-") and x.endswith(".log"))
    for old in logs[:-MAX_CRASH_LOGS]:
        try:
            os.unlink(os.path.join(d, old))
        except OSError:
            pass
    return path


def _report_bug(e: Exception) -> int:
    import traceback
    from flowdbg.engine.scrub import scrub_text
    try:
        path = write_crash_log(scrub_text(traceback.format_exc()))
    except Exception:  # noqa: BLE001 - reporting a bug must not raise another
        path = "(could not write a log)"
    print(f"flowdbg: internal error: {type(e).__name__}: {scrub_text(str(e))} (details in {path})", file=sys.stderr)
    return 70
