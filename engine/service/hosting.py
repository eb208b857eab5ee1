"""Hosting executions: definitions checked like ``flowdbg validate``, each
flow's mock file and backends (reloaded when the file changes), one
:class:`~.driver.Driver` per execution, and listeners told of every change
(the ``serve --debug`` screen)."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from dataclasses import dataclass, field
from typing import Callable

from ..definition import Definition, parse_definition
from ..mocks import MockFile, MockFileError, load_mocks
from ..runner import BackendConfig, consent_refusal, make_backends, needing_consent
from . import errors as X
from .driver import Driver
from .store import FlowRecord, ServedExecution, Store, iso, now_utc


@dataclass
class ServeOptions:
    """``mocks``: the mock file for every flow (``--mocks``); ``flow_mocks``:
    per flow name, the sibling mock file of a flow given on the command line.
    ``seed``: one seed for every execution, or None for one derived from each
    execution's name. ``breaks``: state names every new execution breaks on
    (``--break``, with ``debug``)."""

    mocks: str | None = None
    flow_mocks: dict[str, str] = field(default_factory=dict)
    #: run the ``local:`` entries of mock files not named with ``--mocks`` (the flows' siblings)
    allow_local: bool = False
    backend: BackendConfig = field(default_factory=BackendConfig)
    seed: int | None = None
    debug: bool = False
    max_steps: int = 1_000_000
    breaks: list[str] = field(default_factory=list)


class LocalCodeRefused(Exception):
    """A flow's sibling mock file has ``local:`` entries and there is no consent
    (``--allow-local``): the message names each entry (runner.consent_refusal)."""


class _MockSource:
    """A mock file and the backends its ``local:``/``live:`` sections name,
    loaded again when the file changes (a broken edit keeps the last good one).
    ``origin`` is None for the file named with ``--mocks`` (consent), else how
    it was found; its ``local:`` entries then run only with ``allow_local``:
    at start a refusal is raised, on a reload they are dropped (and logged)."""

    def __init__(self, path: str | None, cfg: BackendConfig, log, origin: str | None = None,
                 allow_local: bool = False):
        self.path, self.cfg, self.log = path, cfg, log
        self.origin, self.allow_local = origin, allow_local
        self.sig = None
        self.mocks, self.backends = MockFile(path=path or ""), []
        self.lock = threading.Lock()
        self.refresh(first=True)

    def _signature(self):
        try:
            st = os.stat(self.path)
        except (OSError, TypeError):
            return None
        return st.st_mtime_ns, st.st_size

    def refresh(self, first: bool = False, rebuild: bool = False) -> None:
        with self.lock:
            sig = self._signature()
            if rebuild and sig == self.sig:
                self.backends = make_backends(self.mocks, self.cfg)
                return
            if not first and sig == self.sig:
                return
            self.sig = sig
            if self.path and sig is not None:
                try:
                    mocks = load_mocks(self.path)
                except MockFileError as e:
                    if first:
                        raise
                    self.log(f"{self.path}: not reloaded, the mocks loaded before stay in use:\n{e}")
                    return
                refused = needing_consent([(mocks, self.origin)], self.allow_local)
                if refused and first:
                    raise LocalCodeRefused(consent_refusal(refused, ", or name the mock file with --mocks"))
                if refused:
                    self.log(consent_refusal(refused, " (restart flowdbg serve with it)") +
                             "\nUntil then, the mock file's answers stand in for them.")
                    mocks = dataclasses.replace(mocks, local={})
                self.mocks = mocks
            self.backends = make_backends(self.mocks, self.cfg)
            if not first:
                self.log(f"{self.path}: reloaded; new executions use it")


class Hosting:
    def __init__(self, options: ServeOptions, log: Callable[[str], None] | None = None):
        self.options = options
        self.log = log or (lambda text: None)
        self.store = Store()
        self.listeners: list[Callable[[ServedExecution | None], None]] = []
        self.callback_listeners: list[Callable] = []
        self.url: str | None = None  # set once the endpoint listens
        self.callback_secret: str | None = None
        self._sources: dict[str | None, _MockSource] = {}

    def listening(self, url: str, secret: str) -> None:
        """The endpoint is up: local handlers get its URL and secret to call back."""
        self.url, self.callback_secret = url, secret
        self.options.backend.callback_url, self.options.backend.callback_secret = url, secret
        for src in self._sources.values():
            src.refresh(rebuild=True)

    # -- lookups ----------------------------------------------------------------------------------
    def flow(self, name: str) -> FlowRecord:
        rec = self.store.flows.get(name)
        if rec is None:
            raise X.flow_not_exists(name)
        return rec

    def execution(self, flow: str, name: str) -> ServedExecution:
        self.flow(flow)
        e = self.store.executions.get((flow, name))
        if e is None:
            raise X.execution_not_exists(flow, name)
        return e

    # -- flows ---------------------------------------------------------------------------------------
    def check_definition(self, name: str, text: str, express: bool = False) -> Definition:
        """The definition, or InvalidArgument with every error ``Definition:line:col: message``."""
        d = parse_definition(text, path=f"{name}.yaml", express=express)
        if d.flow is None:
            lines = "; ".join(x.format("Definition") for x in d.errors)
            raise X.invalid_argument(f"the flow definition has {len(d.errors)} error(s): {lines}")
        if d.flow.name and d.flow.name != name:
            raise X.invalid_argument(f"the definition's Name is {d.flow.name!r}; it must be the flow's Name "
                                     f"parameter {name!r}")
        return d

    def add_flow(self, definition: Definition, mocks_path: str | None = None) -> FlowRecord:
        """A flow given on the command line (its definition already checked)."""
        name = definition.flow.name or os.path.splitext(os.path.basename(definition.path))[0]
        if mocks_path:
            self.options.flow_mocks[name] = mocks_path
        rec = FlowRecord(name, definition, definition.flow.description or "",
                         breakpoints=self.initial_breakpoints(definition))
        with self.store.lock:
            self.store.flows[name] = rec
        try:
            self.source(name)  # a broken mock file (or local code without consent) is reported now
        except Exception:
            with self.store.lock:
                self.store.flows.pop(name, None)
            self.options.flow_mocks.pop(name, None)
            raise
        return rec

    def check_mocks(self) -> None:
        """Log what engine.mock_check finds in each mock file against the flows
        it answers (keys naming no state, ...), as ``run`` and ``validate`` print
        them. A file answering several flows (``--mocks``) is reported for what
        is wrong for all of them: a key one flow uses is no slip. Each finding
        once (a flow created later brings only what is new)."""
        from ..mock_check import check_mocks
        said = self.__dict__.setdefault("_said", set())
        by_source: dict[str, list[FlowRecord]] = {}
        for rec in list(self.store.flows.values()):
            src = self.source(rec.name)
            if src.path:
                by_source.setdefault(src.path, []).append(rec)
        for path, recs in by_source.items():
            src = self._sources[path]
            found = [check_mocks(r.definition.flow, src.mocks) for r in recs]
            common = [d for d in found[0] if all(d in other for other in found[1:])]
            for d in list(src.mocks.warnings) + common:
                line = d.format(path)
                if line not in said:
                    said.add(line)
                    self.log(line)

    def initial_breakpoints(self, definition: Definition) -> list[dict]:
        names = {s.name for _, s in definition.flow.all_states()}
        return [{"state": b} for b in self.options.breaks if b in names]

    def source(self, flow: str) -> _MockSource:
        sibling = self.options.flow_mocks.get(flow)
        path = sibling or self.options.mocks
        src = self._sources.get(path)
        if src is None:
            rec = self.store.flows.get(flow)
            origin = f"found beside {rec.definition.path if rec else f'the flow {flow!r}'}" if sibling else None
            src = self._sources[path] = _MockSource(path, self.options.backend, self.log, origin,
                                                    self.options.allow_local)
        else:
            src.refresh()
        return src

    # -- executions --------------------------------------------------------------------------------------
    def launch(self, rec: FlowRecord, name: str, inp: dict, callback_token: str | None = None) -> ServedExecution:
        """Create the session and its driver; the caller holds the store lock."""
        from ..session import Session, SessionError
        src = self.source(rec.name)
        seed = self.options.seed
        if seed is None:
            seed = int(hashlib.sha256(f"{rec.name}/{name}".encode()).hexdigest()[:8], 16)
        t = now_utc()
        started = t.replace(microsecond=(t.microsecond // 1000) * 1000)
        session = Session(rec.definition, inp, mocks=src.mocks, backends=src.backends, seed=seed,
                          start_time=iso(started), name=name, callback_url=self.url, express=rec.express)
        for bp in rec.breakpoints:
            try:
                session.add_breakpoint(bp.get("state"), scope=bp.get("scope"), condition=bp.get("condition"),
                                       hit_count=bp.get("hit_count"), event=bp.get("event"))
            except SessionError:
                pass  # a breakpoint on a state the updated flow no longer has
        served = ServedExecution(rec, name, inp, started, session, self.store.next_seq(), callback_token=callback_token)
        served.driver = Driver(served, debug=self.options.debug, max_steps=self.options.max_steps,
                               on_change=self._driver_changed, log=self.log)
        self.store.executions[(rec.name, name)] = served
        served.driver.start()
        return served

    def _driver_changed(self, served: ServedExecution) -> None:
        if served.finished_event.is_set() and served.callback_token:
            token, served.callback_token = served.callback_token, None
            self._report_to_parent(served, token)
        self.changed(served)

    def _report_to_parent(self, served: ServedExecution, token: str) -> None:
        """CallbackFnFTaskToken: the finished execution answers its parent's task."""
        from ..backends.callback_server import CallbackReport
        ex = served.execution
        if ex.status == "Succeeded":
            report = CallbackReport(token, True, output=ex.output if isinstance(ex.output, dict)
                                    else {"output": ex.output})
        else:
            err = ex.error
            report = CallbackReport(token, False, error=err.code if err else f"FnF.Execution{ex.status}",
                                    cause=err.detail if err else "")
        _, reply = self.report(report)
        if not reply.accepted:
            self.log(f"execution {served.flow.name}/{served.name}: CallbackFnFTaskToken refused: {reply.reason}")

    def report(self, report):  # defined by Actions
        raise NotImplementedError

    def changed(self, served: ServedExecution | None) -> None:
        for fn in list(self.listeners):
            try:
                fn(served)
            except Exception as e:  # a listener must not break a driver
                self.log(f"listener failed: {type(e).__name__}: {e}")

    def callback_heard(self, report, result) -> None:
        for fn in list(self.callback_listeners):
            fn(report, result)

    def close(self) -> None:
        for e in self.store.all_executions():
            e.driver.close()

