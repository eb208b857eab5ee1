"""Run one flow to its end with given input and mocks: the Python API.

    from flowdbg import run_flow
    result = run_flow("claim.yaml", {"claimId": "C-1", "amount": 500},
                      mock_overrides={"callbacks": {"Wait for an adjuster": [{"succeed": {"ok": True}}]}})
    assert result.status == "Succeeded" and result.output == {"paid": True}
    assert "Pay" in result.states

It drives the same :class:`~flowdbg.engine.session.Session` as ``flowdbg
run`` (``run_to_end``: nobody can answer a callback, so the virtual clock
jumps to a waiting task's Timeout), and ``flowdbg test`` runs every case
through it.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

from ..backends.base import BackendError
from ..definition import Definition, load_definition
from ..execution import Execution, StepRecord
from ..mocks import MockFile, load_mocks
from ..runner import BackendConfig, default_mocks_path, make_backends, summarize
from .coverage import node_key
from .mocksource import MockLayer, mapping_layer

MockSource = Union[str, "os.PathLike[str]", dict, MockFile, MockLayer]


class FlowInvalid(Exception):
    """The flow (or a mock file) has errors; ``diagnostics`` are ``file:line:col: ...`` lines."""

    def __init__(self, diagnostics: list[str]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(diagnostics))


class RunError(Exception):
    """The run could not go on: no mock answers a call, a backend is misconfigured."""


@dataclass
class FlowResult:
    """What one execution did. ``error`` is ``{"code", "detail"}`` when it
    failed; ``states`` the names of the states entered, in order (``keys``
    the same as qualified names, ``Map1/Price``); ``events`` and ``pending``
    as ``flowdbg run --json`` prints them; ``records`` every stage of every
    state (:class:`~flowdbg.engine.execution.StepRecord`)."""

    status: str
    output: Any
    error: dict | None
    states: list[str]
    events: list[dict]
    pending: list[dict] = field(default_factory=list)
    records: list[StepRecord] = field(default_factory=list, repr=False)
    keys: list[str] = field(default_factory=list, repr=False)
    time: float = 0.0
    execution: Execution | None = field(default=None, repr=False, compare=False)

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"

    def entered(self, state: str) -> int:
        """How many times ``state`` (a name or a qualified name) was entered."""
        return sum(1 for r, k in zip(self.records, self.keys) if state in (r.state, k))


def merge_mocks(*layers: MockFile | MockLayer) -> MockFile:
    """Later layers override earlier ones key by key: a function, state or
    callback named in a later layer gets that layer's answers (none, if the
    layer empties it), the others keep theirs. ``local:`` paths are made
    absolute first (each is relative to its own mock file)."""
    given = [x if isinstance(x, MockLayer) else MockLayer(x) for x in layers if x is not None]
    if not given:
        return MockFile()
    files = [_absolute_local(g.mocks) for g in given]
    out = MockFile(path=next((m.path for m in files if m.path), ""))
    for f in dataclasses.fields(MockFile):
        if f.name == "path":
            continue
        values = [getattr(m, f.name) for m in files]
        if isinstance(values[0], dict):
            merged: Any = {}
            for g, v in zip(given, values):
                for section, key in g.removed:
                    if section == f.name:
                        merged.pop(key, None)
                merged.update(v)
        elif isinstance(values[0], (list, tuple)):
            merged = list(dict.fromkeys(x for v in values for x in v))
        else:
            merged = next((v for v in reversed(values) if v), values[0])
        setattr(out, f.name, merged)
    return out


def _absolute_local(m: MockFile) -> MockFile:
    if not m.local:
        return m
    base = os.path.dirname(os.path.abspath(m.path)) if m.path else os.getcwd()
    local = {}
    for fn, spec in m.local.items():
        file, sep, handler = spec.rpartition(":")
        local[fn] = f"{os.path.join(base, file)}{sep}{handler}" if sep else spec
    return dataclasses.replace(m, local=local)


def as_mocks(source: MockSource, base_dir: str | None = None) -> MockFile | MockLayer:
    """Mocks from a path, a mapping in the mock file's shape, or a MockFile."""
    if isinstance(source, (MockFile, MockLayer)):
        return source
    if isinstance(source, dict):
        return mapping_layer(source)
    path = os.fspath(source)
    if base_dir and not os.path.isabs(path):
        path = os.path.join(base_dir, path)
    return load_mocks(path)


