"""The mock file: scripted answers for functions, other Actions and callbacks.

```yaml
functions:              # key: full resourceArn, "service/function", or function name (most specific wins)
  myFunction1:
    - body: {ok: true}          # the function's response payload; the task result is {"Body": ...}
  myFunction2:
    - error: FC.ResourceThrottled
      detail: too many requests
      times: 2                  # this entry answers 2 calls (default 1)
    - body: "plain text"
      delay: 5                  # virtual seconds the call takes (default 0)
  transcode:
    - when: {body: {file: b.mp4}}   # answers only a request whose body has file: b.mp4
      body: {ok: false}
    - when: {scope: "M[1]"}         # only calls made in iteration 1 of Map M
      error: FC.ResourceThrottled
states:                 # key: a Task state's name; its whole result, for any Action
  Notify:
    - result: {MessageId: "m-1"}
  M/Notify:                     # the Notify inside Map M (a name reused in a nested scope)
    - result: {MessageId: "m-2"}
callbacks:              # key: a WaitForCustomCallback Task's name
  WaitForApproval:
    - succeed: {approved: true}
      after: 30                 # virtual seconds after the task was submitted (default 0)
    - fail: {error: Rejected, cause: "manager said no"}
local:                  # functions run from local code (see docs/backends.md)
  myFunction1: handlers/index.py:handler
live: [myFunction3]     # functions called on real Function Compute
flows:                  # FNF:StartExecution children run inside flowdbg from these files
  child-flow: child.yaml        # path relative to the mock file
```
Entries answer calls in order; the last one repeats. An entry with ``when:``
answers only requests it matches (a subset of the request: ``body``,
``scope``, ``attempt``, ``state``, ``invocationType`` for functions;
``parameters``, ``scope``, ``attempt`` for states and callbacks): each call
takes the first matching entry with uses left, else the last matching one
repeats. A state key may be qualified by its scope (``M/Notify``,
``P.Branch0/Notify``, ``/Notify`` for the top level); the most specific key
wins, and a state key beats a function key. Errors in the file are
``path:line:col: message``.
"""
from __future__ import annotations

from .answers import (MockBackend, callback_answer, did_you_mean, function_response, mock_file_name,
                      no_function_mock, no_match, state_answer, yaml_key)
from .file import MAX_DELAY, SECTIONS, WHEN_KEYS, Entry, MockFile, MockFileError
from .match import choose, function_key, matches, request_view, same_value, scope_matches, state_key, subset
from .parse import load_mocks, parse_mocks

__all__ = ["MockFile", "MockFileError", "MockBackend", "Entry", "parse_mocks", "load_mocks", "state_answer",
           "callback_answer", "choose", "matches", "subset", "scope_matches", "state_key", "function_key",
           "request_view", "did_you_mean", "mock_file_name", "yaml_key", "WHEN_KEYS", "SECTIONS", "MAX_DELAY",
           "function_response", "no_function_mock", "no_match", "same_value"]
