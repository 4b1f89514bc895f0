#!/usr/bin/env python3
"""Server CPU per request of a change against a baseline binary, paired round by round.

A budget of a few percent is inside this machine's wall-clock noise (±10% between runs), so
the figure is the server's own CPU time (user + system, all threads, from /proc) per answered
request, under the same wrk load, alternating the two binaries every round (which goes first
alternates too). The result is the median of the paired per-round ratios with a bootstrap 95%
interval, and the throughput of each.

Instruction counts would be steadier still, but this machine has no hardware counters for
`perf stat`, and valgrind (3.19 and 3.24) dies in its own signal handling as soon as an
`aviary` binary parks its main thread in libdispatch's sigsuspend.

  .venv/bin/python bench/serve_model.py train --out /tmp/aviary-regression
  python3 bench/regression_bench.py --aviary .build/release/aviary --baseline OLD/.build/release/aviary \
      --work /tmp/aviary-regression [--rounds 12] [--seconds 3]

Streams: `invocations` (aviary serve MODEL, one-row dataframe_split bodies, wrk -t2 -c16) and
`log-batch` (aviary server, 100 metrics a request, wrk -t2 -c8).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

WRK = Path(__file__).resolve().parent / "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(argv: list[str], ready: str, cwd: Path) -> subprocess.Popen:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=cwd)
    for _ in range(300):
        try:
            urllib.request.urlopen(ready, timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"server did not start: {argv}")


def wrk(args: list[str], seconds: int) -> int:
    out = subprocess.run(["wrk", f"-d{seconds}s", *args], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"wrk {args}: {errors.group(1)} failed responses")
    return int(re.search(r"(\d+) requests in", out).group(1))


class Server:
    """One binary serving one stream, with the wrk command that loads it."""

    def __init__(self, binary: str, stream: str, work: Path):
        self.data = Path(tempfile.mkdtemp(dir=work))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if stream == "invocations":
            self.proc = start([binary, "serve", str(work / "model"), "--port", str(port)], f"{url}/ping", self.data)
            self.load = ["-t2", "-c16", "-s", str(WRK / "invocations.lua"), f"{url}/invocations", "--", str(work / "body_single.json")]
        else:
            self.proc = start([binary, "server", "--port", str(port), "--backend-store-uri", f"sqlite:///{self.data}/a.db",
                               "--artifacts-destination", str(self.data / "artifacts")], f"{url}/health", self.data)
            request = urllib.request.Request(f"{url}/api/2.0/mlflow/runs/create", data=b'{"experiment_id": "0"}',
                                             headers={"Content-Type": "application/json"})
            run_id = re.search(rb'"run_id":\s*"(\w+)"', urllib.request.urlopen(request).read()).group(1).decode()
            self.load = ["-t2", "-c8", "-s", str(WRK / "log_batch.lua"), f"{url}/api/2.0/mlflow/runs/log-batch", "--", run_id, "100", "2"]
        self.rounds = 0

    def measure(self, seconds: int) -> tuple[float, float]:
        """(requests/s, CPU µs per request) of one round."""
        before = cpu_seconds(self.proc.pid)
        # A fresh step range every round: no two metrics of the run collide.
        load = self.load + ([str(10**9 * (self.rounds + 1))] if "log_batch.lua" in self.load[3] else [])
        self.rounds += 1
        count = wrk(load, seconds)
        time.sleep(0.5)
        return count / seconds, (cpu_seconds(self.proc.pid) - before) / count * 1e6

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        shutil.rmtree(self.data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aviary", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/aviary-regression"))
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--streams", default="invocations,log-batch")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("needs wrk (apt-get install wrk)")
    if not (args.work / "model").exists():
        sys.exit(f"no model in {args.work}: run .venv/bin/python bench/serve_model.py train --out {args.work}")
    print("| stream | baseline req/s | change req/s | baseline CPU/request | change CPU/request | paired CPU change (95% interval) |")
    print("|---|---:|---:|---:|---:|---:|")
    for stream in args.streams.split(","):
        servers = {"baseline": Server(os.path.abspath(args.baseline), stream, args.work), "change": Server(os.path.abspath(args.aviary), stream, args.work)}
        rates: dict[str, list[float]] = {name: [] for name in servers}
        cpu: dict[str, list[float]] = {name: [] for name in servers}
        try:
            for name, server in servers.items():
                server.measure(2)  # warm-up
            for round_ in range(args.rounds):
                order = list(servers.items()) if round_ % 2 == 0 else list(servers.items())[::-1]
                for name, server in order:
                    rate, micros = server.measure(args.seconds)
                    rates[name].append(rate)
                    cpu[name].append(micros)
                    print(f"{stream} round {round_ + 1}: {name:8} {rate:9.0f} req/s {micros:8.1f} µs CPU/request", file=sys.stderr)
        finally:
            for server in servers.values():
                server.stop()
        ratios = [c / b - 1 for b, c in zip(cpu["baseline"], cpu["change"])]
        resamples = sorted(statistics.median(random.choices(ratios, k=len(ratios))) for _ in range(2000))
        print(f"| {stream} | {statistics.median(rates['baseline']):,.0f} | {statistics.median(rates['change']):,.0f} | "
              f"{statistics.median(cpu['baseline']):.1f} µs | {statistics.median(cpu['change']):.1f} µs | "
              f"{statistics.median(ratios):+.1%} ({resamples[49]:+.1%} to {resamples[1949]:+.1%}) |", flush=True)


if __name__ == "__main__":
    main()
