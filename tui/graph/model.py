"""A flow as a plain graph: what every picture of it draws.

Built from the engine's model (``flowdbg.engine.model.Flow``) by reading the
fields every state kind shares (``next``, ``end``, ``catch``, ``branches``,
``default``, ``processor``) rather than by type, so a flow loaded from
another format into the same model draws the same way.

Node keys are the run overlay's (:func:`flowdbg.tui.run_overlay.node_key`):
``"Map1/Price"`` for ``Price`` inside ``Map1``, ``"P.Branch0/A"`` for ``A``
in the first branch of ``P``. The flow's start and end are the pseudo nodes
``START`` and ``END``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..run_overlay import END, START, kind  # noqa: F401 (the pills' keys, shared with the run overlay)

# Edge kinds
NEXT, CHOICE, DEFAULT, CATCH, BEGIN, FINISH = "next", "choice", "default", "catch", "start", "end"


@dataclass
class Node:
    key: str
    name: str
    type: str  # the state's Type, as written in the flow
    detail: str = ""  # what it does, in one line ("FC validate-order", "60 s"); may be empty
    scopes: list["Scope"] = field(default_factory=list)  # Parallel branches or the Map processor
    retry_rules: int = 0

    @property
    def container(self) -> bool:
        return bool(self.scopes)

    @property
    def kind(self) -> str:
        """The FDL v1 state type it behaves like (a legacy ``foreach`` is a Map)."""
        return kind(self.type)

    @property
    def subtitle(self) -> str:
        return f"{self.type} · {self.detail}" if self.detail else self.type


@dataclass
class Scope:
    """The flow, one Parallel branch, or a Map processor."""

    prefix: str  # key prefix of its states: "" | "P.Branch0/" | "Map1/"
    label: str  # "Branch 0", "Processor (each item)"; "" for the flow
    start: str  # key of its StartAt
    nodes: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    kind: str  # next | choice | default | catch | start | end
    label: str = ""  # the condition, "Default", "Catch FnF.ALL"
    rule: str = ""  # the coverage name, by node key: "S#Branches[0]", "Map1/S#Default", "S#Catch[1]"


@dataclass
class FlowGraph:
    name: str
    root: Scope
    edges: list[Edge]
    nodes: dict[str, Node] = field(default_factory=dict)  # every node by key, outer before inner
    parents: dict[str, str] = field(default_factory=dict)  # key -> key of the container it is in

    def successors(self, key: str) -> list[Edge]:
        return [e for e in self.edges if e.src == key]

    def scopes(self) -> Iterator[Scope]:
        def rec(scope: Scope):
            yield scope
            for n in scope.nodes:
                for s in n.scopes:
                    yield from rec(s)
        yield from rec(self.root)

    def by_name(self, name: str) -> list[str]:
        return [k for k, n in self.nodes.items() if n.name == name]


def describe(flow) -> FlowGraph:
    """The graph of ``flow`` (a ``flowdbg.engine.model.Flow``)."""
    edges: list[Edge] = []
    g = FlowGraph(flow.name or "", Scope("", "", ""), edges)
    g.root = _scope(flow.scope, "", "", g, None)
    edges.insert(0, Edge(START, g.root.start, BEGIN))
    return g


def _scope(scope, prefix: str, label: str, g: FlowGraph, parent: str | None) -> Scope:
    out = Scope(prefix, label, prefix + scope.start_at)
    names = set(scope.states)
    legacy = hasattr(scope, "exits")  # a legacy list of steps says where each step goes
    for st in scope.states.values():
        key = prefix + st.name
        node = Node(key, st.name, st.type, _legacy_detail(st) if legacy else _detail(st),
                    retry_rules=len(getattr(st, "retry", ()) or ()))
        g.nodes[key] = node
        if parent is not None:
            g.parents[key] = parent
        out.nodes.append(node)
        processor = getattr(st, "processor", None)
        branches = getattr(st, "branches", ()) or ()
        if legacy:
            from flowdbg.engine.legacy.model import inner_lists
            for frame, lbl, inner in inner_lists(st):
                node.scopes.append(_scope(inner, f"{prefix}{frame}/", lbl, g, key))
            g.edges.extend(_legacy_edges(scope, st, key, prefix, names, top=parent is None))
            continue
        if processor is not None:
            node.scopes.append(_scope(processor, f"{key}/", "Processor (each item)", g, key))
        elif branches and hasattr(branches[0], "states"):
            for i, b in enumerate(branches):
                node.scopes.append(_scope(b, f"{key}.Branch{i}/", f"Branch {i}", g, key))
        g.edges.extend(_edges(st, key, prefix, names, top=parent is None))
    return out


def _edges(st, key: str, prefix: str, names: set, top: bool) -> list[Edge]:
    out = []

    def to(target):
        return prefix + target if target in names else None

    branches = getattr(st, "branches", ()) or ()
    if branches and hasattr(branches[0], "condition"):  # Choice
        for i, b in enumerate(branches):
            if to(b.next):
                out.append(Edge(key, to(b.next), CHOICE, _one_line(b.condition.text), f"{key}#Branches[{i}]"))
        default = getattr(st, "default", None)
        if default and to(default):
            out.append(Edge(key, to(default), DEFAULT, "Default", f"{key}#Default"))
    elif st.next and to(st.next):
        out.append(Edge(key, to(st.next), NEXT))
    elif top and (st.end or (not st.next and st.type not in ("Succeed", "Fail", "Choice"))):
        out.append(Edge(key, END, FINISH))
    for i, c in enumerate(getattr(st, "catch", ()) or ()):
        if to(c.next):
            errors = ", ".join(c.errors) if c.errors else "any error"
            out.append(Edge(key, to(c.next), CATCH, f"Catch {errors}", f"{key}#Catch[{i}]"))
    return out


def _legacy_edges(scope, st, key: str, prefix: str, names: set, top: bool) -> list[Edge]:
    out = []
    kinds = {"next": NEXT, "choice": CHOICE, "default": DEFAULT, "catch": CATCH}
    for target, k, label, rule in scope.exits(st):
        if target is None:
            if top:
                out.append(Edge(key, END, FINISH, label if k != "next" else "", key + rule if rule else ""))
        elif target in names:
            out.append(Edge(key, prefix + target, kinds[k], label, key + rule if rule else ""))
    return out


def _legacy_detail(st) -> str:
    from flowdbg.engine.legacy.model import summary
    return summary(st)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _detail(st) -> str:
    """One line on what a state does, beside its type."""
    t = st.type
    if t == "Task":
        action = getattr(st, "action", "") or ""
        what = action
        if action == "FC:InvokeFunction":
            fn = _function(st)
            what = f"FC {fn}" if fn else action
        mode = getattr(st, "task_mode", "RequestComplete")
        return what + (f" · {mode}" if mode and mode != "RequestComplete" else "")
    if t == "Wait":
        if getattr(st, "seconds", None) is not None:
            return f"{st.seconds} s"
        expr = getattr(st, "seconds_expr", None)
        return expr.text if expr is not None else ""
    if t == "Fail":
        return getattr(st, "code", None) or ""
    if t == "Map":
        items = getattr(st, "items_path", None)
        mc = getattr(st, "max_concurrency", 0)
        return (items.text if items is not None else "") + (f" · max {mc}" if mc else "")
    if t == "Parallel":
        n = len(getattr(st, "branches", ()))
        return f"{n} branch{'es' if n != 1 else ''}"
    return ""


def _function(st) -> str:
    """The function a FC task calls, from a constant resourceArn ("" if computed)."""
    arn = None
    root = getattr(getattr(st, "parameters", None), "root", None)
    for k, v in getattr(root, "items", ()) or ():
        if k == "resourceArn" and isinstance(v, str):
            arn = v
    arn = arn or getattr(st, "resource_arn", None)
    if not isinstance(arn, str):
        return ""
    from flowdbg.engine.backends.fc import parse_function_arn
    try:
        ref = parse_function_arn(arn)
    except ValueError:
        return arn.rsplit("/", 1)[-1]
    return f"{ref.service}/{ref.function}" if getattr(ref, "service", None) else ref.function
