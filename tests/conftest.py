"""Fixtures shared by every test folder; helpers live in tests/helpers/."""
from __future__ import annotations

import pytest


@pytest.fixture
def cli(capsys):
    """Run ``flowdbg ARGS``; returns (exit_code, stdout, stderr)."""
    from flowdbg.tui.cli import main

    def call(*argv: str):
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


@pytest.fixture(autouse=True, scope="session")
def _definition_cache(tmp_path_factory):
    """Tests never read or fill the user's definition cache."""
    import os
    os.environ["FLOWDBG_CACHE_DIR"] = str(tmp_path_factory.mktemp("flowdbg-cache"))
