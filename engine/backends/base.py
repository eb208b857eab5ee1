"""The one protocol every function backend speaks.

The execution never calls a backend directly: it goes through the
execution's *door* (``engine.door``), which records every response in the
journal so that a run can be replayed without calling the backend again.
Responses therefore must round-trip through JSON (``to_json``/``from_json``).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from .fc import FunctionRef


@dataclass(frozen=True)
class FunctionRequest:
    """One invocation of an FC function by a Task state.

    ``body`` is the event exactly as FC would deliver it (bytes).
    ``invocation_type`` is ``"Sync"`` or ``"Async"``. ``task_token`` is set
    for WaitForCustomCallback tasks. ``timeout`` is the Task's Timeout in
    seconds (``None`` = none). ``callback_url`` is the local callback
    endpoint, when one runs.
    """

    state: str
    scope: str
    function: FunctionRef
    invocation_type: str
    body: bytes
    task_mode: str = "RequestComplete"
    task_token: str | None = None
    attempt: int = 0
    timeout: float | None = None
    callback_url: str | None = None


@dataclass(frozen=True)
class FunctionResponse:
    """What a function invocation produced.

    Exactly one of ``payload`` (the response bytes) or ``error`` (an error
    name such as ``FC.ResourceThrottled``, matched by Retry/Catch) is set.
    ``duration`` is how many *virtual* seconds the call took (mocks may say
    so; real backends report their measured time but the engine's clock
    only advances by what is recorded here). ``log`` is FC's log tail.
    ``source`` says which backend answered (``mock``, ``local``, ``live``).
    """

    payload: bytes | None = None
    error: str | None = None
    detail: str = ""
    duration: float = 0.0
    log: str = ""
    source: str = "mock"
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d: dict = {"source": self.source}
        if self.error is not None:
            d["error"] = self.error
            d["detail"] = self.detail
        else:
            try:
                d["payload"] = (self.payload or b"").decode("utf-8")
            except UnicodeDecodeError:
                d["payload_b64"] = base64.b64encode(self.payload or b"").decode()
        if self.duration:
            d["duration"] = self.duration
        if self.log:
            d["log"] = self.log
        if self.meta:
            d["meta"] = self.meta
        return d

    @classmethod
    def from_json(cls, d: dict) -> "FunctionResponse":
        payload = None
        if "payload" in d:
            payload = d["payload"].encode("utf-8")
        elif "payload_b64" in d:
            payload = base64.b64decode(d["payload_b64"])
        return cls(payload=payload, error=d.get("error"), detail=d.get("detail", ""),
                   duration=float(d.get("duration", 0.0)), log=d.get("log", ""),
                   source=d.get("source", "mock"), meta=d.get("meta", {}))


def scrub_response(response: FunctionResponse, extra: tuple = ()) -> FunctionResponse:
    """``response`` with credentials masked in its payload, detail, log and meta
    (engine.scrub); the same object when there were none."""
    from ..scrub import scrub
    payload, detail, log, meta = (scrub(response.payload, tuple(x for x in extra if x)),
                                  scrub(response.detail, tuple(x for x in extra if x)),
                                  scrub(response.log, tuple(x for x in extra if x)),
                                  scrub(response.meta, tuple(x for x in extra if x)))
    if (payload, detail, log, meta) == (response.payload, response.detail, response.log, response.meta):
        return response
    return replace(response, payload=payload, detail=detail, log=log, meta=meta)


class BackendError(Exception):
    """A backend is misconfigured (e.g. no mock for a function, a bad local
    handler path). Not a flow error: the run stops and the message tells the
    user how to fix the configuration."""


@runtime_checkable
class Backend(Protocol):
    name: str

    def handles(self, request: FunctionRequest) -> bool:
        """True when this backend is configured to answer ``request``."""

    def invoke(self, request: FunctionRequest) -> FunctionResponse:
        """Invoke the function. Raises :class:`BackendError` on configuration
        problems; every function or FC failure is a ``FunctionResponse``
        with ``error`` set."""
