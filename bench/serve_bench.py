#!/usr/bin/env python3
"""Side-by-side serving benchmark: `aviary serve` against `mlflow models serve`.

One run trains a fixed-seed XGBoost model (100 trees, depth 6, binary:logistic, 20 features,
some values missing) and saves it once with `mlflow.xgboost.save_model`. Both servers then
serve that same model directory, one after the other, each on a free loopback port in its
own process group:

  1. startup      seconds from process start to the first 200 from GET /ping
  2. check        one 1-row and one 100-row POST /invocations must answer 200 with
                  {"predictions": [...]} of the right length, within --tolerance of
                  xgboost's own predictions (and of each other)
  3. 1 row        wrk, 16 keep-alive connections, 2 threads: requests/s, p50/p90/p99
  4. 100 rows     the same with 100 rows per request: requests/s, rows/s, p50/p90/p99
  5. memory       RSS summed over the server's process group after the load

With no server running, it also times in-process prediction on one fixed 1,000-row batch:
xgboost's own `Booster.inplace_predict` (nthread 1 and 2) and, when it has been built,
`aviary-predict-bench` on the same batch (CSV) with 1 and 2 threads.

The harness uses only the standard library. Training and inplace_predict run under the
bench venv's python (bench/serve_model.py), which needs mlflow==3.17.2 and
xgboost-cpu==3.1.2 (bench/run.sh serve installs them). Load comes from wrk.

Results: bench/results/serve.json and a markdown table on stdout and in
bench/results/serve_summary.md.

Example:
  python3 bench/serve_bench.py --aviary .build/release/aviary --mlflow .venv-bench/bin/mlflow
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import (WRK_INSTALL_HINT, Server, _cmdline, _status_kb, binary_version, cpu_seconds,
                   busy_cpu_fraction, free_port, machine_info, resolve_binary)

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WRK_DIR = BENCH_DIR / "wrk"
HELPER = BENCH_DIR / "serve_model.py"
XGBOOST_REQUIREMENT = "xgboost-cpu==3.1.2"
MLFLOW_REQUIREMENT = "mlflow==3.17.2"
PEER_INSTALL_HINT = (f"python3 -m venv .venv-bench && .venv-bench/bin/pip install "
                     f"'{MLFLOW_REQUIREMENT}' '{XGBOOST_REQUIREMENT}' pandas")

# From the issue: mlflow 3.17 served this model at 166 requests/s with 1 row per request
# (p50 94 ms, p99 219 ms, 16 connections) and 136 requests/s with 100 rows per request;
# xgboost's inplace_predict did ~630,000 rows/s on one thread and ~1,050,000 on two.
TARGET_SINGLE_RATIO = 50          # aviary 1-row requests/s >= 50x mlflow's
TARGET_SINGLE_P99_MS = 5.0        # aviary 1-row p99 < 5 ms
TARGET_BATCH_RATIO = 30           # aviary 100-row rows/s >= 30x mlflow's
TARGET_INPROCESS_SLOWDOWN = 1.5   # aviary's batch time <= 1.5x xgboost inplace_predict's
LOADS = (("single", "1 row per request"), ("batch100", "100 rows per request"))


def log(msg: str) -> None:
    print(f"[serve-bench] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ process group


def group_pids(pgid: int) -> list[int]:
    """Every live process whose process group is pgid (the server's own session)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5, pgrp
                pids.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(pids)


def group_memory(pgid: int) -> dict:
    """VmRSS (and PSS) in MiB summed over the process group, with a per-process list."""
    per = [(p, _status_kb(p, "VmRSS"), _status_kb(p, "Pss", "smaps_rollup"))
           for p in group_pids(pgid)]
    return {"rss_mb": sum(r for _, r, _ in per) / 1024,
            "pss_mb": sum(s for _, _, s in per) / 1024, "processes": len(per),
            "by_process": [{"pid": p, "rss_mb": round(r / 1024, 1),
                            "pss_mb": round(s / 1024, 1), "cmd": _cmdline(p)}
                           for p, r, s in per]}


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live processes of the group."""
    return cpu_seconds(group_pids(pgid))


# ------------------------------------------------------------------------ model


def run_helper(python: str, args: list[str], timeout: float) -> dict:
    """Runs serve_model.py under the bench venv's python; returns its JSON line."""
    argv = [python, str(HELPER), *args]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` failed (exit {out.returncode}):\n"
                           f"{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_python(python: str) -> str | None:
    """None if python can import mlflow, xgboost and pandas; else what is missing."""
    code = "import xgboost, pandas, mlflow; print(xgboost.__version__, mlflow.__version__)"
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120)
    except OSError as e:
        return f"cannot run {python}: {e}"
    if out.returncode != 0:
        return (out.stderr.strip().splitlines() or ["import failed"])[-1]
    return None


# ------------------------------------------------------------------------- HTTP


def post(port: int, body: bytes, timeout: float = 60.0) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/invocations", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        conn.close()


def check_predictions(port: int, request: dict, tolerance: float) -> dict:
    """POSTs one request body; the reply must be 200 {"predictions": [n numbers]} that
    match xgboost's own predictions within tolerance."""
    body = Path(request["body"]).read_bytes()
    t = time.perf_counter()
    status, ctype, data = post(port, body)
    elapsed = time.perf_counter() - t
    result = {"status": status, "content_type": ctype, "ms": elapsed * 1000,
              "reply_head": data[:300].decode(errors="replace"), "ok": False}
    if status != 200:
        result["problem"] = f"status {status}: {data[:500]!r}"
        return result
    try:
        doc = json.loads(data)
    except ValueError as e:
        result["problem"] = f"reply is not JSON ({e}): {data[:300]!r}"
        return result
    preds = doc.get("predictions") if isinstance(doc, dict) else None
    if not isinstance(preds, list) or not all(isinstance(p, (int, float))
                                              and not isinstance(p, bool) for p in preds):
        result["problem"] = f"reply has no list of numbers under 'predictions': {data[:300]!r}"
        return result
    expected = request["expected"]
    if len(preds) != len(expected):
        result["problem"] = f"{len(preds)} predictions for {len(expected)} rows"
        return result
    diff = max(abs(a - b) for a, b in zip(preds, expected))
    result["max_abs_diff_vs_xgboost"] = diff
    result["predictions"] = preds
    result["other_keys"] = sorted(k for k in doc if k != "predictions")
    if diff > tolerance:
        result["problem"] = (f"predictions differ from xgboost's by up to {diff:.3g} "
                             f"(tolerance {tolerance:g})")
        return result
    result["ok"] = True
    return result


# ------------------------------------------------------------------------- load


WRK_TEXT_LATENCY = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$")


def parse_wrk_text(stdout: str) -> dict:
    """Requests/sec and the --latency distribution as wrk prints them (a cross-check)."""
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    out: dict = {"latency_ms": {}}
    for line in stdout.splitlines():
        m = WRK_TEXT_LATENCY.match(line)
        if m:
            out["latency_ms"][f"p{m.group(1)}"] = float(m.group(2)) * scale[m.group(3)]
        elif line.startswith("Requests/sec:"):
            out["rps"] = float(line.split()[1])
    return out


def run_wrk(port: int, body_file: str, duration: float, opts) -> dict:
    argv = ["wrk", "-t", str(opts.threads), "-c", str(opts.connections),
            "-d", f"{duration:g}s", "--timeout", "30s", "--latency",
            "-s", str(WRK_DIR / "invocations.lua"), f"http://127.0.0.1:{port}/invocations",
            "--", body_file]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            r = json.loads(line[len("WRK_JSON "):])
            secs = r["duration_us"] / 1e6
            socket_errors = sum(v for k, v in r["errors"].items() if k != "status")
            return {"requests": r["requests"], "seconds": secs,
                    "rps": r["requests"] / secs if secs else 0.0,
                    "non200": r["non200"], "socket_errors": socket_errors,
                    "errors": r["errors"],
                    "latency_ms": {k: v / 1000 for k, v in r["latency_us"].items()},
                    "first_error": r["first_error"],
                    "wrk_text": parse_wrk_text(out.stdout),
                    "command": " ".join(argv)}
    raise RuntimeError(f"wrk produced no summary (exit {out.returncode}):\n"
                       f"{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


def cpu_times() -> tuple[int, int]:
    """(total, idle + iowait) jiffies over all cores, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]


def load(port: int, pgid: int, request: dict, opts) -> dict:
    """Warm-up, then the measured wrk pass; adds rows/s, the server's CPU per request and
    how busy the whole machine was (server + wrk + anything else) during the pass."""
    if opts.warmup > 0:
        run_wrk(port, request["body"], opts.warmup, opts)
    cpu0 = group_cpu_seconds(pgid)
    t0 = cpu_times()
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_wrk(port, request["body"], opts.duration, opts)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk has been waited for
    t1 = cpu_times()
    time.sleep(0.2)  # requests in flight at the deadline finish
    cpu = group_cpu_seconds(pgid) - cpu0
    r["rows_per_request"] = request["rows"]
    r["rows_per_s"] = r["rps"] * request["rows"]
    r["server_cpu_s"] = cpu
    r["server_cpu_ms_per_request"] = cpu * 1000 / r["requests"] if r["requests"] else None
    # Server CPU in cores over the pass, and the busy share of all cores (1.0 = saturated).
    r["server_cores"] = cpu / r["seconds"] if r["seconds"] else None
    wrk_cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    r["wrk_cores"] = wrk_cpu / r["seconds"] if r["seconds"] else None
    total, idle = t1[0] - t0[0], t1[1] - t0[1]
    r["machine_cpu_busy"] = 1 - idle / total if total else None
    # What neither the server nor wrk used: other processes competing for the cores.
    if r["machine_cpu_busy"] is not None and r["server_cores"] is not None:
        r["other_cores"] = max(0.0, r["machine_cpu_busy"] * (os.cpu_count() or 1)
                               - r["server_cores"] - (r["wrk_cores"] or 0))
    return r


# ---------------------------------------------------------------------- servers


def server_argv(kind: str, binary: str, model_dir: str, port: int, opts) -> list[str]:
    if kind == "aviary":
        return [binary, "serve", model_dir, "--host", "127.0.0.1", "--port", str(port),
                *opts.aviary_arg]
    argv = [binary, "models", "serve", "-m", model_dir, "--env-manager", "local",
            "-h", "127.0.0.1", "-p", str(port)]
    if opts.mlflow_workers:
        argv += ["--workers", str(opts.mlflow_workers)]
    return argv + opts.mlflow_arg


def server_env(kind: str, binary: str, opts) -> dict[str, str]:
    env = dict(e.split("=", 1) for e in (opts.mlflow_env if kind == "mlflow"
                                         else opts.aviary_env))
    if kind == "mlflow":
        # `mlflow models serve` execs `uvicorn` by name: the venv's bin must be on PATH,
        # as it is when the venv is activated.
        env["PATH"] = str(Path(binary).parent) + os.pathsep + env.get(
            "PATH", os.environ.get("PATH", ""))
    return env


def bench_server(kind: str, binary: str, data: dict, opts) -> dict:
    result: dict = {"server": kind, "binary": binary, "version": binary_version(binary)}
    tmp = Path(tempfile.mkdtemp(prefix=f"serve-bench-{kind}-"))
    port = free_port()
    argv = server_argv(kind, binary, data["model_dir"], port, opts)
    env = server_env(kind, binary, opts)
    result["command"] = " ".join(argv)
    shown_env = {k: v for k, v in env.items() if k != "PATH"}
    if kind == "mlflow":
        shown_env["PATH"] = f"{Path(binary).parent}:$PATH"
    if shown_env:
        result["env"] = shown_env
    server = Server(kind, argv, port, tmp, env, ready_path="/ping")
    log(f"{kind}: starting `{result['command']}`")
    result["busy_cpu_before"] = busy_cpu_fraction()  # nothing of ours runs in this window
    result["loadavg_before"] = os.getloadavg()
    try:
        result["startup_s"] = server.start(opts.startup_timeout)
        pgid = server.proc.pid
        log(f"{kind}: /ping 200 after {result['startup_s']:.3f} s")
        time.sleep(1.0)  # let workers that start after the first 200 come up
        result["memory_after_start"] = group_memory(pgid)
        if kind == "mlflow":
            m = re.search(r"--workers (\d+)", server.log_tail(200))
            result["workers"] = int(m.group(1)) if m else None
            how = (f"--workers {opts.mlflow_workers}" if opts.mlflow_workers
                   else "mlflow's default")
            log(f"{kind}: {result['workers']} uvicorn worker(s) ({how})")

        checks = {name: check_predictions(port, data["requests"][name], opts.tolerance)
                  for name, _ in LOADS}
        result["check"] = checks
        bad = [f"{name}: {c['problem']}" for name, c in checks.items() if not c["ok"]]
        if bad:
            raise RuntimeError("prediction check failed, not loading an erroring server: "
                               + "; ".join(bad))
        log(f"{kind}: predictions match xgboost's (max abs diff "
            f"{max(c['max_abs_diff_vs_xgboost'] for c in checks.values()):.2g})")

        for name, label in LOADS:
            r = load(port, pgid, data["requests"][name], opts)
            result[name] = r
            lat = r["latency_ms"]
            log(f"{kind}: {label}: {r['rps']:,.1f} req/s = {r['rows_per_s']:,.0f} rows/s, "
                f"p50 {lat['p50']:.2f} ms, p90 {lat['p90']:.2f} ms, p99 {lat['p99']:.2f} ms, "
                f"non-200 {r['non200']}, socket errors {r['socket_errors']}, "
                f"server CPU {r['server_cpu_ms_per_request'] or 0:.3f} ms/request "
                f"(server {r['server_cores'] or 0:.2f} cores, wrk {r['wrk_cores'] or 0:.2f}, "
                f"machine {r['machine_cpu_busy']:.0%} busy)")
        result["memory_after_load"] = group_memory(pgid)
        log(f"{kind}: RSS after load {result['memory_after_load']['rss_mb']:.1f} MiB over "
            f"{result['memory_after_load']['processes']} process(es)")
        after = check_predictions(port, data["requests"]["single"], opts.tolerance)
        result["check_after_load"] = {k: v for k, v in after.items() if k != "predictions"}

        problems = []
        for name, _ in LOADS:
            r = result[name]
            if r["non200"] or r["socket_errors"] or not r["requests"]:
                problems.append(f"{name}: {r['requests']} requests, {r['non200']} non-200, "
                                f"{r['socket_errors']} socket errors, "
                                f"first: {r['first_error']}")
        if not after["ok"]:
            problems.append(f"after load: {after['problem']}")
        result["problems"] = problems
        result["valid"] = not problems
    except Exception as e:  # noqa: BLE001 - recorded in the results, the run goes on
        result["error"] = f"{type(e).__name__}: {e}"
        result["valid"] = False
        log(f"{kind}: FAILED: {result['error']}\n--- server log tail ---\n{server.log_tail()}")
    finally:
        server.stop()
        result["server_log_tail"] = server.log_tail(40)
        result["loadavg_after"] = os.getloadavg()
        if opts.keep_data:
            log(f"{kind}: server log kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


# --------------------------------------------------------------------- in-process


def other_cores(t0: tuple[int, int], t1: tuple[int, int], threads: int) -> float | None:
    """Cores busy beyond the `threads` a timing run itself keeps busy (an upper bound on
    what other processes used; loading the model and the batch adds a little)."""
    total, idle = t1[0] - t0[0], t1[1] - t0[1]
    if not total:
        return None
    return max(0.0, (1 - idle / total) * (os.cpu_count() or 1) - threads)


def inprocess(data: dict, opts) -> dict:
    """xgboost inplace_predict and aviary-predict-bench on the same 1,000-row batch."""
    out: dict = {"rows": data["model"]["batch_rows"], "xgboost": {}, "aviary": {}}
    out["busy_cpu_before"] = busy_cpu_fraction()
    for t in opts.inprocess_threads:
        t0 = cpu_times()
        r = run_helper(opts.python, ["inplace", "--model", data["model_dir"],
                                     "--csv", data["batch_csv"], "--threads", str(t),
                                     "--iterations", str(opts.inprocess_iterations)], 600)
        r["other_cores"] = other_cores(t0, cpu_times(), t)
        out["xgboost"][str(t)] = r
        log(f"xgboost inplace_predict, nthread {t}: {r['rows_per_second']:,.0f} rows/s over "
            f"{r['iterations']} calls (median call {r['rows_per_second_median']:,.0f}, "
            f"best {r['rows_per_second_best']:,.0f})")
    if opts.skip_aviary:
        out["aviary_note"] = "skipped (--skip-aviary)"
        return out
    binary = resolve_binary(opts.predict_bench) if opts.predict_bench else None
    if binary is None:
        out["aviary_note"] = (f"{opts.predict_bench} not found; build it with "
                              "`swift build -c release` to compare in-process prediction")
        log(f"aviary-predict-bench: {out['aviary_note']}")
        return out
    for t in opts.inprocess_threads:
        argv = [binary, data["model_dir"], "--rows", str(out["rows"]),
                "--iterations", str(opts.inprocess_iterations), "--threads", str(t),
                "--input", data["batch_csv"]]
        try:
            t0 = cpu_times()
            p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
            t1 = cpu_times()
            line = next((l for l in reversed(p.stdout.splitlines())
                         if l.strip().startswith("{")), None)
            if p.returncode != 0 or line is None:
                raise RuntimeError(f"exit {p.returncode}: {(p.stderr or p.stdout)[-1000:]}")
            r = json.loads(line)
            r["command"] = " ".join(argv)
            r["other_cores"] = other_cores(t0, t1, t)
            out["aviary"][str(t)] = r
            log(f"aviary-predict-bench, {t} thread(s): {r['rows_per_second']:,.0f} rows/s")
        except Exception as e:  # noqa: BLE001
            out["aviary"][str(t)] = {"error": f"{type(e).__name__}: {e}",
                                     "command": " ".join(argv)}
            log(f"aviary-predict-bench, {t} thread(s): FAILED: {e}")
    return out


# ---------------------------------------------------------------------- summary


def get(r, *path):
    for p in path:
        if not isinstance(r, dict) or p not in r:
            return None
        r = r[p]
    return r


def num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fmt(v, digits) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    return f"{v:,.{digits}f}"


def evaluate(results: dict) -> dict:
    """Ratios and whether each target from the issue is met (None when not measurable)."""
    av, ml = results["servers"].get("aviary"), results["servers"].get("mlflow")
    av_ok, ml_ok = get(av, "valid"), get(ml, "valid")
    t: dict = {}
    a, m = get(av, "single", "rps"), get(ml, "single", "rps")
    ratio = a / m if av_ok and ml_ok and num(a) and num(m) and m else None
    t["single_rps_ratio"] = {"value": ratio, "target": f">= {TARGET_SINGLE_RATIO}",
                             "met": None if ratio is None else ratio >= TARGET_SINGLE_RATIO}
    p99 = get(av, "single", "latency_ms", "p99") if av_ok else None
    t["single_p99_ms"] = {"value": p99, "target": f"< {TARGET_SINGLE_P99_MS:g} ms",
                          "met": None if p99 is None else p99 < TARGET_SINGLE_P99_MS}
    a, m = get(av, "batch100", "rows_per_s"), get(ml, "batch100", "rows_per_s")
    ratio = a / m if av_ok and ml_ok and num(a) and num(m) and m else None
    t["batch100_rows_ratio"] = {"value": ratio, "target": f">= {TARGET_BATCH_RATIO}",
                                "met": None if ratio is None else ratio >= TARGET_BATCH_RATIO}
    for th, xr in (get(results, "inprocess", "xgboost") or {}).items():
        ar = get(results, "inprocess", "aviary", th, "rows_per_second")
        slowdown = xr["rows_per_second"] / ar if num(ar) and ar else None
        t[f"inprocess_slowdown_{th}t"] = {
            "value": slowdown, "target": f"<= {TARGET_INPROCESS_SLOWDOWN:g}",
            "met": None if slowdown is None else slowdown <= TARGET_INPROCESS_SLOWDOWN}
    return t


def summary_markdown(results: dict, opts) -> str:
    av, ml = results["servers"].get("aviary"), results["servers"].get("mlflow")
    targets = results["targets"]

    def met(key):
        v = targets.get(key, {}).get("met")
        return "—" if v is None else ("yes" if v else "**no**")

    rows = [
        ("start to first `/ping` 200 (s)", ("startup_s",), 3, "", None),
        ("1 row/request: requests/s", ("single", "rps"), 1,
         f"≥ {TARGET_SINGLE_RATIO}× mlflow", "single_rps_ratio"),
        ("1 row/request: p50 (ms)", ("single", "latency_ms", "p50"), 2, "", None),
        ("1 row/request: p90 (ms)", ("single", "latency_ms", "p90"), 2, "", None),
        ("1 row/request: p99 (ms)", ("single", "latency_ms", "p99"), 2,
         f"aviary < {TARGET_SINGLE_P99_MS:g} ms", "single_p99_ms"),
        ("1 row/request: server CPU ms/request", ("single", "server_cpu_ms_per_request"), 3,
         "", None),
        ("1 row/request: server CPU cores in use", ("single", "server_cores"), 2, "", None),
        ("100 rows/request: requests/s", ("batch100", "rps"), 1, "", None),
        ("100 rows/request: rows/s", ("batch100", "rows_per_s"), 0,
         f"≥ {TARGET_BATCH_RATIO}× mlflow", "batch100_rows_ratio"),
        ("100 rows/request: p50 (ms)", ("batch100", "latency_ms", "p50"), 2, "", None),
        ("100 rows/request: p90 (ms)", ("batch100", "latency_ms", "p90"), 2, "", None),
        ("100 rows/request: p99 (ms)", ("batch100", "latency_ms", "p99"), 2, "", None),
        ("100 rows/request: server CPU ms/request",
         ("batch100", "server_cpu_ms_per_request"), 3, "", None),
        ("100 rows/request: server CPU cores in use", ("batch100", "server_cores"), 2, "",
         None),
        ("non-200 responses + socket errors (must be 0)", ("_errors",), 0, "", None),
        ("RSS after load, process group (MiB)", ("memory_after_load", "rss_mb"), 1, "", None),
        ("processes in the group", ("memory_after_load", "processes"), 0, "", None),
    ]
    for r in (av, ml):
        if r and "single" in r and "batch100" in r:
            r["_errors"] = sum(r[k]["non200"] + r[k]["socket_errors"]
                               for k in ("single", "batch100"))
    lines = ["| measurement | aviary | mlflow | ratio (aviary ÷ mlflow) | target | met |",
             "|---|---:|---:|---:|---|---|"]
    for label, path, digits, target, key in rows:
        a, m = get(av, *path), get(ml, *path)
        ratio = "—"
        if num(a) and num(m) and m and "must be 0" not in label and "processes" not in label:
            ratio = f"{a / m:,.3g}×"
        lines.append(f"| {label} | {fmt(a, digits)} | {fmt(m, digits)} | {ratio} | "
                     f"{target} | {met(key) if key else ''} |")
    for r in (av, ml):
        if r:
            r.pop("_errors", None)

    ip = results.get("inprocess") or {}
    if ip:
        lines += ["", f"In-process prediction, one {ip.get('rows', 1000):,}-row float32 batch "
                  "(rows/s over all timed calls, as aviary-predict-bench reports it):", "",
                  "| threads | aviary-predict-bench | xgboost inplace_predict | "
                  "aviary time ÷ xgboost time | target | met | xgboost, median call |",
                  "|---:|---:|---:|---:|---|---|---:|"]
        for th, xr in ip.get("xgboost", {}).items():
            ar = get(ip, "aviary", th, "rows_per_second")
            t = targets.get(f"inprocess_slowdown_{th}t", {})
            lines.append(f"| {th} | {fmt(ar, 0)} | {fmt(xr['rows_per_second'], 0)} | "
                         f"{fmt(t.get('value'), 2)} | ≤ {TARGET_INPROCESS_SLOWDOWN:g} | "
                         f"{met(f'inprocess_slowdown_{th}t')} | "
                         f"{fmt(xr.get('rows_per_second_median'), 0)} |")

    mi = results["machine"]
    md = results["model"]
    notes = [f"Machine: {mi['cores']} cores ({mi['cpu']}), {mi['mem_gib']} GiB; server and "
             "load generator share the cores.",
             f"Model: {md['trees']} trees, depth {md['max_depth']}, binary:logistic, "
             f"{md['features']} features, trained on {md['train_rows']:,} rows "
             f"(seed {md['seed']}, {md['nan_fraction']:.0%} missing), saved by "
             f"mlflow.xgboost.save_model as {md['model_format']} "
             f"(xgboost {results['versions']['xgboost']}, "
             f"mlflow {results['versions']['mlflow']}).",
             f"Load: wrk -t {opts.threads} -c {opts.connections} --latency, "
             f"{opts.duration:g} s measured after {opts.warmup:g} s of warm-up, POST "
             "/invocations with a `dataframe_split` body "
             f"({results['requests']['single']['bytes']:,} bytes for 1 row, "
             f"{results['requests']['batch100']['bytes']:,} for 100).",
             f"Before loading, each server's replies were checked against xgboost's own "
             f"predictions (tolerance {opts.tolerance:g})."]
    cross = results.get("cross_check")
    if cross:
        notes.append(f"aviary vs mlflow predictions: max abs difference "
                     f"{cross['max_abs_diff']:.3g} "
                     f"({'within' if cross['ok'] else '**outside**'} {opts.tolerance:g}).")
    notes.append("Issue reference (mlflow 3.17, same model): 166 requests/s with 1 row "
                 "(p50 94 ms, p99 219 ms), 136 requests/s with 100 rows; xgboost "
                 "inplace_predict ~630,000 rows/s on one thread, ~1,050,000 on two.")
    for name, r in results["servers"].items():
        busy = r.get("busy_cpu_before")
        if busy is not None and busy > 0.2:
            notes.append(f"**{name}: the machine was busy before the run** ({busy:.0%} of "
                         "the CPU in use by other processes): figures are noisy.")
        for key, label in LOADS:
            other = get(r, key, "other_cores")
            if other is not None and other > 0.2:
                notes.append(f"**{name}, {label}: other processes used {other:.2f} of the "
                             f"{mi['cores']} cores during the measured pass** (server "
                             f"{r[key]['server_cores']:.2f}, wrk {r[key]['wrk_cores']:.2f}): "
                             "figures are noisy.")
        if "command" in r:
            extra = ""
            if name == "mlflow":
                extra = f", {r.get('workers')} uvicorn worker(s)"
            notes.append(f"{name}: `{r['command']}` (`{r.get('version')}`){extra}.")
        if r.get("error"):
            notes.append(f"**{name} failed:** {r['error'].splitlines()[0]}")
        for p in r.get("problems", []):
            notes.append(f"**{name} INVALID:** {p}")
    busy = ip.get("busy_cpu_before")
    if busy is not None and busy > 0.2:
        notes.append(f"**in-process: the machine was busy before the run** ({busy:.0%}).")
    for who in ("xgboost", "aviary"):
        for th, r in (ip.get(who) or {}).items():
            other = r.get("other_cores")
            if other is not None and other > 0.3:
                notes.append(f"**in-process, {who}, {th} thread(s): about {other:.2f} more "
                             "cores were busy than the timing used**: figures are noisy.")
    if ip.get("aviary_note"):
        notes.append(f"aviary-predict-bench: {ip['aviary_note']}.")
    for th, r in (ip.get("aviary") or {}).items():
        if r.get("error"):
            notes.append(f"**aviary-predict-bench, {th} thread(s), failed:** "
                         f"{r['error'].splitlines()[0]}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"


# ------------------------------------------------------------------------- main


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Benchmark `aviary serve` against `mlflow models serve` on the same "
                    "XGBoost model (100 trees, depth 6, 20 features), plus in-process "
                    "prediction against xgboost's inplace_predict.",
        epilog="Results: bench/results/serve.json and bench/results/serve_summary.md. "
               f"Needs wrk ({WRK_INSTALL_HINT}) and a venv with the peer "
               f"({PEER_INSTALL_HINT}); `bench/run.sh serve` installs the peer. "
               "Exit status 0 only if every requested part ran and is valid.",
)
    p.add_argument("--aviary", metavar="BIN", default=str(REPO / ".build/release/aviary"),
                   help="the aviary executable, run as `aviary serve DIR --host 127.0.0.1 "
                        "--port P` (.build/release/aviary)")
    p.add_argument("--mlflow", metavar="BIN", default=str(REPO / ".venv-bench/bin/mlflow"),
                   help="an mlflow executable of a full install (.venv-bench/bin/mlflow), "
                        "in a venv that also has "
                        f"{XGBOOST_REQUIREMENT} (its bin directory is put on PATH, since "
                        "`mlflow models serve` runs `uvicorn` by name)")
    p.add_argument("--python", metavar="BIN", default=None,
                   help="python with mlflow, xgboost and pandas, used to train and save the "
                        "model and to time inplace_predict (default: the python beside "
                        "--mlflow, else .venv-bench/bin/python)")
    p.add_argument("--predict-bench", metavar="BIN",
                   default=str(REPO / ".build/release/aviary-predict-bench"),
                   help="aviary's in-process benchmark (`BIN MODEL_DIR --rows 1000 "
                        "--iterations N --threads T --input CSV`, one JSON line with "
                        "rows_per_second; .build/release/aviary-predict-bench); skipped "
                        "with a note when missing")
    p.add_argument("--skip-aviary", action="store_true",
                   help="do not run aviary serve or aviary-predict-bench")
    p.add_argument("--skip-mlflow", action="store_true",
                   help="do not run mlflow models serve (the model is still trained and "
                        "saved with the venv's mlflow)")
    p.add_argument("--skip-inprocess", action="store_true",
                   help="skip the in-process timings (inplace_predict, aviary-predict-bench)")
    p.add_argument("--duration", type=int, default=10, metavar="S",
                   help="measured seconds per load test, 1 row and 100 rows; whole "
                        "seconds, as wrk takes them (10)")
    p.add_argument("--warmup", type=int, default=2, metavar="S",
                   help="seconds of unmeasured load before each load test; 0 for none (2)")
    p.add_argument("--connections", type=int, default=16, metavar="N",
                   help="wrk keep-alive connections (16)")
    p.add_argument("--threads", type=int, default=2, metavar="N", help="wrk threads (2)")
    p.add_argument("--mlflow-workers", type=int, default=None, metavar="N",
                   help="pass `--workers N` to mlflow models serve (default: not passed, "
                        "so mlflow's own default applies: 1 uvicorn worker, or "
                        "MLFLOW_MODELS_WORKERS if set); the count used is recorded")
    p.add_argument("--mlflow-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for mlflow models serve (repeatable)")
    p.add_argument("--aviary-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for aviary serve (repeatable)")
    p.add_argument("--aviary-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `aviary serve`, e.g. --aviary-arg=--workers "
                        "--aviary-arg=2 (repeatable)")
    p.add_argument("--mlflow-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `mlflow models serve` (repeatable)")
    p.add_argument("--inprocess-iterations", type=int, default=500, metavar="N",
                   help="timed predictions of the 1,000-row batch per thread count "
                        "(after 20 warm-ups for inplace_predict); rows/s is over all of "
                        "them (500)")
    p.add_argument("--inprocess-threads", default="1,2", metavar="LIST",
                   help="comma-separated thread counts for the in-process timings (1,2)")
    p.add_argument("--tolerance", type=float, default=1e-5, metavar="X",
                   help="largest absolute difference allowed between a server's predictions "
                        "and xgboost's, and between the two servers (1e-5)")
    p.add_argument("--seed", type=int, default=42, metavar="N",
                   help="seed for the training data and the batch (42)")
    p.add_argument("--model-format", choices=("ubj", "json", "xgb"), default="ubj",
                   help="model_format for mlflow.xgboost.save_model (ubj, mlflow's default)")
    p.add_argument("--startup-timeout", type=float, default=180, metavar="S",
                   help="seconds to wait for the first GET /ping 200 (180)")
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"), metavar="DIR",
                   help="where serve.json and serve_summary.md are written (bench/results)")
    p.add_argument("--keep-data", action="store_true",
                   help="keep the temp directory (model, batch.csv, request bodies, server "
                        "logs) and print where it is")
    opts = p.parse_args(argv)
    for e in opts.mlflow_env + opts.aviary_env:
        if "=" not in e:
            p.error(f"environment setting {e!r} is not KEY=VALUE")
    try:
        opts.inprocess_threads = [int(t) for t in opts.inprocess_threads.split(",") if t]
    except ValueError:
        p.error("--inprocess-threads must be a comma-separated list of integers")
    if (opts.inprocess_iterations < 1 or opts.duration < 1 or opts.warmup < 0
            or opts.connections < 1):
        p.error("--inprocess-iterations, --duration and --connections must be at least 1, "
                "--warmup at least 0")
    if opts.python is None:
        beside = Path(opts.mlflow).parent / "python"
        opts.python = str(beside if beside.exists() else REPO / ".venv-bench/bin/python")
    return opts


