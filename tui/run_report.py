"""The text summary ``flowdbg run`` prints (without ``--json``): status, states, output or
error, and for a run left waiting, how to answer its callback."""
from __future__ import annotations

import json


def print_summary(s: dict, session, args, status: str, message: str | None, sibling: str | None,
                   printed: bool = False) -> None:
    """``printed``: ``message`` is on stderr already (an error, whole): said once, not again here."""
    shown = status if status in ("Invalid", "Error") else s["status"]
    print(f"status: {shown}  (virtual time {s['time']:g} s, {s['event_count']} events)")
    if sibling:
        print(f"input: {sibling} (beside the flow; --input or --input-file to use another)")
    states = s["states"]
    if len(states) > 12:  # a long run: its start and end (--json lists them all)
        states = states[:6] + [f"... {len(states) - 11:,} more ..."] + states[-5:]
    print("states: " + " -> ".join(states))
    if s["status"] == "Succeeded":
        print("output: " + json.dumps(s["output"], ensure_ascii=False))
    if s["error"]:
        print(f"error: {s['error']['code']}" + (f": {s['error']['detail']}" if s["error"]["detail"] else ""))
    if printed and status in ("Invalid", "Error"):
        pass
    elif message and (status in ("Invalid", "Error") or (s["status"] == "Running" and not s["pending"])):
        print(f"stopped: {message}")
    elif message and s["status"] == "Running" and not message.startswith("waiting"):
        print(f"stopped: {message}")
    pending = s["pending"]
    for p in pending:
        print(f"waiting: task {p['state']!r} ({p['scope'] or 'top level'}) since {p['since']:g} s, token {p['token']}")
    if not pending or status in ("Invalid", "Error"):
        return
    flow = session.definition.path
    journal = session.journal_path
    from flowdbg.engine.mocks import yaml_key
    name = yaml_key(pending[0]["state"])
    print("to answer it, either:")
    print(f"  - script it in the mock file:  callbacks: {{{name}: [{{succeed: {{}}}}]}}")
    if journal:
        print(f"    then: flowdbg run {flow} --resume {journal}")
        print(f"  - or answer by hand: flowdbg run {flow} --resume {journal} --callback-port 0")
        print("    then, with the URL and secret it prints:")
        print(f"    flowdbg callback succeed '{pending[0]['token']}' --output '{{}}' --url URL --secret SECRET")
    else:
        print("    then run again; or run with --session PATH to be able to --resume this point,")
        print(f"  - or answer by hand: flowdbg run {flow} --callback-port 0, then with the URL and secret it prints:")
        print("    flowdbg callback succeed TOKEN --output '{}' --url URL --secret SECRET")
