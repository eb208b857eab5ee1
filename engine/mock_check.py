"""Check a mock file against the flow it answers.

:func:`.mocks.parse_mocks` checks a mock file's own shape; this module
checks what only the flow can tell: answers that can never be used or can
never match. Each finding is a warning at the mock file's ``line:col``
(codes listed in docs/semantics.md, "Warnings"):

* ``mock-unknown-state`` / ``mock-unknown-function``: a key naming no state
  or function of the flow (with a did-you-mean);
* ``mock-not-task`` / ``mock-not-callback``: an answer for a state that never
  asks for one (a Pass state; a task that takes no callback);
* ``mock-error-name``: an error name one slip away from the one a Retry or
  Catch lists (``ResourceThrottled`` for ``FC.ResourceThrottled``);
* ``mock-body-ignored``: a ``body`` nothing reads (an Async RequestComplete
  call ends once FC accepts it; a callback task's result is its callback);
* ``mock-late-callback``: a scripted callback due after the task's Timeout;
* ``mock-when-scope``: a ``when.scope`` that names no Map or Parallel;
* ``mock-unknown-flow``: a ``flows:`` key no FNF:StartExecution task starts;
* ``mock-local-handler``: a ``local:`` handler whose file or function is not there.

Two findings are errors, since the run would stop on them: a ``flows:``
entry whose file is missing (``mock-flow-missing``) or not a valid flow
(``mock-flow-invalid``). The child flows ``flows:`` names count as part of
the flow: their states and functions are answered by the same mock file.

``validate`` (with ``--mocks`` or the sibling mock file), ``run`` and the
debugger run it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import schema as S
from .backends.fc import parse_function_arn
from .constructors import _Expr, _Obj  # a Parameters template's literal parts
from .diagnostics import ERROR, WARNING, Diagnostic, ordered
from .flow_slips import near_miss
from .mocks import Entry, MockFile, scope_matches
from .model import Flow, MapState, ParallelState, TaskState

#: How close an error name must be to a known one to be called a slip of it.
ERROR_CUTOFF = 0.85


@dataclass
class _Call:
    """What the flow tells about one FC task, for the functions it calls."""

    state: TaskState
    scope: str
    invocation_type: str | None  # None when given by an expression


@dataclass
class _FlowFacts:
    states: list[tuple[str, object]] = field(default_factory=list)  # (scope path, state)
    calls: dict[str, list[_Call]] = field(default_factory=dict)  # mock key -> FC tasks calling it
    dynamic_arn: bool = False  # some resourceArn comes from an expression: function keys cannot be checked
    errors: set[str] = field(default_factory=set)  # every error name a Retry or Catch lists
    scopes: set[str] = field(default_factory=set)  # scope paths: "M", "P.Branch0", "P.Branch0/M"
    children: set[str] = field(default_factory=set)  # flow names FNF:StartExecution tasks start
    dynamic_child: bool = False  # some child's resourceArn comes from an expression


def _shown(path: str) -> str:
    """``path`` as the user would type it: relative to the working directory when under it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _child_name(arn: str) -> str:
    """The flow a FNF:StartExecution resourceArn names (as the door looks it up)."""
    return arn.rsplit("flow/", 1)[-1] if "flow/" in arn else arn


def _says_something(body) -> bool:
    """A mock body with content: ``""``, ``{}``, ``[]`` and null only stand for "FC accepted the call"."""
    return body not in (None, "", {}, [])


def _static(pattern: str) -> str:
    """A scope pattern as the flow's text has it: ``M[1]`` is ``M`` (iteration
    numbers exist only at run time); ``""`` is the top level, ``/``."""
    return "/".join(seg.split("[")[0] for seg in pattern.split("/")) if pattern.strip("/") else "/"


def _literal(template, key: str):
    """The literal value of Parameters ``key``; None when absent or an expression."""
    root = getattr(template, "root", None)
    if type(root) is not _Obj:
        return None
    for k, v in root.items:
        if k == key:
            return None if type(v) is _Expr else v
    return None


