"""The Python API as a user meets it: a pytest file of their own, in their
own folder, importing ``from flowdbg import run_flow`` and using the
``run_flow`` fixture the installed plugin provides (entry point pytest11)."""
from __future__ import annotations

import subprocess
import sys

from helpers.flowtests import claim, write

USER_TESTS = '''
import os

import pytest

from flowdbg import RunError, run_flow as run

HERE = os.path.dirname(__file__)


def test_with_the_import():
    result = run(os.path.join(HERE, "claim.yaml"), {"claimId": "C-1", "amount": 500})
    assert result.status == "Succeeded"
    assert result.output == {"claimId": "C-1", "paid": True}
    assert result.error is None
    assert result.states == ["Check the form", "Pay"]
    assert result.events[0]["type"] == "ExecutionStarted"


def test_with_the_fixture(run_flow):
    refused = run_flow("claim.yaml", {"claimId": "C-2", "amount": 5000},
                       mock_overrides={"callbacks": {"Wait for an adjuster": [{"fail": {"error": "Rejected"}}]}})
    assert refused.status == "Failed"
    assert refused.error == {"code": "ClaimRefused", "detail": "the adjuster refused the claim"}
    assert "Refuse" in refused.states


def test_a_missing_mock_is_an_error(run_flow):
    with pytest.raises(RunError, match="no mock answers it"):
        run_flow("claim.yaml", {"claimId": "C-3", "amount": 5000}, mocks={})
'''


def test_a_users_own_pytest_file(tmp_path):
    claim(tmp_path / "project", "cases: [{name: a}]")
    write(tmp_path / "project", {"test_claim.py": USER_TESTS})
    (tmp_path / "elsewhere").mkdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "project" / "test_claim.py")],
                          cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("3 passed")


def test_importing_flowdbg_loads_nothing_else():
    """``import flowdbg`` (every command does it) must not pull in the engine or Textual."""
    code = ("import sys, flowdbg; assert 'flowdbg.engine' not in sys.modules, sorted(sys.modules);"
            "assert 'textual' not in sys.modules; from flowdbg import run_flow; "
            "assert 'textual' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
