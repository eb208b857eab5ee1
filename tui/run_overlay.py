"""What a run did to each state of the graph, whatever drew the run.

One overlay feeds every picture of a run: the TUI graph, and
``flowdbg graph --session/--history/--coverage-json`` (SVG, Mermaid, DOT).
It knows nothing of Textual or Rich; colours are named by the theme
variable they take (``$success``...), so the terminal and the SVG agree.

A state's *node key* is its place in the definition, not in the run:
``"Map1/Price"`` for ``Price`` in every iteration of ``Map1``
(see :func:`node_key`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable

NOT_RUN, RUNNING, WAITING, SUCCEEDED, FAILED, CAUGHT = "not-run", "running", "waiting", "succeeded", "failed", "caught"
#: a task waiting for ReportTaskSucceeded / ReportTaskFailed (WAITING is a timer: a Wait, a Retry interval)
CALLBACK = "callback"
OUTCOMES = (NOT_RUN, RUNNING, WAITING, CALLBACK, SUCCEEDED, FAILED, CAUGHT)
#: the mark of each outcome in a box, the outline, the history and the legends
GLYPH = {WAITING: "⧗", CALLBACK: "✉", FAILED: "✗", CAUGHT: "↯"}

#: The theme variable each outcome is drawn in (Textual's theme names).
THEME_VARIABLE = {
    NOT_RUN: "foreground-muted",
    RUNNING: "accent",
    WAITING: "warning",
    CALLBACK: "primary",
    SUCCEEDED: "success",
    FAILED: "error",
    CAUGHT: "secondary",
}

# When one node ran several times (a loop, every iteration of a Map), the
# outcome that needs the user's eye most is the one shown.
_PRIORITY = {NOT_RUN: 0, SUCCEEDED: 1, CAUGHT: 2, FAILED: 3, WAITING: 4, CALLBACK: 5, RUNNING: 6}

_INDEX = re.compile(r"\[\d+\]")


def kind(type_: str) -> str:
    """A state or step type as FDL v1 names what it does (a legacy ``foreach`` is a ``Map``)."""
    from flowdbg.engine.legacy.schema import V1_KIND
    return V1_KIND.get(type_, type_)


def node_key(frame: str, state: str) -> str:
    """The graph key of a state running in ``frame`` (``"Map1[3]"`` -> ``"Map1/Price"``)."""
    if not frame:
        return state
    return _INDEX.sub("", frame) + "/" + state


@dataclass
class MapProgress:
    """Iterations of a Map state's latest activation."""

    total: int = 0
    done: int = 0
    failed: int = 0

    def label(self) -> str:
        """``2/3``, ``2/3 ✗1``, or ``empty`` for a Map over no items (not a puzzling 0/0)."""
        if self.total == 0:
            return "empty"
        return f"{self.done}/{self.total}" + (f" ✗{self.failed}" if self.failed else "")


@dataclass
class NodeRun:
    outcome: str = NOT_RUN
    visits: int = 0
    map: MapProgress | None = None
    retries: int = 0  # retries over all visits (coverage: Retry rules used)

    def see(self, outcome: str) -> None:
        """One more visit, that ended in ``outcome``."""
        self.visits += 1
        self.mark(outcome)

    def mark(self, outcome: str) -> None:
        if _PRIORITY[outcome] >= _PRIORITY[self.outcome]:
            self.outcome = outcome


#: The keys of the top level's ``( start )`` and ``( end )`` pills in the
#: graph picture; an edge from START or to END is taken like any other.
START, END = "^start", "$end"


@dataclass
class RunOverlay:
    """``nodes`` by node key (absent = not run); ``edges`` taken, as
    ``(from_key, to_key)`` (from :data:`START`, to :data:`END` for the top
    level's pills); ``current`` the node keys where the run is now."""

    nodes: dict[str, NodeRun] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)
    current: set[str] = field(default_factory=set)

    def outcome(self, key: str) -> str:
        n = self.nodes.get(key)
        return n.outcome if n is not None else NOT_RUN

    def node(self, key: str) -> NodeRun:
        return self.nodes.setdefault(key, NodeRun())


