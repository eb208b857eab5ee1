"""Parsed stylesheets kept between runs.

Textual parses every stylesheet of the app (its own widgets' DEFAULT_CSS,
flowdbg's ``app.tcss`` and widgets, ~12,500 characters before the first
frame) each time the app starts: ~60 M instructions, a twentieth of the
debugger's start-up. As Python keeps bytecode, this keeps what Textual made
of each text: the stylesheet's own parse cache (``Stylesheet._parse_cache``,
keyed by the text, where it was read from and how) is filled from an entry of
the definition cache (``engine/defcache.py``) before anything is parsed, and
written back after the first frame when that parsed anything new (at exit, if
the app closed before). Only what start-up parses is kept: the texts parsed
later (dialogs, the panes behind a tab) would cost every start their
unpickling for parses that are not in its way. A text's
rules hold only for the theme variables it was parsed with (its ``$accent``
is substituted when it is parsed), and the entry for one Textual and Python
version only.

This uses a private part of Textual; any surprise in it (another shape of
key, an entry that cannot be read) leaves the stylesheet to parse as it always
did. ``FLOWDBG_NO_CACHE=1`` turns it off with the other caches.
"""
from __future__ import annotations

import hashlib
import os
import sys

FORMAT = 1
#: entries kept at most (the debugger parses ~30 texts; edits to app.tcss add one each)
MAX_ENTRIES = 200

_state: dict = {}


def key() -> str:
    """The definition cache's key of this Textual's and Python's parsed
    stylesheets (one entry, read and written with ``defcache.get``/``put_value``)."""
    return hashlib.sha256(f"textual-css\0{FORMAT}\0{_textual_files()}\0{sys.version}".encode()).hexdigest()


def _textual_files() -> str:
    """Which Textual made the entries: its CSS modules' sizes and times (its
    ``__version__`` is read from the package metadata, ~45 M instructions)."""
    import textual.css
    folder = os.path.dirname(textual.css.__file__)
    out = [folder]
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            st = os.stat(os.path.join(folder, name))
            out.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(out)


def _variables(stylesheet) -> str:
    """What the theme gives the texts to substitute (an entry is good for these only)."""
    items = sorted((str(k), str(v)) for k, v in stylesheet._variables.items())
    return hashlib.sha256(repr(items).encode()).hexdigest()


def load(stylesheet) -> None:
    """Fill ``stylesheet``'s parse cache with the texts parsed before under
    the same theme variables (once per stylesheet)."""
    from flowdbg.engine import defcache
    if defcache.cache_dir() is None:  # FLOWDBG_NO_CACHE
        return
    try:
        cache = stylesheet._parse_cache
        variables = _variables(stylesheet)
        k = key()
        entries = defcache.get(k)  # None when missing, cut short or another version's
        if not isinstance(entries, dict):
            entries = {}
        for (text_key, made_with), rules in entries.items():
            if made_with == variables:
                cache.set(text_key, rules)
        if not _state:
            import atexit
            atexit.register(_save_once)  # an app closed before its first frame's save (a quick q)
        _state.update(key=k, entries=entries, stylesheet=stylesheet, saved=False)
    except Exception:  # Textual changed inside: parse as it always did
        _state.clear()


def _save_once() -> None:
    if not _state.get("saved"):
        save()


def save() -> None:
    """Write the parse cache back if this run parsed a text it did not hold
    (a failure only costs the next run its parses)."""
    k, stylesheet = _state.get("key"), _state.get("stylesheet")
    if not k or stylesheet is None:
        return
    _state["saved"] = True
    try:
        entries: dict = _state["entries"]
        variables = _variables(stylesheet)
        cache = stylesheet._parse_cache
        new = {(text_key, variables): cache.get(text_key) for text_key in list(cache.keys())
               if (text_key, variables) not in entries and cache.get(text_key) is not None}
        if not new:
            return
        # a text parsed anew from where an entry's text was read (app.tcss edited, flowdbg
        # upgraded) makes that entry stale: dropped, so the entry does not grow with each version
        sources = {(text_key[1:], made_with) for text_key, made_with in new}
        kept = {**new, **{e: v for e, v in entries.items() if e not in new and (e[0][1:], e[1]) not in sources}}
        entries = dict(list(kept.items())[:MAX_ENTRIES])
    except Exception:  # Textual changed inside
        return
    from flowdbg.engine import defcache
    defcache.put_value(k, entries)  # atomically, in the user-only cache folder
    _state["entries"] = entries


__all__ = ["load", "save"]
