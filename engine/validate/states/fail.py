"""Fail: ends the whole execution with an error Code and Detail."""
from __future__ import annotations

from ... import schema as S
from .transition import terminal

# End and Next are tolerated here: terminal() says why each does not belong.
FIELDS = S.FIELDS["Fail"] | {"End", "Next"}
OUTPUT_CONSTRUCTOR = True
transition = terminal


def check(v, m, where, names, targets) -> None:
    v.string(m, "Code", where=where)
    v.string(m, "Detail", where=where)
