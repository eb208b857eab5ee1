"""The cyclic GC is paused while the debugger starts, and runs again after
its first frame.

Start-up allocates some hundreds of thousands of objects (Textual's and
flowdbg's modules and classes, the stylesheet, the widgets) and frees almost
none, so each collection scans a bigger heap for cycles it does not find: 6%
of the instructions to the first screen (claim-review: 1,422 M with the GC,
1,339 M without). After the first frame the GC is on again, and what start-up
made is moved out of its reach (``gc.freeze``): those objects live as long as
the app does, and every later full collection would scan them again.
"""
from __future__ import annotations

import gc

_paused: list[bool] = []


def pause() -> None:
    """Pause the GC (the ``flowdbg`` console script, before Textual is imported)."""
    if not _paused and gc.isenabled():
        gc.disable()
        _paused.append(True)


def resume() -> None:
    """The GC on again, if ``pause`` stopped it, with start-up's objects frozen (once)."""
    if _paused:
        _paused.clear()
        gc.freeze()
        gc.enable()
