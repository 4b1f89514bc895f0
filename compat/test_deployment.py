"""`aviary serve --deployment`: champion/challenger split, sticky keys, shadow, alias moves.

Three XGBoost models are trained and logged with the mlflow client and registered as versions
1-3 of one model; `champion` points at 1, `challenger` at 2, and a shadow variant runs 3. The
deployment answers 5,000 requests, and the test checks the 80/20 split (within 3 points),
that a key never changes variant, that every answer is the assigned model's own prediction
(never the shadow's), that the shadow scored every request (its Prometheus counter), and that
moving or deleting an alias takes effect, or keeps the last good model, without a restart.
The prediction log must hold every answered request and every shadow output, and what was
acknowledged more than one flush interval before a `kill -9` must survive it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import signal
import subprocess
import time
import uuid
from pathlib import Path

import mlflow
import numpy as np
import pytest
import requests
import xgboost as xgb
from mlflow import MlflowClient
from mlflow.models import infer_signature

from compat_helpers import AVIARY_BIN, free_port

pytestmark = pytest.mark.skipif(not AVIARY_BIN, reason="needs AVIARY_BIN (aviary serve)")

COLUMNS = ["f0", "f1", "f2", "f3"]
REQUESTS, KEYS = 5000, 500


def train(x: np.ndarray, depth: int, rounds: int) -> xgb.Booster:
    y = ((x[:, 0] + 0.5 * x[:, 1] * x[:, 2]) > 0).astype(float)
    return xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.3}, xgb.DMatrix(x, label=y), num_boost_round=rounds)


class Deployment:
    def __init__(self, spec: Path, tracking_uri: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
        with open(log, "wb") as out:
            self.proc = subprocess.Popen([AVIARY_BIN, "serve", "--deployment", str(spec), "--port", str(self.port)],
                                         stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, log.read_text(errors="replace")
            try:
                if requests.get(f"{self.url}/ping", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        pytest.fail("aviary serve --deployment not ready:\n" + log.read_text(errors="replace"))

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=15)

    def metric(self, variant: str, code: str = "200") -> float:
        text = requests.get(f"{self.url}/metrics", timeout=5).text
        pattern = rf'^aviary_requests_total\{{deployment="churn",variant="{variant}",.*?code="{code}"\}} (\S+)$'
        return sum(float(m.group(1)) for m in re.finditer(pattern, text, re.MULTILINE))


@pytest.fixture(scope="module")
def setup(server, tmp_path_factory):
    work = tmp_path_factory.mktemp("deployment")
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2000, 4))
    boosters = [train(x, 2, 5), train(x, 4, 20), train(x, 6, 40)]
    name = f"churn-{uuid.uuid4().hex[:8]}"
    mlflow.set_experiment(f"compat-deployment-{uuid.uuid4().hex[:8]}")
    for booster in boosters:
        example = x[:5]
        with mlflow.start_run():
            mlflow.xgboost.log_model(booster, name="model", input_example=example, signature=infer_signature(example, booster.inplace_predict(example)),
                                     registered_model_name=name, pip_requirements=[f"xgboost=={xgb.__version__}"])
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    spec = work / "churn.yaml"
    spec.write_text(f"""name: churn
refresh_seconds: 1
prediction_log: {{path: predictions.db, flush_seconds: 0.5}}
variants:
  - {{name: champion, model: "models:/{name}@champion", weight: 80}}
  - {{name: challenger, model: "models:/{name}@challenger", weight: 20}}
  - {{name: shadow, model: "models:/{name}/3", shadow: true}}
