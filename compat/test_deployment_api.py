"""Deployments hosted by `aviary server`, managed through its REST API.

Two XGBoost models are logged and registered with the mlflow client; a deployment is PUT to
`/api/2.0/aviary/deployments/NAME` and answers on the tracking server's own port, through
MLflow's scoring protocol and the Open Inference Protocol. Bad specs (weights not summing to
100, an alias or version that does not exist, a webhook to the metadata address, a name that
differs from the URL, broken YAML) get a 400 naming the problem while the deployment keeps
serving its last good configuration; a weight change under traffic drops no request; the spec
survives a server restart; DELETE removes it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

import mlflow
import numpy as np
import pytest
import requests
import xgboost as xgb
from mlflow import MlflowClient
from mlflow.models import infer_signature

from compat_helpers import AVIARY_BIN

pytestmark = pytest.mark.skipif(not AVIARY_BIN, reason="needs AVIARY_BIN (aviary server)")

COLUMNS = ["f0", "f1", "f2", "f3"]


@pytest.fixture(scope="module")
def registered(server):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1000, 4))
    y = (x[:, 0] - x[:, 3] > 0).astype(float)
    name = f"api-{uuid.uuid4().hex[:8]}"
    mlflow.set_experiment(f"compat-deployment-api-{uuid.uuid4().hex[:8]}")
    boosters = []
    for depth, rounds in ((1, 2), (4, 20)):
        booster = xgb.train({"objective": "binary:logistic", "max_depth": depth}, xgb.DMatrix(x, label=y), num_boost_round=rounds)
        boosters.append(booster)
        with mlflow.start_run():
            mlflow.xgboost.log_model(booster, name="model", input_example=x[:3], signature=infer_signature(x[:3], booster.inplace_predict(x[:3])),
                                     registered_model_name=name, pip_requirements=[f"xgboost=={xgb.__version__}"])
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    return name, boosters, rng


def spec(name: str, champion: int = 100, challenger: int = 0, **extra) -> dict:
    body = {"name": "api", "refresh_seconds": 1, "variants": [
        {"name": "champion", "model": f"models:/{name}@champion", "weight": champion},
        {"name": "challenger", "model": f"models:/{name}@challenger", "weight": challenger},
    ]}
    body.update(extra)
    return body


def put(server, body) -> requests.Response:
    data = body if isinstance(body, str) else json.dumps(body)
    return requests.put(f"{server.url}/api/2.0/aviary/deployments/api", data=data, timeout=120)


def invoke(server, row) -> requests.Response:
    return requests.post(f"{server.url}/deployments/api/invocations", json={"instances": [list(row)]}, timeout=10)


def test_put_serves_on_the_tracking_port_in_both_protocols(server, registered):
    name, boosters, rng = registered
    r = put(server, spec(name))
    assert r.status_code == 200, r.text
    shown = r.json()["deployment"]
    assert [(v["name"], v["weight"], v["version"]) for v in shown["variants"]] == [("champion", 100, "1"), ("challenger", 0, "2")]
    assert "api" in [d["name"] for d in requests.get(f"{server.url}/api/2.0/aviary/deployments", timeout=10).json()["deployments"]]
    rows = rng.normal(size=(20, 4))
    for row in rows:
        r = invoke(server, row)
        assert r.status_code == 200 and r.headers["X-Aviary-Variant"] == "champion" and r.headers["X-Aviary-Model-Version"] == "1"
        assert r.json()["predictions"][0] == pytest.approx(float(boosters[0].inplace_predict(row[None, :])[0]), abs=1e-6)
    body = {"id": "req-7", "inputs": [{"name": c, "shape": [3], "datatype": "FP64", "data": rows[:3, k].tolist()} for k, c in enumerate(COLUMNS)]}
    r = requests.post(f"{server.url}/v2/models/api/infer", json=body, timeout=10)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["model_name"] == "api" and answer["model_version"] == "1" and answer["id"] == "req-7"
    assert r.headers["X-Aviary-Variant"] == "champion" and r.headers["X-Request-Id"]
    assert np.allclose(answer["outputs"][0]["data"], boosters[0].inplace_predict(rows[:3]), atol=1e-6)
    r = requests.post(f"{server.url}/v2/models/api/infer", json={"inputs": []}, timeout=10)
    assert r.status_code == 400 and "error" in r.json()
    # Unknown names fall through the scoring fast path to the router: each protocol's own error.
    r = requests.post(f"{server.url}/v2/models/nope/infer", json=body, timeout=10)
    assert r.status_code == 404 and "No deployment named 'nope'" in r.json()["error"], r.text
    r = requests.post(f"{server.url}/deployments/nope/invocations", json={"instances": [list(rows[0])]}, timeout=10)
    assert r.status_code == 404 and r.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST", r.text
    assert "No deployment named 'nope'" in r.json()["message"], r.text
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text
    assert 'aviary_requests_total{deployment="api",variant="champion"' in metrics and 'endpoint="/v2/models/{name}/infer"' in metrics


@pytest.mark.parametrize("mutate, needle", [
    (lambda s: s["variants"][0].update(weight=90), "weights must sum to 100, got 90"),
    (lambda s: s["variants"][1].update(model=s["variants"][1]["model"].replace("@challenger", "@ghost")), "variant 'challenger'"),
    (lambda s: s["variants"][1].update(model=s["variants"][1]["model"].split("@")[0] + "/99"), "variant 'challenger'"),
    (lambda s: s.update(alerts={"webhook": "http://169.254.169.254/latest/meta-data/"}), "alerts.webhook"),
    (lambda s: s.update(alerts={"webhook": "http://[::ffff:a9fe:a9fe]/"}), "alerts.webhook"),
    (lambda s: s.update(name="other"), "name: the spec is named 'other'"),
    (lambda s: s["variants"][0].update(shadow=True), "a shadow variant takes no traffic share"),
    # Through the API a spec may not run programs or write outside the deployments directory.
    (lambda s: s.update(alerts={"command": ["/bin/sh", "-c", "touch /tmp/pwned"]}), "alerts.command: not accepted through the API"),
    (lambda s: s.update(prediction_log={"path": "/tmp/elsewhere.db"}), "prediction_log.path: '/tmp/elsewhere.db' must be a plain relative path"),
    (lambda s: s.update(prediction_log={"path": "../../outside.db"}), "prediction_log.path"),
    (lambda s: s.update(prediction_log={"path": "log.db"}, monitor={"every_seconds": 5, "reference": "/etc/passwd"}), "monitor.reference"),
    # Issue 19: a variant could point at any file on the host (/dev/zero gave a 500).
    (lambda s: s["variants"][0].update(model="/dev/zero"), "variants[0].model: '/dev/zero' is not a model this server holds"),
    (lambda s: s["variants"][1].update(model="file:///etc/passwd"), "variants[1].model: 'file:///etc/passwd' is not a model this server holds"),
    (lambda s: s["variants"][0].update(model="runs:/../../etc"), "variants[0].model"),
    (lambda s: s.update(prediction_log={"path": "log.db"}, monitor={"every_seconds": 5, "quality_suite": "mlflow-artifacts:/../../../etc/passwd"}), "monitor.quality_suite"),
    (lambda s: s.update(alerts={"webhook": "http://127.0.0.1:9/hook", "secret_env": "HOME"}), "alerts.secret_env: through the API it must name a variable starting with AVIARY_WEBHOOK_"),
    (lambda s: s.update(refresh_seconds=float("inf")), "refresh_seconds: a number from 0 up to 2592000"),
    (lambda s: s.update(prediction_log={"path": "log.db", "flush_seconds": 1e-6}), "prediction_log.flush_seconds"),
])
def test_bad_specs_get_400_and_the_last_good_configuration_keeps_serving(server, registered, mutate, needle):
    name, _, rng = registered
    body = spec(name)
    mutate(body)
    r = put(server, body)
    assert r.status_code == 400, r.text
    assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE" and needle in r.json()["message"], r.text
    shown = requests.get(f"{server.url}/api/2.0/aviary/deployments/api", timeout=10).json()["deployment"]
    assert [(v["weight"], v["version"]) for v in shown["variants"]] == [(100, "1"), (0, "2")]
    r = invoke(server, rng.normal(size=4))
    assert r.status_code == 200 and r.headers["X-Aviary-Variant"] == "champion"


def test_broken_yaml_gets_400(server, registered):
    r = put(server, "name: api\nvariants: [unclosed")
    assert r.status_code == 400 and "not valid YAML" in r.json()["message"]


def test_alias_bomb_is_refused_at_once(server, registered):
    """Issue 19: a "billion laughs" spec (10^9 nodes once expanded) hung the request."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 10)]
    started = time.monotonic()
    r = put(server, "\n".join(lines) + "\nname: api\n")
    assert r.status_code == 400 and "anchors (&a0) and aliases are not accepted" in r.json()["message"], r.text
    assert time.monotonic() - started < 10
    assert requests.get(f"{server.url}/health", timeout=10).status_code == 200