def main(argv=None) -> int:
    opts = parse_args(argv)
    if shutil.which("wrk") is None:
        log(f"wrk is not installed; install it with: {WRK_INSTALL_HINT}")
        return 2
    missing = check_python(opts.python)
    if missing:
        log(f"{opts.python} cannot train the model ({missing}); install the peer with: "
            f"{PEER_INSTALL_HINT} (or run bench/run.sh serve)")
        return 2

    results_dir = Path(opts.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    results: dict = {"machine": machine_info(), "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                     "settings": {"duration_s": opts.duration, "warmup_s": opts.warmup,
                                  "connections": opts.connections, "wrk_threads": opts.threads,
                                  "tolerance": opts.tolerance,
                                  "inprocess_iterations": opts.inprocess_iterations,
                                  "inprocess_threads": opts.inprocess_threads,
                                  "mlflow_workers_flag": opts.mlflow_workers},
                     "servers": {}}
    try:
        log(f"training and saving the model with {opts.python}")
        data = run_helper(opts.python, ["train", "--out", str(work), "--seed", str(opts.seed),
                                        "--model-format", opts.model_format], 600)
        log(f"model saved in {data['model_dir']} ({', '.join(data['model']['files'])}); "
            f"trained in {data['train_s']:.2f} s")
        results["model"] = data["model"]
        results["versions"] = data["versions"]
        results["requests"] = {k: {kk: vv for kk, vv in v.items() if kk != "expected"}
                               for k, v in data["requests"].items()}

        if not opts.skip_inprocess:
            results["inprocess"] = inprocess(data, opts)

        for kind in ("aviary", "mlflow"):
            if getattr(opts, f"skip_{kind}"):
                continue
            given = getattr(opts, kind)
            binary = resolve_binary(given)
            if binary is None:
                results["servers"][kind] = {"server": kind, "binary": given, "valid": False,
                                            "error": f"binary not found or not executable: "
                                                     f"{given}"}
                log(f"{kind}: {results['servers'][kind]['error']}")
                continue
            results["servers"][kind] = bench_server(kind, binary, data, opts)

        av, ml = results["servers"].get("aviary"), results["servers"].get("mlflow")
        if get(av, "check") and get(ml, "check"):
            diffs = [max((abs(a - b) for a, b in zip(av["check"][n]["predictions"],
                                                     ml["check"][n]["predictions"])),
                         default=0.0)
                     for n, _ in LOADS
                     if av["check"][n].get("predictions")
                     and ml["check"][n].get("predictions")]
            if diffs:
                results["cross_check"] = {"max_abs_diff": max(diffs),
                                          "ok": max(diffs) <= opts.tolerance}
        for r in results["servers"].values():  # predictions are in the reference already
            for c in (r.get("check") or {}).values():
                c.pop("predictions", None)
        results["targets"] = evaluate(results)
    finally:
        if opts.keep_data:
            log(f"model, batch and request bodies kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    (results_dir / "serve.json").write_text(json.dumps(results, indent=2) + "\n")
    summary = summary_markdown(results, opts)
    (results_dir / "serve_summary.md").write_text(summary)
    print(summary)
    ok = all(r.get("valid") for r in results["servers"].values())
    ok = ok and (results.get("cross_check") or {}).get("ok", True)
    ip = results.get("inprocess") or {}
    ok = ok and not any(r.get("error") for r in (ip.get("aviary") or {}).values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
