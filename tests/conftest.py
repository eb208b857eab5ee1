"""Fixtures shared by every test folder; helpers live in tests/helpers/."""
from __future__ import annotations

import pytest


@pytest.fixture
def cli(capsys):
    """Run ``flowdbg ARGS``; returns (exit_code, stdout, stderr)."""
    from flowdbg.tui.cli import main

    def call(*argv: str):
        import gc
        was = gc.isenabled()
        try:
            code = main(list(argv))
        finally:
            if was:
                gc.enable()  # `run` turns the cyclic GC off for its process: not for the tests after it
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


@pytest.fixture(autouse=True, scope="session")
def _definition_cache(tmp_path_factory):
    """Tests never read or fill the user's definition cache, nor the user's state directory
    (saved sessions, remembered inputs, crash logs): a debugger session the user ran on a
    sample flow must not change what a test sees, and tests leave no sessions behind."""
    import os
    os.environ["FLOWDBG_CACHE_DIR"] = str(tmp_path_factory.mktemp("flowdbg-cache"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state-home"))
