"""`aviary models` against the server the suite started: lineage printed by the CLI must match
what the official client logged. Aviary's own command, so it is skipped against the peer."""

import json
import subprocess
import uuid

import pytest
from mlflow.entities import Dataset, DatasetInput, InputTag

from compat_helpers import AVIARY_BIN, RUNNING_AGAINST_PEER

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER or not AVIARY_BIN, reason="Aviary's own CLI")


def aviary(base_url, *args):
    """Runs the CLI (argument list, no shell) and returns (exit status, stdout, stderr)."""
    done = subprocess.run([AVIARY_BIN, "models", *args, "--tracking-uri", base_url], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def registered(client, experiment_id):
    run = client.create_run(experiment_id, run_name="trainer")
    rid = run.info.run_id
    client.log_param(rid, "max_depth", "6")
    client.log_param(rid, "eta", "0.3")
    client.log_metric(rid, "auc", 0.9375, step=10)
    client.log_metric(rid, "logloss", 0.21, step=10)
    client.set_tag(rid, "team", "risk")
    dataset = Dataset(name="train.csv", digest="d1g3st", source_type="local", source='{"uri": "/data/train.csv"}', schema='{"x": "double"}')
    client.log_inputs(rid, [DatasetInput(dataset, [InputTag("mlflow.data.context", "training")])])
    client.log_text(rid, "weights", "model/weights.txt")
    name = f"cli-{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    for _ in range(2):
        client.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    return name, rid


def test_show_lineage_matches_what_the_client_logged(base_url, client, registered):
    name, rid = registered
    status, out, err = aviary(base_url, "show", f"{name}@champion", "--json")
    assert status == 0, err
    lineage = json.loads(out)
    run = client.get_run(rid)
    assert lineage["model_version"]["version"] == "1"
    assert lineage["model_version"]["aliases"] == ["champion"]
    assert lineage["run"]["info"]["run_id"] == rid
    assert lineage["experiment"]["experiment_id"] == run.info.experiment_id
    assert {p["key"]: p["value"] for p in lineage["run"]["data"]["params"]} == run.data.params
    assert {m["key"]: m["value"] for m in lineage["run"]["data"]["metrics"]} == run.data.metrics
    assert {t["key"]: t["value"] for t in lineage["run"]["data"]["tags"]} == run.data.tags
    [logged] = run.inputs.dataset_inputs
    [shown] = lineage["dataset_inputs"]
    assert shown["dataset"]["name"] == logged.dataset.name
    assert shown["dataset"]["digest"] == logged.dataset.digest
    assert shown["dataset"]["source"] == logged.dataset.source
    assert shown["dataset"]["schema"] == logged.dataset.schema


def test_show_text_names_run_params_metrics_and_data(base_url, registered):
    name, rid = registered
    status, out, err = aviary(base_url, "show", f"{name}/2")
    assert status == 0, err
    for expected in (f"Model {name} version 2", rid, "max_depth=6", "eta=0.3", "auc=0.9375", "team=risk", "train.csv", "d1g3st", "training"):
        assert expected in out, (expected, out)


def test_list_alias_and_promote(base_url, client, registered):
    name, _ = registered
    status, out, _ = aviary(base_url, "list", "--filter", f"name = '{name}'")
    assert status == 0 and name in out and "champion=v1" in out
    # Without live evidence the gate refuses, and says so on both versions.
    status, _, err = aviary(base_url, "promote", name, "--from", "challenger", "--to", "champion")
    assert status != 0 and "--force" in err, err
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    assert client.get_model_version(name, "1").tags["aviary.gate.decision"] == "refused"
    status, out, err = aviary(base_url, "promote", name, "--from", "challenger", "--to", "champion", "--force")
    assert status == 0, err
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    assert client.get_model_version(name, "2").tags["aviary.promoted_over"] == "v1"
    assert client.get_model_version(name, "2").tags["aviary.gate.decision"] == "forced"
    status, _, err = aviary(base_url, "alias", name, "staging-candidate", "1")
    assert status == 0, err
    assert client.get_model_version_by_alias(name, "staging-candidate").version == "1"


def test_errors_are_one_line_and_nonzero(base_url, registered):
    name, _ = registered
    for args, needle in [
        (["show", f"{name}/99"], "RESOURCE_DOES_NOT_EXIST"),
        (["alias", name, "latest", "1"], "INVALID_PARAMETER_VALUE"),
        (["show", f"{name}@nobody"], "INVALID_PARAMETER_VALUE"),
    ]:
        status, out, err = aviary(base_url, *args)
        assert status != 0 and needle in err and err.count("\n") == 1, (args, err)
    done = subprocess.run([AVIARY_BIN, "models", "list", "--tracking-uri", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Cannot reach the tracking server" in done.stderr
