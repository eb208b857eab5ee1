"""The mock file's model: its entries, sections and the error a malformed one raises."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..nodes import Map

_FUNCTION_KEYS = {"body", "error", "detail", "times", "delay", "log", "when"}
_STATE_KEYS = {"result", "error", "detail", "times", "delay", "when"}
_CALLBACK_KEYS = {"succeed", "fail", "after", "times", "when"}
#: What a ``when:`` may match, per section: the request as the door sees it.
WHEN_KEYS = {"functions": ("body", "scope", "attempt", "state", "invocationType"),
             "states": ("parameters", "scope", "attempt"),
             "callbacks": ("parameters", "scope", "attempt")}
SECTIONS = ("functions", "states", "callbacks", "local", "live", "flows")
MAX_DELAY = 365 * 86400  # virtual seconds; a call or callback later than a year could never be seen


@dataclass(frozen=True)
class Entry:
    data: dict
    times: int = 1
    line: int = 0
    when: dict | None = None  # a subset of the request this entry answers; None answers any
    node: Map | None = field(default=None, compare=False, repr=False)  # for positions (mock_check)


@dataclass
class MockFile:
    path: str = ""
    functions: dict[str, list[Entry]] = field(default_factory=dict)
    states: dict[str, list[Entry]] = field(default_factory=dict)
    callbacks: dict[str, list[Entry]] = field(default_factory=dict)
    local: dict[str, str] = field(default_factory=dict)
    live: list[str] = field(default_factory=list)
    flows: dict[str, str] = field(default_factory=dict)
    #: the loader's warnings (yaml11-value, yaml-tag), ``path:line:col`` with ``d.format(path)``
    warnings: list[Diagnostic] = field(default_factory=list)
    #: (section, key) -> (line, col) of each key, for diagnostics about the file
    positions: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    #: (section, key) -> a value as written, where the file keeps another form (flows: relative paths)
    written: dict[tuple[str, str], str] = field(default_factory=dict)

    def where(self, line: int) -> str:
        """``file:line`` of an entry, as ``--json`` and the Record view show it."""
        return f"{self.path or '<mocks>'}:{line}"


class MockFileError(Exception):
    """A malformed mock file; ``diagnostics`` locate each problem. ``partial``:
    what did parse (None when nothing could), so what can be checked against
    the flow (engine.mock_check) is reported with the errors, not after them."""

    def __init__(self, path: str, diagnostics: list[Diagnostic], partial: "MockFile | None" = None):
        self.path = path
        self.diagnostics = diagnostics
        self.partial = partial
        super().__init__("\n".join(d.format(path) for d in diagnostics))


#: What each section's answer must have one of (a slip of one of them is said so, once).
_NEEDS = {"functions": ("body", "error"), "states": ("result", "error"), "callbacks": ("succeed", "fail")}
