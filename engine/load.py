"""Load: FDL YAML text -> a tree of nodes that remember their line and column.

Only safe loading is used: libyaml's parser (pyyaml's ``CSafeLoader``), whose
events :mod:`.load_events` turns into nodes; the reference loader
(:mod:`.load_composed`: pyyaml's composer, then a builder) takes the texts the
fast one steps aside from. Nothing in a definition can construct Python
objects. Every problem becomes a :class:`~.diagnostics.Diagnostic`; this module
never raises on bad input (:mod:`.yaml_errors` words what is not YAML).

Typos that Alibaba's own pages carry (a tab in the indentation, ``-Name:``
without a space, ``//`` comments) get a hint that says how to fix them.
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass

from . import load_composed, load_events
from .diagnostics import ERROR, Diagnostic
from .files import file_problem
from .nodes import Map, Node, Scalar, Seq, to_python, walk  # noqa: F401 (re-exported: the loader's output)


@dataclass(frozen=True)
class LoadResult:
    """``root`` is ``None`` when the text is not YAML at all."""

    root: Node | None
    diagnostics: tuple[Diagnostic, ...]
    text: str


_SURROGATE = re.compile("[\ud800-\udfff]")


@contextmanager
def no_cyclic_gc():
    """Building allocates ~10 objects per line and frees none, so
    the cyclic GC runs again and again over a growing heap (over half the time
    of loading a 5,000-state flow; validating and building the model from the
    nodes, a sixth of theirs). None of them makes reference cycles that
    refcounting could not free; the GC runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_text(text: str) -> LoadResult:
    """Parse ``text`` into nodes. Never raises on bad input."""
    with no_cyclic_gc():
        return _load_text(text)


def _load_text(text: str) -> LoadResult:
    if not text.isascii() and (m := _SURROGATE.search(text)):  # only from text not read as UTF-8
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        return LoadResult(None, (Diagnostic(ERROR, "encoding", line, col,
                                            f"a lone surrogate \\u{ord(m.group()):04x} is not a character"),), text)
    try:
        root, found = load_events.load(text)
    except load_events.StepAside:
        root, found = load_composed.load(text)
    return LoadResult(root, tuple(found), text)


def load_file(path: str) -> LoadResult:
    """Read and parse a definition file. An unreadable file is a diagnostic."""
    problem = file_problem(path)
    if problem is None:
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            problem = f"cannot read it: {e.strerror or e}"
    if problem is not None:  # line 0: about the file as a whole (``path: error: no such file``)
        return LoadResult(None, (Diagnostic(ERROR, "io", 0, 0, problem),), "")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return LoadResult(None, (Diagnostic(ERROR, "encoding", line, 1, "the file is not UTF-8 text"),), "")
    return load_text(text)
