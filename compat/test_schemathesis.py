"""Every HTTP operation fuzzed by schemathesis from the server's own OpenAPI document (issue 19).

Each server is started fresh for this module: `aviary server` seeded with one of everything
(an experiment, a run with metrics, params, inputs and artifacts, a logged model, a registered
model with a version and an alias, a deployment with labelled predictions), `aviary serve MODEL`
and `aviary serve --deployment FILE`. schemathesis reads the document the server serves and sends
a bounded number of generated requests per operation (`--max-examples`, deterministic), with
path and query ids pinned to the seeded entities so that requests reach past the 404s. Checks:
no 5xx, status codes and content types the document declares, responses that conform to its
schemas; and the server must still answer /health afterwards. DELETE operations of the seeded
server are left out of the pinned run, so it cannot delete what the others read.

The figures of each run (operations, generated requests, seconds) are printed and written to
build/schemathesis/*.json; docs/fuzzing.md records those of a full run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from compat_helpers import AVIARY_BIN, RUNNING_AGAINST_PEER, free_port, start_process, stop_process, wait_ready

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER or not AVIARY_BIN, reason="fuzzes Aviary from its own OpenAPI document")

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "build" / "schemathesis"
DOCUMENT = "/api/aviary/v1/openapi.json"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
JSON = {"Content-Type": "application/json"}

# Two stumps over features a and b, as the Swift scoring tests use.
STUMPS = {"learner": {
    "learner_model_param": {"base_score": "[0E0]", "num_class": "0", "num_feature": "2"},
    "objective": {"name": "reg:squarederror"},
    "feature_names": ["a", "b"], "feature_types": ["float", "float"],
    "gradient_booster": {"name": "gbtree", "model": {"tree_info": [0, 0], "trees": [
        {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
         "split_conditions": [0.5, 1, 2], "default_left": [1, 0, 0], "split_type": [0, 0, 0]},
        {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [1, 0, 0],
         "split_conditions": [0, 10, 20], "default_left": [1, 0, 0], "split_type": [0, 0, 0]}]}}}}


def call(base: str, method: str, path: str, body=None, **kwargs):
    r = requests.request(method, base + path, json=body, timeout=30, **kwargs)
    assert r.status_code == 200, (path, r.status_code, r.text)
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text


def seed(base: str, model_file: Path) -> dict:
    """One of every entity; returns their ids."""
    api = "/api/2.0/mlflow"
    experiment = call(base, "POST", f"{api}/experiments/create", {"name": "st-exp", "tags": [{"key": "team", "value": "a"}]})["experiment_id"]
    run = call(base, "POST", f"{api}/runs/create", {"experiment_id": experiment, "run_name": "st-run", "start_time": 1700000000000})["run"]["info"]
    run_id, root = run["run_id"], run["artifact_uri"][len("mlflow-artifacts:/"):]
    call(base, "POST", f"{api}/runs/log-batch", {"run_id": run_id, "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "t", "value": "v"}],
                                                  "metrics": [{"key": "acc", "value": 0.9, "timestamp": 1700000000000, "step": 0},
                                                              {"key": "acc", "value": "NaN", "timestamp": 1700000000001, "step": 1}]})
    call(base, "POST", f"{api}/runs/log-inputs", {"run_id": run_id, "datasets": [{"dataset": {"name": "train", "digest": "abc", "source_type": "local", "source": "x.csv"}}]})
    model_id = call(base, "POST", f"{api}/logged-models", {"experiment_id": experiment, "name": "st-lm", "source_run_id": run_id})["model"]["info"]["model_id"]
    for name, data in [("model/stumps.json", model_file.read_bytes()), ("model/MLmodel", b"flavors:\n  xgboost:\n    data: stumps.json\n"), ("plot.png", b"\x89PNG")]:
        call(base, "PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/{name}", data=data)
    call(base, "POST", f"{api}/registered-models/create", {"name": "st-model", "description": "d"})
    call(base, "POST", f"{api}/model-versions/create", {"name": "st-model", "source": f"runs:/{run_id}/model", "run_id": run_id, "model_id": model_id})
    call(base, "POST", f"{api}/registered-models/alias", {"name": "st-model", "alias": "champion", "version": "1"})
    spec = (f"name: demo\ntask: regression\nvariants:\n  - {{name: champion, model: 'runs:/{run_id}/model', weight: 50}}\n"
            f"  - {{name: challenger, model: 'models:/st-model@champion', weight: 50}}\n  - {{name: shadow, model: 'runs:/{run_id}/model', shadow: true}}\n"
            "prediction_log: {path: demo.db, flush_seconds: 0.1}\nmonitor: {every_predictions: 5, window: 10}\ngate: {metric: mae, min_samples: 2}\n")
    call(base, "PUT", "/api/2.0/aviary/deployments/demo", data=spec.encode(), headers={"Content-Type": "application/yaml"})
    ids = []
    for k in range(20):
        r = requests.post(f"{base}/deployments/demo/invocations", json={"dataframe_split": {"columns": ["a", "b"], "data": [[k / 20, -1]]}}, timeout=30)
        assert r.status_code == 200, r.text
        ids.append(r.headers["X-Request-Id"])
    call(base, "POST", "/deployments/demo/feedback", {"feedback": [{"request_id": i, "truth": [10]} for i in ids]})
    return {"experiment": experiment, "run": run_id, "root": root, "model": model_id}


def pinned(ids: dict) -> str:
    """schemathesis.toml pinning path and query parameters to the seeded entities."""
    def table(regex: str, parameters: dict, exclude_delete: bool = False) -> str:
        values = ", ".join(f'"{k}" = {json.dumps(v)}' for k, v in parameters.items())
        return f"[[operations]]\ninclude-path-regex = {json.dumps(regex)}\n" + ('exclude-method = "DELETE"\n' if exclude_delete else "") + f"parameters = {{ {values} }}\n"
    return "\n".join([
        table(r"^/(api|ajax-api)/2\.0/mlflow/", {"query.experiment_id": ids["experiment"], "query.experiment_name": "st-exp", "query.run_id": ids["run"],
                                                  "query.metric_key": "acc", "query.name": "st-model", "query.version": "1", "query.alias": "champion",
                                                  "path.model_id": ids["model"]}, exclude_delete=True),
        table(r"^/(api|ajax-api)/2\.0/mlflow-artifacts/artifacts$", {"query.path": f"{ids['root']}"}),
        table(r"^/api/aviary/v1/models/", {"path.name": "st-model", "path.version": "1"}),
        table(r"^/deployments/\{name\}/|^/v2/models/", {"path.name": "demo"}),
        table(r"^/api/2\.0/aviary/deployments/\{name\}$", {"path.name": "demo"}, exclude_delete=True),
        table(r"^/experiments/\{id\}$", {"path.id": ids["experiment"]}),
        table(r"^/runs/\{id\}", {"path.id": ids["run"], "query.path": "plot.png"}),
        table(r"^/models/\{name\}", {"path.name": "st-model", "path.version": "1"}),
        table(r"^/deployments/\{name\}$", {"path.name": "demo"}),
        table(r"^/compare$", {"query.runs": ids["run"]}),
    ])


def fuzz(name: str, base: str, work: Path, max_examples: int, config: str = "") -> dict:
    """Runs schemathesis against `base` from the document it serves; returns its JSON report."""
    document = work / f"{name}-openapi.json"
    document.write_text(requests.get(base + DOCUMENT, timeout=30).text)
    (work / "schemathesis.toml").write_text(config)
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [str(Path(sys.executable).parent / "schemathesis"), "run", str(document), "--url", base, "--checks", CHECKS,
               "--max-examples", str(max_examples), "--workers", "1", "--generation-deterministic", "--request-timeout", "30",
               "--suppress-health-check", "too_slow,filter_too_much", "--report", "json", "--report-json-path", str(report), "--no-color"]
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=900)
    summary = json.loads(report.read_text())
    print(f"\nschemathesis {name}: {summary['operations']['tested']} operations, {summary['test_cases']['generated']} requests, "
          f"{summary['running_time']:.1f} s, {summary['test_cases']['with_failures']} with failures")
    assert result.returncode == 0 and not summary["failures"] and not summary["errors"], result.stdout[-6000:]
    assert requests.get(base + "/health", timeout=10).status_code == 200, f"{name}: the server stopped answering"
    return summary


@pytest.fixture(scope="module")
def work():
    directory = Path(tempfile.mkdtemp(prefix="aviary-schemathesis-"))
    (directory / "stumps.json").write_text(json.dumps(STUMPS))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_aviary_server_every_operation(work):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    proc = start_process([AVIARY_BIN, "server", "--port", str(port), "--backend-store-uri", f"sqlite:///{work}/server/aviary.db",
                          "--artifacts-destination", str(work / "server" / "artifacts"), "--deployments-dir", str(work / "server" / "deployments")], log)
    try:
        wait_ready(f"{base}/health", proc, log)
        summary = fuzz("server", base, work, max_examples=10, config=pinned(seed(base, work / "stumps.json")))
        assert summary["operations"]["tested"] == len([op for item in json.loads((work / "server-openapi.json").read_text())["paths"].values() for op in item])
    finally:
        stop_process(proc)


@pytest.mark.parametrize("mode", ["model", "deployment"])
def test_aviary_serve_every_operation(work, mode):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / f"serve-{mode}.log"
    if mode == "model":
        argv = [AVIARY_BIN, "serve", str(work / "stumps.json"), "--port", str(port), "--name", "stumps"]
    else:
        spec = work / "demo.yaml"
        spec.write_text(f"name: demo\nvariants:\n  - {{name: champion, model: '{work / 'stumps.json'}', weight: 100}}\n"
                        f"  - {{name: shadow, model: '{work / 'stumps.json'}', shadow: true}}\nprediction_log: {{path: demo.db, flush_seconds: 0.1}}\n")
        argv = [AVIARY_BIN, "serve", "--deployment", str(spec), "--port", str(port)]
    proc = start_process(argv, log)
    try:
        wait_ready(f"{base}/ping", proc, log)
        fuzz(f"serve-{mode}", base, work, max_examples=25)
    finally:
        stop_process(proc)
