"""The errors a CloudFlow endpoint answers, in Alibaba's RPC shape.

An :class:`ApiError` becomes HTTP ``status`` with the body
``{"Code", "Message", "RequestId", "HostId"}``, which the official SDKs turn
into ``ClientException(code=..., status_code=...)``. Codes and statuses are
CloudFlow's own (FnF 2019-03-15 error-code tables); where the tables say
nothing, docs/serve.md "What differs from the service" names our choice.
"""
from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, "InvalidArgument", message)


def missing(param: str) -> ApiError:
    return ApiError(400, "MissingRequiredParams", f"The HTTP query '{param}' must be specified.")


def action_not_supported(action: str) -> ApiError:
    return ApiError(400, "ActionNotSupported", f"The requested API operation '{action}' is incorrect. Please check.")


def version_not_supported(version: str) -> ApiError:
    return ApiError(400, "APIVersionNotSupported",
                    f"The requested API version '{version}' is not supported yet. Please check.")


def entity_too_large(limit: int) -> ApiError:
    return ApiError(400, "EntityTooLarge", f"The payload size exceeds maximum allowed size ({limit} bytes).")


def flow_not_exists(name: str) -> ApiError:
    return ApiError(404, "FlowNotExists", f"Flow {name} does not exist.")


def flow_already_exists(name: str) -> ApiError:
    return ApiError(409, "FlowAlreadyExists", f"Flow {name} already exists.")


def execution_not_exists(flow: str, name: str) -> ApiError:
    return ApiError(404, "ExecutionNotExists", f"Execution {name} for flow {flow} does not exist.")


def execution_already_exists(flow: str, name: str) -> ApiError:
    return ApiError(400, "ExecutionAlreadyExists", f"Execution {name} for flow {flow} already exists.")


def execution_already_completed(flow: str, name: str) -> ApiError:
    return ApiError(400, "ExecutionAlreadyCompleted", f"Execution '{name}' for flow '{flow}' has already completed.")


def task_already_completed(token: str, why: str) -> ApiError:
    return ApiError(400, "TaskAlreadyCompleted", f"Task {token} has already completed ({why}).")


def internal_error(detail: str) -> ApiError:
    return ApiError(500, "InternalServerError", f"An internal error has occurred. Please retry. ({detail})")
