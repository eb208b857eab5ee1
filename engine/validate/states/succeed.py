"""Succeed: ends its scope (the flow, or its branch or iteration)."""
from __future__ import annotations

from ... import schema as S
from .transition import terminal

# End and Next are tolerated here: terminal() says why each does not belong.
FIELDS = S.FIELDS["Succeed"] | {"End", "Next"}
OUTPUT_CONSTRUCTOR = True
transition = terminal


def check(v, m, where, names, targets) -> None:
    pass
