"""Server fixture for the peer compatibility suite.

The suite drives the official ``mlflow`` client against a freshly started
server.  Which server is chosen by the environment (first match wins):

* ``AVIARY_SERVER_CMD`` a JSON array argv, with ``{port}`` and ``{data_dir}``
                        placeholders (no shell is involved);
* ``AVIARY_BIN``        path to the ``aviary`` binary (the system under test);
* ``MLFLOW_PEER_BIN``   path to an ``mlflow`` executable from a full
                        ``mlflow==3.17.2`` install (the reference peer).

See compat/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

# Set before the mlflow client reads them: a server bug must fail fast instead
# of being hidden behind the client's retry/backoff loop.
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "30"
# No usage telemetry from the client (or the peer server): the suite is offline.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

from compat_helpers import AVIARY_BIN, AVIARY_SERVER_CMD, MLFLOW_PEER_BIN, free_port


NO_SERVER_MESSAGE = (
    "compat suite needs a server: set AVIARY_BIN=/path/to/aviary (system under "
    "test) or MLFLOW_PEER_BIN=/path/to/mlflow (reference peer, from "
    "`pip install mlflow==3.17.2` in a separate venv). See compat/README.md."
)


class ServerProcess:
    """One server process on a fixed port and data dir, restartable.

    The process is started in its own session (process group) because
    ``mlflow server`` forks uvicorn and job-runner children: a SIGKILL must hit
    the whole group or the child keeps the port.
    """

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        if AVIARY_SERVER_CMD:
            self.kind = "custom"
            self.startup_timeout = 120.0
        elif AVIARY_BIN:
            self.kind = "aviary"
            self.startup_timeout = 60.0
        elif MLFLOW_PEER_BIN:
            self.kind = "mlflow"
            self.startup_timeout = 120.0
        else:
            raise RuntimeError(NO_SERVER_MESSAGE)

    # -- command line ---------------------------------------------------------

    def command(self) -> list[str]:
        port = str(self.port)
        if self.kind == "custom":
            argv = json.loads(AVIARY_SERVER_CMD)
            if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
                raise RuntimeError("AVIARY_SERVER_CMD must be a JSON array of strings")
            return [a.replace("{port}", port).replace("{data_dir}", str(self.data_dir))
                    for a in argv]
        if self.kind == "aviary":
            return [
                AVIARY_BIN, "server",
                "--host", "127.0.0.1",
                "--port", port,
                "--backend-store-uri", f"sqlite:///{self.data_dir}/aviary.db",
                "--artifacts-destination", f"{self.data_dir}/artifacts",
            ]
        return [
            MLFLOW_PEER_BIN, "server",
            "--host", "127.0.0.1",
            "--port", port,
            "--backend-store-uri", f"sqlite:///{self.data_dir}/mlflow.db",
            "--artifacts-destination", f"{self.data_dir}/artifacts",
            "--workers", "1",
        ]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.kind == "mlflow":
            # The peer's background job runner (huey consumers) is irrelevant
            # to tracking and slows start-up; 127.0.0.1 passes the default
            # host-check middleware, so no security flag is needed.
            env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        return env

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.starts}.log"

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.environment(),
            cwd=self.data_dir,
            start_new_session=True,
        )
        log.close()
        self.wait_healthy()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode} during start-up:\n"
                    + self.log_tail()
                )
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(
            f"server not healthy after {self.startup_timeout:.0f}s:\n" + self.log_tail()
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), escalating to SIGKILL."""
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self._signal_group(signal.SIGKILL)  # reap orphans, if any
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def restart(self) -> None:
        """Start again on the same port and data dir (after kill/stop)."""
        if self.is_running():
            self.stop()
        self.start()


@pytest.fixture(scope="session")
def server():
    """The session's server: ``.url``, ``.data_dir``, ``.kill()``, ``.restart()``.

    Also points the mlflow client at it through ``MLFLOW_TRACKING_URI``.
    """
    if not (AVIARY_SERVER_CMD or AVIARY_BIN or MLFLOW_PEER_BIN):
        pytest.exit(NO_SERVER_MESSAGE, returncode=2)
    data_dir = Path(tempfile.mkdtemp(prefix="aviary-compat-"))
    srv = ServerProcess(data_dir)
    srv.start()
    os.environ["MLFLOW_TRACKING_URI"] = srv.url
    import mlflow

    mlflow.set_tracking_uri(srv.url)
    try:
        yield srv
    finally:
        srv.stop()
        if os.environ.get("COMPAT_KEEP_DATA"):
            print(f"\ncompat: server data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


@pytest.fixture
def client(server):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=server.url)


@pytest.fixture
def exp_name(request) -> str:
    """A unique experiment name for this test."""
    import uuid

    return f"compat-{request.node.name[:60]}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def experiment_id(client, exp_name) -> str:
    return client.create_experiment(exp_name)


@pytest.fixture(autouse=True)
def _no_active_run(server):
    """Each test starts and ends with no active fluent run."""
    import mlflow

    while mlflow.active_run() is not None:
        mlflow.end_run()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