_RECORD_OUTCOME = {"running": RUNNING, "waiting": WAITING, "succeeded": SUCCEEDED, "failed": FAILED,
                   "caught": CAUGHT}
_EXECUTION_END = {"ExecutionSucceeded": SUCCEEDED, "ExecutionFailed": FAILED, "ExecutionStopped": FAILED,
                  "ExecutionTimedOut": FAILED}


def overlay_from_records(records: Iterable, events: Iterable = ()) -> RunOverlay:
    """From an execution's step records (``frame``, ``state``, ``status``,
    ``next``, ``parameters``) and, for Map progress and the end of the
    execution, its events."""
    events = list(events)
    ended = next((_EXECUTION_END[e.type] for e in reversed(events) if e.type in _EXECUTION_END), None)
    ov = RunOverlay()
    maps: dict[int, MapProgress] = {}  # by the Map activation's record index
    for rec in records:
        key = node_key(rec.frame, rec.state)
        node = ov.node(key)
        outcome = _RECORD_OUTCOME.get(rec.status, RUNNING)
        if outcome == WAITING and kind(rec.type) in ("Map", "Parallel", "Choice"):
            outcome = RUNNING  # its branches, iterations (or a legacy choice's option steps) run; they wait
        elif outcome == WAITING and getattr(rec, "token", None) and len(rec.retries) < len(rec.attempts):
            outcome = CALLBACK  # its last attempt waits for its answer (not failed and waiting to retry)
        if outcome in (RUNNING, WAITING, CALLBACK) and ended is not None:
            outcome = FAILED if ended == FAILED else SUCCEEDED  # cut off by the execution's end
        node.see(outcome)
        node.retries += len(rec.retries or ())
        if outcome in (RUNNING, WAITING, CALLBACK):
            ov.current.add(key)
        if rec.next:
            ov.edges.add((key, node_key(rec.frame, rec.next)))
        elif not rec.frame and outcome == SUCCEEDED and kind(rec.type) not in ("Succeed", "Fail"):
            ov.edges.add((key, END))  # End: true at the top level
        if rec.index == 0:
            ov.edges.add((START, key))
        if kind(rec.type) == "Map":
            params = rec.parameters if isinstance(rec.parameters, dict) else {}
            total = params.get("Items")
            node.map = maps[rec.index] = MapProgress(total=total if isinstance(total, int) else 0)
    failed_frames = {rec.frame for rec in records if rec.status == "failed"}
    open_iterations: dict[str, int] = {}
    for ev in events:
        if ev.step not in maps:
            continue
        if ev.type == "IterationEntered":
            open_iterations[ev.scope] = ev.step
        elif ev.type == "IterationExited":
            open_iterations.pop(ev.scope, None)
            prog = maps[ev.step]
            if isinstance(ev.detail, dict) and "error" in ev.detail:
                prog.failed += 1
            else:
                prog.done += 1
    for frame, step in open_iterations.items():  # the iteration a failure ended
        if any(f == frame or f.startswith(frame + "/") or f.startswith(frame + ".") for f in failed_frames):
            maps[step].failed += 1
    return ov


# -- a saved history: flowdbg's --history file or CloudFlow's GetExecutionHistory -------------

@dataclass
class _Activation:
    key: str
    frame: str
    outcome: str = RUNNING
    waiting: str = ""  # CALLBACK or WAITING (a timer) while it waits
    closed: bool = False
    retries: int = 0
    map: MapProgress | None = None
    iterations: dict = field(default_factory=dict)  # iteration scope -> open (True) / ended (False)
    input: object = None


def _items(state, inp) -> int:
    """How many items a Map's ItemsPath gives on its input (0 if that takes
    more than the input: an InputConstructor, $Context)."""
    if state is None or getattr(state, "input", None) is not None or getattr(state, "items_path", None) is None:
        return 0
    from flowdbg.engine.expressions import Env
    try:
        items = state.items_path.evaluate(Env({"$Input": inp}))
    except Exception:  # noqa: BLE001 - any failure means "not known from the history"
        return 0
    return len(items) if isinstance(items, list) else 0


