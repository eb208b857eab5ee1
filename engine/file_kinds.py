"""Which of flowdbg's files a YAML file is: a flow, a mock file or a test file.

The three are easy to give one for another (``run claim.yaml --mocks
claim.yaml``, ``validate *.yaml`` over a folder that holds all three). Each
reader asks :func:`kind_of` first and, on a file of another kind, reports one
line that says what the file is and where it belongs (:func:`wrong_kind`),
not the dozen "unknown section 'Type'" errors of reading it as what it is not.
"""
from __future__ import annotations

import os

from .nodes import Map

FLOW, MOCKS, TESTS = "flow", "mock file", "test file"

#: Top-level keys only a flow has (FDL v1, and the legacy format's version/type/steps).
FLOW_KEYS = frozenset({"Type", "SpecVersion", "StartAt", "States", "steps", "type", "version"})
MOCK_KEYS = frozenset({"functions", "states", "callbacks", "local", "live", "flows"})
TEST_KEYS = frozenset({"cases", "flow"})  # and 'mocks', which says nothing on its own

_SUFFIXES = ((TESTS, (".tests.yaml", ".tests.yml")), (MOCKS, (".mocks.yaml", ".mocks.yml", ".mocks.json")))


def kind_by_name(path: str) -> str | None:
    """TESTS or MOCKS from the file's name (``x.tests.yaml``, ``x.mocks.yaml``), else None."""
    for kind, suffixes in _SUFFIXES:
        if path.endswith(suffixes):
            return kind
    return None


def kind_of(root) -> str | None:
    """What a loaded file's top level says it is; None when it says nothing
    (not a mapping, or no key any of the three has)."""
    if not isinstance(root, Map):
        return None
    keys = {k for k in root.keys() if isinstance(k, str)}
    if keys & FLOW_KEYS:
        return FLOW
    if keys & TEST_KEYS:
        return TESTS
    if keys & MOCK_KEYS:
        return MOCKS
    return None


_WHAT = {
    FLOW: "a flow definition (Type: StateMachine, States, ...)",
    MOCKS: "a flowdbg mock file (functions, states, callbacks, ...)",
    TESTS: "a flowdbg test file (cases: ...)",
}
_WHERE = {  # how a file of this kind is used instead
    FLOW: "a flow is given as FLOW; its mock file is FLOW.mocks.yaml beside it (or --mocks PATH)",
    MOCKS: "flowdbg reads a mock file given with --mocks, or the one beside the flow (x.yaml -> x.mocks.yaml)",
    TESTS: "run it with 'flowdbg test FILE'; it names its flow with 'flow:' (default: NAME.yaml beside it)",
}


_A = {FLOW: "a flow definition", MOCKS: "a mock file", TESTS: "a test file"}


def wrong_kind(found: str, wanted: str) -> tuple[str, str]:
    """``(message, hint)`` for a file of kind ``found`` given where a ``wanted`` belongs
    (FLOW, MOCKS, TESTS, or what else is wanted, with its article: "a session journal")."""
    return f"this is {_WHAT[found]}, not {_A.get(wanted, wanted)}", _WHERE[found]


def kind_of_text(text: str) -> str | None:
    """The kind of a flowdbg YAML file in ``text``: for a reader that wanted
    JSON (a journal, a history, an input) and got one of these instead."""
    from .load import load_text  # YAML only on this error path
    try:
        return kind_of(load_text(text).root)
    except Exception:  # noqa: BLE001 - only a better message is at stake
        return None


def not_json_but(text: str, path: str, wanted: str) -> str | None:
    """``path: this is a flow definition (...), not a session journal (hint)`` when
    ``text`` is one of flowdbg's YAML files, else None."""
    found = kind_of_text(text)
    if found is None:
        return None
    message, hint = wrong_kind(found, wanted)
    return f"{path}: {message} ({hint})"


def other_kind(root, wanted: str) -> tuple[str, str] | None:
    """:func:`wrong_kind` when ``root`` is plainly another kind of file than ``wanted``, else None."""
    found = kind_of(root)
    return wrong_kind(found, wanted) if found is not None and found != wanted else None


def shown(path: str) -> str:
    """``path`` as the user would type it: relative to the working directory when under it."""
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return path if rel.startswith("..") else rel


__all__ = ["FLOW", "MOCKS", "TESTS", "FLOW_KEYS", "MOCK_KEYS", "TEST_KEYS", "kind_by_name", "kind_of", "wrong_kind",
           "other_kind", "kind_of_text", "not_json_but", "shown"]
