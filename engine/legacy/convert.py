"""Rewrite a legacy flow (its model) as an FDL v1 flow, where a faithful rewrite exists.

Every rewritten state passes a *carry*, ``{"input": I, "local": L}``: the legacy ``$input``
and ``$local`` of the list of steps it belongs to (:mod:`.convert_values`). So:

* a task's ``Parameters.body`` is its inputMappings over the carry (or
  ``jsonMerge($Input.input, $Input.local)``), and its ``OutputConstructor`` merges its output
  into ``local``; a catch's ``OutputConstructor`` merges its errorMappings;
* a choice becomes a Pass that starts a carry for its own steps (``up`` keeps the outer one),
  a Choice, its inline steps (flattened into the same scope) and a Pass per successor that
  merges the choice's output back into the outer carry;
* a parallel / foreach becomes a Parallel / Map whose InputConstructor starts its branches'
  carry and whose OutputConstructor merges its output into the outer carry;
* the flow starts with ``FlowInput`` (its inputMappings) and ends with ``FlowOutput`` (its
  outputMappings, or its ``$local`` when every key it can hold is known and always set).

What v1 cannot say is reported per step (:class:`Problem`) and the rest is still rewritten.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import yaml

from .checks import parse_rfc3339
from .convert_values import Frame, NotFaithful, Value, condition, literal, merge, obj, source_value, translate
from .model import (ChoiceStep, FailStep, ForeachStep, LegacyFlow, ParallelStep, PassStep, StepList, SucceedStep,
                    TaskStep, WaitStep)
from .resources import ACTION, FC, FLOW, MNS
from . import schema as S

CARRY_INPUT, CARRY_LOCAL = Value.path("$Input.input"), Value.path("$Input.local")
V1_MAX_WAIT, V1_MAX_BRANCHES = 300, 50


@dataclass
class Problem:
    step: str
    line: int
    reason: str


@dataclass
class Conversion:
    document: dict
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def faithful(self) -> bool:
        return not self.problems

    @property
    def text(self) -> str:
        head = [f"# FDL v1 rewrite of {self.source or 'a legacy flow'} (flowdbg convert).",
                "# Each state passes {input, local}: the legacy $input and $local of its list of steps",
                "# (inside a choice's steps, 'up' holds the enclosing list's)."]
        if self.problems:
            head.append("# Not rewritten faithfully:")
            head += [f"#   - step {p.step!r} (line {p.line}): {p.reason}" for p in self.problems]
        if self.notes:
            head.append("# Notes:")
            head += [f"#   - {n}" for n in self.notes]
        body = yaml.safe_dump(self.document, sort_keys=False, allow_unicode=True, width=110)
        return "\n".join(head) + "\n" + body


class _Scope:
    def __init__(self) -> None:
        self.states: list[dict] = []
        self.names: set[str] = set()


class Converter:
    def __init__(self, flow: LegacyFlow, source: str = "", now: datetime.datetime | None = None):
        self.flow = flow
        self.source = source
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.context = {("execution", "name"): Value.path("$Context.Execution.Name"),
                        ("step", "name"): Value.path("$Context.Current.Name"),
                        ("flow", "name"): Value.of(flow.name)}

    # -- helpers --------------------------------------------------------------------
    def problem(self, step, reason: str) -> None:
        self.problems.append(Problem(step.name, step.line, reason))

    def alloc(self, scope: _Scope, name: str, step=None) -> str:
        out, n = name, 2
        while out in scope.names:
            out, n = f"{name}_{n}", n + 1
        scope.names.add(out)
        if out != name and step is not None:
            self.notes.append(f"step {name!r} (line {step.line}) is named {out!r}: another list of steps has a step "
                              f"{name!r}, and the rewritten flow keeps them in one scope (rename its mocks too)")
        return out

    def value(self, mapping, frame: Frame, step) -> Value:
        try:
            if mapping.source.path is not None and mapping.source.path.root == "$context":
                self._context_note(mapping.source.path, step)
            return source_value(mapping, frame)
        except NotFaithful as e:
            self.problem(step, f"{mapping.target}: {e}")
            return Value.of(None)

    def _context_note(self, path, step) -> None:
        if tuple(path.segments[:2]) == ("flow", "name"):
            note = f"$context.flow.name is written as the constant {self.flow.name!r} (v1 has no flow name in $Context)"
            if note not in self.notes:
                self.notes.append(note)

    def mapped(self, mappings, frame: Frame, step) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for m in mappings:
            out[m.target] = self.value(m, frame, step)
        return out

    @staticmethod
    def template(values: dict[str, Value]) -> dict:
        """A v1 constructor for an object of values: constants literal, the rest ``key.$``."""
        out: dict = {}
        for k, v in values.items():
            out.pop(k, None)
            out.pop(k + ".$", None)
            if v.kind == "const":
                out[k] = v.const
            else:
                out[k + ".$"] = v.expression()
        return out

    def carry(self, local: Value, up: bool, input: str = "$Input.input", up_from: str = "$Input.up") -> dict:
        out = {"input.$": input, "local.$": local.expression()}
        if up:
            out["up.$"] = up_from
        return out

    def in_frame(self, step=None, token: bool = False) -> Frame:
        ctx = dict(self.context)
        if token:
            ctx[("task", "token")] = Value.path("$Context.Current.TaskToken")
        else:
            ctx[("task", "token")] = Value.of(None)
        return Frame(CARRY_INPUT, CARRY_LOCAL, ctx)

    def step_input(self, step) -> tuple[Value, dict[str, Value] | None]:
        """The step's input as a Value, and its mapped targets (None without inputMappings)."""
        if step.input_mappings is None:
            return merge(CARRY_INPUT, CARRY_LOCAL), None
        token = isinstance(step, TaskStep) and step.pattern == "waitForCallback"
        by_target = self.mapped(step.input_mappings, self.in_frame(step, token), step)
        return obj(by_target), by_target

    def own_frame(self, step, local) -> Frame:
        inp, by_target = self.step_input(step)
        return Frame(inp, local, self.in_frame().context, by_target)

    # -- lists ----------------------------------------------------------------------
    def emit_list(self, steps: StepList, scope: _Scope, up: bool, exit: str | None) -> str:
        names = {s.name: self.alloc(scope, s.name, s) for s in steps.steps}
        for i, s in enumerate(steps.steps):
            after = names[steps.steps[i + 1].name] if i + 1 < len(steps.steps) else exit
            if s.end or isinstance(s, SucceedStep):
                after = exit
            self.emit_step(s, names[s.name], scope, up, after, exit, names)
        return names[steps.steps[0].name]

    @staticmethod
    def next(after: str | None) -> dict:
        return {"Next": after} if after is not None else {"End": True}

    def emit_step(self, s, name: str, scope: _Scope, up: bool, after, exit, names) -> None:
        if isinstance(s, TaskStep):
            scope.states.append(self.task(s, name, up, after, names))
        elif isinstance(s, (PassStep, SucceedStep)):
            scope.states.append(self.pass_(s, name, up, after))
        elif isinstance(s, FailStep):
            st = {"Type": "Fail", "Name": name}
            if s.error is not None:
                st["Code"] = s.error
            if s.cause is not None:
                st["Detail"] = s.cause
            scope.states.append(st)
        elif isinstance(s, WaitStep):
            scope.states.append(self.wait(s, name, up, after))
        elif isinstance(s, ChoiceStep):
            self.choice(s, name, scope, up, after, exit, names)
        elif isinstance(s, ParallelStep):
            scope.states.append(self.parallel(s, name, up, after))
        elif isinstance(s, ForeachStep):
            scope.states.append(self.foreach(s, name, up, after))

    # -- steps ----------------------------------------------------------------------
    def pass_(self, s, name: str, up: bool, after) -> dict:
        st: dict = {"Type": "Pass", "Name": name}
        if s.output_mappings is not None:
            out = obj(self.mapped(s.output_mappings, self.own_frame(s, Value.of({})), s))
            st["OutputConstructor"] = self.carry(merge(CARRY_LOCAL, out), up)
        return st | self.next(after)

    def wait(self, s: WaitStep, name: str, up: bool, after) -> dict:
        st: dict = {"Type": "Wait", "Name": name}
        if s.duration is not None:
            if s.duration == 0:
                st = {"Type": "Pass", "Name": name, "Description": "duration: 0 (no wait)"}
            elif s.duration > V1_MAX_WAIT:
                self.problem(s, f"duration {s.duration} s: an FDL v1 Wait waits at most {V1_MAX_WAIT} s")
                st["Seconds"] = s.duration
            else:
                st["Seconds"] = s.duration
        elif s.duration_path is not None:
            try:
                inp, by_target = self.step_input(s)
                st["Seconds.$"] = translate(s.duration_path, Frame(inp, None, {}, by_target)).expression()
                self.notes.append(f"step {s.name!r}: a v1 Wait takes whole seconds from 1 to {V1_MAX_WAIT}; the "
                                  f"legacy duration may be 0 to {S.MAX_WAIT_SECONDS}")
            except NotFaithful as e:
                self.problem(s, f"duration: {e}")
        else:
            when = parse_rfc3339(s.timestamp) if s.timestamp is not None else None
            if when is not None and when <= self.now:
                st = {"Type": "Pass", "Name": name, "Description": f"timestamp {s.timestamp} is past: no wait"}
            else:
                what = s.timestamp if s.timestamp is not None else s.timestamp_path.text
                self.problem(s, f"timestamp {what}: FDL v1 waits a number of seconds, not until a time")
                st = {"Type": "Pass", "Name": name, "Description": f"was: wait until {what}"}
        if s.output_mappings is not None:
            out = obj(self.mapped(s.output_mappings, self.own_frame(s, Value.of({})), s))
            st["OutputConstructor"] = self.carry(merge(CARRY_LOCAL, out), up)
        return st | self.next(after)

    def task(self, s: TaskStep, name: str, up: bool, after, names) -> dict:
        from .convert_tasks import task_state
        return task_state(self, s, name, up, after, names)

    def choice(self, s: ChoiceStep, name: str, scope: _Scope, up: bool, after, exit, names) -> None:
        after = exit if s.end else after
        inp, by_target = self.step_input(s)
        push = {"Type": "Pass", "Name": name, "OutputConstructor":
                ({"input": self.template(by_target)} if by_target is not None else {"input.$": inp.expression()})
                | {"local": {}, "up.$": "$Input"}}
        chooser = self.alloc(scope, f"{name} (choice)")
        push["Next"] = chooser
        scope.states.append(push)
        cond_frame = Frame(CARRY_INPUT, None, {})
        pops: dict = {}

        def pop(target: str | None) -> str:
            if target not in pops:
                pops[target] = self.alloc(scope, f"{name} (goto {target})" if target != after else f"{name} (done)")
            return pops[target]

        def option(o, target) -> str:
            if o.steps is None:
                return pop(target)
            return self.emit_list(o.steps, scope, True, pop(target))

        branches = []
        for i, o in enumerate(s.choices):
            target = names[o.goto] if o.goto is not None else after
            try:
                cond = condition(o.condition, cond_frame)
            except NotFaithful as e:
                self.problem(s, f"choices[{i}].condition: {e}")
                cond = "false"
            branches.append({"Condition": cond, "Next": option(o, target)})
        default = option(s.default, names[s.default.goto] if s.default.goto is not None else after) \
            if s.default is not None else pop(after)
        scope.states.insert(scope.states.index(push) + 1, {"Type": "Choice", "Name": chooser, "Branches": branches,
                                                           "Default": default})
        out = (obj(self.mapped(s.output_mappings, Frame(CARRY_INPUT, CARRY_LOCAL, self.in_frame().context), s))
               if s.output_mappings is not None else CARRY_LOCAL)
        for target, pname in pops.items():
            scope.states.append({"Type": "Pass", "Name": pname, "OutputConstructor": self.carry(
                merge(Value.path("$Input.up.local"), out), up, "$Input.up.input", "$Input.up.up")}
                | self.next(target))

    def _group_input(self, s) -> dict:
        inp, by_target = self.step_input(s)
        start = {"input": self.template(by_target)} if by_target is not None else {"input.$": inp.expression()}
        return start | {"local": {}, "up.$": "$Input"}

    def _group_output(self, s, local, up: bool) -> dict:
        out = Value.of({})
        if s.output_mappings is not None:
            out = obj(self.mapped(s.output_mappings, Frame(CARRY_INPUT, local, self.in_frame().context), s))
        return self.carry(merge(Value.path("$Input.up.local"), out), up, "$Input.up.input", "$Input.up.up")

    def parallel(self, s: ParallelStep, name: str, up: bool, after) -> dict:
        if len(s.branches) > V1_MAX_BRANCHES:
            self.problem(s, f"{len(s.branches)} branches: an FDL v1 Parallel has at most {V1_MAX_BRANCHES}")
        branches = []
        for b in s.branches:
            inner = _Scope()
            start = self.emit_list(b, inner, False, None)
            branches.append({"StartAt": start, "States": inner.states})
        local = [Value.path(f"$Output.Branch{i}.local") for i in range(len(s.branches))]
        return {"Type": "Parallel", "Name": name, "InputConstructor": self._group_input(s), "Branches": branches,
                "OutputConstructor": self._group_output(s, local, up)} | self.next(after)

    def foreach(self, s: ForeachStep, name: str, up: bool, after) -> dict:
        if s.index:
            self.problem(s, f"iterationMapping.index ({s.index!r}): an FDL v1 Map gives its iterations no index")
        inner = _Scope()
        start = self.emit_list(s.steps, inner, False, None)
        items = translate(s.collection, Frame(CARRY_INPUT, None, {}))
        item = f"jsonMerge($Input.input, {{{literal(s.item)}: $Item}})"
        return {"Type": "Map", "Name": name, "InputConstructor": self._group_input(s), "ItemsPath": items.expression(),
                "ItemConstructor": {"input.$": item, "local": {}},
                "Processor": {"StartAt": start, "States": inner.states},
                "OutputConstructor": self._group_output(s, None, up)} | self.next(after)

    # -- the flow -------------------------------------------------------------------
    def convert(self) -> Conversion:
        top = _Scope()
        first = self.alloc(top, "FlowInput")
        last = self.alloc(top, "FlowOutput")
        frame = Frame(Value.path("$Input"), Value.of({}), dict(self.context) | {("task", "token"): Value.of(None)})
        fi = self.flow.input_mappings
        start = {"Type": "Pass", "Name": first, "OutputConstructor":
                 ({"input": self.template(self.mapped(fi, frame, _FlowStep(self.flow)))} if fi is not None
                  else {"input.$": "$Input"}) | {"local": {}}}
        top.states.append(start)
        start["Next"] = self.emit_list(self.flow.steps, top, False, last)
        top.states.append({"Type": "Pass", "Name": last, "OutputConstructor": self.flow_output(), "End": True})
        doc = {"Type": "StateMachine", "Name": self.flow.name or "converted", "SpecVersion": "v1",
               "StartAt": first, "States": top.states}
        self.notes.append("FDL v1 paths are strict: where the legacy flow reads a missing key as null (mappings) or "
                          "false (a condition on one key), the rewritten mappings fail with FnF.RuntimeError")
        self.notes.append(f"the data limit of a state is 64 KiB in FDL v1, {S.DATA_LIMIT // 1024} KiB for a legacy step")
        return Conversion(doc, self.problems, self.notes, self.source)

    def flow_output(self) -> dict:
        fo = self.flow.output_mappings
        if fo is not None:
            return self.template(self.mapped(fo, Frame(CARRY_INPUT, CARRY_LOCAL, self.in_frame().context),
                                             _FlowStep(self.flow)))
        from .convert_keys import output_keys
        keys, why = output_keys(self.flow.steps)
        if why:
            self.problems.append(Problem("(flow output)", self.flow.steps.line, f"without outputMappings the flow outputs its $local, "
                                         f"and {why}; FDL v1 builds objects with fixed keys: add flow-level "
                                         "outputMappings"))
            return {"local.$": "$Input.local"}
        return {k + ".$": Value.path("$Input.local", k).expression() for k in keys}


@dataclass
class _FlowStep:
    """The flow, where a problem names a step."""

    flow: LegacyFlow
    name: str = "(flow)"
    line: int = 1


def convert(flow: LegacyFlow, source: str = "", now: datetime.datetime | None = None) -> Conversion:
    """Rewrite ``flow`` as FDL v1 (:class:`Conversion`: ``text``, ``problems``, ``notes``)."""
    return Converter(flow, source, now).convert()


__all__ = ["convert", "Conversion", "Problem"]
