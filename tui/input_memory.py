"""The inputs a user gave each flow, remembered for the input editor
(mixed into FlowdbgApp: ``self.inputs_store``, ``self.definition``)."""
from __future__ import annotations

import json
import os
from typing import Any

from flowdbg.engine.expressions.values import parse_json


def default_inputs_store() -> str | None:
    try:
        import platformdirs
        return os.path.join(platformdirs.user_state_dir("flowdbg"), "inputs.json")
    except Exception:
        return None


class InputMemory:
    """Where the input editor's first text comes from, and where a given input is kept."""

    def _inputs(self) -> dict:
        if not self.inputs_store:
            return {}
        try:
            with open(self.inputs_store, encoding="utf-8") as f:
                data = json.load(f)
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _remembered_input(self):
        return self._inputs().get(os.path.abspath(self.definition.path))

    def _initial_input(self) -> tuple[Any, str | None]:
        """What the input editor starts with, and where it came from: the
        last input used for this flow, else the flow's sibling
        ``FLOW.input.json``, else ``{}``."""
        value = self._remembered_input()
        if isinstance(value, dict):
            return value, "the last input you used for this flow"
        path = os.path.splitext(self.definition.path)[0] + ".input.json"
        try:
            with open(path, encoding="utf-8") as f:
                value = parse_json(f.read())  # BadJSON is a ValueError
        except (OSError, ValueError):
            return None, None
        return (value, path) if isinstance(value, dict) else (None, None)

    def _remember_input(self, value) -> None:
        if not self.inputs_store:
            return
        data = self._inputs()
        data[os.path.abspath(self.definition.path)] = value
        try:
            os.makedirs(os.path.dirname(self.inputs_store), exist_ok=True)
            tmp = self.inputs_store + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=2)
            os.replace(tmp, self.inputs_store)
        except OSError as e:
            self.notify(f"Could not remember the input: {e}", severity="warning")
