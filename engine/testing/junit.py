"""``flowdbg test --junit FILE``: the results as JUnit XML, written with
junitparser (a maintained library; CI systems read its output as Jenkins,
GitLab and GitHub test reporters expect).

One ``<testsuite>`` per test file (named by its path), one ``<testcase>``
per case (``classname`` the test file's path in dots, ``file`` and
``line`` where the case is written). A case whose expectation failed has a
``<failure>`` with the diff; a case that could not run (no mock answers a
call) has an ``<error>``; an invalid test file is a suite with one
``<error>`` testcase holding its diagnostics.
"""
from __future__ import annotations

import os

from junitparser import Attr, Error, Failure, IntAttr, JUnitXml, SystemOut, TestCase, TestSuite

from .suite import CaseResult, FileResult, SuiteResult
from .testfile import TEST_SUFFIXES


class _Case(TestCase):
    """A testcase with the ``file``/``line`` attributes GitLab and pytest's reports carry."""

    file = Attr()
    line = IntAttr()


def _classname(path: str) -> str:
    stem = path
    for s in TEST_SUFFIXES:
        if stem.endswith(s):
            stem = stem[: -len(s)]
    return stem.replace(os.sep, ".").replace("/", ".").lstrip(".")


def _testcase(fr: FileResult, res: CaseResult) -> _Case:
    tc = _Case(res.name, _classname(fr.path), round(res.duration, 6))
    tc.file, tc.line = fr.path, res.line
    if res.error is not None:
        err = Error(res.error.splitlines()[0], "RunError")
        err.text = res.error
        tc.result = [err]
    elif res.mismatches:
        fail = Failure(res.mismatches[0].message, "ExpectationFailed")
        fail.text = "\n".join(line for m in res.mismatches for line in m.lines())
        tc.result = [fail]
    if res.status is not None:
        out = SystemOut()
        out.text = f"status: {res.status}\nflow: {res.flow}"
        tc.append(out)
    return tc


def junit_xml(result: SuiteResult) -> JUnitXml:
    xml = JUnitXml("flowdbg test")
    for fr in result.files:
        suite = TestSuite(fr.path)
        if not fr.test_file.valid:
            tc = _Case("(test file)", _classname(fr.path), 0.0)
            tc.file, tc.line = fr.path, 1
            errors = fr.test_file.errors
            err = Error(errors[0] if errors else "invalid test file", "InvalidTestFile")
            err.text = "\n".join(errors)
            tc.result = [err]
            suite.add_testcase(tc)
        for res in fr.cases:
            suite.add_testcase(_testcase(fr, res))
        if fr.test_file.flow_path:
            suite.add_property("flow", fr.test_file.flow_path)
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return xml


def write_junit(result: SuiteResult, path: str) -> None:
    """Write the report to ``path``, whole or not at all."""
    from ..atomic import atomic_write
    with atomic_write(path, "wb") as f:
        junit_xml(result).write(f, pretty=True)


__all__ = ["junit_xml", "write_junit"]
