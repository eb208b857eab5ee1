"""The event loader (engine/load_events.py) gives what the reference loader
(engine/load_composed.py: pyyaml's composer, then the builder) gives: the same
nodes, positions, values, tags, duplicate-key errors, anchors, aliases and merge
keys, and the same diagnostics; bad YAML still reads ``line:col: message``.

Over the sample flows, the real flows users published, every YAML fixture,
generated documents (block and flow style, anchors and aliases to them, merge
keys, tags, duplicate and odd keys) and mutations of real flows.
"""
from __future__ import annotations

import glob
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowdbg.engine import load_composed, load_events
from flowdbg.engine.load import load_text

from helpers import FIXTURES, REALFLOWS, SAMPLE_FLOWS, dedent, read
from helpers.engine import node_shape, wrong_end_lines

EXAMPLES = int(os.environ.get("FLOWDBG_FUZZ_EXAMPLES", "200"))
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def reference(text: str):
    root, diags = load_composed.load(text)
    assert wrong_end_lines(root) == []
    return node_shape(root), list(diags)


def loaded(text: str):
    r = load_text(text)
    assert wrong_end_lines(r.root) == []
    return node_shape(r.root), list(r.diagnostics)


def fast(text: str):
    """The event loader's own answer, or None where it steps aside."""
    try:
        root, diags = load_events.load(text)
    except load_events.StepAside:
        return None
    return node_shape(root), list(diags)


def assert_same(text: str) -> bool:
    """load_text agrees with the reference; True when the event loader answered itself."""
    want = reference(text)
    assert loaded(text) == want
    got = fast(text)
    if got is not None:
        assert got == want
    return got is not None


def corpus() -> list[str]:
    paths = glob.glob(os.path.join(REALFLOWS, "*.yaml")) + glob.glob(os.path.join(SAMPLE_FLOWS, "**", "*.y*ml"),
                                                                      recursive=True)
    paths += glob.glob(os.path.join(FIXTURES, "**", "*.y*ml"), recursive=True)
    return sorted(p for p in paths if os.path.isfile(p))


CORPUS = corpus()


def test_corpus_is_there():
    assert len([p for p in CORPUS if p.startswith(REALFLOWS)]) == 43
    assert len(CORPUS) > 100


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: os.path.relpath(p, os.path.dirname(p) + "/.."))
def test_every_yaml_file_loads_the_same(path):
    text = read(path).lstrip("\ufeff")
    took_it = assert_same(text)
    if reference(text)[0] is not None:  # YAML the composer reads: the fast path reads it too
        assert took_it, path


