#!/usr/bin/env python3
"""Side-by-side benchmark of `aviary server` and `mlflow server` on SQLite.

For each server binary given, the harness starts the server on a free loopback port
with a fresh temporary data directory, measures it, and stops it again:

  1. startup      seconds from process start to the first 200 from GET /health
  2. idle memory  RSS (and PSS) summed over the process and all its children
  3. log-batch    requests/s and metrics/s, 8 keep-alive clients, 100 metrics each
  4. runs/create  runs created/s, 8 keep-alive clients
  5. runs/search  p50/p95 latency of one filtered, ordered search over N seeded runs
  6. registry     p50/p95 latency of GET model-versions/search (name + tag filter) over
                  N seeded model versions in 10 registered models

Results go to bench/results/<server>.json and a markdown table to stdout and
bench/results/summary.md. Load comes from `wrk` (a separate process) when installed,
else from a standard-library Python multiprocess client. Standard library only.

Example:
  python3 bench/bench.py --aviary .build/release/aviary --mlflow .venv-bench/bin/mlflow
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WRK_DIR = BENCH_DIR / "wrk"
API = "/api/2.0/mlflow"
SEARCH_FILTER = "metrics.m > 0.5 AND params.p = 'v3' AND tags.t = 't7'"
REGISTRY_MODELS = 10                      # bench-model-0 .. bench-model-9
REGISTRY_MODEL = "bench-model-7"          # the model the timed search asks for
REGISTRY_TAG_EVERY = 10                   # versions 10, 20, 30, ... of each model get the tag
REGISTRY_FILTER = f"name = '{REGISTRY_MODEL}' AND tags.validated = 'true'"
REGISTRY_MAX_RESULTS = 100
WRK_INSTALL_HINT = "apt-get update && apt-get install -y wrk"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- HTTP


class Client:
    """A keep-alive JSON client over one http.client connection to loopback."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def raw(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """Sends one request, reconnecting once if the kept-alive socket was closed."""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (0, 1):
            conn = self._connect()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def post(self, path: str, payload: dict) -> dict:
        status, data = self.raw("POST", API + path, json.dumps(payload).encode())
        if status != 200:
            raise RuntimeError(f"POST {path} -> {status}: {data[:500]!r}")
        return json.loads(data) if data else {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- process memory


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            # The command name may contain spaces and parentheses; ppid follows the last ')'.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    children = _children_map()
    tree, stack = [], [pid]
    while stack:
        p = stack.pop()
        tree.append(p)
        stack.extend(children.get(p, []))
    return tree


def _status_kb(pid: int, field: str, path: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    except OSError:
        return ""


def tree_memory(pid: int, detail: bool = False) -> dict:
    """RSS and PSS in MiB summed over pid and its descendants (PSS splits shared pages)."""
    pids = process_tree(pid)
    per = [(p, _status_kb(p, "VmRSS"), _status_kb(p, "Pss", "smaps_rollup")) for p in pids]
    result = {"rss_mb": sum(r for _, r, _ in per) / 1024,
              "pss_mb": sum(s for _, _, s in per) / 1024, "processes": len(pids)}
    if detail:
        result["by_process"] = [{"pid": p, "rss_mb": round(r / 1024, 1),
                                 "pss_mb": round(s / 1024, 1), "cmd": _cmdline(p)}
                                for p, r, s in per]
    return result


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by pid and its live descendants."""
    return cpu_seconds(process_tree(pid))


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by the given live processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def settled_memory(pid: int, min_s: float = 2.0, max_s: float = 20.0) -> dict:
    """Samples every 0.5 s until four consecutive samples are within 2% (or max_s)."""
    start = time.monotonic()
    samples: list[dict] = []
    while True:
        samples.append(tree_memory(pid))
        elapsed = time.monotonic() - start
        last = [s["rss_mb"] for s in samples[-4:]]
        if elapsed >= min_s and len(last) == 4 and (max(last) - min(last)) <= 0.02 * max(last):
            break
        if elapsed >= max_s:
            break
        time.sleep(0.5)
    result = tree_memory(pid, detail=True)
    result["settle_s"] = round(time.monotonic() - start, 1)
    return result


# ---------------------------------------------------------------------- servers


