"""Run lifecycle and run data (params, metrics, tags) through the mlflow client."""

import math
import re
import sys
import time

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunStatus, RunTag

from compat_helpers import INF

HEX32 = re.compile(r"^[0-9a-f]{32}$")


# -- 1. lifecycle ---------------------------------------------------------------


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.name == "Default"
    assert exp.lifecycle_stage == "active"
    assert exp.artifact_location == "mlflow-artifacts:/0"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_set_experiment_creates_then_reuses(exp_name):
    exp = mlflow.set_experiment(exp_name)
    assert exp.name == exp_name
    assert exp.lifecycle_stage == "active"
    assert re.fullmatch(r"[0-9]+", exp.experiment_id)
    assert exp.artifact_location == f"mlflow-artifacts:/{exp.experiment_id}"
    again = mlflow.set_experiment(exp_name)
    assert again.experiment_id == exp.experiment_id
    by_id = mlflow.set_experiment(experiment_id=exp.experiment_id)
    assert by_id.name == exp_name


def test_start_run_end_run(client, exp_name):
    exp = mlflow.set_experiment(exp_name)
    run = mlflow.start_run()
    try:
        assert mlflow.active_run().info.run_id == run.info.run_id
        assert run.info.status == "RUNNING"
        assert run.info.experiment_id == exp.experiment_id
        assert run.info.lifecycle_stage == "active"
        assert run.info.end_time is None
        live = client.get_run(run.info.run_id)
        assert live.info.status == "RUNNING"
    finally:
        mlflow.end_run()
    assert mlflow.active_run() is None
    done = client.get_run(run.info.run_id)
    assert done.info.status == "FINISHED"
    assert done.info.end_time is not None
    assert done.info.end_time >= done.info.start_time


def test_end_run_with_explicit_status(client, exp_name):
    mlflow.set_experiment(exp_name)
    run = mlflow.start_run()
    mlflow.end_run(status="KILLED")
    assert client.get_run(run.info.run_id).info.status == "KILLED"