def _facts(flow: Flow) -> _FlowFacts:
    if getattr(flow, "format", "v1") == "legacy":
        return _legacy_facts(flow)
    facts = _FlowFacts()
    for prefix, st in flow.all_states():
        path = prefix.rstrip("/")
        facts.states.append((path, st))
        for rule in (*getattr(st, "retry", ()), *getattr(st, "catch", ())):
            facts.errors.update(rule.errors)
        if isinstance(st, MapState):
            facts.scopes.add(f"{prefix}{st.name}")
        elif isinstance(st, ParallelState):
            facts.scopes.update(f"{prefix}{st.name}.Branch{i}" for i in range(len(st.branches)))
        if isinstance(st, TaskState) and st.action == "FNF:StartExecution":
            arn = _literal(st.parameters, "resourceArn")
            if isinstance(arn, str):
                facts.children.add(_child_name(arn))
            else:
                facts.dynamic_child = True
        if isinstance(st, TaskState) and st.action == "FC:InvokeFunction":
            arn = _literal(st.parameters, "resourceArn")
            if not isinstance(arn, str):
                facts.dynamic_arn = True
                continue
            try:
                ref = parse_function_arn(arn)
            except ValueError:
                continue
            it = _literal(st.parameters, "invocationType")
            for k in ref.mock_keys:
                facts.calls.setdefault(k, []).append(_Call(st, path, it if isinstance(it, str) else None))
    return facts


def _legacy_facts(flow) -> _FlowFacts:
    """A legacy flow's steps, scopes (``par.Branch0``, ``each``, ``pick.Choice0``) and the
    functions its task steps call (a resourceArn or ``!Ref`` naming an FC function)."""
    from .legacy.model import TaskStep, children
    from .legacy.resources import FC, FLOW
    facts = _FlowFacts()
    for prefix, st in flow.all_states():
        path = prefix.rstrip("/")
        facts.states.append((path, st))
        for rule in (*getattr(st, "retry", ()), *getattr(st, "catch", ())):
            facts.errors.update(rule.errors)
        facts.scopes.update(f"{prefix}{name}" for name, _ in children(st))
        if isinstance(st, TaskStep) and st.resource.kind == FLOW:
            if st.resource.flow:
                facts.children.add(st.resource.flow)
            else:  # serviceParams.FlowName, known only at run time
                facts.dynamic_child = True
        if isinstance(st, TaskStep) and st.resource.kind == FC:
            # invoked Sync for requestResponse, Async for the callback patterns
            it = "Sync" if st.task_mode == "RequestComplete" else "Async"
            for k in st.resource.function.mock_keys:
                facts.calls.setdefault(k, []).append(_Call(st, path, it))
    return facts


def _child_flows(mocks: MockFile) -> list:
    """The flows the mock file's ``flows:`` names that load without errors."""
    from .definition import load_definition
    out = []
    for path in dict.fromkeys(mocks.flows.values()):
        d = load_definition(path)
        if d.flow is not None:
            out.append(d.flow)
    return out


def _merge(facts: _FlowFacts, more: _FlowFacts) -> None:
    """A child flow's facts join its parent's: one mock file answers both
    (a child execution shares its parent's door)."""
    facts.states += more.states
    for k, calls in more.calls.items():
        facts.calls.setdefault(k, []).extend(calls)
    facts.dynamic_arn = facts.dynamic_arn or more.dynamic_arn
    facts.errors |= more.errors
    facts.scopes |= more.scopes
    facts.children |= more.children
    facts.dynamic_child = facts.dynamic_child or more.dynamic_child


def _task_types(flow) -> tuple[type, ...]:
    if getattr(flow, "format", "v1") == "legacy":
        from .legacy.model import TaskStep
        return (TaskState, TaskStep)
    return (TaskState,)


