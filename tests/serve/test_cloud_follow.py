"""`--cloud` without the screen: deploy through the official SDK, start,
follow GetExecutionHistory, answer a waiting task by hand (sent as
ReportTaskSucceeded) or let the application answer it, all against a real
`flowdbg serve` standing in for CloudFlow."""
from __future__ import annotations

import json

import pytest

from flowdbg.engine.cloud import Cloud, CloudError
from flowdbg.engine.definition import load_definition
from flowdbg.engine.replay import parse_record, replay_session
from flowdbg.engine.replay.follow import Follower

from helpers import read
from helpers.serve import APPROVAL, models, serve_process, status, task_token, wait_for


def static_key(key: str, secret: str):
    from alibabacloud_credentials.client import Client
    from alibabacloud_credentials.models import Config
    return Client(Config(type="access_key", access_key_id=key, access_key_secret=secret))


@pytest.fixture
def cloud():
    mocks = APPROVAL.replace(".yaml", ".mocks.yaml")  # CloudFlow's functions, as flowdbg serve answers them
    with serve_process("--mocks", mocks, "--access-key-id", "follow-key", "--secret", "follow-secret") as srv:
        yield srv, Cloud(endpoint=srv.url, credentials=static_key("follow-key", "follow-secret"))


def follow(c: Cloud, inp: dict, name: str):
    definition = load_definition(APPROVAL)
    assert c.deploy("approval", definition.text, "x") == "created"
    assert c.deploy("approval", definition.text, "again") == "updated"
    c.start("approval", inp, name)
    record = parse_record(json.dumps(c.history("approval", name)))
    replay = replay_session(definition, record, live=True)
    return Follower(c, "approval", name, replay), replay.session


def step(follower, session):
    """One turn of what the TUI does on each poll: take the longer history,
    apply what it answered, continue."""
    for r in follower.absorb(follower.fetch(), session):
        session.report(r.token, succeeded=r.succeeded, output=r.output, error=r.error, cause=r.cause or "")
    return session.cont()


def test_a_callback_given_here_is_sent_to_cloudflow(cloud):
    srv, c = cloud
    follower, session = follow(c, {"orderId": "F-1"}, "follow-1")
    stop = wait_for(lambda: (lambda s: s if s.reason == "waiting" else None)(step(follower, session)))
    assert [p.state for p in session.execution.pending_tasks()] == ["WaitForApproval"]
    token = session.execution.pending_tasks()[0].token
    assert session.report(token, succeeded=True, output={"by": "flowdbg"}).accepted
    out = follower.outgoing(session)
    assert len(out) == 1 and out[0][0] != token  # CloudFlow's own token for the same task
    assert follower.send(out) == ["ReportTaskSucceeded sent to CloudFlow"]
    sdk = srv.client("follow-key", "follow-secret")
    wait_for(lambda: status(sdk, "approval", "follow-1") == "Succeeded")
    stop = wait_for(lambda: (lambda s: s if s.reason == "finished" else None)(step(follower, session)))
    assert session.execution.status == "Succeeded" and follower.finished
    assert session.execution.output == {"orderId": "F-1", "approvedBy": "flowdbg"}
    assert follower.replay.check.found == []
    assert follower.outgoing(session) == []  # nothing is sent twice


def test_a_callback_the_application_gives_reaches_the_local_run(cloud):
    srv, c = cloud
    follower, session = follow(c, {"orderId": "F-2"}, "follow-2")
    wait_for(lambda: step(follower, session).reason == "waiting")
    sdk = srv.client("follow-key", "follow-secret")
    cloud_tok = task_token(sdk, "approval", "follow-2", "WaitForApproval")
    sdk.report_task_failed(models.ReportTaskFailedRequest(task_token=cloud_tok, error="Rejected", cause="no"))
    wait_for(lambda: step(follower, session).reason == "finished")
    ex = session.execution
    assert (ex.status, ex.error.code) == ("Failed", "OrderRejected")
    assert follower.outgoing(session) == []  # the application's answer is not sent back


def test_the_local_run_waits_where_the_cloud_has_not_got_yet(cloud):
    srv, c = cloud
    follower, session = follow(c, {"orderId": "F-3"}, "follow-3")
    first = session.cont()  # before any poll the record may hold no task result yet
    assert first.reason in ("following", "waiting", "finished")
    if first.reason == "following":
        assert "is still running on CloudFlow" in first.message
        assert follower.replay.source.at_frontier == "CheckOrder"


def test_deploy_errors_are_one_line(cloud):
    srv, c = cloud
    with pytest.raises(CloudError) as e:
        c.deploy("approval", read(APPROVAL).replace("StartAt: CheckOrder", "StartAt: Nowhere"), "")
    assert str(e.value).startswith("CloudFlow refused CreateFlow: InvalidArgument: the flow definition has")


CHAIN = """
import sys
from flowdbg.engine.cloud import Cloud, CloudError
try:
    c = Cloud(endpoint=sys.argv[1])
    print(c.deploy("approval", open(sys.argv[2]).read(), "from the default chain"))
except CloudError as e:
    print("CloudError:", e)
"""


def _chain(env: dict, url: str, tmp_path) -> str:
    import os
    import subprocess
    import sys
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    clean.update(HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED="true", **env)
    r = subprocess.run([sys.executable, "-c", CHAIN, url, APPROVAL], env=clean, capture_output=True, text=True,
                       timeout=60)
    return r.stdout.strip()


def test_credentials_come_from_the_default_chain(cloud, tmp_path):
    srv, _ = cloud
    out = _chain({"ALIBABA_CLOUD_ACCESS_KEY_ID": "follow-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "follow-secret"},
                 srv.url, tmp_path)
    assert out == "created"
    out = _chain({"ALIBABA_CLOUD_ACCESS_KEY_ID": "follow-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"},
                 srv.url, tmp_path)
    assert out.startswith("CloudError: CloudFlow refused CreateFlow: SignatureNotMatch")


def test_no_credentials_is_said_before_anything_is_sent(tmp_path):
    out = _chain({}, "http://127.0.0.1:9", tmp_path)
    assert out.startswith("CloudError: no Alibaba Cloud credentials")
