"""Slips: FDL that is valid but almost surely not what its author meant.

The validator (:mod:`.validate`) checks what FDL allows; these checks look
for what passes that and still goes wrong at run time without a word:

* a Parameters key that misses a documented parameter by case or a letter
  (``Body:`` for ``body:``: the function gets an empty event), or names one
  the integration does not have (``qualifier:`` for FC);
* ``${NAME}`` placeholders (Serverless Devs substitutes them when it
  deploys; CloudFlow and flowdbg send them as written);
* a state name used in more than one scope, while mock keys and
  breakpoints name states by their bare name.

Every check returns :class:`~.diagnostics.Diagnostic` values; codes are
listed in docs/semantics.md ("Warnings").
"""
from __future__ import annotations

import difflib
import re

from .diagnostics import IGNORED, WARNING, Diagnostic
from .nodes import Map, Node, Scalar, Seq

#: Each optimized integration's documented parameters (fdl-reference §6).
#: For FC the list is complete ("No separate qualifier parameter"), so any
#: other key is reported; for the others only near misses of these are.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "FC:InvokeFunction": ("resourceArn", "invocationType", "body"),
    "FNF:StartExecution": ("resourceArn", "executionName", "input"),
    "HTTP:Request": ("url", "method", "body", "headers"),
    "MNS:SendMessage": ("resourceArn", "message", "priority", "delaySeconds", "messageTag", "messageAttributes"),
    "EventBridge:PutEvents": ("id", "type", "eventBusName", "subject", "source", "data"),
    "SMS:SendSms": ("phoneNumbers", "signName", "templateCode", "templateParam"),
}
COMPLETE_PARAMETERS = {"FC:InvokeFunction"}
#: How close (difflib ratio, case-folded) a key must be to be called a slip
#: of a parameter: one letter dropped or swapped in a short name ('bdy' 0.86).
KEY_CUTOFF = 0.8

PLACEHOLDER = re.compile(r"\$\{[^}\s]*\}")


