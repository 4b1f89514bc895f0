#!/usr/bin/env python3
"""Screenshots of the web UI for the docs: starts `aviary server` on a free port with a
throwaway data dir, seeds a small, realistic demo through the official mlflow client (an
XGBoost-like hyper-parameter sweep on a churn data set, and a registered model), then lets
headless Chromium photograph the experiment, run, compare, model and model-version pages into
docs/ui-*.png.

Usage: .venv/bin/python scripts/ui_screenshots.py .build/debug/aviary [--out docs]
Needs the .venv packages (mlflow-skinny, pandas, requests) and Debian's chromium
(`make test` installs it)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Before the mlflow client reads them: no retries hiding a server error, no telemetry.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

import logging  # noqa: E402
import warnings  # noqa: E402

import requests  # noqa: E402

# The client's "View run at ..." and "Waiting for model version" lines and pandas'
# deprecation chatter would drown the script's own output.
logging.getLogger("mlflow").setLevel(logging.WARNING)
warnings.filterwarnings("ignore")

REPO = Path(__file__).resolve().parent.parent
STEPS = 200
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary: Path, data_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "server.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(binary), "server", "--host", "127.0.0.1", "--port", str(self.port),
                 "--backend-store-uri", f"sqlite:///{data_dir}/aviary.db",
                 "--artifacts-destination", f"{data_dir}/artifacts"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=data_dir, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"aviary server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit("aviary server not healthy after 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)


# -- the demo ------------------------------------------------------------------------------------

def churn_frame(rng: random.Random, rows: int):
    import pandas as pd

    contracts = ["month-to-month", "one-year", "two-year"]
    data = {"tenure_months": [], "monthly_charges": [], "contract": [], "support_calls": [], "churned": []}
    for _ in range(rows):
        tenure = rng.randint(1, 72)
        contract = rng.choices(contracts, weights=[5, 3, 2])[0]
        charges = round(rng.uniform(18, 118), 2)
        calls = rng.randint(0, 6)
        risk = 0.9 - tenure / 90 + (0.35 if contract == "month-to-month" else 0) + calls * 0.06 + charges / 400
        data["tenure_months"].append(float(tenure))
        data["monthly_charges"].append(charges)
        data["contract"].append(contract)
        data["support_calls"].append(float(calls))
        data["churned"].append(float(rng.random() < max(0.02, min(0.95, risk - 0.55))))
    return pd.DataFrame(data)


def curves(rng: random.Random, depth: int, eta: float):
    """train/val logloss over STEPS boosting rounds and a val AUC history (every 10 rounds)."""
    floor_train = 0.30 - 0.022 * depth
    floor_val = 0.335 + 0.004 * abs(depth - 5) + (0.01 if eta >= 0.3 else 0)
    overfit = 0.00012 * max(0, depth - 5) * eta * 10
    train, val = [], []
    for step in range(STEPS):
        progress = 1 - math.exp(-eta * 0.45 * (step + 1))
        train.append(0.693 - (0.693 - floor_train) * progress + rng.gauss(0, 0.003))
        val.append(0.693 - (0.693 - floor_val) * progress + overfit * step + rng.gauss(0, 0.006))
    best = min(val)
    auc_final = 0.93 - (best - 0.32) * 1.6 + rng.gauss(0, 0.004)
    auc = [(step, 0.5 + (auc_final - 0.5) * (1 - math.exp(-eta * 0.5 * (step + 1))) + rng.gauss(0, 0.003))
           for step in range(0, STEPS, 10)] + [(STEPS - 1, auc_final)]
    return train, val, auc


def seed(url: str, workdir: Path) -> dict:
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    logging.getLogger("mlflow").setLevel(logging.WARNING)  # mlflow sets its level on import
    mlflow.set_tracking_uri(url)
    client = MlflowClient(tracking_uri=url)
    rng = random.Random(20240607)
    experiment = client.create_experiment("churn-model", tags={"team": "growth", "project": "retention"})
    client.create_experiment("fraud-detection")
    client.create_experiment("demand-forecast")

    train_df, val_df = churn_frame(rng, 400), churn_frame(rng, 120)
    train_ds = mlflow.data.from_pandas(train_df, name="churn-train-2024q2", targets="churned",
                                       source="s3://ml-data/churn/2024q2/train.parquet")
    val_ds = mlflow.data.from_pandas(val_df, name="churn-val-2024q2", targets="churned",
                                     source="s3://ml-data/churn/2024q2/val.parquet")

    grid = [(d, e) for d in (3, 4, 6, 8) for e in (0.05, 0.1, 0.3)]
    now = time.time()
    day_start = int((now - now % 86400) * 1000) + 7 * 3600_000  # 07:00 UTC today
    if day_start + (len(grid) + 1) * 25 * 60_000 > now * 1000:
        day_start -= 86400_000
    runs = []
    for i, (depth, eta) in enumerate(grid):
        n_estimators = STEPS
        train, val, auc = curves(rng, depth, eta)
        name = f"xgb-d{depth}-eta{eta:g}"
        # Runs 25 minutes apart this morning, each training for 3-6 minutes.
        start = day_start + i * 25 * 60_000 + rng.randint(0, 120_000)
        duration = rng.randint(180_000, 360_000)
        rid = client.create_run(experiment, start_time=start, run_name=name, tags={
            "mlflow.user": "dana", "mlflow.source.name": "train_churn.py", "mlflow.source.type": "LOCAL"}).info.run_id
        with mlflow.start_run(run_id=rid):
            mlflow.log_params({"max_depth": depth, "eta": eta, "n_estimators": n_estimators,
                               "subsample": 0.8, "colsample_bytree": 0.9, "objective": "binary:logistic"})
            mlflow.set_tags({"model_type": "xgboost", "sweep": "grid-v3", "git_commit": f"{rng.getrandbits(28):07x}"})
            def at(step: int) -> int:
                return start + 4_000 + (duration - 8_000) * step // STEPS

            metrics = []
            for step in range(STEPS):
                metrics.append(Metric("train_logloss", train[step], at(step), step))
                metrics.append(Metric("val_logloss", val[step], at(step), step))
            metrics += [Metric("val_auc", v, at(s), s) for s, v in auc]
            for k in range(0, len(metrics), 1000):
                client.log_batch(rid, metrics=metrics[k:k + 1000])
            mlflow.log_input(train_ds, context="training")
            mlflow.log_input(val_ds, context="validation")
            features = ["tenure_months", "monthly_charges", "contract", "support_calls"]
            gains = sorted(((f, round(rng.uniform(0.05, 0.45), 4)) for f in features), key=lambda x: -x[1])
            mlflow.log_text("feature,gain\n" + "".join(f"{f},{g}\n" for f, g in gains), "feature_importance.csv")
            tp, fn = rng.randint(70, 90), rng.randint(10, 25)
            fp, tn = rng.randint(20, 40), rng.randint(300, 340)
            (workdir / "metrics.json").write_text(json.dumps(
                {"confusion_matrix": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
                 "threshold": 0.5, "val_auc": round(auc[-1][1], 4)}, separators=(",", ":")))
            mlflow.log_artifact(str(workdir / "metrics.json"))
            mlflow.log_text(f"artifact_path: model\nflavors:\n  xgboost:\n    xgb_version: 2.1.4\n"
                            f"    model_format: ubj\nmodel_size_bytes: {rng.randint(90_000, 400_000)}\n",
                            "model/MLmodel")
            mlflow.log_text(f"max_depth: {depth}\neta: {eta}\nn_estimators: {n_estimators}\n", "model/params.yaml")
        client.set_terminated(rid, "FINISHED", end_time=start + duration)
        runs.append({"id": rid, "name": name, "auc": auc[-1][1], "eta": eta, "depth": depth})

    by_auc = sorted(runs, key=lambda r: r["auc"])
    best, second, third = by_auc[-1], by_auc[-2], by_auc[-3]
    model = "churn-classifier"
    client.create_registered_model(model, tags={"owner": "growth-ml", "task": "binary-classification"},
                                   description="Predicts 30-day churn for subscription customers. "
                                               "Trained nightly on the last quarter.")
    for r in (third, second, best):
        version = client.create_model_version(model, f"runs:/{r['id']}/model", run_id=r["id"],
                                              description=f"{r['name']}: val AUC {r['auc']:.4f}")
        client.set_model_version_tag(model, version.version, "validation_status", "passed")
    client.set_registered_model_alias(model, "champion", "2")
    client.set_registered_model_alias(model, "challenger", "3")
    return {"experiment": experiment, "runs": runs, "best": best, "compare": [third, second, best],
            "model": model}


# -- screenshots ---------------------------------------------------------------------------------

def shoot(chromium: str, url: str, target: Path, size: str, profile_root: Path) -> None:
    profile = tempfile.mkdtemp(prefix="profile-", dir=profile_root)
    done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                           f"--window-size={size}", f"--screenshot={target}", url],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not target.exists() or target.stat().st_size < 5_000:
        sys.exit(f"chromium failed on {url} ({done.returncode}):\n{done.stderr[-2000:]}")
    print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}  <- {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("aviary", type=Path, help="path to the aviary binary")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="where the PNGs go (default: docs/)")
    parser.add_argument("--width", type=int, default=1280, help="window width (default 1280)")
    args = parser.parse_args()

    binary = args.aviary.resolve()
    if not os.access(binary, os.X_OK):
        sys.exit(f"not an executable: {binary}")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium is needed (make test installs it: apt-get install chromium)")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    data_dir = Path(tempfile.mkdtemp(prefix="aviary-ui-shots-"))
    server = Server(binary, data_dir)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the client's "View run at ..." lines
            demo = seed(server.url, data_dir)
        from urllib.parse import quote

        compare = "&".join(f"runs={r['id']}" for r in demo["compare"])
        model = "/models/" + quote(demo["model"], safe="")
        # (file, page, window height): the run and compare pages are taller so their charts show.
        pages = [
            ("ui-experiment.png", f"/experiments/{demo['experiment']}?order_by=" + quote("metrics.val_auc DESC")
             + "".join(f"&columns={c}" for c in ("params.max_depth", "params.eta",
                                                 "metrics.val_auc", "metrics.val_logloss",
                                                 "tags.sweep")), 900),
            ("ui-run.png", f"/runs/{demo['best']['id']}", 1800),
            ("ui-compare.png", f"/compare?{compare}&x=params.eta&y=metrics.val_auc", 1950),
            ("ui-model.png", model, 900),
            ("ui-version.png", f"{model}/versions/2", 1100),
        ]
        for name, path, height in pages:
            r = requests.get(server.url + path, timeout=30)
            if r.status_code != 200:
                sys.exit(f"GET {path} -> {r.status_code}:\n{r.text[:2000]}")
            shoot(chromium, server.url + path, out / name, f"{args.width},{height}", data_dir)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
