"""Flow errors: the runtime failures a flow can see, catch and retry.

A :class:`FlowError` is a value, not a bug: it carries a CloudFlow error name
(``FnF.RuntimeError``, ``FC.ResourceThrottled``, a user's custom code) and a
detail that names the state, the field and the path involved.

Source: https://www.alibabacloud.com/help/en/serverless-workflow/latest/error-handling
"""
from __future__ import annotations

from dataclasses import dataclass

# Error names CloudFlow itself raises.
RUNTIME_ERROR = "FnF.RuntimeError"
TASK_TIMEOUT = "FnF.TaskTimeout"
DATA_LIMIT_EXCEEDED = "FnF.DataLimitExceeded"
ALL = "FnF.ALL"


@dataclass(frozen=True)
class FlowError(Exception):
    """A failure of a state, as Retry and Catch see it.

    ``code`` is matched literally (case-sensitive) against ``Errors`` lists;
    ``detail`` is free text for the user.
    """

    code: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else self.code

    def to_json(self) -> dict:
        return {"Code": self.code, "Detail": self.detail}


class FlowdbgBug(Exception):
    """An internal error of flowdbg itself (never a user's mistake)."""
