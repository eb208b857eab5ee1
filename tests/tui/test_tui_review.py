"""The TUI review's findings, each held by the value a user must see."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.tui import make_app, plain, press, screen_lines, settle

from flowdbg.tui.widgets.state_graph import StateGraph

CLAIM = Path("sample_flows/claim-review.yaml")
ORDER = Path("sample_flows/order-pipeline.yaml")


def _step_text(app) -> str:
    return " ".join(plain(app.main.query_one("#step").renderable).split())


# -- 1. "Just ran" is the state the key stepped ---------------------------------------------------

async def test_just_ran_is_the_state_the_key_stepped_and_the_rest_is_summarised():
    app = make_app(CLAIM)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s")  # at the Parallel
        assert app.main.session.last_stop.state == "Assess the claim in parallel"
        await press(pilot, "n")  # over it: the iterations run until the appraiser's callback
        text = _step_text(app)
        assert "Just ran #2 Assess the claim in parallel Parallel running its branches" in text
        assert re.search(r"The last key ran 9 states: Look up the replacement price ×3, "
                         r"Is the item worth an appraisal\? ×3, Keep the listed price ×2, "
                         r"Check the policy covers the damage", text)
        # why the stop is elsewhere: named by the state, not "execution"
        assert "Assess the claim in parallel waits for its branches: stopped in Price each damaged item[0]" in text
        assert "execution waits" not in text
        assert "Now #13 Ask an appraiser" in text


async def test_just_ran_names_a_caught_error_and_where_it_went(tmp_path):
    mocks = tmp_path / "m.yaml"
    mocks.write_text("functions:\n  charge:\n    - error: Payment.Fraud\n      detail: stolen card\n")
    app = make_app(Path("tests/fixtures/tui/failing-payment.yaml"), mocks=mocks)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "s", "n")  # over Charge: its error is caught, on to Flag
        text = _step_text(app)
        assert "Just ran #2 Charge Task caught Payment.Fraud → Flag" in text
        assert "Output (from the Catch rule)" in text
        assert "The last key" not in text  # one key, one state: nothing else to summarise
