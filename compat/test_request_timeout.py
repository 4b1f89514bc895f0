"""`--request-timeout` on a real server (issue 19): an upload whose body arrives a byte every
half second — lively enough for any idle timeout — has its connection closed at the deadline,
stores nothing, and leaves the server answering; a bad value is refused at start.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from compat_helpers import AVIARY_BIN, free_port, start_process, stop_process, wait_ready

pytestmark = pytest.mark.skipif(not AVIARY_BIN, reason="Aviary's own flag")


@pytest.fixture(scope="module")
def server():
    work = Path(tempfile.mkdtemp(prefix="aviary-timeout-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    proc = start_process([AVIARY_BIN, "server", "--port", str(port), "--backend-store-uri", f"sqlite:///{work}/aviary.db",
                          "--artifacts-destination", str(work / "artifacts"), "--request-timeout", "2"], log)
    try:
        wait_ready(f"{base}/health", proc, log)
        yield base, port, work, log
    finally:
        stop_process(proc)
        shutil.rmtree(work, ignore_errors=True)


def test_a_dribbled_upload_is_cut_at_the_deadline_and_stores_nothing(server):
    base, port, work, log = server
    path = "/api/2.0/mlflow-artifacts/artifacts/0/slow/artifacts/model.bin"
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Length: 100\r\n\r\n".encode())
        started = time.monotonic()
        closed_after = None
        for _ in range(40):
            time.sleep(0.5)
            try:
                sock.sendall(b"x")
            except OSError:
                closed_after = time.monotonic() - started
                break
            sock.setblocking(False)
            try:
                if sock.recv(4096) == b"":
                    closed_after = time.monotonic() - started
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed_after = time.monotonic() - started
                break
            finally:
                sock.setblocking(True)
    assert closed_after is not None, "the connection was still open after 20 s of a 2 s timeout"
    assert 1.5 <= closed_after <= 6, closed_after
    assert requests.get(base + path, timeout=10).status_code == 404
    stored = [p for p in (work / "artifacts").rglob("*") if p.is_file()]
    assert stored == [], f"a cut upload left {stored}"
    assert "request timed out" in log.read_text(errors="replace")
    # Prompt requests on the same server are unaffected.
    assert requests.put(base + path, data=b"model", timeout=10).status_code == 200
    assert requests.get(base + path, timeout=10).content == b"model"


@pytest.mark.parametrize("value", ["-1", "nan", "86401"])
def test_a_bad_timeout_is_refused_at_start(value):
    result = subprocess.run([AVIARY_BIN, "server", f"--request-timeout={value}", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--request-timeout must be between 0 (off) and 86400 seconds" in result.stderr
