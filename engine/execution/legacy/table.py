"""The legacy steps' handler table, joined to the FDL v1 one in ``../states``."""
from ...legacy.model import (ChoiceStep, FailStep, ForeachStep, ParallelStep, PassStep, SucceedStep, TaskStep,
                             WaitStep)
from ..states import fail  # a fail step fails the execution as an FDL v1 Fail does
from . import choice, foreach, parallel, pass_, task, wait

HANDLERS = {
    PassStep: pass_,
    SucceedStep: pass_,
    FailStep: fail,
    WaitStep: wait,
    ChoiceStep: choice,
    ParallelStep: parallel,
    ForeachStep: foreach,
    TaskStep: task,
}
