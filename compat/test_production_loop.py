"""The production loop end to end: feedback, live quality, drift monitor, signed alerts, the gate.

Three XGBoost classifiers are trained and logged with the mlflow client, each run logging its
training CSV with `mlflow.log_input(..., context="training")`: a weak champion (v1), a strong
challenger (v2) and a poor third (v3, the shadow). A deployment splits traffic 80/20 with v3 as
shadow and monitors every 500 answered requests against the champion's training data.

The test sends 5,000 requests, posts their ground truth, and checks that live quality per
variant equals scikit-learn's on the logged data, that the drift monitor stays quiet on
in-distribution traffic and fires once traffic shifts, that the webhook receiver gets exactly
one HMAC-signed alert for the incident, that the gate promotes the better challenger and
refuses a worse one, recording tags on both versions, and that a real Prometheus counts the
requests per variant and evaluates the shipped alert rules and dashboard queries.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests
import xgboost as xgb
import yaml
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn import metrics as skm

from compat_helpers import AVIARY_BIN, free_port, start_process, stop_process, wait_ready

pytestmark = pytest.mark.skipif(not AVIARY_BIN, reason="needs AVIARY_BIN (aviary serve)")

COLUMNS = ["f0", "f1", "f2", "f3"]
SECRET = "s3cret-for-tests"
REPO = Path(__file__).resolve().parent.parent


def label(x: np.ndarray) -> np.ndarray:
    return ((x[:, 0] + 0.5 * x[:, 1] * x[:, 2]) > 0).astype(int)


class Receiver:
    """A webhook receiver on loopback that keeps every POST."""

    def __init__(self):
        self.posts: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()





@pytest.fixture(scope="module")
def loop(server, tmp_path_factory):
    work = tmp_path_factory.mktemp("loop")
    rng = np.random.default_rng(23)
    x = rng.normal(size=(3000, 4))
    y = label(x)
    noisy = np.where(rng.random(len(y)) < 0.45, 1 - y, y)  # v3 learns from mostly scrambled labels
    trained = [(x, y, 1, 1), (x, y, 5, 40), (x, noisy, 1, 2)]
    name = f"loop-{uuid.uuid4().hex[:8]}"
    mlflow.set_experiment(f"compat-loop-{uuid.uuid4().hex[:8]}")
    boosters = []
    for k, (features, target, depth, rounds) in enumerate(trained):
        booster = xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.3},
                            xgb.DMatrix(features, label=target, feature_names=COLUMNS), num_boost_round=rounds)
        boosters.append(booster)
        csv = work / f"train-v{k + 1}.csv"
        frame = pd.DataFrame(features, columns=COLUMNS).assign(target=target)
        frame.to_csv(csv, index=False)
        with mlflow.start_run():
            mlflow.log_input(mlflow.data.from_pandas(frame, source=str(csv), targets="target"), context="training")
            example = pd.DataFrame(features[:5], columns=COLUMNS)
            mlflow.xgboost.log_model(booster, name="model", input_example=example, signature=infer_signature(example, booster.inplace_predict(features[:5])),
                                     registered_model_name=name, pip_requirements=[f"xgboost=={xgb.__version__}"])
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    receiver = Receiver()
    spec = {
        "name": "loop", "task": "classification", "refresh_seconds": 1,
        "prediction_log": {"path": "predictions.db", "flush_seconds": 0.2},
        "variants": [
            {"name": "champion", "model": f"models:/{name}@champion", "weight": 80},
            {"name": "challenger", "model": f"models:/{name}@challenger", "weight": 20},
            {"name": "shadow", "model": f"models:/{name}/3", "shadow": True},
        ],
        "monitor": {"every_predictions": 500, "window": 500, "reference": "training", "drift_share": 0.75, "live_window": 100000},
        "alerts": {"webhook": receiver.url, "secret_env": "HOOK_SECRET", "cooldown_seconds": 3600},
        "gate": {"metric": "accuracy", "alpha": 0.05, "min_samples": 200},
    }
    (work / "loop.yaml").write_text(yaml.safe_dump(spec))
    port = free_port()
    proc = start_process([AVIARY_BIN, "serve", "--deployment", str(work / "loop.yaml"), "--port", str(port)], work / "serve.log",
                 {"MLFLOW_TRACKING_URI": server.url, "HOOK_SECRET": SECRET})
    url = f"http://127.0.0.1:{port}"
    prometheus = shutil.which("prometheus")
    assert prometheus, "Debian's prometheus is needed (make test installs it)"
    prom_port = free_port()
    shutil.copy(REPO / "deploy/prometheus/aviary-rules.yml", work / "aviary-rules.yml")
    config = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["scrape_configs"][0]["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
    (work / "prometheus.yml").write_text(yaml.safe_dump(config))
    prom = start_process([prometheus, f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'tsdb'}",
                  f"--web.listen-address=127.0.0.1:{prom_port}"], work / "prometheus.log")
    try:
        wait_ready(f"{url}/ping", proc, work / "serve.log")
        wait_ready(f"http://127.0.0.1:{prom_port}/-/ready", prom, work / "prometheus.log")
        yield {"url": url, "prom": f"http://127.0.0.1:{prom_port}", "client": client, "name": name, "boosters": boosters,
               "rng": rng, "receiver": receiver, "work": work, "server": server, "log": work / "serve.log"}
    finally:
        stop_process(prom)
        stop_process(proc)


def send(loop, rows: np.ndarray, keys: list[str] | None = None) -> list[dict]:
    session = requests.Session()
    answers = []
    for k, row in enumerate(rows):
        headers = {"X-Aviary-Key": keys[k]} if keys else {}
        r = session.post(f"{loop['url']}/deployments/loop/invocations", json={"dataframe_split": {"columns": COLUMNS, "data": [row.tolist()]}},
                         headers=headers, timeout=10)
        assert r.status_code == 200, r.text
        answers.append({"id": r.headers["X-Request-Id"], "variant": r.headers["X-Aviary-Variant"], "version": r.headers["X-Aviary-Model-Version"],
                        "prediction": r.json()["predictions"][0], "truth": int(label(row[None, :])[0]), "key": headers.get("X-Aviary-Key")})
    return answers


def post_feedback(loop, answers: list[dict]) -> None:
    for start_at in range(0, len(answers), 1000):
        part = answers[start_at:start_at + 1000]
        r = requests.post(f"{loop['url']}/deployments/loop/feedback", json={"feedback": [{"request_id": a["id"], "truth": a["truth"]} for a in part]}, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json() == {"recorded": len(part)}


def exported(loop) -> list[dict]:
    """The prediction log through its CSV export."""
    text = requests.get(f"{loop['url']}/deployments/loop/predictions", timeout=60).text
    return list(csv.DictReader(io.StringIO(text)))


def passes(loop) -> list[dict]:
    return requests.get(f"{loop['url']}/deployments/loop/monitors", timeout=10).json()["passes"]


def wait_passes(loop, count: int, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = passes(loop)
        if len(seen) >= count:
            return seen
        time.sleep(0.2)
    pytest.fail(f"fewer than {count} monitor passes after {timeout}s: {len(passes(loop))}")


def promote(loop, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([AVIARY_BIN, "models", "promote", loop["name"], "--from", "challenger", "--to", "champion",
                           "--deployment", f"{loop['url']}/deployments/loop", *extra],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "MLFLOW_TRACKING_URI": loop["server"].url})


def prom_query(loop, promql: str) -> list[dict]:
    r = requests.get(f"{loop['prom']}/api/v1/query", params={"query": promql}, timeout=10)
    assert r.status_code == 200, (promql, r.text)
    return r.json()["data"]["result"]


def test_split_feedback_and_live_quality_equal_sklearn(loop):
    rng = loop["rng"]
    rows = rng.normal(size=(5000, 4))
    keys = [f"user-{k % 2500}" for k in range(5000)]
    answers = send(loop, rows, keys)
    loop["answers"] = answers
    share = sum(a["variant"] == "challenger" for a in answers) / len(answers)
    assert abs(share - 0.20) <= 0.03, share
    by_key: dict[str, set] = {}
    for a in answers:
        by_key.setdefault(a["key"], set()).add(a["variant"])
    assert all(len(v) == 1 for v in by_key.values()), "a sticky key changed variant"
    shadow = loop["boosters"][2].inplace_predict(rows)
    for a, s, row in zip(answers, shadow, rows):
        own = loop["boosters"][0 if a["variant"] == "champion" else 1].inplace_predict(row[None, :])[0]
        assert abs(a["prediction"] - own) < 1e-6 and abs(own - s) > 1e-6, "an answer is not its variant's own prediction"

    post_feedback(loop, answers)
    quality = requests.get(f"{loop['url']}/deployments/loop/quality", timeout=30).json()
    assert quality["task"] == "classification"
    # scikit-learn on the logged data: the prediction log joined with the truth we sent.
    truth = {a["id"]: a["truth"] for a in answers}
    logged = [(r["request_id"], r["variant"], r["outputs"]) for r in exported(loop)]
    reported = {v["variant"]: v for v in quality["variants"]}
    assert set(reported) == {"champion", "challenger", "shadow"}
    for variant in ("champion", "challenger", "shadow"):
        mine = [(json.loads(out)[0], truth[rid]) for rid, var, out in logged if var == variant and rid in truth]
        # XGBoost predicts in float32; the export writes each value's shortest float32 decimal.
        p = np.array([m[0] for m in mine], dtype=np.float32).astype(np.float64)
        y = np.array([m[1] for m in mine])
        pred = (p > 0.5).astype(int)
        expected = {"accuracy": skm.accuracy_score(y, pred), "precision": skm.precision_score(y, pred, zero_division=0),
                    "recall": skm.recall_score(y, pred, zero_division=0), "f1": skm.f1_score(y, pred, zero_division=0),
                    "roc_auc": skm.roc_auc_score(y, p), "log_loss": skm.log_loss(y, p)}
        got = reported[variant]
        assert got["rows"] == len(mine) == (5000 if variant == "shadow" else sum(a["variant"] == variant for a in answers))
        for metric, value in expected.items():
            assert got["metrics"][metric] == pytest.approx(value, rel=1e-9, abs=1e-12), (variant, metric, got["metrics"][metric], value)
    assert reported["challenger"]["metrics"]["accuracy"] > reported["champion"]["metrics"]["accuracy"]


def test_bad_feedback_is_refused_whole(loop):
    before = requests.get(f"{loop['url']}/deployments/loop/quality", timeout=30).json()
    known = loop["answers"][0]["id"]
    for body, needle in [
        ({"feedback": [{"request_id": known, "truth": 1}, {"request_id": "no-such-request", "truth": 0}]}, "no-such-request"),
        ({"feedback": [{"request_id": known, "truth": "yes"}]}, "feedback[0].truth"),
        ({"feedback": [{"request_id": known, "truth": [1, 0]}]}, "feedback[0].truth"),
        ({"feedback": []}, "feedback"),
        ({"labels": [1]}, "feedback"),
    ]:
        r = requests.post(f"{loop['url']}/deployments/loop/feedback", json=body, timeout=10)
        assert r.status_code == 400, (body, r.status_code, r.text)
        assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE" and needle in r.json()["message"], r.text
    assert requests.get(f"{loop['url']}/deployments/loop/quality", timeout=30).json() == before


def test_drift_monitor_fires_once_after_the_shift_and_not_before(loop):
    quiet = wait_passes(loop, 5)
    assert all(p["window_rows"] == 500 and p["drift_detected"] is False for p in quiet), [p["drift_share"] for p in quiet]
    assert loop["receiver"].posts == [], "an alert before traffic shifted"
    rows = loop["rng"].normal(size=(1500, 4)) + np.array([2.5, 2.5, 2.5, 0.0])
    send(loop, rows)
    deadline = time.monotonic() + 30
    while not loop["receiver"].posts and time.monotonic() < deadline:
        time.sleep(0.2)
    # Two more windows of shifted traffic: the incident goes on, and nobody is paged again.
    send(loop, loop["rng"].normal(size=(1000, 4)) + np.array([2.5, 2.5, 2.5, 0.0]))
    seen = wait_passes(loop, len(quiet) + 4)
    assert any(p["drift_detected"] for p in seen[len(quiet):])
    time.sleep(1)
    posts = loop["receiver"].posts
    assert len(posts) == 1, [json.loads(b)["key"] for _, b in posts]
    headers, body = posts[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Aviary-Signature"], expected)
    alert = json.loads(body)
    assert alert["deployment"] == "loop" and alert["key"] == "drift" and alert["pass"]["drift_detected"] is True
    assert alert["pass"]["drift_share"] >= 0.75 and set(alert["pass"]["drift_scores"]) == set(COLUMNS)
    # Back to normal traffic: the incident closes without another alert.
    send(loop, loop["rng"].normal(size=(1000, 4)))
    assert not wait_passes(loop, len(seen) + 2)[-1]["drift_detected"]
    assert len(loop["receiver"].posts) == 1


def test_gate_promotes_a_better_challenger_and_refuses_a_worse_one(loop):
    client, name = loop["client"], loop["name"]
    result = promote(loop)
    assert result.returncode == 0, result.stderr
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    for version, role in (("2", "challenger"), ("1", "champion")):
        tags = client.get_model_version(name, version).tags
        assert tags["aviary.gate.decision"] == "promoted" and tags["aviary.gate.role"] == role, tags
        assert float(tags["aviary.gate.p_value"]) < 0.05

    # v3 (trained on scrambled labels) becomes the challenger; the deployment follows the alias.
    client.set_registered_model_alias(name, "challenger", "3")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answers = send(loop, loop["rng"].normal(size=(20, 4)))
        if {a["version"] for a in answers if a["variant"] == "challenger"} == {"3"} and {a["version"] for a in answers if a["variant"] == "champion"} == {"2"}:
            break
    answers = send(loop, loop["rng"].normal(size=(2500, 4)))
    post_feedback(loop, answers)
    result = promote(loop)
    assert result.returncode != 0 and "Refused" in result.stderr, result.stderr
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    for version, role in (("3", "challenger"), ("2", "champion")):
        tags = client.get_model_version(name, version).tags
        assert tags["aviary.gate.decision"] == "refused" and tags["aviary.gate.role"] == role, tags
        assert "not better" in tags["aviary.gate.reason"]
    decision = requests.get(f"{loop['url']}/deployments/loop/gate", timeout=30).json()
    assert decision["promote"] is False and decision["challenger"]["version"] == "3" and decision["champion"]["version"] == "2"
    # The shared window is exactly the labelled batch both versions served; its accuracies and
    # scipy's one-sided pooled two-proportion z-test on them give the gate's figures.
    from scipy.stats import norm
    stamps = {r["request_id"]: int(r["timestamp"]) for r in exported(loop) if r["shadow"] == "false"}
    start_at = max(min(stamps[x["id"]] for x in answers if x["variant"] == variant) for variant in ("champion", "challenger"))
    a = [x for x in answers if x["variant"] == "champion" and stamps[x["id"]] >= start_at]
    b = [x for x in answers if x["variant"] == "challenger" and stamps[x["id"]] >= start_at]
    assert (decision["champion"]["rows"], decision["challenger"]["rows"]) == (len(a), len(b))
    p1 = skm.accuracy_score([x["truth"] for x in b], [int(x["prediction"] > 0.5) for x in b])
    p2 = skm.accuracy_score([x["truth"] for x in a], [int(x["prediction"] > 0.5) for x in a])
    assert (decision["challenger"]["value"], decision["champion"]["value"]) == pytest.approx((p1, p2), rel=1e-12)
    n1, n2 = len(b), len(a)
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert decision["statistic"] == pytest.approx(z, rel=1e-9)
    assert decision["p_value"] == pytest.approx(norm.sf(z), rel=1e-6, abs=1e-12)

    # F1 and ROC AUC are not means over rows: the gate tests them by permutation. On the same
    # rows, its metrics equal scikit-learn's and its p-value is within Monte Carlo error of
    # scipy's permutation_test (both 1,999 deals; one-sided, challenger minus champion).
    from scipy.stats import permutation_test
    y = np.array([x["truth"] for x in b + a])
    p = np.array([x["prediction"] for x in b + a])
    scores = {"f1": lambda i: skm.f1_score(y[i], p[i] > 0.5, zero_division=0), "roc_auc": lambda i: skm.roc_auc_score(y[i], p[i])}
    challenger_rows, champion_rows = np.arange(len(b)), np.arange(len(b), len(b) + len(a))
    for metric, score in scores.items():
        r = requests.get(f"{loop['url']}/deployments/loop/gate", params={"metric": metric}, timeout=60)
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["test"] == "permutation" and got["promote"] is False and got["metric"] == metric, got
        assert (got["challenger"]["value"], got["champion"]["value"]) == pytest.approx((score(challenger_rows), score(champion_rows)), rel=1e-12)
        assert got["statistic"] == pytest.approx(score(challenger_rows) - score(champion_rows), rel=1e-9, abs=1e-12)
        reference = permutation_test((challenger_rows, champion_rows), lambda i, j: score(i) - score(j), permutation_type="independent",
                                     alternative="greater", n_resamples=1999, vectorized=False, random_state=0).pvalue
        mean = (got["p_value"] + reference) / 2
        assert abs(got["p_value"] - reference) <= 4 * np.sqrt(2 * mean * (1 - mean) / 1999) + 2 / 2000, (metric, got["p_value"], reference)
    r = requests.get(f"{loop['url']}/deployments/loop/gate", params={"metric": "mae"}, timeout=10)
    assert r.status_code == 400 and "metric: 'mae' is not a live metric for task classification" in r.json()["message"], r.text


def test_prometheus_counts_requests_per_variant_and_evaluates_rules_and_dashboard(loop):
    metrics = requests.get(f"{loop['url']}/metrics", timeout=10).text
    expected = {}
    for line in metrics.splitlines():
        if line.startswith('aviary_requests_total{deployment="loop"') and 'code="200"' in line:
            variant = line.split('variant="')[1].split('"')[0]
            expected[variant] = expected.get(variant, 0) + float(line.rsplit(" ", 1)[1])
    assert set(expected) == {"champion", "challenger", "shadow"}
    deadline = time.monotonic() + 30
    got = {}
    while time.monotonic() < deadline:
        got = {r["metric"]["variant"]: float(r["value"][1]) for r in
               prom_query(loop, 'sum by (variant) (aviary_requests_total{deployment="loop",code="200"})')}
        if got == expected:
            break
        time.sleep(0.5)
    assert got == expected
    rules = requests.get(f"{loop['prom']}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = {rule["name"]: rule for group in rules for rule in group["rules"]}
    assert {"AviaryDataDrift", "AviaryHighErrorRate", "AviaryHighLatency", "AviaryDataQualityFailures"} <= set(loaded)
    assert all(rule["health"] in ("ok", "unknown") for rule in loaded.values()), {k: v.get("lastError") for k, v in loaded.items()}
    dashboard = json.loads((REPO / "deploy/grafana/aviary-deployment.json").read_text())
    nonempty = 0
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            expr = target["expr"].replace("$deployment", "loop").replace("$__rate_interval", "1m")
            nonempty += bool(prom_query(loop, expr))
    assert nonempty >= len(dashboard["panels"]) - 2, "most dashboard queries should return data for a live deployment"


def test_quality_suite_live_threshold_and_alert_command(loop, tmp_path):
    """A second deployment of the same models from a spec file: its quality suite fails when
    f0 leaves [-5, 5], its champion's live accuracy is held to an unreachable 0.99, and its
    alerts run a command (allowed in spec files) that gets each alert's JSON on stdin."""
    received = tmp_path / "alerts"
    received.mkdir()
    script = tmp_path / "on_alert.py"
    script.write_text(f"import sys, uuid\nopen({str(received)!r} + '/' + uuid.uuid4().hex, 'w').write(sys.stdin.read())\n")
    script.chmod(0o755)
    (tmp_path / "suite.yaml").write_text("rules:\n  - {rule: range, column: f0, min: -5, max: 5}\n")
    spec = {
        "name": "watched", "task": "classification", "refresh_seconds": 0,
        "prediction_log": {"path": "watched.db", "flush_seconds": 0.2},
        "variants": [{"name": "champion", "model": f"models:/{loop['name']}/1", "weight": 100}],
        "monitor": {"every_predictions": 100, "window": 100, "quality_suite": "suite.yaml", "live_window": 1000,
                    "thresholds": {"accuracy": {"min": 0.99}}},
        "alerts": {"command": [sys.executable, str(script)], "cooldown_seconds": 3600},
    }
    (tmp_path / "watched.yaml").write_text(yaml.safe_dump(spec))
    port = free_port()
    proc = start_process([AVIARY_BIN, "serve", "--deployment", str(tmp_path / "watched.yaml"), "--port", str(port)], tmp_path / "serve.log",
                         {"MLFLOW_TRACKING_URI": loop["server"].url})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/ping", proc, tmp_path / "serve.log")
        session = requests.Session()

        def send_rows(rows):
            ids = []
            for row in rows:
                r = session.post(f"{url}/deployments/watched/invocations", json={"dataframe_split": {"columns": COLUMNS, "data": [row.tolist()]}}, timeout=10)
                assert r.status_code == 200, r.text
                ids.append({"request_id": r.headers["X-Request-Id"], "truth": int(label(row[None, :])[0])})
            return ids

        feedback = send_rows(loop["rng"].normal(size=(300, 4)))
        assert requests.post(f"{url}/deployments/watched/feedback", json={"feedback": feedback}, timeout=30).status_code == 200
        send_rows(loop["rng"].normal(size=(150, 4)))  # passes after the labels arrive
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(received.iterdir()):
            time.sleep(0.2)
        shifted = loop["rng"].normal(size=(250, 4))
        shifted[:, 0] += 10
        send_rows(shifted)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(list(received.iterdir())) < 2:
            time.sleep(0.2)
        time.sleep(1)
        alerts = [json.loads(path.read_text()) for path in received.iterdir()]
        assert sorted(a["key"] for a in alerts) == ["live:champion:accuracy", "quality"], [a["key"] for a in alerts]
        quality = next(a for a in alerts if a["key"] == "quality")
        assert quality["pass"]["quality_failures"] and "f0" in quality["message"]
        live = next(a for a in alerts if a["key"] == "live:champion:accuracy")
        assert live["pass"]["live"]["champion"]["accuracy"] < 0.99 and "< min 0.99" in live["message"]
        passes = requests.get(f"{url}/deployments/watched/monitors", timeout=10).json()["passes"]
        assert passes[0]["quality_failures"] == [] and passes[-1]["quality_failures"]
        metrics = requests.get(f"{url}/metrics", timeout=10).text
        assert re.search(r'^aviary_quality_failed_rules\{deployment="watched"\} 1(\.0)?$', metrics, re.MULTILINE), metrics[-2000:]
        assert re.search(r'^aviary_alerts_total\{deployment="watched",key="quality"\} 1(\.0)?$', metrics, re.MULTILINE), metrics[-2000:]
    finally:
        stop_process(proc)
