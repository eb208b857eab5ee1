"""What a legacy task calls: its ``resourceArn`` (or ``action``) read into a :class:`Resource`.

* ``acs:fc:<region>:<account>:services/<svc>/functions/<fn>`` (and FC 3.0 ``functions/<fn>``): a
  Function Compute function;
* ``!Ref <Service>/<Function>``: a Funcraft/ROS template reference to a function; the template
  is not here, so the function is matched by name (mock files, ``--local``, ``--live``);
* ``acs:fnf:::flow/<name>``: a child flow (a ``flows:`` mock runs it, else a ``states:`` mock);
* ``acs:mns:::/topics/<t>/messages``, ``acs:mns:::/queues/<q>/messages``: MNS;
* ``action: <product>:<Operation>``: a service integration (``fnf:StartExecution`` starts a child
  flow named by ``serviceParams.FlowName``); answered by a ``states:`` mock.

Anything else (a template placeholder such as ``<resource-arn>``) is an ``unknown`` resource,
answered by a ``states:`` mock under the step's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..backends.fc import FunctionRef, parse_function_arn

FC, FLOW, MNS, ACTION, UNKNOWN = "fc", "flow", "mns", "action", "unknown"


@dataclass(frozen=True)
class Resource:
    kind: str  # fc | flow | mns | action | unknown
    text: str  # the resourceArn or action as written (a !Ref shows as "!Ref Svc/Fn")
    function: FunctionRef | None = None  # fc
    flow: str | None = None  # flow: the child flow's name (None: serviceParams.FlowName at run time)
    mns: tuple[str, str] | None = None  # mns: ("topic" | "queue", name)
    action: str | None = None  # action / flow via fnf:StartExecution: "product:Operation"

    @property
    def label(self) -> str:
        """How the debugger names the call (``svc/fn``, ``flow X``, ``MNS topic T``, the action)."""
        if self.kind == FC:
            return self.function.display
        if self.kind == FLOW:
            return f"flow {self.flow}" if self.flow else "child flow (serviceParams.FlowName)"
        if self.kind == MNS:
            return f"MNS {self.mns[0]} {self.mns[1]}"
        return self.action or self.text


_FNF_FLOW = re.compile(r"^acs:fnf:[^:]*:[^:]*:flow/(?P<name>[^/]+)$")
_MNS = re.compile(r"^acs:mns:[^:]*:[^:]*:/(?P<kind>topics|queues)/(?P<name>[^/]+)/messages$")
_REF = re.compile(r"^(?:(?P<service>[^/\s]+)/)?(?P<function>[^/\s]+)$")


def from_arn(text: str, tag: str = "") -> Resource:
    """Read a ``resourceArn``. Raises ``ValueError`` for an ``acs:fc:`` ARN that is not a
    function's, or a ``!Ref`` that is not ``Service/Function``."""
    if tag == "!Ref":
        m = _REF.match(text.strip())
        if not m:
            raise ValueError(f"!Ref {text!r} is not a function reference: expected !Ref Service/Function")
        # FC 3.0 has no services: --live calls the function by its own name.
        ref = FunctionRef(arn=f"!Ref {text}", function=m["function"], service=m["service"], generation="3.0")
        return Resource(FC, f"!Ref {text}", function=ref)
    s = text.strip()
    if s.startswith("acs:fc:"):
        ref = parse_function_arn(s)
        if ref.generation == "2.0":
            ref = FunctionRef(arn=ref.arn, function=ref.function, service=ref.service, qualifier=ref.qualifier,
                              region=ref.region, account=ref.account, generation="3.0")
        return Resource(FC, text, function=ref)
    if (m := _FNF_FLOW.match(s)):
        return Resource(FLOW, text, flow=m["name"])
    if (m := _MNS.match(s)):
        return Resource(MNS, text, mns=("topic" if m["kind"] == "topics" else "queue", m["name"]))
    return Resource(UNKNOWN, text)


def from_action(action: str) -> Resource:
    product, _, op = action.partition(":")
    if product.lower() == "fnf" and op == "StartExecution":
        return Resource(FLOW, action, action=action)
    return Resource(ACTION, action, action=action)


def looks_like_placeholder(text: str) -> bool:
    """``<resource-arn>``, ``${Arn}``, ``{{arn}}``: a template value never filled in."""
    return bool(re.search(r"<[^<>]+>|\$\{[^}]*\}|\{\{[^}]*\}\}", text))


__all__ = ["Resource", "from_arn", "from_action", "looks_like_placeholder", "FC", "FLOW", "MNS", "ACTION", "UNKNOWN"]
