"""Why a path named on the command line (or in a flowdbg file) cannot be read:
one wording for every command (``flowdbg: error: nope.yaml: no such file``)."""
from __future__ import annotations

import os


def file_problem(path: str, folder_ok: bool = False) -> str | None:
    """``"no such file"``, ``"is a directory, not a file"``, ``"cannot read it: Permission denied"``,
    or None when ``path`` is a readable file (or, with ``folder_ok``, a folder)."""
    if not os.path.exists(path):
        return "no such file or folder" if folder_ok else "no such file"
    if os.path.isdir(path):
        return None if folder_ok else "is a directory, not a file"
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        return f"cannot read it: {e.strerror or e}"
    return None


__all__ = ["file_problem"]