class Server:
    """One server process in its own session (process group) with a fresh data dir."""

    def __init__(self, name: str, argv: list[str], port: int, workdir: Path,
                 env: dict[str, str] | None = None, ready_path: str = "/health"):
        self.name, self.argv, self.port, self.workdir = name, argv, port, workdir
        self.ready_path = ready_path
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "server.log"

    def start(self, timeout: float) -> float:
        """Starts the process and returns seconds until GET ready_path first answers 200."""
        log_file = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.workdir, env=self.env,
                                     start_new_session=True)
        log_file.close()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before "
                                   f"answering {self.ready_path}\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1.0)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{self.name} did not answer {self.ready_path} within "
                                   f"{timeout}s\n"
                                   f"{self.log_tail()}")
            time.sleep(0.01)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the server's own process group, SIGKILL after 15 s."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session=True: the group id is the leader's pid
        if self.proc.poll() is None:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"{self.name} ignored SIGTERM for 15 s; sending SIGKILL")
        try:
            os.killpg(pgid, signal.SIGKILL)  # stray workers left in the group, if any
        except ProcessLookupError:
            pass
        self.proc.wait()


def server_argv(kind: str, binary: str, port: int, db: Path, artifacts: Path,
                mlflow_workers: int) -> list[str]:
    common = ["--host", "127.0.0.1", "--port", str(port),
              "--backend-store-uri", f"sqlite:///{db}",
              "--artifacts-destination", str(artifacts)]
    if kind == "aviary":
        return [binary, "server", *common]
    return [binary, "server", *common, "--workers", str(mlflow_workers)]


def binary_version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


# ------------------------------------------------------------------------- load


