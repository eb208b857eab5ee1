"""Flow tests: ``NAME.tests.yaml`` files, their cases run by the same
interpreter as ``flowdbg run``, their expectations, and coverage.

load (:mod:`.testfile`) -> run (:mod:`.run`, one execution) -> evaluate
(:mod:`.expect`) -> gather (:mod:`.suite`, many cases; :mod:`.coverage`).
:mod:`.record` writes a run as a new case.
"""
from .coverage import FlowCoverage, coverage_json, hits, node_key, universe
from .expect import ErrorExpectation, Expectation, Mismatch, check
from .run import FlowInvalid, FlowResult, RunError, merge_mocks, run_definition, run_flow
from .suite import CaseResult, FileResult, NoTestFiles, SuiteResult, discover, run_case, run_suite
from .testfile import Case, TestFile, load_test_file

__all__ = ["run_flow", "run_definition", "FlowResult", "FlowInvalid", "RunError", "merge_mocks",
           "Case", "TestFile", "load_test_file", "Expectation", "ErrorExpectation", "Mismatch", "check",
           "run_suite", "run_case", "discover", "CaseResult", "FileResult", "SuiteResult", "NoTestFiles",
           "FlowCoverage", "coverage_json", "hits", "node_key", "universe"]
