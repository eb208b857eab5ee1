"""Model: immutable objects per state type (``build.py`` makes them from a
validated tree). Nothing downstream of the builder touches YAML nodes, and
a model pickles (the definition cache keeps built flows). Known misspellings
(decision 9) are already canonical here: ``FC::InvokeFunction`` is
``FC:InvokeFunction``, ``WaitForUserCallback`` is ``WaitForCustomCallback``,
``MaxConcuccency`` is ``MaxConcurrency``, ``States.ALL`` is ``FnF.ALL``.

Source: https://www.alibabacloud.com/help/en/serverless-workflow/latest/process-definition-introduction
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, ClassVar, Mapping, Union

from .constructors import Template
from .expressions import Expression


#: The longest retry wait flowdbg computes when a rule has no MaxBackoffSeconds:
#: a year, CloudFlow's longest execution (a wait past it could never end).
MAX_RETRY_WAIT = 365 * 86400.0


@dataclass(frozen=True)
class RetryRule:
    """``MaxAttempts`` retries after the first failure (decision 3); the wait
    before retry n is ``min(interval * backoff_rate**(n-1), max_backoff)``."""

    errors: tuple[str, ...]
    max_attempts: int
    interval: float
    backoff_rate: float = 1.0
    max_backoff: float | None = None
    line: int = 0

    def delay(self, n: int) -> float:
        """Never overflows: ``BackoffRate: 1e300`` makes the second wait the cap,
        MaxBackoffSeconds or else MAX_RETRY_WAIT (docs/semantics.md)."""
        cap = self.max_backoff if self.max_backoff is not None else MAX_RETRY_WAIT
        if self.interval <= 0:
            return 0.0
        try:
            d = self.interval * (self.backoff_rate ** (n - 1))
        except OverflowError:
            return cap
        return min(d, cap)


@dataclass(frozen=True)
class CatchRule:
    errors: tuple[str, ...]
    next: str
    output: Template | None = None
    line: int = 0


@dataclass(frozen=True)
class ChoiceBranch:
    condition: Expression
    next: str
    line: int = 0


@dataclass(frozen=True)
class StateBase:
    name: str
    type: str
    line: int  # first line of the state's definition (1-based)
    end_line: int  # last line of its definition, nested states included
    description: str | None = None
    input: Template | None = None
    output: Template | None = None
    next: str | None = None
    end: bool = False
    terminal: ClassVar[bool] = False  # ends its scope whatever Next/End say (Succeed)


@dataclass(frozen=True)
class PassState(StateBase):
    pass


@dataclass(frozen=True)
class WaitState(StateBase):
    seconds: int | None = None
    seconds_expr: Expression | None = None


@dataclass(frozen=True)
class SucceedState(StateBase):
    terminal: ClassVar[bool] = True


@dataclass(frozen=True)
class FailState(StateBase):
    code: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ChoiceState(StateBase):
    branches: tuple[ChoiceBranch, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class TaskState(StateBase):
    action: str = ""
    task_mode: str = "RequestComplete"
    parameters: Template | None = None
    timeout: int | None = None  # seconds; None = never
    retry: tuple[RetryRule, ...] = ()
    catch: tuple[CatchRule, ...] = ()


@dataclass(frozen=True)
class Scope:
    """A sequence of states with its own StartAt: the flow, a Parallel
    branch, or a Map processor."""

    start_at: str
    states: Mapping[str, "State"]

    def __reduce__(self):
        return (_scope, (self.start_at, dict(self.states)))


def _scope(start_at: str, states: dict) -> Scope:
    return Scope(start_at, MappingProxyType(states))


@dataclass(frozen=True)
class ParallelState(StateBase):
    branches: tuple[Scope, ...] = ()
    retry: tuple[RetryRule, ...] = ()
    catch: tuple[CatchRule, ...] = ()


@dataclass(frozen=True)
class MapState(StateBase):
    items_path: Expression | None = None
    processor: Scope | None = None
    max_concurrency: int = 0  # 0 = unlimited
    item_constructor: Template | None = None
    distributed: bool = False
    retry: tuple[RetryRule, ...] = ()
    catch: tuple[CatchRule, ...] = ()


State = Union[PassState, WaitState, SucceedState, FailState, ChoiceState, TaskState, ParallelState, MapState]


@dataclass(frozen=True)
class Flow:
    name: str
    scope: Scope
    description: str | None = None
    source: str = ""
    path: str = ""
    #: computes ``digests`` when first asked (only sessions with a journal need them)
    digest_source: Callable[[], Mapping[str, str]] | Mapping[str, str] | None = field(default=None, repr=False,
                                                                                        compare=False)

    @property
    def digests(self) -> Mapping[str, str]:
        """Per state (by scope path + name) a digest of its definition, to
        detect edits between a saved session and a resume."""
        got = self.digest_source
        if got is None:
            return MappingProxyType({})
        if not isinstance(got, MappingProxyType):
            got = MappingProxyType(dict(got() if callable(got) else got))
            object.__setattr__(self, "digest_source", got)
        return got

    def __reduce__(self) -> Any:
        return (Flow, (self.name, self.scope, self.description, "", "", dict(self.digests)))

    @property
    def start_at(self) -> str:
        return self.scope.start_at

    def all_states(self):
        """Every state with the path of its scope: ``("", state)``,
        ``("Parallel1.Branch0", state)``, ``("Map1", state)``."""
        def rec(scope: Scope, prefix: str):
            for s in scope.states.values():
                yield prefix, s
                if isinstance(s, ParallelState):
                    for i, b in enumerate(s.branches):
                        yield from rec(b, f"{prefix}{s.name}.Branch{i}/")
                elif isinstance(s, MapState) and s.processor:
                    yield from rec(s.processor, f"{prefix}{s.name}/")
        yield from rec(self.scope, "")

    def find(self, name: str) -> list:
        return [s for _, s in self.all_states() if s.name == name]