def run_wrk(url: str, script: str, args: list[str], duration: float, connections: int,
            threads: int) -> dict:
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
            "--timeout", "30s", "-s", str(WRK_DIR / script), url, "--", *args]
    out = subprocess.run(argv, capture_output=True, text=True,
                         timeout=duration + 120)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            r = json.loads(line[len("WRK_JSON "):])
            secs = r["duration_us"] / 1e6
            # Socket errors and timeouts are failures as much as a non-200 status is.
            socket_errors = sum(v for k, v in r["errors"].items() if k != "status")
            return {"client": "wrk", "requests": r["requests"], "seconds": secs,
                    "rps": r["requests"] / secs if secs else 0.0,
                    "non200": r["non200"], "socket_errors": socket_errors,
                    "latency_ms": {k: v / 1000 for k, v in r["latency_us"].items()},
                    "first_error": r["first_error"]}
    raise RuntimeError(f"wrk produced no summary (exit {out.returncode}):\n"
                       f"{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


def _py_load_worker(port, kind, args, duration, worker, nworkers, queue):
    client = Client(port, timeout=30)
    deadline = time.perf_counter() + duration
    ts = int(time.time() * 1000)
    count = non200 = errors = 0
    first_error = ""
    rng = random.Random(worker)
    latencies = []
    while time.perf_counter() < deadline:
        n = count * nworkers + worker
        if kind == "log_batch":
            run_id, per_request, offset = args[0], int(args[1]), int(args[3])
            base = n * per_request + offset
            body = {"run_id": run_id, "metrics": [
                {"key": "bench_loss", "value": rng.random(), "timestamp": ts + i,
                 "step": base + i} for i in range(1, per_request + 1)]}
            path = API + "/runs/log-batch"
        else:
            body = {"experiment_id": args[0], "start_time": ts + n, "run_name": f"{args[2]}-{n}"}
            path = API + "/runs/create"
        t = time.perf_counter()
        try:
            status, data = client.raw("POST", path, json.dumps(body).encode())
        except OSError as e:
            errors += 1
            first_error = first_error or repr(e)
            client.close()
            continue
        latencies.append(time.perf_counter() - t)
        count += 1
        if status != 200:
            non200 += 1
            first_error = first_error or f"{status} {data[:300]!r}"
    client.close()
    queue.put((count, non200, errors, first_error, latencies))


def run_python_load(port: int, kind: str, args: list[str], duration: float,
                    connections: int) -> dict:
    """Fallback when wrk is missing: one process per connection, keep-alive http.client."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    t0 = time.perf_counter()
    procs = [ctx.Process(target=_py_load_worker,
                         args=(port, kind, args, duration, w, connections, queue))
             for w in range(connections)]
    for p in procs:
        p.start()
    parts = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    secs = time.perf_counter() - t0
    requests = sum(p[0] for p in parts)
    lat = sorted(x for p in parts for x in p[4])
    return {"client": "python", "requests": requests, "seconds": secs,
            "rps": requests / secs, "non200": sum(p[1] for p in parts),
            "socket_errors": sum(p[2] for p in parts),
            "latency_ms": {"mean": statistics.fmean(lat) * 1000 if lat else 0,
                           "p50": percentile(lat, 50) * 1000, "p99": percentile(lat, 99) * 1000},
            "first_error": next((p[3] for p in parts if p[3]), "")}


def load(opts, server_pid: int, port: int, kind: str, args: list[str],
         duration: float) -> dict:
    """Runs one load test and adds the server's CPU time per request to the result."""
    cpu0 = tree_cpu_seconds(server_pid)
    if opts.use_wrk:
        path = "/runs/log-batch" if kind == "log_batch" else "/runs/create"
        r = run_wrk(f"http://127.0.0.1:{port}{API}{path}", f"{kind}.lua", args, duration,
                    opts.connections, opts.threads)
    else:
        r = run_python_load(port, kind, args, duration, opts.connections)
    time.sleep(0.2)  # let requests still in flight at the deadline finish
    cpu = tree_cpu_seconds(server_pid) - cpu0
    r["server_cpu_s"] = cpu
    r["server_cpu_ms_per_request"] = cpu * 1000 / r["requests"] if r["requests"] else None
    return r


# ----------------------------------------------------------------- search seed


_seed_client: Client | None = None


def _seed_chunk(task):
    """Creates runs [start, end) in one experiment; returns (run_id, m, p, t) per run."""
    global _seed_client
    port, experiment_id, start, end, seed = task
    if _seed_client is None or _seed_client.port != port:
        _seed_client = Client(port, timeout=120)
    c = _seed_client
    ts = int(time.time() * 1000)
    out = []
    for i in range(start, end):
        rng = random.Random(seed * 1_000_003 + i)
        m, p, t = rng.random(), f"v{rng.randrange(10)}", f"t{rng.randrange(10)}"
        run_id = c.post("/runs/create", {"experiment_id": experiment_id,
                                         "start_time": ts + i})["run"]["info"]["run_id"]
        c.post("/runs/log-batch", {"run_id": run_id,
                                   "metrics": [{"key": "m", "value": m, "timestamp": ts,
                                                "step": 0}],
                                   "params": [{"key": "p", "value": p}],
                                   "tags": [{"key": "t", "value": t}]})
        out.append((run_id, m, p, t))
    return out


def seed_runs(port: int, experiment_id: str, n: int, concurrency: int) -> list[tuple]:
    chunk = 250
    tasks = [(port, experiment_id, s, min(n, s + chunk), 42) for s in range(0, n, chunk)]
    ctx = multiprocessing.get_context("fork")
    runs: list[tuple] = []
    t0 = last = time.perf_counter()
    with ctx.Pool(concurrency) as pool:
        for part in pool.imap_unordered(_seed_chunk, tasks):
            runs.extend(part)
            now = time.perf_counter()
            if now - last > 10 or len(runs) == n:
                log(f"  seeded {len(runs)}/{n} runs ({len(runs) / (now - t0):.0f} runs/s)")
                last = now
    return runs


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    k = max(1, -(-len(sorted_values) * pct // 100))  # ceil(n * pct / 100), at least 1
    return sorted_values[int(k) - 1]


def measure_search(client: Client, experiment_id: str, runs: list[tuple], warmups: int,
                   samples: int) -> dict:
    body = json.dumps({"experiment_ids": [experiment_id], "filter": SEARCH_FILTER,
                       "order_by": ["metrics.m DESC"], "max_results": 100}).encode()
    matches = sorted((r for r in runs if r[1] > 0.5 and r[2] == "v3" and r[3] == "t7"),
                     key=lambda r: -r[1])
    expected_ids = [r[0] for r in matches[:100]]
    times, result = [], None
    for i in range(warmups + samples):
        t = time.perf_counter()
        status, data = client.raw("POST", API + "/runs/search", body)
        elapsed = time.perf_counter() - t
        if status != 200:
            raise RuntimeError(f"runs/search -> {status}: {data[:500]!r}")
        if i >= warmups:
            times.append(elapsed)
        result = data
    got = json.loads(result).get("runs", [])
    got_ids = [r["info"]["run_id"] for r in got]
    times.sort()
    return {"n_runs": len(runs), "samples": samples, "warmups": warmups,
            "p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
            "min_ms": times[0] * 1000, "max_ms": times[-1] * 1000,
            "result_count": len(got), "expected_matches": len(matches),
            "correct": got_ids == expected_ids}


# --------------------------------------------------------------- registry


def registry_post(client: Client, path: str, payload: dict) -> dict:
    """POST that reports the exact request and response when the server refuses it."""
    body = json.dumps(payload)
    status, data = client.raw("POST", API + path, body.encode())
    if status != 200:
        raise RuntimeError(f"POST {API}{path} {body} -> {status}: {data[:1000]!r}")
    return json.loads(data) if data else {}


def _registry_chunk(task):
    """Creates versions [start, end) round-robin over the models; tags every 10th of each.

    Returns (model, version, tagged) per version, with the version number the server gave.
    """
    global _seed_client
    port, run_id, start, end = task
    if _seed_client is None or _seed_client.port != port:
        _seed_client = Client(port, timeout=120)
    c = _seed_client
    out = []
    for i in range(start, end):
        name = f"bench-model-{i % REGISTRY_MODELS}"
        mv = registry_post(c, "/model-versions/create",
                           {"name": name, "source": f"runs:/{run_id}/model", "run_id": run_id}
                           )["model_version"]
        version = str(mv["version"])
        tagged = int(version) % REGISTRY_TAG_EVERY == 0
        if tagged:
            registry_post(c, "/model-versions/set-tag", {"name": name, "version": version,
                                                        "key": "validated", "value": "true"})
        out.append((name, int(version), tagged))
    return out


def seed_registry(port: int, client: Client, n: int, concurrency: int) -> list[tuple]:
    """One run in experiment 0, 10 registered models, then n versions from `concurrency`
    client processes. Returns (model, version, tagged) for every version created."""
    run_id = registry_post(client, "/runs/create",
                           {"experiment_id": "0", "start_time": int(time.time() * 1000)}
                           )["run"]["info"]["run_id"]
    for m in range(REGISTRY_MODELS):
        registry_post(client, "/registered-models/create", {"name": f"bench-model-{m}"})
    chunk = 100
    tasks = [(port, run_id, s, min(n, s + chunk)) for s in range(0, n, chunk)]
    ctx = multiprocessing.get_context("fork")
    versions: list[tuple] = []
    t0 = last = time.perf_counter()
    with ctx.Pool(concurrency) as pool:
        for part in pool.imap_unordered(_registry_chunk, tasks):
            versions.extend(part)
            now = time.perf_counter()
            if now - last > 10 or len(versions) == n:
                log(f"  seeded {len(versions)}/{n} model versions "
                    f"({len(versions) / (now - t0):.0f} versions/s)")
                last = now
    return versions


def check_registry_seed(versions: list[tuple]) -> list[str]:
    """Each model's version numbers must be exactly 1..k (the server numbers them)."""
    per_model: dict[str, list[int]] = {}
    for name, v, _ in versions:
        per_model.setdefault(name, []).append(v)
    problems = []
    for name, vs in sorted(per_model.items()):
        if sorted(vs) != list(range(1, len(vs) + 1)):
            dups = len(vs) - len(set(vs))
            problems.append(f"registry seeding: {name} got version numbers that are not "
                            f"1..{len(vs)} ({dups} duplicates, min {min(vs)}, max {max(vs)})")
    return problems


def measure_registry_search(client: Client, versions: list[tuple], warmups: int,
                            samples: int) -> dict:
    # Encoded as the MLflow Python client (requests) encodes it: spaces become '+'.
    path = (API + "/model-versions/search?" +
            urllib.parse.urlencode({"filter": REGISTRY_FILTER,
                                    "max_results": REGISTRY_MAX_RESULTS}))
    expected = {v for name, v, tagged in versions if name == REGISTRY_MODEL and tagged}
    times, result = [], None
    for i in range(warmups + samples):
        t = time.perf_counter()
        status, data = client.raw("GET", path)
        elapsed = time.perf_counter() - t
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status}: {data[:1000]!r}")
        if i >= warmups:
            times.append(elapsed)
        result = data
    doc = json.loads(result)
    got = doc.get("model_versions", [])
    got_versions = []
    wrong = []
    for mv in got:
        tags = {t.get("key"): t.get("value") for t in mv.get("tags", [])}
        if mv.get("name") != REGISTRY_MODEL or tags.get("validated") != "true":
            wrong.append(f"{mv.get('name')} v{mv.get('version')} tags={tags}")
        try:
            got_versions.append(int(mv.get("version")))
        except (TypeError, ValueError):
            wrong.append(f"version {mv.get('version')!r} is not a number")
    want_count = min(len(expected), REGISTRY_MAX_RESULTS)
    distinct = len(set(got_versions)) == len(got_versions)
    if len(expected) <= REGISTRY_MAX_RESULTS:
        same_set = set(got_versions) == expected
    else:
        same_set = set(got_versions) <= expected
    correct = not wrong and distinct and same_set and len(got) == want_count
    times.sort()
    return {"n_versions": len(versions), "models": REGISTRY_MODELS, "filter": REGISTRY_FILTER,
            "request": f"GET {path}", "samples": samples, "warmups": warmups,
            "p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
            "min_ms": times[0] * 1000, "max_ms": times[-1] * 1000,
            "result_count": len(got), "expected_matches": len(expected),
            "next_page_token": doc.get("next_page_token"),
            "wrong_results": wrong[:10], "correct": correct}


# ------------------------------------------------------------------- one server


def bench_server(kind: str, binary: str, opts) -> dict:
    n_search = opts.search_runs if kind == "aviary" else opts.mlflow_search_runs
    n_registry = (opts.registry_versions if kind == "aviary"
                  else opts.mlflow_registry_versions)
    result: dict = {
        "server": kind, "binary": binary, "version": binary_version(binary),
        "machine": machine_info(),
        "settings": {"duration_s": opts.duration, "warmup_s": opts.warmup,
                     "connections": opts.connections,
                     "wrk_threads": opts.threads if opts.use_wrk else None,
                     "load_client": "wrk" if opts.use_wrk else "python",
                     "metrics_per_request": opts.metrics_per_request,
                     "search_runs": n_search, "search_samples": opts.search_samples,
                     "registry_versions": n_registry,
                     "seed_concurrency": opts.seed_concurrency},
    }
    if kind == "mlflow":
        result["settings"]["mlflow_workers"] = opts.mlflow_workers
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    port = free_port()
    argv = server_argv(kind, binary, port, tmp / "store.db", tmp / "artifacts",
                       opts.mlflow_workers)
    argv += opts.mlflow_arg if kind == "mlflow" else opts.aviary_arg
    result["command"] = " ".join(argv)
    env = dict(e.split("=", 1) for e in (opts.mlflow_env if kind == "mlflow" else opts.aviary_env))
    if env:
        result["settings"]["env"] = env
    server = Server(kind, argv, port, tmp, env)
    log(f"{kind}: starting `{result['command']}`")
    # Nothing of ours runs now, so any CPU use in this window is someone else's.
    result["busy_cpu_before"] = busy_cpu_fraction()
    result["loadavg_before"] = os.getloadavg()
    try:
        result["startup_s"] = server.start(opts.startup_timeout)
        log(f"{kind}: /health 200 after {result['startup_s']:.3f} s")
        result["idle_memory"] = settled_memory(server.proc.pid)
        log(f"{kind}: idle RSS {result['idle_memory']['rss_mb']:.1f} MiB, "
            f"PSS {result['idle_memory']['pss_mb']:.1f} MiB, "
            f"{result['idle_memory']['processes']} process(es)")

        client = Client(port)
        exp = client.post("/experiments/create", {"name": "bench-load"})["experiment_id"]
        run_id = client.post("/runs/create", {"experiment_id": exp,
                                              "start_time": int(time.time() * 1000)}
                             )["run"]["info"]["run_id"]
        nthreads = str(opts.threads if opts.use_wrk else opts.connections)
        pid = server.proc.pid

        # 3. log-batch; the warm-up uses a different step range than the measured pass.
        per = str(opts.metrics_per_request)
        if opts.warmup > 0:
            load(opts, pid, port, "log_batch", [run_id, per, nthreads, str(10**12)], opts.warmup)
        lb = load(opts, pid, port, "log_batch", [run_id, per, nthreads, "0"], opts.duration)
        lb["metrics_per_s"] = lb["rps"] * opts.metrics_per_request
        result["log_batch"] = lb
        log(f"{kind}: log-batch {lb['rps']:.1f} req/s = {lb['metrics_per_s']:.0f} metrics/s, "
            f"non-200 {lb['non200']}, socket errors {lb['socket_errors']}")

        # 4. runs/create
        if opts.warmup > 0:
            load(opts, pid, port, "runs_create", [exp, nthreads, "warm"], opts.warmup)
        rc = load(opts, pid, port, "runs_create", [exp, nthreads, "bench"], opts.duration)
        result["runs_create"] = rc
        log(f"{kind}: runs/create {rc['rps']:.1f} runs/s, non-200 {rc['non200']}, "
            f"socket errors {rc['socket_errors']}")
        result["memory_after_load"] = tree_memory(server.proc.pid)

        # 5. runs/search over a separate experiment holding exactly N runs.
        if n_search > 0:
            sexp = client.post("/experiments/create", {"name": "bench-search"})["experiment_id"]
            log(f"{kind}: seeding {n_search} runs with {opts.seed_concurrency} clients")
            t0 = time.perf_counter()
            runs = seed_runs(port, sexp, n_search, opts.seed_concurrency)
            seed_s = time.perf_counter() - t0
            search = measure_search(client, sexp, runs, 3, opts.search_samples)
            search["seed_s"] = seed_s
            search["seed_runs_per_s"] = n_search / seed_s
            result["search"] = search
            log(f"{kind}: runs/search over {n_search} runs: p50 {search['p50_ms']:.2f} ms, "
                f"p95 {search['p95_ms']:.2f} ms, {search['result_count']} results "
                f"(expected {min(100, search['expected_matches'])}, "
                f"correct order: {search['correct']})")

        # 6. model-versions/search over N versions in 10 registered models.
        seed_problems: list[str] = []
        if n_registry > 0:
            log(f"{kind}: seeding {n_registry} model versions with "
                f"{opts.seed_concurrency} clients")
            t0 = time.perf_counter()
            versions = seed_registry(port, client, n_registry, opts.seed_concurrency)
            seed_s = time.perf_counter() - t0
            seed_problems = check_registry_seed(versions)
            reg = measure_registry_search(client, versions, 3, opts.search_samples)
            reg["seed_s"] = seed_s
            reg["seed_versions_per_s"] = n_registry / seed_s
            reg["tags_set"] = sum(1 for _, _, tagged in versions if tagged)
            result["registry"] = reg
            log(f"{kind}: model-versions/search over {n_registry} versions: "
                f"p50 {reg['p50_ms']:.2f} ms, p95 {reg['p95_ms']:.2f} ms, "
                f"{reg['result_count']} results (expected "
                f"{min(REGISTRY_MAX_RESULTS, reg['expected_matches'])}, "
                f"valid: {reg['correct']}); seeding {reg['seed_versions_per_s']:.0f} versions/s")
        client.close()
        problems = list(seed_problems)
        for key in ("log_batch", "runs_create"):
            if result[key]["non200"] or result[key]["socket_errors"]:
                problems.append(f"{key}: {result[key]['non200']} non-200, "
                                f"{result[key]['socket_errors']} socket errors, first: "
                                f"{result[key]['first_error']}")
        if "search" in result and not result["search"]["correct"]:
            problems.append("search: results differ from the seeded data")
        if "registry" in result and not result["registry"]["correct"]:
            reg = result["registry"]
            problems.append(f"registry: model-versions/search returned {reg['result_count']} "
                            f"versions, expected {min(REGISTRY_MAX_RESULTS, reg['expected_matches'])}"
                            f" all named {REGISTRY_MODEL} with tag validated=true"
                            + (f"; wrong: {reg['wrong_results'][:3]}" if reg["wrong_results"]
                               else ""))
        result["valid"] = not problems
        result["problems"] = problems
    except Exception as e:  # noqa: BLE001 - recorded in the results, run goes on
        result["error"] = f"{type(e).__name__}: {e}"
        result["valid"] = False
        log(f"{kind}: FAILED: {result['error']}\n--- server log tail ---\n{server.log_tail()}")
    finally:
        server.stop()
        result["loadavg_after"] = os.getloadavg()
        if opts.keep_data:
            log(f"{kind}: data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def busy_cpu_fraction(seconds: float = 1.0) -> float:
    """Share of all cores' time spent non-idle over a short window, from /proc/stat."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1 - (i1 - i0) / (t1 - t0) if t1 > t0 else 0.0


def machine_info() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    mem_kb = _status_kb_file("/proc/meminfo", "MemTotal")
    return {"cores": os.cpu_count(), "cpu": model, "mem_gib": round(mem_kb / 1024**2, 1),
            "kernel": platform.release(), "python": platform.python_version()}


def _status_kb_file(path: str, field: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# ---------------------------------------------------------------------- summary


def summary_markdown(results: dict[str, dict], opts) -> str:
    def get(r, *path):
        for p in path:
            if not isinstance(r, dict) or p not in r:
                return None
            r = r[p]
        return r

    rows = [
        ("startup to first /health 200 (s, lower is better)", ("startup_s",), 3),
        ("idle RSS, process tree (MiB, lower is better)", ("idle_memory", "rss_mb"), 1),
        ("idle PSS, process tree (MiB, lower is better)", ("idle_memory", "pss_mb"), 1),
        ("log-batch requests/s (higher is better)", ("log_batch", "rps"), 1),
        (f"log-batch metrics/s ({opts.metrics_per_request}/request, higher is better)",
         ("log_batch", "metrics_per_s"), 0),
        ("log-batch non-200 responses (must be 0)", ("log_batch", "non200"), 0),
        ("log-batch server CPU ms/request (lower is better)",
         ("log_batch", "server_cpu_ms_per_request"), 2),
        ("runs/create runs/s (higher is better)", ("runs_create", "rps"), 1),
        ("runs/create non-200 responses (must be 0)", ("runs_create", "non200"), 0),
        ("runs/create server CPU ms/request (lower is better)",
         ("runs_create", "server_cpu_ms_per_request"), 2),
        ("RSS after load (MiB)", ("memory_after_load", "rss_mb"), 1),
        ("runs/search N runs seeded", ("search", "n_runs"), 0),
        ("runs/search p50 (ms, lower is better)", ("search", "p50_ms"), 2),
        ("runs/search p95 (ms, lower is better)", ("search", "p95_ms"), 2),
        ("runs/search result count", ("search", "result_count"), 0),
        ("runs/search results match seeded data", ("search", "correct"), None),
        ("seeding runs/s (create + log-batch, "
         f"{opts.seed_concurrency} clients)", ("search", "seed_runs_per_s"), 0),
        ("registry N model versions seeded (10 models)", ("registry", "n_versions"), 0),
        ("model-versions/search p50 (ms, lower is better)", ("registry", "p50_ms"), 2),
        ("model-versions/search p95 (ms, lower is better)", ("registry", "p95_ms"), 2),
        ("model-versions/search result count", ("registry", "result_count"), 0),
        ("model-versions/search results valid", ("registry", "correct"), None),
        (f"seeding model versions/s (create + tag every {REGISTRY_TAG_EVERY}th, "
         f"{opts.seed_concurrency} clients)", ("registry", "seed_versions_per_s"), 0),
    ]
    av, ml = results.get("aviary"), results.get("mlflow")

    def fmt(v, digits):
        if v is None:
            return "—"
        if isinstance(v, bool) or digits is None:
            return "yes" if v else "NO"
        return f"{v:,.{digits}f}"

    lines = ["| metric | aviary | mlflow | ratio (aviary ÷ mlflow) |",
             "|---|---:|---:|---:|"]
    for label, path, digits in rows:
        a, m = get(av, *path), get(ml, *path)
        ratio = "—"
        if (isinstance(a, (int, float)) and isinstance(m, (int, float))
                and not isinstance(a, bool) and m and "non-200" not in label
                and "seeded" not in label and "count" not in label):
            ratio = f"{a / m:.3g}×"
        lines.append(f"| {label} | {fmt(a, digits)} | {fmt(m, digits)} | {ratio} |")

    mi = machine_info()
    notes = [f"Machine: {mi['cores']} cores ({mi['cpu']}), {mi['mem_gib']} GiB; server and "
             f"load generator share the cores.",
             f"Load: {'wrk -t %d' % opts.threads if opts.use_wrk else 'Python http.client'} "
             f"-c {opts.connections}, {opts.duration:g} s measured after a {opts.warmup:g} s "
             f"warm-up; search: {opts.search_samples} sequential samples after 3 warm-ups.",
             f"model-versions/search: GET with filter `{REGISTRY_FILTER}`, max_results="
             f"{REGISTRY_MAX_RESULTS}; every {REGISTRY_TAG_EVERY}th version of each model is "
             f"tagged, so about N/{REGISTRY_MODELS * REGISTRY_TAG_EVERY} versions match."]
    for name, r in results.items():
        n = get(r, "settings", "search_runs")
        nreg = get(r, "settings", "registry_versions")
        extra = f", --workers {opts.mlflow_workers}" if name == "mlflow" else ""
        for k, v in (get(r, "settings", "env") or {}).items():
            extra += f", {k}={v}"
        busy = r.get("busy_cpu_before")
        if busy is not None and busy > 0.2:
            notes.append(f"**{name}: the machine was busy before the run** ({busy:.0%} of "
                         f"the CPU in use by other processes): figures are noisy.")
        if "version" in r:
            notes.append(f"{name}: `{r['binary']}` (`{r['version']}`){extra}, "
                         f"search N = {n}, registry N = {nreg}.")
        if r.get("error"):
            notes.append(f"**{name} failed:** {r['error'].splitlines()[0]}")
        for p in r.get("problems", []):
            notes.append(f"**{name} INVALID:** {p}")
    if (get(av, "search") and get(ml, "search")
            and get(av, "search", "n_runs") != get(ml, "search", "n_runs")):
        notes.append("Search N differs between the servers, so the search ratio is not "
                     "like for like (it flatters the server with the smaller N).")
    if (get(av, "registry") and get(ml, "registry")
            and get(av, "registry", "n_versions") != get(ml, "registry", "n_versions")):
        notes.append("Registry N differs between the servers, so the model-versions/search "
                     "ratio is not like for like.")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"


# ------------------------------------------------------------------------- main


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Benchmark `aviary server` against `mlflow server` (both on SQLite).",
        epilog="Results: bench/results/<server>.json and bench/results/summary.md. "
               f"Install wrk for the load tests with: {WRK_INSTALL_HINT}. "
               "Install the peer with: python3 -m venv .venv-bench && "
               ".venv-bench/bin/pip install mlflow==3.17.2")
    p.add_argument("--aviary", metavar="BIN", help="path to the aviary executable")
    p.add_argument("--mlflow", metavar="BIN", help="path to an mlflow executable (full install)")
    p.add_argument("--duration", type=float, default=10, help="seconds per load test (10)")
    p.add_argument("--warmup", type=float, default=2,
                   help="seconds of unmeasured load before each load test (2)")
    p.add_argument("--connections", type=int, default=8, help="concurrent clients (8)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument("--metrics-per-request", type=int, default=100,
                   help="metrics in each log-batch request (100)")
    p.add_argument("--search-runs", type=int, default=100_000,
                   help="runs seeded for the aviary search test (100000; 0 skips)")
    p.add_argument("--mlflow-search-runs", type=int, default=2_000,
                   help="runs seeded for the mlflow search test (2000; 0 skips)")
    p.add_argument("--search-samples", type=int, default=30,
                   help="timed searches, runs/search and model-versions/search (30)")
    p.add_argument("--registry-versions", type=int, default=10_000, metavar="N",
                   help="model versions seeded for the aviary registry test (10000; 0 skips)")
    p.add_argument("--mlflow-registry-versions", type=int, default=None, metavar="N",
                   help="model versions seeded for the mlflow registry test "
                        "(default: the same as --registry-versions; 0 skips)")
    p.add_argument("--seed-concurrency", type=int, default=8,
                   help="client processes used to seed the search runs and the "
                        "model versions (8)")
    p.add_argument("--mlflow-workers", type=int, default=4,
                   help="mlflow server --workers (4, mlflow's own default; also its fastest "
                        "setting on 2 cores)")
    p.add_argument("--mlflow-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for mlflow, e.g. "
                        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false (repeatable)")
    p.add_argument("--aviary-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for aviary (repeatable)")
    p.add_argument("--aviary-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `aviary server`, e.g. --aviary-arg=--log-level "
                        "--aviary-arg=warning (repeatable)")
    p.add_argument("--mlflow-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `mlflow server` (repeatable)")
    p.add_argument("--load-client", choices=("auto", "wrk", "python"), default="auto",
                   help="load generator: wrk if installed (auto), or force one")
    p.add_argument("--startup-timeout", type=float, default=180,
                   help="seconds to wait for the first /health 200 (180)")
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    p.add_argument("--keep-data", action="store_true", help="keep the temp data dirs")
    opts = p.parse_args(argv)
    if not opts.aviary and not opts.mlflow:
        p.error("give --aviary BIN and/or --mlflow BIN")
    for e in opts.mlflow_env + opts.aviary_env:
        if "=" not in e:
            p.error(f"environment setting {e!r} is not KEY=VALUE")
    if opts.search_samples < 1:
        p.error("--search-samples must be at least 1")
    if opts.mlflow_registry_versions is None:
        opts.mlflow_registry_versions = opts.registry_versions
    if opts.registry_versions < 0 or opts.mlflow_registry_versions < 0:
        p.error("registry versions must be 0 or more")
    return opts


def resolve_binary(path: str) -> str | None:
    if os.sep not in path:
        return shutil.which(path)
    return str(Path(path).resolve()) if os.access(path, os.X_OK) else None


def main(argv=None) -> int:
    opts = parse_args(argv)
    has_wrk = shutil.which("wrk") is not None
    if opts.load_client == "wrk" and not has_wrk:
        log(f"wrk is not installed; install it with: {WRK_INSTALL_HINT}")
        return 2
    opts.use_wrk = opts.load_client == "wrk" or (opts.load_client == "auto" and has_wrk)
    if not opts.use_wrk and opts.load_client == "auto":
        log("wrk not found, falling back to the Python load client (it saturates sooner on "
            f"few cores; install wrk with: {WRK_INSTALL_HINT})")

    results_dir = Path(opts.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for kind in ("aviary", "mlflow"):
        given = getattr(opts, kind)
        if not given:
            continue
        binary = resolve_binary(given)
        if binary is None:
            results[kind] = {"server": kind, "binary": given, "valid": False,
                             "error": f"binary not found or not executable: {given}"}
            log(f"{kind}: {results[kind]['error']}")
        else:
            results[kind] = bench_server(kind, binary, opts)
        (results_dir / f"{kind}.json").write_text(json.dumps(results[kind], indent=2) + "\n")

    summary = summary_markdown(results, opts)
    (results_dir / "summary.md").write_text(summary)
    print(summary)
    return 0 if all(r.get("valid") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
