#!/usr/bin/env python3
"""The Python side of bench/serve_bench.py; runs under the bench venv's python.

Needs numpy, pandas, xgboost (xgboost-cpu==3.1.2) and mlflow (3.17.2). serve_bench.py itself
uses only the standard library and calls this script for the two things that need them:

  train     trains the fixed-seed model, saves it with mlflow.xgboost.save_model, and
            writes the 1,000-row batch (CSV), the request bodies and xgboost's own
            predictions for them (the reference the servers' replies are checked against)
  inplace   times booster.inplace_predict on the 1,000-row batch with a given nthread

Each subcommand prints one JSON object on stdout.

  .venv-bench/bin/python bench/serve_model.py train --out /tmp/serve-bench
  .venv-bench/bin/python bench/serve_model.py inplace --model /tmp/serve-bench/model \
      --csv /tmp/serve-bench/batch.csv --threads 1 --iterations 300
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

N_FEATURES = 20
COLUMNS = [f"f{i}" for i in range(N_FEATURES)]


def make_data(rng, rows: int, nan_fraction: float):
    """rows × 20 float32 values from N(0, 1), with about nan_fraction of them NaN."""
    import numpy as np

    x = rng.standard_normal((rows, N_FEATURES)).astype(np.float32)
    x[rng.random((rows, N_FEATURES)) < nan_fraction] = np.nan
    return x


def labels(rng, x):
    """A non-linear binary target, so depth-6 trees have something to split on."""
    import numpy as np

    z = np.nan_to_num(x.astype(np.float64), nan=0.0)
    score = (z[:, 0] + 0.8 * z[:, 1] - z[:, 2] * z[:, 3] + 0.5 * np.sin(3 * z[:, 4])
             + 0.3 * z[:, 5] ** 2 - 0.3 + np.where(np.isnan(x[:, 6]), 0.7, 0.0)
             + 0.5 * rng.standard_normal(len(z)))
    return (score > 0).astype(np.float32)


def fmt(v) -> str:
    """A float32 as text that reads back to the same float32 ('' for NaN in CSV)."""
    return "" if math.isnan(v) else repr(float(f"{float(v):.9g}"))


def body(x, start: int, count: int) -> str:
    """A dataframe_split request body for rows [start, start + count); NaN becomes null."""
    rows = []
    for r in range(start, start + count):
        rows.append("[" + ",".join("null" if math.isnan(v) else fmt(v) for v in x[r]) + "]")
    return ('{"dataframe_split":{"columns":[' + ",".join(f'"{c}"' for c in COLUMNS)
            + '],"data":[' + ",".join(rows) + "]}}")


def train(args) -> dict:
    import numpy as np
    import pandas as pd
    import xgboost as xgb
    import mlflow
    import mlflow.xgboost
    from mlflow.models import infer_signature

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model_dir = out / "model"
    if model_dir.exists():
        raise SystemExit(f"{model_dir} exists; give an empty --out")

    rng = np.random.default_rng(args.seed)
    x = make_data(rng, args.train_rows, args.nan_fraction)
    y = labels(rng, x)
    dtrain = xgb.DMatrix(pd.DataFrame(x, columns=COLUMNS), label=y)
    params = {"objective": "binary:logistic", "max_depth": args.depth, "eta": 0.1,
              "seed": args.seed, "nthread": 2, "tree_method": "hist"}
    t0 = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=args.trees)
    train_s = time.perf_counter() - t0

    # The 1,000-row batch (in-process test) and the request rows come from one more draw.
    batch = make_data(np.random.default_rng(args.seed + 1), args.batch_rows, args.nan_fraction)
    # float64 columns: JSON numbers arrive as doubles, so the signature says "double".
    example = pd.DataFrame(batch[:5].astype(np.float64), columns=COLUMNS)
    signature = infer_signature(example, booster.predict(xgb.DMatrix(example)))
    mlflow.xgboost.save_model(booster, str(model_dir), signature=signature,
                              input_example=example, model_format=args.model_format)

    with open(out / "batch.csv", "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        for row in batch:
            f.write(",".join(fmt(v) for v in row) + "\n")

    # Requests: the first row alone, and the first 100 rows. The single row is the first
    # batch row that has a missing value, so the missing-value path is always exercised.
    single = next((i for i in range(len(batch)) if np.isnan(batch[i]).any()), 0)
    reference = booster.predict(xgb.DMatrix(pd.DataFrame(batch.astype(np.float64),
                                                         columns=COLUMNS)))
    requests = {}
    for name, start, count in (("single", single, 1), ("batch100", 0, min(100, len(batch)))):
        path = out / f"body_{name}.json"
        path.write_text(body(batch, start, count))
        requests[name] = {"body": str(path), "rows": count, "first_row": start,
                          "bytes": path.stat().st_size,
                          "expected": [float(p) for p in reference[start:start + count]]}

    # A check that the saved model reloads through pyfunc and gives the same answers.
    loaded = mlflow.pyfunc.load_model(str(model_dir))
    check = np.asarray(loaded.predict(pd.DataFrame(batch[:100].astype(np.float64),
                                                   columns=COLUMNS)))
    max_diff = float(np.max(np.abs(check - reference[:100])))

    config = json.loads(booster.save_config())
    return {"model_dir": str(model_dir), "batch_csv": str(out / "batch.csv"),
            "requests": requests, "train_s": train_s, "pyfunc_reload_max_abs_diff": max_diff,
            "model": {"objective": "binary:logistic", "trees": args.trees,
                      "max_depth": args.depth, "features": N_FEATURES,
                      "num_trees_in_model": booster.num_boosted_rounds(),
                      "train_rows": args.train_rows, "batch_rows": args.batch_rows,
                      "nan_fraction": args.nan_fraction, "seed": args.seed,
                      "model_format": args.model_format,
                      "base_score": config["learner"]["learner_model_param"]["base_score"],
                      "files": sorted(p.name for p in model_dir.iterdir())},
            "versions": {"xgboost": xgb.__version__, "mlflow": mlflow.__version__,
                         "numpy": np.__version__, "pandas": pd.__version__}}


def read_csv(path: str):
    import numpy as np

    with open(path) as f:
        header = f.readline().strip().split(",")
        if header != COLUMNS:
            raise SystemExit(f"{path}: header is not f0..f19")
        rows = [[float(v) if v else float("nan") for v in line.rstrip("\n").split(",")]
                for line in f if line.strip()]
    return np.asarray(rows, dtype=np.float32)


def inplace(args) -> dict:
    """Times booster.inplace_predict on the batch: warm-ups, then --iterations timed calls."""
    import numpy as np
    import xgboost as xgb

    model_dir = Path(args.model)
    model_file = next(p for p in model_dir.iterdir() if p.name.startswith("model."))
    booster = xgb.Booster()
    booster.load_model(str(model_file))
    booster.set_param({"nthread": args.threads})
    x = np.ascontiguousarray(read_csv(args.csv))
    for _ in range(args.warmups):
        booster.inplace_predict(x)
    times = []
    for _ in range(args.iterations):
        t = time.perf_counter()
        booster.inplace_predict(x)
        times.append(time.perf_counter() - t)
    total = sum(times)
    times.sort()
    median = times[len(times) // 2]
    best = times[0]
    # rows_per_second is over all timed calls (total rows / total time), the figure
    # aviary-predict-bench prints; the median and best calls are kept beside it.
    return {"threads": args.threads, "rows": len(x), "iterations": args.iterations,
            "warmups": args.warmups, "total_s": total, "median_s": median, "best_s": best,
            "rows_per_second": len(x) * args.iterations / total,
            "rows_per_second_median": len(x) / median, "rows_per_second_best": len(x) / best,
            "xgboost": xgb.__version__, "model_file": str(model_file)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train and save the model, write batch and bodies")
    t.add_argument("--out", required=True,
                   help="empty directory for model/, batch.csv and the request bodies")
    t.add_argument("--seed", type=int, default=42)
    t.add_argument("--trees", type=int, default=100)
    t.add_argument("--depth", type=int, default=6)
    t.add_argument("--train-rows", type=int, default=10_000)
    t.add_argument("--batch-rows", type=int, default=1_000)
    t.add_argument("--nan-fraction", type=float, default=0.05)
    t.add_argument("--model-format", choices=("ubj", "json", "xgb"), default="ubj",
                   help="mlflow.xgboost.save_model model_format (mlflow's default: ubj)")
    i = sub.add_parser("inplace", help="time booster.inplace_predict on the batch")
    i.add_argument("--model", required=True, help="the saved mlflow model directory")
    i.add_argument("--csv", required=True, help="the batch CSV (header f0..f19, empty = NaN)")
    i.add_argument("--threads", type=int, default=1, help="xgboost nthread")
    i.add_argument("--iterations", type=int, default=500)
    i.add_argument("--warmups", type=int, default=20)
    args = p.parse_args(argv)
    result = train(args) if args.cmd == "train" else inplace(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
