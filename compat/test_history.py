"""Metric history: volume, order, paging."""

import math

import requests
from mlflow.entities import Metric

T0 = 1_700_000_000_000
N = 10_000


def _value(i: int) -> float:
    # Values that need all 17 significant digits to round-trip.
    return math.sin(i) * 1e3 + i / 7


def test_history_10k_points(client, experiment_id, base_url):
    rid = client.create_run(experiment_id).info.run_id
    points = [Metric("curve", _value(i), T0 + i, i) for i in range(N)]
    for start in range(0, N, 1000):
        client.log_batch(rid, metrics=points[start:start + 1000])

    hist = client.get_metric_history(rid, "curve")
    assert len(hist) == N
    assert [m.step for m in hist] == list(range(N))
    assert [m.timestamp for m in hist] == [T0 + i for i in range(N)]
    assert [m.value for m in hist] == [_value(i) for i in range(N)]
    assert {m.key for m in hist} == {"curve"}
    assert client.get_run(rid).data.metrics["curve"] == _value(N - 1)

    # The REST endpoint pages when asked (the client asks for 25,000 at a time).
    seen, token = [], None
    for _ in range(10):
        params = {"run_id": rid, "metric_key": "curve", "max_results": 3000}
        if token:
            params["page_token"] = token
        r = requests.get(f"{base_url}/api/2.0/mlflow/metrics/get-history", params=params,
                         timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        seen.extend(m["step"] for m in body["metrics"])
        token = body.get("next_page_token")
        if not token:
            break
    assert seen == list(range(N))


def test_history_order_is_timestamp_then_step(client, experiment_id):
    """MLflow orders history by (timestamp, step, value), not by step alone."""
    rid = client.create_run(experiment_id).info.run_id
    client.log_batch(rid, metrics=[
        Metric("m", 1.0, 3_000, 0),
        Metric("m", 2.0, 2_000, 1),
        Metric("m", 3.0, 1_000, 2),
        Metric("m", 4.0, 1_000, 1),
        Metric("m", 0.5, 1_000, 1),
    ])
    hist = client.get_metric_history(rid, "m")
    assert [(m.timestamp, m.step, m.value) for m in hist] == [
        (1_000, 1, 0.5),
        (1_000, 1, 4.0),
        (1_000, 2, 3.0),
        (2_000, 1, 2.0),
        (3_000, 0, 1.0),
    ]


def test_history_identical_points_are_deduplicated(client, experiment_id):
    rid = client.create_run(experiment_id).info.run_id
    client.log_metric(rid, "m", 1.0, timestamp=5, step=1)
    client.log_metric(rid, "m", 1.0, timestamp=5, step=1)
    client.log_batch(rid, metrics=[Metric("m", 1.0, 5, 1), Metric("m", 1.0, 5, 1)])
    hist = client.get_metric_history(rid, "m")
    assert [(m.timestamp, m.step, m.value) for m in hist] == [(5, 1, 1.0)]


def test_history_of_unknown_key_is_empty(client, experiment_id):
    rid = client.create_run(experiment_id).info.run_id
    assert client.get_metric_history(rid, "never-logged") == []
