"""Load: a ``NAME.tests.yaml`` file -> a :class:`TestFile`, or diagnostics.

```yaml
flow: claim.yaml                 # default: the sibling NAME.yaml
mocks: claim.mocks.yaml          # default: the flow's sibling mock file
cases:
  - name: small claim is paid
    input: {claimId: C-1}        # or input_file: small.json
    mocks: {callbacks: {...}}    # merged over the default mocks, key by key
    expect: {status: Succeeded, output_contains: {paid: true}, visits: [Pay]}
```
Like the flow loader, this never raises on bad input: every problem is a
:class:`~flowdbg.engine.diagnostics.Diagnostic` at the line and column of
the test file (or of the mock or input file it names), with a
did-you-mean where one exists. Inline mocks are parsed by the mock file's
own parser (:func:`~flowdbg.engine.mocks.parse_mocks`), on the test file's
text, so its messages point into the test file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..definition import Definition, load_definition
from ..diagnostics import ERROR, Diagnostic, sort_key
from ..file_kinds import TESTS, other_kind, shown
from ..load import Map, Node, Scalar, Seq, load_file
from ..mocks import MockFile, MockFileError, load_mocks
from ..runner import LocalCode, default_mocks_path, local_code
from ..flow_slips import slip_note, slipped_key
from ..validate.words import suggest, type_name
from .cases import At, Case, CaseChecks
from .mocksource import MockLayer, inline_mocks

TEST_SUFFIXES = (".tests.yaml", ".tests.yml")
_TOP_KEYS = ("flow", "mocks", "cases")


@dataclass
class TestFile:
    """``cases`` is empty and ``diagnostics`` hold errors when the file is
    invalid; ``flow_diagnostics`` are the flow's own (formatted with its path)."""

    __test__ = False  # not a pytest class

    path: str
    flow_path: str = ""
    definition: Definition | None = None
    mocks: tuple[MockFile | MockLayer, ...] = ()
    cases: list[Case] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: every file the result depends on (the test file, flow, mock and input files)
    depends_on: set[str] = field(default_factory=set)
    #: the ``local:`` entries its cases would run (Python code: ``flowdbg test`` needs --allow-local)
    local_code: list[LocalCode] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Each error as one ``file:line:col: error: message`` line."""
        out = [d.format(shown(getattr(d, "path", None) or self.path)) for d in self.diagnostics if d.severity == ERROR]
        if self.definition is not None and self.definition.flow is None:
            out += [d.format(self.flow_path) for d in self.definition.errors]
        return out

    @property
    def valid(self) -> bool:
        return not self.errors


def is_test_file(path: str) -> bool:
    return path.endswith(TEST_SUFFIXES)


def tests_beside(flow_path: str) -> str:
    """The test file a flow's cases go in by default: ``claim.yaml`` -> ``claim.tests.yaml``."""
    return os.path.splitext(flow_path)[0] + TEST_SUFFIXES[0]


def sibling_flow(test_path: str) -> str | None:
    """``claim.tests.yaml`` -> ``claim.yaml`` (or ``.yml``/``.json``) if it exists."""
    for suffix in TEST_SUFFIXES:
        if test_path.endswith(suffix):
            base = test_path[: -len(suffix)]
            for ext in (".yaml", ".yml", ".json"):
                if os.path.exists(base + ext):
                    return base + ext
            return None
    return None