def _warn(node: Node, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(WARNING, code, node.line, node.col, message, hint)


def _base(key: str) -> str:
    return key[:-2] if key.endswith(".$") else key


def near_miss(word: str, options, cutoff: float = KEY_CUTOFF) -> str:
    """The option ``word`` misses by case or a letter or two (or two letters
    swapped, which difflib scores low in a short word: 'fial' for 'fail'), else ""."""
    lower = {o.lower(): o for o in options}
    w = word.lower()
    if w in lower:
        return lower[w]
    swapped = [o for o in lower if _swapped(w, o)]
    if swapped:
        return lower[swapped[0]]
    m = difflib.get_close_matches(w, list(lower), n=1, cutoff=cutoff)
    return lower[m[0]] if m else ""


def _swapped(a: str, b: str) -> bool:
    """``a`` is ``b`` with two neighbouring letters swapped."""
    if len(a) != len(b) or len(a) < 3:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def slipped_key(m: Map, key: str, allowed=()) -> Scalar | None:
    """The key node of ``m`` that looks like a slip of ``key`` (``invocationtype``
    for ``invocationType``, ``next`` for ``Next``), or None. A key that is
    itself allowed is no slip; ``x.$`` is compared as ``x``."""
    for k, _ in m.items:
        name = str(k.value)
        if name == key or name in allowed or _base(name) == key:
            continue
        if near_miss(_base(name), (key,)):
            return k
    return None


def slip_note(k: Scalar, key: str) -> str:
    """`` ('invocationtype' on line 12 is not it: keys are case-sensitive)``."""
    name = str(k.value)
    how = "keys are case-sensitive" if _base(name).lower() == key.lower() else f"it is spelt {key!r}"
    return f" ({name!r} on line {k.line} is not it: {how})"


def parameter_slips(params: Map, action: str, where: str, reported: set[str]) -> list[Diagnostic]:
    """Parameters keys of a known integration that miss a parameter or name
    none. ``reported``: keys already named by a missing-field error."""
    known = PARAMETERS.get(action)
    if known is None:
        return []
    out = []
    for k, _ in params.items:
        name = str(k.value)
        base = _base(name)
        if base in known or name in reported:
            continue
        guess = near_miss(base, known)
        if guess == "body" and action == "FC:InvokeFunction":
            out.append(_warn(k, "unknown-parameter",
                             f"{where}Parameters: {name!r} is not a parameter of {action}{IGNORED}, "
                             "so the function gets an empty event", f"did you mean '{guess}'?"))
        elif guess:
            case = " parameter names are case-sensitive" if guess.lower() == base.lower() else ""
            out.append(_warn(k, "unknown-parameter",
                             f"{where}Parameters: {name!r} is not a parameter of {action}{IGNORED}",
                             f"did you mean '{guess}{'.$' if name.endswith('.$') else ''}'?{case}"))
        elif action == "FC:InvokeFunction" and base.lower() == "qualifier":
            out.append(_warn(k, "unknown-parameter",
                             f"{where}Parameters: FC:InvokeFunction has no {name!r} parameter{IGNORED}: the version "
                             "or alias is the last part of resourceArn",
                             "write it in the ARN, e.g. acs:fc:cn-hangzhou:123456:functions/myFunction/LATEST"))
        elif action in COMPLETE_PARAMETERS:
            out.append(_warn(k, "unknown-parameter",
                             f"{where}Parameters: {name!r} is not a parameter of {action}{IGNORED}; it takes "
                             f"{', '.join(known[:-1])} and {known[-1]}",
                             "to send it to the function, put it under body"))
    return out


def _is_expression_key(key: str) -> bool:
    return key.endswith(".$") or key in ("Condition", "ItemsPath", "Seconds.$")


def placeholders(root: Node, text: str = "") -> list[Diagnostic]:
    """A warning for each string value holding ``${NAME}`` placeholders."""
    out: list[Diagnostic] = []
    if text and "${" not in text and "\\" not in text:  # no escape could make one: nothing to find
        return out
    lines = text.splitlines() if text else []

    def visit(node: Node, key: str) -> None:
        if isinstance(node, Map):
            for k, v in node.items:
                visit(v, str(k.value))
        elif isinstance(node, Seq):
            for item in node.items:
                visit(item, key)
        elif isinstance(node, Scalar) and isinstance(node.value, str) and not _is_expression_key(key):
            found = list(dict.fromkeys(PLACEHOLDER.findall(node.value)))
            if not found:
                return
            line, col = _locate(lines, node, found[0])
            names = " and ".join(repr(p) for p in found) if len(found) <= 2 else \
                ", ".join(repr(p) for p in found[:-1]) + f" and {found[-1]!r}"
            what = "a placeholder" if len(found) == 1 else "placeholders"
            out.append(Diagnostic(
                WARNING, "placeholder", line, col,
                f"{key}: {names} {'is' if len(found) == 1 else 'are'} {what} that nothing substitutes: CloudFlow "
                "sends the text as written",
                "put in the real value (Serverless Devs substitutes ${...} when it deploys; CloudFlow and "
                "flowdbg do not)"))

    visit(root, "")
    return out


def _locate(lines: list[str], node: Scalar, needle: str) -> tuple[int, int]:
    """Where ``needle`` first appears in the source at or after ``node``
    (a folded ``>-`` value starts a line above its text), else the node."""
    for i in range(node.line - 1, min(len(lines), node.line + 50)):
        start = node.col - 1 if i == node.line - 1 else 0
        at = lines[i].find(needle, start)
        if at >= 0:
            return i + 1, at + 1
    return node.line, node.col


def _scopes(m: Map, path: str):
    """``(scope path, States node)`` for ``m``'s scope and every nested one:
    a Map's Processor is ``M``, a Parallel's branch ``P.Branch0``, nested
    ``P.Branch0/M``: the segments a scoped mock key (``M/Notify``) uses."""
    states = m.get("States")
    if not isinstance(states, Seq):
        return
    yield path, states
    for st in states.items:
        if not isinstance(st, Map):
            continue
        name = st.get("Name")
        if not (isinstance(name, Scalar) and isinstance(name.value, str)):
            continue
        prefix = f"{path}/" if path else ""
        proc = st.get("Processor")
        if isinstance(proc, Map):
            yield from _scopes(proc, f"{prefix}{name.value}")
        branches = st.get("Branches")
        if isinstance(branches, Seq):  # a Choice's Branches have no States: nothing yielded
            for i, b in enumerate(branches.items):
                if isinstance(b, Map):
                    yield from _scopes(b, f"{prefix}{name.value}.Branch{i}")


def in_scope(path: str) -> str:
    return f"in scope {path!r}" if path else "at the top level"


def reused_names(root: Node) -> list[Diagnostic]:
    """A warning at each later use of a state name another scope also uses."""
    if not isinstance(root, Map):
        return []
    scopes = list(_scopes(root, ""))
    if len(scopes) < 2:  # one scope: no name can be used in another
        return []
    uses: dict[str, list[tuple[str, Scalar]]] = {}
    for path, states in scopes:
        for st in states.items:
            name = st.get("Name") if isinstance(st, Map) else None
            if isinstance(name, Scalar) and isinstance(name.value, str):
                uses.setdefault(name.value, []).append((path, name))
    out = []
    for name, where in uses.items():
        scopes = list(dict.fromkeys(p for p, _ in where))
        if len(scopes) < 2:
            continue
        first_path, first = where[0]
        for path, node in where[1:]:
            if path == first_path:
                continue  # a duplicate in one scope is an error of its own
            key = f"{path}/{name}" if path else f"/{name}"
            first_key = f"{first_path}/{name}" if first_path else f"/{name}"
            out.append(_warn(node, "reused-state-name",
                             f"state name {name!r} is also used {in_scope(first_path)} (line {first.line}): "
                             f"mock keys, callbacks and breakpoints that name {name!r} apply to both",
                             f"rename one, or key its mocks by scope: '{key}' here and '{first_key}' there"))
    return out


__all__ = ["PARAMETERS", "near_miss", "slipped_key", "slip_note", "parameter_slips", "placeholders",
           "reused_names", "in_scope"]
