"""Build a legacy flow's model (:mod:`.model`) from a tree the legacy validator found no
errors in: one small builder per step type, in a table; retry and catch rules with the
legacy defaults filled in; the digests that tell a changed step from an unchanged one."""
from __future__ import annotations

import hashlib
import json
import os
from types import MappingProxyType
from typing import Any

from ..expressions.legacy import INPUT_ROOTS, compile_condition, is_input_path, is_mapping_path, parse_path
from ..model import CatchRule, RetryRule
from ..nodes import Map, Node, Scalar, Seq, to_python, walk
from . import schema as S
from .model import (ChoiceOption, ChoiceStep, FailStep, ForeachStep, LegacyFlow, Mapping, Mappings, ParallelStep,
                    PassStep, Source, Step, StepList, SucceedStep, TaskStep, WaitStep)
from .resources import from_action, from_arn


def _val(m: Map, key: str, default=None):
    n = m.get(key)
    return n.value if isinstance(n, Scalar) else default


def compile_source(node: Node | None) -> Source:
    if node is None:
        return Source(None, None)
    value = to_python(node)
    if is_mapping_path(value):
        return Source(parse_path(value))
    return Source(None, value)


def mappings(m: Map, key: str) -> Mappings | None:
    node = m.get(key)
    if not isinstance(node, Seq):
        return None
    return tuple(Mapping(str(_val(e, "target")), compile_source(e.get("source")), e.line) for e in node.items)


def compile_params(value: Any) -> Any:
    """serviceParams: strings reading the step input become paths, the rest stays."""
    if isinstance(value, dict):
        return {k: compile_params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compile_params(v) for v in value]
    if is_input_path(value):
        return parse_path(value, INPUT_ROOTS)
    return value


def _retry(m: Map) -> tuple[RetryRule, ...]:
    node = m.get("retry")
    if not isinstance(node, Seq):
        return ()
    out = []
    for r in node.items:
        out.append(RetryRule(tuple(e.value for e in r.get("errors").items),
                             int(_val(r, "maxAttempts", S.RETRY_MAX_ATTEMPTS)),
                             float(_val(r, "intervalSeconds", S.RETRY_INTERVAL)),
                             float(_val(r, "multiplier", S.RETRY_MULTIPLIER)),
                             float(_val(r, "maxIntervalSeconds", S.RETRY_MAX_INTERVAL)), r.line))
    return tuple(out)


def _catch(m: Map) -> tuple[CatchRule, ...]:
    node = m.get("catch")
    if not isinstance(node, Seq):
        return ()
    return tuple(CatchRule(tuple(e.value for e in r.get("errors").items), _val(r, "goto"), None, r.line)
                 for r in node.items)


def _path_or_value(m: Map, key: str):
    """(constant, path) for a wait duration/timestamp."""
    v = _val(m, key)
    if is_input_path(v):
        return None, parse_path(v, INPUT_ROOTS)
    return v, None


def _option(node: Map | None, condition: bool) -> ChoiceOption | None:
    if not isinstance(node, Map):
        return None
    cond = compile_condition(_val(node, "condition")) if condition else None
    steps = node.get("steps")
    return ChoiceOption(cond, build_steps(steps) if isinstance(steps, Seq) and steps.items else None,
                        _val(node, "goto"), node.line)


def _pass(m: Map, common: dict) -> Step:
    return PassStep(**common)


def _succeed(m: Map, common: dict) -> Step:
    return SucceedStep(**common)


def _fail(m: Map, common: dict) -> Step:
    return FailStep(**common, error=_val(m, "error"), cause=_val(m, "cause"))


def _wait(m: Map, common: dict) -> Step:
    d, dp = _path_or_value(m, "duration")
    ts, tp = _path_or_value(m, "timestamp")
    return WaitStep(**common, duration=d, duration_path=dp, timestamp=ts, timestamp_path=tp)


def _task(m: Map, common: dict) -> Step:
    arn = m.get("resourceArn")
    res = from_arn(arn.value, arn.tag) if isinstance(arn, Scalar) else from_action(_val(m, "action"))
    sp = m.get("serviceParams")
    return TaskStep(**common, resource=res, pattern=_val(m, "pattern", S.DEFAULT_PATTERN),
                    timeout=_val(m, "timeoutSeconds"),
                    service_params=compile_params(to_python(sp)) if isinstance(sp, Map) else None,
                    retry=_retry(m), catch=_catch(m), error_mappings=mappings(m, "errorMappings"))