def test_reference_and_suite_from_the_artifact_store(server, registered):
    """Through the API, reference data and quality suites come from the artifact store
    (runs:/RUN_ID/PATH), never from a host path."""
    import pandas as pd

    name, _, rng = registered
    with mlflow.start_run() as run:
        mlflow.log_text(pd.DataFrame(rng.normal(size=(200, 4)), columns=COLUMNS).to_csv(index=False), "monitor/reference.csv")
        mlflow.log_text("rules:\n  - {rule: range, column: f0, min: -100, max: 100}\n", "monitor/suite.yaml")
    body = spec(name, prediction_log={"path": "artifact-monitored.db", "flush_seconds": 0.2},
                # every_seconds too: a pass triggered by the count can run before the log's flush.
                monitor={"every_predictions": 20, "every_seconds": 0.5, "window": 20, "reference": f"runs:/{run.info.run_id}/monitor/reference.csv",
                         "quality_suite": f"runs:/{run.info.run_id}/monitor/suite.yaml"})
    body["name"] = "artifacts"
    r = requests.put(f"{server.url}/api/2.0/aviary/deployments/artifacts", data=json.dumps(body), timeout=120)
    assert r.status_code == 200, r.text
    session = requests.Session()
    for row in rng.normal(size=(40, 4)):
        assert session.post(f"{server.url}/deployments/artifacts/invocations", json={"instances": [row.tolist()]}, timeout=10).status_code == 200
    deadline = time.monotonic() + 20
    checked = []
    while time.monotonic() < deadline and not checked:
        passes = requests.get(f"{server.url}/deployments/artifacts/monitors", timeout=10).json()["passes"]
        checked = [p for p in passes if "drift_share" in p]
        time.sleep(0.2)
    assert checked and checked[-1]["quality_failures"] == [] and set(checked[-1]["drift_scores"]) == set(COLUMNS), passes
    missing = dict(body, monitor=dict(body["monitor"], reference=f"runs:/{run.info.run_id}/monitor/absent.csv"))
    r = requests.put(f"{server.url}/api/2.0/aviary/deployments/artifacts", data=json.dumps(missing), timeout=120)
    assert r.status_code == 400 and "monitor.reference: cannot fetch" in r.json()["message"], r.text
    assert requests.delete(f"{server.url}/api/2.0/aviary/deployments/artifacts", timeout=10).status_code == 200


