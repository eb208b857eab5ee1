"""Helpers for the pictures (``flowdbg graph``) tests (tests/graph/).

    flow = load("sample_flows/order-pipeline.yaml")
    s = ran("sample_flows/order-pipeline.yaml")       # a finished Session, with the sample's mocks and input
    h = history_of(s)                                   # what `flowdbg run --history` writes
    cloudflow(h)                                        # the same history as CloudFlow's API gives it
"""
from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET

from flowdbg.engine.definition import load_definition
from flowdbg.engine.history import history
from flowdbg.engine.mocks import MockFile, load_mocks
from flowdbg.engine.session import Session

from . import FIXTURES, REPO, SAMPLE_FLOWS, sample_flow_paths  # noqa: F401

GRAPH_FIXTURES = os.path.join(FIXTURES, "graph")
CLAIMS = os.path.join(GRAPH_FIXTURES, "claims.yaml")
ORDER = os.path.join(SAMPLE_FLOWS, "order-pipeline.yaml")
SVG = "{http://www.w3.org/2000/svg}"

#: every flow of the repository a picture is checked on: the samples and the 30-state claims flow
FLOWS = sorted(sample_flow_paths() + [CLAIMS])


def load(path: str):
    d = load_definition(path)
    assert d.flow is not None, [x.format(path) for x in d.diagnostics]
    return d.flow


def _sibling(path: str, suffix: str) -> str:
    return path[: -len(".yaml")] + suffix


def session_for(path: str, input=None, mocks: MockFile | None = None, journal: str | None = None) -> Session:
    d = load_definition(path)
    if mocks is None:
        mp = _sibling(path, ".mocks.yaml")
        mocks = load_mocks(mp) if os.path.exists(mp) else MockFile()
    if input is None:
        ip = _sibling(path, ".input.json")
        input = json.load(open(ip)) if os.path.exists(ip) else {}
    return Session(d, input, mocks=mocks, start_time="2026-01-01T00:00:00Z", name="graph-test", journal_path=journal)


def ran(path: str, **kw) -> Session:
    """A session of ``path`` run as far as it goes without a callback."""
    s = session_for(path, **kw)
    s.run_to_end(jump_clock=False)
    return s


def history_of(s: Session) -> dict:
    return json.loads(json.dumps(history(s.execution, s.start_time)))


def cloudflow(h: dict) -> dict:
    """``h`` as CloudFlow's GetExecutionHistory gives it: no ``Scope``, no
    flowdbg-only event types or detail fields, paging fields beside."""
    out = copy.deepcopy(h)
    events = []
    for e in out["Events"]:
        if e["Type"] in ("StepRetrying", "CallbackRefused"):
            continue
        e.pop("Scope", None)
        detail = json.loads(e["EventDetail"])
        if isinstance(detail, dict):
            for k in ("next", "caught", "branch"):
                detail.pop(k, None)
        e["EventDetail"] = json.dumps(detail)
        events.append(e)
    return {"Events": events, "NextToken": "", "RequestId": "5F0F2C9B-0000-4000-8000-000000000000"}


def summary(ov) -> dict:
    """An overlay as plain data, to compare overlays made different ways."""
    return {"nodes": {k: (n.outcome, n.visits, None if n.map is None else (n.map.total, n.map.done, n.map.failed))
                      for k, n in ov.nodes.items()},
            "edges": sorted(ov.edges), "current": sorted(ov.current)}


def svg_root(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg"
    return root


def svg_boxes(root: ET.Element) -> dict[str, ET.Element]:
    """The state groups of an SVG picture, by node key."""
    return {g.get("data-key"): g for g in root.iter(SVG + "g") if g.get("data-key")}


def svg_texts(root: ET.Element) -> list[str]:
    return [("".join(t.itertext())) for t in root.iter(SVG + "text")]


def box_rect(group: ET.Element) -> tuple[float, float, float, float]:
    r = group.find(SVG + "rect")
    return float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height"))


def arrows_into(root: ET.Element, group: ET.Element) -> list[ET.Element]:
    """The arrow heads whose tip touches ``group``'s box."""
    x, y, w, h = box_rect(group)
    out = []
    for poly in root.iter(SVG + "polygon"):
        tx, ty = (float(v) for v in poly.get("points").split()[-1].split(","))
        on_edge = (abs(ty - y) < 1.5 or abs(ty - (y + h)) < 1.5) and x - 1 <= tx <= x + w + 1 or \
                  (abs(tx - x) < 1.5 or abs(tx - (x + w)) < 1.5) and y - 1 <= ty <= y + h + 1
        if on_edge:
            out.append(poly)
    return out
