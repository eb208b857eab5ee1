"""Parsed stylesheets kept between runs.

Textual parses every stylesheet of the app (its own widgets' DEFAULT_CSS,
flowdbg's ``app.tcss`` and widgets, ~12,500 characters before the first
frame) each time the app starts: ~60 M instructions, a twentieth of the
debugger's start-up. As Python keeps bytecode, this keeps what Textual made
of each text: the stylesheet's own parse cache (``Stylesheet._parse_cache``,
keyed by the text, where it was read from and how) is filled from the file
before anything is parsed, and written back after the first frame when that
parsed anything new. Only what start-up parses is kept: the texts parsed
later (dialogs, the panes behind a tab) would cost every start their
unpickling for parses that are not in its way. An entry holds only for the theme variables it
was parsed with (the text's ``$accent`` is substituted when it is parsed), and
the file for one Textual and Python version only.

This uses a private part of Textual; any surprise in it (another shape of
key, a file that cannot be read) leaves the stylesheet to parse as it always
did. ``FLOWDBG_NO_CACHE=1`` turns it off with the other caches.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys

FORMAT = 1
#: entries kept at most (the debugger parses ~30 texts; edits to app.tcss add one each)
MAX_ENTRIES = 200

_state: dict = {}


def _path() -> str | None:
    from flowdbg.engine.defcache import cache_dir
    d = cache_dir()
    if d is None:
        return None
    tag = hashlib.sha256(f"{FORMAT}\0{_textual_files()}\0{sys.version}".encode()).hexdigest()[:16]
    return os.path.join(os.path.dirname(d), f"textual-css-{tag}.pickle")


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
    if os.environ.get("FLOWDBG_NO_CACHE"):
        return
    try:
        cache = stylesheet._parse_cache
        variables = _variables(stylesheet)
        path = _path()
        entries: dict = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    entries = pickle.load(f)
                if not isinstance(entries, dict):
                    entries = {}
            except Exception:  # missing, cut short, another version's: parsed again as needed
                entries = {}
        for (key, made_with), rules in entries.items():
            if made_with == variables:
                cache.set(key, rules)
        _state.update(path=path, entries=entries, stylesheet=stylesheet)
    except Exception:  # Textual changed inside: parse as it always did
        _state.clear()


def save() -> None:
    """Write the parse cache back if this run parsed a text it did not hold
    (atomically; a failure only costs the next run its parses)."""
    path, stylesheet = _state.get("path"), _state.get("stylesheet")
    if not path or stylesheet is None:
        return
    tmp = ""
    try:
        entries: dict = _state["entries"]
        variables = _variables(stylesheet)
        cache = stylesheet._parse_cache
        new = {(key, variables): cache.get(key) for key in list(cache.keys())
               if (key, variables) not in entries and cache.get(key) is not None}
        if not new:
            return
        # a text parsed anew from where an entry's text was read (app.tcss edited, flowdbg
        # upgraded) makes that entry stale: dropped, so the file does not grow with each version
        sources = {(key[1:], variables) for key, variables in new}
        kept = {**new, **{k: v for k, v in entries.items() if k not in new and (k[0][1:], k[1]) not in sources}}
        entries = dict(list(kept.items())[:MAX_ENTRIES])
        data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        _state["entries"] = entries
    except Exception:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


__all__ = ["load", "save"]
