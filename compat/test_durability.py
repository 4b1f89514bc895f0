"""Durability: every log-batch the server acknowledged survives a SIGKILL.

Two writer threads stream raw ``POST /api/2.0/mlflow/runs/log-batch`` requests
(100 metrics each, distinct steps) and record which ones got HTTP 200.  The
server's whole process group is SIGKILLed mid-stream, restarted on the same
data dir and port, and every acknowledged metric must then be readable.
"""

import threading
import time

import requests

T0 = 1_700_000_000_000
BATCH = 100
MAX_BATCHES_PER_WRITER = 3000   # bounded: at most 300k points per writer
STREAM_SECONDS_MIN = 1.0        # stream at least this long before the kill ...
ACKS_MIN = 40                   # ... and until at least this many batches are acked
STREAM_SECONDS_MAX = 60.0       # give up waiting for acks after this


def _value(key_index: int, step: int) -> float:
    return step * 0.5 + key_index * 1e6 + 0.125


def _batch(run_id: str, key_index: int, batch_index: int) -> dict:
    first = batch_index * BATCH
    return {
        "run_id": run_id,
        "metrics": [
            {"key": f"w{key_index}", "value": _value(key_index, s), "timestamp": T0 + s, "step": s}
            for s in range(first, first + BATCH)
        ],
    }


def test_acknowledged_batches_survive_sigkill(server, client, experiment_id):
    run_id = client.create_run(experiment_id, run_name="durable").info.run_id
    client.log_param(run_id, "before_kill", "yes")
    url = f"{server.url}/api/2.0/mlflow/runs/log-batch"

    acked: list[set[int]] = [set(), set()]
    sent: list[set[int]] = [set(), set()]
    errors: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def writer(key_index: int) -> None:
        session = requests.Session()
        for b in range(MAX_BATCHES_PER_WRITER):
            if stop.is_set():
                return
            with lock:
                sent[key_index].add(b)
            try:
                r = session.post(url, json=_batch(run_id, key_index, b), timeout=30)
            except requests.RequestException:
                return  # the server is gone
            if r.status_code != 200:
                with lock:
                    errors.append(f"w{key_index} batch {b}: HTTP {r.status_code} {r.text[:200]}")
                return
            with lock:
                acked[key_index].add(b)

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(2)]
    started = time.monotonic()
    for t in threads:
        t.start()

    # Stream for a while, then kill while the writers are still sending.
    while True:
        elapsed = time.monotonic() - started
        with lock:
            n_acked = len(acked[0]) + len(acked[1])
            near_end = max(len(s) for s in sent) >= MAX_BATCHES_PER_WRITER * 0.8
        if errors:
            break
        if (elapsed >= STREAM_SECONDS_MIN and n_acked >= ACKS_MIN) or near_end:
            break
        if elapsed >= STREAM_SECONDS_MAX or not any(t.is_alive() for t in threads):
            break
        time.sleep(0.01)

    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors
    with lock:
        acked_snapshot = [set(a) for a in acked]
    assert sum(len(a) for a in acked_snapshot) >= 1, "no batch was acknowledged before the kill"

    print(f"\ndurability: acked {[len(a) for a in acked_snapshot]} batches of {BATCH}, "
          f"sent {[len(s) for s in sent]}, killed after {time.monotonic() - started:.2f}s")
    server.restart()

    run = client.get_run(run_id)
    assert run.data.params == {"before_kill": "yes"}
    assert run.info.status == "RUNNING"
    for key_index in (0, 1):
        hist = client.get_metric_history(run_id, f"w{key_index}")
        got = {m.step: (m.value, m.timestamp) for m in hist}
        assert len(got) == len(hist), "duplicate steps after restart"
        missing = []
        for b in sorted(acked_snapshot[key_index]):
            for s in range(b * BATCH, (b + 1) * BATCH):
                if got.get(s) != (_value(key_index, s), T0 + s):
                    missing.append(s)
        assert not missing, (
            f"w{key_index}: {len(missing)} acknowledged points lost or wrong, "
            f"first {missing[:10]}"
        )
        # Each batch is one transaction: present in full or not at all.
        present_batches = {s // BATCH for s in got}
        for b in present_batches:
            steps = range(b * BATCH, (b + 1) * BATCH)
            assert all(s in got for s in steps), f"w{key_index} batch {b} partially stored"
        # Nothing appears that was never sent.
        assert present_batches <= sent[key_index]

    # The restarted server takes writes again.
    client.log_metric(run_id, "after_restart", 1.0)
    assert client.get_run(run_id).data.metrics["after_restart"] == 1.0
