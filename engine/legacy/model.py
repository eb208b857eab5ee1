"""Model of a legacy flow: frozen objects per step type (built from a validated tree by :mod:`.build`).

A :class:`StepList` is one serial list of steps (the flow, a parallel branch, a foreach
body, a choice option's inline ``steps``); it offers the same ``start_at``/``states`` view as
an FDL v1 :class:`~flowdbg.engine.model.Scope`, and :class:`LegacyFlow` the same
``all_states()``/``find()``/``digests`` as :class:`~flowdbg.engine.model.Flow`, so the session,
the runner and the debugger's panes treat both formats alike.

Retry and catch rules reuse the v1 rule objects with the legacy defaults filled in
(``intervalSeconds`` 1, ``maxAttempts`` 3, ``multiplier`` 2, ``maxIntervalSeconds`` 86400);
a catch rule's ``next`` is its ``goto``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping as MappingT, Union

from ..expressions.legacy import LegacyCondition, LegacyPath
from ..model import CatchRule, RetryRule
from . import schema as S
from .resources import Resource

FORMAT = "legacy"


@dataclass(frozen=True)
class Source:
    """A mapping's ``source``: a path (``$input.x``, ``$local[*].y``, ``$context.task.token``)
    or a constant (any JSON value; a string not starting with $input/$local/$context)."""

    path: LegacyPath | None = None
    constant: Any = None

    @property
    def text(self) -> str:
        return self.path.text if self.path is not None else json.dumps(self.constant, ensure_ascii=False)


@dataclass(frozen=True)
class Mapping:
    target: str
    source: Source
    line: int = 0


Mappings = tuple[Mapping, ...]


@dataclass(frozen=True)
class StepBase:
    name: str
    type: str  # task | pass | choice | parallel | foreach | wait | succeed | fail
    line: int
    end_line: int
    input_mappings: Mappings | None = None
    output_mappings: Mappings | None = None
    end: bool = False
    description: str | None = None  # the v1 model's field (legacy steps have none)


@dataclass(frozen=True)
class PassStep(StepBase):
    pass


@dataclass(frozen=True)
class SucceedStep(StepBase):
    pass


@dataclass(frozen=True)
class FailStep(StepBase):
    error: str | None = None
    cause: str | None = None

    @property
    def code(self) -> str | None:  # the FDL v1 Fail's names: its handler runs this step too
        return self.error

    @property
    def detail(self) -> str | None:
        return self.cause


@dataclass(frozen=True)
class WaitStep(StepBase):
    duration: int | None = None
    duration_path: LegacyPath | None = None
    timestamp: str | None = None  # RFC 3339
    timestamp_path: LegacyPath | None = None


@dataclass(frozen=True)
class TaskStep(StepBase):
    resource: Resource = None  # type: ignore[assignment]
    pattern: str = S.DEFAULT_PATTERN
    timeout: int | None = None  # timeoutSeconds; None = none
    service_params: Any = None  # plain data with LegacyPath leaves (read the step input), or None
    retry: tuple[RetryRule, ...] = ()
    catch: tuple[CatchRule, ...] = ()
    error_mappings: Mappings | None = None

    @property
    def task_mode(self) -> str:
        """The FDL v1 TaskMode this pattern behaves like."""
        return S.PATTERNS[self.pattern]


@dataclass(frozen=True)
class StepList:
    """One serial list of steps. ``start_at``/``states`` read it as a v1 Scope would."""

    steps: tuple["Step", ...]
    line: int = 0
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.name: i for i, s in enumerate(self.steps)})

    @property
    def start_at(self) -> str:
        return self.steps[0].name

    @property
    def states(self) -> MappingT[str, "Step"]:
        return _StatesView(self)

    def index(self, name: str) -> int:
        return self._index[name]

    def exits(self, step) -> list[tuple[str | None, str, str, str]]:
        return exits(self, step)


class _StatesView:
    """``name -> step`` of a StepList, without building a dict per look-up."""

    __slots__ = ("_list",)

    def __init__(self, steps: StepList) -> None:
        self._list = steps

    def __getitem__(self, name: str):
        return self._list.steps[self._list._index[name]]

    def __contains__(self, name) -> bool:
        return name in self._list._index

    def __iter__(self):
        return iter(self._list._index)

    def __len__(self) -> int:
        return len(self._list.steps)

    def values(self):
        return self._list.steps

    def keys(self):
        return self._list._index.keys()

    def items(self):
        return ((s.name, s) for s in self._list.steps)

    def get(self, name, default=None):
        i = self._list._index.get(name)
        return default if i is None else self._list.steps[i]


@dataclass(frozen=True)
class ChoiceOption:
    """One of ``choices`` (``condition`` set) or the ``default`` (``condition`` None)."""

    condition: LegacyCondition | None
    steps: StepList | None = None
    goto: str | None = None
    line: int = 0


@dataclass(frozen=True)
class ChoiceStep(StepBase):
    choices: tuple[ChoiceOption, ...] = ()
    default: ChoiceOption | None = None  # None: no option true -> the choice ends, the next step runs

    def options(self):
        """``(label, option)`` for every option with inline steps: ``Choice0``..., ``Default``."""
        for i, c in enumerate(self.choices):
            yield f"Choice{i}", c
        if self.default is not None:
            yield "Default", self.default


@dataclass(frozen=True)
class ParallelStep(StepBase):
    branches: tuple[StepList, ...] = ()


@dataclass(frozen=True)
class ForeachStep(StepBase):
    collection: LegacyPath = None  # type: ignore[assignment]
    item: str = ""
    index: str | None = None
    steps: StepList = None  # type: ignore[assignment]


Step = Union[PassStep, SucceedStep, FailStep, WaitStep, TaskStep, ChoiceStep, ParallelStep, ForeachStep]


@dataclass(frozen=True)
class LegacyFlow:
    name: str  # the file's stem: a legacy definition has no name (CreateFlow gives it)
    steps: StepList
    version: str = ""
    input_mappings: Mappings | None = None
    output_mappings: Mappings | None = None
    timeout: int | None = None
    source: str = ""
    path: str = ""
    digests: MappingT[str, str] = field(default_factory=dict)
    description: str | None = None
    format: str = FORMAT

    @property
    def scope(self) -> StepList:
        return self.steps

    def __reduce__(self):  # for the definition cache: the digests' read-only view does not pickle
        return (_flow, (self.name, self.steps, self.version, self.input_mappings, self.output_mappings, self.timeout,
                        self.source, self.path, dict(self.digests), self.description))

    @property
    def start_at(self) -> str:
        return self.steps.start_at

    def all_states(self):
        """Every step with the path of its list: ``("", step)``, ``("par.Branch0/", step)``,
        ``("each/", step)``, ``("pick.Choice0/", step)``, ``("pick.Default/", step)``."""
        yield from _walk(self.steps, "")

    def find(self, name: str) -> list:
        return [s for _, s in self.all_states() if s.name == name]


def _flow(name, steps, version, input_mappings, output_mappings, timeout, source, path, digests, description):
    return LegacyFlow(name, steps, version, input_mappings, output_mappings, timeout, source, path,
                      MappingProxyType(digests), description)


def _walk(steps: StepList, prefix: str):
    for s in steps.steps:
        yield prefix, s
        for sub, inner in children(s):
            yield from _walk(inner, f"{prefix}{sub}/")


def exits(steps: StepList, step) -> list[tuple[str | None, str, str, str]]:
    """Where control goes after ``step`` in ``steps``: ``(target, kind, label, rule)`` with
    ``target`` None for the end of the list, ``kind`` next | choice | default | catch, and
    ``rule`` the coverage name's suffix (``#Branches[0]``, ``#Default``, ``#Catch[1]``)."""
    i = steps.index(step.name)
    after = None if step.end or i + 1 >= len(steps.steps) else steps.steps[i + 1].name
    if isinstance(step, FailStep):
        return []
    if isinstance(step, SucceedStep):
        return [(None, "next", "", "")]
    out: list[tuple[str | None, str, str, str]] = []
    if isinstance(step, ChoiceStep):
        for j, o in enumerate(step.choices):
            out.append((o.goto or after, "choice", " ".join(o.condition.text.split()), f"#Branches[{j}]"))
        if step.default is not None:
            out.append((step.default.goto or after, "default", "default", "#Default"))
        else:
            out.append((after, "default", "no condition true", ""))
    else:
        out.append((after, "next", "", ""))
    if isinstance(step, TaskStep):
        for j, c in enumerate(step.catch):
            out.append((c.next, "catch", "catch " + ", ".join(c.errors), f"#Catch[{j}]"))
    return out


