"""Test helpers, in one place: ``helpers.engine`` (flows run end to end),
``helpers.session`` (debug sessions and journals), ``helpers.tui`` (apps
under Pilot). What all three need lives here."""
from __future__ import annotations

import json
import os
import textwrap
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE_FLOWS = os.path.join(REPO, "sample_flows")
FIXTURES = os.path.join(REPO, "tests", "fixtures")
SEED_FIXTURES = os.path.join(FIXTURES, "seed")
ENGINE_FIXTURES = os.path.join(FIXTURES, "engine")
REALFLOWS = "/work/shared/realflows"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_json(path: str) -> Any:
    return json.loads(read(path))


def sample_flow_paths() -> list[str]:
    """The flows in sample_flows/ (not their mock or test files), sorted."""
    skip = (".mocks.yaml", ".tests.yaml", ".mocks.yml", ".tests.yml")
    return sorted(os.path.join(SAMPLE_FLOWS, f) for f in os.listdir(SAMPLE_FLOWS)
                  if f.endswith((".yaml", ".yml")) and not f.endswith(skip))
