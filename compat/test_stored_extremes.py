"""Stored values that used to crash `aviary server` on every later visit, surviving restarts
(issue 19): metric steps -2^63 and 2^63-1, extreme start and end times, metric values near
±1.7e308. Each is logged through the official mlflow client; then the server is restarted,
as after a crash, and every page that reads them back must answer, with the server still up.
"""

from __future__ import annotations

import math

import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric

from compat_helpers import RUNNING_AGAINST_PEER

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER, reason="Aviary's web UI pages")


def test_extreme_stored_values_render_after_a_restart(server, experiment_id):
    client = MlflowClient(tracking_uri=server.url)
    run = client.create_run(experiment_id, start_time=-(2**63))
    run_id = run.info.run_id
    client.log_batch(run_id, metrics=[
        Metric("steps", 1.0, 1, -(2**63)), Metric("steps", 2.0, 2, 2**63 - 1),
        Metric("huge", -1.7e308, 0, 0), Metric("huge", 1.7e308, 2**63 - 1, 1), Metric("huge", 5e-324, 5, 2),
    ])
    client.set_terminated(run_id, end_time=2**63 - 1)
    server.restart()
    for path in [f"/runs/{run_id}", f"/runs/{run_id}?x=time", f"/experiments/{experiment_id}",
                 f"/compare?runs={run_id}&x=metrics.steps&y=metrics.huge"]:
        r = requests.get(server.url + path, timeout=30)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    page = requests.get(f"{server.url}/runs/{run_id}", timeout=30).text
    assert 'data-metric="steps"' in page and 'data-metric="huge"' in page
    assert "out of range" in page, "a duration past 2^63 ms says so"
    history = client.get_metric_history(run_id, "steps")
    assert sorted(m.step for m in history) == [-(2**63), 2**63 - 1]
    assert math.isclose(max(m.value for m in client.get_metric_history(run_id, "huge")), 1.7e308)
    assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
