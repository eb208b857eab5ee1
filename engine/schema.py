"""What FDL v1 allows: state types, their fields, enums and limits.

Sources: https://www.alibabacloud.com/help/en/serverless-workflow/latest/process-definition-introduction
and the per-state pages cited in ``docs/semantics.md``; limits from
https://www.alibabacloud.com/help/en/serverless-workflow/latest/limits
"""
from __future__ import annotations

STATE_TYPES = ("Task", "Pass", "Choice", "Parallel", "Map", "Wait", "Succeed", "Fail")

COMMON = {"Name", "Type", "Description", "InputConstructor"}
_TRANSITION = {"Next", "End"}

FIELDS: dict[str, set[str]] = {
    "Pass": COMMON | _TRANSITION | {"OutputConstructor"},
    "Task": COMMON | _TRANSITION | {"OutputConstructor", "Action", "TaskMode", "Parameters", "Timeout", "Retry", "Catch"},
    "Choice": COMMON | {"Branches", "Default"},
    "Parallel": COMMON | _TRANSITION | {"OutputConstructor", "Branches", "Retry", "Catch"},
    "Map": COMMON | _TRANSITION | {
        "OutputConstructor", "ItemsPath", "Processor", "MaxConcurrency", "ItemConstructor", "ProcessorConfig",
        "ItemReader", "ItemBatcher", "ResultWriter", "MaxItems", "ToleratedFailurePercentage",
        "ToleratedFailureCount", "Retry", "Catch"},
    "Wait": COMMON | _TRANSITION | {"OutputConstructor", "Seconds", "Seconds.$"},
    "Succeed": COMMON | {"OutputConstructor"},
    "Fail": COMMON | {"OutputConstructor", "Code", "Detail"},
}
#: States that need exactly one of Next / End: true.
NEEDS_TRANSITION = {"Pass", "Task", "Parallel", "Map", "Wait"}

TOP_FIELDS = {"Type", "Name", "SpecVersion", "StartAt", "States", "Description"}
SCOPE_FIELDS = {"StartAt", "States"}
RETRY_FIELDS = {"Errors", "Description", "MaxAttempts", "IntervalSeconds", "BackoffRate", "MaxBackoffSeconds"}
CATCH_FIELDS = {"Errors", "Description", "Next", "OutputConstructor"}
CHOICE_BRANCH_FIELDS = {"Condition", "Next", "Description"}

TASK_MODES = ("RequestComplete", "WaitForSystemCallback", "WaitForCustomCallback")
INVOCATION_TYPES = ("Sync", "Async")

#: Known misspellings from Alibaba's own pages -> canonical (decision 9).
FIELD_ALIASES = {"MaxConcuccency": "MaxConcurrency"}
TASK_MODE_ALIASES = {"WaitForUserCallback": "WaitForCustomCallback"}
ACTION_ALIASES = {"FC::InvokeFunction": "FC:InvokeFunction"}
ERROR_ALIASES = {"States.ALL": "FnF.ALL"}

#: TaskModes each integration supports (RequestComplete, WaitForSystemCallback,
#: WaitForCustomCallback), from the service-integration-pattern page's matrix.
MODE_MATRIX = {
    "FC": set(TASK_MODES),
    "FNF": set(TASK_MODES),
    "EventBridge": {"RequestComplete", "WaitForCustomCallback"},
    "MNS": {"RequestComplete", "WaitForCustomCallback"},
    "HTTP": {"RequestComplete", "WaitForCustomCallback"},
    "OSS": {"RequestComplete"},
}

# Limits (decision 8).
WAIT_SECONDS = {"Standard": (1, 300), "Express": (1, 20)}
MAX_PARALLEL_BRANCHES = 50
MAX_INLINE_MAP_CONCURRENCY = 40
MAX_DISTRIBUTED_MAP_CONCURRENCY = 100
MAX_TASK_TIMEOUT = 604800
MAX_RETRY_INTERVAL = 86400
DEFAULT_DATA_LIMIT = 64 * 1024

TASK_TOKEN_PATH = "$Context.Current.TaskToken"
