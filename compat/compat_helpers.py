"""Small helpers shared by the compat tests (raw HTTP that no client rewrites)."""

from __future__ import annotations

import http.client
import json
import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

AVIARY_SERVER_CMD = os.environ.get("AVIARY_SERVER_CMD")
# Resolved now: the server runs with its temporary data directory as working directory.
AVIARY_BIN = os.path.abspath(os.environ["AVIARY_BIN"]) if os.environ.get("AVIARY_BIN") else None
MLFLOW_PEER_BIN = os.environ.get("MLFLOW_PEER_BIN")

#: True when the suite runs against the real MLflow server (the reference peer):
#: the few assertions that real MLflow itself fails are skipped then.
RUNNING_AGAINST_PEER = not AVIARY_SERVER_CMD and not AVIARY_BIN and bool(MLFLOW_PEER_BIN)


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def is_json(self) -> bool:
        try:
            json.loads(self.body)
            return True
        except ValueError:
            return False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(base_url: str, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> RawResponse:
    """Send exactly ``method path`` (no dot-segment normalisation, no re-encoding)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


# Infinity as each server stores it: mlflow server clamps to the largest finite double,
# Aviary keeps the infinity the client logged.
INF = 1.7976931348623157e308 if RUNNING_AGAINST_PEER else float("inf")


def start_process(args: list[str], log, env: dict | None = None):
    """Starts a server in its own process group, its output in `log`; `stop_process` ends it."""
    import subprocess

    with open(log, "wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, **(env or {})})


def stop_process(proc) -> None:
    """SIGTERM to the whole group, SIGKILL if it lingers."""
    import signal
    import subprocess

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def wait_ready(url: str, proc, log, timeout: float = 90) -> None:
    """Polls `url` until it answers 200; fails with the log's tail if the process exits or time runs out."""
    import time

    import pytest
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{url}: process exited:\n{open(log, errors='replace').read()[-3000:]}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} not ready after {timeout:.0f}s:\n{open(log, errors='replace').read()[-3000:]}")
