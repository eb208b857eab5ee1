"""Where sessions are saved by default: the user's state directory."""
from __future__ import annotations

import hashlib
import os


def state_dir() -> str:
    try:
        import platformdirs
        return os.path.join(platformdirs.user_state_dir("flowdbg"), "sessions")
    except Exception:  # platformdirs missing: a plain fallback
        return os.path.join(os.path.expanduser("~"), ".local", "state", "flowdbg", "sessions")


def default_session_dir(flow_path: str) -> str:
    ap = os.path.abspath(flow_path)
    tag = hashlib.sha256(ap.encode()).hexdigest()[:10]
    return os.path.join(state_dir(), f"{os.path.basename(flow_path)}-{tag}")


def latest_session(flow_path: str) -> str | None:
    d = default_session_dir(flow_path)
    if not os.path.isdir(d):
        return None
    files = sorted(f for f in os.listdir(d) if f.endswith(".jsonl"))
    return os.path.join(d, files[-1]) if files else None
