"""Build the model (``model.py``) from a tree that validation found no errors in."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import json.encoder
from types import MappingProxyType

from . import schema as S
from .constructors import Template, compile_template_node
from .expressions import compile_expression
from .load import Map, Node, Scalar, Seq, no_cyclic_gc, to_python
from .model import (ChoiceBranch, ChoiceState, CatchRule, FailState, Flow, MapState, ParallelState, PassState,
                    RetryRule, Scope, State, SucceedState, TaskState, WaitState)


# -- building -----------------------------------------------------------

def _val(m: Map, key: str, default=None):
    n = m._index.get(key)
    return n.value if type(n) is Scalar else default


def _template(m: Map, key: str, field_name: str | None = None) -> Template | None:
    n = m._index.get(key)
    return compile_template_node(field_name or key, n) if type(n) is Map else None


def _errors(rule: Map) -> tuple[str, ...]:
    return tuple(S.ERROR_ALIASES.get(e.value, e.value) for e in rule.get("Errors").items)


def _retry(m: Map) -> tuple[RetryRule, ...]:
    node = m.get("Retry")
    if not isinstance(node, Seq):
        return ()
    rules = []
    for r in node.items:
        rate = _val(r, "BackoffRate", 1.0)
        mb = _val(r, "MaxBackoffSeconds")
        rules.append(RetryRule(_errors(r), int(_val(r, "MaxAttempts", 0)), float(_val(r, "IntervalSeconds", 0)),
                               float(rate), float(mb) if mb is not None else None, r.line))
    return tuple(rules)


def _catch(m: Map) -> tuple[CatchRule, ...]:
    node = m.get("Catch")
    if not isinstance(node, Seq):
        return ()
    return tuple(CatchRule(_errors(r), _val(r, "Next"), _template(r, "OutputConstructor", "Catch.OutputConstructor"), r.line)
                 for r in node.items)


def _end_line(node: Map) -> int:
    """The last line any node under ``node`` is on: the loaders note it as they build (``Map.end``);
    a tree made otherwise is walked. Keys count: an alias's copy may be above its key."""
    return node.end or _walked_end_line(node)


def _walked_end_line(node: Node) -> int:
    last, todo = node.line, [node]
    while todo:
        n = todo.pop()
        if n.line > last:
            last = n.line
        if type(n) is Map:
            for k, v in n.items:
                if k.line > last:
                    last = k.line
                todo.append(v)
        elif type(n) is Seq:
            todo += n.items
    return last


def _made(cls, common: dict, **more) -> State:
    """``cls(**common, **more)``, made without the frozen dataclass's ``__init__``, which
    sets each field through ``object.__setattr__`` (a sixth of a big flow's build): the
    same fields in its ``__dict__``, the defaults for those left out
    (tests/engine/test_cold_load.py holds the two equal)."""
    obj = object.__new__(cls)
    d = obj.__dict__
    d.update(_DEFAULTS[cls])
    d.update(common)
    if more:
        d.update(more)
    return obj


def _pass(m: Map, common: dict) -> State:
    return _made(PassState, common)


def _succeed(m: Map, common: dict) -> State:
    return _made(SucceedState, common)


def _fail(m: Map, common: dict) -> State:
    return _made(FailState, common, code=_val(m, "Code"), detail=_val(m, "Detail"))


def _wait(m: Map, common: dict) -> State:
    se = m.get("Seconds.$")
    return _made(WaitState, common, seconds=_val(m, "Seconds"),
                 seconds_expr=compile_expression(se.value) if isinstance(se, Scalar) else None)


def _choice(m: Map, common: dict) -> State:
    branches = tuple(ChoiceBranch(compile_expression(_val(b, "Condition")), _val(b, "Next"), b.line)
                     for b in m.get("Branches").items)
    return _made(ChoiceState, common, branches=branches, default=_val(m, "Default"))


def _task(m: Map, common: dict) -> State:
    mode = _val(m, "TaskMode", "RequestComplete")
    timeout = _val(m, "Timeout")
    if isinstance(timeout, str):  # validation allowed a numeric string
        timeout = int(timeout.strip())
    return _made(TaskState, common, action=S.ACTION_ALIASES.get(_val(m, "Action"), _val(m, "Action")),
                 task_mode=S.TASK_MODE_ALIASES.get(mode, mode),
                 parameters=_template(m, "Parameters"), timeout=timeout or None,
                 retry=_retry(m), catch=_catch(m))


