"""Pass: nothing of its own beyond what every state has."""
from __future__ import annotations

from ... import schema as S
from .transition import next_or_end

FIELDS = S.FIELDS["Pass"]
OUTPUT_CONSTRUCTOR = True
transition = next_or_end


def check(v, m, where, names, targets) -> None:
    pass
