#!/usr/bin/env python3
"""Throughput of `aviary serve --deployment` against plain `aviary serve` on the same model.

Issue 7's budget: the production path (variant routing and its metrics) may cost at most 10%
of plain serving's throughput with 1-row requests. Both servers load the same saved model
(made by serve_model.py train); the deployment splits 80/20 between two variants of it and
logs every request to its prediction log, so the difference is the whole production path:
routing, per-variant metrics and logging. wrk drives each for --seconds, alternating
--rounds times (which goes first alternates too); the best and the median rounds of each are
compared, and the cost of each deployment round against its neighbouring plain round, with a
bootstrap 95% interval of that median (the machine is shared, so single rounds vary by ±10%).

  .venv/bin/python bench/serve_model.py train --out /tmp/serve-bench
  python3 bench/deployment_bench.py --aviary .build/release/aviary --work /tmp/serve-bench
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "invocations.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port = argv[argv.index("--port") + 1]
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"server did not start: {argv}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, body: Path, seconds: int) -> float:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(LUA), url, "--", str(body)],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} failed responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--aviary", required=True)
    p.add_argument("--work", required=True, type=Path, help="the serve_model.py train --out directory")
    p.add_argument("--seconds", type=int, default=3)
    p.add_argument("--rounds", type=int, default=48)
    opts = p.parse_args()
    spec = opts.work / "deployment.yaml"
    model = opts.work / "model"
    log = opts.work / "predictions.db"
    log.unlink(missing_ok=True)
    spec.write_text(f"name: bench\nrefresh_seconds: 0\nprediction_log: {{path: '{log}', flush_seconds: 1}}\nvariants:\n"
                    f"  - {{name: champion, model: '{model}', weight: 80}}\n"
                    f"  - {{name: challenger, model: '{model}', weight: 20}}\n")
    plain_port, deployment_port = free_port(), free_port()
    servers = [start([opts.aviary, "serve", str(model), "--port", str(plain_port)]),
               start([opts.aviary, "serve", "--deployment", str(spec), "--port", str(deployment_port)])]
    body = opts.work / "body_single.json"
    rates: dict[str, list[float]] = {"plain": [], "deployment": []}
    cpu: dict[str, list[float]] = {"plain": [], "deployment": []}
    try:
        targets = list(zip((("plain", f"http://127.0.0.1:{plain_port}/invocations"),
                            ("deployment", f"http://127.0.0.1:{deployment_port}/deployments/bench/invocations")), servers))
        for round_ in range(opts.rounds):
            # Every other round the deployment goes first, so neither server always follows the other.
            for (kind, url), server in (targets if round_ % 2 == 0 else targets[::-1]):
                before = cpu_seconds(server.pid)
                rate = wrk(url, body, opts.seconds)
                # The log's last records are written up to a flush interval after the load stops:
                # that work is counted here and does not slow the next round's server.
                time.sleep(1.5)
                cpu[kind].append((cpu_seconds(server.pid) - before) / (rate * opts.seconds) * 1e6)
                print(f"round {round_ + 1}: {kind:10} {rate:10.0f} req/s {cpu[kind][-1]:7.1f} µs CPU/request", file=sys.stderr)
                rates[kind].append(rate)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
    print(f"| 1-row requests, wrk -t2 -c16, {opts.rounds} rounds × {opts.seconds} s | plain aviary serve | aviary serve --deployment (80/20, logged) | cost (target ≤ 10%) |")
    print("|---|---:|---:|---:|")
    for label, pick in (("best round", max), ("median round", statistics.median)):
        plain, deployment = pick(rates["plain"]), pick(rates["deployment"])
        print(f"| {label} | {plain:,.0f} req/s | {deployment:,.0f} req/s | {1 - deployment / plain:.1%} |")
    # Each deployment round against the plain round next to it: the machine's speed drifts over
    # minutes, so adjacent rounds compare best. The interval is a bootstrap over the pairs.
    costs = [1 - d / p for p, d in zip(rates["plain"], rates["deployment"])]
    resamples = sorted(statistics.median(random.choices(costs, k=len(costs))) for _ in range(2000))
    print(f"| median of paired rounds (95% interval) | | | {statistics.median(costs):.1%} ({resamples[49]:.1%} to {resamples[1949]:.1%}) |")
    plain_cpu, deployment_cpu = statistics.median(cpu["plain"]), statistics.median(cpu["deployment"])
    print(f"| server CPU per request, median | {plain_cpu:.1f} µs | {deployment_cpu:.1f} µs | +{deployment_cpu / plain_cpu - 1:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
