"""Execute: find test files, run their cases, gather results and coverage.

Cases run one after another in this process while that is quick. Once a
run has taken longer than :data:`SERIAL_BUDGET` seconds, cases remain and a
core is idle (the load average says so), the rest go to a pool of worker
processes (one per core); results are
reported in the order of the files and cases whatever finishes first, so
the output is the same from run to run.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..definition import load_definition
from ..file_kinds import FLOW, MOCKS, TESTS, kind_by_name, kind_of, wrong_kind
from ..files import file_problem
from ..runner import consent_refusal
from .coverage import FlowCoverage, hits
from .expect import Mismatch, check
from .run import Limits, RunError, merge_mocks, run_definition
from .testfile import TEST_SUFFIXES, Case, TestFile, is_test_file, load_test_file

SERIAL_BUDGET = 0.5  # seconds of cases run in-process before a pool is worth starting
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}


class NoTestFiles(Exception):
    """A path given on the command line names nothing to test."""


class LocalCodeRefused(Exception):
    """Cases would run mock files' ``local:`` code and ``allow_local`` is not
    set: no file a test file names (or the flow's sibling mock file) was named
    on the command line, so each came with the repository, not from the user.
    The message names every file and entry (runner.consent_refusal)."""

    def __init__(self, entries):
        self.entries = list(entries)
        super().__init__(consent_refusal(self.entries))


@dataclass
class CaseResult:
    """One case's outcome. ``error`` is set when it could not run at all
    (a call no mock answers); ``mismatches`` when it ran and an expectation failed."""

    file: str
    name: str
    line: int
    flow: str
    status: str | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None
    duration: float = 0.0
    hits: dict[str, list[str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mismatches


@dataclass
class FileResult:
    test_file: TestFile
    cases: list[CaseResult] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.test_file.path


@dataclass
class SuiteResult:
    files: list[FileResult]
    coverage: list[FlowCoverage]

    @property
    def cases(self) -> list[CaseResult]:
        return [c for f in self.files for c in f.cases]

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c.passed)

    @property
    def invalid(self) -> list[TestFile]:
        return [f.test_file for f in self.files if not f.test_file.valid]

    @property
    def exit_code(self) -> int:
        """0 all passed, 1 a case failed, 2 a test file or flow is invalid (or nothing to test)."""
        if self.invalid or not self.files:
            return 2
        return 1 if self.failed else 0


def discover(paths: list[str]) -> list[str]:
    """The test files under ``paths`` (files or folders), sorted, each once.
    A flow file stands for its sibling ``NAME.tests.yaml``."""
    found: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found += [os.path.join(dirpath, f) for f in sorted(files) if f.endswith(TEST_SUFFIXES)]
        elif os.path.isfile(p):
            if is_test_file(p):
                found.append(p)
            else:
                found.append(_tests_for(p))
        else:
            raise NoTestFiles(f"{p}: {file_problem(p, folder_ok=True)}")
    out, seen = [], set()
    for f in found:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            out.append(os.path.normpath(f))
    return out


def _tests_for(p: str) -> str:
    """The test file a non-``.tests.yaml`` path on the command line stands for: a flow's
    sibling NAME.tests.yaml, or the file itself when its content is a test file's."""
    from ..load import load_file
    kind = kind_by_name(p) or kind_of(load_file(p).root)
    if kind == TESTS:
        return p
    if kind == MOCKS:
        message, hint = wrong_kind(MOCKS, TESTS)
        raise NoTestFiles(f"{p}: {message}; a test file (NAME.tests.yaml) names it with 'mocks:'")
    base = os.path.splitext(p)[0]
    sibling = next((base + s for s in TEST_SUFFIXES if os.path.isfile(base + s)), None)
    if sibling is None:
        what = "a flow" if kind == FLOW else "not a test file (NAME.tests.yaml)"
        raise NoTestFiles(f"{p}: {what} with no {os.path.basename(base)}.tests.yaml beside it; write its cases "
                          f"there (flowdbg run {p} --save-test {base}.tests.yaml --case NAME records one)"
                          if kind == FLOW else
                          f"{p}: {what}, and it has no {os.path.basename(base)}.tests.yaml beside it")
    return sibling


def run_case(tf: TestFile, case: Case, limits: Limits = Limits()) -> CaseResult:
    """Run one case in this process."""
    return _run(tf.definition, tf.path, tf.flow_path, tf.mocks, case, limits)


def _run(definition, test_path: str, flow_path: str, defaults: tuple, case: Case, limits: Limits) -> CaseResult:
    res = CaseResult(test_path, case.name, case.line, flow_path)
    t0 = time.perf_counter()
    try:
        result = run_definition(definition, case.input, merge_mocks(*defaults, *case.mocks), limits=limits)
    except RunError as e:
        res.error = str(e)
    except Exception as e:  # a flowdbg bug: this case fails, the others still run
        res.error = f"internal error: {type(e).__name__}: {e}"
    else:
        res.status = result.status
        res.mismatches = check(case.expect, result)
        res.hits = {k: sorted(v) for k, v in hits(result.records).items()}
    res.duration = time.perf_counter() - t0
    return res


_flows: dict[str, tuple[int, object]] = {}


def _job(job: tuple) -> CaseResult:
    """A worker process's unit: the case itself (plain data, pickled) and the
    flow's path; a worker loads each flow once (a loaded flow does not pickle)."""
    test_path, flow_path, defaults, case, limits = job
    mtime = os.stat(flow_path).st_mtime_ns
    cached = _flows.get(flow_path)
    if cached is None or cached[0] != mtime:
        cached = _flows[flow_path] = (mtime, load_definition(flow_path))
    return _run(cached[1], test_path, flow_path, defaults, case, limits)


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    # Not fork: the parent may have threads (the --watch watcher). A fork
    # server that has imported the engine once starts each worker quickly.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([__name__])
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def _idle_cores(cores: int) -> float:
    """Cores nobody else is using (this process counts as one): more
    processes only help when there are some."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return cores - 1
    return cores - max(load, 1.0)


def _results(files: list[TestFile], jobs: int | None, limits: Limits) -> Iterator[CaseResult]:
    """Every case's result, in file and case order."""
    work = [(tf, i) for tf in files for i in range(len(tf.cases))]
    cores = os.cpu_count() or 1
    pos, t0 = 0, time.perf_counter()
    if jobs is None or jobs == 1:
        while pos < len(work):
            if (jobs is None and len(work) - pos >= 2 and time.perf_counter() - t0 > SERIAL_BUDGET
                    and _idle_cores(cores) >= 1):
                break
            tf, i = work[pos]
            yield run_case(tf, tf.cases[i], limits)
            pos += 1
    if pos >= len(work):
        return
    rest = work[pos:]
    with _pool(min(jobs or cores, len(rest))) as pool:
        yield from pool.map(_job, [(tf.path, tf.flow_path, tf.mocks, tf.cases[i], limits) for tf, i in rest])


def run_suite(paths: list[str], *, jobs: int | None = None, limits: Limits = Limits(),
              on_file: Callable[[FileResult], None] | None = None,
              on_case: Callable[[FileResult, CaseResult], None] | None = None,
              allow_local: bool = False) -> SuiteResult:
    """Load every test file under ``paths`` and run its cases. ``on_file``
    is called when a file's cases are about to be reported (an invalid file
    has none), ``on_case`` after each case, in order. Raises
    :class:`NoTestFiles` when a path names nothing, and, before any case runs,
    :class:`LocalCodeRefused` when a case would run ``local:`` code and
    ``allow_local`` is false."""
    files = [load_test_file(p) for p in discover(paths)]
    refused = [e for tf in files if tf.valid for e in tf.local_code]
    if refused and not allow_local:
        raise LocalCodeRefused(list(dict.fromkeys(refused)))
    results = [FileResult(tf) for tf in files]
    by_path = {tf.path: r for tf, r in zip(files, results)}
    order = iter(results)

    def reach(path: str | None) -> None:
        """Announce the files up to ``path`` (all of them for None), in order."""
        for fr in order:
            if on_file:
                on_file(fr)
            if fr.path == path:
                return

    current = None
    for res in _results([tf for tf in files if tf.valid], jobs, limits):
        fr = by_path[res.file]
        if res.file != current:
            reach(res.file)
            current = res.file
        fr.cases.append(res)
        if on_case:
            on_case(fr, res)
    reach(None)
    return gather(results)


def gather(files: list[FileResult]) -> SuiteResult:
    """The results of these files, with each flow's coverage over all of their cases."""
    coverage: dict[str, FlowCoverage] = {}
    for fr in files:
        tf = fr.test_file
        if not tf.valid:
            continue
        key = os.path.realpath(tf.flow_path)
        if key not in coverage:
            coverage[key] = FlowCoverage.of(tf.flow_path, tf.definition.flow)
        for res in fr.cases:
            coverage[key].add(res.hits)
    return SuiteResult(files, list(coverage.values()))


__all__ = ["discover", "run_suite", "gather", "run_case", "CaseResult", "FileResult", "SuiteResult", "NoTestFiles",
           "LocalCodeRefused",
           "SERIAL_BUDGET"]