def _parallel(m: Map, common: dict) -> State:
    return _made(ParallelState, common, branches=tuple(_scope(b) for b in m.get("Branches").items),
                 retry=_retry(m), catch=_catch(m))


def _map(m: Map, common: dict) -> State:
    mc = _val(m, "MaxConcurrency", _val(m, "MaxConcuccency", 0)) or 0
    return _made(MapState, common, items_path=compile_expression(_val(m, "ItemsPath")),
                 processor=_scope(m.get("Processor")), max_concurrency=int(mc),
                 item_constructor=_template(m, "ItemConstructor"),
                 distributed="ProcessorConfig" in m, retry=_retry(m), catch=_catch(m))


#: Type -> its builder ``(node, common fields) -> State``: the fields every state has
#: are read once in :func:`_state`.
BUILDERS = {"Pass": _pass, "Succeed": _succeed, "Fail": _fail, "Wait": _wait, "Choice": _choice, "Task": _task,
            "Parallel": _parallel, "Map": _map}


#: each state class's fields that have a default, with it (what :func:`_made` starts from)
_DEFAULTS = {cls: {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
             for cls in (PassState, SucceedState, FailState, WaitState, ChoiceState, TaskState, ParallelState,
                         MapState)}


def _state(m: Map) -> State:
    t = _val(m, "Type")
    build = BUILDERS.get(t)
    if build is None:
        raise ValueError(f"unknown state type {t!r}")  # validation rejects this first
    common = {"name": _val(m, "Name"), "type": t, "line": m.line, "end_line": _end_line(m),
              "description": _val(m, "Description"), "input": _template(m, "InputConstructor"),
              "output": _template(m, "OutputConstructor") if t != "Choice" else None,
              "next": _val(m, "Next"), "end": bool(_val(m, "End", False))}
    return build(m, common)


def _scope(m: Map) -> Scope:
    states = {}
    for item in m.get("States").items:
        s = _state(item)
        states[s.name] = s
    return Scope(_val(m, "StartAt"), MappingProxyType(states))


#: what ``json.dumps(value, sort_keys=True, default=str)`` encodes with, made once:
#: json.dumps makes a new encoder at every call, half the time of a big flow's digests
_DIGEST_JSON = json.JSONEncoder(sort_keys=True, default=str)


def _digest_encoder():
    """``_DIGEST_JSON.encode`` of a state's plain value, its C encoder made once: ``encode``
    makes it again at every call (a third of a big flow's digests, which its first run computes
    to put the flow in the definition cache). Without ``_json``, the pure-Python encoder."""
    make = json.encoder.c_make_encoder
    if make is None:
        return _DIGEST_JSON.encode
    e = _DIGEST_JSON  # its settings, as JSONEncoder.iterencode passes them (no markers: a tree has no cycles)
    chunks = make(None, e.default, json.encoder.encode_basestring_ascii, e.indent, e.key_separator,
                  e.item_separator, e.sort_keys, e.skipkeys, e.allow_nan)
    join = "".join
    return lambda value: join(chunks(value, 0))


def _digests(root: Map) -> dict[str, str]:
    out: dict[str, str] = {}
    encode = _digest_encoder()

    def rec(scope: Map, prefix: str):
        out[prefix + "@StartAt"] = str(_val(scope, "StartAt"))
        for item in scope.get("States").items:
            name = _val(item, "Name")
            data = encode(to_python(item)).encode()
            out[prefix + name] = hashlib.sha256(data).hexdigest()[:16]
            if _val(item, "Type") == "Parallel":
                for i, b in enumerate(item.get("Branches").items):
                    rec(b, f"{prefix}{name}.Branch{i}/")
            elif _val(item, "Type") == "Map":
                rec(item.get("Processor"), f"{prefix}{name}/")
    rec(root, "")
    return out


def build_flow(root: Map, source: str = "", path: str = "") -> Flow:
    """Build the model from a tree that :func:`validate` found no errors in."""
    with no_cyclic_gc():
        return Flow(name=_val(root, "Name") or "", scope=_scope(root), description=_val(root, "Description"),
                    source=source, path=path, digest_source=lambda: _digests(root))