def history_events(history) -> list:
    """The events of a history, oldest first, as ``flowdbg.engine.replay``
    reads them (``RecordedEvent``: ``type``, ``state``, ``scope``, ``detail``):
    a ``Record`` it loaded, or what it reads (a GetExecutionHistory response,
    pages of them, a bare list of events). Raises ValueError saying what is wrong."""
    from flowdbg.engine.replay import Record, parse_record
    if isinstance(history, Record):
        return history.events
    if history == [] or (isinstance(history, dict) and history.get("Events") == []):
        return []  # nothing happened yet
    return parse_record(json.dumps(history, default=str), "history").events


def overlay_from_history(history, flow) -> RunOverlay:
    """From a saved history of ``flow`` (a ``flowdbg.engine.model.Flow``).

    flowdbg's events carry a ``Scope`` (``"Map1[3]"``). CloudFlow's have
    none: a state is then found by name, in the Parallel or Map that is
    running when the name is used more than once, and a transition is
    paired with the earlier state it can come from."""
    from .graph.model import CATCH, describe
    graph = describe(flow)
    states = {prefix + st.name: st for prefix, st in flow.all_states()}
    succ: dict[str, dict[str, set]] = {}  # src -> dst -> edge kinds
    for e in graph.edges:
        succ.setdefault(e.src, {}).setdefault(e.dst, set()).add(e.kind)
    acts: list[_Activation] = []
    open_acts: dict[str, list[_Activation]] = {}  # key -> activations not exited
    pending: dict[str, list[_Activation]] = {}  # frame -> exited, next state not seen yet
    ov = RunOverlay()
    ended = None

    def container_open(key: str) -> bool:
        return bool(open_acts.get(key))

    def resolve(name: str, scope) -> str | None:
        if scope is not None:
            return node_key(scope, name)
        keys = graph.by_name(name)
        if len(keys) <= 1:
            return keys[0] if keys else None
        inside = [k for k in keys if k in graph.parents and container_open(graph.parents[k])]
        top = [k for k in keys if k not in graph.parents]
        return max(inside, key=len) if inside else (top or keys)[0]

    def container_key(name: str, scope) -> str | None:
        if scope is None:
            return resolve(name, None)
        return re.sub(r"\.Branch\d+$", "", _INDEX.sub("", scope))

    def frame_of(key: str, scope) -> str:
        return scope if scope is not None else key[:len(key) - len(graph.nodes[key].name)]

    def enter(key: str, frame: str) -> _Activation:
        act = _Activation(key, frame)
        if not acts:
            ov.edges.add((START, key))
        acts.append(act)
        open_acts.setdefault(key, []).append(act)
        waiting = pending.get(frame, [])
        # The latest earlier state that can lead here: by Next or a Choice
        # branch if it did not fail, else (or failing that) by a Catch rule.
        def fits(prev, strict):
            kinds = succ.get(prev.key, {}).get(key, set())
            if not strict:
                return bool(kinds)
            return CATCH in kinds if prev.outcome == FAILED else bool(kinds - {CATCH})
        for strict in (True, False):
            prev = next((p for p in reversed(waiting) if fits(p, strict)), None)
            if prev is not None:
                waiting.remove(prev)
                ov.edges.add((prev.key, key))
                if succ[prev.key][key] == {CATCH} or prev.outcome == FAILED:
                    prev.outcome = CAUGHT  # it went on, so a Catch rule took the failure
                break
        return act

    def current(key: str) -> _Activation | None:
        lst = open_acts.get(key)
        return lst[-1] if lst else None

    def close(act: _Activation, detail: dict) -> None:
        act.closed = True
        open_acts[act.key].remove(act)
        nxt = detail.get("next")
        if isinstance(nxt, str) and nxt:
            ov.edges.add((act.key, node_key(act.frame, nxt)))
        else:
            pending.setdefault(act.frame, []).append(act)

    for e in history_events(history):
        type_, name, scope, detail = e.type, e.state, e.scope, e.detail
        if type_ in _EXECUTION_END:
            ended = _EXECUTION_END[type_]
            continue
        if type_ in ("IterationEntered", "IterationExited", "BranchEntered", "BranchExited"):
            ck = container_key(name, scope)
            act = current(ck) if ck else None
            if act is None or not type_.startswith("Iteration"):
                continue
            prog = act.map = act.map or MapProgress()
            it = scope if scope is not None else len(act.iterations)
            if type_ == "IterationEntered":
                if not act.iterations:  # the Map starts: how many items it has, as its record says
                    prog.total = _items(states.get(ck), act.input)
                act.iterations[it] = True
                prog.total = max(prog.total, len(act.iterations))
            else:
                if scope is None:  # CloudFlow: the oldest open iteration
                    it = next((k for k, v in act.iterations.items() if v), it)
                act.iterations[it] = False
                if "error" in detail:
                    prog.failed += 1
                else:
                    prog.done += 1
            continue
        key = resolve(name, scope) if name else None
        if key is None or key not in graph.nodes:
            continue
        act = current(key)
        if type_ in ("StepEntered", "StepStarted") and (type_ == "StepEntered" or act is None):
            act = enter(key, frame_of(key, scope))
            if graph.nodes[key].kind == "Map":
                act.map, act.input = MapProgress(), detail.get("input")
            continue
        if act is None:
            if type_ == "StepExited":  # after StepFailed (CloudFlow): already closed
                last = next((a for a in reversed(acts) if a.key == key and a.closed), None)
                if last is not None and "caught" in detail:
                    last.outcome = CAUGHT
            continue
        # Waiting: for a callback (submitted), or for a retry's back-off (a task failed and
        # the state goes on: flowdbg says StepRetrying, CloudFlow only schedules it again later).
        if type_ == "TaskSubmitted":
            act.waiting = CALLBACK
        elif type_ in ("TaskFailed", "TaskTimedOut", "TaskSubmitFailed"):
            act.waiting = WAITING
        elif type_ in ("TaskScheduled", "TaskStarted", "TaskSucceeded"):
            act.waiting = ""
        elif type_ == "StepRetrying":
            act.retries += 1
            act.waiting = WAITING
        elif type_ == "StepSucceeded":
            act.outcome = SUCCEEDED
        elif type_ == "StepFailed":
            act.outcome = FAILED
            close(act, detail)
        elif type_ == "StepExited":
            act.outcome = CAUGHT if "caught" in detail else FAILED if "error" in detail else SUCCEEDED
            close(act, detail)

    ends = {e.src for e in graph.edges if e.dst == END}
    for act in pending.get("", ()):  # exited at the top level and nothing came after: End
        if act.key in ends and act.outcome == SUCCEEDED:
            ov.edges.add((act.key, END))
    failed_frames = {a.frame for a in acts if a.outcome == FAILED}
    for act in acts:
        if not act.closed:
            if ended is not None:
                act.outcome = FAILED if ended == FAILED else SUCCEEDED
            else:
                act.outcome = act.waiting or RUNNING
                ov.current.add(act.key)
        if act.map is not None and ended == FAILED:
            still = [it for it, on in act.iterations.items() if on]
            if still and not isinstance(still[0], str):  # no Scope: the failure inside ended the Map
                if any(f.startswith(act.key + "/") for f in failed_frames):
                    act.map.failed += 1
            for it in still:
                if isinstance(it, str) and any(f == it or f.startswith(it + "/") or f.startswith(it + ".")
                                               for f in failed_frames):
                    act.map.failed += 1
        node = ov.node(act.key)
        node.see(act.outcome)
        node.retries += act.retries
        if act.map is not None:
            node.map = act.map
    return ov