class _Checker:
    def __init__(self, flow: Flow, mocks: MockFile):
        self.flow, self.mocks = flow, mocks
        self.facts = _facts(flow)
        self.tasks = _task_types(flow)
        for child in _child_flows(mocks):
            # A child flow run from the mock file's `flows:` shares its answers.
            self.tasks = tuple(dict.fromkeys(self.tasks + _task_types(child)))
            _merge(self.facts, _facts(child))
        self.diags: list[Diagnostic] = []

    def warn(self, at: tuple[int, int], code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(WARNING, code, at[0], at[1], message, hint))

    def key_at(self, section: str, key: str) -> tuple[int, int]:
        return self.mocks.positions.get((section, key), (1, 1))

    @staticmethod
    def node_at(e: Entry, name: str) -> tuple[int, int]:
        n = e.node.get(name) if e.node is not None else None
        return (n.line, n.col) if n is not None else (e.line, e.node.col if e.node is not None else 1)

    # -- which states a states:/callbacks: key names -------------------------------------------------
    def states_for(self, section: str, key: str) -> list[tuple[str, object]]:
        """The (scope, state) pairs ``key`` answers; warns when none."""
        prefix, sep, name = key.rpartition("/")
        found = [(p, s) for p, s in self.facts.states if s.name == key]
        if not found and sep:
            found = [(p, s) for p, s in self.facts.states if s.name == name and scope_matches(_static(prefix), p)]
            if not found and any(s.name == name for _, s in self.facts.states):
                where = sorted({f"scope {p!r}" if p else "the top level" for p, s in self.facts.states
                                if s.name == name})
                self.warn(self.key_at(section, key), "mock-unknown-state",
                          f"{section}: {key!r} names no state: state {name!r} is in {' and '.join(where)}, "
                          f"not in scope {prefix!r}", "scope segments are Map or Parallel "
                          "state names (M, P.Branch0), outermost first; '/Name' is the top level")
                return []
        if not found:
            guess = near_miss(name if sep else key, {s.name for _, s in self.facts.states})
            self.warn(self.key_at(section, key), "mock-unknown-state",
                      f"{section}: {key!r} names no state of the flow, so its answers are never used",
                      f"did you mean {(prefix + '/' if sep else '') + guess!r}?" if guess else "")
        return found

    def check_states(self) -> None:
        for key, entries in self.mocks.states.items():
            found = self.states_for("states", key)
            not_tasks = [s for _, s in found if not isinstance(s, self.tasks)]
            if found and len(not_tasks) == len(found):
                s = not_tasks[0]
                self.warn(self.key_at("states", key), "mock-not-task",
                          f"states: {key!r} is a {s.type} state, which calls nothing: its answers are never used",
                          "only Task states are mocked")
            tasks = [s for _, s in found if isinstance(s, self.tasks)]
            for e in entries:
                self.error_name("states", key, e, e.data.get("error"), tasks)
            self.when_scopes("states", key, entries)

    def check_callbacks(self) -> None:
        for key, entries in self.mocks.callbacks.items():
            found = self.states_for("callbacks", key)
            tasks = [s for _, s in found if isinstance(s, self.tasks)]
            waiting = [s for s in tasks if s.task_mode == "WaitForCustomCallback"]
            if found and not waiting:
                s = found[0][1]
                what = f"a {s.task_mode} task" if isinstance(s, self.tasks) else f"a {s.type} state"
                self.warn(self.key_at("callbacks", key), "mock-not-callback",
                          f"callbacks: {key!r} is {what}, which takes no callback: its answers are never used",
                          "callbacks answer WaitForCustomCallback tasks; answer this one under functions: or states:"
                          if isinstance(s, self.tasks) else "callbacks answer WaitForCustomCallback tasks")
            for e in entries:
                fail = e.data.get("fail")
                if isinstance(fail, dict):
                    self.error_name("callbacks", key, e, fail.get("error"), waiting, field_name="fail")
                after = e.data.get("after")
                limits = [s.timeout for s in waiting if s.timeout]
                if isinstance(after, (int, float)) and not isinstance(after, bool) and limits and \
                        all(after > t for t in limits):
                    self.warn(self.node_at(e, "after"), "mock-late-callback",
                              f"callbacks.{key}: 'after: {after:g}' is past the task's Timeout of {min(limits)} s: "
                              "the callback is refused and the task fails with FnF.TaskTimeout",
                              f"make 'after' at most {min(limits)}, or raise the task's Timeout")
            self.when_scopes("callbacks", key, entries)

    # -- functions: ------------------------------------------------------------------------------------
    def check_functions(self) -> None:
        facts = self.facts
        for key, entries in self.mocks.functions.items():
            calls = facts.calls.get(key, [])
            # A task with a states: mock is answered there, not here.
            calls = [c for c in calls if not any(k in self.mocks.states for k in
                                                  (c.state.name, f"{c.scope}/{c.state.name}" if c.scope else
                                                   f"/{c.state.name}"))]
            if key not in facts.calls and not facts.dynamic_arn:
                guess = near_miss(key, list(facts.calls))
                case = " keys are case-sensitive" if guess.lower() == key.lower() else ""
                self.warn(self.key_at("functions", key), "mock-unknown-function",
                          f"functions: {key!r} is not a function the flow calls, so its answers are never used",
                          f"did you mean {guess!r}?{case}" if guess else
                          "a key is a function name, service/function, or the full resourceArn")
            tasks = [c.state for c in calls]
            for e in entries:
                self.error_name("functions", key, e, e.data.get("error"), tasks)
            if calls and any(_says_something(e.data.get("body")) for e in entries):
                self.body_ignored(key, entries, calls)
            self.when_scopes("functions", key, entries)

    def body_ignored(self, key: str, entries: list[Entry], calls: list[_Call]) -> None:
        def why(c: _Call) -> str | None:
            if c.state.task_mode == "WaitForCustomCallback":
                return (f"state {c.state.name!r} is a WaitForCustomCallback task: its result is its callback's "
                        "output", "write body: \"\" (FC accepted the call) and script the result under callbacks:")
            if c.state.task_mode == "RequestComplete" and c.invocation_type == "Async":
                return (f"state {c.state.name!r} invokes it with invocationType Async in RequestComplete mode, "
                        "which ends once FC accepts the call (its result is {\"Body\": \"\"})",
                        "write body: \"\" (FC accepted the call), or use invocationType: Sync to get the "
                        "function's answer")
            return None
        reasons = [why(c) for c in calls]
        if any(r is None for r in reasons):
            return
        message, hint = reasons[0]
        for e in entries:
            if _says_something(e.data.get("body")):
                self.warn(self.node_at(e, "body"), "mock-body-ignored",
                          f"functions.{key}: 'body' is never used: {message}", hint)

    # -- flows: ---------------------------------------------------------------------------------------------
    def check_flows(self) -> None:
        """Each ``flows:`` entry names a file that loads as a valid flow, under a
        name the flow (or a child flow) starts; ``run`` fails on the first that does not."""
        from .definition import load_definition
        for key, path in self.mocks.flows.items():
            shown = self.mocks.written.get(("flows", key), path)
            at = self.key_at("flows", key)
            value_at = self.mocks.positions.get(("flows:path", key), at)
            if not os.path.exists(path):
                self.error(value_at, "mock-flow-missing", f"flows.{key}: the child flow file {shown!r} does not exist",
                           "paths under flows: are relative to the mock file")
            elif os.path.isdir(path):
                self.error(value_at, "mock-flow-missing", f"flows.{key}: {shown!r} is a folder, not a flow file")
            else:
                d = load_definition(path)
                if d.flow is None:
                    first = d.errors[0] if d.errors else None
                    more = f" (and {len(d.errors) - 1} more)" if len(d.errors) > 1 else ""
                    self.error(value_at, "mock-flow-invalid",
                               f"flows.{key}: the child flow {shown!r} has errors: "
                               + (f"{first.line}:{first.col}: {first.message}{more}" if first else "it does not load"),
                               f"flowdbg validate {_shown(path)} lists them")
            if key not in self.facts.children and not self.facts.dynamic_child:
                guess = near_miss(key, self.facts.children)
                self.warn(at, "mock-unknown-flow",
                          f"flows: {key!r} is not a flow this flow starts (FNF:StartExecution), so it never runs",
                          f"did you mean {guess!r}?" if guess else
                          "the key is the flow name at the end of the task's resourceArn (acs:fnf:...:flow/NAME)")

    # -- local: -------------------------------------------------------------------------------------------
    def check_local(self) -> None:
        """Each ``local:`` handler's file and function exist (parsed, not run):
        found now, not when the task first calls it."""
        from .backends.local import handler_problem
        base = os.path.dirname(os.path.abspath(self.mocks.path)) if self.mocks.path else os.getcwd()
        for fn, target in self.mocks.local.items():
            problem = handler_problem(target, base)
            if problem is not None:
                self.warn(self.key_at("local", fn), "mock-local-handler", f"local.{fn}: {target!r}: {problem}",
                          "paths under local: are relative to the mock file")

    def error(self, at: tuple[int, int], code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(ERROR, code, at[0], at[1], message, hint))

    # -- shared ------------------------------------------------------------------------------------------
    def error_name(self, section: str, key: str, e: Entry, name, tasks, field_name: str = "error") -> None:
        """Warn when error ``name`` misses, by a slip, one the flow's rules list."""
        if not isinstance(name, str):
            return
        listed = set(self.facts.errors)
        for t in tasks:
            for rule in (*t.retry, *t.catch):
                listed.update(rule.errors)
        listed.discard("FnF.ALL")  # matches anything: no slip of it to find
        if name in listed or name in S.KNOWN_ERRORS:
            return
        known = sorted(listed | set(S.KNOWN_ERRORS))
        guess = next((c for c in (f"FC.{name}", f"FnF.{name}") if c in known), "") or \
            near_miss(name, known, ERROR_CUTOFF)
        if not guess:
            return
        at = self.node_at(e, field_name)
        if field_name == "fail":
            fail = e.node.get("fail") if e.node is not None else None
            err = fail.get("error") if fail is not None and hasattr(fail, "get") else None
            at = (err.line, err.col) if err is not None else at
        rules = [f"{'Retry' if rule in t.retry else 'Catch'} of state {t.name!r} (line {rule.line})"
                 for t in tasks for rule in (*t.retry, *t.catch) if guess in rule.errors]
        never = f", so the {rules[0]} that lists {guess!r} never matches it" if rules else \
            ": error names are matched exactly, case included"
        self.warn(at, "mock-error-name", f"{section}.{key}: error {name!r} is not {guess!r}{never}",
                  f"did you mean '{guess}'?")

    def when_scopes(self, section: str, key: str, entries: list[Entry]) -> None:
        for e in entries:
            scope = (e.when or {}).get("scope")
            if not isinstance(scope, str) or not scope.strip("/"):
                continue
            if any(scope_matches(_static(scope), s) for s in self.facts.scopes):
                continue
            when = e.node.get("when") if e.node is not None else None
            node = when.get("scope") if when is not None and hasattr(when, "get") else None
            last = _static(scope).rsplit("/", 1)[-1]
            guess = near_miss(last, {s.rsplit("/", 1)[-1].split(".Branch")[0] for s in self.facts.scopes})
            self.warn((node.line, node.col) if node is not None else (e.line, 1), "mock-when-scope",
                      f"{section}.{key}: when.scope {scope!r} names no Map iteration or Parallel branch of the flow, "
                      "so this entry never answers", f"did you mean {guess!r}?" if guess else
                      "a scope is a Map or Parallel state's name, e.g. M[1] or P.Branch0")


def check_mocks(flow: Flow, mocks: MockFile) -> list[Diagnostic]:
    """Every warning about ``mocks`` as the answers of ``flow``, by position."""
    c = _Checker(flow, mocks)
    c.check_flows()
    c.check_local()
    c.check_functions()
    c.check_states()
    c.check_callbacks()
    return ordered(c.diags)


__all__ = ["check_mocks"]