def _choice(m: Map, common: dict) -> Step:
    choices = tuple(_option(c, True) for c in m.get("choices").items)
    return ChoiceStep(**common, choices=choices, default=_option(m.get("default"), False))


def _parallel(m: Map, common: dict) -> Step:
    return ParallelStep(**common, branches=tuple(build_steps(b.get("steps")) for b in m.get("branches").items))


def _foreach(m: Map, common: dict) -> Step:
    it = m.get("iterationMapping")
    return ForeachStep(**common, collection=parse_path(_val(it, "collection"), INPUT_ROOTS),
                       item=str(_val(it, "item")), index=_val(it, "index"), steps=build_steps(m.get("steps")))


#: Step type -> its builder ``(node, common fields) -> Step``: the fields every step has
#: are read once in :func:`build_step`.
BUILDERS = {"pass": _pass, "succeed": _succeed, "fail": _fail, "wait": _wait, "task": _task, "choice": _choice,
            "parallel": _parallel, "foreach": _foreach}


def build_step(m: Map) -> Step:
    t = _val(m, "type")
    build = BUILDERS.get(t)
    if build is None:
        raise ValueError(f"unknown step type {t!r}")  # validation rejects this first
    common = dict(name=str(_val(m, "name")), type=t, line=m.line, end_line=max(n.line for n in walk(m)),
                  input_mappings=mappings(m, "inputMappings"), output_mappings=mappings(m, "outputMappings"),
                  end=bool(_val(m, "end", False)))
    return build(m, common)


def build_steps(seq: Seq) -> StepList:
    return StepList(tuple(build_step(item) for item in seq.items), seq.line)


def _digests(root: Map) -> dict[str, str]:
    out: dict[str, str] = {}

    def rec(seq: Seq, prefix: str):
        out[prefix + "@steps"] = ",".join(str(_val(i, "name")) for i in seq.items)
        for item in seq.items:
            name = str(_val(item, "name"))
            data = json.dumps(to_python(item), sort_keys=True, default=str).encode()
            out[prefix + name] = hashlib.sha256(data).hexdigest()[:16]
            for sub, inner in _child_seqs(item):
                rec(inner, f"{prefix}{sub}/")
    rec(root.get("steps"), "")
    for key in ("inputMappings", "outputMappings"):
        if key in root:
            out["@" + key] = hashlib.sha256(json.dumps(to_python(root.get(key)), default=str).encode()).hexdigest()[:16]
    return out


def _child_seqs(item: Map):
    t, name = _val(item, "type"), str(_val(item, "name"))
    if t == "parallel":
        return [(f"{name}.Branch{i}", b.get("steps")) for i, b in enumerate(item.get("branches").items)]
    if t == "foreach":
        return [(name, item.get("steps"))]
    if t == "choice":
        out = [(f"{name}.Choice{i}", c.get("steps")) for i, c in enumerate(item.get("choices").items)]
        d = item.get("default")
        if isinstance(d, Map):
            out.append((f"{name}.Default", d.get("steps")))
        return [(k, s) for k, s in out if isinstance(s, Seq) and s.items]
    return []


def build_flow(root: Map, source: str = "", path: str = "") -> LegacyFlow:
    """Build the model from a tree the legacy validator found no errors in."""
    name = os.path.splitext(os.path.basename(path))[0] if path and not path.startswith("<") else ""
    if name.endswith((".flow", ".fnf")):
        name = name.rsplit(".", 1)[0]
    return LegacyFlow(name=name, steps=build_steps(root.get("steps")), version=str(_val(root, "version", "")),
                      input_mappings=mappings(root, "inputMappings"), output_mappings=mappings(root, "outputMappings"),
                      timeout=_val(root, "timeoutSeconds"), source=source, path=path,
                      digests=MappingProxyType(_digests(root)))


__all__ = ["build_flow", "build_steps", "build_step", "compile_source", "compile_params", "mappings"]
