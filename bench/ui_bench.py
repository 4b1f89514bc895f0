#!/usr/bin/env python3
"""Benchmark of Aviary's server-rendered web UI against what MLflow's UI fetches.

For each server binary given, the harness starts the server on a free loopback port with a
fresh temporary data directory (SQLite), seeds it over REST, measures it and stops it again:

  seeding   experiment `ui-bench` with N runs (runs/create, then one runs/log-batch with
            metrics m0..m4, params p0..p4 and tags team, stage), and experiment
            `ui-bench-chart` with one run whose metric `loss` has P points
            (log-batch, 1000 metrics per request, steps 0..P-1), from several keep-alive
            client threads.
  aviary    (a) GET /experiments/{id}                       the experiment page, first page
            (b) GET /experiments/{id}?order_by=metrics.m0 DESC
            (c) GET /experiments/{id}?filter=metrics.m1 > 0.5 AND params.p0 = 'v3'
            (d) GET /runs/{big_run_id}                      run page, P-point chart inline
  mlflow    the JSON its React UI fetches for the same views (it renders client-side):
            (a') POST /ajax-api/2.0/mlflow/runs/search  order_by attributes.start_time DESC
            (b') same, order_by metrics.m0 DESC
            (c') same as (a') with the filter
            (d') GET /ajax-api/2.0/mlflow/metrics/get-history-bulk-interval (max_results=320,
                 what its charts ask for)
  both      (e)  GET /api/2.0/mlflow/metrics/get-history for the P-point run, once: what a
                 client that does not downsample gets.

Timed requests are sequential over one keep-alive connection, after warm-up requests.
Every response is checked against the seeded data (rows, order, chart attributes).

Results: a markdown table on stdout and in bench/results/ui.md, everything in
bench/results/ui.json. Standard library only; helpers come from bench/bench.py.

Example:
  python3 bench/ui_bench.py --aviary .build/release/aviary --mlflow .venv-bench/bin/mlflow
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import bench as core  # noqa: E402  (bench/bench.py: Client, Server, machine_info, ...)

API = core.API                       # /api/2.0/mlflow
AJAX = "/ajax-api/2.0/mlflow"
FILTER = "metrics.m1 > 0.5 AND params.p0 = 'v3'"
ORDER_METRIC = "metrics.m0 DESC"
PAGE_ROWS = 50                       # rows on one page of Aviary's experiment view (contract)
MLFLOW_PAGE = 100                    # max_results in the runs/search the brief specifies
MLFLOW_CHART_POINTS = 320            # max_results MLflow's charts send to bulk-interval
CHART_MAX_POINTS = 2400              # contract: longer histories are downsampled to <= this
METRICS_PER_REQUEST = 1000           # MLflow's log-batch limit
TARGET_MS = 100.0                    # the p50 target for (a) and (d)


def log(msg: str) -> None:
    print(f"[ui-bench] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ seeded data


def run_values(i: int, seed: int = 7) -> dict:
    """The metrics, params and tags of seeded run i: deterministic, so pages can be checked."""
    rng = random.Random(seed * 1_000_003 + i)
    return {"metrics": {f"m{k}": rng.random() for k in range(5)},
            "params": {f"p{k}": f"v{rng.randrange(10)}" for k in range(5)},
            "tags": {"team": f"t{rng.randrange(10)}", "stage": rng.choice(("dev", "prod"))}}


def loss_value(step: int, points: int, rng: random.Random) -> float:
    """A noisy, decaying training curve."""
    x = step / max(1, points)
    return 0.05 + 2.0 * math.exp(-5.0 * x) + rng.gauss(0.0, 0.02 + 0.1 * math.exp(-3.0 * x))


class Seeder:
    """Keep-alive clients, one per thread, that retry a request once on a 5xx or a reset."""

    def __init__(self, port: int):
        self.port = port
        self.local = threading.local()
        self.retries = 0
        self.lock = threading.Lock()

    def client(self) -> core.Client:
        c = getattr(self.local, "client", None)
        if c is None:
            c = self.local.client = core.Client(self.port, timeout=300)
        return c

    def post(self, path: str, payload: dict) -> dict:
        body = json.dumps(payload).encode()
        for attempt in range(4):
            try:
                status, data = self.client().raw("POST", API + path, body)
            except OSError as e:
                status, data = 0, repr(e).encode()
                self.client().close()
            if status == 200:
                return json.loads(data) if data else {}
            if (status and status < 500) or attempt == 3:
                raise RuntimeError(f"POST {API}{path} -> {status}: {data[:500]!r}")
            with self.lock:
                self.retries += 1
            time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")


def seed_runs(seeder: Seeder, experiment_id: str, n: int, t0_ms: int, concurrency: int,
              kind: str) -> list[str]:
    """Creates runs 0..n-1 (start_time t0_ms + i s); returns their ids, index i -> id."""
    ids: list[str | None] = [None] * n

    def chunk(start: int, end: int) -> int:
        for i in range(start, end):
            v = run_values(i)
            start_ms = t0_ms + i * 1000
            run_id = seeder.post("/runs/create", {
                "experiment_id": experiment_id, "run_name": f"run-{i:05d}",
                "start_time": start_ms})["run"]["info"]["run_id"]
            seeder.post("/runs/log-batch", {
                "run_id": run_id,
                "metrics": [{"key": k, "value": x, "timestamp": start_ms, "step": 0}
                            for k, x in v["metrics"].items()],
                "params": [{"key": k, "value": x} for k, x in v["params"].items()],
                "tags": [{"key": k, "value": x} for k, x in v["tags"].items()]})
            ids[i] = run_id
        return end - start

    size = 50
    t0 = last = time.perf_counter()
    done = 0
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(chunk, s, min(n, s + size)) for s in range(0, n, size)]
        for f in as_completed(futures):
            done += f.result()
            now = time.perf_counter()
            if now - last > 10 or done == n:
                log(f"{kind}:   {done}/{n} runs ({done / (now - t0):.0f} runs/s)")
                last = now
    return ids  # type: ignore[return-value]


def seed_history(seeder: Seeder, run_id: str, points: int, t0_ms: int, concurrency: int,
                 kind: str) -> None:
    """Logs `loss` at steps 0..points-1, METRICS_PER_REQUEST per log-batch."""
    def chunk(start: int) -> int:
        rng = random.Random(start)
        end = min(points, start + METRICS_PER_REQUEST)
        seeder.post("/runs/log-batch", {"run_id": run_id, "metrics": [
            {"key": "loss", "value": loss_value(s, points, rng), "timestamp": t0_ms + s * 10,
             "step": s} for s in range(start, end)]})
        return end - start

    t0 = last = time.perf_counter()
    done = 0
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(chunk, s) for s in range(0, points, METRICS_PER_REQUEST)]
        for f in as_completed(futures):
            done += f.result()
            now = time.perf_counter()
            if now - last > 10 or done == points:
                log(f"{kind}:   {done}/{points} points ({done / (now - t0):.0f} points/s)")
                last = now


# ------------------------------------------------------------------------ timing


def timed(client: core.Client, method: str, path: str, body: bytes | None, warmup: int,
          samples: int, server_pid: int | None = None) -> tuple[dict, int, bytes]:
    """warmup + samples sequential requests; returns (stats, last status, last body)."""
    status, data = 0, b""
    for _ in range(warmup):
        status, data = client.raw(method, path, body)
    times, non200, sizes = [], 0, set()
    cpu0 = core.tree_cpu_seconds(server_pid) if server_pid else None
    for _ in range(samples):
        t = time.perf_counter()
        status, data = client.raw(method, path, body)
        times.append(time.perf_counter() - t)
        sizes.add(len(data))
        if status != 200:
            non200 += 1
    cpu = core.tree_cpu_seconds(server_pid) - cpu0 if server_pid else None
    ms = sorted(x * 1000 for x in times)
    stats = {"request": f"{method} {path}" + (f" {body.decode()}" if body else ""),
             "samples": samples, "warmups": warmup,
             "p50_ms": core.percentile(ms, 50), "p95_ms": core.percentile(ms, 95),
             "mean_ms": statistics.fmean(ms), "min_ms": ms[0], "max_ms": ms[-1],
             "bytes": len(data), "distinct_sizes": len(sizes), "non200": non200,
             "last_status": status}
    if cpu is not None:
        stats["server_cpu_ms_per_request"] = cpu * 1000 / samples
    return stats, status, data


def timed_once(client: core.Client, path: str, server_pid: int) -> tuple[dict, int, bytes]:
    cpu0 = core.tree_cpu_seconds(server_pid)
    t = time.perf_counter()
    status, data = client.raw("GET", path)
    ms = (time.perf_counter() - t) * 1000
    cpu = core.tree_cpu_seconds(server_pid) - cpu0
    return ({"request": f"GET {path}", "samples": 1, "warmups": 0, "p50_ms": ms, "p95_ms": ms,
             "mean_ms": ms, "min_ms": ms, "max_ms": ms, "bytes": len(data),
             "non200": int(status != 200), "last_status": status,
             "server_cpu_ms_per_request": cpu * 1000}, status, data)


# ------------------------------------------------------------------------ checks


class Checks:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, view: str, name: str, ok: bool, detail: str = "") -> bool:
        self.items.append({"view": view, "check": name, "ok": bool(ok),
                           "detail": "" if ok else detail})
        if not ok:
            log(f"  CHECK FAILED [{view}] {name}: {detail}")
        return bool(ok)

    @property
    def failed(self) -> list[dict]:
        return [c for c in self.items if not c["ok"]]


ROW_RE = re.compile(r'<tr\b[^>]*\bdata-run-id="([^"]*)"')
CELL_RE = re.compile(r'<td\b[^>]*\bdata-column="([^"]*)"[^>]*>(.*?)</td>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def text_of(fragment: str) -> str:
    return html.unescape(TAG_RE.sub("", fragment)).strip()


def page_rows(doc: str) -> list[tuple[str, dict[str, str]]]:
    """(run id, {data-column: cell text}) per `<tr data-run-id>` row of the page."""
    starts = [m for m in ROW_RE.finditer(doc)]
    rows = []
    for k, m in enumerate(starts):
        end = doc.find("</tr>", m.end())
        segment = doc[m.end(): end if end >= 0 else None]
        cells = {html.unescape(c): text_of(v) for c, v in CELL_RE.findall(segment)}
        rows.append((html.unescape(m.group(1)), cells))
    return rows


def first_diff(got: list[str], want: list[str]) -> str:
    for k, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"row {k}: got {g}, expected {w}"
    return f"got {len(got)} rows, expected {len(want)}"


def check_experiment_page(checks: Checks, view: str, status: int, data: bytes,
                          want_ids: list[str], ids: list[str], total_matches: int) -> None:
    doc = data.decode("utf-8", errors="replace")
    if not checks.add(view, "HTTP 200", status == 200, f"got {status}: {doc[:300]!r}"):
        return
    checks.add(view, '<form id="runs-form" action="/compare" method="get">',
               has_tag(doc, "form", id="runs-form", action="/compare"), "form missing")
    checks.add(view, '<table id="runs">', has_tag(doc, "table", id="runs"), "table missing")
    rows = page_rows(doc)
    got = [r[0] for r in rows]
    checks.add(view, f"rows and order ({len(want_ids)} expected)", got == want_ids,
               first_diff(got, want_ids))
    if total_matches > PAGE_ROWS:
        checks.add(view, '"Next page" link rel="next"',
                   re.search(r'<a\b[^>]*rel="next"', doc) is not None, "no rel=next link")
    for run_id in got[:PAGE_ROWS]:
        if not (has_tag(doc, "input", type="checkbox", name="runs", value=run_id)
                and has_tag(doc, "a", href=f"/runs/{run_id}")):
            checks.add(view, "row checkbox and /runs link", False, f"run {run_id}")
            break
    else:
        checks.add(view, "row checkbox and /runs link", bool(got))
    # Default columns: every metric and param key on the page; metrics formatted %.6g.
    index = {run_id: i for i, run_id in enumerate(ids)}
    bad = []
    for run_id, cells in rows[:PAGE_ROWS]:
        if run_id not in index:
            bad.append(f"unknown run {run_id}")
            continue
        v = run_values(index[run_id])
        for k, x in v["metrics"].items():
            if cells.get(f"metrics.{k}") != "%.6g" % x:
                bad.append(f"{run_id} metrics.{k}: got {cells.get(f'metrics.{k}')!r}, "
                           f"expected {'%.6g' % x!r}")
        for k, x in v["params"].items():
            if cells.get(f"params.{k}") != x:
                bad.append(f"{run_id} params.{k}: got {cells.get(f'params.{k}')!r}, "
                           f"expected {x!r}")
        if len(bad) > 5:
            break
    if rows:
        checks.add(view, "metric (%.6g) and param cells match the seeded values", not bad,
                   "; ".join(bad[:5]))


def has_tag(doc: str, tag: str, /, **attrs: str) -> bool:
    """Whether doc has a <tag> start tag carrying every attr="value" given, in any order."""
    looks = "".join(r'(?=[^>]*\s' + re.escape(k.replace("_", "-")) + r'="' +
                    re.escape(html.escape(v, quote=True)) + r'")' for k, v in attrs.items())
    return re.search(r'<' + tag + r'\b' + looks + r'[^>]*>', doc) is not None


PATH_RE = re.compile(r'<path\b[^>]*\bclass="series"[^>]*>')


def attr(tag: str, name: str) -> str | None:
    m = re.search(r'\b' + re.escape(name) + r'="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def check_run_page(checks: Checks, view: str, status: int, data: bytes, run_id: str,
                   run_name: str, points: int) -> dict:
    doc = data.decode("utf-8", errors="replace")
    info: dict = {}
    if not checks.add(view, "HTTP 200", status == 200, f"got {status}: {doc[:300]!r}"):
        return info
    h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", doc, re.S)
    checks.add(view, "<h1> is the run name", h1 is not None and text_of(h1.group(1)) == run_name,
               f"got {text_of(h1.group(1)) if h1 else None!r}")
    for section in ("info", "params", "metrics", "charts", "tags", "inputs", "artifacts"):
        checks.add(view, f'<section id="{section}">',
                   re.search(r'<section\b[^>]*\bid="' + section + '"', doc) is not None,
                   "missing")
    checks.add(view, '<svg class="chart" data-metric="loss" data-x="step">',
               has_tag(doc, "svg", **{"class": "chart", "data-metric": "loss", "data-x": "step"}),
               "missing")
    paths = PATH_RE.findall(doc)
    ours = [p for p in paths if attr(p, "data-run") == run_id]
    if not checks.add(view, '<path class="series" data-run="{run}">', bool(ours),
                      f"{len(paths)} series paths, none for this run"):
        return info
    p = ours[0]
    total, drawn, d = attr(p, "data-total"), attr(p, "data-points"), attr(p, "d") or ""
    info = {"data_total": total, "data_points": drawn, "path_d_chars": len(d)}
    checks.add(view, f'data-total="{points}"', total == str(points), f"got {total!r}")
    try:
        n_drawn = int(drawn or "")
    except ValueError:
        n_drawn = -1
    limit = CHART_MAX_POINTS if points > CHART_MAX_POINTS else points
    checks.add(view, f"0 < data-points <= {limit}", 0 < n_drawn <= limit, f"got {drawn!r}")
    if points <= CHART_MAX_POINTS:
        checks.add(view, "data-points == data-total (short history drawn point for point)",
                   drawn == total, f"data-points {drawn!r}, data-total {total!r}")
    vertices = len(re.findall(r"[ML]", d))
    info["path_vertices"] = vertices
    checks.add(view, "one M/L vertex per drawn point", vertices == n_drawn,
               f"{vertices} vertices, data-points {drawn!r}")
    return info


def check_search(checks: Checks, view: str, status: int, data: bytes, want_ids: list[str],
                 total_matches: int) -> None:
    if not checks.add(view, "HTTP 200", status == 200, f"got {status}: {data[:300]!r}"):
        return
    doc = json.loads(data)
    got = [r["info"]["run_id"] for r in doc.get("runs", [])]
    checks.add(view, f"runs and order ({len(want_ids)} expected)", got == want_ids,
               first_diff(got, want_ids))
    if total_matches > MLFLOW_PAGE:
        checks.add(view, "next_page_token", bool(doc.get("next_page_token")), "missing")


# ------------------------------------------------------------------------ one server


def expected_pages(ids: list[str], page: int) -> dict[str, tuple[list[str], int]]:
    """Expected first-page run ids (and the total match count) for the three views."""
    n = len(ids)
    newest = list(range(n - 1, -1, -1))          # start_time DESC
    by_m0 = sorted(range(n), key=lambda i: -run_values(i)["metrics"]["m0"])
    matches = [i for i in newest if run_values(i)["metrics"]["m1"] > 0.5
               and run_values(i)["params"]["p0"] == "v3"]
    return {"a": ([ids[i] for i in newest[:page]], n),
            "b": ([ids[i] for i in by_m0[:page]], n),
            "c": ([ids[i] for i in matches[:page]], len(matches))}


def full_history(client: core.Client, prefix: str, run_id: str, points: int,
                 pid: int, checks: Checks, view: str) -> dict:
    """GET metrics/get-history without max_results, following page tokens if any."""
    q = {"run_id": run_id, "metric_key": "loss"}
    stats, status, data = timed_once(client, f"{prefix}/metrics/get-history?"
                                     + urllib.parse.urlencode(q), pid)
    pages, count, total_bytes = 1, 0, len(data)
    while status == 200:
        doc = json.loads(data)
        count += len(doc.get("metrics", []))
        token = doc.get("next_page_token")
        if not token:
            break
        more, status, data = timed_once(client, f"{prefix}/metrics/get-history?" +
                                        urllib.parse.urlencode({**q, "page_token": token}), pid)
        pages += 1
        total_bytes += len(data)
        for k in ("p50_ms", "p95_ms", "mean_ms", "min_ms", "max_ms",
                  "server_cpu_ms_per_request"):
            stats[k] += more[k]
        stats["non200"] += more["non200"]
    stats.update({"bytes": total_bytes, "pages": pages, "metrics_returned": count})
    checks.add(view, "HTTP 200", status == 200, f"got {status}: {data[:300]!r}")
    checks.add(view, f"{points} metrics returned", count == points, f"got {count}")
    del data
    return stats


def bench_server(kind: str, binary: str, opts) -> dict:
    n = opts.runs if kind == "aviary" else opts.mlflow_runs
    points = opts.points if kind == "aviary" else opts.mlflow_points
    samples = opts.requests if kind == "aviary" else opts.mlflow_requests
    result: dict = {"server": kind, "binary": binary, "version": core.binary_version(binary),
                    "settings": {"runs": n, "points": points, "requests": samples,
                                 "warmup": opts.warmup,
                                 "seed_connections": opts.seed_connections}}
    tmp = Path(tempfile.mkdtemp(prefix=f"ui-bench-{kind}-"))
    port = core.free_port()
    argv = core.server_argv(kind, binary, port, tmp / "store.db", tmp / "artifacts",
                            opts.mlflow_workers)
    argv += opts.mlflow_arg if kind == "mlflow" else opts.aviary_arg
    env = dict(e.split("=", 1) for e in (opts.mlflow_env if kind == "mlflow" else opts.aviary_env))
    if kind == "mlflow":
        result["settings"]["mlflow_workers"] = opts.mlflow_workers
    if env:
        result["settings"]["env"] = env
    result["command"] = " ".join(argv)
    server = core.Server(kind, argv, port, tmp, env)
    checks = Checks()
    result["busy_cpu_before"] = core.busy_cpu_fraction()
    result["loadavg_before"] = os.getloadavg()
    log(f"{kind}: starting `{result['command']}`")
    try:
        result["startup_s"] = server.start(opts.startup_timeout)
        pid = server.proc.pid
        seeder = Seeder(port)
        exp = seeder.post("/experiments/create", {"name": "ui-bench"})["experiment_id"]
        chart_exp = seeder.post("/experiments/create",
                                {"name": "ui-bench-chart"})["experiment_id"]
        now_ms = int(time.time() * 1000)
        t0_ms = now_ms - (n + 10) * 1000

        log(f"{kind}: seeding {n} runs with {opts.seed_connections} client threads")
        t = time.perf_counter()
        ids = seed_runs(seeder, exp, n, t0_ms, opts.seed_connections, kind)
        seed_runs_s = time.perf_counter() - t

        big_name = "ui-bench-loss-curve"
        big_start = now_ms - points * 10 - 1000  # so every point's timestamp is in the past
        big = seeder.post("/runs/create", {"experiment_id": chart_exp, "run_name": big_name,
                                           "start_time": big_start})["run"]["info"]["run_id"]
        seeder.post("/runs/log-batch", {"run_id": big, "params": [
            {"key": "lr", "value": "0.001"}, {"key": "optimizer", "value": "adam"}]})
        log(f"{kind}: seeding {points} points of `loss` in run {big}")
        t = time.perf_counter()
        seed_history(seeder, big, points, big_start, opts.seed_connections, kind)
        seed_points_s = time.perf_counter() - t
        result["seeding"] = {
            "runs": n, "runs_s": seed_runs_s, "runs_per_s": n / seed_runs_s if seed_runs_s else None,
            "points": points, "points_s": seed_points_s,
            "points_per_s": points / seed_points_s if seed_points_s else None,
            "retries": seeder.retries, "experiment_id": exp, "chart_experiment_id": chart_exp,
            "big_run_id": big}
        log(f"{kind}: seeded {n} runs in {seed_runs_s:.1f} s, {points} points in "
            f"{seed_points_s:.1f} s ({seeder.retries} retried requests)")
        result["memory_after_seeding"] = core.tree_memory(pid)

        client = core.Client(port, timeout=600)
        views: dict[str, dict] = {}
        if kind == "aviary":
            exp_q = urllib.parse.quote(exp, safe="")
            expected = expected_pages(ids, PAGE_ROWS)
            paths = {
                "a": f"/experiments/{exp_q}",
                "b": f"/experiments/{exp_q}?order_by=metrics.m0%20DESC",
                "c": (f"/experiments/{exp_q}?filter=metrics.m1%20%3E%200.5%20AND%20"
                      f"params.p0%20%3D%20'v3'"),
            }
            for key, path in paths.items():
                log(f"{kind}: ({key}) GET {path}")
                stats, status, data = timed(client, "GET", path, None, opts.warmup, samples,
                                            pid)
                want, total = expected[key]
                check_experiment_page(checks, key, status, data, want, ids, total)
                stats["rows"] = len(page_rows(data.decode("utf-8", errors="replace")))
                stats["matching_runs"] = total
                views[key] = stats
                log(f"{kind}: ({key}) p50 {stats['p50_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} "
                    f"ms, {stats['bytes']:,} bytes, {stats['rows']} rows")
            path = f"/runs/{urllib.parse.quote(big, safe='')}"
            log(f"{kind}: (d) GET {path}")
            stats, status, data = timed(client, "GET", path, None, opts.warmup, samples, pid)
            stats.update(check_run_page(checks, "d", status, data, big, big_name, points))
            views["d"] = stats
            log(f"{kind}: (d) p50 {stats['p50_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms, "
                f"{stats['bytes']:,} bytes, data-points {stats.get('data_points')}")
            prefix = API
        else:
            expected = expected_pages(ids, MLFLOW_PAGE)
            bodies = {
                "a": {"experiment_ids": [exp], "max_results": MLFLOW_PAGE,
                      "order_by": ["attributes.start_time DESC"]},
                "b": {"experiment_ids": [exp], "max_results": MLFLOW_PAGE,
                      "order_by": [ORDER_METRIC]},
                "c": {"experiment_ids": [exp], "max_results": MLFLOW_PAGE, "filter": FILTER,
                      "order_by": ["attributes.start_time DESC"]},
            }
            for key, body in bodies.items():
                log(f"{kind}: ({key}') POST {AJAX}/runs/search {json.dumps(body)}")
                stats, status, data = timed(client, "POST", AJAX + "/runs/search",
                                            json.dumps(body).encode(), opts.warmup, samples,
                                            pid)
                want, total = expected[key]
                check_search(checks, key, status, data, want, total)
                stats["rows"] = len(json.loads(data).get("runs", [])) if status == 200 else 0
                stats["matching_runs"] = total
                views[key] = stats
                log(f"{kind}: ({key}') p50 {stats['p50_ms']:.2f} ms, p95 "
                    f"{stats['p95_ms']:.2f} ms, {stats['bytes']:,} bytes")
            path = (AJAX + "/metrics/get-history-bulk-interval?" + urllib.parse.urlencode(
                {"run_ids": big, "metric_key": "loss", "max_results": MLFLOW_CHART_POINTS}))
            log(f"{kind}: (d') GET {path}")
            stats, status, data = timed(client, "GET", path, None, opts.warmup, samples, pid)
            if checks.add("d", "HTTP 200", status == 200, f"got {status}: {data[:300]!r}"):
                got = json.loads(data).get("metrics", [])
                stats["metrics_returned"] = len(got)
                checks.add("d", "0 < metrics returned <= 2 x max_results",
                           0 < len(got) <= 2 * MLFLOW_CHART_POINTS, f"got {len(got)}")
            views["d"] = stats
            log(f"{kind}: (d') p50 {stats['p50_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms, "
                f"{stats['bytes']:,} bytes, {stats.get('metrics_returned')} points")
            prefix = API
        if not opts.skip_full_history:
            log(f"{kind}: (e) GET {prefix}/metrics/get-history for {points} points, once")
            views["e"] = full_history(client, prefix, big, points, pid, checks, "e")
            log(f"{kind}: (e) {views['e']['p50_ms']:.0f} ms, {views['e']['bytes']:,} bytes in "
                f"{views['e']['pages']} page(s)")
        client.close()
        result["views"] = views
        result["memory_after"] = core.tree_memory(pid)
    except Exception as e:  # noqa: BLE001 - recorded, the other server still runs
        result["error"] = f"{type(e).__name__}: {e}"
        log(f"{kind}: FAILED: {result['error']}\n--- server log tail ---\n{server.log_tail()}")
    finally:
        result["loadavg_after"] = os.getloadavg()
        server.stop()
        if opts.keep_data:
            log(f"{kind}: data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    result["checks"] = checks.items
    result["valid"] = "error" not in result and not checks.failed
    return result


# ------------------------------------------------------------------------ report


VIEWS = [
    ("a", "experiment page, first page, default order",
     "GET /experiments/{id}", "POST /ajax-api/…/runs/search, start_time DESC, 100 runs"),
    ("b", "ordered by metrics.m0 DESC",
     "GET /experiments/{id}?order_by=metrics.m0 DESC", "runs/search, order_by metrics.m0 DESC"),
    ("c", f"filtered: {FILTER}",
     "GET /experiments/{id}?filter=…", "runs/search with the filter"),
    ("d", "run page with the loss chart",
     "GET /runs/{id} (HTML, chart downsampled inline)",
     f"GET /ajax-api/…/metrics/get-history-bulk-interval, max_results={MLFLOW_CHART_POINTS}"),
    ("e", "full metric history (no downsampling), once",
     "GET /api/2.0/mlflow/metrics/get-history", "GET /api/2.0/mlflow/metrics/get-history"),
]


def git_commit() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH_DIR,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=BENCH_DIR, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def summary_markdown(results: dict[str, dict], meta: dict) -> str:
    av, ml = results.get("aviary", {}), results.get("mlflow", {})

    def cell(r: dict, key: str) -> tuple[str, str]:
        v = (r.get("views") or {}).get(key)
        if not v:
            return "—", "—"
        if v.get("samples", 0) == 1:
            t = f"{v['p50_ms']:,.1f} (1 request)"
        else:
            t = f"{v['p50_ms']:,.2f} / {v['p95_ms']:,.2f} / {v['mean_ms']:,.2f}"
        return t, f"{v['bytes']:,}"

    def n_of(r: dict, key: str):
        return (r.get("settings") or {}).get(key)

    lines = [
        f"Aviary: server-rendered HTML pages. MLflow: the JSON its React UI fetches for the same "
        f"view (rendering happens in the browser, not counted). Times are p50 / p95 / mean in ms "
        f"over {meta['requests']} sequential keep-alive requests after {meta['warmup']} warm-ups; "
        f"size is the response body in bytes (no compression).",
        "",
        f"| view | aviary request | aviary ms | aviary bytes | mlflow request | mlflow ms "
        f"| mlflow bytes | p50 mlflow ÷ aviary |",
        "|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for key, label, areq, mreq in VIEWS:
        (at, ab), (mt, mb) = cell(av, key), cell(ml, key)
        ratio = "—"
        a = (av.get("views") or {}).get(key)
        m = (ml.get("views") or {}).get(key)
        if a and m and a["p50_ms"] > 0:
            ratio = f"{m['p50_ms'] / a['p50_ms']:.3g}×"
        lines.append(f"| ({key}) {label} | `{areq}` | {at} | {ab} | `{mreq}` | {mt} | {mb} "
                     f"| {ratio} |")
    lines.append("")

    notes = []
    for name, r in results.items():
        if not r:
            continue
        s = r.get("seeding")
        if s:
            notes.append(f"{name}: seeded {s['runs']:,} runs in {s['runs_s']:.1f} s "
                         f"({s['runs_per_s']:.0f} runs/s) and {s['points']:,} points in "
                         f"{s['points_s']:.1f} s ({s['points_per_s']:,.0f} points/s), "
                         f"{r['settings']['seed_connections']} client threads"
                         + (f", {s['retries']} requests retried" if s["retries"] else "") + ".")
        if "version" in r:
            notes.append(f"{name}: `{r.get('command', r['binary'])}` (`{r['version']}`).")
        if name == "aviary" and "/debug/" in r.get("binary", ""):
            notes.append("**aviary: this looks like a debug build** (`.build/debug`): its timings "
                         "say nothing about a release build.")
        mem = r.get("memory_after")
        if mem:
            notes.append(f"{name}: RSS of the process tree after the measurements "
                         f"{mem['rss_mb']:.0f} MiB.")
        if r.get("busy_cpu_before", 0) > 0.2:
            notes.append(f"**{name}: the machine was busy before the run** "
                         f"({r['busy_cpu_before']:.0%} CPU in use): figures are noisy.")
        if r.get("error"):
            notes.append(f"**{name} failed:** {r['error'].splitlines()[0]}")
        for c in r.get("checks", []):
            if not c["ok"]:
                notes.append(f"**{name} ({c['view']}) check failed:** {c['check']}: "
                             f"{c['detail'][:300]}")
    if av.get("views"):
        d = av["views"].get("d", {})
        notes.append(f"aviary (d): chart path has data-points={d.get('data_points')} of "
                     f"data-total={d.get('data_total')}.")
        failed_views = {c["view"] for c in av.get("checks", []) if not c["ok"]}
        for key, what in (("a", f"experiment page with {n_of(av, 'runs'):,} runs"),
                          ("d", f"run page with a {n_of(av, 'points'):,}-point chart")):
            v = av["views"].get(key)
            if not v:
                continue
            if key in failed_views or v["non200"]:
                verdict = "not evaluated: the page failed its checks"
            else:
                verdict = "met" if v["p50_ms"] < TARGET_MS else "**NOT met**"
            notes.append(f"Target: {what}, p50 < {TARGET_MS:.0f} ms: {v['p50_ms']:.2f} ms, "
                         f"{verdict}.")
    if av and ml and av.get("settings") and ml.get("settings"):
        for k, what in (("runs", "runs"), ("points", "points"), ("requests", "timed requests")):
            if av["settings"][k] != ml["settings"][k]:
                notes.append(f"**{what} differ:** aviary {av['settings'][k]:,}, mlflow "
                             f"{ml['settings'][k]:,} — those rows are not like for like.")
    notes.append(f"Aviary pages hold {PAGE_ROWS} runs (its page size); MLflow's runs/search "
                 f"asks for {MLFLOW_PAGE} (as the brief's request does).")
    mi = meta["machine"]
    notes.append(f"Machine: {mi['cores']} cores ({mi['cpu']}), {mi['mem_gib']} GiB; client and "
                 f"server share the cores. Commit {meta['commit']}. {meta['date']}.")
    return "\n".join(lines) + "\n" + "\n".join(f"- {x}" for x in notes) + "\n"


# ------------------------------------------------------------------------ main


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Benchmark Aviary's server-rendered UI pages against the data fetches "
                    "of MLflow's UI (both servers on SQLite).",
        epilog="Results: bench/results/ui.md and bench/results/ui.json. Install the peer with: "
               "python3 -m venv .venv-bench && .venv-bench/bin/pip install mlflow==3.17.2")
    p.add_argument("--aviary", metavar="BIN", help="path to the aviary executable")
    p.add_argument("--mlflow", metavar="BIN", help="path to an mlflow executable")
    p.add_argument("--runs", type=int, default=10_000, help="runs in the experiment (10000)")
    p.add_argument("--mlflow-runs", type=int, default=None, metavar="N",
                   help="runs seeded into mlflow (default: --runs)")
    p.add_argument("--points", type=int, default=1_000_000,
                   help="points in the big run's `loss` history (1000000)")
    p.add_argument("--mlflow-points", type=int, default=None, metavar="N",
                   help="points seeded into mlflow (default: --points)")
    p.add_argument("--requests", type=int, default=200, help="timed requests per view (200)")
    p.add_argument("--mlflow-requests", type=int, default=None, metavar="N",
                   help="timed requests per view for mlflow (default: --requests)")
    p.add_argument("--warmup", type=int, default=10, help="warm-up requests per view (10)")
    p.add_argument("--seed-connections", type=int, default=8,
                   help="keep-alive client threads used for seeding (8)")
    p.add_argument("--skip-full-history", action="store_true",
                   help="skip the one-off full metrics/get-history request (e)")
    p.add_argument("--mlflow-workers", type=int, default=4, help="mlflow server --workers (4)")
    p.add_argument("--mlflow-env", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--aviary-env", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--aviary-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `aviary server` (repeatable), e.g. "
                        "--aviary-arg=--log-level --aviary-arg=warning")
    p.add_argument("--mlflow-arg", action="append", default=[], metavar="ARG")
    p.add_argument("--startup-timeout", type=float, default=180)
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    p.add_argument("--keep-data", action="store_true", help="keep the temp data dirs")
    opts = p.parse_args(argv)
    if not opts.aviary and not opts.mlflow:
        p.error("give --aviary BIN and/or --mlflow BIN")
    for e in opts.mlflow_env + opts.aviary_env:
        if "=" not in e:
            p.error(f"environment setting {e!r} is not KEY=VALUE")
    opts.mlflow_runs = opts.runs if opts.mlflow_runs is None else opts.mlflow_runs
    opts.mlflow_points = opts.points if opts.mlflow_points is None else opts.mlflow_points
    opts.mlflow_requests = opts.requests if opts.mlflow_requests is None else opts.mlflow_requests
    if min(opts.runs, opts.mlflow_runs) < 1 or min(opts.points, opts.mlflow_points) < 1:
        p.error("--runs and --points must be at least 1")
    if min(opts.requests, opts.mlflow_requests) < 1 or opts.warmup < 0:
        p.error("--requests must be at least 1 and --warmup at least 0")
    return opts


def main(argv=None) -> int:
    opts = parse_args(argv)
    mi = core.machine_info()
    try:
        mi["nproc"] = len(os.sched_getaffinity(0))
    except AttributeError:
        mi["nproc"] = os.cpu_count()
    meta = {"machine": mi, "commit": git_commit(), "requests": opts.requests,
            "warmup": opts.warmup, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "argv": sys.argv[1:] if argv is None else argv}
    if opts.mlflow_requests != opts.requests:
        meta["mlflow_requests"] = opts.mlflow_requests
    log(f"machine: nproc {mi['nproc']}, {mi['cpu']}, {mi['mem_gib']} GiB; commit "
        f"{meta['commit']}")
    results_dir = Path(opts.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for kind in ("aviary", "mlflow"):
        given = getattr(opts, kind)
        if not given:
            continue
        binary = core.resolve_binary(given)
        if binary is None:
            results[kind] = {"server": kind, "binary": given, "valid": False,
                             "error": f"binary not found or not executable: {given}"}
            log(f"{kind}: {results[kind]['error']}")
            continue
        results[kind] = bench_server(kind, binary, opts)
    summary = summary_markdown(results, meta)
    (results_dir / "ui.md").write_text(summary)
    (results_dir / "ui.json").write_text(json.dumps({"meta": meta, "results": results},
                                                    indent=2) + "\n")
    print(f"Machine: nproc {mi['nproc']}, {mi['cpu']}; commit {meta['commit']}\n")
    print(summary)
    return 0 if results and all(r.get("valid") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
