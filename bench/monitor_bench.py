#!/usr/bin/env python3
"""How long one monitor pass takes over a 100,000-prediction window with 20 features.

Issue 7's target: under 1 s. `aviary serve --deployment` serves the 20-feature model from
`serve_model.py train` with a prediction log and a monitor whose window is the newest 100,000
requests; wrk sends 100,000+ single-row requests, each with different rows drawn like the
training data, and every request gets its ground truth through the feedback API. The server
then runs a pass every few seconds: read the window from the log, drift of all 20 features
against a 100,000-row reference (Evidently's tests), and live quality per variant over 100,000
labelled requests. Each pass reports its own duration (`duration_seconds` in
/deployments/NAME/monitors, `aviary_monitor_pass_seconds` in /metrics).

The peer figure is Evidently's DataDriftPreset on the same window and reference, timed in
.venv-evidently: the drift part alone, which Aviary's pass contains.

  .venv-bench/bin/python bench/serve_model.py train --out /tmp/monitor-bench
  .venv-bench/bin/python bench/monitor_bench.py --aviary .build/release/aviary --work /tmp/monitor-bench
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "wrk" / "many_bodies.lua"
PEER = ROOT / "compat" / "peers" / "evidently_peer.py"
COLUMNS = [f"f{i}" for i in range(20)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def post(url: str, body: dict):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as r:
        return json.loads(r.read())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--aviary", required=True)
    p.add_argument("--work", required=True, type=Path, help="the serve_model.py train --out directory")
    p.add_argument("--window", type=int, default=100_000)
    p.add_argument("--passes", type=int, default=5)
    p.add_argument("--evidently-python", default=str(ROOT / ".venv-evidently" / "bin" / "python"))
    opts = p.parse_args()
    work = opts.work
    rng = np.random.default_rng(3)
    reference = work / "monitor-reference.csv"
    np.savetxt(reference, rng.standard_normal((opts.window, 20)), delimiter=",", header=",".join(COLUMNS), comments="", fmt="%.9g")
    bodies = work / "monitor-bodies.jsonl"
    rows = rng.standard_normal((opts.window, 20))
    with open(bodies, "w") as f:
        for row in rows:
            f.write(json.dumps({"dataframe_split": {"columns": COLUMNS, "data": [[float(f"{v:.9g}") for v in row]]}}) + "\n")
    log = work / "monitor-predictions.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{log}{suffix}").unlink(missing_ok=True)
    spec = work / "monitor.yaml"
    spec.write_text(f"name: bench\nrefresh_seconds: 0\nprediction_log: {{path: '{log}', flush_seconds: 1}}\n"
                    f"monitor: {{every_seconds: 4, window: {opts.window}, live_window: {opts.window}, reference: '{reference}'}}\n"
                    f"variants:\n  - {{name: champion, model: '{work / 'model'}', weight: 80}}\n"
                    f"  - {{name: challenger, model: '{work / 'model'}', weight: 20}}\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([opts.aviary, "serve", "--deployment", str(spec), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(300):
            try:
                get(f"{url}/ping")
                break
            except OSError:
                time.sleep(0.1)
        # wrk cycles through the bodies; a little over one window's worth of requests.
        seconds = 2
        while True:
            subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(LUA), f"{url}/deployments/bench/invocations", "--", str(bodies)],
                           capture_output=True, check=True)
            exported = get(f"{url}/deployments/bench/predictions").decode()
            ids = [r["request_id"] for r in csv.DictReader(io.StringIO(exported)) if r["shadow"] == "false"]
            if len(ids) >= opts.window:
                break
        print(f"[monitor-bench] {len(ids):,} requests logged", file=sys.stderr)
        truth = rng.integers(0, 2, size=len(ids))
        for start in range(0, len(ids), 50_000):
            post(f"{url}/deployments/bench/feedback",
                 {"feedback": [{"request_id": i, "truth": int(t)} for i, t in zip(ids[start:start + 50_000], truth[start:start + 50_000])]})
        labelled_since = int(time.time() * 1000)
        durations: list[float] = []
        deadline = time.monotonic() + 60 + 8 * opts.passes
        while len(durations) < opts.passes and time.monotonic() < deadline:
            time.sleep(1)
            passes = json.loads(get(f"{url}/deployments/bench/monitors?since={labelled_since}"))["passes"]
            full = [p for p in passes if p["window_rows"] == opts.window and sum(v.get("rows", 0) for v in p["live"].values()) >= opts.window]
            durations = [p["duration_seconds"] for p in full]
        if len(durations) < opts.passes:
            sys.exit(f"only {len(durations)} full passes ran")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    # The peer: Evidently's DataDriftPreset on the same window (the newest logged rows) and reference.
    current = work / "monitor-current.csv"
    np.savetxt(current, rows, delimiter=",", header=",".join(COLUMNS), comments="", fmt="%.9g")
    start = time.perf_counter()
    subprocess.run([opts.evidently_python, str(PEER), "preset", str(reference), str(current)], capture_output=True, check=True)
    evidently = time.perf_counter() - start

    print(f"| monitor pass, {opts.window:,}-request window × 20 features, {opts.passes} passes | aviary | Evidently DataDriftPreset (drift only, same data) | target |")
    print("|---|---:|---:|---|")
    print(f"| best pass | {min(durations):.3f} s | {evidently:.2f} s (one run, process start included) | < 1 s |")
    print(f"| median pass | {statistics.median(durations):.3f} s | | < 1 s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
