"""The legacy sample flows (sample_flows/legacy/) run with `flowdbg run` as a user runs them, and
the faithful ones convert to FDL v1 flows that give the same output."""
from __future__ import annotations

import json
import os

import pytest

from helpers import SAMPLE_FLOWS, read_json

LEGACY = os.path.join(SAMPLE_FLOWS, "legacy")
SAMPLES = sorted(f[:-5] for f in os.listdir(LEGACY) if f.endswith(".yaml") and ".mocks." not in f and ".tests." not in f)
#: status, output, the virtual time each sample ends with
EXPECTED = {
    "ml-pipeline": ("Succeeded", {"status": "succeeded", "deploymentStatus": "succeeded", "serviceStatus": "succeeded",
                                  "servingEndpoint": "http://10.0.0.8:8080", "decision": "approved"}, 90.0),
    "oss-batch-process": ("Succeeded", {"marker": "", "keys": ["2024/c.jpg"], "hasMore": False}, 0.0),
    "subflow-audit-child": ("Succeeded", {"audited": "true", "result": "pass"}, 10.0),
    "subflow-audit-main": ("Succeeded", {"audited": "true"}, 10.0),
    "trip-booking-saga": ("Succeeded", {"trip_order_id": "happy-trip-id-1", "book_train_ticket_transaction_id": "train-7",
                                        "book_flight_transaction_id": "flight-3", "book_hotel_transaction_id": "hotel-9"},
                          1.0),
    "vscode-mock-all-steps": ("Succeeded", {"key1": "value1", "key2": "value2"}, 10.0),
}


def test_every_sample_has_a_mock_file_an_input_and_an_expected_result():
    assert len(SAMPLES) >= 3 and sorted(EXPECTED) == SAMPLES
    for n in SAMPLES:
        assert os.path.exists(os.path.join(LEGACY, n + ".mocks.yaml"))
        assert isinstance(read_json(os.path.join(LEGACY, n + ".input.json")), dict)


@pytest.mark.parametrize("name", SAMPLES)
def test_flowdbg_run_on_a_legacy_sample(cli, name):
    code, out, err = cli("run", os.path.join(LEGACY, name + ".yaml"), "--input-file",
                         os.path.join(LEGACY, name + ".input.json"), "--json")
    got = json.loads(out)
    assert (code, got["status"], got["output"], got["time"]) == (0, *EXPECTED[name]), err


@pytest.mark.parametrize("name", ["trip-booking-saga", "vscode-mock-all-steps"])
def test_a_faithful_sample_converts_and_the_v1_flow_gives_the_same_output(cli, tmp_path, name):
    out = tmp_path / f"{name}.yaml"
    code, _, err = cli("convert", os.path.join(LEGACY, name + ".yaml"), "-o", str(out))
    assert (code, err) == (0, "")
    (tmp_path / f"{name}.mocks.yaml").write_text(open(os.path.join(LEGACY, name + ".mocks.yaml")).read())
    code, text, err = cli("run", str(out), "--input-file", os.path.join(LEGACY, name + ".input.json"), "--json")
    got = json.loads(text)
    assert (code, got["status"], got["output"], got["time"]) == (0, *EXPECTED[name]), err
