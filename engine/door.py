"""The door: every input from outside the execution passes through here.

Function responses, state mocks (other Actions) and scripted callbacks are
asked for through :class:`Door`, which counts how many calls each mock
entry answered (so the mock file itself is stateless; which entry matches a
request is :func:`.mocks.choose`'s business), consults a *tape* of answers
recorded earlier (replay: step back, restart, resume) before asking a
backend, and appends each answer to the journal. Replaying a journal into a
fresh execution therefore reproduces the run without calling any backend
again. ``answered`` lists, in order, who answered each call (for
``run --json``).
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable

from .backends.base import Backend, BackendError, FunctionRequest, FunctionResponse, scrub_response
from .mocks import (MockBackend, MockFile, callback_answer, choose, did_you_mean, mock_file_name, no_match,
                    request_view, state_answer, state_key, yaml_key)


class Door:
    """``backends`` are tried in order (explicit local/live first); the mock
    backend answers the rest. ``record`` receives each answer as a JSON
    dict (the journal's ``answer`` entries). ``tape`` holds answers from an
    earlier run, consumed in order while their keys match: while
    ``replaying`` (re-running history up to a stop) every taped answer is used
    as recorded; going forward, answers that came from the mock file are
    asked again so an edited mock file takes effect, while local and live
    answers are never asked twice.

    An answer recorded for another request (its ``key`` or the digest of the
    request, ``req``, differs) means the run diverged: the rest of the tape is
    dropped and ``on_truncate`` hears of it, or, when ``strict`` (resuming a
    journal), :class:`TapeMismatch` is raised."""

    def set_mocks(self, mocks: MockFile) -> None:
        self.mocks = mocks
        self.mock_backend = MockBackend(mocks)

    def __init__(self, mocks: MockFile | None = None, backends: list[Backend] | None = None,
                 tape: list[dict] | None = None, record: Callable[[dict], None] | None = None,
                 callback_url: str | None = None):
        self.mocks = mocks or MockFile()
        self.mock_backend = MockBackend(self.mocks)
        self.backends = list(backends or [])
        self.tape = list(tape or [])
        self.tape_pos = 0
        self.record = record
        self.counts: dict[str, int] = {}  # calls so far per state (and callback): the n a source answers
        self.used: dict[tuple[str, str], list[int]] = {}  # (section, key) -> calls each entry answered
        self.answered: list[dict] = []
        #: backends that also answer whole states and callbacks (a recorded
        #: execution's answers: engine/replay/source.py), asked before the mocks
        self.sources = [b for b in self.backends if hasattr(b, "state_answer")]
        self.callback_url = callback_url
        #: True while re-running history (step back, resume): taped answers
        #: are used as recorded. False going forward: mock answers are re-asked.
        self.replaying = False
        self.strict = False
        self.on_truncate: Callable[[int], None] | None = None

    # -- state, for checkpoints -------------------------------------------------
    def get_state(self) -> tuple:
        return (dict(self.counts), self.tape_pos, {k: list(v) for k, v in self.used.items()}, len(self.answered))

    def set_state(self, state: tuple) -> None:
        """``(counts, tape_pos[, used, answered])``: ``({}, 0)`` is a fresh start."""
        counts, self.tape_pos, *rest = state
        self.counts = dict(counts)
        self.used = {k: list(v) for k, v in (rest[0] if rest else {}).items()}
        del self.answered[rest[1] if len(rest) > 1 else 0:]

    # -- tape ---------------------------------------------------------------
    def _from_tape(self, key: str, req: str | None = None) -> dict | None:
        if self.tape_pos < len(self.tape):
            entry = self.tape[self.tape_pos]
            if entry.get("key") == key and (req is None or entry.get("req", req) == req):
                self.tape_pos += 1
                return entry
            if self.strict:
                raise TapeMismatch(self.tape_pos, entry.get("key"), key)
            self._truncate()  # the run diverged: the rest is stale
        return None

    def _truncate(self) -> None:
        del self.tape[self.tape_pos:]
        if self.on_truncate is not None:
            self.on_truncate(self.tape_pos)

    def _diverged(self, fresh: dict) -> dict:
        """A re-asked mock answer differs from the recorded one: from here on
        the recording no longer holds; keep the fresh answer instead."""
        self.tape_pos -= 1
        self._truncate()
        return self._keep(fresh)

    def _choose(self, section: str, key: str | None, view) -> int | None:
        """Which entry of ``section.key`` answers the request (counted as used).
        ``view``: the request as :func:`.mocks.matches` reads it, or a function
        making it (only called when an entry has a ``when``)."""
        if key is None:
            return None
        entries = getattr(self.mocks, section).get(key) or []
        used = self.used.setdefault((section, key), [0] * len(entries))
        if len(used) != len(entries):  # the mock file was edited: count afresh
            used[:] = [0] * len(entries)
        if callable(view):
            view = view() if any(e.when for e in entries) else {}
        return choose(entries, view, used) if entries else None

    def _count(self, key: str) -> int:
        n = self.counts.get(key, 0)
        self.counts[key] = n + 1
        return n

    def _answered(self, kind: str, state: str, scope: str, attempt: int, source: str, entry: str | None,
                  key: str | None, log: str = "") -> None:
        self.answered.append({"kind": kind, "state": state, "scope": scope, "attempt": attempt, "source": source,
                              "entry": entry, "key": key, "log": log})

    def _keep(self, entry: dict) -> dict:
        if self.record is not None:
            self.record(entry)
        return entry

    # -- the three kinds of question ----------------------------------------
    def function(self, request: FunctionRequest) -> FunctionResponse:
        """Invoke an FC function. Raises BackendError when nothing answers."""
        key = f"fn:{request.state}:{request.function.display}"
        req = request_digest(request)
        # Mock entries answer calls to a function in order, whichever state calls it
        # (an entry's `when` narrows which calls it answers).
        entry = self._choose("functions", self.mock_backend.key_for(request), lambda: request_view(request))
        taped = self._from_tape(key, req)
        if taped is not None:
            if taped["response"].get("source") == "mock" and not self.replaying:
                # Going forward past where the user returned to: a mock's answer
                # is a function of the mock file, so ask it again and an edited
                # mock file takes effect (same answer when it did not change).
                response = self._invoke(request, entry)
                if response.to_json() != taped["response"]:
                    self._diverged({"k": "answer", "key": key, "req": req, "response": response.to_json()})
            else:
                response = FunctionResponse.from_json(taped["response"])
        else:
            response = self._invoke(request, entry)
            self._keep({"k": "answer", "key": key, "req": req, "response": response.to_json()})
        self._answered("function", request.state, request.scope, request.attempt, response.source,
                       response.meta.get("entry") if response.source == "mock" else None,
                       response.meta.get("mock") if response.source == "mock" else None, response.log)
        return response

    def _invoke(self, request: FunctionRequest, entry: int | None) -> FunctionResponse:
        for b in self.backends:
            if b.handles(request):
                # Credentials stop here: nothing downstream (journal, history,
                # --json, the TUI) sees what a local or live answer echoed.
                return scrub_response(b.invoke(request))
        return self.mock_backend.answer(request, entry)

    def _state_answer(self, state: str, action: str, view: dict, n: int) -> dict:
        for src in self.sources:  # a recorded execution's n-th answer for this state
            if src.has_state(state, n):
                return src.state_answer(state, n)
        key = state_key(self.mocks.states, state, view["scope"])
        i = self._choose("states", key, view)
        if key is None or not self.mocks.states.get(key):
            extra = (" (or, to run a local child flow, name its file under 'flows:')"
                     if action == "FNF:StartExecution" else "")
            raise BackendError(
                f"state {state!r} calls {action} and no mock answers it{did_you_mean(state, list(self.mocks.states))}: "
                f"add it to {mock_file_name(self.mocks)}{extra}, e.g.\nstates:\n  {yaml_key(state)}:\n    - result: {{}}")
        if i is None:
            raise no_match(self.mocks, "states", key, view)
        return state_answer(self.mocks, key, self.mocks.states[key][i])

    def state(self, state: str, action: str, *, scope: str = "", parameters: Any = None, attempt: int = 0) -> dict:
        """The mocked result of a state (any Action): ``{"result": v}`` or
        ``{"error": code, "detail": text}`` (+ ``delay``), and where it came
        from (``entry``: file:line). ``scope`` (the frame id), ``parameters``
        and ``attempt`` are what a ``when:`` or a scoped key matches."""
        key = f"state:{state}"
        n = self._count(key)
        view = {"state": state, "scope": scope, "attempt": attempt, "parameters": parameters}
        taped = self._from_tape(key)
        if taped is not None:
            answer = taped["answer"]
            if not self.replaying:  # mock-derived: re-ask going forward (see function())
                try:
                    fresh = self._state_answer(state, action, view, n)
                except BackendError:  # the edited file lost it: keep what was recorded
                    fresh = answer
                if fresh != answer:
                    answer = self._diverged({"k": "answer", "key": key, "answer": fresh})["answer"]
            else:
                self._choose("states", state_key(self.mocks.states, state, scope), view)  # count it all the same
        else:
            answer = self._state_answer(state, action, view, n)
            self._keep({"k": "answer", "key": key, "answer": answer})
        self._answered("state", state, scope, attempt, "mock", answer.get("entry"), answer.get("key"))
        return answer

    def child_flow(self, name: str):
        """The Flow a ``flows:`` mock names for a child execution, or None.
        Raises BackendError when the file is missing or invalid."""
        path = self.mocks.flows.get(name)
        if path is None:
            return None
        cache = self.__dict__.setdefault("_children", {})
        if path not in cache:
            from .definition import load_definition
            d = load_definition(path)
            if d.flow is None:
                first = d.errors[0].format(path) if d.errors else f"{path}: cannot load"
                raise BackendError(f"child flow {name!r}: {first}")
            cache[path] = d.flow
        return cache[path]

    def has_state_mock(self, state: str, scope: str = "") -> bool:
        n = self.counts.get(f"state:{state}", 0)  # the index the next state() call will have
        if any(src.has_state(state, n) for src in self.sources):
            return True
        key = state_key(self.mocks.states, state, scope)
        return key is not None and bool(self.mocks.states.get(key))

    def _callback(self, state: str, view: dict, n: int) -> dict | None:
        for src in self.sources:
            if src.has_callback(state, n):
                return src.callback_answer(state, n)
        key = state_key(self.mocks.callbacks, state, view["scope"])
        i = self._choose("callbacks", key, view)
        return None if i is None else callback_answer(self.mocks, key, self.mocks.callbacks[key][i])

    def scripted_callback(self, state: str, *, scope: str = "", parameters: Any = None,
                          attempt: int = 0) -> dict | None:
        """The mock file's scripted callback for this submission, or None."""
        key = f"cb:{state}"
        n = self._count(key)
        view = {"state": state, "scope": scope, "attempt": attempt, "parameters": parameters}
        answer = self._callback(state, view, n)
        taped = self._from_tape(key)
        if taped is not None:
            if taped["answer"] is None or not self.replaying:
                # Scripted answers come from the mock file: ask it again, which
                # may have gained or changed one (resume after editing it).
                if answer != taped["answer"]:
                    self._diverged({"k": "answer", "key": key, "answer": answer})
            else:
                answer = taped["answer"]
        else:
            self._keep({"k": "answer", "key": key, "answer": answer})
        if answer is not None:
            self._answered("callback", state, scope, attempt, "mock", answer.get("entry"), answer.get("key"))
        return answer


class TapeMismatch(Exception):
    """A recorded answer does not belong to the request the run makes (strict replay)."""

    def __init__(self, index: int, recorded: str | None, asked: str):
        self.index, self.recorded, self.asked = index, recorded, asked
        if recorded == asked:
            why = f"recorded answer #{index + 1} is for {recorded!r} with another request (the event sent differs)"
        else:
            why = f"recorded answer #{index + 1} is for {recorded!r}, but the run asks {asked!r}"
        super().__init__(why)


def request_digest(request: FunctionRequest) -> str:
    """What identifies a function request on the tape: the function, how it
    is invoked and the exact event bytes."""
    h = hashlib.sha256()
    h.update(f"{request.function.display}\0{request.invocation_type}\0{request.task_mode}\0".encode())
    h.update(request.body)
    return h.hexdigest()[:16]


__all__ = ["Door", "BackendError", "TapeMismatch", "request_digest"]
