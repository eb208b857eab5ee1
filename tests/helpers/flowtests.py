"""Helpers for the flow-test tests (``flowdbg test``, test files, coverage, recording).

    paths = write(tmp_path, {"claim.yaml": CLAIM, "claim.tests.yaml": "cases: ..."})
    tf = load_test_file(paths["claim.tests.yaml"])
"""
from __future__ import annotations

import os

from . import FIXTURES, dedent

TESTING_FIXTURES = os.path.join(FIXTURES, "testing")

#: A small claim flow: a Choice (one branch and a Default), a callback task with a Catch, a Fail.
CLAIM = dedent("""
    Type: StateMachine
    Name: claim
    SpecVersion: v1
    StartAt: Check the form
    States:
      - Name: Check the form
        Type: Choice
        Branches:
          - Condition: $Input.amount > 1000
            Next: Wait for an adjuster
        Default: Pay
      - Name: Wait for an adjuster
        Type: Task
        Action: FC:InvokeFunction
        TaskMode: WaitForCustomCallback
        Parameters:
          resourceArn: acs:fc:cn-hangzhou:123456789:functions/ask-adjuster/LATEST
          invocationType: Async
          body:
            claimId.$: $Input.claimId
            token.$: $Context.Current.TaskToken
        Catch:
          - Errors: [Rejected]
            Next: Refuse
            OutputConstructor:
              error.$: $Context.Current.Error
        OutputConstructor:
          claimId.$: $Input.claimId
          amount.$: $Input.amount
        Next: Pay
      - Name: Pay
        Type: Pass
        OutputConstructor:
          claimId.$: $Input.claimId
          paid: true
        End: true
      - Name: Refuse
        Type: Fail
        Code: ClaimRefused
        Detail: the adjuster refused the claim
""")

CLAIM_MOCKS = dedent("""
    functions:
      ask-adjuster:
        - body: ""
    callbacks:
      Wait for an adjuster:
        - succeed: {ok: true}
          after: 60
""")


def write(folder, files: dict[str, str]) -> dict[str, str]:
    """Write ``{relative path: text}`` under ``folder``; returns the absolute paths."""
    out = {}
    for rel, text in files.items():
        path = os.path.join(str(folder), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(dedent(text))
        out[rel] = path
    return out


def claim(folder, tests: str, mocks: str | None = CLAIM_MOCKS, **more: str) -> dict[str, str]:
    """The claim flow, its mock file (unless None) and ``claim.tests.yaml``."""
    files = {"claim.yaml": CLAIM, "claim.tests.yaml": tests, **more}
    if mocks is not None:
        files["claim.mocks.yaml"] = mocks
    return write(folder, files)
