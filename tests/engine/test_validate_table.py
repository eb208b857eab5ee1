"""The validator's state table: one checker per FDL state type, each shaped as the walk expects."""
from flowdbg.engine import schema as S
from flowdbg.engine.validate.states import CHECKS


def test_every_state_type_has_a_checker_and_no_checker_lacks_a_type():
    assert sorted(CHECKS) == sorted(S.STATE_TYPES)


def test_each_checker_tolerates_its_schema_fields_and_names_its_transition():
    for t, kind in CHECKS.items():
        assert S.FIELDS[t] <= kind.FIELDS, t
        assert callable(kind.transition) and callable(kind.check), t
    assert not CHECKS["Choice"].OUTPUT_CONSTRUCTOR
    assert all(CHECKS[t].OUTPUT_CONSTRUCTOR for t in S.STATE_TYPES if t != "Choice")