# -- anchors, aliases, merge keys, tags, odd keys, by hand ------------------------------------
CASES = {
    "alias of a mapping": """
        base: &b {Type: Pass, n: 012, flag: yes}
        one: *b
        two: *b
        """,
    "alias of a scalar as key and value": """
        a: &k yes
        *k : 1
        c: *k
        """,
    "merge explicit keys win": """
        base: &b
          Type: Pass
          Next: X
          x: on
        s:
          Next: Y
          <<: *b
          Type: Wait
        """,
    "merge a list of mappings, first wins": """
        a: &a {x: 1, y: 2}
        b: &b {y: 3, z: 4}
        c:
          <<: [*a, *b]
          w: 5
        """,
    "merge an inline mapping": """
        c:
          <<: {x: 1, y: !!str 2}
          y: 3
        """,
    "quoted << is a key": """
        c:
          "<<": 1
          '<<': 2
        """,
    "explicit merge tag": """
        a: &a {x: 1}
        c: {!!merge <<: *a}
        """,
    "duplicate keys, value not built": """
        a: 1
        a: yes
        b: {x: 1, x: !!int bad}
        """,
    "duplicate key holding an anchor used later": """
        a: 1
        a: &x {q: on}
        b: *x
        """,
    "collection keys": """
        ? [a, b]
        : 1
        ? {c: d}
        : 2
        e: 3
        """,
    "alias of a collection as key": """
        a: &l [1, 2]
        *l : 3
        """,
    "tags": """
        a: !Ref x
        b: !!int "12"
        c: !!set {x: null}
        d: !custom [1]
        e: ! 12
        f: !!timestamp 2024-01-31
        g: !!float 3
        h: !!str yes
        !Ref k: 1
        !!int 5: 2
        """,
    "anchors with tags and nested aliases": """
        a: &a !!map
          x: &s 5
          y: [*s, &t {q: y}]
        b: [*a, *t, *s]
        c: *a
        """,
    "numbers and words": """
        a: [012, 0o17, 0x1F, 0b101, 1_000, 1:20, 1e5, 1.0e+5, .inf, -.nan, 9007199254740993, 1.5, "1.5", ~, null, ""]
        b: [yes, No, on, off, y, N, true, FALSE, 2024-01-31, 2001-12-14 21:59:43.10 -5, =, <<]
        c:
        d: 订单
        é: "\\u00e9"
        """,
    "block scalars": """
        a: |
          line one
          line two
        b: >-
          folded ${X}
          text
        c: 'it''s'
        """,
    "a scalar document": "just text\n",
    "an empty mapping in a list": "- {}\n- []\n- \n- - x\n",
    "comments only": "# nothing\n",
    "empty": "",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_written_cases(name):
    assert assert_same(dedent(CASES[name]))


STEPPED_ASIDE = {
    "recursive alias": "a: &a [1, *a]\n",
    "recursive mapping alias": "a: &a\n  b: *a\n",
    "undefined alias": "a: *nope\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "second document": "a: 1\n---\nb: 2\n",
    "merge of a scalar": "a: &s 1\nb:\n  <<: *s\n",
    "merge of a list alias": "a: &l [{x: 1}]\nb:\n  <<: *l\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)),
    "too deep": "a: " + "[" * 150 + "]" * 150 + "\n",
    "too deep by an alias": "a: &d " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 50 + "*d" + "]" * 50 + "\n",
    "tab": "a:\n\tb: 1\n",
    "colon without space": "Type: Pass\nNext:X\n  End: true\n",
    "bad indentation": "States:\n  - Name: A\n     Type: Pass\n",
    "unclosed flow": "a: [1, 2\n",
    "control character": "a: \x01\n",
}


@pytest.mark.parametrize("name", sorted(STEPPED_ASIDE))
def test_what_the_event_loader_leaves_to_the_reference(name):
    text = STEPPED_ASIDE[name]
    assert not assert_same(text)
    r = load_text(text)
    if name == "merge of a list alias":  # a list of mappings: merged, as the composer does
        assert r.root.get("b").get("x").value == 1 and not r.diagnostics
        return
    assert r.diagnostics, name
    assert r.root is None or name == "merge of a scalar"
    for d in r.diagnostics:
        assert d.line >= 1 and d.col >= 1 and d.message


# -- generated documents ------------------------------------------------------------------
SCALARS = ["a", "Pass", "$Input.x", "yes", "No", "on", "~", "null", "", "012", "0o17", "0x1F", "1_000", "1:20",
           "1e5", "1.0e+5", ".inf", "1.5", "-3", "42", "9" * 320, "2024-01-31", "<<", "=", "é", "订单", "'q'",
           '"d"', '"\\u00e9"', "'it''s'", "!!int 12", "!!int x", "!!str 1", "!Ref r", "! 5", "!!timestamp x",
           "!!binary aGk=", "!!float 1", "!!bool maybe", "!!null x", "a // b", "${X}", "x: y"]
KEYS = ["a", "b", "c", "a", "Name", "Type", "yes", "012", "<<", "<<", '"<<"', "'k'", "1", "~", "on", "é", "!!str k",
        "!Ref r", "!!int 3", "? [x]\n", "? {y: 1}\n"]


@st.composite
def documents(draw):
    """A YAML document in block style with flow parts: anchors on any node and
    aliases to them (also to one still open, now and then), merge keys, tags."""
    anchors: list[str] = []
    counter = [0]

    def anchor() -> str:
        if not draw(st.integers(0, 4)) == 0:
            return ""
        counter[0] += 1
        name = f"a{1 if draw(st.integers(0, 20)) == 13 else counter[0]}"  # now and then a duplicate
        return f"&{name} "

    def alias() -> str | None:
        return f"*{draw(st.sampled_from(anchors))}" if anchors else None

    def flow(depth: int) -> str:
        kind = draw(st.sampled_from(["scalar", "scalar", "alias", "list", "map"] if depth < 3 else ["scalar", "alias"]))
        a = anchor()
        if kind == "alias" and (al := alias()):
            return al
        if kind == "list":
            text = a + "[" + ", ".join(flow(depth + 1) for _ in range(draw(st.integers(0, 3)))) + "]"
        elif kind == "map":
            keys = [draw(st.sampled_from(["a", "b", "<<", "yes", '"q"'])) for _ in range(draw(st.integers(0, 3)))]
            text = a + "{" + ", ".join(f"{k}: {flow(depth + 1)}" for k in keys) + "}"
        else:
            s = draw(st.sampled_from(SCALARS))
            text = a + (f'"{s}"' if ": " in s else s)
        if a:
            anchors.append(a[1:-1])
        return text

    def block(depth: int, indent: int) -> list[str]:
        pad = " " * indent
        lines = []
        as_list = draw(st.booleans()) and depth > 0
        for _ in range(draw(st.integers(1, 4))):
            head = f"{pad}- " if as_list else f"{pad}{draw(st.sampled_from(KEYS))}: "
            if head.endswith("\n: "):
                head = f"{pad}{head.strip()[:-1].rstrip()}\n{pad}: "
            if depth < 3 and draw(st.integers(0, 2)) == 0:
                a = anchor()
                tag = draw(st.sampled_from(["", "", "", "!!map ", "!custom "])) if not as_list else ""
                inner = block(depth + 1, indent + 2)
                if a:
                    anchors.append(a[1:-1])
                lines.append((head + a + tag).rstrip())
                lines += inner
            elif draw(st.integers(0, 3)) == 0 and (al := alias()):
                lines.append(head + al)
            else:
                lines.append(head + flow(depth + 1))
        return lines

    return "\n".join(block(0, 0)) + "\n"


@PROPERTY
@given(documents())
def test_generated_documents_load_the_same(text):
    assert_same(text)


@PROPERTY
@given(st.sampled_from([p for p in CORPUS if p.startswith(REALFLOWS)]), st.data())
def test_mutated_real_flows_load_the_same(path, data):
    """Bad YAML too: a character deleted, doubled or inserted, a line indented or joined."""
    text = read(path)
    for _ in range(data.draw(st.integers(1, 3))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text) - 1))
        op = data.draw(st.sampled_from(["delete", "double", "insert", "indent", "join"]))
        if op == "delete":
            text = text[:i] + text[i + 1:]
        elif op == "double":
            text = text[:i] + text[i] + text[i:]
        elif op == "insert":
            text = text[:i] + data.draw(st.sampled_from(list(":-&*!|>'\"[]{}#\t ,?<") + ["<<: ", "&x ", "*x"])) + text[i:]
        elif op == "indent":
            j = text.rfind("\n", 0, i) + 1
            text = text[:j] + "  " + text[j:]
        else:
            j = text.find("\n", i)
            text = text if j < 0 else text[:j] + " " + text[j + 1:]
    assert_same(text)


def test_without_libyaml_the_pure_python_parser_gives_the_same(monkeypatch):
    """pyyaml built without libyaml: both loaders fall back to its Python parser (plain style None, not '')."""
    import yaml
    monkeypatch.setattr(load_composed, "LOADER", yaml.SafeLoader)
    monkeypatch.setattr(load_events, "LOADER", yaml.SafeLoader)
    texts = [dedent(t) for t in CASES.values()] + [read(p) for p in CORPUS if p.startswith(REALFLOWS)][:10]
    for t in texts:  # and the event loader answered each text that is YAML itself
        assert assert_same(t) or reference(t)[0] is None