def load_flow(flow: str | os.PathLike | Definition) -> Definition:
    d = flow if isinstance(flow, Definition) else load_definition(os.fspath(flow))
    if d.flow is None:
        raise FlowInvalid([x.format(d.path) for x in d.errors])
    return d


@dataclass(frozen=True)
class Limits:
    """How far a run may go: ``max_steps`` guards against endless loops (the run
    then ends Running); ``max_events`` is CloudFlow's events-per-execution limit
    (None: the flow type's own, 5,000 for Standard flows)."""

    max_steps: int = 1_000_000
    max_events: int | None = None


def run_definition(definition: Definition, input: dict, mocks: MockFile, *, seed: int = 0,
                   limits: Limits = Limits(), backends: BackendConfig | None = None) -> FlowResult:
    """Run ``definition`` to its end (or until it waits on a callback nobody
    can send). Raises :class:`RunError` when a call has no answer."""
    from ..session import Session, SessionError  # the session package is large; only a run needs it
    cfg = backends or BackendConfig(base_dir=os.getcwd())
    try:
        session = Session(definition, input, mocks=mocks, backends=make_backends(mocks, cfg), seed=seed,
                          max_events=limits.max_events)
        stop = session.run_to_end(max_steps=limits.max_steps, jump_clock=True)
    except (SessionError, BackendError) as e:
        raise RunError(str(e)) from None
    if stop.reason == "error":
        raise RunError(stop.message)
    ex = session.execution
    s = summarize(ex)
    return FlowResult(status=s["status"], output=s["output"], error=s["error"], states=s["states"],
                      events=s["events"], pending=s["pending"], records=list(ex.records),
                      keys=[node_key(r.frame, r.state) for r in ex.records], time=ex.clock, execution=ex)


def run_flow(flow: str | os.PathLike | Definition, input: dict | None = None, *,
             mocks: MockSource | None = None, mock_overrides: MockSource | Iterable[MockSource] | None = None,
             seed: int = 0, max_steps: int = 1_000_000, max_events: int | None = None,
             local: dict[str, str] | None = None, base_dir: str | None = None) -> FlowResult:
    """Run ``flow`` (a path or a loaded Definition) with ``input`` (a JSON
    object, default ``{}``).

    ``mocks``: a mock file path, a mapping in the mock file's shape, or a
    MockFile (default: the flow's sibling ``FLOW.mocks.yaml``, if any).
    ``mock_overrides``: one more such source, or a list of them, merged
    over ``mocks`` key by key (as a test case's ``mocks:``). ``max_steps``
    stops a loop (the result is then Running); ``max_events`` raises CloudFlow's
    events-per-execution limit (default: 5,000 for Standard flows). ``local``: as
    ``--local``, ``{"function": "path/handler.py:handler"}``. Relative paths
    are taken from ``base_dir`` (default: the working directory).

    Raises :class:`FlowInvalid` for a flow with errors,
    :class:`~flowdbg.engine.mocks.MockFileError` for a bad mock file and
    :class:`RunError` when a call has no answer.
    """
    if base_dir and not isinstance(flow, Definition) and not os.path.isabs(os.fspath(flow)):
        flow = os.path.join(base_dir, os.fspath(flow))
    definition = load_flow(flow)
    if input is None:
        input = {}
    if not isinstance(input, dict):
        raise TypeError(f"input must be a dict (a JSON object), not {type(input).__name__}")
    if mocks is None:
        found = default_mocks_path(definition.path)
        base = load_mocks(found) if found else MockFile()
    else:
        base = as_mocks(mocks, base_dir)
    extra: list[MockSource] = []
    if mock_overrides is not None:
        extra = (list(mock_overrides) if isinstance(mock_overrides, (list, tuple)) else [mock_overrides])
    merged = merge_mocks(base, *(as_mocks(m, base_dir) for m in extra))
    cfg = BackendConfig(local=dict(local or {}), base_dir=base_dir or os.getcwd())
    return run_definition(definition, input, merged, seed=seed, limits=Limits(max_steps, max_events), backends=cfg)


__all__ = ["run_flow", "run_definition", "Limits", "FlowResult", "FlowInvalid", "RunError", "merge_mocks", "as_mocks",
           "load_flow"]
