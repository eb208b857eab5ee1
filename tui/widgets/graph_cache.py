"""Drawings of a flow kept between runs (no Textual).

The graph pane draws the same flow the same way every time it is opened at
the same size, and laying a drawing out (grandalf's Sugiyama layout, then
the edges) was the largest cost of the debugger's first screen after Textual
itself: ~5 ms a drawing, and the pane tries up to seven to find the one that
fits. Kept in the definition cache (engine/defcache.py: ``FLOWDBG_CACHE_DIR``
moves it, ``FLOWDBG_NO_CACHE=1`` turns it off), keyed by the flow's source,
the drawing's variant and the code that draws (the engine's and these
files' names, sizes and times), so an edit to any of them draws anew.
"""
from __future__ import annotations

import hashlib
import os

from flowdbg.engine import defcache

_TUI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: what a drawing is made by, besides the engine: this folder, and the state texts and keys it uses
_CODE = (os.path.join(_TUI, "widgets"), os.path.join(_TUI, "state_text.py"), os.path.join(_TUI, "run_overlay.py"))
_memo: list[str] = []


def _code() -> str:
    if not _memo:
        h = hashlib.sha256()
        for where in _CODE:
            names = sorted(n for n in os.listdir(where) if n.endswith(".py")) if os.path.isdir(where) else [""]
            for name in names:
                st = os.stat(os.path.join(where, name) if name else where)
                h.update(f"{where}\0{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        _memo.append(h.hexdigest())
    return _memo[0]


def key(flow, kind: str, *variant) -> str | None:
    """The entry of one drawing of ``flow`` (None: not kept, a flow built from no source)."""
    source = getattr(flow, "source", None)
    if not isinstance(source, str):
        return None
    try:
        code = _code()
    except OSError:
        return None
    tail = f"\0graph\0{code}\0{kind}\0{variant!r}\0{getattr(flow, 'format', 'v1')}\0".encode()
    return defcache.key(source.encode("utf-8", "surrogatepass") + tail, False)


def drawing(flow, kind: str, variant: tuple, make):
    """``make()`` once: later runs load what it returned."""
    k = key(flow, kind, *variant)
    if k is None:
        return make()
    hit = defcache.get(k)
    if hit is not None and type(hit).__name__ == "Picture":
        return hit
    pic = make()
    defcache.put_value(k, pic)
    return pic


__all__ = ["drawing", "key"]