class _Loader(CaseChecks):
    """One test file's checks: its keys, the flow, the mocks (the cases: :class:`.cases.CaseChecks`)."""

    def __init__(self, path: str, text: str, root: Map):
        self.path, self.text, self.root = path, text, root
        self.base = os.path.dirname(os.path.abspath(path))
        self.tf = TestFile(path)
        self.tf.depends_on.add(os.path.abspath(path))
        self.state_names: list[str] = []

    # -- reporting --------------------------------------------------------
    def error(self, node: Node, message: str, hint: str = "", code: str = "test-file") -> None:
        self.tf.diagnostics.append(Diagnostic(ERROR, code, node.line, node.col, message, hint))

    def keys(self, m: Map, allowed: tuple[str, ...], where: str) -> None:
        for k, _ in m.items:
            if k.value not in allowed:
                guess = suggest(str(k.value), allowed)
                self.error(k, f"{where}: unknown key {k.value!r}; allowed: {', '.join(allowed)}",
                           f"did you mean {guess!r}?" if guess else "", "unknown-key")

    def missing(self, m: Map, key: str, allowed: tuple[str, ...], message: str, hint: str = "",
                code: str = "test-file") -> None:
        """Report ``key`` missing from ``m``. When a key of ``m`` is a slip of it
        (``nam:`` for ``name:``), the one error stands on that key and says so,
        in place of its unknown-key error (as the flow validator does)."""
        k = slipped_key(m, key, allowed)
        if k is None:
            self.error(m, message, hint, code)
            return
        self.tf.diagnostics = [d for d in self.tf.diagnostics
                               if not (d.code == "unknown-key" and (d.line, d.col) == (k.line, k.col))]
        self.error(k, message + slip_note(k, key), f"rename {k.value!r} to {key!r}", code)

    def string(self, node: Node, where: str) -> str | None:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            return node.value
        self.error(node, f"{where} must be a string, not {type_name(node)}", code="wrong-type")
        return None

    def resolve(self, rel: str) -> str:
        return os.path.normpath(os.path.join(self.base, os.path.expanduser(rel)))

    # -- the file -----------------------------------------------------------
    def load(self) -> TestFile:
        self.keys(self.root, _TOP_KEYS, "test file")
        if not self.flow():
            return self.tf
        self.tf.mocks = self.default_mocks()
        cases = self.root.get("cases")
        if cases is None:
            self.missing(self.root, "cases", _TOP_KEYS, "the test file has no 'cases:' list",
                         "cases: [{name: ..., expect: {...}}]", "no-cases")
        elif not isinstance(cases, Seq):
            self.error(cases, f"'cases' must be a list of cases, not {type_name(cases)}", code="wrong-type")
        elif not cases.items:
            self.error(cases, "'cases' is empty; a test file needs at least one case", code="no-cases")
        else:
            seen: dict[str, int] = {}
            for i, node in enumerate(cases.items):
                case = self.case(node, i, seen)
                if case is not None:
                    self.tf.cases.append(case)
        # The test file's own problems first, in order; then those in the files it names.
        self.tf.diagnostics.sort(key=lambda d: (getattr(d, "path", ""), *sort_key(d)))
        if not self.tf.valid:
            self.tf.cases = []
        return self.tf

    def flow(self) -> bool:
        node = self.root.get("flow")
        if node is not None:
            rel = self.string(node, "'flow'")
            if rel is None:
                return False
            path = self.resolve(rel)
            if not os.path.isfile(path):
                self.error(node, f"flow file {rel!r} does not exist" if not os.path.isdir(path)
                           else f"flow {rel!r} is a directory; give a flow file", code="missing-file")
                return False
        else:
            path = sibling_flow(self.path)
            if path is None:
                name = os.path.basename(self.path)
                stem = next((name[: -len(s)] for s in TEST_SUFFIXES if name.endswith(s)), None)
                if stem is None:  # a test file by its content, not its name: no NAME.yaml to go by
                    self.error(self.root, "no flow to test: this test file names none",
                               "name the flow with 'flow: PATH' (only NAME.tests.yaml finds NAME.yaml beside it)",
                               "missing-file")
                else:
                    self.error(self.root, f"no flow to test: {stem}.yaml does not exist beside the test file",
                               "name the flow with 'flow: PATH'", "missing-file")
                return False
        self.tf.flow_path = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
        self.tf.depends_on.add(os.path.abspath(path))
        self.tf.definition = d = load_definition(self.tf.flow_path)
        if d.flow is None:
            return False
        names: list[str] = []
        for prefix, s in d.flow.all_states():
            names.append(s.name)
            if prefix:
                names.append(prefix + s.name)
        self.state_names = list(dict.fromkeys(names))
        return True

    # -- mocks --------------------------------------------------------------------
    def default_mocks(self) -> tuple[MockFile | MockLayer, ...]:
        node = self.root.get("mocks")
        if node is None:
            found = default_mocks_path(self.tf.flow_path)
            mf = self.mock_file(found, self.root, found, f"found beside {self.tf.flow_path}") if found else None
            return (mf,) if mf is not None else ()
        return self.mock_layers(node, "mocks")

    def mock_layers(self, node: Node, where: str) -> tuple[MockFile | MockLayer, ...]:
        """A mock file path, an inline mock mapping, or a list of them (applied in order)."""
        items = node.items if isinstance(node, Seq) else (node,)
        out = []
        for it in items:
            mf = None
            if isinstance(it, Scalar) and isinstance(it.value, str):
                mf = self.mock_file(self.resolve(it.value), it, it.value,
                                    f"named by {self.path}:{it.line}:{it.col}")
            elif isinstance(it, Map):
                mf = self.inline(it, where)
            else:
                self.error(it, f"{where} must be a mock file path or a mapping with functions/states/callbacks, "
                               f"not {type_name(it)}", code="wrong-type")
            if mf is not None:
                out.append(mf)
        return tuple(out)

    def mock_file(self, path: str, at: Node, shown: str, origin: str) -> MockFile | None:
        self.tf.depends_on.add(os.path.abspath(path))
        if not os.path.isfile(path):
            self.error(at, f"mock file {shown!r} does not exist", code="missing-file")
            return None
        try:
            mf = load_mocks(path)
        except MockFileError as e:
            self.tf.diagnostics.extend(At(d.severity, d.code, d.line, d.col, d.message, d.hint, path=path)
                                       for d in e.diagnostics)
            return None
        self.tf.depends_on.update(os.path.abspath(p) for p in mf.flows.values())
        self.tf.local_code += local_code(mf, origin)
        return mf

    def inline(self, node: Map, where: str) -> MockLayer | None:
        for section in ("states", "callbacks"):
            sec = node.get(section)
            if isinstance(sec, Map):
                for k, _ in sec.items:
                    # a key may be qualified by its scope (M/Notify, /Notify): docs/semantics.md, "Mock answers"
                    if not (isinstance(k.value, str) and "/" in k.value
                            and k.value.rpartition("/")[2] in self.state_names):
                        self.state_name(k, f"{where}.{section}")
        try:
            layer = inline_mocks(self.text, node, self.path)
        except MockFileError as e:
            self.tf.diagnostics.extend(e.diagnostics)
            return None
        self.tf.depends_on.update(os.path.abspath(p) for p in layer.mocks.flows.values())
        owner = where[: -len(": mocks")] if where.endswith(": mocks") else ""
        self.tf.local_code += local_code(layer.mocks, f"the mocks of {owner}" if owner else "the test file's mocks")
        return layer

    def state_name(self, node: Node, where: str) -> str | None:
        name = self.string(node, where)
        if name is None or name in self.state_names:
            return name
        guess = suggest(name, self.state_names)
        self.error(node, f"{where}: the flow has no state {name!r}",
                   f"did you mean {guess!r}?" if guess else "", "unknown-state")
        return None

