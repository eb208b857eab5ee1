"""``flowdbg FLOW --replay HISTORY.json`` and ``flowdbg FLOW --cloud``: the
command-line half (arguments, loading, deploying), then :class:`RecordApp`.

Problems are found before the screen is taken over and exit 2 with one
line: a history flowdbg cannot read, no credentials, CloudFlow refusing
the flow. Beyond the record (a state the recorded run never reached), the
mock file and --local/--live answer as in any debug session.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys


def add_record_args(p) -> None:
    g = p.add_argument_group("recorded executions")
    g.add_argument("--replay", metavar="HISTORY.json",
                   help="step through a recorded execution (GetExecutionHistory JSON, from CloudFlow or "
                        "'flowdbg run --history'); stops where the local run diverges")
    g.add_argument("--cloud", action="store_true",
                   help="deploy FLOW to CloudFlow (CreateFlow/UpdateFlow), start it there and follow it live "
                        "(credentials: Alibaba's default chain)")
    g.add_argument("--endpoint", metavar="URL", help="CloudFlow endpoint for --cloud (default: the region's)")
    g.add_argument("--region", metavar="REGION", help="region for --cloud (default: $ALIBABA_CLOUD_REGION_ID or "
                                                      "cn-hangzhou)")
    g.add_argument("--execution-name", metavar="NAME", help="name of the execution --cloud starts")


def _fail(message: str) -> int:
    print(f"flowdbg: error: {message}", file=sys.stderr)
    return 2


def _input(args) -> dict:
    from .cli_input import read_input
    if args.input is not None or args.input_file is not None:
        return read_input(args)
    sibling = os.path.splitext(args.flow)[0] + ".input.json"
    if os.path.exists(sibling):
        args.input_file = sibling
        return read_input(args)
    return {}


def launch_recorded(args) -> int:
    from flowdbg.engine.definition import load_definition
    from flowdbg.engine.replay import RecordError, load_record, parse_record, replay_session
    from flowdbg.engine.runner import BackendConfig, consent_refusal, make_backends, needing_consent

    from .launch import _load_mocks
    from .run_setup import parse_local

    if args.replay and args.cloud:
        return _fail("give --replay or --cloud, not both")
    definition = load_definition(args.flow)
    if definition.flow is None:
        for d in definition.diagnostics:
            print(d.format(args.flow), file=sys.stderr)
        return 2
    errors: list = []
    notices: list = []
    mocks = _load_mocks(args, errors)
    unconsented = needing_consent([(mocks, None if args.mocks else f"found beside {args.flow}")], args.allow_local)
    if unconsented:  # no dialog here (the session replays before the screen is up): the debugger's "Mocks only"
        mocks = dataclasses.replace(mocks, local={})
        notices.append((consent_refusal(unconsented, ", or name the mock file with --mocks")
                        + "\nUntil then, the mock file's answers stand in for them.", "warning"))
    cfg = BackendConfig(local=parse_local(args.local), live=list(args.live), live_all=args.backend == "live",
                        fc_endpoint=args.fc_endpoint, base_dir=os.getcwd())
    try:
        backends = make_backends(mocks, cfg)
    except Exception as e:
        errors.append(("A function backend could not be set up", str(e)))
        backends = []
    follower = None
    label = ""
    if args.replay:
        try:
            record = load_record(args.replay)
        except RecordError as e:
            return _fail(str(e))
        replay = replay_session(definition, record, mocks=mocks, backends=backends, journal_path=args.session)
        label = f"replay of {args.replay}"
        notices.append((f"Replaying {args.replay}: the recorded execution {record.status.lower()}"
                        + (f" ({record.error})" if record.error else "")
                        + f", {len(record.events)} events. It stops where this run diverges; u goes back.",
                        "information"))
    else:
        from flowdbg.engine.cloud import Cloud, CloudError
        from flowdbg.engine.replay.follow import Follower
        name = definition.flow.name
        if not name:
            return _fail(f"{args.flow}: the flow has no Name; CloudFlow needs one to deploy it")
        try:
            inp = _input(args)
            cloud = Cloud(endpoint=args.endpoint, region=args.region)
            how = cloud.deploy(name, definition.text, definition.flow.description or "deployed by flowdbg")
            execution = cloud.start(name, inp, args.execution_name)
            record = parse_record(json.dumps(cloud.history(name, execution)), f"{name}/{execution}")
        except CloudError as e:
            return _fail(str(e))
        except RecordError as e:
            return _fail(f"CloudFlow's history: {e}")
        replay = replay_session(definition, record, mocks=mocks, backends=backends, live=True,
                                journal_path=args.session)
        follower = Follower(cloud, name, execution, replay)
        label = f"CloudFlow execution {execution} ({cloud.endpoint})"
        notices.append((f"Flow {name} {how} on {cloud.endpoint}; execution {execution} started. flowdbg follows "
                        f"its history; k answers a waiting task on CloudFlow.", "information"))
    from .record_app import RecordApp
    app = RecordApp(definition, replay, follower, label=label, breaks=args.breaks, startup_errors=errors,
                    notices=notices, mocks_path=args.mocks)
    code = app.run()
    return code if isinstance(code, int) else 0
