"""A legacy flow's functions (FC 2.0 ARNs and Funcraft/ROS ``!Ref Service/Function``) run from
local code and on (a fake of) live FC 3.0, matched by the function's name."""
from __future__ import annotations

import json

from flowdbg.engine.backends.live import LiveBackend
from flowdbg.engine.session import Session

from helpers.engine import definition, legacy
from test_backend_live import CREDS, fc  # noqa: F401 (the fake FC fixture)

FLOW = legacy("""
    - type: task
      name: double
      resourceArn: !Ref MathSvc/double
      inputMappings: [{target: n, source: $input.n}]
    - type: task
      name: echo
      resourceArn: acs:fc:cn-hangzhou:123:services/tools/functions/echo
      outputMappings: [{target: echoed, source: $local.n}]
    """)
HANDLER = "import json\ndef handler(event, context):\n    e = json.loads(event)\n    return json.dumps({'n': e['n'] * 2})\n"


def test_local_handlers_are_matched_by_function_name(cli, tmp_path):
    (tmp_path / "flow.yaml").write_text(FLOW)
    (tmp_path / "h.py").write_text(HANDLER)
    code, out, err = cli("run", str(tmp_path / "flow.yaml"), "--input", '{"n": 4}', "--json",
                         "--local", f"double={tmp_path / 'h.py'}:handler", "--local", f"echo={tmp_path / 'h.py'}:handler")
    got = json.loads(out)
    # double: {"n": 8}; echo gets {"n": 8} (input with $local merged over it) and answers {"n": 16}
    assert (code, got["status"], got["output"]) == (0, "Succeeded", {"n": 8, "echoed": 16}), err


def test_live_fc_is_called_by_the_function_name(fc):  # noqa: F811
    fc.route = lambda call: (200, {}, json.dumps({"n": json.loads(call.body)["n"] * 2}).encode())
    s = Session(definition(FLOW), {"n": 4}, backends=[LiveBackend(endpoint=fc.url, credentials=CREDS)],
                start_time="2024-01-01T00:00:00Z", name="live-test")
    s.run_to_end()
    assert (s.execution.status, s.execution.output) == ("Succeeded", {"n": 8, "echoed": 16})
    assert [(c.path, json.loads(c.body)) for c in fc.calls] == [
        ("/2023-03-30/functions/double/invocations", {"n": 4}),
        ("/2023-03-30/functions/echo/invocations", {"n": 8})]
