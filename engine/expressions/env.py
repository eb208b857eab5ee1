"""Evaluation environment and the random source behind uuid()/randomInt() (decision 10)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, runtime_checkable

from .values import DATA_LIMIT


@runtime_checkable
class RandomSource(Protocol):
    """What the engine supplies so runs are repeatable (project decision 10)."""

    def uuid(self) -> str: ...

    def randint(self, low: int, high: int) -> int: ...  # inclusive bounds


class SeededRandom:
    """RandomSource over ``random.Random(seed)``; uuid() gives version-4 UUID text.

    ``getstate()``/``setstate()`` pass through so a debugger can rewind it.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uuid(self) -> str:
        import uuid  # the first uuid() a flow calls pays for the module, not every start
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def randint(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def getstate(self) -> Any:
        return self._rng.getstate()

    def setstate(self, state: Any) -> None:
        self._rng.setstate(state)


@dataclass(slots=True)  # one per constructor evaluation: no instance dict
class Env:
    """Values visible to an expression.

    ``roots`` maps ``"$Input"``/``"$Output"``/``"$Context"``/``"$Item"`` to JSON values;
    a root absent from it is unavailable, with the reason taken from ``unavailable``
    (default ``"<root> is not available here"``). ``random`` feeds uuid()/randomInt().
    ``data_limit`` bounds every value an expression builds (bytes of JSON).
    """

    roots: Mapping[str, Any]
    random: RandomSource | None = None
    unavailable: Mapping[str, str] = field(default_factory=dict)
    data_limit: int = DATA_LIMIT
