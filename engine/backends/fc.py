"""Function Compute specifics shared by every backend: ARNs, event bytes and
the shape of a task result.

Sources: https://help.aliyun.com/document_detail/2400200.html (FC integration),
https://www.alibabacloud.com/help/en/function-compute/latest/error-codes
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..expressions.values import type_name
from ..json_values import BadJSON, parse_json

# FC 2.0: services/<svc>[.<qualifier>]/functions/<fn>
_FC2 = re.compile(r"^services/(?P<service>[^/.]+)(?:\.(?P<qualifier>[^/]+))?/functions/(?P<function>[^/]+)$")
# FC 3.0: functions/<fn>[/<qualifier>]
_FC3 = re.compile(r"^functions/(?P<function>[^/]+)(?:/(?P<qualifier>[^/]+))?$")


@dataclass(frozen=True)
class FunctionRef:
    """A function named by a Task's ``resourceArn``.

    ``generation`` is ``"2.0"`` (service + function) or ``"3.0"``.
    ``qualifier`` is a version or alias (``None`` = LATEST).
    """

    arn: str
    function: str
    service: str | None = None
    qualifier: str | None = None
    region: str = ""
    account: str = ""
    generation: str = "3.0"

    @property
    def mock_keys(self) -> tuple[str, ...]:
        """Keys a mock file may use for this function, most specific first."""
        keys = [self.arn]
        if self.service:
            keys.append(f"{self.service}/{self.function}")
        keys.append(self.function)
        return tuple(keys)

    @property
    def display(self) -> str:
        name = f"{self.service}/{self.function}" if self.service else self.function
        return f"{name}:{self.qualifier}" if self.qualifier else name


def parse_function_arn(arn: str) -> FunctionRef:
    """Parse ``acs:fc:<region>:<account>:<resource>`` (region and account may
    be empty; the account may be followed by ``/`` instead of ``:``).

    Raises ``ValueError`` with a message saying which forms are accepted.
    """
    if not isinstance(arn, str):
        raise ValueError(f"resourceArn must be a string, got {type_name(arn)}")
    m = re.match(r"^acs:fc:(?P<region>[^:]*):(?P<account>[^:/]*)[:/](?P<resource>.+)$", arn.strip())
    if not m:
        raise ValueError(
            f"resourceArn {arn!r} is not an FC function ARN: expected "
            "acs:fc:<region>:<account>:functions/<fn>[/<qualifier>] (FC 3.0) or "
            "acs:fc:<region>:<account>:services/<svc>[.<qualifier>]/functions/<fn> (FC 2.0)")
    resource = m["resource"]
    if (r := _FC2.match(resource)):
        return FunctionRef(arn=arn, function=r["function"], service=r["service"],
                           qualifier=r["qualifier"], region=m["region"], account=m["account"],
                           generation="2.0")
    if (r := _FC3.match(resource)):
        return FunctionRef(arn=arn, function=r["function"], qualifier=r["qualifier"],
                           region=m["region"], account=m["account"], generation="3.0")
    raise ValueError(
        f"resourceArn {arn!r}: resource part {resource!r} is neither "
        "functions/<fn>[/<qualifier>] nor services/<svc>[.<qualifier>]/functions/<fn>")


def body_to_bytes(body) -> bytes:
    """Serialize a Task's ``body`` as FC delivers it: a string as its UTF-8
    bytes, anything else as compact JSON; no body is an empty event."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def payload_value(payload: bytes | None):
    """The payload as a flow sees it: parsed JSON when it is JSON, else the
    text (decision 5). JSON a flow cannot hold (NaN, numbers beyond the double
    range, lone surrogates, nesting over 100 levels) stays text as well."""
    if not payload:
        return ""
    text = payload.decode("utf-8", errors="replace")
    try:
        return parse_json(text)
    except BadJSON:
        return text


def result_from_payload(payload: bytes | None) -> dict:
    """``{"Body": <payload>}``: the task result of an FC invocation."""
    return {"Body": payload_value(payload)}


# Error codes FC documents, by HTTP status (FC 2.0 table; FC 3.0 reuses them).
FC_ERROR_STATUS = {
    "InvalidArgument": 400, "MissingRequiredHeader": 400, "PathNotSupported": 400,
    "EntityTooLarge": 400, "LimitExceededError": 400, "AccessDenied": 403,
    "SignatureNotMatch": 403, "InvalidAccessKeyID": 403, "ServiceNotFound": 404,
    "FunctionNotFound": 404, "AliasNotFound": 404, "VersionNotFound": 404,
    "DomainNameNotFound": 404, "ResourceThrottled": 429, "InternalServerError": 500,
    "ResourceExhausted": 503,
}
#: The name flowdbg gives a function that raised (FC answers 200 with an
#: error type header); see docs/semantics.md "Function errors".
FUNCTION_ERROR = "FC.Unknown"
