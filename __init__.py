"""flowdbg: a debugger and step-through simulator for Alibaba Cloud CloudFlow flows.

The Python API, for tests written in Python (pytest users also get the
``run_flow`` fixture, which takes paths relative to the test file)::

    from flowdbg import run_flow
    result = run_flow("claim.yaml", {"claimId": "C-1"}, mock_overrides={"functions": {...}})
    result.status, result.output, result.error, result.states, result.events

The repository is the package: this file, ``pytest_plugin.py``, and the
subpackages ``engine/`` (``flowdbg.engine``, the interpreter) and ``tui/``
(``flowdbg.tui``, the ``flowdbg`` command and the debugger). Names here are
imported on first use, so ``import flowdbg`` (which every ``flowdbg``
command does) costs nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "run_flow": "flowdbg.engine.testing.run",
    "FlowResult": "flowdbg.engine.testing.run",
    "FlowInvalid": "flowdbg.engine.testing.run",
    "RunError": "flowdbg.engine.testing.run",
    "MockFileError": "flowdbg.engine.mocks",
}

__all__ = ["run_flow", "FlowResult", "FlowInvalid", "RunError", "MockFileError", "__version__"]

if TYPE_CHECKING:  # for type checkers and editors; at run time, __getattr__ below
    from flowdbg.engine.mocks import MockFileError
    from flowdbg.engine.testing.run import FlowInvalid, FlowResult, RunError, run_flow


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'flowdbg' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