# -- coverage from `flowdbg test --coverage-json` ------------------------------------------------

def _as_keys(names, graph) -> set[str]:
    """States or rules (``KEY#Branches[0]``) named by node key or, for a state
    whose name is unique enough, by name (then every state of that name)."""
    out = set()
    for x in names:
        head, sep, tail = str(x).partition("#")
        keys = [head] if head in graph.nodes else graph.by_name(head)
        out |= {k + sep + tail for k in keys}
    return out


def _covered(section, universe: set[str], graph) -> set[str]:
    """What a coverage section says was reached, whatever its shape:
    ``{"total", "covered", "missed": [...]}``, ``{"covered": [...]}``, a list,
    or ``{name: count}``."""
    if isinstance(section, list):
        return _as_keys(section, graph) & universe
    if not isinstance(section, dict):
        return set()
    if isinstance(section.get("covered"), list):
        return _as_keys(section["covered"], graph) & universe
    if isinstance(section.get("missed"), list):
        return universe - _as_keys(section["missed"], graph)
    hit = [k for k, v in section.items() if v is True or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                          and v > 0)]
    return _as_keys(hit, graph) & universe


def overlay_from_coverage(entry: dict, flow) -> RunOverlay:
    """From one flow's entry of ``flowdbg test --coverage-json``:
    ``{"flow", "states": {"total", "covered", "missed": [KEY...]},
    "choice_branches", "catches", "retries"}`` (rules named
    ``KEY#Branches[i]``, ``KEY#Default``, ``KEY#Catch[i]``, ``KEY#Retry[i]``,
    KEY a node key; a plain state name is taken too). A state entered by any
    test is SUCCEEDED (CAUGHT when one of its Catch rules was taken); one no
    test reached is absent."""
    from .graph.model import CATCH, CHOICE, DEFAULT, NEXT, describe
    graph = describe(flow)
    entry = entry if isinstance(entry, dict) else {}
    states = entry.get("states")
    entered = _covered(states, set(graph.nodes), graph)
    visits = states.get("visits") if isinstance(states, dict) and isinstance(states.get("visits"), dict) else {}
    counts = {k: v for name, v in visits.items() if isinstance(v, int) for k in _as_keys([name], graph)}
    ov = RunOverlay()
    for key in graph.nodes:
        if key in entered:
            node = ov.node(key)
            node.mark(SUCCEEDED)
            node.visits = counts.get(key, 0)
    rules = {e.rule: e for e in graph.edges if e.rule}
    taken = _covered(entry.get("choice_branches"), {r for r, e in rules.items() if e.kind in (CHOICE, DEFAULT)}, graph)
    caught = _covered(entry.get("catches"), {r for r, e in rules.items() if e.kind == CATCH}, graph)
    for rule in taken | caught:
        e = rules[rule]
        ov.edges.add((e.src, e.dst))
        if rule in caught and e.src in ov.nodes:
            ov.nodes[e.src].mark(CAUGHT)
    for e in graph.edges:
        if e.kind == NEXT and e.src in ov.nodes and e.dst in ov.nodes:
            ov.edges.add((e.src, e.dst))
        elif (e.src == START and e.dst in ov.nodes) or (e.dst == END and e.src in ov.nodes):
            ov.edges.add((e.src, e.dst))
    retry_rules = {f"{k}#Retry[{i}]" for k, n in graph.nodes.items() for i in range(n.retry_rules)}
    for rule in _covered(entry.get("retries"), retry_rules, graph):
        key = rule.split("#", 1)[0]
        if key in ov.nodes:
            ov.nodes[key].retries += 1
    return ov


__all__ = ["START", "END", "NOT_RUN", "RUNNING", "WAITING", "CALLBACK", "GLYPH", "SUCCEEDED", "FAILED", "CAUGHT", "OUTCOMES", "THEME_VARIABLE",
           "node_key", "MapProgress", "NodeRun", "RunOverlay", "overlay_from_records", "overlay_from_history",
           "overlay_from_coverage", "history_events"]
