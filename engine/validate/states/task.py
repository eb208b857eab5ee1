"""Task: an Action (``Product:Operation``), its TaskMode (the integration
matrix), Timeout, Parameters, and for FC:InvokeFunction the function and how
it is invoked."""
from __future__ import annotations

import re

from ... import schema as S
from ...flow_slips import parameter_slips
from ...nodes import Map, Scalar
from ..rules import retry_catch
from ..words import suggest, type_name
from .transition import next_or_end

FIELDS = S.FIELDS["Task"]
OUTPUT_CONSTRUCTOR = True
transition = next_or_end

_ACTION = re.compile(r"^[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*$")
_ARN_EXAMPLE = "e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST"


def check(v, m: Map, where: str, names, targets: set) -> None:
    retry_catch(v, m, where, names, targets)
    action = v.string(m, "Action", required=True, where=where)
    mode = v.string(m, "TaskMode", where=where) or "RequestComplete"
    if mode in S.TASK_MODE_ALIASES:
        v.warn(m.get("TaskMode"), "mode-alias", f"{where}TaskMode {mode!r} is read as {S.TASK_MODE_ALIASES[mode]!r}",
               f"write 'TaskMode: {S.TASK_MODE_ALIASES[mode]}'")
        mode = S.TASK_MODE_ALIASES[mode]
    elif mode not in S.TASK_MODES:
        guess = suggest(mode, S.TASK_MODES)
        v.err(m.get("TaskMode"), "bad-enum", f"{where}TaskMode {mode!r} is not one of {', '.join(S.TASK_MODES)}",
              f"did you mean {guess!r}?" if guess else "")
    if "Timeout" in m:
        v.integer(m, "Timeout", 0, S.MAX_TASK_TIMEOUT, where, allow_numeric_string=True)
    params = m.get("Parameters")
    if params is not None and not isinstance(params, Map):
        v.err(params, "wrong-type", f"{where}'Parameters' must be an object, got {type_name(params)}")
        params = None
    exprs = []
    if params is not None:
        v.context = "Parameters"
        exprs = v.template(params, "Parameters", where)
    if action is None:
        return
    if action in S.ACTION_ALIASES:
        v.warn(m.get("Action"), "action-alias", f"{where}Action {action!r} is read as {S.ACTION_ALIASES[action]!r}",
               f"write 'Action: {S.ACTION_ALIASES[action]}'")
        action = S.ACTION_ALIASES[action]
    if not _ACTION.match(action):
        v.err(m.get("Action"), "bad-action", f"{where}Action {action!r} is not '<Product>:<Operation>'",
              "for Function Compute write 'FC:InvokeFunction'")
        return
    _known_action(v, m.get("Action"), action, where)
    if v.express and mode != "RequestComplete" and mode in S.TASK_MODES:
        v.err(m.get("TaskMode"), "mode-not-supported", f"{where}Express flows support only TaskMode RequestComplete")
    product = action.split(":")[0]
    allowed = S.MODE_MATRIX.get(product)
    if allowed is not None and mode in S.TASK_MODES and mode not in allowed:
        v.err(m.get("TaskMode"), "mode-not-supported",
              f"{where}{product} integration does not support TaskMode {mode}; it supports "
              + ", ".join(x for x in S.TASK_MODES if x in allowed))
    named = _fc_parameters(v, m, params, mode, where) if action == "FC:InvokeFunction" else set()
    if params is not None:
        v.diags += parameter_slips(params, action, where, named)
    if mode == "WaitForCustomCallback" and not any(e.references(S.TASK_TOKEN_PATH) for e in exprs):
        v.warn(m.get("TaskMode"), "no-task-token",
               f"{where}WaitForCustomCallback task never passes $Context.Current.TaskToken, so nobody can call back",
               "add e.g. 'callbackToken.$: $Context.Current.TaskToken' to Parameters.body")


