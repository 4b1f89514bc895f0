"""Writes the seed corpus of every fuzz target into fuzz/Corpus/TARGET/ (run once; the files are
committed). Real model files come from the peers themselves: xgboost and lightgbm, with the
MLmodel that mlflow writes for them. Run with the compat virtualenv:

    .venv/bin/python fuzz/seeds.py
"""

from __future__ import annotations

import json
import pathlib
import tempfile

import lightgbm as lgb
import numpy as np
import xgboost as xgb

CORPUS = pathlib.Path(__file__).resolve().parent / "Corpus"


def write(target: str, name: str, content: str | bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)


def scoring() -> None:
    bodies = {
        "split": {"dataframe_split": {"columns": ["a", "b", "c"], "data": [[0.2, 1, True], [None, 3, False]]}},
        "records": {"dataframe_records": [{"a": 0.2, "b": 1, "c": True}, {"c": False, "a": "NaN"}]},
        "instances": {"instances": [[0.2, 1, 1], [0.7, -3, 0]]},
        "inputs-columns": {"inputs": {"a": [0.2, 0.7], "b": [1, 2], "c": [True, False]}},
        "inputs-rows": {"inputs": [{"a": 1e300, "b": -2, "c": True}], "params": {}},
    }
    for name, body in bodies.items():
        write("scoring-json", f"{name}.json", json.dumps(body))
    write("scoring-json", "escapes.json", '{"instances": [["\\u00e9\\ud83d\\ude00", Infinity, -Infinity, NaN]]}')
    tensors = {
        "one-tensor": {"id": "r1", "inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP64", "data": [1, 2, 3, 4, 5, 6]}]},
        "nested": {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [[1, 2, 3]]}]},
        "per-feature": {"inputs": [{"name": n, "shape": [2], "datatype": "INT64", "data": [1, 2]} for n in "abc"]},
    }
    for name, body in tensors.items():
        write("open-inference", f"{name}.json", json.dumps(body))
    write("csv", "simple.csv", "a,b,c\n0.2,1,true\n,3,false\n")
    write("csv", "quoted.csv", 'a,b,c\n"1,5",2,"x ""y"""\r\n-1e10,NaN,\n')


def log_batch() -> None:
    write("log-batch", "batch.json", json.dumps({
        "run_id": "0123456789abcdef0123456789abcdef",
        "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1700000000000, "step": 3},
                    {"key": "acc", "value": "NaN", "timestamp": "1700000000001", "step": "-9223372036854775808"}],
        "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "mlflow.runName", "value": "\u00e9\u00e8"}],
    }))
    write("log-batch", "escapes.json", '{"run_id": "r", "tags": [{"key": "k\\n", "value": "\\ud83d\\ude00\\u0000"}]}')


def models() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(float)
    with tempfile.TemporaryDirectory() as tmp:
        for objective, rounds in (("binary:logistic", 3), ("reg:squarederror", 2)):
            booster = xgb.train({"objective": objective, "max_depth": 2}, xgb.DMatrix(x, label=y, feature_names=["a", "b", "c"]), rounds)
            for suffix in ("json", "ubj"):
                path = pathlib.Path(tmp) / f"model.{suffix}"
                booster.save_model(str(path))
                write("xgboost", f"{objective.split(':')[0]}.{suffix}", path.read_bytes())
        classes = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int)
        booster = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 2}, xgb.DMatrix(x, label=classes), 2)
        path = pathlib.Path(tmp) / "multi.json"
        booster.save_model(str(path))
        write("xgboost", "multi.json", path.read_bytes())
        cat = np.column_stack([x[:, :2], rng.integers(0, 5, size=200)])
        dataset = lgb.Dataset(cat, label=y, categorical_feature=[2], feature_name=["a", "b", "c"])
        for name, params in (("binary", {"objective": "binary"}), ("regression", {"objective": "regression"})):
            model = lgb.train({**params, "num_leaves": 4, "min_data_in_leaf": 5, "verbose": -1}, dataset, num_boost_round=2)
            write("lightgbm", f"{name}.txt", model.model_to_string())


def yaml_documents() -> None:
    write("mlmodel", "xgboost.yaml", """artifact_path: model
flavors:
  python_function:
    data: model.xgb
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.xgboost
    python_version: 3.11.7
  xgboost:
    code: null
    data: model.xgb
    model_class: xgboost.core.Booster
    model_format: xgb
    xgb_version: 3.1.2
mlflow_version: 3.17.2
model_size_bytes: 2172
model_uuid: 4b3c2f1e
saved_input_example_info:
  artifact_path: input_example.json
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "a", "required": true}, {"type": "long", "name": "b", "required": false}, {"type": "boolean", "name": "c", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'
  params: null
utc_time_created: '2026-11-20 10:00:00.000000'
""")
    write("mlmodel", "shared.yaml", "a: &id001\n- 1\n- 2\nb: *id001\nsignature:\n  inputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, 3]}}]'\n")
    write("deployment-spec", "full.yaml", """name: churn
sticky_header: X-Aviary-Key
refresh_seconds: 5
task: classification
variants:
  - {name: champion, model: "models:/churn@champion", weight: 80}
  - {name: challenger, model: "models:/churn@challenger", weight: 20}
  - {name: shadow, model: "models:/churn/1", shadow: true}
prediction_log: {path: predictions.db, flush_seconds: 1, retention_days: 30}
monitor:
  every_seconds: 60
  every_predictions: 1000
  window: 1000
  reference: training
  drift_share: 0.5
  quality_suite: suite.yaml
  live_window: 1000
  thresholds: {accuracy: {min: 0.8}, log_loss: {max: 0.5}}
alerts: {command: ["./retrain.sh", churn], cooldown_seconds: 600}
gate: {metric: accuracy, alpha: 0.05, min_samples: 200}
""")
    write("deployment-spec", "json.json", json.dumps({"name": "api", "refresh_seconds": 1, "variants": [
        {"name": "a", "model": "runs:/0123/model", "weight": 100}], "task": "regression", "gate": {"metric": "rmse"}}))
    write("quality-suite", "suite.yaml", """rules:
  - {rule: type, column: "a", type: numeric}
  - {rule: not_null, column: "b"}
  - {rule: max_missing_share, column: "c", max: 0.5}
  - {rule: range, column: "a", min: -10, max: 10}
  - {rule: allowed_values, column: "b", values: ["x", "y"]}
  - {rule: regex, column: "b", pattern: "^[a-z]+$"}
  - {rule: unique, column: "c"}
  - {rule: compare, left: "a", op: "<", right: "c"}
  - {rule: row_count, min: 1, max: 100}
""")


if __name__ == "__main__":
    scoring()
    log_batch()
    models()
    yaml_documents()
    print("seeds in", CORPUS)