def inner_lists(step) -> list[tuple[str, str, StepList]]:
    """``(frame name, label, steps)`` of the lists inside ``step``, for pictures."""
    labels = {}
    if isinstance(step, ChoiceStep):
        labels = {f"{step.name}.{lbl}": (f"{lbl}: " + " ".join(o.condition.text.split()) if o.condition else "default")
                  for lbl, o in step.options()}
    elif isinstance(step, ForeachStep):
        labels = {step.name: f"steps (each item of {step.collection.text})"}
    elif isinstance(step, ParallelStep):
        labels = {f"{step.name}.Branch{i}": f"Branch {i}" for i in range(len(step.branches))}
    return [(name, labels.get(name, name), sl) for name, sl in children(step)]


def summary(step) -> str:
    """One line on what a step does, beside its type."""
    if isinstance(step, TaskStep):
        return step.resource.label + ("" if step.pattern == S.DEFAULT_PATTERN else f" · {step.pattern}")
    if isinstance(step, WaitStep):
        if step.duration is not None or step.duration_path is not None:
            return f"{step.duration} s" if step.duration is not None else step.duration_path.text
        return f"until {step.timestamp if step.timestamp is not None else step.timestamp_path.text}"
    if isinstance(step, FailStep):
        return step.error or ""
    if isinstance(step, ForeachStep):
        return step.collection.text
    if isinstance(step, ParallelStep):
        n = len(step.branches)
        return f"{n} branch{'es' if n != 1 else ''}"
    return ""


def children(step) -> list[tuple[str, StepList]]:
    """The step lists inside ``step`` with their frame names (``par.Branch0``, ``each``,
    ``pick.Choice1``, ``pick.Default``)."""
    if isinstance(step, ParallelStep):
        return [(f"{step.name}.Branch{i}", b) for i, b in enumerate(step.branches)]
    if isinstance(step, ForeachStep):
        return [(step.name, step.steps)]
    if isinstance(step, ChoiceStep):
        return [(f"{step.name}.{label}", o.steps) for label, o in step.options() if o.steps is not None]
    return []


__all__ = ["LegacyFlow", "StepList", "Step", "TaskStep", "PassStep", "ChoiceStep", "ChoiceOption", "ParallelStep",
           "ForeachStep", "WaitStep", "SucceedStep", "FailStep", "Mapping", "Source", "children", "FORMAT"]
