"""Mermaid output renders with mermaid.js itself (what GitHub and GitLab run), in headless Chromium."""
from __future__ import annotations

import re

from flowdbg.tui.graph import mermaid
from flowdbg.tui.graph.model import describe
from flowdbg.tui.run_overlay import overlay_from_history

from helpers.browser import render_mermaid
from helpers.graph import CLAIMS, FLOWS, ORDER, history_of, load, ran


def test_every_flow_renders_plain_and_with_a_run():
    cases = []
    for path in FLOWS:
        g = describe(load(path))
        cases.append((path, g, mermaid.render(g)))
    for path in (ORDER, CLAIMS):
        s = ran(path)
        g = describe(s.definition.flow)
        ov = overlay_from_history(history_of(s), s.definition.flow)
        cases.append((path + " (run)", g, mermaid.render(g, ov, caption="a run")))
    results = render_mermaid([src for _, _, src in cases])
    for (name, g, src), res in zip(cases, results):
        assert res["ok"], f"{name}: {res.get('error')}\n{src}"
        text = re.sub(r"\s+", " ", res["text"])
        for node in g.nodes.values():
            assert node.name in text, (name, node.name)
        for e in g.edges:
            if e.label:
                assert " ".join(e.label.split()) in text, (name, e.label)  # conditions come out as written
        assert "<svg" in res["svg"]


def test_a_broken_diagram_is_caught():
    """The check itself works: mermaid.js refuses an unquoted label with brackets."""
    res = render_mermaid(["flowchart TD\n  a[x[y]] --> b\n"])
    assert not res[0]["ok"]
