"""A real Prometheus server scrapes `aviary serve`'s /metrics.

Debian's `prometheus` (installed by `make test` when missing) scrapes the scoring server every
second; after a known number of good and refused requests, PromQL through Prometheus's HTTP
API must report exactly those counts per status code, the rows scored, and a latency quantile.
"""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
import requests
import xgboost as xgb

from compat_helpers import AVIARY_BIN, free_port, start_process, stop_process, wait_ready

pytestmark = pytest.mark.skipif(not AVIARY_BIN, reason="needs AVIARY_BIN (aviary serve)")

GOOD, BAD, ROWS = 57, 5, 3





@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    prometheus = shutil.which("prometheus")
    assert prometheus, "Debian's prometheus is needed (make test installs it)"
    work = tmp_path_factory.mktemp("prometheus")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 4))
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3}, xgb.DMatrix(x, label=(x[:, 0] > 0).astype(float),
                        feature_names=["f0", "f1", "f2", "f3"]), num_boost_round=10)
    model = work / "model.json"
    booster.save_model(model)
    port = free_port()
    serve = start_process([AVIARY_BIN, "serve", str(model), "--host", "127.0.0.1", "--port", str(port), "--name", "churn"], work / "serve.log")
    prom_port = free_port()
    (work / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n"
        f"scrape_configs:\n  - job_name: aviary\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
    )
    prom = start_process([prometheus, f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'data'}",
                  f"--web.listen-address=127.0.0.1:{prom_port}"], work / "prometheus.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}/ping", serve, work / "serve.log")
        wait_ready(f"http://127.0.0.1:{prom_port}/-/ready", prom, work / "prometheus.log")
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{prom_port}", booster, x
    finally:
        stop_process(prom)
        stop_process(serve)


def query(prom: str, promql: str) -> dict[str, float]:
    """An instant PromQL query: the value of each result, keyed by its `code` label (or '')."""
    r = requests.get(f"{prom}/api/v1/query", params={"query": promql}, timeout=10)
    r.raise_for_status()
    body = r.json()
    assert body["status"] == "success", body
    return {item["metric"].get("code", ""): float(item["value"][1]) for item in body["data"]["result"]}


def test_prometheus_scrapes_request_counts_rows_and_latency(stack):
    serve, prom, booster, x = stack
    session = requests.Session()
    for k in range(GOOD):
        rows = x[k % 100:k % 100 + ROWS]
        r = session.post(f"{serve}/invocations", json={"dataframe_split": {"columns": ["f0", "f1", "f2", "f3"], "data": rows.tolist()}})
        assert r.status_code == 200, r.text
        assert np.allclose(r.json()["predictions"], booster.predict(xgb.DMatrix(rows, feature_names=["f0", "f1", "f2", "f3"])), atol=1e-6)
    for _ in range(BAD):
        assert session.post(f"{serve}/invocations", json={"instances": [[1.0]]}).status_code == 400

    expected = {"200": float(GOOD), "400": float(BAD)}
    counts: dict[str, float] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        counts = query(prom, 'sum by (code) (aviary_requests_total{model="churn",endpoint="/invocations"})')
        if counts == expected:
            break
        time.sleep(0.5)
    assert counts == expected, f"Prometheus saw {counts}, expected {expected}"
    assert query(prom, 'aviary_predicted_rows_total{model="churn"}') == {"": float(GOOD * ROWS)}
    p99 = query(prom, 'histogram_quantile(0.99, sum by (le) (aviary_request_duration_seconds_bucket{model="churn"}))')
    assert 0 < p99[""] < 5, p99
    up = query(prom, 'up{job="aviary"}')
    assert up == {"": 1.0}