def test_weight_change_under_traffic_drops_nothing(server, registered):
    name, _, rng = registered
    rows = rng.normal(size=(4000, 4))
    statuses: list[int] = []
    variants: list[str] = []

    def traffic():
        session = requests.Session()
        for row in rows:
            r = session.post(f"{server.url}/deployments/api/invocations", json={"instances": [row.tolist()]}, timeout=10)
            statuses.append(r.status_code)
            variants.append(r.headers.get("X-Aviary-Variant", ""))

    sender = threading.Thread(target=traffic)
    sender.start()
    r = put(server, spec(name, champion=0, challenger=100))
    sender.join()
    assert r.status_code == 200, r.text
    assert statuses == [200] * len(rows)
    assert variants[-1] == "challenger" and variants[0] == "champion"
    flips = sum(1 for a, b in zip(variants, variants[1:]) if a != b)
    assert flips == 1, "every request before the swap went to the champion, every one after to the challenger"


def test_web_ui_shows_live_quality_and_monitor_charts(server, registered):
    import html5lib
    import pandas as pd

    name, boosters, rng = registered
    # Through the API, files a spec names live in the server's deployments directory.
    reference = server.data_dir / "aviary-data" / "deployments" / "watched-reference.csv"
    reference.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rng.normal(size=(500, 4)), columns=COLUMNS).to_csv(reference, index=False)
    body = spec(name, champion=50, challenger=50, prediction_log={"path": "watched.db", "flush_seconds": 0.2},
                monitor={"every_predictions": 50, "every_seconds": 0.5, "window": 50, "reference": reference.name})
    body["name"] = "watched"
    r = requests.put(f"{server.url}/api/2.0/aviary/deployments/watched", data=json.dumps(body), timeout=120)
    assert r.status_code == 200, r.text
    session = requests.Session()
    feedback = []
    for row in rng.normal(size=(300, 4)):
        r = session.post(f"{server.url}/deployments/watched/invocations", json={"instances": [row.tolist()]}, timeout=10)
        feedback.append({"request_id": r.headers["X-Request-Id"], "truth": float(row[0] - row[3] > 0)})
    assert requests.post(f"{server.url}/deployments/watched/feedback", json={"feedback": feedback}, timeout=30).status_code == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(requests.get(f"{server.url}/deployments/watched/monitors", timeout=10).json()["passes"]) < 3:
        time.sleep(0.2)
    time.sleep(1.5)  # a timed pass picks up the feedback
    listing = requests.get(f"{server.url}/deployments", timeout=10)
    assert listing.status_code == 200 and 'href="/deployments/watched"' in listing.text
    page = requests.get(f"{server.url}/deployments/watched", timeout=10)
    assert page.status_code == 200, page.text
    html5lib.HTMLParser(strict=True).parse(page.text)
    quality = requests.get(f"{server.url}/deployments/watched/quality", timeout=10).json()
    for variant in quality["variants"]:
        assert f"<td>{variant['variant']}</td><td>{variant['version']}</td><td>{variant['rows']}</td><td>{variant['metrics']['accuracy']:.4f}</td>" in page.text
    assert 'data-metric="drift share"' in page.text and page.text.count("<svg") >= 2
    assert requests.get(f"{server.url}/deployments/nope", timeout=10).status_code == 404
    assert requests.delete(f"{server.url}/api/2.0/aviary/deployments/watched", timeout=10).status_code == 200


def test_spec_survives_restart_and_delete_removes_it(server, registered):
    _, boosters, rng = registered
    server.restart()
    r = None
    for _ in range(100):
        r = invoke(server, rng.normal(size=4))
        if r.status_code == 200:
            break
        time.sleep(0.2)
    assert r.status_code == 200 and r.headers["X-Aviary-Variant"] == "challenger" and r.headers["X-Aviary-Model-Version"] == "2"
    r = requests.delete(f"{server.url}/api/2.0/aviary/deployments/api", timeout=10)
    assert r.status_code == 200
    assert invoke(server, rng.normal(size=4)).status_code == 404
    assert requests.get(f"{server.url}/api/2.0/aviary/deployments/api", timeout=10).status_code == 404