""")
    deployment = Deployment(spec, server.url, work / "serve.log")
    try:
        yield deployment, client, name, boosters, rng.normal(size=(REQUESTS, 4))
    finally:
        deployment.stop()


def score(session: requests.Session, url: str, row: np.ndarray, key: str | None) -> requests.Response:
    headers = {"X-Aviary-Key": key} if key else {}
    return session.post(f"{url}/deployments/churn/invocations", json={"instances": [row.tolist()]}, headers=headers, timeout=10)


def test_split_stickiness_and_shadow(setup):
    deployment, _, _, boosters, rows = setup
    expected = [b.inplace_predict(rows) for b in boosters]  # versions 1, 2, 3
    session = requests.Session()
    counts = {"champion": 0, "challenger": 0}
    seen: dict[str, str] = {}
    answered: dict[str, tuple[str, str, float, list[float]]] = {}
    for k, row in enumerate(rows):
        key = f"customer-{k % KEYS}" if k % 2 == 0 else None
        r = score(session, deployment.url, row, key)
        assert r.status_code == 200, r.text
        variant, version = r.headers["X-Aviary-Variant"], r.headers["X-Aviary-Model-Version"]
        assert (variant, version) in {("champion", "1"), ("challenger", "2")}
        counts[variant] += 1
        if key:
            assert seen.setdefault(key, variant) == variant, f"{key} moved from {seen[key]} to {variant}"
        got = r.json()["predictions"][0]
        answered[r.headers["X-Request-Id"]] = (variant, version, got, row.tolist())
        assert got == pytest.approx(float(expected[int(version) - 1][k]), abs=1e-6)
        if abs(expected[2][k] - expected[int(version) - 1][k]) > 1e-3:
            assert got != pytest.approx(float(expected[2][k]), abs=1e-6), "a shadow answer was returned"
    assert abs(counts["champion"] / REQUESTS - 0.8) <= 0.03, counts
    assert abs(counts["challenger"] / REQUESTS - 0.2) <= 0.03, counts
    # The shadow scores off the response path: give it a moment to catch up, then count.
    deadline = time.monotonic() + 20
    while deployment.metric("shadow") < REQUESTS and time.monotonic() < deadline:
        time.sleep(0.2)
    assert deployment.metric("shadow") == REQUESTS, requests.get(f"{deployment.url}/metrics", timeout=5).text[-3000:]
    assert deployment.metric("champion") == counts["champion"] and deployment.metric("challenger") == counts["challenger"]

    # The prediction log: each answer as returned, and each shadow output, under the request id.
    exported = requests.get(f"{deployment.url}/deployments/churn/predictions", timeout=30)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rows_by_kind: dict[bool, dict[str, dict]] = {True: {}, False: {}}
    for record in csv.DictReader(io.StringIO(exported.text)):
        rows_by_kind[record["shadow"] == "true"][record["request_id"]] = record
    assert set(rows_by_kind[False]) == set(answered), "every answered request is logged, once"
    assert set(rows_by_kind[True]) == set(answered), "every request's shadow output is logged"
    for request_id, (variant, version, got, features) in answered.items():
        logged = rows_by_kind[False][request_id]
        assert (logged["variant"], logged["model_version"]) == (variant, version)
        assert json.loads(logged["outputs"]) == [got]
        assert json.loads(logged["inputs"])["data"] == [features]
        shadow = rows_by_kind[True][request_id]
        assert (shadow["variant"], shadow["model_version"]) == ("shadow", "3")
        k = list(answered).index(request_id)
        assert json.loads(shadow["outputs"])[0] == pytest.approx(float(expected[2][k]), abs=1e-6)


def challenger_versions(deployment, rows, session) -> set[str]:
    versions = set()
    for k, row in enumerate(rows[:400]):
        r = score(session, deployment.url, row, f"probe-{k}")
        assert r.status_code == 200, r.text
        if r.headers["X-Aviary-Variant"] == "challenger":
            versions.add(r.headers["X-Aviary-Model-Version"])
    return versions


def test_alias_moves_take_effect_without_restart(setup):
    deployment, client, name, boosters, rows = setup
    session = requests.Session()
    pid = deployment.proc.pid
    client.set_registered_model_alias(name, "challenger", "3")
    deadline = time.monotonic() + 20
    while challenger_versions(deployment, rows, session) != {"3"} and time.monotonic() < deadline:
        time.sleep(0.3)
    assert challenger_versions(deployment, rows, session) == {"3"}
    assert "version 3 (loaded once, shared with shadow)" in deployment.log.read_text(errors="replace"), "the shadow serves version 3 already"
    r = next(r for k in range(400) if (r := score(session, deployment.url, rows[k], f"probe-{k}")).headers["X-Aviary-Variant"] == "challenger")
    assert r.json()["predictions"][0] == pytest.approx(float(boosters[2].inplace_predict(rows[:400])[int(r.request.headers["X-Aviary-Key"].split("-")[1])]), abs=1e-6)
    # An alias that no longer resolves keeps the last good model serving, and says why.
    client.delete_registered_model_alias(name, "challenger")
    time.sleep(2.5)
    assert challenger_versions(deployment, rows, session) == {"3"}
    assert deployment.proc.pid == pid and deployment.proc.poll() is None
    assert "keeps version 3" in deployment.log.read_text(errors="replace")


@pytest.mark.parametrize("spec, message", [
    ("name: churn\nvariants:\n  - {name: a, model: m, weight: 90}\n", "weights must sum to 100, got 90"),
    ("name: churn\nvariants:\n  - {name: a, model: m, weight: 100, shadow: maybe}\n", "variants[0].shadow"),
    ("variants: 3\n", "name: required"),
])
def test_bad_specs_exit_with_the_field_named(tmp_path, spec, message):
    file = tmp_path / "bad.yaml"
    file.write_text(spec)
    result = subprocess.run([AVIARY_BIN, "serve", "--deployment", str(file), "--port", str(free_port())],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_prediction_log_survives_kill_9(setup, tmp_path):
    """Requests acknowledged more than one flush interval (0.5 s) before a SIGKILL are in the log."""
    _, _, name, _, rows = setup
    spec = tmp_path / "durable.yaml"
    spec.write_text(f"""name: churn
refresh_seconds: 0
prediction_log: {{path: log.db, flush_seconds: 0.5}}
variants:
  - {{name: champion, model: "models:/{name}/1", weight: 100}}
""")
    deployment = Deployment(spec, os.environ["MLFLOW_TRACKING_URI"], tmp_path / "serve.log")
    acknowledged: list[tuple[str, float]] = []
    stop = threading.Event()

    def traffic():
        session = requests.Session()
        k = 0
        while not stop.is_set():
            try:
                r = score(session, deployment.url, rows[k % len(rows)], None)
            except requests.RequestException:
                return
            if r.status_code == 200:
                acknowledged.append((r.headers["X-Request-Id"], time.monotonic()))
            k += 1

    sender = threading.Thread(target=traffic)
    sender.start()
    time.sleep(3)
    os.killpg(deployment.proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    deployment.proc.wait(timeout=10)
    stop.set()
    sender.join(timeout=10)
    # Read back as a user would: a new server on the same log, its CSV export.
    restarted = Deployment(spec, os.environ["MLFLOW_TRACKING_URI"], tmp_path / "restarted.log")
    try:
        exported = requests.get(f"{restarted.url}/deployments/churn/predictions", timeout=30)
    finally:
        restarted.stop()
    assert exported.status_code == 200, exported.text
    logged = {row["request_id"] for row in csv.DictReader(io.StringIO(exported.text))}
    durable = [request_id for request_id, at in acknowledged if at < killed - 0.5 - 0.25]
    assert len(durable) > 100, f"only {len(durable)} requests before the kill"
    missing = [request_id for request_id in durable if request_id not in logged]
    assert not missing, f"{len(missing)} of {len(durable)} acknowledged requests lost, e.g. {missing[:3]}"
