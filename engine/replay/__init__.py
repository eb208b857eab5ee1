"""Post-mortem and follow-along: a recorded execution (GetExecutionHistory)
replayed on the local engine. ``record`` reads the history, ``source``
answers the local run's tasks from it, ``divergence`` stops the debugger
where the local run leaves it. See docs/serve.md "Replaying a history"."""
from __future__ import annotations

from dataclasses import dataclass

from .divergence import DivergenceCheck
from .record import Record, RecordError, load_record, parse_record
from .source import FRONTIER, RecordSource


@dataclass
class Replay:
    session: object
    source: RecordSource
    check: DivergenceCheck

    def update(self, record: Record) -> None:
        """A longer record of the same execution (``--cloud`` polling)."""
        self.source.record = record
        self.check.update(record)


def replay_session(definition, record: Record, *, mocks=None, backends=(), live: bool = False,
                   journal_path: str | None = None) -> Replay:
    """A debug session whose tasks the record answers, stopping where it diverges."""
    from ..session import Session
    from ..service.store import iso
    source = RecordSource(record, definition.flow, live=live)
    inp = record.input if isinstance(record.input, dict) else {}
    session = Session(definition, inp, mocks=mocks, backends=[source, *backends], seed=0,
                      journal_path=journal_path, start_time=iso(record.start) if record.start else None,
                      name=record.name or "replay")
    check = DivergenceCheck(record)
    session.stop_checks.append(check)
    return Replay(session, source, check)


__all__ = ["Replay", "replay_session", "Record", "RecordError", "load_record", "parse_record", "RecordSource",
           "DivergenceCheck", "FRONTIER"]
