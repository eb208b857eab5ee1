"""Function backends: where a Task's call goes (mock, local code, live FC)."""
from .base import Backend, FunctionRequest, FunctionResponse, BackendError
from .fc import FunctionRef, parse_function_arn, result_from_payload, body_to_bytes

__all__ = [
    "Backend", "FunctionRequest", "FunctionResponse", "BackendError",
    "FunctionRef", "parse_function_arn", "result_from_payload", "body_to_bytes",
]
