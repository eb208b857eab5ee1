"""What the legacy Serverless Workflow format (``type: flow``, ``steps``) allows.

Sources (digested in ../shared/fdl-reference.md §8): the step pages
https://help.aliyun.com/document_detail/122494.html (task), 122495 (wait), 122496 (pass),
https://alibabacloud.com/help/en/serverless-workflow/latest/choice-steps, 122498 (parallel),
122499 (foreach), 122500 (succeed), 122501 (fail), 122493 (inputs and outputs),
https://help.aliyun.com/en/document_detail/214310.html (errors), and Alibaba's own editor
schema (alibaba/serverless-vscode ``src/language-service/schema/flowSchema.json``).
"""
from __future__ import annotations

STEP_TYPES = ("task", "pass", "choice", "parallel", "foreach", "wait", "succeed", "fail")
VERSIONS = ("v1beta1", "v1")

COMMON = {"type", "name", "inputMappings", "outputMappings"}
FIELDS: dict[str, set[str]] = {
    "task": COMMON | {"end", "resourceArn", "action", "pattern", "timeoutSeconds", "serviceParams", "retry",
                      "catch", "errorMappings"},
    "pass": COMMON | {"end"},
    "choice": COMMON | {"end", "choices", "default"},
    "parallel": COMMON | {"end", "branches"},
    "foreach": COMMON | {"end", "iterationMapping", "steps"},
    "wait": COMMON | {"end", "duration", "timestamp"},
    "succeed": COMMON,
    "fail": COMMON | {"error", "cause"},
}
TOP_FIELDS = {"version", "type", "steps", "inputMappings", "outputMappings", "timeoutSeconds"}
MAPPING_FIELDS = {"target", "source"}
RETRY_FIELDS = {"errors", "intervalSeconds", "maxIntervalSeconds", "maxAttempts", "multiplier"}
CATCH_FIELDS = {"errors", "goto"}
CHOICE_FIELDS = {"condition", "steps", "goto"}
DEFAULT_FIELDS = {"steps", "goto"}
BRANCH_FIELDS = {"steps"}
ITERATION_FIELDS = {"collection", "item", "index"}

#: task ``pattern`` -> the FDL v1 TaskMode it behaves like.
PATTERNS = {"requestResponse": "RequestComplete", "sync": "WaitForSystemCallback",
            "waitForCallback": "WaitForCustomCallback"}
DEFAULT_PATTERN = "requestResponse"

#: Retry defaults (task page 122494; errors page 214310: waits 10 s, 20 s, 40 s for interval 10).
RETRY_INTERVAL = 1
RETRY_MAX_ATTEMPTS = 3
RETRY_MULTIPLIER = 2.0
RETRY_MAX_INTERVAL = 86400  # also the largest interval allowed

# Limits.
MAX_PARALLEL_BRANCHES = 100
MAX_FOREACH_CONCURRENCY = 100
MAX_WAIT_SECONDS = 2 * 24 * 3600  # "at most 2 days"
DATA_LIMIT = 32 * 1024  # input, output and $local of a step together

#: ``$context`` as flowdbg fills it: field -> its fields.
CONTEXT_FIELDS = {"flow": ("name",), "execution": ("name",), "step": ("name", "eventId"), "task": ("token",)}
TASK_TOKEN = ("task", "token")

#: Reserved names an errorMappings source reads (the Chinese task page names ``$local.error``
#: and ``$local.code`` while its own example reads ``$local.cause``: all three are accepted).
ERROR_LOCALS = ("error", "cause", "code")

#: Error names the legacy runtime raises, beyond FDL v1's (fnf-reference §8; FnF.InvalidLocal
#: appears in Alibaba's own subflow best-practice flow for a function result that is not a
#: JSON object).
INVALID_LOCAL = "FnF.InvalidLocal"

#: The FDL v1 state type each step type behaves like (what pictures and overlays switch on).
V1_KIND = {"task": "Task", "pass": "Pass", "choice": "Choice", "parallel": "Parallel", "foreach": "Map", "wait": "Wait",
           "succeed": "Succeed", "fail": "Fail"}

#: FDL v1 fields that mean a v1 construct was written in a legacy step, and what to write.
V1_FIELDS = {
    "Type": "type (lowercase: task, pass, choice, ...)", "Name": "name", "Next": "the order of steps (or goto)",
    "End": "end", "InputConstructor": "inputMappings", "OutputConstructor": "outputMappings",
    "Parameters": "inputMappings (the function's event) or serviceParams", "Action": "resourceArn or action",
    "TaskMode": "pattern", "Timeout": "timeoutSeconds", "Retry": "retry", "Catch": "catch",
    "Branches": "branches (parallel) or choices (choice)", "Default": "default", "Condition": "condition",
    "Seconds": "duration", "Seconds.$": "duration: $.key", "ItemsPath": "iterationMapping.collection",
    "Processor": "steps", "ItemConstructor": "iterationMapping.item", "MaxConcurrency": "(no field: at most 100 "
    "iterations run at once)", "Code": "error", "Detail": "cause", "StartAt": "(no field: steps run in list order)",
    "States": "steps", "Description": "(no field: use a YAML # comment)", "SpecVersion": "version",
    "Errors": "errors", "IntervalSeconds": "intervalSeconds", "MaxAttempts": "maxAttempts",
    "BackoffRate": "multiplier", "MaxBackoffSeconds": "maxIntervalSeconds",
}
#: The same, at the top of the file.
V1_TOP_FIELDS = {
    "Type": "type: flow", "SpecVersion": "version (v1beta1 or v1)", "StartAt": "(no field: steps run in list order)",
    "States": "steps", "Name": "(no field: a flow is named when it is created)",
    "Description": "(no field: use a YAML # comment)",
}
#: Legacy fields that mean a legacy construct was written in an FDL v1 state.
LEGACY_FIELDS = {
    "type": "Type", "name": "Name", "steps": "States (with StartAt)", "end": "End", "goto": "Next",
    "inputMappings": "InputConstructor", "outputMappings": "OutputConstructor", "resourceArn": "Parameters.resourceArn",
    "pattern": "TaskMode", "timeoutSeconds": "Timeout", "retry": "Retry", "catch": "Catch", "choices": "Branches",
    "default": "Default", "condition": "Condition", "duration": "Seconds", "timestamp": "(no field: v1 waits Seconds)",
    "iterationMapping": "ItemsPath / ItemConstructor", "serviceParams": "Parameters", "errorMappings":
    "Catch[].OutputConstructor", "error": "Code", "cause": "Detail", "branches": "Branches", "version": "SpecVersion",
    "action": "Action",
}
