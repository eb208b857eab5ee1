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

#: The optimized integrations' actions (fdl-reference §6): product code -> its
#: operations. An Action whose product matches one of these only by case, or
#: whose operation is a near miss of one, is probably a typo: flowdbg would run
#: it as a generic OpenAPI call. OSS is a known product code but its operation
#: name was never confirmed (likely PutObject), so OSS operations are not checked.
#: MNS:PublishMessage is not listed: the reference names only SendMessage (whose
#: resourceArn may be a queue or a topic).
KNOWN_ACTIONS: dict[str, tuple[str, ...]] = {
    "FC": ("InvokeFunction",),
    "FNF": ("StartExecution",),
    "HTTP": ("Request",),
    "MNS": ("SendMessage",),
    "EventBridge": ("PutEvents",),
    "SMS": ("SendSms",),
    "OSS": (),
}
#: How close (difflib ratio, case-folded) an operation must be to a known one to
#: be called a typo. 0.88 flags one- or two-letter slips (InvokeFuncton 0.96,
#: InvokFuncton 0.92) but not real neighbouring APIs that generic calls may use
#: (FNF:StartSyncExecution 0.875, FNF:StopExecution 0.81, SMS:SendBatchSms 0.74).
ACTION_TYPO_CUTOFF = 0.88

#: Error names CloudFlow or flowdbg raise (fdl-reference §5, §9.2), for the
#: case check: names are matched case-sensitively, so 'fnf.all' matches nothing.
FC_ERROR_CODES = (
    "InvalidArgument", "MissingRequiredHeader", "PathNotSupported", "EntityTooLarge", "LimitExceededError",
    "AccessDenied", "SignatureNotMatch", "InvalidAccessKeyID", "ServiceNotFound", "FunctionNotFound",
    "AliasNotFound", "VersionNotFound", "DomainNameNotFound", "ResourceThrottled", "InternalServerError",
    "ResourceExhausted", "Unknown",
    # raised by flowdbg's live FC backend
    "AsyncTaskStopped", "AsyncTaskExpired", "AsyncTaskInvalid", "RequestTimeout", "NetworkError",
)
KNOWN_ERRORS = tuple(f"FC.{c}" for c in FC_ERROR_CODES) + (
    "FnF.ALL", "FnF.TaskTimeout", "FnF.Timeout", "FnF.RuntimeError", "FnF.DataLimitExceeded",
    "FnF.ExecutionStopped", "FnF.ExecutionFailed",
)

#: Top-level keys of a flowdbg mock file (engine/mocks/), to tell one apart
#: from a flow definition given to ``flowdbg validate`` by mistake.
MOCK_FILE_KEYS = {"functions", "states", "callbacks", "local", "live", "flows"}

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
#: what a Wait's range is, said with it: an Express flow's is not the one a user expects
WAIT_LIMIT = {"Standard": "CloudFlow's limit for a Wait state",
              "Express": "the Express workflow limit, --express; a Standard one waits up to 300 s"}
MAX_PARALLEL_BRANCHES = 50
MAX_INLINE_MAP_CONCURRENCY = 40
MAX_DISTRIBUTED_MAP_CONCURRENCY = 100
MAX_TASK_TIMEOUT = 604800
MAX_RETRY_INTERVAL = 86400
DEFAULT_DATA_LIMIT = 64 * 1024

TASK_TOKEN_PATH = "$Context.Current.TaskToken"