def test_context_manager_finished(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.log_param("inside", "yes")
    got = client.get_run(run.info.run_id)
    assert got.info.status == "FINISHED"
    assert got.data.params == {"inside": "yes"}


def test_context_manager_failed_when_body_raises(client, exp_name):
    mlflow.set_experiment(exp_name)
    with pytest.raises(ZeroDivisionError):
        with mlflow.start_run() as run:
            1 / 0
    assert client.get_run(run.info.run_id).info.status == "FAILED"
    assert mlflow.active_run() is None


def test_generated_run_name_and_tag(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        pass
    got = client.get_run(run.info.run_id)
    # MLflow generates "<adjective>-<noun>-<number>" names server-side.
    assert re.fullmatch(r"[a-z]+-[a-z]+-[0-9]+", got.info.run_name), got.info.run_name
    assert got.data.tags["mlflow.runName"] == got.info.run_name
    assert run.info.run_name == got.info.run_name


def test_explicit_run_name(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run(run_name="my explicit run ✓") as run:
        pass
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == "my explicit run ✓"
    assert got.data.tags["mlflow.runName"] == "my explicit run ✓"


def test_run_ids_and_artifact_uri(client, experiment_id):
    ids = set()
    for _ in range(5):
        run = client.create_run(experiment_id)
        rid = run.info.run_id
        assert HEX32.fullmatch(rid), rid
        assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
        assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{rid}/artifacts"
        ids.add(rid)
    assert len(ids) == 5


def test_client_create_run_fields(client, experiment_id):
    before = int(time.time() * 1000)
    run = client.create_run(
        experiment_id, start_time=1_700_000_000_123, tags={"k": "v"}, run_name="named"
    )
    got = client.get_run(run.info.run_id)
    assert got.info.start_time == 1_700_000_000_123
    assert got.info.run_name == "named"
    assert got.info.status == "RUNNING"
    assert got.data.tags["k"] == "v"
    assert got.data.tags["mlflow.runName"] == "named"
    client.set_terminated(run.info.run_id, status="FINISHED", end_time=1_700_000_009_999)
    got = client.get_run(run.info.run_id)
    assert got.info.status == "FINISHED"
    assert got.info.end_time == 1_700_000_009_999
    # A run created without start_time gets "now" from the client.
    run2 = client.create_run(experiment_id)
    assert run2.info.start_time >= before - 5_000


def test_update_run_name(client, experiment_id):
    run = client.create_run(experiment_id, run_name="before")
    client.update_run(run.info.run_id, name="after")
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == "after"
    assert got.data.tags["mlflow.runName"] == "after"


# -- 2. params, metrics, tags ---------------------------------------------------


def test_params(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_param("layers", 3)
        mlflow.log_params({"optimizer": "adam", "unicode ключ": "значение ✓", "empty": ""})
        # Re-logging the same value is allowed.
        mlflow.log_param("lr", 0.01)
    params = client.get_run(run.info.run_id).data.params
    assert params == {
        "lr": "0.01",
        "layers": "3",
        "optimizer": "adam",
        "unicode ключ": "значение ✓",
        "empty": "",
    }


def test_long_param_value(client, experiment_id):
    run = client.create_run(experiment_id)
    value = "x" * 6000  # MLflow's limit is 6000 characters
    client.log_param(run.info.run_id, "long", value)
    assert client.get_run(run.info.run_id).data.params["long"] == value


def test_metrics_steps_timestamps(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.log_metric("loss", 0.5, step=0, timestamp=1_000)
        mlflow.log_metric("loss", 0.25, step=1, timestamp=2_000)
        mlflow.log_metric("loss", 0.125, step=2, timestamp=3_000)
        mlflow.log_metrics({"acc": 0.9, "f1": -1.25e-7}, step=7, timestamp=4_000)
        mlflow.log_metric("int_valued", 3)
    rid = run.info.run_id
    got = client.get_run(rid)
    assert got.data.metrics == {"loss": 0.125, "acc": 0.9, "f1": -1.25e-7, "int_valued": 3.0}
    hist = client.get_metric_history(rid, "loss")
    assert [(m.key, m.value, m.step, m.timestamp) for m in hist] == [
        ("loss", 0.5, 0, 1_000),
        ("loss", 0.25, 1, 2_000),
        ("loss", 0.125, 2, 3_000),
    ]
    acc = client.get_metric_history(rid, "acc")
    assert [(m.value, m.step, m.timestamp) for m in acc] == [(0.9, 7, 4_000)]


def test_latest_metric_is_max_step_then_max_timestamp(client, experiment_id):
    """run.data.metrics holds the value at the highest step (ties: latest timestamp)."""
    run = client.create_run(experiment_id)
    rid = run.info.run_id
    client.log_metric(rid, "m", 1.0, timestamp=5_000, step=10)
    client.log_metric(rid, "m", 2.0, timestamp=9_000, step=3)  # later but lower step
    client.log_metric(rid, "m", 3.0, timestamp=1_000, step=4)
    assert client.get_run(rid).data.metrics["m"] == 1.0
    client.log_metric(rid, "m", 4.0, timestamp=6_000, step=10)  # same step, later ts
    assert client.get_run(rid).data.metrics["m"] == 4.0
    hist = sorted((m.step, m.timestamp, m.value) for m in client.get_metric_history(rid, "m"))
    assert hist == [(3, 9_000, 2.0), (4, 1_000, 3.0), (10, 5_000, 1.0), (10, 6_000, 4.0)]


def test_metric_extreme_values_round_trip(client, experiment_id):
    run = client.create_run(experiment_id)
    rid = run.info.run_id
    client.log_metric(rid, "nan", float("nan"), timestamp=1, step=0)
    client.log_metric(rid, "pinf", float("inf"), timestamp=1, step=0)
    client.log_metric(rid, "ninf", float("-inf"), timestamp=1, step=0)
    client.log_metric(rid, "tiny", 5e-324, timestamp=1, step=0)
    client.log_metric(rid, "big", 1.7976931348623157e308, timestamp=1, step=0)
    client.log_metric(rid, "negzero", -0.0, timestamp=1, step=0)
    client.log_metric(rid, "pi", math.pi, timestamp=1, step=0)
    metrics = client.get_run(rid).data.metrics
    assert math.isnan(metrics["nan"])
    # Real MLflow's SQL store clamps +/-inf to +/-DBL_MAX on write ("SQL can not represent
    # Infs"). SQLite can, so Aviary deliberately keeps what the user logged.
    assert metrics["pinf"] == INF
    assert metrics["ninf"] == -INF
    assert metrics["tiny"] == 5e-324
    assert metrics["big"] == 1.7976931348623157e308
    assert metrics["negzero"] == 0.0
    assert metrics["pi"] == math.pi  # exact, all 17 significant digits
    [nan_point] = client.get_metric_history(rid, "nan")
    assert math.isnan(nan_point.value)
    [pinf_point] = client.get_metric_history(rid, "pinf")
    assert pinf_point.value == INF


def test_tags(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.set_tag("team", "birds")
        mlflow.set_tags({"dotted.key": "1", "with space": "a b", "unicode ключ": "🐦"})
        mlflow.set_tag("team", "owls")  # tags may be overwritten
        mlflow.set_tag("to_delete", "x")
        mlflow.delete_tag("to_delete")
    tags = client.get_run(run.info.run_id).data.tags
    user_tags = {k: v for k, v in tags.items() if not k.startswith("mlflow.")}
    assert user_tags == {
        "team": "owls",
        "dotted.key": "1",
        "with space": "a b",
        "unicode ключ": "🐦",
    }
    assert tags["mlflow.runName"] == run.info.run_name


def test_log_batch_entities(client, experiment_id):
    run = client.create_run(experiment_id)
    rid = run.info.run_id
    client.log_batch(
        rid,
        metrics=[
            Metric("m1", 1.5, 1_111, 0),
            Metric("m1", 2.5, 2_222, 1),
            Metric("m2", -3.0, 3_333, 42),
        ],
        params=[Param("p1", "a"), Param("p2", "b")],
        tags=[RunTag("t1", "x"), RunTag("t2", "y")],
    )
    got = client.get_run(rid)
    assert got.data.metrics == {"m1": 2.5, "m2": -3.0}
    assert got.data.params == {"p1": "a", "p2": "b"}
    assert {k: v for k, v in got.data.tags.items() if not k.startswith("mlflow.")} == {
        "t1": "x",
        "t2": "y",
    }
    hist = client.get_metric_history(rid, "m1")
    assert [(m.value, m.timestamp, m.step) for m in hist] == [(1.5, 1_111, 0), (2.5, 2_222, 1)]


def test_log_batch_empty_is_ok(client, experiment_id):
    run = client.create_run(experiment_id)
    client.log_batch(run.info.run_id, metrics=[], params=[], tags=[])
    got = client.get_run(run.info.run_id)
    assert got.data.metrics == {}
    assert got.data.params == {}


def test_terminal_status_values(client, experiment_id):
    for status in ("FINISHED", "FAILED", "KILLED"):
        run = client.create_run(experiment_id)
        client.set_terminated(run.info.run_id, status=status)
        info = client.get_run(run.info.run_id).info
        assert info.status == status
        assert RunStatus.is_terminated(RunStatus.from_string(info.status))
        assert info.end_time is not None