def _known_action(v, node: Scalar, action: str, where: str) -> None:
    """Warn when ``action`` looks like a typo of an integration flowdbg
    knows (S.KNOWN_ACTIONS): its product differs only in case, or its
    operation is a near miss. Other ``Product:Operation`` pairs are generic
    OpenAPI calls and pass."""
    product, op = action.split(":", 1)
    canon_product = next((p for p in S.KNOWN_ACTIONS if p.lower() == product.lower()), None)
    if canon_product is None and product.lower() == "cloudflow":
        canon_product = "FNF"  # the child-flow action keeps the old product code (fdl-reference §6.3)
    if canon_product is None:
        return
    ops = S.KNOWN_ACTIONS[canon_product]
    guess = op if op in ops else suggest(op, ops, S.ACTION_TYPO_CUTOFF)
    if (canon_product, guess) == (product, op):
        return
    if guess:  # a known action, misspelled or in the wrong case
        case = f" (the product code is spelled {canon_product!r})" if product.lower() == canon_product.lower() \
            and product != canon_product else ""
        v.warn(node, "unknown-action",
               f"{where}Action {action!r} is not an action flowdbg knows{case}, so it runs as a generic call "
               "that only a 'states:' mock answers", f"did you mean '{canon_product}:{guess}'?")
    elif product.lower() == canon_product.lower() and product != canon_product:
        # a generic call (or an OSS operation, unconfirmed) on a known product in the wrong case
        v.warn(node, "unknown-action", f"{where}Action {action!r}: the product code is spelled {canon_product!r}",
               f"write 'Action: {canon_product}:{op}'")


def _fc_parameters(v, m: Map, params, mode: str, where: str) -> set[str]:
    """FC:InvokeFunction's resourceArn and invocationType, and the modes an
    invocation type allows; returns the slipped keys a missing-field error named."""
    from ...backends.fc import parse_function_arn
    if params is None:
        v.missing(m, "Parameters", f"{where}FC:InvokeFunction needs Parameters with resourceArn and invocationType",
                  node=m.get("Name") or m)
        return set()
    named: set[str] = set()
    arn = params.get("resourceArn")
    if arn is None and "resourceArn.$" not in params:
        k = v.missing(params, "resourceArn", f"{where}Parameters: missing required field 'resourceArn'")
        named |= {str(k.value)} if k is not None else set()
    elif arn is not None and not (isinstance(arn, Scalar) and isinstance(arn.value, str)):
        v.err(arn, "wrong-type", f"{where}Parameters.resourceArn must be a string, got {type_name(arn)}",
              _ARN_EXAMPLE)
    elif isinstance(arn, Scalar):
        try:
            parse_function_arn(arn.value)
        except ValueError as e:
            v.err(arn, "bad-arn", f"{where}Parameters.{e}", _ARN_EXAMPLE)
    it_node = params.get("invocationType")
    it = None
    if it_node is None and "invocationType.$" not in params:
        k = v.missing(params, "invocationType",
                      f"{where}Parameters: missing required field 'invocationType' (Sync or Async)")
        named |= {str(k.value)} if k is not None else set()
    elif it_node is not None:
        it = it_node.value if isinstance(it_node, Scalar) else None
        if it not in S.INVOCATION_TYPES:
            guess = suggest(str(it), S.INVOCATION_TYPES)
            v.err(it_node, "bad-enum", f"{where}Parameters.invocationType must be Sync or Async, got {type_name(it_node)}",
                  f"did you mean {guess!r}?" if guess else "")
            it = None
    if it == "Sync" and mode == "WaitForSystemCallback":
        v.err(it_node, "mode-not-supported",
              f"{where}WaitForSystemCallback needs an asynchronous invocation (invocationType: Async)")
    if it == "Sync" and mode == "WaitForCustomCallback":
        v.warn(it_node, "sync-custom-callback",
               f"{where}the FC integration page says WaitForCustomCallback is effective only for asynchronous invocations",
               "use invocationType: Async")
    return named
