"""pytest plugin (registered through the ``pytest11`` entry point): the
``run_flow`` fixture.

    def test_small_claim_is_paid(run_flow):
        result = run_flow("claim.yaml", {"amount": 500})
        assert result.output == {"paid": True}

The fixture is :func:`flowdbg.run_flow` with relative paths (the flow, mock
files, local handlers) taken from the test module's folder rather than the
working directory, so a test runs the same from any folder. Nothing is
imported until a test asks for it; ``-p no:flowdbg`` turns the plugin off.
"""
from __future__ import annotations

import functools
import os

import pytest


@pytest.fixture
def run_flow(request):
    """:func:`flowdbg.run_flow`, with paths relative to the test file."""
    from flowdbg.engine.testing.run import run_flow as run

    base = os.path.dirname(str(request.path))
    return functools.partial(run, base_dir=base)