def load_test_file(path: str) -> TestFile:
    """Load and check ``path`` against its flow. Never raises on bad input."""
    res = load_file(path)
    if res.root is None or any(d.severity == ERROR for d in res.diagnostics):
        tf = TestFile(path, diagnostics=[d for d in res.diagnostics if d.severity == ERROR]
                      or [Diagnostic(ERROR, "empty", 1, 1, "the test file is empty")])
        tf.depends_on.add(os.path.abspath(path))
        return tf
    if not isinstance(res.root, Map):
        tf = TestFile(path, diagnostics=[Diagnostic(ERROR, "wrong-type", res.root.line, res.root.col,
                                                    "a test file is a mapping with flow, mocks and cases")])
        tf.depends_on.add(os.path.abspath(path))
        return tf
    wrong = other_kind(res.root, TESTS)
    if wrong is not None:  # a flow or mock file named as a test file: one line, not one per key
        tf = TestFile(path, diagnostics=[Diagnostic(ERROR, "not-a-test-file", res.root.line, res.root.col, *wrong)])
        tf.depends_on.add(os.path.abspath(path))
        return tf
    return _Loader(path, res.text, res.root).load()


__all__ = ["Case", "TestFile", "load_test_file", "is_test_file", "sibling_flow", "tests_beside", "TEST_SUFFIXES"]
